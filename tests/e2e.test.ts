import { access, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { DomUtils, parseDocument } from 'htmlparser2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USAGE } from '../src/cli/cli.js';
import { VERSION } from '../src/common/version.js';
import {
  buildFixture, copyFixture, EPOCH, htmlText, htmlUrls, isAbsoluteUrl, readFeeds, readTree, removeTempDirs, run, SITE,
} from './helpers/blog.js';

/** One item as every format must carry it (RSS has no `updated`; its guid stands for `id`). */
interface ExpectedItem {
  readonly id: string;
  readonly url: string;
  readonly title: string;
  readonly published: string;
  readonly updated: string;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly authors: readonly { name: string; email?: string; url?: string }[];
  readonly image?: string;
}

const TEAM = { name: 'Fixture Team', email: 'team@example.org', url: 'https://example.org/team/' };
const post = (slug: string): string => `${SITE}posts/${slug}/`;

// Written out by hand from the fixture's front matter and the rules (time zone America/New_York, newest first,
// equal dates by slug, drafts and future posts out), not copied from the output.
const EXPECTED: readonly ExpectedItem[] = [
  {
    id: post('links-and-images'), url: post('links-and-images'), title: 'Links and images, relative and absolute',
    published: '2024-07-04T13:15:00Z', updated: '2024-07-04T13:15:00Z', // 09:15 EDT, no offset written
    summary: "Every kind of link in one post: the site's images, a sibling post, an anchor, a file next to the post and an absolute one.",
    tags: ['links', 'html'], authors: [TEAM],
  },
  {
    id: 'tag:example.org,2024:hostile-text', url: post('hostile-text'),
    title: `Q&A: 1 < 2 > 0, "quotes" & 'apostrophes' ]]> and ✓ 🎉`, // the YAML "\u0001" is gone
    published: '2024-05-20T22:30:00Z', updated: '2024-05-21T08:00:00Z',
    summary: `Summary with & < > " ' and ]]> and 𝒳 — plain text, not <b>HTML</b>.`,
    tags: ['a&b', '<tag>', ']]>', 'עברית'],
    authors: [{ name: `O'Brien & "Sons"`, email: 'obrien@example.org' }, { name: 'Zoë ]]> <Zed>' }],
  },
  {
    id: post('gfm'), url: post('gfm'), title: 'GitHub-flavoured Markdown',
    published: '2024-05-01T04:00:00Z', updated: '2024-05-01T04:00:00Z', // date only: midnight EDT
    summary: 'The first paragraph is the summary when there is neither a summary nor an excerpt marker; it has emphasis, code and a link.',
    tags: ['markdown', 'gfm'],
    authors: [{ name: 'Alice Example' }, { name: 'Bob Builder', email: 'bob@example.org' }, { name: 'Carol Coder', url: 'https://carol.example.net/' }],
  },
  {
    id: post('tie-apple'), url: post('tie-apple'), title: 'Tie at noon (apple)',
    published: '2024-04-01T12:00:00Z', updated: '2024-04-01T12:00:00Z',
    summary: 'Same date as the zebra post; apple sorts first.', tags: [], authors: [TEAM],
  },
  {
    id: post('tie-zebra'), url: post('tie-zebra'), title: 'Tie at noon (zebra), a bundle',
    published: '2024-04-01T12:00:00Z', updated: '2024-04-01T12:00:00Z',
    summary: 'A bundle post with a cover image next to it.', tags: [], authors: [TEAM],
    image: `${post('tie-zebra')}cover.jpg`,
  },
  {
    id: post('leap-day'), url: post('leap-day'), title: 'A leap day, date only',
    published: '2024-02-29T05:00:00Z', updated: '2024-02-29T05:00:00Z', // date only: midnight EST
    summary: 'Midnight in New York on a leap day is five in the morning in UTC.', tags: ['dates'], authors: [TEAM],
  },
  {
    id: 'https://old.example.com/2023/moved-post.html', url: post('moved-here'), title: 'A post that moved',
    published: '2024-01-01T04:30:00Z', updated: '2024-01-01T04:30:00Z',
    summary: 'It used to live elsewhere; its id keeps readers from seeing it as new.', tags: ['meta'],
    authors: [{ name: 'Dana Writer', email: 'dana@example.org' }],
  },
];

const iso = (date: string | undefined): string => new Date(Date.parse(date ?? '')).toISOString().replace('.000Z', 'Z');

describe('feedwright build (end to end, through main(argv, io))', () => {
  let out = '';
  let stdout = '';
  let stderr = '';
  let feeds: Awaited<ReturnType<typeof readFeeds>>;
  beforeAll(async () => {
    const built = await buildFixture();
    out = built.out;
    ({ stdout, stderr } = built.result);
    feeds = await readFeeds(out);
  });
  afterAll(removeTempDirs);

  it('prints one success line: posts, files, time', () => {
    expect(stdout).toMatch(/^Built 7 posts into \S+\/: 62 files in \d+ ms; left out: 1 draft, 1 post dated in the future \(--drafts, --future to include\)\n$/);
    // warnings go to stderr, one line each, then a count
    expect(stderr).toContain('posts/2024-05-20-hostile-text.md:14:23 warning removed character U+0007');
    expect(stderr).toContain('posts/2024-05-20-hostile-text.md:2:1 warning removed character U+0001 (written as a YAML escape) from "title"');
    expect(stderr).toContain('[date-without-offset]');
    // The fixture's "every kind of link" post links a post and a file that do not exist, in Markdown and again in raw
    // HTML (`<a href="../other/">`, line 17), and its raw HTML images are no files (its root-relative images are
    // outside the site's path, /notes/, so they are not checked, in srcset too): each warning at the value's line and column.
    expect(stderr).toContain(`posts/2024-07-04-links-and-images.md:8:69 warning link to ${SITE}posts/other/ (here and 1 more time in the post) points into the site, but the build writes nothing there; fix the link or add what it points to [broken-link]`);
    expect(stderr).toContain(`posts/2024-07-04-links-and-images.md:9:23 warning link to ${SITE}posts/links-and-images/notes.txt points into the site, but the build writes nothing there; fix the link or add what it points to [broken-link]`);
    expect(stderr).toContain(`posts/2024-07-04-links-and-images.md:20:11 warning image to ${SITE}posts/links-and-images/images/b.png points into the site, but the build writes nothing there; fix the file name or add what it points to [broken-link]`);
    expect(stderr).toContain(`posts/2024-07-04-links-and-images.md:22:11 warning image to ${SITE}posts/links-and-images/c.png points into the site`);
    expect(stderr).toContain(`posts/2024-07-04-links-and-images.md:24:64 warning image to ${SITE}posts/links-and-images/pic.jpg points into the site`);
    // and each srcset candidate is checked at its own URL (small.png 480w,large.png 800w; pic.webp)
    expect(stderr).toContain(`posts/2024-07-04-links-and-images.md:22:34 warning image to ${SITE}posts/links-and-images/small.png points into the site`);
    expect(stderr).toContain(`posts/2024-07-04-links-and-images.md:22:49 warning image to ${SITE}posts/links-and-images/large.png points into the site`);
    expect(stderr).toContain(`posts/2024-07-04-links-and-images.md:24:26 warning image to ${SITE}posts/links-and-images/pic.webp points into the site`);
    expect(stderr.trimEnd().split('\n').at(-1)).toBe('⚠ 0 errors, 11 warnings in 2 files');
  });

  it('writes well-formed XML whatever the input', () => {
    expect(XMLValidator.validate(feeds.rssText)).toBe(true);
    expect(XMLValidator.validate(feeds.atomText)).toBe(true);
    for (const text of [feeds.rssText, feeds.atomText, feeds.jsonText]) {
      expect(text).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
    }
  });

  it('RSS carries every item field', () => {
    const items = feeds.rss.items ?? [];
    expect(items.map((i) => ({
      id: i.guid?.value, url: i.link, title: i.title, published: iso(i.pubDate),
      summary: htmlText(i.description ?? ''), tags: (i.categories ?? []).map((c) => c.name),
      authors: i.dc?.creators ?? [],
    }))).toEqual(EXPECTED.map((e) => ({
      id: e.id, url: e.url, title: e.title, published: e.published, summary: e.summary, tags: e.tags,
      authors: e.authors.map((a) => a.name),
    })));
    // guid is a permalink exactly when it is the item's link
    expect(items.map((i) => i.guid?.isPermaLink)).toEqual(EXPECTED.map((e) => e.id === e.url));
  });

  it('Atom carries every item field', () => {
    const entries = feeds.atom.entries ?? [];
    expect(entries.map((e) => ({
      id: e.id, url: e.links?.find((l) => l.rel === 'alternate')?.href, title: e.title?.value,
      published: e.published, updated: e.updated, summary: e.summary?.value,
      tags: (e.categories ?? []).map((c) => c.term),
      authors: (e.authors ?? []).map((a) => ({ name: a.name, ...(a.email && { email: a.email }), ...(a.uri && { url: a.uri }) })),
    }))).toEqual(EXPECTED.map((e) => ({
      id: e.id, url: e.url, title: e.title, published: e.published, updated: e.updated, summary: e.summary,
      tags: e.tags, authors: e.authors,
    })));
    expect(entries.every((e) => e.title?.type === 'text' && e.summary?.type === 'text' && e.content?.type === 'html')).toBe(true);
  });

  it('JSON Feed carries every item field', () => {
    const items = feeds.json.items ?? [];
    expect(items.map((i) => ({
      id: i.id, url: i.url, title: i.title, published: i.date_published, updated: i.date_modified,
      summary: i.summary, tags: i.tags ?? [], authors: i.authors, ...(i.image && { image: i.image }),
    }))).toEqual(EXPECTED.map((e) => ({
      id: e.id, url: e.url, title: e.title, published: e.published, updated: e.updated, summary: e.summary,
      tags: e.tags, ...(e.image && { image: e.image }),
      // JSON Feed authors have no e-mail: a mailto: URL keeps the contact when there is no home page
      authors: e.authors.map((a) => ({ name: a.name, ...((a.url ?? a.email) && { url: a.url ?? `mailto:${a.email}` }) })),
    })));
  });

  it('carries the same HTML content in all three formats, with only absolute URLs', () => {
    const rss = (feeds.rss.items ?? []).map((i) => i.content?.encoded?.trim());
    const atom = (feeds.atom.entries ?? []).map((e) => e.content?.value?.trim());
    const json = (feeds.json.items ?? []).map((i) => i.content_html?.trim());
    expect(atom).toEqual(rss);
    expect(json).toEqual(rss);
    for (const html of rss) {
      const urls = htmlUrls(html ?? '');
      for (const url of urls) expect(url, `in ${html?.slice(0, 60)}`).toSatisfy(isAbsoluteUrl);
    }
  });

  it('resolves relative links and images against the post URL, in Markdown and raw HTML', () => {
    const html = feeds.json.items?.[0]?.content_html ?? '';
    const base = post('links-and-images');
    expect(htmlUrls(html)).toEqual([
      'https://blog.example.org/images/a.png', // /images/a.png: the host root, not the site root
      `${SITE}posts/other/`, // ../other/
      `${base}#anchor`,
      `${base}notes.txt`,
      'https://external.example.com/x?a=1&b=2',
      'https://blog.example.org/images/a.png',
      `${SITE}posts/other/`,
      `${base}#anchor`,
      'mailto:team@example.org',
      `${base}images/b.png`, 'https://blog.example.org/images/a.png', 'https://blog.example.org/images/a@2x.png',
      `${base}c.png`, `${base}small.png`, `${base}large.png`, // srcset written without a space after the comma
      `${base}pic.webp`, `${base}pic.jpg`,
      'https://cdn.example.net/lib.js', // protocol-relative takes the site's scheme
      `${base}?page=2`,
    ]);
    expect(html).not.toMatch(/<script|onclick|javascript:/);
  });

  it('keeps hostile text intact: entities, CDATA ends, non-BMP, right-to-left; drops control characters', () => {
    const html = feeds.json.items?.[1]?.content_html ?? '';
    expect(htmlText(html)).toContain(`Body text with & < > " ' and a CDATA end ]]> in the middle, an emoji 🎉 and 𝒳 outside the BMP,`);
    expect(htmlText(html)).toContain('a bell character here: (XML forbids it)');
    expect(htmlText(html)).toContain('code with ]]> & <tags>');
    expect(htmlText(html)).toContain('Right-to-left: שלום עולם and مرحبا بالعالم.');
    expect(htmlText(html)).toContain('Raw HTML text: 5 < 6 && "quoted" ]]>');
    // nothing escaped twice: no entity survives XML decoding as visible text
    for (const text of [...EXPECTED.map((e) => e.title), htmlText(html)]) expect(text).not.toMatch(/&(amp|lt|gt|quot|apos|#x?[0-9a-f]+);/i);
  });

  it('renders GitHub-flavoured Markdown', () => {
    const html = feeds.json.items?.[2]?.content_html ?? '';
    expect(html).toContain('<th align="left">feature</th>');
    expect(html).toContain('<input checked disabled type="checkbox" /> task lists');
    expect(html).toContain('<del>strikethrough</del>');
    expect(html).toContain('<a href="http://www.example.com">www.example.com</a>');
    expect(html).toContain('<a href="https://example.net/path">https://example.net/path</a>');
    expect(html).toContain('<code class="language-ts">');
  });

  it('writes a page for every item link, and an index with autodiscovery and subscribe links', async () => {
    const tree = await readTree(out);
    for (const e of EXPECTED) {
      const path = `${e.url.slice(SITE.length)}index.html`;
      expect(tree.has(path), path).toBe(true);
      const page = parseDocument(tree.get(path)?.toString('utf8') ?? '');
      expect(DomUtils.textContent(DomUtils.getElementsByTagName('h1', page)).trim()).toBe(e.title);
      expect(DomUtils.getElementsByTagName('link', page).find((l) => l.attribs.rel === 'canonical')?.attribs.href).toBe(e.url);
    }
    // Tag pages and feeds are checked in tags.test.ts; the bundle's cover is copied beside its page, and the
    // static folder's files (the config's icon and logo among them) at their own paths.
    expect([...tree.keys()].filter((p) => !p.startsWith('tags/')).sort()).toEqual([
      '.feedwright-manifest.json', '.well-known/security.txt', '404.html', '_headers', 'atom.xml', 'copy.js', 'favicon.png', 'feed.json', 'images/logo.png', 'index.html',
      ...[...EXPECTED.map((e) => `${e.url.slice(SITE.length)}index.html`), 'posts/tie-zebra/cover.jpg'].sort(),
      'robots.txt', 'rss.xml', 'sitemap.xml', 'style.css',
    ]);
    const index = parseDocument(tree.get('index.html')?.toString('utf8') ?? '');
    const alternates = DomUtils.getElementsByTagName('link', index).filter((l) => l.attribs.rel === 'alternate')
      .map((l) => [l.attribs.type, l.attribs.href]);
    const feedsByType = [
      ['application/rss+xml', `${SITE}rss.xml`], ['application/atom+xml', `${SITE}atom.xml`], ['application/feed+json', `${SITE}feed.json`],
    ];
    expect(alternates).toEqual(feedsByType);
    const visible = DomUtils.getElementsByTagName('a', index).map((a) => a.attribs.href);
    for (const [, href] of feedsByType) expect(visible).toContain(href);
    const listed = DomUtils.getElementsByTagName('h3', index).map((h) => DomUtils.textContent(h));
    expect(listed).toEqual(EXPECTED.map((e) => e.title));
  });

  it('dates the feeds from the newest item, never the clock', () => {
    expect(feeds.rss.lastBuildDate).toBe('Thu, 04 Jul 2024 13:15:00 +0000');
    expect(feeds.rss.pubDate).toBe('Thu, 04 Jul 2024 13:15:00 +0000');
    expect(feeds.atom.updated).toBe('2024-07-04T13:15:00Z');
  });
});

describe('drafts and future posts', () => {
  afterAll(removeTempDirs);

  const titles = async (argv: string[], env: Record<string, string | undefined>, now?: number): Promise<string[]> => {
    const { out } = await buildFixture(argv, { env, ...(now !== undefined && { now }) });
    return ((await readFeeds(out)).json.items ?? []).map((i) => i.title ?? '');
  };
  const epoch = { SOURCE_DATE_EPOCH: String(EPOCH) };

  it('leaves them out by default, and puts them in with --drafts / --future', async () => {
    const plain = await titles([], epoch);
    expect(plain).toEqual(EXPECTED.map((e) => e.title));
    const drafts = await titles(['--drafts'], epoch);
    expect(drafts).toEqual([...EXPECTED.slice(0, 6).map((e) => e.title), 'A draft', EXPECTED[6]?.title]);
    const future = await titles(['--future'], epoch);
    expect(future).toEqual(['From the future', ...plain]);
    expect(await titles(['--drafts', '--future'], epoch)).toEqual(['From the future', ...drafts]);
  });

  it('says on the success line what it left out, and how to include it', async () => {
    const line = async (argv: string[]): Promise<string> => (await buildFixture(argv, { env: epoch })).result.stdout;
    expect(await line(['--drafts'])).toMatch(/^Built 8 posts into \S+\/: \d+ files in \d+ ms; left out: 1 post dated in the future \(--future to include\)\n$/);
    expect(await line(['--future'])).toMatch(/^Built 8 posts into \S+\/: \d+ files in \d+ ms; left out: 1 draft \(--drafts to include\)\n$/);
    expect(await line(['--drafts', '--future'])).toMatch(/^Built 9 posts into \S+\/: \d+ files in \d+ ms\n$/);
  });

  it('takes "now" from SOURCE_DATE_EPOCH, else from the clock', async () => {
    // SOURCE_DATE_EPOCH wins over a clock that is past the future post
    expect(await titles([], epoch, Date.UTC(2031, 0, 1))).not.toContain('From the future');
    expect(await titles([], {}, Date.UTC(2031, 0, 1))).toContain('From the future');
    expect(await titles([], {}, Date.UTC(2029, 11, 31))).not.toContain('From the future');
    expect(await titles([], { SOURCE_DATE_EPOCH: String(Date.UTC(2030, 0, 1, 5) / 1000) })).toContain('From the future');
  });
});

describe('command line', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await copyFixture();
  });
  afterAll(removeTempDirs);

  it('--help and --version print to stdout and exit 0', async () => {
    expect(await run(['--help'], { cwd: dir })).toEqual({ code: 0, stdout: USAGE, stderr: '' });
    expect(await run(['-h'], { cwd: dir })).toEqual({ code: 0, stdout: USAGE, stderr: '' });
    expect(await run(['--version'], { cwd: dir })).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    expect(VERSION).toBe(JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')).version);
  });

  it('exits 2 on wrong usage, writing nothing', async () => {
    for (const argv of [['--nope'], ['publish'], ['build', 'extra'], ['--out'], ['--drafts=yes'], ['build', '--out', '.'], ['build', '--out', 'posts']]) {
      const result = await run(argv, { cwd: dir });
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^feedwright: /);
    }
    const typo = await run(['build', '--post', 'posts'], { cwd: dir });
    expect(typo.stderr.split('\n')[0]).toBe('feedwright: unknown option --post; did you mean --posts?');
    const bad = await run(['build'], { cwd: dir, env: { SOURCE_DATE_EPOCH: 'yesterday' } });
    expect(bad.code).toBe(2);
    await expect(access(join(dir, 'dist'))).rejects.toThrow();
  });

  it('exits 1 on content errors, reports each one, and leaves the previous output as it was', async () => {
    const out = join(dir, 'site-out');
    expect((await run(['build', '--out', out], { cwd: dir })).code).toBe(0);
    const before = await readTree(out);
    await writeFile(join(dir, 'posts', '2024-08-01-bad.md'), '---\ntitle: Bad\ndate: 2023-02-30\n---\n\nBody.\n');
    await writeFile(join(dir, 'posts', '2024-08-02-worse.md'), '---\ndate: 2024-13-45\n---\n\nBody.\n');
    try {
      const result = await run(['build', '--out', out], { cwd: dir });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('posts/2024-08-01-bad.md:3:1 error "date" is not a real date: "2023-02-30": day 30 does not exist in 2023-02 (it has 28 days) [invalid-date]');
      expect(result.stderr).toContain('posts/2024-08-02-worse.md:2:1 error "date" is not a real date: "2024-13-45": month 13 does not exist [invalid-date]');
      expect(result.stderr).toContain('[missing-title]');
      expect(result.stderr).toContain('✖ 3 errors, 3 warnings in 4 files');
      expect(result.stderr).toContain('Nothing was written');
      expect(await readTree(out)).toEqual(before);
    } finally {
      await rm(join(dir, 'posts', '2024-08-01-bad.md'));
      await rm(join(dir, 'posts', '2024-08-02-worse.md'));
    }
  });

  it('exits 1 on a config error', async () => {
    const other = await copyFixture();
    const pkg = JSON.parse(await readFile(join(other, 'package.json'), 'utf8'));
    pkg.feedwright.url = 'ftp://example.org/';
    await writeFile(join(other, 'package.json'), JSON.stringify(pkg, null, 2));
    const result = await run(['build', '--out', 'dist'], { cwd: other });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/package\.json:\d+:\d+ error "url" must use https:\/\/ or http:\/\/, found "ftp:\/\/example\.org\/" \[config-url\]/);
  });

  it('site URL precedence: --site-url > FEEDWRIGHT_SITE_URL > config', async () => {
    const siteOf = async (argv: string[], env: Record<string, string>): Promise<string | undefined> => {
      const out = join(dir, `out-${argv.length}-${Object.keys(env).length}`);
      const result = await run(['build', '--out', out, ...argv], { cwd: dir, env: { SOURCE_DATE_EPOCH: String(EPOCH), ...env } });
      expect(result.code).toBe(0);
      const feeds = await readFeeds(out);
      const urls = [feeds.rss.link, feeds.atom.id, feeds.json.home_page_url];
      expect(new Set(urls).size).toBe(1);
      expect(feeds.json.items?.[0]?.url?.startsWith(urls[0] ?? '-')).toBe(true);
      return urls[0];
    };
    expect(await siteOf([], {})).toBe(SITE);
    expect(await siteOf([], { FEEDWRIGHT_SITE_URL: '' })).toBe(SITE); // empty means unset
    expect(await siteOf([], { FEEDWRIGHT_SITE_URL: 'https://preview-42.example.net/blog' })).toBe('https://preview-42.example.net/blog/');
    expect(await siteOf(['--site-url', 'https://flag.example.com/'], { FEEDWRIGHT_SITE_URL: 'https://preview-42.example.net/blog' }))
      .toBe('https://flag.example.com/');
  });

  it('check writes nothing', async () => {
    const result = await run(['check'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Checked 7 posts: 62 files rendered in memory in \d+ ms, nothing written; left out: 1 draft, 1 post dated in the future \(--drafts, --future to include\)\n$/);
    await expect(access(join(dir, 'dist'))).rejects.toThrow();
  });

});
