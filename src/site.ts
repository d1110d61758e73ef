import type { ResolvedConfig } from './config.js';
import { newestUpdate } from './feeds/doc.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import type { Post } from './post.js';
import { compareStrings } from './util.js';

/** Everything the serializers need: no disk, no clock. */
export interface Site {
  readonly config: ResolvedConfig;
  /** Published posts, newest first (ties broken by slug). */
  readonly posts: readonly Post[];
  /** The posts the feeds carry: `posts` cut to the configured limit. */
  readonly items: readonly Post[];
  /** Newest `updated` of any published post: the feeds' `updated`/`lastBuildDate`. Epoch when there are none. */
  readonly updated: number;
}

export interface SiteOptions {
  readonly drafts: boolean;
  readonly future: boolean;
  /** Reference instant for leaving out future posts (ms since the epoch). */
  readonly now: number;
}

/** Newest first, then by slug, so equal dates never depend on input order. */
export function comparePosts(a: Post, b: Post): number {
  return b.date - a.date || compareStrings(a.slug, b.slug);
}

/** Check uniqueness across all posts, leave out drafts and future posts, sort, and date the feeds. */
export function buildSite(all: readonly Post[], config: ResolvedConfig, options: SiteOptions): { site: Site; diagnostics: Diagnostic[] } {
  const diagnostics = [...duplicates(all, 'slug', (p) => p.slug), ...duplicates(all, 'id', (p) => p.id)];
  const posts = all
    .filter((p) => (options.drafts || !p.draft) && (options.future || p.date <= options.now))
    .sort(comparePosts);
  const items = config.limit === null ? posts : posts.slice(0, config.limit);
  const updated = newestUpdate(posts);
  return { site: { config, posts, items, updated }, diagnostics };
}

function duplicates(posts: readonly Post[], what: string, key: (p: Post) => string): Diagnostic[] {
  const seen = new Map<string, Post[]>();
  for (const p of posts) seen.set(key(p), [...(seen.get(key(p)) ?? []), p]);
  const out: Diagnostic[] = [];
  for (const [value, group] of seen) {
    if (group.length < 2) continue;
    for (const p of group) {
      const others = group.filter((o) => o !== p).map((o) => o.source).join(', ');
      out.push(diagnostic(p.source, 'error', `duplicate-${what}`, `${what} "${value}" is also used by ${others}; every post needs its own ${what}`));
    }
  }
  return out;
}
