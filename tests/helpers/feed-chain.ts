import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith';
import { expect } from 'vitest';

/**
 * Reading feeds the way a reader does, for tests: one document (feedsmith for items and links, the raw XML tree
 * for RFC 5005's fh:archive), and a whole chain, followed from a subscription feed through its archives.
 */

export type Format = 'rss' | 'atom' | 'json';
export const FEED_FILE: Record<Format, string> = { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' };
export const FORMATS: readonly Format[] = ['rss', 'atom', 'json'];
const FH = 'http://purl.org/syndication/history/1.0';

/** One fetched document of a chain: its item ids and the links a reader would follow. */
export interface Page {
  readonly ids: string[];
  /** Each item's full content (RSS content:encoded, Atom content, JSON content_html), or undefined without it. */
  readonly contents: (string | undefined)[];
  readonly older?: string;
  readonly newer?: string;
  readonly current?: string;
  readonly archived: boolean;
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' });

function linkOf(links: readonly { rel?: string; href?: string }[] | undefined, rel: string): string | undefined {
  return links?.find((l) => l.rel === rel)?.href;
}

/** Parse a document the way a reader does: feedsmith for items and links, the raw XML tree for fh:archive. */
export function readPage(format: Format, text: string): Page {
  if (format === 'json') {
    const feed = parseJsonFeed(JSON.parse(text));
    const items = feed.items ?? [];
    return { ids: items.map((i) => String(i.id)), contents: items.map((i) => i.content_html), older: feed.next_url, archived: false };
  }
  expect(XMLValidator.validate(text)).toBe(true);
  if (format === 'rss') {
    const feed = parseRssFeed(text);
    const channel = (xml.parse(text) as { rss: { channel: Record<string, unknown>; '@xmlns:fh'?: string } }).rss;
    const archived = 'fh:archive' in channel.channel;
    if (archived) expect(channel['@xmlns:fh']).toBe(FH);
    const links = feed.atom?.links;
    return {
      ids: (feed.items ?? []).map((i) => String(i.guid?.value)),
      contents: (feed.items ?? []).map((i) => i.content?.encoded),
      older: linkOf(links, 'prev-archive'), newer: linkOf(links, 'next-archive'), current: linkOf(links, 'current'), archived,
    };
  }
  const feed = parseAtomFeed(text);
  const root = (xml.parse(text) as { feed: Record<string, unknown> }).feed;
  const archived = 'fh:archive' in root;
  if (archived) expect(root['@xmlns:fh']).toBe(FH);
  return {
    ids: (feed.entries ?? []).map((e) => String(e.id)),
    contents: (feed.entries ?? []).map((e) => e.content?.value),
    older: linkOf(feed.links, 'prev-archive'), newer: linkOf(feed.links, 'next-archive'), current: linkOf(feed.links, 'current'), archived,
  };
}

/**
 * Follow the "older" links from a subscription feed (the main one, or the one in `dir`; named `file`, the default
 * name unless the config's `output` renames it) of the site at `site`, whose output files are `files` (by path);
 * returns every document visited, newest first.
 */
export function walkChain(files: ReadonlyMap<string, string>, format: Format, site: string, dir = '', file = FEED_FILE[format]): { url: string; page: Page }[] {
  const visited: { url: string; page: Page }[] = [];
  let url: string | undefined = new URL(dir + file, site).href;
  while (url !== undefined) {
    expect(url.startsWith(site)).toBe(true);
    const text = files.get(url.slice(site.length));
    if (text === undefined) throw new Error(`${url} links to a document the build did not write`);
    expect(visited.map((v) => v.url)).not.toContain(url);
    const page = readPage(format, text);
    visited.push({ url, page });
    url = page.older;
  }
  return visited;
}
