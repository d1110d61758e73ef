import type { Token } from 'marked';

/**
 * Template tags of other generators left in a post's body: Liquid (`{% post_url x %}`, `{{ site.url }}`; Jekyll),
 * Nunjucks (`{% image "a.jpg" %}`; Eleventy), Hugo shortcodes (`{{< figure src="x" >}}`, `{{% note %}}`) and Zola
 * shortcodes (`{{ youtube(id="x") }}`, `{% note() %}`). feedwright runs no templates, so such a tag reaches readers
 * as written; the post stage warns once per post, at the first one (`template-tag`).
 *
 * What counts, and what does not (tests/unit/template-tags.test.ts):
 * - Code does not count: fenced and indented code blocks and code spans, found from marked's tokens (no Markdown
 *   scanner here), nor anything inside raw HTML `<code>`, `<pre>`, `<kbd>`, `<samp>`, `<script>` and `<style>`
 *   elements, nor HTML comments (the sanitizer drops those). A backslash before a brace (`\{{ x }}`) keeps it too.
 * - Raw HTML otherwise counts, attributes included: `<img src="{{ site.baseurl }}/a.png">` is a broken image.
 * - `{%` must be followed by a name and closed by `%}`; `{{<` … `>}}` and `{{%` … `%}}` likewise: these may span
 *   lines (Hugo shortcodes often do), but not a blank line, and at most 400 characters. No tag holds a `{`.
 * - `{{` must be followed by a name or a quoted string (`{{ "/a.png" | relative_url }}`) and closed by `}}` on the
 *   same line: JSON or code in prose (a `{{` alone, `{{"a": 1}` never closed) does not count, nor `{{ 1 }}`.
 * - TeX between dollar signs (`$\frac{{a}}{b}$`, `$$ … $$`, as MathJax and KaTeX read them) does not count.
 * - `{% raw %}` is a tag like any other: it was only there to keep Jekyll from reading what it wraps.
 */

/** The first template tag of a body. */
export interface TemplateTag {
  /** Where it starts in the body (UTF-16 code units). */
  readonly offset: number;
  /** Its text as written (for the message: see `templateTagMessage`). */
  readonly text: string;
}

/** Walks tokens in document order, children after their parent (marked's `walkTokens`, with its extensions). */
export type TokenWalk = (tokens: Token[], visit: (token: Token) => void) => void;

/**
 * The tag syntaxes, in one expression so the first tag in the text wins:
 * a Hugo shortcode (`{{<`…`>}}`, `{{%`…`%}}`), a Liquid/Nunjucks/Zola tag (`{%`…`%}`), then an expression (`{{`…`}}`).
 * `\0` marks text that does not count (code, escapes: see `blankOut`); no tag runs across it. Nor does a tag hold a
 * `{`: each place a tag may start is then searched only up to the next brace, whatever the body (a tag is short).
 */
