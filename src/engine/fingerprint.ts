import { createHash, hash } from 'node:crypto';
import type { Post } from '../post/post.js';
import type { KeyMemo } from './key-memo.js';

/**
 * Output fingerprints for incremental writes: a file's key is a hash of everything its contents are made from,
 * so a writer can skip a file whose key is unchanged. Whoever adds an output must key it by all of its inputs,
 * or leave the key out (then the file is always written).
 */
export interface PostKeys {
  /** Each post's cache key: its content, path, the resolved config and the tool's version. */
  readonly posts: KeysByPost;
  /**
   * Each post's fields but its HTML (see `metaKeyOf`): lists of posts (index, tag pages, sitemap) depend on these
   * only, so editing a post's body rewrites its page and feeds but not every list it is in.
   */
  readonly meta: KeysByPost;
  /** The resolved config and the tool's version, for outputs that may have no posts. */
  readonly salt: string;
  /**
   * What the cache remembers of each post's feed items between builds, by `${salt}\0${meta key}\0…` (see
   * feeds/budget.ts): the weights that split archives, so a rebuild need not serialize every item to know them.
   */
  readonly weights?: Map<string, number>;
  /** The last build's plan, when the cache keeps posts between builds (dev's): keys are taken from it (key-memo.ts). */
  readonly memo?: KeyMemo;
}

/**
 * A key of each post, by the post object: a map made for one build, or what a cache that keeps posts between builds
 * knows of every post it gave out (dev's, in memory: no map of 10,000 posts made on every save).
 */
export interface KeysByPost {
  get(post: Post): string | undefined;
}

/** The fingerprint of a post without its HTML (it must not read `html`: a cached post loads it when read). */
export function metaKeyOf(meta: Omit<Post, 'html'>): string {
  // (`contentBytes` is the HTML's size and `links` are in the HTML: only documents that carry the HTML depend on
  // them, and those use the full key)
  const { contentBytes: _size, links: _links, ...fields } = meta;
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex').slice(0, 32);
}

/**
 * What an output shows of each of its posts: all of it; its fields but not its HTML (`meta`: lists); or, in a
 * document of summaries, the fields of a post that has a summary and all of one that has none (it carries its HTML).
 */
export type Shown = 'posts' | 'meta' | 'summaries';

/**
 * Key of an output made from `posts` (in order) by the template called `kind`, or undefined without post keys.
 * `of: 'meta'` for outputs that show the posts' fields but not their HTML.
 */
export function postsKey(kind: string, posts: readonly Post[], keys: PostKeys | undefined, of: Shown = 'posts'): string | undefined {
  if (!keys) return undefined;
  // The same bytes as one hash update per post would take, hashed in one call: a rebuild of a big site keys
  // about 12,000 outputs over some 100,000 post keys, and a call into the hash per key cost more than the hashing.
  let text = `${keys.salt}\0${kind}`;
  for (const post of posts) {
    const key = keys[of === 'summaries' ? (post.summary !== undefined ? 'meta' : 'posts') : of].get(post);
    if (key === undefined) return undefined;
    text += `\0${key}`;
  }
  return hash('sha256', text).slice(0, 32);
}

/**
 * What a generated output file is made from, as the code that makes it declares it. The config, the tool and the
 * site's icon and logo are inputs of every output (they are in every key's salt); bundle and static files are
 * copies, keyed by the file they copy (read/static-files.ts, site/bundle-files.ts).
 */
export interface Inputs {
  /** The template, with its own arguments (a page's number and the number of pages, a feed document's fields). */
  readonly kind: string;
  /** The posts it shows, in order. */
  readonly posts: readonly Post[];
  /** What it shows of each post (see Shown): all of it (the default), its fields but not its HTML (lists), or summaries. */
  readonly of?: Shown;
}

/**
 * What the engine gives the code that makes outputs (build.ts, render): how a declared output is keyed, and the
 * feed item weights it remembers between builds (feeds/budget.ts). Undefined without a cache: nothing is keyed.
 */
export interface Keying {
  readonly keyOf: (inputs: Inputs) => string | undefined;
  readonly remembered?: RememberedWeights;
}

/** Feed item weights kept between builds (feeds/budget.ts): by post fields and config, and by post object when a memo is kept. */
export interface RememberedWeights {
  readonly weights: Map<string, number>;
  readonly nameOf: (post: Post) => string | undefined;
  /** Weights by post object, for documents of one variant (the memo's: see KeyMemo). */
  readonly byPost?: (variant: string) => WeakMap<Post, number>;
}

export function keying(keys: PostKeys | undefined): Keying | undefined {
  if (!keys) return undefined;
  const { weights, memo } = keys;
  memo?.begin(keys.salt);
  return {
    keyOf: memo ? (inputs) => {
      const of = inputs.of ?? 'posts';
      let key = memo.get(inputs.kind, of, inputs.posts);
      if (key === undefined) {
        key = postsKey(inputs.kind, inputs.posts, keys, of);
        if (key !== undefined) memo.set(inputs.kind, of, inputs.posts, key);
      }
      return key;
    } : (inputs) => postsKey(inputs.kind, inputs.posts, keys, inputs.of),
    ...(weights && {
      remembered: {
        weights, nameOf: (post: Post): string | undefined => {
          const meta = keys.meta.get(post);
          return meta === undefined ? undefined : `${keys.salt}\0${meta}`;
        },
        ...(memo && { byPost: (variant: string) => memo.weightsOf(variant) }),
      },
    }),
  };
}

/**
 * `keys` with one more input in the salt every output key starts from: something every output shows besides the
 * posts and the config (the icon's type and size), so a change to it rewrites them without rendering any post.
 */
export function withInput(keys: PostKeys, input: string): PostKeys {
  return { ...keys, salt: createHash('sha256').update(`${keys.salt}\0${input}`).digest('hex').slice(0, 32) };
}
