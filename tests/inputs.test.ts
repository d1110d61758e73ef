import { readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject, post, readFeeds, removeProjects, runCli, snapshotTree } from './helpers/cli-project.js';
import { MAX_POST_BYTES } from '../src/read/read-post.js';

/** Inputs that need bytes a text fixture cannot hold (encodings, file names, sizes, links), made in temp folders. */

const bytes = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

afterAll(removeProjects);

describe('encodings', () => {
  it('invalid UTF-8 is an error naming the byte offset; nothing is published, so no U+FFFD ever is', async () => {
    const root = await makeProject({
      'posts/latin1.md': bytes('---\ntitle: Caf', [0xe9], '\ndate: 2024-01-31\n---\n\nBody\n'),
      'posts/truncated.md': bytes(post('Cut short', '2024-01-31', 'Ends in half a euro sign '), [0xe2, 0x82]),
      'posts/good.md': post('Fine'),
    });
    const run = await runCli(root, ['build']);
    expect(run.lines).toEqual([
      'posts/latin1.md:2:11 error the file is not valid UTF-8: byte 0xe9 at byte offset 14 cannot start or continue a character; save the file as UTF-8 [invalid-utf8]',
      'posts/truncated.md:7:1 error the file is not valid UTF-8: byte 0xe2 at byte offset 71 cannot start or continue a character; save the file as UTF-8 [invalid-utf8]',
      '✖ 2 errors, 0 warnings in 2 files',
    ]);
    expect(run.code).toBe(1);
    expect(Object.keys(await snapshotTree(root))).not.toContain('dist');
  });

  it('a file name that is not UTF-8 is named, with its byte offset, instead of crashing', async () => {
    const root = await makeProject({ 'posts/good.md': post('Fine') });
    // Linux file names are bytes: 0xff can never appear in UTF-8.
    await writeFile(Buffer.from(`${root}/posts/bad-\xff.md`, 'latin1'), post('Bad name'));
    const run = await runCli(root, ['check']);
    expect(run.lines).toEqual([
      'posts/bad-\ufffd.md error the file name is not valid UTF-8 (byte 0xff at byte offset 4); rename it [invalid-file-name]',
      '✖ 1 error, 0 warnings in 1 file',
    ]);
  });

  it('a UTF-8 byte order mark is dropped', async () => {
    const root = await makeProject({ 'posts/bom.md': `\ufeff${post('With a BOM')}` });
    const run = await runCli(root, ['build']);
    expect([run.code, run.lines]).toEqual([0, []]);
    const { json, rss } = await readFeeds(root);
    expect(json.items[0]?.title).toBe('With a BOM');
    expect(rss).not.toContain('\ufeff');
  });

  it('CRLF line endings read like LF, with the same line numbers in messages, and no CR in the output', async () => {
    const crlf = (text: string): string => text.replace(/\n/g, '\r\n');
    const root = await makeProject({
      'posts/windows.md': crlf(post('Windows', '2024-01-31', 'First paragraph.\n\nSecond paragraph.')),
      'posts/windows-bad.md': crlf('---\ntitle: Bad date\ndate: 2023-02-29\n---\n\nBody\n'),
    });
    expect((await runCli(root, ['check'])).lines[0]).toMatch(/^posts\/windows-bad\.md:3:1 error "date" is not a real date: "2023-02-29"/);
    await writeFile(join(root, 'posts/windows-bad.md'), crlf(post('Fixed')));
    expect((await runCli(root, ['build'])).code).toBe(0);
    const { json, rss, atom, jsonText } = await readFeeds(root);
    expect(json.items.find((i) => i.title === 'Windows')?.content_html).toBe('<p>First paragraph.</p>\n<p>Second paragraph.</p>\n');
    expect(rss + atom + jsonText).not.toContain('\r');
  });
});

describe('characters XML forbids, spelled as YAML escapes', () => {
  it('are removed from front-matter values with a warning at their key', async () => {
    const root = await makeProject({ 'posts/escapes.md': '---\ntitle: "Bell\\a and null\\0"\ndate: 2024-01-31\ntags: ["a\\x1b"]\n---\n\nBody\n' });
    const run = await runCli(root, ['build']);
    expect(run.lines).toEqual([
      'posts/escapes.md:2:1 warning removed character U+0007 (written as a YAML escape) from "title", which XML 1.0 does not allow [forbidden-character]',
      'posts/escapes.md:4:1 warning removed character U+001B (written as a YAML escape) from "tags", which XML 1.0 does not allow [forbidden-character]',
      '⚠ 0 errors, 2 warnings in 1 file',
    ]);
    const { json, jsonText } = await readFeeds(root);
    expect([json.items[0]?.title, json.items[0]?.tags]).toEqual(['Bell and null', ['a']]);
    expect(jsonText).not.toMatch(/\\u00(00|07|1b)/);
    expect(await readFile(join(root, 'dist/posts/escapes/index.html'), 'utf8')).not.toMatch(/[\u0000\u0007\u001b]/);
  });
});

