import { XMLValidator } from 'fast-xml-parser';

// XML 1.0 `Char`: what a well-formed document may contain, literally or as a character reference.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/**
 * Why `xml` is not well-formed XML 1.0, or undefined. fast-xml-parser's validator checks the structure but
 * lets control characters through, which strict parsers (libxml2, browsers, most feed readers) reject, so
 * the `Char` production is checked here as well, for raw characters and for character references.
 */
export function xmlProblem(xml: string): string | undefined {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return `${valid.err.code} at ${valid.err.line}:${valid.err.col}: ${valid.err.msg}`;
  const raw = NOT_XML_CHAR.exec(xml);
  if (raw) return `character U+${(raw[0].codePointAt(0) ?? 0).toString(16).padStart(4, '0')} at offset ${raw.index}`;
  const outsideCdata = xml.replace(/<!\[CDATA\[[^]*?\]\]>/g, '');
  for (const m of outsideCdata.matchAll(/&#(x[0-9a-fA-F]+|[0-9]+);/g)) {
    const ref = m[1] ?? '';
    const cp = ref.startsWith('x') ? parseInt(ref.slice(1), 16) : Number(ref);
    if (cp > 0x10ffff || NOT_XML_CHAR.test(String.fromCodePoint(cp))) return `character reference ${m[0]}`;
  }
  return undefined;
}
