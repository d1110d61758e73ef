import type { Marked, MarkedExtension, RendererThis, Token, TokensList } from 'marked';
import markedFootnote, { type Footnote, type FootnoteRef, type Footnotes } from 'marked-footnote';
import { isLoneComment } from './html.js';

/**
 * GitHub-flavoured footnotes (`text[^1]` … `[^1]: Ibid.`), read by marked-footnote and written as GitHub writes
 * them: a superscript number linking to the note, and at the end of the post a `section.footnotes` with an
 * ordered list of notes, each with a link back to every place it is referred from.
 *
 * marked-footnote keeps state between documents (a counter and a flag it resets in its `walkTokens` hook and its
 * renderer), and renders labels unescaped into ids and attributes. So this module lexes with it but owns the rest:
 * `lexMarkdown` settles its state after every document (even one that failed), numbers the notes from the tokens
 * alone (in order of first reference, from 1), and the renderers below write ids made of those numbers only
 * (`footnote-2`, `footnote-ref-2`, `footnote-ref-2-3` for its third reference), so they are unique in the post and
 * never need escaping. The same renderers serve both render routes: with the URL of the post as `href` base in the
 * fast route (safe-markdown.ts), with bare fragments that the sanitizer makes absolute in the other; either way a
 * note's link in a feed is `<post URL>#footnote-1`, which lands on the post's page.
 */

/** Prefix of every footnote id, and of the `data-footnote-ref` / `data-footnote-backref` attributes. */
const PREFIX = 'footnote-';

const extension = markedFootnote({ prefixId: PREFIX, description: 'Footnotes' });

/** How a footnote link's fragment becomes its `href` (already escaped for an attribute value). */
export type FragmentHref = (fragment: string) => string;

/** The note's number, as settled by `lexMarkdown`. */
function numberOf(ref: FootnoteRef): string {
  return ref.id;
}

/** The superscript link to note `ref`. */
export function footnoteRefHtml(ref: FootnoteRef, href: FragmentHref): string {
  const n = numberOf(ref);
  const id = `${PREFIX}ref-${n}${ref.index > 0 ? `-${ref.index + 1}` : ''}`;
  return `<sup><a id="${id}" href="${href(`${PREFIX}${n}`)}" data-footnote-ref aria-describedby="${PREFIX}label">${n}</a></sup>`;
}

/** `tokens` without the HTML comments (and blank lines) that end them. */
function withoutTrailingComments(tokens: Token[]): Token[] {
  let end = tokens.length;
  while (end > 0) {
    const last = tokens[end - 1];
    if (last?.type !== 'space' && !(last?.type === 'html' && isLoneComment(last.raw))) break;
    end--;
  }
  return end === tokens.length ? tokens : tokens.slice(0, end);
}

/** The notes section; `render` renders a note's block tokens. Empty when no note is referred to. */
export function footnotesHtml(token: Footnotes, render: (tokens: Token[]) => string, href: FragmentHref): string {
  if (token.items.length === 0) return '';
  const items = token.items.map((note: Footnote, k) => {
    const n = String(k + 1);
    // (comments after a note's text are no part of it: the fast route never writes them and the sanitizer drops them,
    // so both routes put the back links in the same place)
    let content = render(withoutTrailingComments(note.content)).trimEnd();
    // The back links go inside the note's last paragraph when it ends with one (as GitHub does).
    const inParagraph = content.endsWith('</p>');
    if (inParagraph) content = content.slice(0, -'</p>'.length);
    const back = note.refs.map((_, i) => {
      const suffix = i > 0 ? `-${i + 1}` : '';
      return ` <a href="${href(`${PREFIX}ref-${n}${suffix}`)}" data-footnote-backref aria-label="Back to reference ${n}">↩${i > 0 ? `<sup>${i + 1}</sup>` : ''}</a>`;
    }).join('');
    return `<li id="${PREFIX}${n}">\n${content}${back}${inParagraph ? '</p>' : ''}\n</li>\n`;
  });
  return `<section class="footnotes" data-footnotes>\n<h2 id="${PREFIX}label" class="sr-only">Footnotes</h2>\n<ol>\n${items.join('')}</ol>\n</section>\n`;
}

/** Renderers for marked's own output (the route through the sanitizer): fragments stay relative. */
const relative: FragmentHref = (fragment) => `#${fragment}`;

/** marked-footnote with the renderers above in place of its own. */
export const footnotes: MarkedExtension[] = [
  { extensions: extension.extensions ?? [] },
  {
    extensions: [
      { name: 'footnoteRef', renderer: (token) => footnoteRefHtml(token as FootnoteRef, relative) },
      {
        name: 'footnotes',
        renderer(this: RendererThis, token) {
          return footnotesHtml(token as Footnotes, (tokens) => this.parser.parse(tokens), relative);
        },
      },
    ],
  },
];

const SETTLE: Token = { type: 'space', raw: '' };

/**
 * Lex a body with `marked` (which must use `footnotes`). The notes section, if any note is referred to, is the last
 * token; every reference carries its note's number as `id`.
 */
export function lexMarkdown(marked: Marked, body: string): TokensList {
  const settle = extension.walkTokens?.bind(marked);
  try {
    const tokens = marked.lexer(body);
    const first = tokens[0];
    // The hook moves the notes section from the front (where the tokenizer put it) to the end when it has notes.
    if (first && settle) settle(first);
    const last = tokens[tokens.length - 1];
    if (last?.type === 'footnotes') {
      (last as unknown as Footnotes).items.forEach((note, k) => {
        for (const ref of note.refs) ref.id = String(k + 1);
      });
    }
    return tokens;
  } finally {
    // Clears the "document has footnotes" flag, so the next document starts afresh even after a failure.
    settle?.(SETTLE);
  }
}
