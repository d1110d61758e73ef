import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith';
import { DomUtils, parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { DiskCache } from '../src/engine/cache.js';
import { MemoryCache } from '../src/engine/memory-cache.js';
import { CACHE_DIR } from '../src/cli/cli.js';
import { resolveConfig, type ResolvedConfig } from '../src/config/config.js';
import { BASE_CONFIG, makeProject, png, post, run } from './helpers/project.js';

const SITE = 'https://example.org/blog/';

/** Every `href` of the links in an HTML fragment or page, by link text. */
function links(html: string): Map<string, string | undefined> {
  const anchors = DomUtils.findAll((e) => e.name === 'a', parseDocument(html).children);
  return new Map(anchors.map((a) => [DomUtils.textContent(a), a.attribs.href]));
}

/** Every file and folder under `dir` with its contents. */
async function tree(dir: string): Promise<Map<string, string>> {
  const all = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    all.set(path.slice(dir.length), entry.isDirectory() ? '<dir>' : await readFile(path, 'utf8'));
  }
  return new Map([...all].sort(([a], [b]) => (a < b ? -1 : 1)));
}

// The lines of the bundle post below, as written (its body starts on line 5 of the file).
const BUNDLE = [
  'Links to [the first](../2024-01-19-first.md#intro) and to [the second](../2024-01-20-second.md).', // 6
  '',
  '![A picture](pic.png) and [its file](pic.png), [tags](/blog/tags/), [the feed](../../rss.xml),', // 8
  '[home](/blog/), [the sitemap](https://example.org/blog/sitemap.xml), [a page of itself](#top),',
  '[first page](../first/index.html), [first page again](/blog/posts/first), [elsewhere](https://other.example/x).',
  '',
  '- a list item with [a typo](../2024-01-20-secnd.md)', // 12
  '',
  '> ![A missing picture](missing.png) and [a missing static file](/images/x.png)', // 14
  '',
  '[the draft](../draft.md) [outside the site](/other/path)', // 16
].join('\n');

function project(): Promise<string> {
  return makeProject({
    'posts/2024-01-19-first.md': post({ title: 'First', date: '2024-01-19' },
      'See [the second](2024-01-20-second.md) and [the second, from its page](../2024-01-20-second.md#part).'),
    'posts/2024-01-20-second.md': post({ title: 'Second', date: '2024-01-20', slug: 'second-post' }, 'Back to [the first](./2024-01-19-first.md).'),
    'posts/third/index.md': post({ title: 'Third', date: '2024-01-21' }, BUNDLE),
    'posts/third/pic.png': png(2, 2),
    'posts/draft.md': post({ title: 'Draft', date: '2024-01-22', draft: 'true' }, 'Unpublished.'),
  });
}

