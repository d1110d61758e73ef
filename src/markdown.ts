import { Marked, type Token, type TokensList } from 'marked';

/** What the Markdown stage produces for one post body (HTML not yet sanitized or made absolute). */
export interface RenderedMarkdown {
  readonly html: string;
  /** HTML of the part before `<!-- more -->`, or of the first paragraph; empty when there is neither. */
  readonly excerptHtml: string;
}

// One configured instance: GitHub-flavoured Markdown (tables, task lists, strikethrough, autolinks).
const marked = new Marked({ gfm: true, breaks: false, async: false });

const MORE = /^[ \t]*<!--\s*more\s*-->[ \t]*$/m;

/** Render a post body once; the excerpt comes from the same tokens where possible. */
export function renderMarkdown(body: string): RenderedMarkdown {
  const tokens = marked.lexer(body);
  const html = marked.parser(tokens);
  const more = MORE.exec(body);
  if (more) return { html, excerptHtml: marked.parse(body.slice(0, more.index)) as string };
  const first = tokens.find((t: Token) => t.type === 'paragraph');
  if (!first) return { html, excerptHtml: '' };
  const single = Object.assign([first], { links: tokens.links }) as TokensList;
  return { html, excerptHtml: marked.parser(single) };
}
