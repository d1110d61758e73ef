import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject, readFeeds, removeProjects, runCli, SITE, snapshotTree } from './helpers/cli-project.js';
import { png } from './helpers/media-files.js';

/**
 * The optional `permalink` config: a pattern (`/:year/:month/:slug/`), or a post's own front-matter permalink,
 * for blogs whose URLs must not change. Pages, bundle files, feeds, ids and the sitemap follow it; collisions and
 * unsafe paths are errors; the cache keys on it.
 */

afterAll(removeProjects);

const doc = (lines: string[], body = 'Body text.'): string => `---\n${lines.join('\n')}\n---\n\n${body}\n`;
const BASE = SITE.url;

async function sitemapUrls(root: string): Promise<string[]> {
  const parsed = new XMLParser().parse(await readFile(join(root, 'dist/sitemap.xml'), 'utf8')) as { urlset: { url: { loc: string }[] } };
  return parsed.urlset.url.map((u) => u.loc);
}

describe('a permalink pattern', () => {
  it('puts pages, bundle files, feed links, ids and the sitemap at /:year/:month/:slug/ (the date in the configured zone)', async () => {
    const root = await makeProject({
      // 23:30 UTC on 31 December is already January in Paris
      'posts/2024-12-31-hello.md': doc(['title: Hello', 'date: 2024-12-31T23:30:00Z']),
      'posts/pics/index.md': doc(['title: Pics', 'date: 2024-03-02T10:00:00Z', 'image: cover.png'], '![A cover](cover.png)'),
    }, { ...SITE, timeZone: 'Europe/Paris', permalink: '/:year/:month/:day/:slug/' });
    await writeFile(join(root, 'posts/pics/cover.png'), png(4, 3));
    const run = await runCli(root, ['build']);
    expect([run.code, run.lines]).toEqual([0, []]);
    const files = Object.keys(await snapshotTree(join(root, 'dist')));
    expect(files).toEqual(expect.arrayContaining(['2025/01/01/hello/index.html', '2024/03/02/pics/index.html', '2024/03/02/pics/cover.png']));
    expect(files.filter((f) => f.startsWith('posts'))).toEqual([]);
    const { json, rss, atom } = await readFeeds(root);
    expect(json.items.map((i) => [i.id, i.url])).toEqual([
      [`${BASE}2025/01/01/hello/`, `${BASE}2025/01/01/hello/`],
      [`${BASE}2024/03/02/pics/`, `${BASE}2024/03/02/pics/`],
    ]);
    expect(json.items[1]?.content_html).toContain(`src="${BASE}2024/03/02/pics/cover.png"`);
    expect(rss).toContain(`<link>${BASE}2025/01/01/hello/</link>`);
    expect(atom).toContain(`<id>${BASE}2024/03/02/pics/</id>`);
    expect(await sitemapUrls(root)).toEqual(expect.arrayContaining([`${BASE}2025/01/01/hello/`, `${BASE}2024/03/02/pics/`]));
    const page = await readFile(join(root, 'dist/2025/01/01/hello/index.html'), 'utf8');
    expect(page).toContain(`<link rel="canonical" href="${BASE}2025/01/01/hello/">`);
    const index = await readFile(join(root, 'dist/index.html'), 'utf8');
    expect(index).toContain(`href="${BASE}2025/01/01/hello/"`);
  });

  it('lets two posts share a slug in different folders; the same folder twice is an error naming both, letter case ignored', async () => {
    const ok = await makeProject({
      'posts/a.md': doc(['title: A', 'date: 2023-05-01T00:00:00Z', 'slug: news']),
      'posts/b.md': doc(['title: B', 'date: 2024-05-01T00:00:00Z', 'slug: news']),
    }, { ...SITE, permalink: '/:year/:slug/' });
    expect((await runCli(ok, ['build'])).code).toBe(0);
    const clash = await makeProject({
      'posts/a.md': doc(['title: A', 'date: 2024-05-01T00:00:00Z', 'slug: news']),
      'posts/b.md': doc(['title: B', 'date: 2024-05-02T00:00:00Z', 'slug: News']),
    }, { ...SITE, permalink: '/:year/:slug/' });
    const run = await runCli(clash, ['build']);
    expect(run.code).toBe(1);
    expect(run.lines).toEqual([
      'posts/a.md:4:1 error permalink "/2024/news/" is also the permalink of posts/b.md (permalink "/2024/News/"); every post needs its own (letter case does not count): set a different "slug" (or permalink) in one of them [duplicate-permalink]',
      'posts/b.md:4:1 error permalink "/2024/News/" is also the permalink of posts/a.md (permalink "/2024/news/"); every post needs its own (letter case does not count): set a different "slug" (or permalink) in one of them [duplicate-permalink]',
      '✖ 2 errors, 0 warnings in 2 files',
    ]);
    expect(Object.keys(await snapshotTree(clash))).not.toContain('dist');
  });

  it('refuses a pattern it cannot follow, at its line in the config', async () => {
    const cases: [unknown, string][] = [
      ['/:year/:categories/:slug/', 'has an unknown placeholder ":categories"; known: :year, :month, :day, :slug, :title'],
      ['/:year/:month/', 'must contain :slug (or :title), so that every post gets its own folder'],
      ['/:year/:slug.html', 'must end with "/" (each post is a folder with its index.html)'],
      ['/tags/:slug/', 'starts with "tags/", which feedwright writes itself'],
      ['/../:slug/', 'has an unsafe or empty segment ".."'],
      [{ frontMatter: 'yes' }, '"frontMatter" must be true or false'],
    ];
    for (const [permalink, problem] of cases) {
      const root = await makeProject({ 'posts/a.md': doc(['title: A', 'date: 2024-05-01T00:00:00Z']) }, { ...SITE, permalink });
      const run = await runCli(root, ['check']);
      expect(run.code).toBe(1);
      expect(run.lines[0]).toContain(problem);
      expect(run.lines[0]).toMatch(/^package\.json:\d+:\d+ error "permalink" .* \[config-permalink\]$/);
    }
  });

  it('a slug that would make a folder feedwright writes itself is an error', async () => {
    const root = await makeProject({ 'posts/tags.md': doc(['title: A', 'date: 2024-05-01T00:00:00Z']), 'posts/b.md': doc(['title: B', 'date: 2024-05-01T00:00:00Z', 'slug: RSS.xml']) },
      { ...SITE, permalink: '/:slug/' });
    const run = await runCli(root, ['check']);
    expect(run.lines).toEqual([
      'posts/b.md:4:1 error the permalink "/RSS.xml/" made from the pattern starts with "rss.xml", which feedwright writes itself; choose another path [invalid-permalink]',
      'posts/tags.md:1:1 error the permalink "/tags/" made from the pattern starts with "tags", which feedwright writes itself; choose another path [invalid-permalink]',
      '✖ 2 errors, 0 warnings in 2 files',
    ]);
  });
});

