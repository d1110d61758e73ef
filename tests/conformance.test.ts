import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DomUtils, parseDocument } from 'htmlparser2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixture, htmlText, htmlUrls, isAbsoluteUrl, readFeeds, removeTempDirs, run, SITE, tempDir } from './helpers/blog.js';
import { PLAIN_POSTS, PLAIN_SITE, plainPackageJson } from './helpers/plain-blog.js';

/**
 * The rules of RSS 2.0 (+ the RSS Advisory Board's Best Practices Profile), RFC 4287 and JSON Feed 1.1 that the
 * W3C Feed Validator (w3c/feedvalidator) and the specs check, written as tests. They run on the fixture blog
 * (hostile input) and on a plain blog of well-behaved posts (tests/helpers/plain-blog.ts), which must raise no
 * validator warning at all. (The repository's own posts are checked by `feedwright check --strict` in CI, never here.)
 */

const parser = new XMLParser({
  ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, trimValues: false,
  processEntities: true, htmlEntities: true, textNodeName: '#text',
  isArray: (name) => ['item', 'entry', 'category', 'author', 'link', 'dc:creator'].includes(name),
});

type Node = Record<string, unknown>;
const text = (node: unknown): string => (Array.isArray(node) ? text(node[0]) : typeof node === 'string' ? node : typeof node === 'object' && node !== null ? String((node as Node)['#text'] ?? '') : '');
const list = (node: unknown): Node[] => (Array.isArray(node) ? node as Node[] : node === undefined ? [] : [node as Node]);

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
// RFC 822 as the profile asks: day name, two-digit day, four-digit year, seconds, numeric zone
const RFC822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const ADDR_SPEC = /^[A-Z0-9_\-+.']+@([A-Z0-9-]+\.)+[A-Z0-9][-A-Z0-9]*$/i;
// Elements of HTML the validator knows: an end tag of one of these in a plain-text element is "ContainsHTML".
// XML 1.0 forbids these (fast-xml-parser's validator does not check characters); the validator also flags C1
// controls ("BadCharacters", usually mis-decoded Windows-1252).
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u0080-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const HTML_END_TAG = /<\/(a|b|i|em|strong|p|div|span|br|img|code|pre|ul|ol|li|h[1-6]|table|tr|td|blockquote|script)>/i;

function expectRfc822(value: string, what: string): number {
  expect(value, what).toMatch(RFC822);
  const ms = Date.parse(value);
  expect(DAYS[new Date(ms).getUTCDay()], `${what}: day of week`).toBe(value.slice(0, 3));
  expect(new Date(ms).getUTCFullYear(), `${what}: plausible`).toBeGreaterThanOrEqual(1990);
  return ms;
}

function expectSafeHtml(html: string, what: string): void {
  for (const url of htmlUrls(html)) expect(url, `${what}: relative URL`).toSatisfy(isAbsoluteUrl);
  const doc = parseDocument(html);
  for (const el of DomUtils.findAll(() => true, doc.children)) {
    expect(['script', 'iframe', 'object', 'embed', 'meta', 'style'], `${what}: unsafe element`).not.toContain(el.name);
    for (const attr of Object.keys(el.attribs)) expect(attr, `${what}: event handler`).not.toMatch(/^on/i);
  }
  // a void element never gets an end tag (an HTML parse error the validator reports)
  expect(html, `${what}: end tag of a void element`).not.toMatch(/<\/(img|source|track|wbr|br|hr|input|col|embed)>/);
}

interface Build {
  readonly name: string;
  readonly site: string;
  /** Well-behaved input: held to the validator's warnings too, not only its errors. */
  readonly plain: boolean;
  out: string;
  feeds: Awaited<ReturnType<typeof readFeeds>>;
}

const builds: Build[] = [
  { name: 'fixture blog', site: SITE, plain: false, out: '', feeds: undefined as never },
  { name: 'plain blog', site: PLAIN_SITE, plain: true, out: '', feeds: undefined as never },
];

beforeAll(async () => {
  const [fixture, plain] = builds as [Build, Build];
  fixture.out = (await buildFixture()).out;
  const dir = await tempDir();
  await writeFile(join(dir, 'package.json'), plainPackageJson());
  for (const [path, text] of Object.entries(PLAIN_POSTS)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  plain.out = join(dir, 'dist');
  const result = await run(['build', '--out', plain.out], { cwd: dir, env: {} });
  expect(result.code).toBe(0);
  expect(result.stderr).toBe(''); // not even a warning on well-behaved posts
  for (const b of builds) b.feeds = await readFeeds(b.out);
});
afterAll(removeTempDirs);

describe.each(builds)('RSS 2.0 and the RSS Best Practices Profile: $name', (b) => {
  const doc = (): Node => {
    expect(XMLValidator.validate(b.feeds.rssText)).toBe(true);
    return parser.parse(b.feeds.rssText) as Node;
  };
  const channel = (): Node => ((doc().rss as Node).channel as Node);
  const items = (): Node[] => list(channel().item);

  it('is RSS 2.0 with the namespaces it uses declared', () => {
    const rss = doc().rss as Node;
    expect(rss['@version']).toBe('2.0');
    expect(rss['@xmlns:atom']).toBe('http://www.w3.org/2005/Atom');
    expect(rss['@xmlns:content']).toBe('http://purl.org/rss/1.0/modules/content/');
    expect(rss['@xmlns:dc']).toBe('http://purl.org/dc/elements/1.1/');
    expect(b.feeds.rssText.startsWith('<?xml version="1.0" encoding="utf-8"?>\n')).toBe(true);
    expect(b.feeds.rssText).not.toMatch(FORBIDDEN);
  });

  it('has the required channel elements, language, docs and an atom:link rel="self" pointing at itself', () => {
    const c = channel();
    expect(text(c.title)).not.toBe('');
    expect(text(c.description)).not.toBe('');
    expect(text(c.link)).toBe(b.site);
    expect(Intl.getCanonicalLocales(text(c.language))[0]).toBe(text(c.language));
    expect(text(c.docs)).toBe('https://www.rssboard.org/rss-specification');
    const self = list(c['atom:link']).filter((l) => l['@rel'] === 'self');
    expect(self).toEqual([{ '@href': `${b.site}rss.xml`, '@rel': 'self', '@type': 'application/rss+xml' }]);
  });

  it('writes every date as RFC 822 with a four-digit year and the right day of the week', () => {
    const c = channel();
    const dates = items().map((i, n) => expectRfc822(text(i.pubDate), `item ${n} pubDate`));
    // channel pubDate is the newest item; lastBuildDate the newest change, never before it
    expect(expectRfc822(text(c.pubDate), 'channel pubDate')).toBe(Math.max(...dates));
    expect(expectRfc822(text(c.lastBuildDate), 'lastBuildDate')).toBeGreaterThanOrEqual(Math.max(...dates));
  });

  it('gives every item a unique guid; isPermaLink="true" only for the item\'s own http(s) link', () => {
    const guids = items().map((i) => i.guid as Node);
    expect(new Set(guids.map(text)).size).toBe(guids.length);
    for (const [n, i] of items().entries()) {
      const guid = i.guid as Node;
      const link = text(i.link);
      expect(link, `item ${n} link`).toMatch(/^https?:\/\//);
      expect(['true', 'false']).toContain(guid['@isPermaLink']);
      if (guid['@isPermaLink'] === 'true') {
        expect(text(guid)).toBe(link);
        expect(text(guid)).not.toMatch(/^(tag|urn):/i);
      } else {
        expect(text(guid)).not.toBe(link);
      }
    }
  });

  it('puts description before content:encoded, both HTML with absolute URLs and nothing unsafe', () => {
    const blocks = b.feeds.rssText.split('<item>').slice(1);
    expect(blocks).toHaveLength(items().length);
    for (const block of blocks) {
      expect(block.indexOf('<description>')).toBeGreaterThan(0);
      expect(block.indexOf('<description>')).toBeLessThan(block.indexOf('<content:encoded>'));
    }
    for (const [n, i] of items().entries()) {
      expectSafeHtml(text(i.description), `item ${n} description`);
      expectSafeHtml(text(i['content:encoded']), `item ${n} content:encoded`);
    }
  });

  it('carries the plain-text summary as HTML text in description (a reader shows it literally)', () => {
    const summaries = (b.feeds.json.items ?? []).map((i) => i.summary);
    expect(items().map((i) => htmlText(text(i.description)))).toEqual(summaries);
  });

  it('encodes & < > in plain-text elements with hexadecimal references (profile: Character Data)', () => {
    const plain = [...b.feeds.rssText.matchAll(/<(title|description|copyright|category|dc:creator|managingEditor|generator)>([^<]*)<\/\1>/g)];
    expect(plain.length).toBeGreaterThan(items().length);
    for (const [, name, raw = ''] of plain) {
      for (const m of raw.matchAll(/&/g)) expect(raw.slice(m.index), `<${name}>${raw}`).toMatch(/^&#x[0-9A-F]+;/);
      // the validator's own test: decoded text that looks like markup must come from hex references on its line
      const decoded = raw.replace(/&#x([0-9A-F]+);/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)));
      if (/&#[x0-9]|<[/a-zA-Z]/.test(decoded)) expect(raw).toContain('&#x');
      if (b.plain) expect(decoded, `<${name}> contains HTML`).not.toMatch(HTML_END_TAG);
    }
  });

  it('names people as the profile asks: managingEditor "mail (Name)", authors in dc:creator', () => {
    const editor = text(channel().managingEditor);
    if (editor) expect(editor).toMatch(/^\S+@\S+ \(.+\)$/);
    for (const i of items()) {
      expect(i.author, 'RSS <author> must be an e-mail address; names go in dc:creator').toBeUndefined();
      expect(list(i['dc:creator']).length).toBeGreaterThan(0);
    }
  });

  it('gives the channel image the channel\'s own title and link', () => {
    const image = channel().image as Node | undefined;
    if (!image) return;
    expect(text(image.title)).toBe(text(channel().title));
    expect(text(image.link)).toBe(text(channel().link));
    expect(text(image.url)).toSatisfy(isAbsoluteUrl);
  });
});

describe.each(builds)('Atom 1.0 (RFC 4287): $name', (b) => {
  const feed = (): Node => {
    expect(XMLValidator.validate(b.feeds.atomText)).toBe(true);
    return (parser.parse(b.feeds.atomText) as Node).feed as Node;
  };
  const entries = (): Node[] => list(feed().entry);

  it('has id, title, updated, author, xml:lang and links rel="self" (matching its URL) and rel="alternate"', () => {
    const f = feed();
    expect(f['@xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(b.feeds.atomText).not.toMatch(FORBIDDEN);
    expect(f['@xml:lang']).toBeTruthy();
    expect(text(f.id)).toSatisfy(isAbsoluteUrl);
    expect(text(f.title)).not.toBe('');
    expect(text(f.updated)).toMatch(RFC3339);
    expect(list(f.author).map((a) => text(a.name))).not.toContain('');
    expect(list(f.author).length).toBeGreaterThan(0);
    const links = list(f.link).map((l) => [l['@rel'], l['@type'], l['@href']]);
    expect(links).toEqual([['alternate', 'text/html', b.site], ['self', 'application/atom+xml', `${b.site}atom.xml`]]);
    expect(text(f.generator)).toBe('feedwright');
  });

  it('dates the feed with its newest entry change', () => {
    const newest = Math.max(...entries().map((e) => Date.parse(text(e.updated))));
    expect(Date.parse(text(feed().updated))).toBe(newest);
  });

  it('gives every entry a unique canonical id, a title, updated ≥ published, authors and an alternate link', () => {
    const ids = entries().map((e) => text(e.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const [n, e] of entries().entries()) {
      const id = text(e.id);
      expect(id, `entry ${n} id`).toMatch(/^[a-z][a-z0-9+.-]*:\S+$/i);
      if (/^https?:/.test(id)) expect(new URL(id).href, 'canonical id').toBe(id);
      expect(text(e.title)).not.toBe('');
      expect((e.title as Node)['@type']).toBe('text');
      expect(text(e.updated)).toMatch(RFC3339);
      expect(text(e.published)).toMatch(RFC3339);
      expect(Date.parse(text(e.updated))).toBeGreaterThanOrEqual(Date.parse(text(e.published)));
      const authors = list(e.author);
      expect(authors.length).toBeGreaterThan(0);
      for (const a of authors) {
        expect(text(a.name)).not.toBe('');
        if (a.email !== undefined) expect(text(a.email)).toMatch(ADDR_SPEC);
        if (a.uri !== undefined) expect(text(a.uri)).toSatisfy(isAbsoluteUrl);
      }
      const alternates = list(e.link).filter((l) => l['@rel'] === 'alternate');
      expect(alternates).toHaveLength(1);
      expect(alternates[0]?.['@type']).toBe('text/html');
      expect(String(alternates[0]?.['@href'])).toSatisfy(isAbsoluteUrl);
      for (const c of list(e.category)) expect(c['@term']).toBeTruthy();
    }
  });

  it('has no blank text constructs; summary is text and content is html with absolute URLs', () => {
    for (const [n, e] of entries().entries()) {
      if (e.summary !== undefined) {
        expect((e.summary as Node)['@type']).toBe('text');
        expect(text(e.summary).trim()).not.toBe('');
      }
      if (e.content !== undefined) {
        expect((e.content as Node)['@type']).toBe('html');
        expect(text(e.content).trim()).not.toBe('');
        expectSafeHtml(text(e.content), `entry ${n} content`);
      }
      if (b.plain) expect(text(e.summary)).not.toMatch(HTML_END_TAG); // "ContainsUndeclaredHTML"
    }
  });
});

describe.each(builds)('JSON Feed 1.1: $name', (b) => {
  const FEED_KEYS = ['version', 'title', 'home_page_url', 'feed_url', 'description', 'user_comment', 'next_url', 'icon', 'favicon', 'authors', 'language', 'expired', 'hubs', 'items'];
  const ITEM_KEYS = ['id', 'url', 'external_url', 'title', 'content_html', 'content_text', 'summary', 'image', 'banner_image', 'date_published', 'date_modified', 'authors', 'tags', 'language', 'attachments'];
  const feed = (): Record<string, unknown> => b.feeds.raw;
  const items = (): Record<string, unknown>[] => feed().items as Record<string, unknown>[];

  function expectAuthors(authors: unknown, what: string): void {
    expect(Array.isArray(authors), `${what}: authors is an array`).toBe(true);
    expect((authors as unknown[]).length).toBeGreaterThan(0);
    for (const a of authors as Record<string, unknown>[]) {
      expect(Object.keys(a).every((k) => ['name', 'url', 'avatar'].includes(k)), what).toBe(true);
      expect(typeof a.name).toBe('string');
      expect(a.name).not.toBe('');
      if (a.url !== undefined) expect(a.url).toSatisfy(isAbsoluteUrl);
    }
  }

  it('declares version 1.1 and has the typed top-level fields, with no deprecated "author"', () => {
    const f = feed();
    expect(f.version).toBe('https://jsonfeed.org/version/1.1');
    expect(Object.keys(f).filter((k) => !FEED_KEYS.includes(k))).toEqual([]);
    expect(typeof f.title).toBe('string');
    expect(f.home_page_url).toBe(b.site);
    expect(f.feed_url).toBe(`${b.site}feed.json`);
    expect(typeof f.language).toBe('string');
    expect(Intl.getCanonicalLocales(f.language as string)[0]).toBe(f.language);
    for (const key of ['icon', 'favicon']) if (f[key] !== undefined) expect(f[key]).toSatisfy(isAbsoluteUrl);
    expect(f.author).toBeUndefined();
    expectAuthors(f.authors, 'feed');
    expect(Array.isArray(f.items)).toBe(true);
    expect(b.feeds.jsonText.endsWith('}\n')).toBe(true);
  });

  it('gives every item a unique string id, a URL, HTML content, RFC 3339 dates, string tags and authors', () => {
    const ids = items().map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [n, i] of items().entries()) {
      const what = `item ${n}`;
      expect(Object.keys(i).filter((k) => !ITEM_KEYS.includes(k)), what).toEqual([]);
      expect(typeof i.id).toBe('string');
      expect(i.id).not.toBe('');
      expect(i.url).toSatisfy(isAbsoluteUrl);
      expect(typeof i.title).toBe('string');
      expect(typeof i.content_html).toBe('string');
      expectSafeHtml(i.content_html as string, what);
      expect(typeof i.summary).toBe('string');
      expect(i.date_published).toMatch(RFC3339);
      expect(i.date_modified).toMatch(RFC3339);
      expect(Date.parse(i.date_modified as string)).toBeGreaterThanOrEqual(Date.parse(i.date_published as string));
      if (i.tags !== undefined) {
        expect(Array.isArray(i.tags)).toBe(true);
        for (const t of i.tags as unknown[]) expect(typeof t === 'string' && t !== '').toBe(true);
      }
      if (i.image !== undefined) expect(i.image).toSatisfy(isAbsoluteUrl);
      expect(i.author, `${what}: "author" is deprecated in 1.1`).toBeUndefined();
      expectAuthors(i.authors, what);
    }
  });
});

describe.each(builds)('the three formats agree: $name', (b) => {
  it('same items, same order, same ids, links, titles and dates', () => {
    const rss = (b.feeds.rss.items ?? []).map((i) => [i.guid?.value, i.link, i.title, Date.parse(i.pubDate ?? '')]);
    const atom = (b.feeds.atom.entries ?? []).map((e) => [e.id, e.links?.find((l) => l.rel === 'alternate')?.href, e.title?.value, Date.parse(e.published ?? '')]);
    const json = (b.feeds.json.items ?? []).map((i) => [i.id, i.url, i.title, Date.parse(i.date_published ?? '')]);
    expect(rss.length).toBeGreaterThan(0);
    expect(atom).toEqual(rss);
    expect(json).toEqual(rss);
    expect((b.feeds.atom.entries ?? []).map((e) => e.updated)).toEqual((b.feeds.json.items ?? []).map((i) => i.date_modified));
  });
});
