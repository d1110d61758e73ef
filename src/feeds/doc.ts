import type { OutputNames, ResolvedConfig } from '../config.js';
import type { Post } from '../post.js';
import type { Site } from '../site.js';

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
}

/** Absolute URL of a document path. */
export function feedUrl(doc: FeedDoc, format: keyof OutputNames): string {
  return new URL(doc.paths[format], doc.config.url).href;
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
  };
}

/** The newest `updated` among posts: a feed's own `updated`/`lastBuildDate`. Epoch when there are none. */
export function newestUpdate(posts: readonly Post[]): number {
  return posts.reduce((max, p) => Math.max(max, p.updated), 0);
}