const TAG = new RegExp([
  /\{\{<(?:[^\n\0{]|\n(?![ \t>]*\n)){1,400}?>\}\}/.source,
  /\{\{%(?:[^\n\0{]|\n(?![ \t>]*\n)){1,400}?%\}\}/.source,
  /\{%-?[ \t\n]*[A-Za-z_](?:[^\n\0{]|\n(?![ \t>]*\n)){0,400}?%\}/.source,
  /\{\{[-~]?[ \t]*[A-Za-z_"'][^\n\0{]{0,300}?\}\}/.source,
].join('|'));
/** TeX math, which MathJax and KaTeX read between dollar signs. */
const MATH = /\$\$(?:(?!\n[ \t]*\n)[\s\S])*?\$\$|\$[^$\n]+\$/g;
/** Raw HTML that does not reach readers as text to read: comments, and code or scripts (closed or not). */
const HTML_EXCLUDED = /<!--[\s\S]*?(?:-->|$)|<(code|pre|kbd|samp|script|style)\b[\s\S]*?(?:<\/\1\s*>|$)/gi;
/** Where marked and its extensions keep child tokens (lists' items, tables' cells, footnotes' content). */
const PARENT_KEYS = ['tokens', 'items', 'header', 'rows', 'content'];
const INLINE_OPEN = /^<(code|pre|kbd|samp|script|style)\b/i;
const INLINE_CLOSE = /^<\/(code|pre|kbd|samp|script|style)\s*>/i;

/**
 * The first template tag in `body` outside code, from the body's tokens as marked lexed them (not lexed again).
 * Callers check first that the body has `{{` or `{%` at all: most have neither.
 */
export function findTemplateTag(tokens: readonly Token[], body: string, walk: TokenWalk): TemplateTag | undefined {
  // The body with what does not count blanked out, one top-level token at a time, then searched as a whole: a
  // Hugo shortcode's closing `>}}` alone on its line is a block quote of its own to marked.
  let text = '';
  let start = 0;
  for (const block of tokens) {
    // The notes section that footnotes.ts moves to the end repeats the notes, which are also tokens where written.
    if (block.type === 'footnotes') continue;
    // Top-level tokens follow one another in the body (it has no `\r`: read/sources.ts); should one not, it is found.
    const raw = block.raw;
    const at = body.startsWith(raw, start) ? start : body.indexOf(raw, start);
    if (at < 0) continue;
    // (a token without braces has no tag to hide: it is taken as it is, without walking it)
    text += body.slice(start, at) + (block.type === 'code' ? '\0'.repeat(raw.length) : raw.includes('{') || raw.includes('}') ? blankOut(raw, block, walk) : raw);
    start = at + raw.length;
  }
  text += body.slice(start);
  const found = TAG.exec(withoutMath(text));
  return found ? { offset: found.index, text: found[0] } : undefined;
}

/**
 * `region` (one top-level token's text) with what does not count replaced by `\0`, character for character, so
 * offsets stay those of the body. Every leaf token's text is looked for in the region, line by line, after the
 * previous one's (a nested token's text lacks its block quote's `>` or its list item's indent, but each of its
 * lines is still there, in order).
 */
function blankOut(region: string, block: Token, walk: TokenWalk): string {
  let out = '';
  let copied = 0;
  let cursor = 0;
  let inRawHtml = 0;
  const pass = (text: string, blank: boolean): void => {
    // Most leaves are one line (and most of a paragraph's text is one leaf): found at once.
    if (!text.includes('\n')) {
      const found = text === '' ? -1 : region.indexOf(text, cursor);
      if (found >= 0) {
        if (blank) mark(found, text.length);
        cursor = found + text.length;
      }
      return;
    }
    for (const line of text.split('\n')) pass(line, blank);
  };
  const mark = (from: number, length: number): void => {
    out += region.slice(copied, from) + '\0'.repeat(length);
    copied = from + length;
  };
  walk([block], (token) => {
    switch (token.type) {
      case 'code':
      case 'codespan':
      case 'escape':
        pass(token.raw, true);
        return;
      case 'html': {
        const raw = token.raw;
        if (token.block !== true) {
          // An inline tag alone: `<code>` … `</code>` around text in a paragraph.
          if (INLINE_OPEN.test(raw)) inRawHtml++;
          else if (INLINE_CLOSE.test(raw)) inRawHtml = Math.max(0, inRawHtml - 1);
        }
        let last = 0;
        for (const m of raw.matchAll(HTML_EXCLUDED)) {
          pass(raw.slice(last, m.index), false);
          pass(m[0], true);
          last = m.index + m[0].length;
        }
        pass(raw.slice(last), inRawHtml > 0);
        return;
      }
      default:
        // Leaves only: a parent's text is its children's (and a link's destination is in no leaf: it counts).
        if (!PARENT_KEYS.some((key) => Array.isArray((token as unknown as Record<string, unknown>)[key]))) pass(token.raw, inRawHtml > 0);
    }
  });
  return copied === 0 ? region : out + region.slice(copied);
}

function withoutMath(text: string): string {
  return text.includes('$') ? text.replace(MATH, (m) => '\0'.repeat(m.length)) : text;
}

/** Line and column in the file of `offset` in the body, which starts on line `bodyLine`. */
export function templateTagPosition(body: string, bodyLine: number, offset: number): { line: number; column: number } {
  let line = bodyLine;
  let lineStart = 0;
  for (let i = body.indexOf('\n'); i >= 0 && i < offset; i = body.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** Names of Liquid tags that only Jekyll (and its plugins) has. */
const JEKYLL_TAGS = new Set(['highlight', 'endhighlight', 'post_url', 'link', 'include', 'include_relative', 'seo', 'feed_meta', 'gist', 'avatar', 'github_edit_link', 'octicon', 'twitter', 'youtube']);
/** Liquid's own tags, also Jekyll's; Nunjucks has `raw` and `for` too. */
const LIQUID_TAGS = new Set(['raw', 'endraw', 'capture', 'endcapture', 'assign', 'unless', 'endunless', 'case', 'when', 'comment', 'endcomment', 'increment', 'decrement', 'cycle', 'tablerow', 'liquid', 'render', 'echo']);
/** Nunjucks tags that Liquid does not have (Eleventy). */
const NUNJUCKS_TAGS = new Set(['set', 'macro', 'endmacro', 'call', 'endcall', 'import', 'from', 'extends', 'block', 'endblock', 'filter', 'endfilter', 'image', 'renderTemplate', 'renderFile']);

/** Which generator a tag looks like it was written for. */
export function templateTagKind(tag: string): string {
  if (tag.startsWith('{{<') || tag.startsWith('{{%')) return 'a Hugo shortcode';
  const [, word = '', call] = /^\{[{%][-~]?\s*([A-Za-z_][\w.]*)(\()?/.exec(tag) ?? [];
  if (call !== undefined || (tag.startsWith('{%') && word === 'end')) return 'a Zola shortcode';
  if (tag.startsWith('{{')) {
    return /^(?:site|page|layout|jekyll|paginator)\./.test(word) || /\|\s*(?:relative_url|absolute_url|jsonify|markdownify)\b/.test(tag)
      ? 'a Liquid variable (Jekyll)' : 'a Liquid or Nunjucks variable (Jekyll, Eleventy)';
  }
  if (JEKYLL_TAGS.has(word) || LIQUID_TAGS.has(word)) return 'a Liquid tag (Jekyll)';
  if (NUNJUCKS_TAGS.has(word)) return 'a Nunjucks tag (Eleventy)';
  return 'a Liquid or Nunjucks tag (Jekyll, Eleventy)';
}

/** The warning's text for `tag`. */
export function templateTagMessage(tag: string): string {
  const kind = templateTagKind(tag);
  const [, name, argument = ''] = /^\{%-?\s*(\w+)\s*([\w+#.-]*)/.exec(tag) ?? [];
  const what = name === 'raw' || name === 'endraw'
    ? 'remove {% raw %} and {% endraw %} (they only kept Jekyll from reading what is between them)'
    : name === 'highlight'
      ? `write a fenced code block (\`\`\`${argument}) in place of {% highlight${argument && ` ${argument}`} %} … {% endhighlight %}`
      : 'replace it with what it stood for (a link, an image, the code), or put it in a code span (`…`) to show it as text';
  return `the body has ${kind}, ${shortTag(tag)}, which feedwright does not run: readers see it as written; ${what}`;
}

/** The tag on one line, at most about 60 characters: its start and its closing. */
function shortTag(tag: string): string {
  const flat = tag.replace(/\s+/g, ' ');
  const chars = Array.from(flat);
  if (chars.length <= 60) return flat;
  const closing = /(?:[-~]?%\}|[>%]\}\}|[-~]?\}\})$/.exec(flat)?.[0] ?? '';
  return `${chars.slice(0, 50).join('').trimEnd()}… ${closing}`;
}
