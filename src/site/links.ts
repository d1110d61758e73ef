import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { diagnostic, type Diagnostic } from '../common/diagnostics.js';
import type { KeysByPost, PostKeys } from '../engine/fingerprint.js';
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
 * real tag (raw HTML's `<a href="…">`, recorded too, may have other attributes before `href`: see replaceLinks).
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
  private files: Map<string, Post> | undefined;

  /**
   * @param posts every post that was read (published or not: a link to a draft is resolved, then reported as broken
   *   when the draft is not published)
   * @param postsDir the posts folder as files are shown (`posts`), which is also where `posts/<file>` URLs point
   */
  constructor(private readonly posts: readonly Post[], private readonly postsDir: string, private readonly siteUrl: string) {}

  /** Every post by its file, normalized (listed when a link first may name a post: most builds have none). */
  private get byFile(): Map<string, Post> {
    if (!this.files) {
      this.files = new Map();
      for (const post of this.posts) this.files.set(normalFile(post.source), post);
    }
    return this.files;
  }

  /** The post a recorded link means, if it links to a post's Markdown file. */
  target(link: BodyLink): Post | undefined {
    if (link.file !== undefined) {
      const found = this.byFile.get(link.file);
      if (found) return found;
    }
    // As the browser would read it from the post's page: `/posts/second.md` is the file `second.md` of the folder.
    if (!MARKDOWN_URL.test(link.url)) return undefined;
    const path = sitePath(link.url, this.siteUrl)?.path;
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
    // (keys of relinked posts are kept beside the given ones, only when a post is relinked: most builds have no link
    // between posts)
    let postKeys: Map<Post, string> | undefined;
    let metaKeys: Map<Post, string> | undefined;
    const out = posts.map((post) => {
      if (!post.links || !mayLinkPosts(post.links)) return post;
      const changes = new Map<string, string>();
      // (each recorded link was written once: the bound on the HTML's size grows by each one's change)
      let bytes = post.contentBytes;
      for (const link of post.links) {
        const to = this.resolved(link);
        if (to === link.url) continue;
        changes.set(link.url, to);
        bytes += Math.max(0, feedContentBytes(attribute(to)) - feedContentBytes(attribute(link.url)));
      }
      if (changes.size === 0) return post;
      const relinked = relinkedPost(post, changes, bytes);
      if (!keys) return relinked;
      postKeys ??= new Map();
      metaKeys ??= new Map();
      const key = keys.posts.get(post);
      const meta = keys.meta.get(post);
      if (key !== undefined) {
        const hash = createHash('sha256').update(key);
        for (const [from, to] of changes) hash.update(`\0${from}\0${to}`);
        postKeys.set(relinked, hash.digest('hex').slice(0, 32));
      }
      if (meta !== undefined) metaKeys.set(relinked, meta);
      return relinked;
    });
    return { posts: out, ...(keys && { keys: postKeys && metaKeys ? { ...keys, posts: beside(postKeys, keys.posts), meta: beside(metaKeys, keys.meta) } : keys }) };
  }

  /**
   * A `broken-link` warning for every recorded link or image of `posts` that points at nothing in `written` (every
   * path the build writes, in its order). A post whose links are the ones the last check saw (the same list: the
   * caches keep it with the post), with the same written paths, gets the same warnings without checking them again.
   */
  check(posts: readonly Post[], written: readonly string[]): Diagnostic[] {
    let last = lastCheck;
    if (last?.siteUrl !== this.siteUrl || !sameStrings(last.written, written)) {
      last = { siteUrl: this.siteUrl, written, paths: new Set(written), found: new WeakMap() };
      lastCheck = last;
    }
    const found: Diagnostic[] = [];
    for (const post of posts) {
      if (!post.links) continue;
      // (a link to another post's file depends on the other posts too: those are looked at every time)
      const linksPosts = mayLinkPosts(post.links);
      const known = linksPosts ? undefined : last.found.get(post.links);
      if (known?.source === post.source) {
        found.push(...known.found);
        continue;
      }
      const mine = this.checkPost(post, last.paths, linksPosts);
      if (!linksPosts) last.found.set(post.links, { source: post.source, found: mine });
      found.push(...mine);
    }
    return found;
  }

  /** One post's `broken-link` warnings (see check); `linksPosts`: whether any of its links may link to a post. */
  private checkPost(post: Post, written: ReadonlySet<string>, linksPosts: boolean): readonly Diagnostic[] {
    // One warning per broken URL and post, at its first use, however often it is repeated.
    let broken: Map<string, { link: BodyLink; path: string; count: number }> | undefined;
    for (const link of post.links ?? []) {
      const url = linksPosts ? this.resolved(link) : link.url;
      const seen = broken?.get(url);
      if (seen) {
        seen.count++;
        continue;
      }
      const at = sitePath(url, this.siteUrl);
      if (at !== undefined && !writes(written, at)) (broken ??= new Map()).set(url, { link, path: at.path, count: 1 });
    }
    if (!broken) return NONE;
    const found: Diagnostic[] = [];
    for (const [url, { link, path, count }] of broken) {
      const target = linksPosts ? this.target(link) : undefined;
      const what = link.image ? 'image' : 'link';
      const why = target
        ? `the post ${target.source} it links to is not published (a draft, dated in the future or expired)`
        : /\.(?:md|markdown)$/i.test(path)
          ? `no post is the file ${link.file ?? path}`
          : 'the build writes nothing there';
      const again = count > 1 ? ` (here and ${count - 1} more time${count > 2 ? 's' : ''} in the post)` : '';
      found.push(diagnostic(post.source, 'warning', 'broken-link',
        `${what} to ${url}${again} points into the site, but ${why}; fix the ${link.image ? 'file name' : 'link'} or add what it points to`,
        { line: link.line, column: link.column }));
    }
    return found;
  }
}

