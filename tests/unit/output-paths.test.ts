import { describe, expect, it } from 'vitest';
import { outputConflicts } from '../../src/output/paths.js';

describe('outputConflicts', () => {
  it('finds two outputs at one path (letter case and Unicode form ignored), reporting at the later one and naming both', () => {
    const cafe = 'tags/café/index.html';
    const found = outputConflicts([
      { path: 'rss.xml', origin: { what: "the site's RSS feed" } },
      { path: cafe.normalize('NFC'), origin: { what: 'the page of the tag "café"' } },
      { path: 'posts/a/index.html', origin: { what: 'the page of posts/a.md', file: 'posts/a.md' } },
      { path: 'RSS.xml', origin: { what: 'the output "rss" of the config', file: 'package.json', line: 7, column: 5 } },
      { path: cafe.normalize('NFD'), origin: { what: 'the static file static/tags/café/index.html', file: 'static/tags/café/index.html' } },
      { path: 'posts/a', origin: { what: 'the static file static/posts/a', file: 'static/posts/a' } },
    ]);
    expect(found.map((d) => [d.file, d.line, d.code, d.message])).toEqual([
      ['package.json', 7, 'output-conflict', 'the output "rss" of the config and the site\'s RSS feed would both be published at rss.xml (the two paths differ only in letter case or Unicode form, which many file systems do not tell apart); only one can be: rename or remove one of them'],
      ['static/tags/café/index.html', undefined, 'output-conflict', `the static file static/tags/café/index.html and the page of the tag "café" would both be published at ${cafe.normalize('NFC')} (the two paths differ only in letter case or Unicode form, which many file systems do not tell apart); only one can be: rename or remove one of them`],
      ['static/posts/a', undefined, 'output-conflict', 'the page of posts/a.md is published at posts/a/index.html, which needs posts/a to be a folder, but the static file static/posts/a is a file there; only one can be: rename or remove one of them'],
    ]);
  });

  it('finds the same conflicts when the same paths are planned again, and new ones among paths it saw before', () => {
    // (a rebuild plans the same paths again: what is kept of each path between calls must not change the answer)
    const first = [{ path: 'Posts/A/index.html' }, { path: 'tags/x/index.html' }, { path: 'b' }];
    expect(outputConflicts(first)).toEqual([]);
    expect(outputConflicts(first)).toEqual([]);
    const found = outputConflicts([...first, { path: 'posts/a' }, { path: 'B/index.html' }, { path: 'posts/a/index.html' }]);
    expect(found.map((d) => d.message)).toEqual([
      'the generated file posts/a/index.html and the generated file Posts/A/index.html would both be published at Posts/A/index.html (the two paths differ only in letter case or Unicode form, which many file systems do not tell apart); only one can be: rename or remove one of them',
      'the generated file Posts/A/index.html is published at Posts/A/index.html, which needs posts/a to be a folder, but the generated file posts/a is a file there; only one can be: rename or remove one of them',
      'the generated file B/index.html is published at B/index.html, which needs b to be a folder, but the generated file b is a file there; only one can be: rename or remove one of them',
      'the generated file posts/a/index.html is published at posts/a/index.html, which needs posts/a to be a folder, but the generated file posts/a is a file there; only one can be: rename or remove one of them',
    ]);
  });

  it('finds nothing among distinct paths', () => {
    expect(outputConflicts([{ path: 'a/b.html' }, { path: 'a/c.html' }, { path: 'ab' }, { path: 'a.b/index.html' }])).toEqual([]);
  });
});
