import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { diagnostic, type Diagnostic } from '../common/diagnostics.js';
import type { PostKeys } from '../engine/fingerprint.js';
import type { BodyLink } from '../post/links.js';
import type { Post } from '../post/post.js';
import { feedContentBytes } from '../common/xml.js';

/**
 * The site stage's half of links between posts and of the broken-link check (the per-post half is body-links.ts).
 *
 * **Links between posts.** A post links another by its source file (`../2024-01-20-second.md`,
 * `second/index.md#part`). The post's HTML, rendered in a worker and perhaps cached, has that link made absolute like
 * any other (`https://…/posts/2024-01-20-second.md`), and the post records it (`Post.links`). Here, on every build,
 * with every post listed, each recorded link to a Markdown file is matched to a post: first as a path from the
 * linking file's folder (as GitHub and editors read it), then as the URL the page would resolve it to
 * (`posts/<file>` under the site). A match is put in place in the HTML by replacing the exact start of the tag the
 * renderer wrote, `<a href="<recorded URL>"`, with the target's permalink (the fragment kept). That text cannot
 * come from anything else in the HTML: text and attribute values have `<` escaped, so `<a href="` only starts a
 * real tag (raw HTML written as `<a href="…">` with the very same URL means the same link, and is treated the same).
 * The replacement is lazy (a cached post's HTML is read only if an output that carries it is written), and the
 * post's output key takes in the permalinks it now points to, so renaming a linked post rewrites the pages and
 * feeds of the posts that link it, even when those come from the cache.
 *
 * **Broken links.** After the outputs are listed, every recorded link and image of a published post (after the
 * replacement above) must point at something the build writes: an output path, or a folder with an `index.html`.
 * Anything else is a `broken-link` warning at its line (an error under `--strict`). Links outside the site's URL are
 * never checked, nor fetched.
 */

