import type { OutputNames, ResolvedConfig } from '../config/config.js';
import type { Post } from '../post/post.js';
import type { Inputs } from '../engine/fingerprint.js';
import type { SiteImages } from '../site/images.js';
import { newestUpdate, type Site } from '../site/site.js';

/**
 * One feed document, format-independent: the main feed, and later tag feeds and archive pages, are all
 * described this way, so each serializer is a pure `(FeedDoc) => string` and knows nothing of the disk.
 */
export interface FeedDoc {
  readonly config: ResolvedConfig;
  readonly title: string;
  readonly description: string;
  /** The HTML page this feed mirrors (RSS `link`, Atom `rel="alternate"`, JSON `home_page_url`). */
  readonly homeUrl: string;
  /** Permanent Atom feed id. */
  readonly id: string;
  /** Output paths relative to the output folder, one per format. */
  readonly paths: OutputNames;
  /** Newest change among the items (never the wall clock). */
  readonly updated: number;
  readonly items: readonly Post[];
  /** RFC 5005 archive links (see `feeds/archive.ts`); absent for a feed that has no archives. */
  readonly history?: FeedHistory;
  /**
   * `'summary'`: the items leave out the post's full content (a tag feed's archives: the main feed's archives
   * already carry every post's full text once). Absent: full content.
   */
  readonly content?: 'summary';
  /** Type and size of the config's icon and logo, when they are static files (site-images.ts). */
  readonly images?: SiteImages;
}

/** RFC 5005 namespace of `fh:archive`. */
export const HISTORY_NAMESPACE = 'http://purl.org/syndication/history/1.0';

/** The RFC 5005 link relations of a document, in a fixed order, with the paths they point to. */
export function historyLinks(history: FeedHistory | undefined): [rel: string, paths: OutputNames][] {
  if (!history) return [];
  const links: [string, OutputNames | undefined][] = [['current', history.current], ['prev-archive', history.prev], ['next-archive', history.next]];
  return links.filter((l): l is [string, OutputNames] => l[1] !== undefined);
}

/** Where a document sits in an RFC 5005 archived feed; every link is a set of per-format output paths. */
export interface FeedHistory {
  /** An archive document (`fh:archive`); false for the subscription feed. */
  readonly archived: boolean;
  /** The subscription feed (`rel="current"`), on archives. */
  readonly current?: OutputNames;
  /** The next older archive (`rel="prev-archive"`; JSON Feed `next_url`). */
  readonly prev?: OutputNames;
  /** The next newer archive (`rel="next-archive"`). */
  readonly next?: OutputNames;
}

/** Absolute URL of a document path. */
export function feedUrl(doc: FeedDoc, format: keyof OutputNames): string {
  return pathUrl(doc, doc.paths, format);
}

/** Absolute URL of one format's path in a set of output paths (e.g. a history link). */
export function pathUrl(doc: FeedDoc, paths: OutputNames, format: keyof OutputNames): string {
  return new URL(paths[format], doc.config.url).href;
}

/** The site's subscription feed. */
export function mainFeed(site: Site): FeedDoc {
  const { config } = site;
  return {
    config,
    title: config.title,
    description: config.description,
    homeUrl: config.url,
    id: config.url,
    paths: config.output,
    // From the items the feed carries, not all posts: a post cut off by `limit` does not change this feed.
    updated: newestUpdate(site.items),
    items: site.items,
    ...(site.images && { images: site.images }),
  };
}

/**
 * The inputs of each of `formats` of a feed document: its own fields (history links, paths, dates) and its items
 * (their fields only, for a document of summaries: editing a post's body leaves those unchanged). The fields are
 * serialized once for all formats (a big blog has thousands of archive documents).
 */
export function docInputs(doc: FeedDoc, formats: readonly string[]): Inputs[] {
  const { items, config: _config, ...rest } = doc; // (the config is in the salt)
  const fields = JSON.stringify(rest);
  // (a post without a summary carries its HTML even there: see feeds/json.ts)
  const of = doc.content === 'summary' ? 'summaries' : 'posts';
  return formats.map((format) => ({ kind: `${format}\0${fields}`, posts: items, of }));
}