describe("a post's own permalink, when the config asks", () => {
  const config = { ...SITE, permalink: { frontMatter: true, pattern: '/blog/:slug/' } };

  it('takes `permalink`, `url` or `path` from the front matter (relative to the site URL), else the pattern', async () => {
    const root = await makeProject({
      'posts/eleventy.md': doc(['title: Eleventy', 'date: 2024-01-01T00:00:00Z', 'permalink: /2019/05/old-post/']),
      'posts/jekyll.md': doc(['title: Jekyll', 'date: 2024-01-02T00:00:00Z', 'permalink: /notes/jekyll/index.html']),
      'posts/hugo.md': doc(['title: Hugo', 'date: 2024-01-03T00:00:00Z', 'url: /hugo/caf%C3%A9']),
      'posts/plain.md': doc(['title: Plain', 'date: 2024-01-04T00:00:00Z']),
    }, config);
    const run = await runCli(root, ['build']);
    expect([run.code, run.lines]).toEqual([0, []]);
    const { json } = await readFeeds(root);
    expect(json.items.map((i) => i.url)).toEqual([
      `${BASE}blog/plain/`, `${BASE}hugo/caf%C3%A9/`, `${BASE}notes/jekyll/`, `${BASE}2019/05/old-post/`,
    ]);
    expect(Object.keys(await snapshotTree(join(root, 'dist')))).toEqual(expect.arrayContaining([
      'blog/plain/index.html', 'hugo/café/index.html', 'notes/jekyll/index.html', '2019/05/old-post/index.html',
    ]));
  });

  it('refuses what it cannot publish safely, at the key, all in one run; dist/ stays as it was', async () => {
    const root = await makeProject({
      'posts/a.md': doc(['title: A', 'date: 2024-01-01T00:00:00Z', 'permalink: "/blog/{{ page.fileSlug }}/"']),
      'posts/b.md': doc(['title: B', 'date: 2024-01-01T00:00:00Z', 'permalink: /b.html']),
      'posts/c.md': doc(['title: C', 'date: 2024-01-01T00:00:00Z', 'url: /x/../../etc/']),
      'posts/d.md': doc(['title: D', 'date: 2024-01-01T00:00:00Z', 'permalink: https://elsewhere.example/d/']),
      'posts/e.md': doc(['title: E', 'date: 2024-01-01T00:00:00Z', 'path: /archive/1/']),
      'posts/f.md': doc(['title: F', 'date: 2024-01-01T00:00:00Z', 'permalink: /']),
    }, config);
    const run = await runCli(root, ['build']);
    expect(run.code).toBe(1);
    expect(run.lines).toEqual([
      'posts/a.md:4:1 error "permalink" "/blog/{{ page.fileSlug }}/" is a template of another generator; write the path it gives, such as /2024/01/my-post/ [invalid-permalink]',
      'posts/b.md:4:1 error "permalink" "/b.html" names a file; feedwright publishes each post as a folder (its index.html): write it with a trailing "/", e.g. /b/ [invalid-permalink]',
      'posts/c.md:4:1 error "url" "/x/../../etc/" has the segment "..", which is not safe in a URL path: use letters, digits, "-", "_", "." and "~", with no "..", empty segments or leading dot [invalid-permalink]',
      'posts/d.md:4:1 error "permalink" "https://elsewhere.example/d/" must be a path on this site such as /2024/01/my-post/, not a full URL [invalid-permalink]',
      'posts/e.md:4:1 error "path" "/archive/1/" starts with "archive", which feedwright writes itself; choose another path [invalid-permalink]',
      'posts/f.md:4:1 error "permalink" "/" is the site\'s home page, which feedwright writes itself; give the post a path of its own [invalid-permalink]',
      '✖ 6 errors, 0 warnings in 6 files',
    ]);
    expect(Object.keys(await snapshotTree(root))).not.toContain('dist');
  });
});

