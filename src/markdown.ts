import { Marked, type Token, type TokensList } from 'marked';
import type { ImageSizeLookup } from './html.js';
import { renderSafeHtml } from './safe-markdown.js';

/** What the Markdown stage produces for one post body. */
export interface RenderedMarkdown {
  /** The body's HTML: final when `finished`, else not yet sanitized nor made absolute (see `finishHtml`). */
  readonly html: string;
  /** HTML of the part before `<!-- more -->`, or of the first paragraph; empty when there is neither. */
  readonly excerptHtml: string;
  /** True when `html` came from the fast route: safe, URLs absolute, image sizes added. */
  readonly finished: boolean;
}

/** Where the body's links point from, for the fast route (safe-markdown.ts). */
export interface FinishOptions {
  /** The post's absolute URL. */
  readonly base: string;
  readonly sizes: ImageSizeLookup;
}

// One configured instance: GitHub-flavoured Markdown (tables, task lists, strikethrough, autolinks).
const marked = new Marked({ gfm: true, breaks: false, async: false });

const MORE = /^<!--\s*more\s*-->$/;

/**
 * Render a post body once; the excerpt comes from the same tokens. With `finish`, a body without raw
 * HTML is rendered straight to its final, safe HTML (`finished`); otherwise `html` is marked's own output.
 */
export function renderMarkdown(body: string, finish?: FinishOptions): RenderedMarkdown {
  const tokens = marked.lexer(body);
  const safe = finish === undefined ? undefined : renderSafeHtml(tokens, finish.base, finish.sizes);
  const html = safe ?? marked.parser(tokens);
  // The marker is a top-level HTML block of its own, so one inside a code block does not count, and the
  // excerpt keeps the whole body's link reference definitions (they may come after the marker).
  const more = tokens.findIndex((t: Token) => t.type === 'html' && MORE.test(t.raw.trim()));
  const excerpt = more >= 0 ? tokens.slice(0, more) : tokens.filter((t: Token) => t.type === 'paragraph').slice(0, 1);
  const finished = safe !== undefined;
  if (excerpt.length === 0) return { html, excerptHtml: '', finished };
  return { html, excerptHtml: marked.parser(Object.assign(excerpt, { links: tokens.links }) as TokensList), finished };
}
