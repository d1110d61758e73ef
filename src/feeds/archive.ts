import type { OutputNames } from '../config/config.js';
import type { Post } from '../post/post.js';
import type { ArchiveScale } from './budget.js';
import type { FeedDoc } from './doc.js';
import { newestUpdate } from '../site/site.js';

/**
 * RFC 5005 archived feeds for any feed document (the main feed, a tag feed, …).
 *
 * The subscription document keeps the newest `limit` posts. Every older post goes into exactly one archive
 * document; archives are numbered from 1 (the oldest posts) and filled oldest first with `archiveSize` posts
 * each (fewer when they would pass a byte budget, see `pageFeed`), so publishing a post only ever changes the newest archive (and, when that one is full, gives the one
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
 *
 * With a `scale` (feeds/budget.ts), an archive also closes before the post that would take it past the scale's byte
 * budget; a post heavier than the budget alone gets a document of its own. Where a document closes depends only on
 * the posts in it and before it (and the one after it, which then starts the next), so adding newer posts never
 * moves an older archive's posts.
 */
export function pageFeed(doc: FeedDoc, paging: Paging, archives: 'full' | 'summary' = 'full', scale?: ArchiveScale): FeedDoc[] {
  const { limit, archiveSize } = paging;
  if (limit === null || doc.items.length <= limit) return [doc];
  const older = doc.items.slice(limit).reverse();
  const shape = (n: number, count: number, items: readonly Post[]): FeedDoc => ({
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
  // (weighed as a document with every history link, numbered as high as any, and an item: the longest head)
  const filled = scale ? fill(older, archiveSize, scale, shape(LARGEST, LARGEST + 1, older.slice(0, 1))) : undefined;
  const groups = filled ? filled.map((g) => g.posts) : bySize(older, archiveSize);
  const documents = groups.map((items, k) => shape(k + 1, groups.length, items.reverse()));
  filled?.forEach((group, k) => splits.set(documents[k] as FeedDoc, group.split));
  const subscription: FeedDoc = {
    ...doc,
    items: doc.items.slice(0, limit),
    history: { archived: false, prev: archivePaths(doc.paths, groups.length) },
  };
  return [subscription, ...documents];
}

/** An archive number at least as long as any real one, for weighing a document's head before numbering it. */
const LARGEST = 999_999_999;

/** `older` (oldest first) in groups of `size`. */
function bySize(older: readonly Post[], size: number): Post[][] {
  const groups: Post[][] = [];
  for (let i = 0; i < older.length; i += size) groups.push(older.slice(i, i + size));
  return groups;
}

/**
 * How an archive closed at a byte budget was filled (`fill`): what its posts weigh, the room it had, and why it
 * closed. Enough to tell, when one of its posts changes weight, whether the split would still be the same
 * (`splitAfter`) without weighing any other post.
 */
export interface Split {
  /** The weights of its posts, summed. */
  readonly bytes: number;
  /** What a document may hold besides its head and foot. */
  readonly room: number;
  /** Why the next post went into the next archive: the archive had `archiveSize` posts, or no room for it; `end`: no post came after. */
  readonly closed: 'size' | 'bytes' | 'end';
  /** The weight of the post that did not fit (closed by bytes). */
  readonly next?: number;
}

/** The split of each archive document closed at a byte budget (made by `pageFeed` with a scale). */
const splits = new WeakMap<FeedDoc, Split>();

/** How an archive document made by `pageFeed` with a scale was filled; undefined for any other document. */
export function splitOf(doc: FeedDoc): Split | undefined {
  return splits.get(doc);
}

/**
 * How an archive of `count` posts would be filled if its posts weighed `delta` bytes more (or less) in all, and the
 * post after it (the oldest of the next archive) `nextDelta` more; undefined when `pageFeed` would then put other
 * posts in it: a post that no longer fits (the total is what the last one is checked against), or the post after it
 * that now does. Where an archive ends depends only on its posts and the one after it, so a post's new weight can
 * move only the archive it is in and the one before it (when it is the oldest of its own).
 */
export function splitAfter(split: Split, count: number, delta: number, nextDelta = 0): Split | undefined {
  const bytes = split.bytes + delta;
  if (count > 1 && bytes > split.room) return undefined;
  if (split.closed !== 'bytes') return { ...split, bytes };
  const next = (split.next ?? 0) + nextDelta;
  return bytes + next > split.room ? { ...split, bytes, next } : undefined;
}

/** `older` (oldest first) in groups of at most `size` posts and, but for a single heavy post, the scale's budget. */
function fill(older: readonly Post[], size: number, scale: ArchiveScale, sample: FeedDoc): { posts: Post[]; split: Split }[] {
  const room = scale.budget - scale.overhead(sample);
  const weigh = scale.weigher(sample);
  const groups: { posts: Post[]; split: Split }[] = [];
  let group: Post[] = [];
  let bytes = 0;
  for (const post of older) {
    const weight = weigh(post);
    if (group.length > 0 && (group.length >= size || bytes + weight > room)) {
      groups.push({ posts: group, split: group.length >= size ? { bytes, room, closed: 'size' } : { bytes, room, closed: 'bytes', next: weight } });
      group = [];
      bytes = 0;
    }
    group.push(post);
    bytes += weight;
  }
  if (group.length > 0) groups.push({ posts: group, split: { bytes, room, closed: 'end' } });
  return groups;
}

/** Output paths of archive `n` (1 = oldest) of a feed written at `paths`. */
export function archivePaths(paths: OutputNames, n: number): OutputNames {
  const at = (path: string): string => {
    const slash = path.lastIndexOf('/');
    return `${path.slice(0, slash + 1)}archive/${n}/${path.slice(slash + 1)}`;
  };
  return { rss: at(paths.rss), atom: at(paths.atom), json: at(paths.json) };
}
