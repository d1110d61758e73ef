import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pageFeed, splitAfter, splitOf } from '../../src/feeds/archive.js';
import type { ArchiveScale } from '../../src/feeds/budget.js';
import type { FeedDoc } from '../../src/feeds/doc.js';
import type { Post } from '../../src/post/post.js';

/**
 * `splitAfter` (feeds/archive.ts) tells a patch (cli/patch.ts) whether the archives would keep the same posts if one
 * post weighed more or less, from the recorded splits of its archive and of the one before it alone. Here it is
 * checked against `pageFeed` itself: split, change one post's weight, split again.
 */

/** A scale that weighs each post by a table (the real one weighs serialized items: see feeds/budget.ts). */
function scale(budget: number, weights: ReadonlyMap<Post, number>): ArchiveScale {
  return { budget, overhead: () => 0, weigher: () => (post: Post) => weights.get(post) ?? 0 } as unknown as ArchiveScale;
}

function posts(count: number): Post[] {
  return Array.from({ length: count }, (_, i) => ({ slug: `p${i}` }) as Post);
}

const doc = (items: readonly Post[]): FeedDoc => ({ paths: { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' }, items } as unknown as FeedDoc);

/** The archives' posts, oldest archive first. */
function groups(items: readonly Post[], weights: ReadonlyMap<Post, number>, budget: number, size: number): FeedDoc[] {
  return pageFeed(doc(items), { limit: 2, archiveSize: size }, 'full', scale(budget, weights)).slice(1);
}

describe('splitAfter', () => {
  it('says the archives keep their posts exactly when pageFeed would keep them', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 3, maxLength: 30 }),
      fc.integer({ min: 0, max: 1000 }), fc.integer({ min: -300, max: 300 }), fc.integer({ min: 1, max: 6 }),
      (sizes, pick, delta, size) => {
        const items = posts(sizes.length);
        const weights = new Map(items.map((p, i) => [p, sizes[i] as number]));
        const before = groups(items, weights, 1000, size);
        // One archived post (the subscription document holds the newest two) weighs `delta` more, at least 1.
        const archived = items.slice(2);
        const post = archived[pick % archived.length] as Post;
        const changed = new Map(weights).set(post, Math.max(1, (weights.get(post) ?? 0) + delta));
        const after = groups(items, changed, 1000, size);
        const k = before.findIndex((d) => d.items.includes(post));
        const own = before[k] as FeedDoc;
        const split = splitOf(own);
        if (!split) throw new Error('an archive split by a scale has its split recorded');
        const same = after.length === before.length && after.every((d, n) => d.items.length === before[n]?.items.length && d.items.every((p, j) => p === before[n]?.items[j]));
        const weighs = (changed.get(post) ?? 0) - (weights.get(post) ?? 0);
        // (documents list posts newest first: the archive's oldest post is its last, the one the archive before it closed without)
        const previous = k > 0 && own.items.at(-1) === post ? before[k - 1] : undefined;
        const previousSplit = previous && splitOf(previous);
        const predicted = splitAfter(split, own.items.length, weighs) !== undefined
          && (!previous || !previousSplit || splitAfter(previousSplit, previous.items.length, 0, weighs) !== undefined);
        expect(predicted).toBe(same);
      },
    ), { numRuns: 500 });
  });

  it('is recorded only for archives split by a scale', () => {
    const items = posts(6);
    const [subscription, ...archives] = pageFeed(doc(items), { limit: 2, archiveSize: 2 });
    expect(archives.length).toBe(2);
    expect([subscription, ...archives].map((d) => splitOf(d as FeedDoc))).toEqual([undefined, undefined, undefined]);
  });
});
