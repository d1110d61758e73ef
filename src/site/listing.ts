import type { Post } from '../post/post.js';

/**
 * Lists of posts on pages (the index, each tag's page) are cut into pages of `LIST_PAGE_SIZE`, newest first: a
 * blog with 10,000 posts would otherwise send every visitor a 4 MB index page. Page 1 is the list's own page
 * (`index.html`, `tags/<slug>/index.html`); page N is `page/N/index.html` below it. Like any newest-first
 * pagination, publishing a post moves every later post one place down, so those pages change.
 */
export const LIST_PAGE_SIZE = 100;

/** One page of a list of posts. */
export interface ListPage {
  /** 1 = the newest posts. */
  readonly number: number;
  readonly count: number;
  readonly posts: readonly Post[];
  /** How many posts come before this page's first one (for the list's numbering). */
  readonly offset: number;
  /** All the posts of the list. */
  readonly total: number;
}

/** The pages of a list (always at least one, possibly empty). */
export function listPages(posts: readonly Post[], size = LIST_PAGE_SIZE): ListPage[] {
  const count = Math.max(1, Math.ceil(posts.length / size));
  return Array.from({ length: count }, (_, i) => ({
    number: i + 1, count, offset: i * size, total: posts.length, posts: posts.slice(i * size, (i + 1) * size),
  }));
}

/** Path of page `n` of the list whose first page is `<dir>index.html` (`dir` '' for the site's index). */
export function listPagePath(dir: string, n: number): string {
  return n === 1 ? `${dir}index.html` : `${dir}page/${n}/index.html`;
}

/** URL of page `n` of a list whose first page is at `firstUrl` (a folder URL ending in `/`). */
export function listPageUrl(firstUrl: string, n: number): string {
  return n === 1 ? firstUrl : new URL(`page/${n}/`, firstUrl).href;
}