describe('file names and slugs', () => {
  it('Unicode and NFD file names give NFC slugs, URLs and folders', async () => {
    const nfd = 'cafe\u0301';
    const root = await makeProject({ [`posts/2024-01-31-${nfd}.md`]: post('Café'), 'posts/日本語.md': post('Japanese') });
    const run = await runCli(root, ['build']);
    expect([run.code, run.lines]).toEqual([0, []]);
    const { json } = await readFeeds(root);
    expect(json.items.map((i) => i.id).sort()).toEqual([
      'https://example.com/blog/posts/%E6%97%A5%E6%9C%AC%E8%AA%9E/',
      'https://example.com/blog/posts/caf%C3%A9/',
    ]);
    const tree = Object.keys(await snapshotTree(join(root, 'dist')));
    expect(tree).toContain('posts/caf\u00e9/index.html');
    expect(tree).not.toContain(`posts/${nfd}/index.html`);
  });

  it('two posts with the same slug: both files are named, each at its slug line or line 1', async () => {
    const root = await makeProject({
      'posts/2024-01-01-hello.md': post('One'),
      'posts/hello.md': post('Two'),
      'posts/x.md': post('Three', undefined, undefined, 'slug: shared\n'),
      'posts/y.md': post('Four', undefined, undefined, 'slug: Shared\n'),
      'posts/cafe\u0301.md': post('NFD'),
      'posts/caf\u00e9.md': post('NFC'),
    });
    const run = await runCli(root, ['build']);
    expect(run.lines).toEqual([
      'posts/2024-01-01-hello.md:1:1 error slug "hello" (from the file name) is also used by posts/hello.md (slug "hello"); every post needs its own slug (letter case does not count): set a different "slug" in one of them [duplicate-slug]',
      // The two spellings of café.md are one name: each is named as such, and (as one slug) as a duplicate slug.
      'posts/café.md error two posts have this name, spelled with different Unicode forms (NFC and NFD, as macOS and other systems write accented letters); rename or remove one [duplicate-file-name]',
      'posts/café.md error two posts have this name, spelled with different Unicode forms (NFC and NFD, as macOS and other systems write accented letters); rename or remove one [duplicate-file-name]',
      'posts/café.md:1:1 error slug "café" (from the file name) is also used by posts/café.md (slug "café"); every post needs its own slug (letter case does not count): set a different "slug" in one of them [duplicate-slug]',
      'posts/café.md:1:1 error slug "café" (from the file name) is also used by posts/café.md (slug "café"); every post needs its own slug (letter case does not count): set a different "slug" in one of them [duplicate-slug]',
      'posts/hello.md:1:1 error slug "hello" (from the file name) is also used by posts/2024-01-01-hello.md (slug "hello"); every post needs its own slug (letter case does not count): set a different "slug" in one of them [duplicate-slug]',
      'posts/x.md:4:1 error slug "shared" is also used by posts/y.md (slug "Shared"); every post needs its own slug (letter case does not count): set a different "slug" in one of them [duplicate-slug]',
      'posts/y.md:4:1 error slug "Shared" is also used by posts/x.md (slug "shared"); every post needs its own slug (letter case does not count): set a different "slug" in one of them [duplicate-slug]',
      '✖ 8 errors, 0 warnings in 5 files',
    ]);
  });

  it('two posts with the same id are both named', async () => {
    const root = await makeProject({
      'posts/a.md': post('A', undefined, undefined, 'id: tag:example.com,2024:1\n'),
      'posts/b.md': post('B', undefined, undefined, 'id: tag:example.com,2024:1\n'),
    });
    const run = await runCli(root, ['check']);
    expect(run.lines).toEqual([
      'posts/a.md:4:1 error id "tag:example.com,2024:1" is also used by posts/b.md (id "tag:example.com,2024:1"); every post needs its own id: set a different "id" in one of them [duplicate-id]',
      'posts/b.md:4:1 error id "tag:example.com,2024:1" is also used by posts/a.md (id "tag:example.com,2024:1"); every post needs its own id: set a different "id" in one of them [duplicate-id]',
      '✖ 2 errors, 0 warnings in 2 files',
    ]);
  });

  it('a file name that is not a safe slug gets one the way tags do; an explicit unsafe "slug" is still refused', async () => {
    const root = await makeProject({
      'posts/my post?.md': post('Spaces'),
      'posts/other.md': post('Other', undefined, undefined, 'slug: "my post?"\n'),
    });
    const run = await runCli(root, ['check']);
    expect(run.lines).toEqual([
      'posts/other.md:4:1 error "slug" "my post?" is not safe in a URL path: use letters, digits, "-", "_", "." and "~", with no "/", "\\", ".." or leading dot [invalid-slug]',
      '✖ 1 error, 0 warnings in 1 file',
    ]);
    await writeFile(join(root, 'posts/other.md'), post('Other'));
    expect((await runCli(root, ['build'])).code).toBe(0);
    const { json } = await readFeeds(root);
    expect(json.items.map((i) => i.id).sort()).toEqual(['https://example.com/blog/posts/my-post/', 'https://example.com/blog/posts/other/']);
  });
});

