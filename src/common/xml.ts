/** Helpers shared by the XML serializers. */

/**
 * Every character XML 1.0 forbids (global, for replacing): C0 controls other than tab/LF/CR, lone surrogates,
 * U+FFFE and U+FFFF. The one definition: sources.ts and frontmatter.ts warn about and remove the same set.
 */
export const FORBIDDEN_IN_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
/** The same, for testing and finding the first one. */
export const HAS_FORBIDDEN_IN_XML = new RegExp(FORBIDDEN_IN_XML.source, 'u');
// A cheap test that is true for every string FORBIDDEN_IN_XML matches (and for well-formed surrogate pairs, which it
// leaves alone): a Unicode-mode scan of every feed's HTML costs seconds on a large site, this one milliseconds.
const MAYBE_FORBIDDEN = /[\0-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** Whether `text` has a character XML 1.0 forbids (the cheap test first: almost no text has any). */
export function hasForbiddenInXml(text: string): boolean {
  return MAYBE_FORBIDDEN.test(text) && HAS_FORBIDDEN_IN_XML.test(text);
}

/** Remove characters XML 1.0 cannot carry. */
export function xmlSafe(text: string): string {
  return MAYBE_FORBIDDEN.test(text) ? text.replace(FORBIDDEN_IN_XML, '') : text;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

const SPECIAL = /[&<>"']/;

/** Escape for element text and attribute values alike (so `]]>` and quotes are always safe). */
export function esc(text: string): string {
  return escSafe(xmlSafe(text));
}

/** `esc` for text known to hold no character XML forbids (a post's HTML: see Post.html). */
export function escSafe(text: string): string {
  return SPECIAL.test(text) ? text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c) : text;
}

/**
 * Escape plain text with hexadecimal character references (`&#x26;`, `&#x3C;`, `&#x3E;`), as the RSS Best
 * Practices Profile asks for RSS's plain-text elements: aggregators disagree on whether `&amp;` and `&lt;` there
 * are text or HTML, but read the hexadecimal form as text (the W3C validator warns about anything else).
 */
export function escHex(text: string): string {
  return xmlSafe(text).replace(/[&<>]/g, (c) => `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`);
}

/** Plain text as HTML text (for fields that are HTML, such as RSS's item `description`); XML escaping still follows. */
export function htmlText(text: string): string {
  return text.replace(/[&<>]/g, (c) => ESCAPES[c] ?? c);
}

/** `<name attrs>escaped text</name>` */
export function el(name: string, text: string, attrs: Record<string, string> = {}, escape: (text: string) => string = esc): string {
  return `<${name}${attributes(attrs)}>${escape(text)}</${name}>`;
}

/** Attribute list with a leading space, values escaped. */
export function attributes(attrs: Record<string, string>): string {
  return Object.entries(attrs).map(([k, v]) => ` ${k}="${esc(v)}"`).join('');
}

/** Wrap in CDATA, splitting any `]]>` so it cannot end the section early. */
export function cdata(text: string): string {
  return cdataSafe(xmlSafe(text));
}

/** `cdata` for text known to hold no character XML forbids (a post's HTML: see Post.html). */
export function cdataSafe(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

/**
 * An upper bound of the UTF-8 bytes `html` takes as a feed item's content in any format: CDATA in RSS (a `]]>`
 * split adds 12 bytes), escaped text in Atom (`&` +4, `<` `>` +3, quotes +5), a JSON string (`"` `\` and line
 * breaks +1). Each character is counted at its largest expansion, so the sum bounds every format's. Archives are
 * closed by bytes with it (feeds/budget.ts); kept with the post, so that never needs the HTML again.
 */
export function feedContentBytes(html: string): number {
  let extra = 0;
  for (let i = 0; i < html.length; i++) {
    const c = html.charCodeAt(i);
    if (c === 0x26) extra += 4;
    else if (c === 0x3c) extra += 3;
    else if (c === 0x3e) extra += html.charCodeAt(i - 1) === 0x5d && html.charCodeAt(i - 2) === 0x5d ? 12 : 3;
    else if (c === 0x22 || c === 0x27) extra += 5;
    else if (c === 0x5c || c === 0x0a || c === 0x0d || c === 0x09) extra += 1;
    else if (c < 0x20) extra += 5;
  }
  return Buffer.byteLength(html) + extra;
}