describe('links between posts', () => {
  it('turn a link to another post\'s file into its permalink, anchor kept, in pages and feeds', async () => {
    const dir = await project();
    const { code } = await run(dir, ['build']);
    expect(code).toBe(0);
    const first = await readFile(join(dir, 'dist/posts/first/index.html'), 'utf8');
    expect(links(first).get('the second')).toBe(`${SITE}posts/second-post/`);
    expect(links(first).get('the second, from its page')).toBe(`${SITE}posts/second-post/#part`);
    const second = await readFile(join(dir, 'dist/posts/second-post/index.html'), 'utf8');
    expect(links(second).get('the first')).toBe(`${SITE}posts/first/`);
    const third = links(await readFile(join(dir, 'dist/posts/third/index.html'), 'utf8'));
    expect(third.get('the first')).toBe(`${SITE}posts/first/#intro`);
    expect(third.get('the second')).toBe(`${SITE}posts/second-post/`);
    // A typo'd or unpublished target keeps its link (and is reported, below).
    expect(third.get('a typo')).toBe(`${SITE}posts/2024-01-20-secnd.md`);
    const rss = parseRssFeed(await readFile(join(dir, 'dist/rss.xml'), 'utf8'));
    const json = parseJsonFeed(JSON.parse(await readFile(join(dir, 'dist/feed.json'), 'utf8')));
    expect(links(rss.items?.find((i) => i.link === `${SITE}posts/first/`)?.content?.encoded ?? '').get('the second'))
      .toBe(`${SITE}posts/second-post/`);
    expect(links(json.items?.find((i) => i.id === `${SITE}posts/third/`)?.content_html ?? '').get('the first'))
      .toBe(`${SITE}posts/first/#intro`);
  });

  it('follows a renamed post from the cache: the rebuild equals a clean build', async () => {
    const dir = await project();
    expect((await run(dir, ['build'])).code).toBe(0);
    // Only the linked post changes: the posts that link to it come from the cache.
    await writeFile(join(dir, 'posts/2024-01-20-second.md'),
      post({ title: 'Second', date: '2024-01-20', slug: 'renamed' }, 'Back to [the first](./2024-01-19-first.md).'));
    const config = resolveConfig({ file: 'package.json', text: '{}', data: { ...BASE_CONFIG }, keyPath: [] }).config;
    if (!config) throw new Error('bad config');
    const dry = await build({ config, root: dir, postsDir: 'posts', drafts: false, future: false, now: Date.UTC(2026, 0, 1), cache: DiskCache.open(join(dir, CACHE_DIR)) });
    expect(dry.stats.rendered).toBe(1);
    expect((await run(dir, ['build'])).code).toBe(0);
    await rm(join(dir, 'clean'), { recursive: true, force: true });
    expect((await run(dir, ['build', '--no-cache', '--out', 'clean'])).code).toBe(0);
    expect(await tree(join(dir, 'dist'))).toEqual(await tree(join(dir, 'clean')));
    const first = await readFile(join(dir, 'dist/posts/first/index.html'), 'utf8');
    expect(links(first).get('the second')).toBe(`${SITE}posts/renamed/`);
  });
});

