import { Marked, type MarkedOptions, type Token, type Tokens, type TokensList } from 'marked';
import { footnotes, lexMarkdown } from './footnotes.js';
import { isLoneComment, RawHtmlLinks, type ImageSizeLookup } from './html.js';
import { renderSafeHtml } from './safe-markdown.js';
import { findTemplateTag, type TemplateTag } from './template-tags.js';

/** What the Markdown stage produces for one post body. */
export interface RenderedMarkdown {
  /** The body's HTML: final when `finished`, else not yet sanitized nor made absolute (see `finishHtml`). */
  readonly html: string;
  /**
   * HTML of the part before `<!-- more -->`, or of the first paragraph that has text (not only images); empty
   * when there is neither. Footnote references are left out (their numbers are not part of the text).
   */
  readonly excerptHtml: string;
  /** True when `html` came from the fast route: safe, URLs absolute, image sizes added. */
  readonly finished: boolean;
  /**
   * Every Markdown link and image in the body, and every link, image and media file of its raw HTML (`<a href>`,
   * `<img src>`, …; not in code), in document order (for links.ts).
   */
  readonly links: readonly MarkdownLink[];
  /** The first template tag of another generator outside code (template-tags.ts), when there is one. */
  readonly templateTag?: TemplateTag;
}

/** A link or image as written in Markdown, or a URL attribute of raw HTML. */
export interface MarkdownLink {
  /**
   * Its destination as marked read it (a reference link's from its definition); in raw HTML, the attribute's value
   * as the browser reads it (character references decoded).
   */
  readonly href: string;
  /** Its source text, e.g. `[text](../a.md)`, or the piece of raw HTML it is in (for finding its line). */
  readonly raw: string;
  readonly image: boolean;
  /** Present for raw HTML: where in `raw` the value is written, and which piece of the body's raw HTML `raw` is. */
  readonly html?: RawHtmlPosition;
}

/** Where a raw HTML attribute's value is written (see MarkdownLink). */
export interface RawHtmlPosition {
  /** The piece's number among the body's raw HTML pieces (links in one piece share its place in the body). */
  readonly piece: number;
  /** Where the value starts in the piece. */
  readonly offset: number;
  /** The value as written (character references not decoded). */
  readonly written: string;
}

/** Where the body's links point from, for the fast route (safe-markdown.ts). */
export interface FinishOptions {
  /** The post's absolute URL. */
  readonly base: string;
  readonly sizes: ImageSizeLookup;
}

// One configured instance: GitHub-flavoured Markdown (tables, task lists, strikethrough, autolinks, footnotes).
const marked = new Marked({ gfm: true, breaks: false, async: false }, ...footnotes);

// The excerpt is rendered with footnote references left out: "a claim1" is not the author's text.
const EXCERPT: MarkedOptions = {
  ...marked.defaults,
  extensions: marked.defaults.extensions && {
    ...marked.defaults.extensions,
    renderers: { ...marked.defaults.extensions.renderers, footnoteRef: () => '' },
  },
};

const MORE = /^<!--\s*more\s*-->$/;

/** Where the excerpt ends: at a post's own marker (Jekyll's `excerpt_separator`), or no excerpt at all (`none`: the post has a summary). */
export interface ExcerptOptions {
  readonly separator?: string;
  readonly none?: true;
}

/**
 * Render a post body once; the excerpt comes from the same tokens. With `finish`, a body without raw
 * HTML is rendered straight to its final, safe HTML (`finished`); otherwise `html` is marked's own output.
 */
export function renderMarkdown(body: string, finish?: FinishOptions, excerptOptions: ExcerptOptions = {}): RenderedMarkdown {
  const tokens = lexMarkdown(marked, body);
  // From the same tokens, and only for the few bodies with a brace pair at all.
  const tag = body.includes('{{') || body.includes('{%') ? findTemplateTag(tokens, body, (ts, visit) => { marked.walkTokens(ts, visit); }) : undefined;
  const templateTag = tag === undefined ? {} : { templateTag: tag };
  const safe = finish === undefined ? undefined : renderSafeHtml(tokens, finish.base, finish.sizes);
  const html = safe ?? marked.parser(tokens);
  // The marker is a top-level HTML block of its own, so one inside a code block does not count, and the
  // excerpt keeps the whole body's link reference definitions (they may come after the marker).
  // (a post's own marker, Jekyll's `excerpt_separator` such as `<!--break-->`, is taken the same way)
  const { separator } = excerptOptions;
  const isMarker = separator === undefined ? (raw: string) => MORE.test(raw) : (raw: string) => raw === separator;
  const more = excerptOptions.none ? -1 : tokens.findIndex((t: Token) => t.type === 'html' && isMarker(t.raw.trim()));
  const first = more >= 0 || excerptOptions.none ? undefined : tokens.find((t: Token) => t.type === 'paragraph' && hasText((t as Tokens.Paragraph).tokens));
  const excerpt = more >= 0 ? tokens.slice(0, more) : first ? [first] : [];
  const finished = safe !== undefined;
  const links: MarkdownLink[] = [];
  // Raw HTML is read piece by piece (html tokens; never code, which is no html token) by one HTML parser, so that
  // what one piece opens (a `<script>`, a comment) holds the next pieces as the whole page would.
  let rawHtml: RawHtmlLinks | undefined;
  const pieces: { readonly raw: string; readonly start: number }[] = [];
  let written = 0;
  // (walks footnote definitions too; their notes are rendered where the section is, but written where they stand)
  marked.walkTokens(tokens, (t) => {
    if (t.type === 'link' || t.type === 'image') links.push({ href: (t as Tokens.Link).href, raw: t.raw, image: t.type === 'image' });
    // (before any other raw HTML, a whole comment such as `<!-- more -->` leaves the parser as it was: most posts have
    // no other raw HTML, and need no parser)
    else if (t.type === 'html' && (rawHtml !== undefined || !isLoneComment(t.raw))) {
      rawHtml ??= new RawHtmlLinks();
      pieces.push({ raw: t.raw, start: written });
      written += t.raw.length;
      for (const found of rawHtml.write(t.raw)) {
        // (the piece its value starts in: this one, unless a tag was left open in an earlier piece)
        let piece = pieces.length - 1;
        while (piece > 0 && (pieces[piece]?.start ?? 0) > found.offset) piece--;
        const { raw, start } = pieces[piece] ?? { raw: t.raw, start: 0 };
        links.push({ href: found.value, raw, image: found.image, html: { piece, offset: found.offset - start, written: found.written } });
      }
    }
  });
  if (excerpt.length === 0) return { html, excerptHtml: '', finished, links, ...templateTag };
  return { html, excerptHtml: marked.parser(Object.assign(excerpt, { links: tokens.links }) as TokensList, EXCERPT), finished, links, ...templateTag };
}

/**
 * Whether inline tokens show any text: an image's description, raw HTML and footnote references do not count, so
 * a paragraph that is only an image (or a badge row) is not taken for the summary.
 */
function hasText(tokens: readonly Token[] | undefined): boolean {
  if (!tokens) return false;
  for (const t of tokens) {
    if (t.type === 'image' || t.type === 'html' || t.type === 'footnoteRef' || t.type === 'br') continue;
    if ('tokens' in t && t.tokens && t.type !== 'text' && t.type !== 'escape' && t.type !== 'codespan') {
      if (hasText(t.tokens)) return true;
    } else if ('text' in t && typeof t.text === 'string' && /\S/.test(t.text)) {
      return true;
    }
  }
  return false;
}
