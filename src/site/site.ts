import type { ResolvedConfig } from '../config/config.js';
import { diagnostic, type Diagnostic, type Position } from '../common/diagnostics.js';
import type { Post } from '../post/post.js';
import type { SiteImages } from './images.js';
import { compareStrings } from '../common/util.js';

/** Everything the serializers need: no disk, no clock. */
export interface Site {
  readonly config: ResolvedConfig;
  /** Published posts, newest first (ties broken by slug). */
  readonly posts: readonly Post[];
  /** The posts the feeds carry: `posts` cut to the configured limit. */
  readonly items: readonly Post[];
  /** Newest `updated` of any published post: the feeds' `updated`/`lastBuildDate`. Epoch when there are none. */
  readonly updated: number;
  /**
   * Valid posts not published: drafts, posts dated after the reference time, and posts whose expiry date (Hugo's
   * `expiryDate`) is before it (a post can be more than one; no `expired`: none).
   */
  readonly leftOut: { readonly drafts: number; readonly future: number; readonly expired?: number };
  /**
   * The first reference time at which the same options publish fewer posts, because a published post's expiry date
   * is then past (that date + 1 ms); absent when no published post has one (or with `expired`). Time alone changes
   * the output then (the up-to-date check must not outlive it).
   */
  readonly until?: number;
  /** Type and size of the config's icon and logo, when they are files of the static folder (site-images.ts). */
  readonly images?: SiteImages;
}

export interface SiteOptions {
  readonly drafts: boolean;
  readonly future: boolean;
  /** Publish posts whose expiry date has passed (Hugo's `--buildExpired`). */
  readonly expired?: boolean;
  /** Reference instant for leaving out future and expired posts (ms since the epoch). */
  readonly now: number;
}

/**
 * Newest first, then by slug, so equal dates never depend on input order (with a permalink pattern two posts
 * may share a slug in different folders: then by URL).
 */
export function comparePosts(a: Post, b: Post): number {
  return b.date - a.date || compareStrings(a.slug, b.slug) || compareStrings(a.url, b.url);
}

/** Where a front-matter key of a post's source is, if it is there (for pointing messages at lines). */
export type KeyLocator = (source: string, key: string) => Position | undefined;

/** Check uniqueness across all posts, leave out drafts, future and expired posts, sort, and date the feeds. */
export function buildSite(
  all: readonly Post[], config: ResolvedConfig, options: SiteOptions, locate: KeyLocator = () => undefined,
): { site: Site; diagnostics: Diagnostic[] } {
  // Slugs become folder names: compare them case-insensitively, or two posts would share one folder on
  // macOS and Windows and one would silently replace the other.
  const handSetIds = new Set(all.filter((p) => p.id !== p.url).map((p) => p.id));
  const diagnostics = [
    // With a permalink pattern, posts may share a slug in different folders: what must differ is the folder.
    ...(config.permalink === undefined
      ? duplicates(all, 'slug', (p) => p.slug.toLowerCase(), (p) => p.slug, locate)
      : duplicates(all, 'permalink', (p) => p.path.toLowerCase(), (p) => `/${p.path}`, locate)),
    // Equal permalinks mean equal slugs, already reported: only a clash involving an id set by hand is new.
    ...duplicates(all.filter((p) => p.id !== p.url || handSetIds.has(p.id)), 'id', (p) => p.id, (p) => p.id, locate),
  ];
  // Expired as Hugo has it: the expiry date is before the reference time (a post expiring at it is still published).
  const expired = (p: Post): boolean => p.expires !== undefined && p.expires < options.now;
  const posts = all
    .filter((p) => (options.drafts || !p.draft) && (options.future || p.date <= options.now) && (options.expired === true || !expired(p)))
    .sort(comparePosts);
  const items = config.limit === null ? posts : posts.slice(0, config.limit);
  const updated = newestUpdate(posts);
  const leftOut = {
    drafts: options.drafts ? 0 : all.filter((p) => p.draft).length,
    future: options.future ? 0 : all.filter((p) => p.date > options.now).length,
    expired: options.expired === true ? 0 : all.filter(expired).length,
  };
  let until: number | undefined;
  if (options.expired !== true) {
    for (const p of posts) if (p.expires !== undefined) until = Math.min(until ?? Infinity, p.expires + 1);
  }
  return { site: { config, posts, items, updated, leftOut, ...(until !== undefined && { until }) }, diagnostics };
}

function duplicates(
  posts: readonly Post[], what: 'slug' | 'id' | 'permalink', key: (p: Post) => string, shown: (p: Post) => string, locate: KeyLocator,
): Diagnostic[] {
  const seen = new Map<string, Post[]>();
  for (const p of posts) {
    const k = key(p);
    const group = seen.get(k);
    if (group) group.push(p);
    else seen.set(k, [p]);
  }
  const out: Diagnostic[] = [];
  for (const group of seen.values()) {
    if (group.length < 2) continue;
    for (const p of group) {
      const others = group.filter((o) => o !== p).map((o) => `${o.source} (${what} "${shown(o)}")`).join(', ');
      if (what === 'permalink') {
        // The folder comes from the pattern and the slug, or from the post's own permalink key.
        const key = ['permalink', 'url', 'path', 'slug'].find((k) => locate(p.source, k));
        out.push(diagnostic(p.source, 'error', 'duplicate-permalink',
          `permalink "${shown(p)}" is also the permalink of ${others}; every post needs its own (letter case does not count): set a different "slug" (or permalink) in one of them`,
          (key !== undefined ? locate(p.source, key) : undefined) ?? { line: 1, column: 1 }));
        continue;
      }
      const from = locate(p.source, what) ? '' : what === 'slug' ? ' (from the file name)' : ' (its permalink)';
      out.push(diagnostic(p.source, 'error', `duplicate-${what}`,
        `${what} "${shown(p)}"${from} is also used by ${others}; every post needs its own ${what}${what === 'slug' ? ' (letter case does not count)' : ''}: set a different "${what}" in one of them`,
        locate(p.source, what) ?? { line: 1, column: 1 }));
    }
  }
  return out;
}

/** The newest `updated` among posts: a feed's own `updated`/`lastBuildDate`. Epoch when there are none. */
export function newestUpdate(posts: readonly Post[]): number {
  return posts.reduce((max, p) => Math.max(max, p.updated), 0);
}
