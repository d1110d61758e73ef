import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { MemoryCache } from '../../src/engine/memory-cache.js';
import { resultKey, toolFingerprint } from '../../src/engine/cache.js';
import { metaKeyOf } from '../../src/engine/fingerprint.js';
import type { Post } from '../../src/post/post.js';

function postOf(slug: string, html: string): Post {
  return {
    source: `posts/${slug}.md`, slug, id: `https://example.org/posts/${slug}/`, url: `https://example.org/posts/${slug}/`, path: `posts/${slug}/`,
    title: slug, date: Date.UTC(2024, 0, 1), updated: Date.UTC(2024, 0, 1), tags: [], authors: [], html, contentBytes: html.length, draft: false,
  };
}

describe('MemoryCache (dev)', () => {
  it('gives the key resultKey gives, for each config in turn (what it keeps of keys is for one config)', () => {
    const cache = new MemoryCache();
    const expected = (hash: string, config: string): string => resultKey(toolFingerprint(), new Map(), hash, config);
    const a = JSON.stringify({ title: 'A' });
    const b = JSON.stringify({ title: 'B' });
    const hash = createHash('sha256').update('post').digest('hex');
    expect(cache.keyOf(hash, a)).toBe(expected(hash, a));
    expect(cache.keyOf(hash, b)).toBe(expected(hash, b));
    expect(cache.keyOf(hash, b)).not.toBe(cache.keyOf(hash, a));
    // (an equal config in another string, as each build's resolved config is)
    expect(cache.keyOf(hash, JSON.stringify({ title: 'A' }))).toBe(expected(hash, a));
    expect(cache.keyOf(`${hash}\0[]`, a)).toBe(expected(`${hash}\0[]`, a));
  });

  it('knows the key and fingerprint of every post it was given or gave out, and keeps only what the last build used', () => {
    const cache = new MemoryCache();
    const one = postOf('one', '<p>Café</p>');
    const two = postOf('two', '<p>Two</p>');
    cache.put('k1', { post: one, diagnostics: [] });
    cache.put('k2', { post: two, diagnostics: [] });
    const { html: _html, ...fields } = one;
    expect(cache.byPost.posts.get(one)).toBe('k1');
    expect(cache.byPost.meta.get(one)).toBe(metaKeyOf(fields));
    cache.settle();
    // The next build uses only k1: the post it gets keeps its HTML as bytes (another object), with the same keys.
    const again = cache.get('k1')?.post;
    expect(again).toBeDefined();
    expect(again).not.toBe(one);
    expect(again?.html).toBe('<p>Café</p>');
    expect(cache.byPost.posts.get(again as Post)).toBe('k1');
    expect(cache.byPost.meta.get(again as Post)).toBe(metaKeyOf(fields));
    expect(cache.byPost.posts.get(postOf('one', '<p>Café</p>'))).toBeUndefined();
    cache.settle();
    expect(cache.get('k2')).toBeUndefined();
    expect(cache.get('k1')?.post).toBe(again);
  });

  it("does not take a file's recorded hash when its change time moved (rewritten in place, its old mtime put back)", () => {
    const cache = new MemoryCache();
    const old = Date.UTC(2024, 0, 1);
    cache.remember('/blog/posts/a.md', [120, old, 7, old], 'hash-1');
    expect(cache.hashOf('/blog/posts/a.md', [120, old, 7, old])).toBe('hash-1');
    // Same size, mtime and inode (`cp -p` of a same-size file over it, or `touch -r`): only the change time tells.
    expect(cache.hashOf('/blog/posts/a.md', [120, old, 7, old + 5000])).toBeUndefined();
  });
});
