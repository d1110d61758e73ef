import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAtomFeed, parseRssFeed } from 'feedsmith';
import { walkChain, FEED_FILE, FORMATS } from './helpers/feed-chain.js';
import { FEED_MEDIA_TYPES } from '../src/pages/hosting.js';
import { xmlProblem } from './helpers/xml.js';
import { makeProject, readFeeds, removeProjects, REPO, runCli, SITE, snapshotTree } from './helpers/cli-project.js';
import { png } from './helpers/media-files.js';

/**
 * Small blogs written by us in the shapes other generators give them (tests/fixtures/blogs/), each pointed at with
 * `--posts` exactly as it is: it builds without a single message (but for what readers would see, `warnings`),
 * every published post is in the archive chain of every format exactly once, drafts are nowhere, and a rebuild
 * (from the cache, and without it) is byte-identical.
 */

afterAll(removeProjects);

const SITE_URL = 'https://example.com/blog/';

interface Blog {
  /** Folder under tests/fixtures/blogs/. */
  readonly name: string;
  /** Its posts folder, as the generator lays it out. */
  readonly posts: string;
  /** Config beside title and url (small feeds and archives, so that chains have several documents). */
  readonly config?: Record<string, unknown>;
  /** Files to add to the copy (binary files are made here rather than committed). */
  readonly extra?: Record<string, Uint8Array>;
  /** Paths (relative to the site) of the posts that must be published. */
  readonly published: readonly string[];
  /** Titles of posts that must not appear anywhere. */
  readonly drafts: readonly string[];
  /** What the build says about the blog as it is (nothing, unless the posts have something readers would see). */
  readonly warnings?: readonly string[];
}

const BLOGS: readonly Blog[] = [
  {
    // eleventy-base-blog: tags with the `post` collection tag, layout, permalink, eleventyComputed; URLs kept
    name: 'eleventy', posts: 'content/blog', config: { permalink: { frontMatter: true, pattern: '/blog/:slug/' } },
    published: ['blog/firstpost/', 'blog/second-post-renamed/', 'blog/thirdpost/', 'blog/fourthpost/'],
    drafts: ['Eleventy draft never published'],
  },
  {
    // Astro's blog template: pubDate as "Jul 08 2022", updatedDate, description, heroImage
    name: 'astro', posts: 'src/content/blog',
    published: ['posts/first-post/', 'posts/second-post/', 'posts/third-post/', 'posts/using-markdown/'],
    drafts: ['Astro draft never published'],
  },
  {
    // Hugo with YAML front matter: lastmod, publishDate, draft, categories, aliases, cover, params, a page bundle
    name: 'hugo-yaml', posts: 'content/posts', extra: { 'bundle-post/photo.png': png(8, 6) },
    published: ['posts/my-first-post/', 'posts/second/', 'posts/bundle-post/'],
    drafts: ['Hugo draft never published'],
  },
  {
    // `jekyll new`: _posts/YYYY-MM-DD-x.markdown, layout, `categories: jekyll update`, dates with offsets and from
    // the file name, published: false, excerpt, an author mapping with a theme's fields; Jekyll's URLs kept
    name: 'jekyll', posts: '_posts', config: { permalink: '/:year/:month/:day/:title/' },
    published: ['2025/01/29/welcome-to-jekyll/', '2024/12/01/dated-by-its-name/', '2024/10/10/with-excerpt/'],
    drafts: ['Jekyll unpublished never published'],
    // `jekyll new`'s welcome post shows Ruby with Liquid's {% highlight %}, which readers would see as written
    warnings: [
      '_posts/2025-01-29-welcome-to-jekyll.markdown:9:1 warning the body has a Liquid tag (Jekyll), {% highlight ruby %}, which feedwright does not run: '
      + 'readers see it as written; write a fenced code block (```ruby) in place of {% highlight ruby %} … {% endhighlight %} [template-tag]',
      '⚠ 0 errors, 1 warning in 1 file',
    ],
  },
  {
    // Hugo with TOML front matter: an _index.md section, a post in a sub-folder, lastmod, [params], draft, a number as title
    name: 'hugo-toml', posts: 'content/posts',
    published: ['posts/hello-toml/', 'posts/2024/', 'posts/looking-back/'],
    drafts: ['Hugo TOML draft never published'],
  },
  {
    // Zola: +++ front matter, [taxonomies], [extra], an _index.md section, a page bundle, authors
    name: 'zola', posts: 'content/blog', extra: { 'second/picture.png': png(5, 5) },
    published: ['posts/first/', 'posts/second/'],
    drafts: ['Zola draft never published'],
  },
];