const MARKDOWN_URL = /\.(?:md|markdown)(?:[?#]|$)/i;

/** What links between posts resolve to: every listed post, by its file, and where the posts folder is shown. */
export class PostLinks {
  private readonly byFile = new Map<string, Post>();

  /**
   * @param posts every post that was read (published or not: a link to a draft is resolved, then reported as broken
   *   when the draft is not published)
   * @param postsDir the posts folder as files are shown (`posts`), which is also where `posts/<file>` URLs point
   */
  constructor(posts: readonly Post[], private readonly postsDir: string, private readonly siteUrl: string) {
    for (const post of posts) this.byFile.set(posix.normalize(post.source.normalize('NFC')), post);
  }

  /** The post a recorded link means, if it links to a post's Markdown file. */
  target(link: BodyLink): Post | undefined {
    if (link.file !== undefined) {
      const found = this.byFile.get(link.file);
      if (found) return found;
    }
    // As the browser would read it from the post's page: `/posts/second.md` is the file `second.md` of the folder.
    if (!MARKDOWN_URL.test(link.url)) return undefined;
    const path = sitePath(link.url, this.siteUrl);
    if (path === undefined || !/\.(?:md|markdown)$/i.test(path) || !path.startsWith('posts/')) return undefined;
    const rest = path.slice('posts/'.length);
    return this.byFile.get(posix.normalize(posix.join(this.postsDir, rest)));
  }

  /** Where a recorded link points once links to posts are resolved. */
  resolved(link: BodyLink): string {
    const target = this.target(link);
    if (!target) return link.url;
    const hash = link.url.indexOf('#');
    return hash < 0 ? target.url : target.url + link.url.slice(hash);
  }

  /**
   * `posts` with every link to another post's file pointing at that post's permalink (the same objects where there
   * is none), and keys (for incremental writes) that take the permalinks in.
   */
  relink(posts: readonly Post[], keys?: PostKeys): { posts: Post[]; keys?: PostKeys } {
    const postKeys = keys && new Map(keys.posts);
    const metaKeys = keys && new Map(keys.meta);
    const out = posts.map((post) => {
      const changes = new Map<string, string>();
      // (each recorded link was written once: the bound on the HTML's size grows by each one's change)
      let bytes = post.contentBytes;
      for (const link of post.links ?? []) {
        const to = this.resolved(link);
        if (to === link.url) continue;
        changes.set(link.url, to);
        bytes += Math.max(0, feedContentBytes(attribute(to)) - feedContentBytes(attribute(link.url)));
      }
      if (changes.size === 0) return post;
      const relinked = withHtml(post, (html) => replaceLinks(html, changes), bytes);
      const key = keys?.posts.get(post);
      const meta = keys?.meta.get(post);
      if (postKeys && key !== undefined) {
        const hash = createHash('sha256').update(key);
        for (const [from, to] of changes) hash.update(`\0${from}\0${to}`);
        postKeys.set(relinked, hash.digest('hex').slice(0, 32));
      }
      if (metaKeys && meta !== undefined) metaKeys.set(relinked, meta);
      return relinked;
    });
    return { posts: out, ...(keys && postKeys && metaKeys && { keys: { ...keys, posts: postKeys, meta: metaKeys } }) };
  }

  /** A `broken-link` warning for every recorded link or image of `posts` that points at nothing in `written`. */
  check(posts: readonly Post[], written: ReadonlySet<string>): Diagnostic[] {
    const found: Diagnostic[] = [];
    // The path below the site of each URL that points at nothing written; null for those that are fine.
    const verdicts = new Map<string, string | null>();
    const verdict = (url: string): string | null => {
      let known = verdicts.get(url);
      if (known === undefined) {
        const path = sitePath(url, this.siteUrl);
        known = path === undefined || writes(written, path) ? null : path;
        verdicts.set(url, known);
      }
      return known;
    };
    for (const post of posts) {
      // One warning per broken URL and post, at its first use, however often it is repeated.
      const broken = new Map<string, { link: BodyLink; path: string; count: number }>();
      for (const link of post.links ?? []) {
        const url = this.resolved(link);
        const seen = broken.get(url);
        if (seen) {
          seen.count++;
          continue;
        }
        const path = verdict(url);
        if (path !== null) broken.set(url, { link, path, count: 1 });
      }
      for (const [url, { link, path, count }] of broken) {
        const target = this.target(link);
        const what = link.image ? 'image' : 'link';
        const why = target
          ? `the post ${target.source} it links to is not published (a draft, or dated in the future)`
          : /\.(?:md|markdown)$/i.test(path)
            ? `no post is the file ${link.file ?? path}`
            : 'the build writes nothing there';
        const again = count > 1 ? ` (here and ${count - 1} more time${count > 2 ? 's' : ''} in the post)` : '';
        found.push(diagnostic(post.source, 'warning', 'broken-link',
          `${what} to ${url}${again} points into the site, but ${why}; fix the ${link.image ? 'file name' : 'link'} or add what it points to`,
          { line: link.line, column: link.column }));
      }
    }
    return found;
  }
}

/** The path of `url` below the site's URL, percent-decoded, NFC, without query and fragment; undefined outside it. */
function sitePath(url: string, siteUrl: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  parsed.hash = '';
  parsed.search = '';
  const href = parsed.href;
  if (!href.startsWith(siteUrl)) return undefined;
  try {
    return decodeURIComponent(href.slice(siteUrl.length)).normalize('NFC');
  } catch {
    return href.slice(siteUrl.length);
  }
}

/** Whether the build writes `path` (a file, or a folder with its `index.html`, as static hosts serve them). */
function writes(written: ReadonlySet<string>, path: string): boolean {
  if (path === '' || path.endsWith('/')) return written.has(`${path}index.html`);
  return written.has(path) || written.has(`${path}/index.html`);
}

/** An attribute value as the renderers write it (safe-markdown.ts `literalAttribute`, and sanitize-html). */
function attribute(value: string): string {
  return value.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

/** `html` with each link tag to a key of `changes` pointing at its value instead (see the module comment). */
function replaceLinks(html: string, changes: ReadonlyMap<string, string>): string {
  let out = html;
  for (const [from, to] of changes) out = out.split(`<a href="${attribute(from)}"`).join(`<a href="${attribute(to)}"`);
  return out;
}

/** A copy of `post` whose HTML is `edit(post.html)`, made when first read (the original's is not read before). */
function withHtml(post: Post, edit: (html: string) => string, contentBytes: number): Post {
  const fields = Object.getOwnPropertyDescriptors(post) as Record<string, PropertyDescriptor>;
  delete fields.html;
  delete fields.contentBytes;
  let html: string | undefined;
  return Object.defineProperties({}, {
    ...fields,
    contentBytes: { value: contentBytes, enumerable: true },
    html: { enumerable: true, get: () => (html ??= edit(post.html)) },
  }) as Post;
}
