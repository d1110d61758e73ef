import { describe, expect, it } from 'vitest';
import { keying, postsKey, type Inputs, type PostKeys } from '../../src/engine/fingerprint.js';
import { KeyMemo } from '../../src/engine/key-memo.js';
import type { Post } from '../../src/post/post.js';

function postOf(slug: string, summary?: string): Post {
  return {
    source: `posts/${slug}.md`, slug, id: `https://example.org/${slug}/`, url: `https://example.org/${slug}/`, path: `${slug}/`,
    title: slug, date: Date.UTC(2024, 0, 1), updated: Date.UTC(2024, 0, 1), tags: [], authors: [], html: `<p>${slug}</p>`,
    contentBytes: 20, draft: false, ...(summary !== undefined && { summary }),
  };
}

/** Post keys from plain maps, counting how often a key is looked up (what the memo saves). */
function keysOf(entries: readonly (readonly [Post, string])[], salt: string, memo?: KeyMemo): PostKeys & { lookups: () => number } {
  let lookups = 0;
  const posts = new Map(entries);
  const meta = new Map(entries.map(([post, key]) => [post, `meta-${key}`] as const));
  return {
    posts: { get: (post) => (lookups++, posts.get(post)) },
    meta: { get: (post) => (lookups++, meta.get(post)) },
    salt, ...(memo && { memo }),
    lookups: () => lookups,
  };
}

describe('KeyMemo (dev keeps the last plan between saves)', () => {
  const a = postOf('a');
  const b = postOf('b', 'A summary.');
  const c = postOf('c');
  const declared: Inputs[] = [
    { kind: 'post', posts: [a] },
    { kind: 'post', posts: [b] },
    { kind: 'index\u00001', posts: [a, b, c], of: 'meta' },
    { kind: 'feed', posts: [a, b, c] },
    { kind: 'summaries', posts: [b, c], of: 'summaries' },
    { kind: 'empty', posts: [] },
  ];
  const plain = (keys: PostKeys): (string | undefined)[] => declared.map((d) => postsKey(d.kind, d.posts, keys, d.of));

  it('gives the keys postsKey gives, and looks up no post key for what it planned last time with the same posts', () => {
    const memo = new KeyMemo();
    const entries = [[a, 'ka'], [b, 'kb'], [c, 'kc']] as const;
    const first = keysOf(entries, 'salt', memo);
    const engine = keying(first);
    expect(declared.map((d) => engine?.keyOf(d))).toEqual(plain(keysOf(entries, 'salt')));
    expect(first.lookups()).toBeGreaterThan(0);
    const second = keysOf(entries, 'salt', memo);
    const again = keying(second);
    expect(declared.map((d) => again?.keyOf(d))).toEqual(plain(keysOf(entries, 'salt')));
    expect(second.lookups()).toBe(0);
  });

  it('makes the key again for outputs showing a new post object, and for all after the salt changed', () => {
    const memo = new KeyMemo();
    keying(keysOf([[a, 'ka'], [b, 'kb'], [c, 'kc']], 'salt', memo));
    declared.forEach((d) => keying(keysOf([[a, 'ka'], [b, 'kb'], [c, 'kc']], 'salt', memo))?.keyOf(d));
    // b edited: a new object under a new key
    const edited = postOf('b', 'A summary.');
    const swap = (posts: readonly Post[]): Post[] => posts.map((p) => (p === b ? edited : p));
    const now = declared.map((d) => ({ ...d, posts: swap(d.posts) }));
    const entries = [[a, 'ka'], [edited, 'kb2'], [c, 'kc']] as const;
    const keys = keysOf(entries, 'salt', memo);
    const engine = keying(keys);
    const made = now.map((d) => engine?.keyOf(d));
    expect(made).toEqual(now.map((d) => postsKey(d.kind, d.posts, keysOf(entries, 'salt'), d.of)));
    expect(made[1]).not.toBe(postsKey('post', [b], keysOf([[b, 'kb']], 'salt')));
    // Another config or icon (the salt): nothing is taken from the memo.
    const salted = keysOf(entries, 'salt2', memo);
    const other = keying(salted);
    expect(now.map((d) => other?.keyOf(d))).toEqual(now.map((d) => postsKey(d.kind, d.posts, keysOf(entries, 'salt2'), d.of)));
    expect(salted.lookups()).toBeGreaterThan(0);
  });

  it('holds one plan: what the last build did not declare is gone after the next', () => {
    const memo = new KeyMemo();
    const entries = [[a, 'ka'], [b, 'kb'], [c, 'kc']] as const;
    const list: Inputs = { kind: 'old-list', posts: [a, b], of: 'meta' };
    keying(keysOf(entries, 'salt', memo))?.keyOf(list);
    keying(keysOf(entries, 'salt', memo))?.keyOf({ kind: 'other', posts: [a, c] });
    keying(keysOf(entries, 'salt', memo))?.keyOf({ kind: 'other', posts: [a, c] });
    const keys = keysOf(entries, 'salt', memo);
    keying(keys)?.keyOf(list);
    expect(keys.lookups()).toBe(2);
  });
});
