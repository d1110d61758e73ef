import type { OutputOrigin } from '../output/write.js';
import type { Post } from '../post/post.js';

/**
 * Each post page's path and origin, kept between builds (`dev`) for as long as the post object lives: the same
 * strings as last time, whose hashes and internalized forms the write's records already have, rather than 10,000
 * new strings on every save that each later lookup by path hashes again.
 */
const pages = new WeakMap<Post, { readonly path: string; readonly origin: OutputOrigin }>();

export function pageOf(post: Post): { readonly path: string; readonly origin: OutputOrigin } {
  let page = pages.get(post);
  if (page === undefined) {
    page = { path: `${post.path}index.html`, origin: { what: `the page of ${post.source}`, file: post.source } };
    pages.set(post, page);
  }
  return page;
}
