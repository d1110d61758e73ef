import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scriptInSvg, unsafeType } from '../src/site/bundle-policy.js';
import { resolveConfig } from '../src/config/config.js';
import { headerRules, headersFor } from '../src/pages/hosting.js';
import { makeProject, png, post, run } from './helpers/project.js';

/**
 * Bundle files are served from the site's own origin: only what a post needs (images, SVG without scripts,
 * audio, video, fonts, documents) is published; HTML, scripts and scripted SVG are errors naming the file,
 * unless the site sets `allowAnyBundleFile`.
 */

const PLAIN_SVG = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="4" height="3">'
  + '<a xlink:href="https://example.org/"><rect width="4" height="3" fill="url(#g)"/></a><use href="#g"/><image href="data:image/png;base64,AAAA"/></svg>\n';
const SCRIPTED_SVGS: Record<string, string> = {
  'script.svg': '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>',
  'prefixed.svg': '<svg:svg xmlns:svg="http://www.w3.org/2000/svg"><svg:script href="x.js"/></svg:svg>',
  'onload.svg': '<svg xmlns="http://www.w3.org/2000/svg" onLoad="alert(1)"><rect/></svg>',
  'foreign.svg': '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="x"/></foreignObject></svg>',
  'href.svg': '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href=" java&#x09;script:alert(1)"><text>x</text></a></svg>',
  'animate.svg': '<svg xmlns="http://www.w3.org/2000/svg"><a><set attributeName="href" to="javascript:alert(1)"/><text>x</text></a></svg>',
  'stylesheet.svg': '<?xml-stylesheet type="text/xsl" href="evil.xsl"?><svg xmlns="http://www.w3.org/2000/svg"/>',
};

const BODY = 'See [the demo](evil.html) and ![a plain one](plain.svg).';

async function bundle(config: Record<string, unknown> = {}): Promise<string> {
  return makeProject({
    'posts/demo/index.md': post({ title: 'Demo', date: '2024-05-01' }, BODY),
    'posts/demo/evil.html': '<script src="evil.js"></script>',
    'posts/demo/evil.js': 'alert(document.cookie)',
    'posts/demo/lib/worker.mjs': 'postMessage(1)',
    'posts/demo/page.xhtml': '<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>',
    'posts/demo/data.xml': '<?xml-stylesheet type="text/xsl" href="evil.xsl"?><a/>',
    'posts/demo/unknown.xyz': 'what is this',
    ...Object.fromEntries(Object.entries(SCRIPTED_SVGS).map(([name, text]) => [`posts/demo/svg/${name}`, text])),
    'posts/demo/plain.svg': PLAIN_SVG,
    'posts/demo/photo.png': png(4, 3),
    'posts/demo/clip.mp3': new Uint8Array([0xff, 0xfb, 0x90, 0x64]),
    'posts/demo/paper.pdf': '%PDF-1.4\n',
    'posts/demo/captions.vtt': 'WEBVTT\n',
    'posts/demo/table.csv': 'a,b\n',
    'posts/demo/font.woff2': 'wOF2',
  }, config);
}