describe('the default and the cache', () => {
  it('without the option nothing changes: posts/<slug>/, and ids stay what they were', async () => {
    const root = await makeProject({ 'posts/2024-01-01-hello.md': doc(['title: Hello', 'date: 2024-01-01T00:00:00Z', 'permalink: /elsewhere/']) });
    expect((await runCli(root, ['build'])).lines).toEqual([]);
    const { json } = await readFeeds(root);
    expect([json.items[0]?.id, json.items[0]?.url]).toEqual([`${BASE}posts/hello/`, `${BASE}posts/hello/`]);
  });

  it('a rebuild after the pattern changes equals a clean build (the cache keys on it)', async () => {
    const files = { 'posts/a.md': doc(['title: A', 'date: 2024-01-01T00:00:00Z']), 'posts/b.md': doc(['title: B', 'date: 2024-02-01T00:00:00Z']) };
    const root = await makeProject(files);
    expect((await runCli(root, ['build'])).code).toBe(0);
    const pkg = join(root, 'package.json');
    await writeFile(pkg, JSON.stringify({ name: 'blog', feedwright: { ...SITE, permalink: '/:year/:slug/' } }));
    expect((await runCli(root, ['build'])).code).toBe(0);
    const cached = await snapshotTree(join(root, 'dist'));
    expect(Object.keys(cached)).toEqual(expect.arrayContaining(['2024/a/index.html', '2024/b/index.html']));
    expect(Object.keys(cached).filter((f) => f.startsWith('posts'))).toEqual([]);
    await rm(join(root, 'dist'), { recursive: true });
    expect((await runCli(root, ['build', '--no-cache'])).code).toBe(0);
    expect(await snapshotTree(join(root, 'dist'))).toEqual(cached);
  });
});

describe('output paths', () => {
  // Permalinks can nest one post's folder inside another's: the one check over every output path (output-paths.ts) catches it.
  it("a post's bundle file where another post's page goes is an error naming both, not a silent overwrite", async () => {
    const root = await makeProject({
      'posts/outer/index.md': doc(['title: Outer', 'date: 2024-01-01T00:00:00Z', 'permalink: /a/']),
      // (HTML bundle files need allowAnyBundleFile)
      'posts/outer/b/index.html': '<p>An old page.</p>',
      'posts/inner.md': doc(['title: Inner', 'date: 2024-01-02T00:00:00Z', 'permalink: /a/b/']),
    }, { ...SITE, allowAnyBundleFile: true, permalink: { frontMatter: true } });
    const run = await runCli(root, ['build']);
    expect([run.code, run.lines]).toEqual([1, [
      'posts/outer/b/index.html error the bundle file posts/outer/b/index.html and the page of posts/inner.md would both be published at a/b/index.html; only one can be: rename or remove one of them [output-conflict]',
      '✖ 1 error, 0 warnings in 1 file',
    ]]);
    expect(Object.keys(await snapshotTree(root))).not.toContain('dist');
  });
});
