import { Parser, Renderer, type MarkedOptions, type Token, type Tokens } from 'marked';
import type { FootnoteRef, Footnotes } from 'marked-footnote';
import { footnoteRefHtml, footnotesHtml, type FragmentHref } from './footnotes.js';
import { absoluteUrl, LONE_COMMENT, urlAllowed, type ImageSizeLookup } from './html.js';

/**
 * The fast route for post bodies without raw HTML. marked escapes every text and attribute it writes, so
 * its HTML for Markdown alone is safe by construction; what the sanitizer still did for such a post was to
 * make URLs absolute, drop URLs with unsafe schemes, add image sizes, and re-serialize. This renderer does
 * those things while writing, and writes what sanitize-html would have written (`<br />`, `checked`,
 * quotes unescaped in text), so the result is the same HTML without a second parse.
 *
 * It gives up, and the caller sanitizes marked's ordinary output instead, when the post has raw HTML
 * (anything but a plain comment such as `<!-- more -->`), or when marked would leave a character reference
 * in a URL (`[x](/a?b&copy;)`): the browser decodes those, so the URL to check is not the one written.
 * tests/fast-render.test.ts renders Markdown both ways and compares the parsed documents.
 */

// marked leaves these character references as written in text and attributes (its `escapeHtmlEntities`
// without `encode`); every other `&` is escaped. Keeping the same ones keeps the same document.
const REFERENCE = /&(?:#\d{1,7}|#[Xx][a-fA-F0-9]{1,6}|\w+);/;
const TEXT_SPECIAL = /[<>]|&(?!(?:#\d{1,7}|#[Xx][a-fA-F0-9]{1,6}|\w+);)/g;
const ATTRIBUTE_SPECIAL = /[<>"]|&(?!(?:#\d{1,7}|#[Xx][a-fA-F0-9]{1,6}|\w+);)/g;
const ALL_TEXT_SPECIAL = /[&<>]/g;
const ALL_ATTRIBUTE_SPECIAL = /[&<>"]/g;
const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
// Most text has none of these: testing first is cheaper than a replace that finds nothing.
const MAY_NEED_ESCAPE = /[&<>]/;
const escapeChar = (c: string): string => ESCAPES[c] ?? c;

/** Text as marked escapes it, but quotes left alone (as sanitize-html writes text). */
const text = (s: string): string => (MAY_NEED_ESCAPE.test(s) ? s.replace(TEXT_SPECIAL, escapeChar) : s);
/** An attribute value as marked escapes it, but `'` left alone (the value is in double quotes). */
const attribute = (s: string): string => s.replace(ATTRIBUTE_SPECIAL, escapeChar);
/** Literal text: every `&` escaped (code, autolink text). */
const literal = (s: string): string => (MAY_NEED_ESCAPE.test(s) ? s.replace(ALL_TEXT_SPECIAL, escapeChar) : s);
/** A literal attribute value (a URL we resolved ourselves). */
const literalAttribute = (s: string): string => s.replace(ALL_ATTRIBUTE_SPECIAL, escapeChar);

/** marked's `cleanUrl`: percent-encode the destination; null when it cannot be (a lone surrogate). */
export function cleanUrl(href: string): string | null {
  try {
    return encodeURI(href).replace(/%25/g, '%');
  } catch {
    return null;
  }
}

const NO_SIZES: ImageSizeLookup = new Map();

/**
 * Thrown (and caught in `renderSafeHtml`) where the post turns out to need the sanitizer after all: rendering
 * stops there, rather than finishing HTML that would be thrown away (marked then renders the post again, for
 * the sanitizer).
 */
const GIVE_UP = Symbol('give up the fast route');

function giveUp(): never {
  throw GIVE_UP;
}

/** marked's renderer with the sanitizer's output rules; one instance, set up for each body in turn. */
class SafeRenderer extends Renderer {
  base = new URL('http://localhost/');
  sizes: ImageSizeLookup = NO_SIZES;

  override html({ text: raw }: Tokens.HTML | Tokens.Tag): string {
    const comment = LONE_COMMENT.exec(raw);
    if (comment === null) giveUp();
    // The sanitizer drops comments and keeps the white space around them.
    return `${comment[1] ?? ''}${comment[2] ?? ''}`;
  }

  override code({ text: code, lang, escaped }: Tokens.Code): string {
    if (escaped) giveUp();
    const language = (lang ?? '').match(/^\S*/)?.[0];
    const body = code ? `${code.replace(/\n$/, '')}\n` : '';
    return language
      ? `<pre><code class="language-${attribute(language)}">${literal(body)}</code></pre>\n`
      : `<pre><code>${literal(body)}</code></pre>\n`;
  }

  override hr(): string {
    return '<hr />\n';
  }

  override checkbox({ checked }: Tokens.Checkbox): string {
    return checked ? '<input checked disabled type="checkbox" /> ' : '<input disabled type="checkbox" /> ';
  }

  override codespan({ text: code }: Tokens.Codespan): string {
    return `<code>${literal(code)}</code>`;
  }

  override br(): string {
    return '<br />';
  }

  override link({ href, title, text: label, tokens, autolink }: Tokens.Link): string {
    const inner = autolink ? literal(label) : this.parser.parseInline(tokens);
    const url = cleanUrl(href);
    if (url === null) return inner;
    // Outside autolinks marked keeps references in the URL, and HTML decodes them: leave that to the sanitizer.
    if (!autolink && REFERENCE.test(url)) giveUp();
    let out = `<a${this.url('a', 'href', absoluteUrl(url, this.base))}`;
    if (title) out += ` title="${attribute(title)}"`;
    return `${out}>${inner}</a>`;
  }

  override image({ href, title, text: alt, tokens }: Tokens.Image): string {
    const label = tokens ? this.parser.parseInline(tokens, this.parser.textRenderer) : alt;
    const url = cleanUrl(href);
    if (url === null) return text(label);
    if (REFERENCE.test(url)) giveUp();
    const src = absoluteUrl(url, this.base);
    let out = `<img${this.url('img', 'src', src)} alt="${attribute(label)}"`;
    if (title) out += ` title="${attribute(title)}"`;
    const size = this.sizes.get(src);
    if (size) out += ` width="${size.width}" height="${size.height}"`;
    return `${out} />`;
  }

  override text(token: Tokens.Text | Tokens.Escape): string {
    if ('tokens' in token && token.tokens) return this.parser.parseInline(token.tokens);
    // marked writes text as is after a raw <pre>, <script>, <style> or <textarea> tag, even one it only
    // wrote as an image's alt text (so no html token was rendered): the sanitizer must read that.
    if ('escaped' in token && token.escaped) giveUp();
    return text(token.text);
  }

  /** ` name="resolved"`, or nothing when the sanitizer would remove the attribute (empty or unsafe). */
  private url(tag: string, name: string, resolved: string): string {
    return resolved !== '' && urlAllowed(tag, resolved) ? ` ${name}="${literalAttribute(resolved)}"` : '';
  }
}

const renderer = new SafeRenderer();
/** A footnote link's `href`: the fragment on the post's own URL, as the sanitizer makes `#fragment` absolute. */
const fragmentHref: FragmentHref = (fragment) => literalAttribute(absoluteUrl(`#${fragment}`, renderer.base));
// Footnotes (footnotes.ts) with the same markup as marked's renderers write for the sanitizer, URLs made absolute.
const extensions: MarkedOptions['extensions'] = {
  childTokens: {},
  renderers: {
    footnote: () => '',
    footnoteRef: (token) => footnoteRefHtml(token as FootnoteRef, fragmentHref),
    footnotes: (token) => footnotesHtml(token as Footnotes, (tokens) => parser.parse(tokens), fragmentHref),
  },
};
const parser = new Parser({ gfm: true, breaks: false, async: false, renderer, extensions });

/**
 * Final HTML for `tokens` (from the Markdown lexer), with URLs absolute against `base` and known image
 * sizes added, as `finishHtml(marked's HTML, base, false, sizes)` would give it; or undefined when the
 * post needs the sanitizer (see above).
 */
export function renderSafeHtml(tokens: Token[], base: string, sizes: ImageSizeLookup): string | undefined {
  renderer.base = new URL(base);
  renderer.sizes = sizes;
  try {
    return parser.parse(tokens);
  } catch (error) {
    if (error === GIVE_UP) return undefined;
    throw error;
  } finally {
    renderer.sizes = NO_SIZES;
  }
}