describe('bundle files: an allow-list by media type', () => {
  it('HTML, scripts, XML, unknown types and scripted SVG are errors naming each file, in check and build', async () => {
    const dir = await bundle();
    const checked = await run(dir, ['check']);
    const built = await run(dir, ['build']);
    for (const { code, io } of [checked, built]) {
      expect(code).toBe(1);
      expect(io.stderrText).not.toContain('a bug in feedwright');
    }
    const lines = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('posts/'));
    expect(lines(built.io.stderrText)).toEqual(lines(checked.io.stderrText));
    const flagged = lines(built.io.stderrText).map((l) => /^(\S+) error /.exec(l)?.[1]);
    expect(flagged).toEqual([
      'posts/demo/data.xml', 'posts/demo/evil.html', 'posts/demo/evil.js', 'posts/demo/lib/worker.mjs', 'posts/demo/page.xhtml',
      ...Object.keys(SCRIPTED_SVGS).sort().map((name) => `posts/demo/svg/${name}`),
      'posts/demo/unknown.xyz',
    ]);
    for (const line of lines(built.io.stderrText)) expect(line).toMatch(/ of posts\/demo\/index\.md .*allowAnyBundleFile.* \[bundle-file-type\]$/);
    expect(built.io.stderrText).toContain('posts/demo/evil.html error the bundle file evil.html of posts/demo/index.md is text/html, which runs scripts on the site\'s origin');
    expect(built.io.stderrText).toMatch(/svg\/onload\.svg error .* has an event handler \(onLoad on <svg>\)/);
    await expect(stat(join(dir, 'dist'))).rejects.toThrow();
  });

  it('images (SVG without scripts included), audio, video, fonts and documents are published', async () => {
    const dir = await makeProject({
      'posts/demo/index.md': post({ title: 'Demo', date: '2024-05-01' }, BODY),
      'posts/demo/plain.svg': PLAIN_SVG,
      'posts/demo/photo.png': png(4, 3),
      'posts/demo/clip.mp3': new Uint8Array([0xff, 0xfb, 0x90, 0x64]),
      'posts/demo/paper.pdf': '%PDF-1.4\n',
      'posts/demo/captions.vtt': 'WEBVTT\n',
      'posts/demo/table.csv': 'a,b\n',
      'posts/demo/font.woff2': 'wOF2',
      'posts/demo/notes.txt': 'notes',
    });
    const { code, io } = await run(dir, ['build']);
    // (this bundle has no evil.html: the post's link to it is reported, and nothing else)
    expect(io.stderrText).toBe('posts/demo/index.md:6:5 warning link to https://example.org/blog/posts/demo/evil.html points into the site, but the build writes nothing there; fix the link or add what it points to [broken-link]\n⚠ 0 errors, 1 warning in 1 file\n');
    expect(code).toBe(0);
    expect(await readFile(join(dir, 'dist/posts/demo/plain.svg'), 'utf8')).toBe(PLAIN_SVG);
    for (const name of ['photo.png', 'clip.mp3', 'paper.pdf', 'captions.vtt', 'table.csv', 'font.woff2', 'notes.txt']) {
      expect((await stat(join(dir, 'dist/posts/demo', name))).isFile()).toBe(true);
    }
  });

  it('"allowAnyBundleFile": true publishes every file (trusted authors)', async () => {
    const dir = await bundle({ allowAnyBundleFile: true });
    const { code, io } = await run(dir, ['build']);
    expect(io.stderrText).toBe('');
    expect(code).toBe(0);
    expect(await readFile(join(dir, 'dist/posts/demo/evil.html'), 'utf8')).toBe('<script src="evil.js"></script>');
    expect(await readFile(join(dir, 'dist/posts/demo/svg/script.svg'), 'utf8')).toBe(SCRIPTED_SVGS['script.svg']);
  });

  it('"allowAnyBundleFile" must be a boolean', async () => {
    const dir = await bundle({ allowAnyBundleFile: 'yes' });
    const { code, io } = await run(dir, ['check']);
    expect(code).toBe(1);
    expect(io.stderrText).toMatch(/^package\.json:\d+:\d+ error "allowAnyBundleFile" must be true or false, found text \("yes"\) \[config-type\]$/m);
  });

  it('types: which are refused and why', () => {
    expect(unsafeType('image/png')).toBeUndefined();
    expect(unsafeType('application/pdf')).toBeUndefined();
    expect(unsafeType('application/vnd.openxmlformats-officedocument.wordprocessingml.document')).toBeUndefined();
    expect(unsafeType('text/javascript')).toMatch(/runs scripts/);
    expect(unsafeType('application/xml')).toMatch(/may run scripts/);
    expect(unsafeType('text/css')).toMatch(/may run scripts/);
    expect(unsafeType(undefined)).toMatch(/no known media type/);
  });

  it('a compressed SVG cannot be checked and is refused', async () => {
    const { gzipSync } = await import('node:zlib');
    const dir = await makeProject({ 'posts/x.svgz': gzipSync(PLAIN_SVG) });
    expect(scriptInSvg(join(dir, 'posts/x.svgz'), 100)).toMatch(/compressed SVG/);
    expect(scriptInSvg(join(dir, 'posts/x.svgz'), 17 * 1024 * 1024)).toMatch(/over the 16 MiB/);
  });

  it('the hosting headers keep every bundle file same-origin safe: no sniffing, and the CSP on every file', () => {
    const config = resolveConfig({ file: 'c', text: '{}', data: { url: 'https://example.org/' }, keyPath: [] }).config;
    if (!config) throw new Error('config');
    for (const path of ['/posts/demo/plain.svg', '/posts/demo/paper.pdf', '/posts/demo/notes.txt', '/posts/demo/sub/x.png']) {
      const headers = headersFor(headerRules(config), path);
      expect(headers['X-Content-Type-Options'], path).toBe('nosniff');
      // Inline scripts and event handlers (an SVG opened on its own) are blocked by script-src 'self'.
      expect(headers['Content-Security-Policy'], path).toMatch(/script-src 'self'/);
      expect(headers['Content-Security-Policy'], path).toMatch(/object-src 'none'/);
    }
  });
});
