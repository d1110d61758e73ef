import { posix } from 'node:path';
import { absoluteUrl } from './html.js';
import type { MarkdownLink } from './markdown.js';
import { cleanUrl } from './safe-markdown.js';

/**
 * The per-post half of links between posts and of the broken-link check (the site stage's half is site-links.ts).
 *
 * While a post is rendered, every Markdown link and image is read from marked's tokens, and every `<a href>`,
 * `<img src>`, `<source src>`, `<video src poster>`, `<audio src>` and `srcset` URL (`<img>`, `<source>`) of its raw
 * HTML from the html tokens (read with
 * htmlparser2; code spans and blocks are no html tokens, so what they show is not read), and those that point
 * into the site (their absolute URL starts with the site's URL) are kept with the post, with where they are written
 * (a raw HTML attribute: where its value is). Nothing else about them is decided here: which post a link to a Markdown file means, and whether the
 * build writes anything at a URL, are only known once every post is listed, so the site stage decides both on every
 * build, cached posts included.
 */

/** A link or image in a post's body that points into the site. */
export interface BodyLink {
  /** Its URL exactly as the post's HTML has it: absolute, resolved against the post's own URL. */
  readonly url: string;
  /** Where it is written in the source file (1-based). */
  readonly line: number;
  readonly column: number;
  /** An image (`![…](…)`, `<img src>` and `srcset`, `<video poster>`) rather than a link (or a media file). */
  readonly image?: true;
  /**
   * For a relative link to a Markdown file (`../2024-01-20-second.md`, `second/index.md#part`): that file's path as
   * the posts are listed (`posts/2024-01-20-second.md`), resolved from the linking post's own file (a Zola internal
   * link, `@/blog/second.md`, from the `content` folder above it).
   */
  readonly file?: string;
}

const MARKDOWN_FILE = /\.(?:md|markdown)$/i;
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const REFERENCE = /&(?:#\d{1,7}|#[Xx][a-fA-F0-9]{1,6}|\w+);/;

/** Where a post's body starts, and which file and URL it belongs to. */
export interface LinkContext {
  /** The post's file as listed (`posts/a.md`), with `/` separators. */
  readonly source: string;
  readonly body: string;
  /** 1-based line of the file on which `body` starts. */
  readonly bodyLine: number;
  /** The post's absolute URL: relative links resolve against it, as in the HTML. */
  readonly postUrl: string;
  /** The site's URL (with its trailing `/`). */
  readonly siteUrl: string;
}

/** The links and images of `links` (document order) that point into the site, with their positions. */
export function siteLinks(links: readonly MarkdownLink[], context: LinkContext): BodyLink[] {
  const out: BodyLink[] = [];
  if (links.length === 0) return out;
  const base = new URL(context.postUrl);
  const site = context.siteUrl;
  const origin = new URL(site).origin.toLowerCase();
  const where = positions(context.body, context.bodyLine);
  for (const link of links) {
    // Raw HTML's value is the browser's already (references decoded), and the HTML has it as it is, made absolute
    // (html.ts `finishHtml`); marked's destinations are percent-encoded first, as its renderer writes them.
    const cleaned = link.html ? link.href : cleanUrl(link.href);
    if (cleaned === null) continue;
    const trimmed = cleaned.trim();
    // marked leaves character references in a destination for the browser to decode (`a&amp;b.png` is `a&b.png`):
    // rare enough to leave unchecked rather than decode HTML here.
    if (!link.html && REFERENCE.test(trimmed)) continue;
    // An absolute URL elsewhere (most links) is left alone without parsing it.
    if (HAS_SCHEME.test(trimmed) && !trimmed.slice(0, origin.length).toLowerCase().startsWith(origin)) continue;
    const url = absoluteUrl(cleaned, base);
    let normal: string;
    try {
      normal = new URL(url).href;
    } catch {
      continue;
    }
    if (!normal.startsWith(site)) continue;
    const path = trimmed.split(/[?#]/, 1)[0] ?? '';
    let file: string | undefined;
    if (!HAS_SCHEME.test(trimmed) && !trimmed.startsWith('/') && MARKDOWN_FILE.test(path)) {
      const decoded = safeDecode(path);
      if (decoded !== undefined) file = posix.normalize(posix.join(zolaRoot(decoded, context.source) ?? posix.dirname(context.source), decoded.replace(ZOLA_LINK, ''))).normalize('NFC');
    }
    out.push({ url, ...where(link), ...(link.image && { image: true as const }), ...(file !== undefined && { file }) });
  }
  return out;
}

/**
 * Finds each link's line and column: its source text is searched in the body from just after where the previous link
 * was found (links come in document order; a link's own text contains the images inside it, so the search goes on
 * from the link's start, not its end). Text marked rewrote (a link broken over lines inside a block quote) is looked for by its
 * destination instead, and failing that the previous position stands. A raw HTML attribute is at its value, in the
 * piece of raw HTML it is in (found once for all the links in it); when marked rewrote that piece, the value as
 * written is looked for instead.
 */
function positions(body: string, bodyLine: number): (link: MarkdownLink) => { line: number; column: number } {
  let cursor = 0;
  let line = bodyLine;
  let lineStart = 0;
  // The raw HTML piece found last: its number, and where it starts in the body (-1: not found as it is).
  let piece = -1;
  let pieceAt = -1;
  return (link) => {
    let found: number;
    if (link.html) {
      if (link.html.piece !== piece) {
        piece = link.html.piece;
        pieceAt = body.indexOf(link.raw, cursor);
      }
      found = pieceAt >= 0 ? pieceAt + link.html.offset : link.html.written === '' ? -1 : body.indexOf(link.html.written, cursor);
      if (found < cursor) found = -1;
    } else {
      found = body.indexOf(link.raw, cursor);
      if (found < 0 && link.href !== '') found = body.indexOf(link.href, cursor);
    }
    if (found < 0) return { line, column: Math.max(1, cursor - lineStart) };
    for (let i = body.indexOf('\n', cursor); i >= 0 && i < found; i = body.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    // Just past its start: the next link may be the same text again, or an image inside this one.
    cursor = found + 1;
    return { line, column: found - lineStart + 1 };
  };
}

const ZOLA_LINK = /^@\//;

/**
 * Zola's internal links (`@/blog/second.md`, `@/blog/trip/index.md#day-2`) name a file from the site's `content`
 * folder: that folder as the post's file is listed (`content/blog/first.md` → `content`), or undefined for any other
 * link, or when the post is not below a folder so named (a posts folder moved elsewhere).
 */
function zolaRoot(path: string, source: string): string | undefined {
  if (!ZOLA_LINK.test(path)) return undefined;
  const parts = source.split('/');
  const at = parts.lastIndexOf('content', parts.length - 2);
  return at < 0 ? undefined : parts.slice(0, at + 1).join('/');
}

function safeDecode(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}