describe('broken links', () => {
  it('are warnings at their line: a missing bundle image, a typo\'d post link, a missing static file, an unpublished post', async () => {
    const dir = await project();
    const { code, io } = await run(dir, ['build']);
    expect(code).toBe(0);
    const warnings = io.stderrText.split('\n').filter((l) => l.includes('[broken-link]'));
    expect(warnings).toEqual([
      `posts/third/index.md:12:20 warning link to ${SITE}posts/2024-01-20-secnd.md points into the site, but no post is the file posts/2024-01-20-secnd.md; fix the link or add what it points to [broken-link]`,
      `posts/third/index.md:14:3 warning image to ${SITE}posts/third/missing.png points into the site, but the build writes nothing there; fix the file name or add what it points to [broken-link]`,
      `posts/third/index.md:16:1 warning link to ${SITE}posts/draft/ points into the site, but the post posts/draft.md it links to is not published (a draft, dated in the future or expired); fix the link or add what it points to [broken-link]`,
    ]);
    // Nothing else is reported: feeds, tag pages, the site root, the sitemap, bundle files, post pages with or without
    // index.html, fragments, and links outside the site's URL (`/images/x.png` and `/other/path` are not under /blog/).
    expect(io.stderrText).toContain('⚠ 0 errors, 3 warnings in 1 file');
  });

  it('fail the build with --strict', async () => {
    const dir = await project();
    const { code, io } = await run(dir, ['build', '--strict']);
    expect(code).toBe(1);
    expect(io.stderrText).toContain('posts/third/index.md:14:3 warning image to');
  });

  it('count a root-relative link into the site at the root, where static files count as written', async () => {
    const dir = await makeProject({
      'posts/a.md': post({ title: 'A', date: '2024-01-01' }, 'Text.\n\n![logo](/images/logo.png) [feed](/rss.xml) [tags](/tags/) ![ok](/images/ok.png)'),
      'static/images/ok.png': png(1, 1),
    }, { url: 'https://example.org/' });
    const { code, io } = await run(dir, ['build']);
    expect(code).toBe(0);
    expect(io.stderrText.split('\n').filter((l) => l.includes('[broken-link]'))).toEqual([
      'posts/a.md:8:1 warning image to https://example.org/images/logo.png points into the site, but the build writes nothing there; fix the file name or add what it points to [broken-link]',
    ]);
  });
  // dev rebuilds in one process, with the posts (and their recorded links) from its memory: what the last check found
  // for a post is reused only while the build writes the same files, and URLs are read for one site URL at a time.
  it('are found again in one process as what the build writes changes, posts coming from memory', async () => {
    const dir = await makeProject({
      'posts/a.md': post({ title: 'A', date: '2024-01-01' }, 'Text.\n\n![x](/blog/images/x.png) ![y](/blog/images/y.png)'),
      'posts/b.md': post({ title: 'B', date: '2024-01-02' }, 'Text.\n\n![x](/blog/images/x.png)'),
    });
    const config = configOf(BASE_CONFIG);
    const cache = new MemoryCache();
    const broken = async (): Promise<string[]> => {
      const result = await build({ config, root: dir, postsDir: 'posts', drafts: false, future: false, now: Date.UTC(2026, 0, 1), cache });
      cache.settle();
      return result.diagnostics.filter((d) => d.code === 'broken-link').map((d) => `${d.file}:${d.line}:${d.column} ${d.message}`);
    };
    const missing = (file: string, line: number, column: number, name: string): string =>
      `${file}:${line}:${column} image to ${SITE}images/${name} points into the site, but the build writes nothing there; fix the file name or add what it points to`;
    const none = [missing('posts/a.md', 8, 1, 'x.png'), missing('posts/a.md', 8, 26, 'y.png'), missing('posts/b.md', 8, 1, 'x.png')];
    expect(await broken()).toEqual(none);
    expect(await broken()).toEqual(none);
    await mkdir(join(dir, 'static/images'), { recursive: true });
    await writeFile(join(dir, 'static/images/x.png'), png(1, 1));
    expect(await broken()).toEqual([missing('posts/a.md', 8, 26, 'y.png')]);
    await rm(join(dir, 'static/images/x.png'));
    await writeFile(join(dir, 'static/images/y.png'), png(1, 1));
    expect(await broken()).toEqual([missing('posts/a.md', 8, 1, 'x.png'), missing('posts/b.md', 8, 1, 'x.png')]);
  });

  it('are read against the site URL of each build, one after the other in one process', async () => {
    const dir = await makeProject({ 'posts/a.md': post({ title: 'A', date: '2024-01-01' }, 'See [it](https://example.org/blog/gone.md).') });
    const broken = async (url: string): Promise<string[]> => {
      const result = await build({ config: configOf({ ...BASE_CONFIG, url }), root: dir, postsDir: 'posts', drafts: false, future: false, now: Date.UTC(2026, 0, 1) });
      return result.diagnostics.filter((d) => d.code === 'broken-link').map((d) => d.message);
    };
    const at = (path: string): string[] => [`link to https://example.org/blog/gone.md points into the site, but no post is the file ${path}; fix the link or add what it points to`];
    for (let i = 0; i < 2; i++) {
      expect(await broken(SITE)).toEqual(at('gone.md'));
      expect(await broken('https://example.org/')).toEqual(at('blog/gone.md'));
    }
  });
});

// Raw HTML as blogs moved from Jekyll, Hugo and Eleventy have it (its body starts on line 6 of the file).
const RAW = [
  'Raw HTML, as other generators\' posts have it.', // 6
  '',
  '<figure><img src="./missing.png" alt="gone" width="10"></figure>', // 8
  '',
  '<p>An <img alt="x"', // 10
  '  src="/blog/images/nope.png"> and <a class="c" href="/blog/no/such/page/">a page</a>.</p>', // 11
  '',
  'Inline: <a title="t" href="2024-01-20-second.md#part">the second, raw</a>, <a href="javascript:alert(1)">unsafe</a>,', // 13
  '<a href="/blog/tags/">tags</a> <video poster="poster.png" src="clip.mp4"><source src="clip.webm"></video>', // 14
  '',
  '```html',
  '<img src="/blog/in-code-block.png">',
  '```',
  '',
  'A code span: `<a href="/blog/in-code-span/">`.', // 20
  '',
  '<script>document.write(\'<a href="/blog/in-script/">\')</script>',
  '',
  '> <img src="quoted.png">', // 24
].join('\n');