const NONE: readonly Diagnostic[] = [];

/** Each post's file as links name it (NFC, normalized), by its file as listed; kept across builds, within a bound. */
const normalFiles = new Map<string, string>();
function normalFile(source: string): string {
  let normal = normalFiles.get(source);
  if (normal === undefined) {
    normal = posix.normalize(source.normalize('NFC'));
    if (normalFiles.size >= MAX_REMEMBERED) normalFiles.clear();
    normalFiles.set(source, normal);
  }
  return normal;
}

/**
 * What the last check was given and found, for the next one in the same process (`dev` checks every post again on
 * every save): the warnings of each post that links to no post, by its list of links.
 */
let lastCheck: {
  readonly siteUrl: string;
  readonly written: readonly string[];
  readonly paths: ReadonlySet<string>;
  readonly found: WeakMap<readonly BodyLink[], { readonly source: string; readonly found: readonly Diagnostic[] }>;
} | undefined;

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether any of a post's links may link to another post (see `target`), by the list (kept with the post between builds). */
const linkingPosts = new WeakMap<readonly BodyLink[], boolean>();
export function mayLinkPosts(links: readonly BodyLink[]): boolean {
  let known = linkingPosts.get(links);
  if (known === undefined) {
    known = links.some((link) => link.file !== undefined || MARKDOWN_URL.test(link.url));
    linkingPosts.set(links, known);
  }
  return known;
}

/** Where a URL points below the site (see `sitePath`), with the file a folder is served from. */
interface SitePath {
  /** The path below the site's URL, percent-decoded, NFC, without query and fragment. */
  readonly path: string;
  /** The file a static host serves for it as a folder: `<path>index.html` or `<path>/index.html`. */
  readonly page: string;
  /** Whether `path` can itself be a file (it is not the site's root nor ends with `/`). */
  readonly file: boolean;
}

/**
 * What `sitePath` found for each URL: parsing URLs is most of the cost of checking links, and the same process
 * (`dev`) checks the same links again on every save. For one site URL at a time, and cleared when it grows past
 * a bound (null: outside the site).
 */
const MAX_REMEMBERED = 200_000;
let remembered: { siteUrl: string; paths: Map<string, SitePath | null> } = { siteUrl: '', paths: new Map() };

/** Where `url` points below the site's URL (see SitePath); undefined outside it. */
function sitePath(url: string, siteUrl: string): SitePath | undefined {
  if (remembered.siteUrl !== siteUrl) remembered = { siteUrl, paths: new Map() };
  const known = remembered.paths.get(url);
  if (known !== undefined) return known ?? undefined;
  const path = pathBelow(url, siteUrl);
  const found = path === undefined ? null
    : path === '' || path.endsWith('/') ? { path, page: `${path}index.html`, file: false } : { path, page: `${path}/index.html`, file: true };
  if (remembered.paths.size >= MAX_REMEMBERED) remembered.paths.clear();
  remembered.paths.set(url, found);
  return found ?? undefined;
}

/** The path of `url` below the site's URL, percent-decoded, NFC, without query and fragment; undefined outside it. */
function pathBelow(url: string, siteUrl: string): string | undefined {
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

/** Whether the build writes `at` (a file, or a folder with its `index.html`, as static hosts serve them). */
function writes(written: ReadonlySet<string>, at: SitePath): boolean {
  return (at.file && written.has(at.path)) || written.has(at.page);
}

/** An attribute value as the renderers write it (safe-markdown.ts `literalAttribute`, and sanitize-html). */
function attribute(value: string): string {
  return value.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

/**
 * `html` with each link tag to a key of `changes` pointing at its value instead (see the module comment). Markdown's
 * links start `<a href="`; raw HTML's may have attributes before `href` (`<a title="…" href="…"`), each written by
 * the serializer as ` name` or ` name="value"` with `"`, `<` and `>` escaped in the value, so the pattern cannot
 * match across a tag's end nor inside a value or text.
 */
function replaceLinks(html: string, changes: ReadonlyMap<string, string>): string {
  let out = html;
  for (const [from, to] of changes) {
    const href = `href="${attribute(to)}"`;
    out = out.replace(new RegExp(`<a((?: [^\\s"'<>/=]+(?:="[^"<>]*")?)*?) href="${escapeRegExp(attribute(from))}"`, 'g'), (_all, before: string) => `<a${before} ${href}`);
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What relinking changed in a post (see PostLinks.relink): each recorded link's URL and its permalink, and its HTML's bound. */
export interface Relinked {
  readonly changes: readonly (readonly [from: string, to: string])[];
  readonly contentBytes: number;
}

const relinkedPosts = new WeakMap<Post, Relinked>();

/** What relinking changed in a post `relink` gave (undefined for a post it left as it was). */
export function relinkOf(post: Post): Relinked | undefined {
  return relinkedPosts.get(post);
}

/**
 * `post` with each link to a key of `changes` pointing at its value, its HTML's bound `contentBytes` (PostLinks.relink
 * works them out; the patch of a build, cli/patch.ts, applies what an earlier build worked out to the same post).
 */
export function relinkedPost(post: Post, changes: ReadonlyMap<string, string>, contentBytes: number): Post {
  const relinked = withHtml(post, (html) => replaceLinks(html, changes), contentBytes);
  relinkedPosts.set(relinked, { changes: [...changes], contentBytes });
  return relinked;
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

/** The keys in `added`, and for every other post those of `given`. */
function beside(added: ReadonlyMap<Post, string>, given: KeysByPost): KeysByPost {
  return { get: (post) => added.get(post) ?? given.get(post) };
}
