import { createHash } from 'node:crypto';
import type { FeedDoc } from '../feeds/doc.js';
import type { Post } from '../post/post.js';

/**
 * Output fingerprints for incremental writes: a file's key is a hash of everything its contents are made from,
 * so a writer can skip a file whose key is unchanged. Whoever adds an output must key it by all of its inputs,
 * or leave the key out (then the file is always written).
 */
export interface PostKeys {
  /** Each post's cache key: its content, path, the resolved config and the tool's version. */
  readonly posts: ReadonlyMap<Post, string>;
  /**
   * Each post's fields but its HTML (see `metaKeyOf`): lists of posts (index, tag pages, sitemap) depend on these
   * only, so editing a post's body rewrites its page and feeds but not every list it is in.
   */
  readonly meta: ReadonlyMap<Post, string>;
  /** The resolved config and the tool's version, for outputs that may have no posts. */
  readonly salt: string;
  /**
   * What the cache remembers of each post's feed items between builds, by `${salt}\0${meta key}\0…` (see
   * feeds/budget.ts): the weights that split archives, so a rebuild need not serialize every item to know them.
   */
  readonly weights?: Map<string, number>;
}

/** The fingerprint of a post without its HTML (it must not read `html`: a cached post loads it when read). */
export function metaKeyOf(meta: Omit<Post, 'html'>): string {
  // (`contentBytes` is the HTML's size and `links` are in the HTML: only documents that carry the HTML depend on
  // them, and those use the full key)
  const { contentBytes: _size, links: _links, ...fields } = meta;
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex').slice(0, 32);
}

/**
 * Key of an output made from `posts` (in order) by the template called `kind`, or undefined without post keys.
 * `of: 'meta'` for outputs that show the posts' fields but not their HTML.
 */
export function postsKey(
  kind: string, posts: readonly Post[], keys: PostKeys | undefined, of: 'posts' | 'meta' | ((post: Post) => 'posts' | 'meta') = 'posts',
): string | undefined {
  if (!keys) return undefined;
  const hash = createHash('sha256').update(`${keys.salt}\0${kind}`);
  for (const post of posts) {
    const key = keys[typeof of === 'function' ? of(post) : of].get(post);
    if (key === undefined) return undefined;
    hash.update(`\0${key}`);
  }
  return hash.digest('hex').slice(0, 32);
}

/**
 * Key of one format of a feed document: its own fields (history links, paths, dates) and its items (their fields
 * only, for a document of summaries: editing a post's body leaves those unchanged).
 */
export function docKey(doc: FeedDoc, format: string, keys: PostKeys | undefined): string | undefined {
  const { items, config: _config, ...rest } = doc; // (the config is in the salt)
  // (a post without a summary carries its HTML even there: see feeds/json.ts)
  const of = (post: Post): 'posts' | 'meta' => (doc.content === 'summary' && post.summary !== undefined ? 'meta' : 'posts');
  return postsKey(`${format}\0${JSON.stringify(rest)}`, items, keys, of);
}

/**
 * `keys` with one more input in the salt every output key starts from: something every output shows besides the
 * posts and the config (the icon's type and size), so a change to it rewrites them without rendering any post.
 */
export function withInput(keys: PostKeys, input: string): PostKeys {
  return { ...keys, salt: createHash('sha256').update(`${keys.salt}\0${input}`).digest('hex').slice(0, 32) };
}