describe('links and images in raw HTML', () => {
  async function rawProject(config: Record<string, unknown> = {}): Promise<string> {
    return makeProject({
      'posts/a.md': post({ title: 'A', date: '2024-01-19' }, RAW),
      'posts/2024-01-20-second.md': post({ title: 'Second', date: '2024-01-20', slug: 'second-post' }, 'The second.'),
      'posts/md.md': post({ title: 'Markdown', date: '2024-01-21' }, '![gone](./missing.png) [a page](/blog/no/such/page/)'),
    }, config);
  }

  it('are checked as Markdown ones are: the same warning, at the line and column of the value', async () => {
    const dir = await rawProject();
    const { code, io } = await run(dir, ['build']);
    expect(code).toBe(0);
    const warnings = io.stderrText.split('\n').filter((l) => l.includes('[broken-link]'));
    const missing = (at: string, what: string, url: string): string =>
      `posts/${at} warning ${what} to ${SITE}${url} points into the site, but the build writes nothing there; fix the ${what === 'image' ? 'file name' : 'link'} or add what it points to [broken-link]`;
    expect(warnings).toEqual([
      missing('a.md:8:19', 'image', 'posts/a/missing.png'),
      missing('a.md:11:8', 'image', 'images/nope.png'),
      missing('a.md:11:55', 'link', 'no/such/page/'),
      missing('a.md:14:47', 'image', 'posts/a/poster.png'),
      missing('a.md:14:64', 'link', 'posts/a/clip.mp4'),
      missing('a.md:14:87', 'link', 'posts/a/clip.webm'),
      missing('a.md:24:13', 'image', 'posts/a/quoted.png'),
      // The same as Markdown: the same words (a Markdown link is at its start, raw HTML's at its value).
      missing('md.md:6:1', 'image', 'posts/md/missing.png'),
      missing('md.md:6:24', 'link', 'no/such/page/'),
    ]);
    // Nothing in code, a script or a javascript: URL (the sanitizer drops it) is reported.
    expect(io.stderrText).not.toMatch(/in-code|in-script|javascript/);
  });

  it('to another post\'s file become its URL in every feed and page, with safe or raw HTML', async () => {
    for (const allowRawHtml of [false, true]) {
      const dir = await rawProject({ allowRawHtml });
      expect((await run(dir, ['build'])).code).toBe(0);
      const want = `${SITE}posts/second-post/#part`;
      expect(links(await readFile(join(dir, 'dist/posts/a/index.html'), 'utf8')).get('the second, raw')).toBe(want);
      const rss = parseRssFeed(await readFile(join(dir, 'dist/rss.xml'), 'utf8'));
      const json = parseJsonFeed(JSON.parse(await readFile(join(dir, 'dist/feed.json'), 'utf8')));
      const atom = parseAtomFeed(await readFile(join(dir, 'dist/atom.xml'), 'utf8'));
      expect(links(rss.items?.find((i) => i.link === `${SITE}posts/a/`)?.content?.encoded ?? '').get('the second, raw')).toBe(want);
      expect(links(json.items?.find((i) => i.id === `${SITE}posts/a/`)?.content_html ?? '').get('the second, raw')).toBe(want);
      expect(links(atom.entries?.find((e) => e.id === `${SITE}posts/a/`)?.content?.value ?? '').get('the second, raw')).toBe(want);
      // (the other attribute is kept: only the URL changed)
      expect(json.items?.find((i) => i.id === `${SITE}posts/a/`)?.content_html).toContain(`<a title="t" href="${want}">`);
    }
  });

  it('are found the same by check and build, and after an edit in dev\'s process (posts from memory)', async () => {
    const dir = await rawProject();
    const checked = await run(dir, ['check']);
    const built = await run(dir, ['build']);
    const broken = (text: string): string[] => text.split('\n').filter((l) => l.includes('[broken-link]'));
    expect(broken(checked.io.stderrText)).toEqual(broken(built.io.stderrText));
    expect(broken(built.io.stderrText)).toHaveLength(9);
    const config = configOf(BASE_CONFIG);
    const cache = new MemoryCache();
    const found = async (): Promise<string[]> => {
      const result = await build({ config, root: dir, postsDir: 'posts', drafts: false, future: false, now: Date.UTC(2026, 0, 1), cache });
      cache.settle();
      return result.diagnostics.filter((d) => d.code === 'broken-link').map((d) => `${d.file}:${d.line}:${d.column}`);
    };
    expect(await found()).toEqual(broken(built.io.stderrText).map((l) => l.split(' ')[0]));
    // Fixed in raw HTML: the warning goes; a line added above moves the rest.
    await writeFile(join(dir, 'posts/a.md'), post({ title: 'A', date: '2024-01-19' }, `New first line.\n${RAW.replace('./missing.png', 'https://example.net/x.png')}`));
    expect(await found()).toEqual(['posts/a.md:12:8', 'posts/a.md:12:55', 'posts/a.md:15:47', 'posts/a.md:15:64', 'posts/a.md:15:87', 'posts/a.md:25:13', 'posts/md.md:6:1', 'posts/md.md:6:24']);
  });
});