describe('what else a posts folder holds', () => {
  it('non-Markdown files, hidden files and folders without index.md are not posts (and not errors), and are named', async () => {
    const root = await makeProject({
      'posts/one.md': post('One'),
      'posts/notes.txt': 'not a post',
      'posts/photo.png': bytes([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00]),
      'posts/.hidden.md': 'no front matter at all',
      'posts/bundle/index.md': post('Bundle'),
      'posts/bundle/cover.jpg': bytes([0xff, 0xd8, 0xff]),
      'posts/bundle/notes.txt': 'a bundle file',
      'posts/scraps/old.txt': 'a folder without index.md',
    });
    const run = await runCli(root, ['build']);
    expect([run.code, run.lines]).toEqual([0, []]);
    expect(run.stdout.split('\n')[0]).toBe('Skipped 4 files in posts/ that are not posts: not Markdown (.md, .markdown) (3): notes.txt, photo.png, scraps/old.txt; hidden (1): .hidden.md');
    const { json } = await readFeeds(root);
    expect(json.items.map((i) => i.title).sort()).toEqual(['Bundle', 'One']);
  });

  it('a post just under the size limit (5 MiB) builds', async () => {
    const paragraph = `${'Lorem ipsum dolor sit amet, **consectetur** adipiscing elit, [a link](../other/). '.repeat(12)}\n\n`;
    const body = paragraph.repeat(Math.floor((MAX_POST_BYTES - 200) / paragraph.length));
    const root = await makeProject({ 'posts/huge.md': post('Huge', undefined, body, 'summary: Big.\n') });
    const run = await runCli(root, ['build']);
    // The link points at no post: one warning for all its uses.
    const uses = 12 * Math.floor((MAX_POST_BYTES - 200) / paragraph.length);
    expect([run.code, run.lines]).toEqual([0, [
      `posts/huge.md:7:62 warning link to https://example.com/blog/posts/other/ (here and ${uses - 1} more times in the post) points into the site, but the build writes nothing there; fix the link or add what it points to [broken-link]`,
      '⚠ 0 errors, 1 warning in 1 file',
    ]]);
    // (well-formedness only: a full feed parse of 3 × 5 MB would double the time of this test)
    expect(XMLValidator.validate(await readFile(join(root, 'dist/atom.xml'), 'utf8'))).toBe(true);
    const json = JSON.parse(await readFile(join(root, 'dist/feed.json'), 'utf8')) as { items: { content_html: string }[] };
    expect(json.items[0]?.content_html.length).toBeGreaterThan(MAX_POST_BYTES);
    expect(json.items[0]?.content_html).toContain('<a href="https://example.com/blog/posts/other/">a link</a>');
  });

  it('symbolic links to posts and bundles inside the posts folder are read; a dangling one is an error; nothing is written beside them', async () => {
    const root = await makeProject({
      'posts/.store/linked.md': post('Linked file'),
      'posts/.store/bundle/index.md': post('Linked bundle'),
      'posts/own.md': post('Own'),
    });
    await symlink(join(root, 'posts/.store/linked.md'), join(root, 'posts/linked.md'));
    await symlink(join(root, 'posts/.store/bundle'), join(root, 'posts/linked-bundle'));
    const store = await snapshotTree(join(root, 'posts/.store'));
    expect(await runCli(root, ['build'])).toMatchObject({ code: 0, lines: [] });
    const { json } = await readFeeds(root);
    expect(json.items.map((i) => i.title).sort()).toEqual(['Linked bundle', 'Linked file', 'Own']);
    expect(await snapshotTree(join(root, 'posts/.store'))).toEqual(store);

    await symlink(join(root, 'nowhere.md'), join(root, 'posts/gone.md'));
    const run = await runCli(root, ['check']);
    expect(run.lines[0]).toMatch(/^posts\/gone\.md error cannot read the post: ENOENT.* \[read-failed\]$/);
  });
});