/** Every file under `dir` as text, by path relative to it. */
async function textFiles(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.set(path.slice(dir.length + 1).split('\\').join('/'), await readFile(path, 'utf8'));
  }
  return out;
}

describe("other generators' blogs build as they are", () => {
  it.each(BLOGS)('$name', async (blog) => {
    const root = await makeProject({}, { title: `A ${blog.name} blog`, url: SITE_URL, timeZone: 'Europe/Paris', limit: 2, archiveSize: 1, ...blog.config });
    await cp(join(REPO, 'tests/fixtures/blogs', blog.name), root, { recursive: true });
    for (const [path, bytes] of Object.entries(blog.extra ?? {})) await writeFile(join(root, blog.posts, path), bytes);

    const run = await runCli(root, ['build', '--posts', blog.posts]);
    expect([run.code, run.lines]).toEqual([0, blog.warnings ?? []]); // not a single warning for the generator's own keys
    await readFeeds(root); // the three main feeds are well-formed and parse as their formats

    const files = await textFiles(join(root, 'dist'));
    const expected = blog.published.map((p) => new URL(p, SITE_URL).href).sort();
    for (const format of FORMATS) {
      const ids = walkChain(files, format, SITE_URL).flatMap((doc) => doc.page.ids);
      expect(ids.length, format).toBe(new Set(ids).size);
      expect([...ids].sort(), format).toEqual(expected);
    }
    for (const path of blog.published) expect(files.has(`${path}index.html`), path).toBe(true);
    for (const title of blog.drafts) {
      expect([...files].filter(([, text]) => text.includes(title)).map(([path]) => path)).toEqual([]);
    }

    // the same bytes again: from the cache, and without it into another folder
    const first = await snapshotTree(join(root, 'dist'));
    expect((await runCli(root, ['build', '--posts', blog.posts])).code).toBe(0);
    expect(await snapshotTree(join(root, 'dist'))).toEqual(first);
    expect((await runCli(root, ['build', '--posts', blog.posts, '--no-cache', '--out', 'again'])).code).toBe(0);
    expect(await snapshotTree(join(root, 'again'))).toEqual(first);
  });
});

/** What README's "Bring your blog" says about moving a Jekyll blog, built as it says. */
describe('moving a Jekyll blog (README: Jekyll URLs and ids, assets/)', () => {
  const jekyllPost = (title: string, extra = '', body = 'Text.'): string => `---\ntitle: ${title}\nlayout: post\n${extra}---\n\n${body}\n`;

  it("the date pattern keeps a pretty Jekyll URL; an id: line keeps jekyll-feed's id; one slug on two days is fine", async () => {
    const root = await makeProject({
      '_posts/2024-01-31-hello.md': jekyllPost('Hello', 'id: https://example.com/2024/01/31/hello\n'),
      '_posts/2024-02-01-hello.md': jekyllPost('Hello again'),
    }, { ...SITE, url: 'https://example.com/', permalink: '/:year/:month/:day/:title/' });
    const run = await runCli(root, ['build', '--posts', '_posts']);
    expect([run.code, run.lines]).toEqual([0, []]);
    const { json } = await readFeeds(root);
    expect(json.items.map((i) => [i.id, i.url])).toEqual([
      ['https://example.com/2024/02/01/hello/', 'https://example.com/2024/02/01/hello/'],
      ['https://example.com/2024/01/31/hello', 'https://example.com/2024/01/31/hello/'],
    ]);
    // Without a permalink pattern the two share posts/hello/: that is the duplicate-slug error.
    await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'blog', feedwright: { ...SITE, url: 'https://example.com/' } }));
    const clash = await runCli(root, ['check', '--posts', '_posts']);
    expect(clash.code).toBe(1);
    expect(clash.lines.filter((l) => l.endsWith('[duplicate-slug]'))).toHaveLength(2);
  });

  it('static/assets/ serves /assets/… links on a site at a domain root; below a path they lead outside the site, unreported', async () => {
    const files = (body: string): Record<string, string | Uint8Array> => ({ '_posts/2024-01-31-pics.md': jekyllPost('Pics', 'date: 2024-01-31\n', body), 'static/assets/a.png': png(4, 4) });
    const warned = (run: { lines: string[] }): string[] => run.lines.filter((l) => l.endsWith('[broken-link]')).map((l) => /image to (\S+)/.exec(l)?.[1] ?? l);
    // at a domain's root, /assets/a.png is the copied file, and a missing one is reported
    const atRoot = await makeProject(files('![a](/assets/a.png) ![b](/assets/missing.png)'), { ...SITE, url: 'https://example.com/' });
    const rootRun = await runCli(atRoot, ['build', '--posts', '_posts']);
    expect([rootRun.code, warned(rootRun)]).toEqual([0, ['https://example.com/assets/missing.png']]);
    expect(await readFile(join(atRoot, 'dist/assets/a.png'))).toEqual(Buffer.from(png(4, 4)));

    // below /blog/, the file is at /blog/assets/a.png; /assets/… points outside the site and is not checked
    const below = await makeProject(files('![a](/assets/a.png) ![b](/assets/missing.png) ![c](/blog/assets/a.png) ![d](/blog/assets/missing.png)'), { ...SITE, url: 'https://example.com/blog/' });
    const belowRun = await runCli(below, ['build', '--posts', '_posts']);
    expect([belowRun.code, warned(belowRun)]).toEqual([0, ['https://example.com/blog/assets/missing.png']]);
    const page = await readFile(join(below, 'dist/posts/pics/index.html'), 'utf8');
    expect(page).toContain('src="https://example.com/assets/a.png"');
    expect(page).toContain('src="https://example.com/blog/assets/a.png"');
    expect(await readFile(join(below, 'dist/assets/a.png'))).toEqual(Buffer.from(png(4, 4)));
  });
});

