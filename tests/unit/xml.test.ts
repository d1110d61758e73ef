import { XMLParser, XMLValidator } from 'fast-xml-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attributes, cdata, el, esc, escHex, htmlText, xmlSafe } from '../../src/common/xml.js';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, trimValues: false, processEntities: true, htmlEntities: true });
/** What an XML parser reads back from `<x a="...">...</x>`. */
function roundTrip(xml: string): unknown {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml).x;
}

// Any code point (lone surrogates and controls included), with the troublemakers over-represented.
const anyChar = fc.oneof(
  fc.constantFrom('&', '<', '>', '"', "'", ']]>', ']', '\r', '\u0001', '\uFFFE', '&amp;', '🎉'),
  fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp)),
);

const HOSTILE = `Tom & Jerry <b>"bold"</b> 'it's' ]]> &amp; &#x26; 🎉 שלום`;

describe('xml escaping', () => {
  it('escapes the five XML specials once, so a parser reads back exactly the text', () => {
    expect(esc(HOSTILE)).toBe('Tom &amp; Jerry &lt;b&gt;&quot;bold&quot;&lt;/b&gt; &apos;it&apos;s&apos; ]]&gt; &amp;amp; &amp;#x26; 🎉 שלום');
    expect(roundTrip(`<x>${esc(HOSTILE)}</x>`)).toBe(HOSTILE);
    expect(roundTrip(`<x${attributes({ a: HOSTILE })}/>`)).toEqual({ '@a': HOSTILE });
    expect(el('title', HOSTILE, { type: 'text' })).toBe(`<title type="text">${esc(HOSTILE)}</title>`);
  });

  it('escHex uses hexadecimal references for & < > (RSS profile) and reads back the same', () => {
    expect(escHex('Q&A: 1 < 2 > 0 "x" \'y\'')).toBe('Q&#x26;A: 1 &#x3C; 2 &#x3E; 0 "x" \'y\'');
    expect(roundTrip(`<x>${escHex(HOSTILE)}</x>`)).toBe(HOSTILE);
    expect(el('title', 'a & b', {}, escHex)).toBe('<title>a &#x26; b</title>');
  });

  it('htmlText turns plain text into HTML text (one layer), leaving quotes alone', () => {
    expect(htmlText('1 < 2 & "x" > 0')).toBe('1 &lt; 2 &amp; "x" &gt; 0');
  });

  it('removes characters XML 1.0 forbids, and nothing else', () => {
    expect(xmlSafe('a\u0000b\u0007c\u000Bd\u001Fe\uFFFEf\uFFFFg')).toBe('abcdefg');
    expect(xmlSafe('tab\tLF\nCR\r')).toBe('tab\tLF\nCR\r');
    expect(xmlSafe('lone \uD800 surrogate \uDC00')).toBe('lone  surrogate ');
    expect(xmlSafe('pair 🎉 𝒳 \u{10FFFF}')).toBe('pair 🎉 𝒳 \u{10FFFF}');
    expect(esc('a\u0001<')).toBe('a&lt;');
  });

  it('keeps "]]>" from ending a CDATA section', () => {
    const text = 'a ]]> b ]]]]> c ]]';
    const xml = `<x>${cdata(text)}</x>`;
    expect(xml).toBe('<x><![CDATA[a ]]]]><![CDATA[> b ]]]]]]><![CDATA[> c ]]]]></x>');
    expect(roundTrip(xml)).toBe(text);
  });

  it('any string survives element text, attributes and CDATA (property test)', () => {
    fc.assert(fc.property(fc.string({ unit: anyChar, maxLength: 40 }), (text) => {
      // XML parsers read a CR (or CRLF) in text as LF: that is XML's own end-of-line rule
      const clean = xmlSafe(text).replace(/\r\n?/g, '\n');
      const xml = `<x${attributes({ a: text })}><y>${esc(text)}</y><z>${escHex(text)}</z><w>${cdata(text)}</w></x>`;
      expect(XMLValidator.validate(xml)).toBe(true);
      const back = parser.parse(xml).x as Record<string, string>;
      // attribute values have their white space normalised by XML itself; compare the rest exactly
      expect(back.y ?? '').toBe(clean);
      expect(back.z ?? '').toBe(clean);
      expect(back.w ?? '').toBe(clean);
    }), { numRuns: 100 });
  });
});
