/** Helpers shared by the XML serializers. */

// Characters XML 1.0 forbids: C0 controls other than tab/LF/CR, lone surrogates, U+FFFE and U+FFFF.
const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Remove characters XML 1.0 cannot carry. */
export function xmlSafe(text: string): string {
  return text.replace(FORBIDDEN, '');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escape for element text and attribute values alike (so `]]>` and quotes are always safe). */
export function esc(text: string): string {
  return xmlSafe(text).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** `<name attrs>escaped text</name>` */
export function el(name: string, text: string, attrs: Record<string, string> = {}): string {
  return `<${name}${attributes(attrs)}>${esc(text)}</${name}>`;
}

/** Attribute list with a leading space, values escaped. */
export function attributes(attrs: Record<string, string>): string {
  return Object.entries(attrs).map(([k, v]) => ` ${k}="${esc(v)}"`).join('');
}

/** Wrap in CDATA, splitting any `]]>` so it cannot end the section early. */
export function cdata(text: string): string {
  return `<![CDATA[${xmlSafe(text).replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}