describe('config problems point at package.json lines', () => {
  const pkg = (feedwright: string): string => `{\n  "name": "blog",\n  "feedwright": {\n${feedwright}\n  }\n}\n`;

  it('unknown keys, a relative URL and an invalid language tag are reported together', async () => {
    const root = await makeProject({ 'posts/a.md': post('A') }, pkg([
      '    "title": "Blog",',
      '    "url": "/blog/",',
      '    "language": "english",',
      '    "colour": "red",',
      '    "summaryLenght": 200',
    ].join('\n')));
    const run = await runCli(root, ['check']);
    expect(run.lines).toHaveLength(5);
    expect(run.lines[0]).toBe('package.json:5:5 error "url" must be an absolute URL starting with https:// or http://, found "/blog/" [config-url]');
    expect(run.lines[1]).toBe('package.json:6:5 error "language" must be a BCP 47 language tag with a known language such as "en" or "pt-BR", found "english" [config-language]');
    // (the list of known keys grows with features, so only its start is pinned)
    expect(run.lines[2]).toMatch(/^package\.json:7:5 error unknown config key "colour"; known keys: title, url, description, language, .* \[config-unknown-key\]$/);
    expect(run.lines[3]).toMatch(/^package\.json:8:5 error unknown config key "summaryLenght"; did you mean "summaryLength"\?; known keys: .* \[config-unknown-key\]$/);
    expect(run.lines[4]).toBe('✖ 4 errors, 0 warnings in 1 file');
    expect(run.code).toBe(1);
  });

  it.each([
    ['"ftp://example.com/"', '"url" must use https:// or http://, found "ftp://example.com/"', 'config-url'],
    ['"javascript:alert(1)"', '"url" must use https:// or http://, found "javascript:alert(1)"', 'config-url'],
    ['"example.com"', '"url" must be an absolute URL starting with https:// or http://, found "example.com"', 'config-url'],
  ])('url %s', async (url, message, code) => {
    const root = await makeProject({ 'posts/a.md': post('A') }, pkg(`    "url": ${url}`));
    expect((await runCli(root, ['check'])).lines[0]).toBe(`package.json:4:5 error ${message} [${code}]`);
  });

  it.each(['en_US', 'xx', 'zz-ZZ', ''])('language %j', async (language) => {
    const root = await makeProject({ 'posts/a.md': post('A') }, pkg(`    "url": "https://example.com/",\n    "language": ${JSON.stringify(language)}`));
    expect((await runCli(root, ['check'])).lines[0]).toMatch(/^package\.json:5:5 error "language" must be a BCP 47 language tag .* \[config-language\]$/);
  });

  it.each(['en', 'pt-BR', 'zh-Hant-TW', 'de-CH-1996'])('language %j is fine', async (language) => {
    const root = await makeProject({ 'posts/a.md': post('A') }, { url: 'https://example.com/', language });
    expect((await runCli(root, ['check'])).code).toBe(0);
  });

  it('a package.json that is not UTF-8 is refused rather than decoded with U+FFFD', async () => {
    const root = await makeProject({ 'posts/a.md': post('A') }, '{}');
    await writeFile(join(root, 'package.json'), bytes('{"feedwright": {"url": "https://example.com/", "title": "Caf', [0xe9], '"}}'));
    expect((await runCli(root, ['check'])).lines[0]).toBe(
      'package.json error package.json is not valid UTF-8: byte 0xe9 at byte offset 60 cannot start or continue a character; save the file as UTF-8 [invalid-utf8]');
  });

  it('broken JSON is pointed at by line and column', async () => {
    const root = await makeProject({ 'posts/a.md': post('A') }, '{\n  "feedwright": {\n    "url": "https://example.com/",\n  }\n}\n');
    expect((await runCli(root, ['check'])).lines[0]).toMatch(/^package\.json:4:3 error package\.json is not valid JSON: .* \[config-json\]$/);
  });
});