/** README "Bring your blog", Keep the feed's address: each generator's main feed URL, kept by `output`. */
describe("keeping the old generator's feed address (README: Keep the feed's address)", () => {
  const ROOT_URL = 'https://example.com/';
  const selfOf = (xml: string, format: 'rss' | 'atom'): string | undefined => {
    const links = format === 'atom' ? parseAtomFeed(xml).links : parseRssFeed(xml).atom?.links;
    return links?.find((l) => l.rel === 'self')?.href;
  };

  it.each([
    // jekyll-feed: Atom at /feed.xml
    { name: 'jekyll', posts: '_posts', output: { atom: 'feed.xml' }, file: 'feed.xml', format: 'atom' as const },
    // Hugo: RSS at /index.xml
    { name: 'hugo-yaml', posts: 'content/posts', output: { rss: 'index.xml' }, file: 'index.xml', format: 'rss' as const },
  ])('$name: "output": $output serves the $format feed at /$file, self link and archives there', async ({ name, posts, output, file, format }) => {
    const root = await makeProject({}, { title: 'Moved', url: ROOT_URL, limit: 2, archiveSize: 1, output });
    await cp(join(REPO, 'tests/fixtures/blogs', name), root, { recursive: true });
    const run = await runCli(root, ['build', '--posts', posts]);
    expect(run.code).toBe(0);
    expect(run.lines.filter((l) => l.includes('config'))).toEqual([]);

    const files = await textFiles(join(root, 'dist'));
    const text = files.get(file);
    expect(text, file).toBeDefined();
    expect(xmlProblem(text!)).toBeUndefined();
    expect(selfOf(text!, format)).toBe(`${ROOT_URL}${file}`);
    // the format's default name is not written too, the other two formats keep theirs
    expect(files.has(FEED_FILE[format])).toBe(false);
    for (const other of FORMATS.filter((f) => f !== format)) expect(files.has(FEED_FILE[other]), other).toBe(true);
    // the home page offers it to readers, the host is told its type, and its archive chain starts there
    expect(files.get('index.html')).toContain(`href="${ROOT_URL}${file}"`);
    expect(files.get('_headers')).toContain(`/${file}\n  Content-Type: ${FEED_MEDIA_TYPES[format]}`);
    const chain = walkChain(files, format, ROOT_URL, '', file);
    expect(chain.length).toBeGreaterThan(1);
    for (const doc of chain.slice(1)) expect(doc.url).toMatch(new RegExp(`^${ROOT_URL}archive/\\d+/${file.replace('.', '\\.')}$`));
  });

  it("zola: the default names are Zola's, the main Atom feed at /atom.xml and a tag's at /tags/<slug>/atom.xml", async () => {
    const root = await makeProject({}, { title: 'Moved', url: ROOT_URL });
    await cp(join(REPO, 'tests/fixtures/blogs/zola'), root, { recursive: true });
    expect((await runCli(root, ['build', '--posts', 'content/blog'])).code).toBe(0);
    const files = await textFiles(join(root, 'dist'));
    expect(selfOf(files.get('atom.xml')!, 'atom')).toBe(`${ROOT_URL}atom.xml`);
    expect(selfOf(files.get('tags/rust/atom.xml')!, 'atom')).toBe(`${ROOT_URL}tags/rust/atom.xml`);
  });
});
