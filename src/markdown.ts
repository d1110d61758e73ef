import { Marked, type Token, type TokensList } from 'marked';

/** What the Markdown stage produces for one post body (HTML not yet sanitized or made absolute). */
export interface RenderedMarkdown {
  readonly html: string;
  /** HTML of the part before `<!-- more -->`, or of the first paragraph; empty when there is neither. */
  readonly excerptHtml: string;
}

// One configured instance: GitHub-flavoured Markdown (tables, task lists, strikethrough, autolinks).
const marked = new Marked({ gfm: true, breaks: false, async: false });

const MORE = /^<!--\s*more\s*-->$/;

/** Render a post body once; the excerpt comes from the same tokens. */
export function renderMarkdown(body: string): RenderedMarkdown {
  const tokens = marked.lexer(body);
  const html = marked.parser(tokens);
  // The marker is a top-level HTML block of its own, so one inside a code block does not count, and the
  // excerpt keeps the whole body's link reference definitions (they may come after the marker).
  const more = tokens.findIndex((t: Token) => t.type === 'html' && MORE.test(t.raw.trim()));
  const excerpt = more >= 0 ? tokens.slice(0, more) : tokens.filter((t: Token) => t.type === 'paragraph').slice(0, 1);
  if (excerpt.length === 0) return { html, excerptHtml: '' };
  return { html, excerptHtml: marked.parser(Object.assign(excerpt, { links: tokens.links }) as TokensList) };
}