// A bundle post with responsive images, as Hugo themes' and Eleventy Image's output pasted into posts has them.
const SRCSET = [
  'Responsive images.', // 6
  '',
  '<picture>', // 8
  '  <source type="image/webp" srcset="hero-800.webp 800w, hero-1600.webp 1600w">', // 9
  '  <img src="hero.jpg" srcset="hero.jpg 1x,hero-2x.jpg 2x" alt="Hero">', // 10
  '</picture>',
  '',
  '<img srcset="https://cdn.example/a.png 2x, data:image/png;base64,iVBO,RK5C 1x, /blog/static-gone.png 3x" alt="x">', // 13
  '',
  '<img alt="y"', // 15
  '     srcset="', // 16
  '       a&amp;b.png   480w,', // 17
  '       small.png 320w', // 18
  '     ">',
  '',
  'A code span: `<img srcset="in-span.png 2x">`.', // 21
].join('\n');

describe('srcset in raw HTML', () => {
  it('is checked candidate by candidate: a missing one is a broken-link warning at its own URL', async () => {
    const dir = await makeProject({
      'posts/hero/index.md': post({ title: 'Hero', date: '2024-01-19' }, SRCSET),
      'posts/hero/hero.jpg': png(2, 2),
      'posts/hero/hero-800.webp': 'webp bytes',
      'posts/hero/small.png': png(2, 2),
    });
    const { code, io } = await run(dir, ['build']);
    expect(code).toBe(0);
    const missing = (at: string, url: string): string =>
      `posts/hero/index.md:${at} warning image to ${SITE}${url} points into the site, but the build writes nothing there; fix the file name or add what it points to [broken-link]`;
    expect(io.stderrText.split('\n').filter((l) => l.includes('[broken-link]'))).toEqual([
      missing('9:57', 'posts/hero/hero-1600.webp'),
      missing('10:43', 'posts/hero/hero-2x.jpg'),
      missing('13:80', 'static-gone.png'),
      missing('17:8', 'posts/hero/a&b.png'),
    ]);
    // the page has the same URLs the check looked at, each made absolute
    const page = await readFile(join(dir, 'dist/posts/hero/index.html'), 'utf8');
    const srcsets = DomUtils.findAll((e) => e.attribs.srcset !== undefined, parseDocument(page).children).map((e) => e.attribs.srcset);
    expect(srcsets).toContain(`${SITE}posts/hero/hero-800.webp 800w, ${SITE}posts/hero/hero-1600.webp 1600w`);
    expect(srcsets).toContain(`${SITE}posts/hero/a&b.png 480w, ${SITE}posts/hero/small.png 320w`);
    // check agrees
    const checked = await run(dir, ['check']);
    expect(checked.io.stderrText.split('\n').filter((l) => l.includes('[broken-link]'))).toHaveLength(4);
  });
});

function configOf(data: Record<string, unknown>): ResolvedConfig {
  const config = resolveConfig({ file: 'package.json', text: '{}', data, keyPath: [] }).config;
  if (!config) throw new Error('bad config');
  return config;
}
