import type { OutputNames } from '../config.js';
import type { Post } from '../post.js';
import { newestUpdate, type FeedDoc } from './doc.js';

/**
 * RFC 5005 archived feeds for any feed document (the main feed, a tag feed, …).
 *
 * The subscription document keeps the newest `limit` posts. Every older post goes into exactly one archive
 * document; archives are numbered from 1 (the oldest posts) and filled oldest first with `archiveSize` posts
 * each, so publishing a post only ever changes the newest archive (and, when that one is full, gives the one
 * before it a `next-archive` link): archive N's posts and bytes stay the same forever after.
 *
 * URLs: `<dir>/archive/<n>/<file>` beside each feed file, e.g. `archive/3/rss.xml` for `rss.xml` and
 * `tags/film/archive/1/feed.json` for `tags/film/feed.json`.
 */

/** How a feed is split: the first two keys of the resolved config. */
export interface Paging {
  /** Posts in the subscription document; `null` keeps them all there and writes no archives. */
  readonly limit: number | null;
  /** Posts per archive document. */
  readonly archiveSize: number;
}

/**
 * Split a feed whose `items` are its complete history (newest first) into the subscription document
 * followed by its archives, oldest first. A feed that fits in one document comes back unchanged.
 * `archives: 'summary'` leaves the full content out of the archives' items (see `FeedDoc.content`).
 */
export function pageFeed(doc: FeedDoc, paging: Paging, archives: 'full' | 'summary' = 'full'): FeedDoc[] {
  const { limit, archiveSize } = paging;
  if (limit === null || doc.items.length <= limit) return [doc];
  const older = doc.items.slice(limit).reverse();
  const count = Math.ceil(older.length / archiveSize);
  const documents: FeedDoc[] = [];
  for (let n = 1; n <= count; n++) {
    const items: Post[] = older.slice((n - 1) * archiveSize, n * archiveSize).reverse();
    documents.push({
      ...doc,
      ...(archives === 'summary' && { content: 'summary' as const }),
      paths: archivePaths(doc.paths, n),
      items,
      updated: newestUpdate(items),
      history: {
        archived: true,
        current: doc.paths,
        ...(n > 1 && { prev: archivePaths(doc.paths, n - 1) }),
        ...(n < count && { next: archivePaths(doc.paths, n + 1) }),
      },
    });
  }
  const subscription: FeedDoc = {
    ...doc,
    items: doc.items.slice(0, limit),
    history: { archived: false, prev: archivePaths(doc.paths, count) },
  };
  return [subscription, ...documents];
}

/** Output paths of archive `n` (1 = oldest) of a feed written at `paths`. */
export function archivePaths(paths: OutputNames, n: number): OutputNames {
  const at = (path: string): string => {
    const slash = path.lastIndexOf('/');
    return `${path.slice(0, slash + 1)}archive/${n}/${path.slice(slash + 1)}`;
  };
  return { rss: at(paths.rss), atom: at(paths.atom), json: at(paths.json) };
}
