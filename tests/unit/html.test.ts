import { DomUtils, parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { absoluteSrcset, absoluteUrl, finishHtml, htmlToText, URL_ATTRIBUTES } from '../../src/post/html.js';

const BASE = 'https://example.org/blog/posts/hello/';

describe('finishHtml: absolute URLs', () => {
  it('resolves every URL attribute against the post URL', () => {
    const html = finishHtml([
      '<a href="/root">r</a>', '<a href="../other/">o</a>', '<a href="#top">t</a>', '<a href="?q=1">q</a>',
      '<a href="file.txt">f</a>', '<a href="//cdn.example.net/x">p</a>', '<a href="https://x.example/">x</a>',
      '<a href="mailto:a@b.example">m</a>', '<img src="i.png" alt="">', '<blockquote cite="src/">c</blockquote>',
      '<video src="v.mp4" poster="p.jpg"></video>',
    ].join(''), BASE, false);
    expect(html).toBe([
      '<a href="https://example.org/root">r</a>', '<a href="https://example.org/blog/posts/other/">o</a>',
      `<a href="${BASE}#top">t</a>`, `<a href="${BASE}?q=1">q</a>`, `<a href="${BASE}file.txt">f</a>`,
      '<a href="https://cdn.example.net/x">p</a>', '<a href="https://x.example/">x</a>', '<a href="mailto:a@b.example">m</a>',
      `<img src="${BASE}i.png" alt="" />`, `<blockquote cite="${BASE}src/">c</blockquote>`,
      `<video src="${BASE}v.mp4" poster="${BASE}p.jpg"></video>`,
    ].join(''));
  });

  it('resolves srcset candidates with or without spaces after commas', () => {
    const base = new URL(BASE);
    expect(absoluteSrcset('a.png 1x, /b.png 2x', base)).toBe(`${BASE}a.png 1x, https://example.org/b.png 2x`);
    expect(absoluteSrcset('small.png 480w,large.png 800w', base)).toBe(`${BASE}small.png 480w, ${BASE}large.png 800w`);
    expect(absoluteSrcset('  one.png  ,  two.png   2x  ', base)).toBe(`${BASE}one.png, ${BASE}two.png 2x`);
    expect(absoluteSrcset('a,b.png 1x', base)).toBe(`${BASE}a,b.png 1x`); // a comma inside a URL stays
    expect(absoluteSrcset('https://x.example/a.png 1x', base)).toBe('https://x.example/a.png 1x');
    expect(finishHtml('<img src="x.png" srcset="x.png 1x,x2.png 2x" alt="">', BASE, false))
      .toBe(`<img src="${BASE}x.png" srcset="${BASE}x.png 1x, ${BASE}x2.png 2x" alt="" />`);
  });

  it('leaves unparsable and scheme URLs alone', () => {
    const base = new URL(BASE);
    expect(absoluteUrl('', base)).toBe('');
    expect(absoluteUrl('tel:+123', base)).toBe('tel:+123');
    expect(absoluteUrl('http://[bad', base)).toBe('http://[bad');
  });

  it('writes void elements without end tags', () => {
    expect(finishHtml('<picture><source srcset="a.webp" type="image/webp"><img src="a.jpg" alt=""></picture>', BASE, false))
      .toBe(`<picture><source srcset="${BASE}a.webp" type="image/webp" /><img src="${BASE}a.jpg" alt="" /></picture>`);
  });
});

describe('finishHtml: sanitizing', () => {
  it('removes scripts, event handlers and javascript: URLs unless the config trusts raw HTML', () => {
    const dirty = '<p onclick="x()">a<script>alert(1)</script><a href="javascript:alert(2)">b</a><iframe src="e"></iframe></p>';
    expect(finishHtml(dirty, BASE, false)).toBe('<p>a<a>b</a></p>');
    expect(finishHtml(dirty, BASE, true)).toBe(`<p onclick="x()">a<script>alert(1)</script><a href="javascript:alert(2)">b</a><iframe src="${BASE}e"></iframe></p>`);
  });

  it('keeps what GFM produces: task-list checkboxes, code classes, tables', () => {
    const gfm = '<ul><li><input checked="" disabled="" type="checkbox"> x</li></ul><pre><code class="language-ts">a</code></pre><td align="right">1</td><input type="text">';
    expect(finishHtml(gfm, BASE, false)).toBe('<ul><li><input checked disabled type="checkbox" /> x</li></ul><pre><code class="language-ts">a</code></pre><td align="right">1</td>');
  });

  it('escapes text exactly once', () => {
    expect(finishHtml('<p>a &amp; b &lt; c ]]&gt; "q"</p>', BASE, false)).toBe('<p>a &amp; b &lt; c ]]&gt; "q"</p>');
  });
});

describe('finishHtml: every URL attribute follows the URL rules', () => {
  // Tags that carry URL attributes in HTML and SVG, whether or not the allow-list keeps the tag.
  const TAGS = ['a', 'img', 'source', 'video', 'audio', 'track', 'blockquote', 'q', 'del', 'ins', 'form', 'button', 'input',
    'object', 'embed', 'body', 'table', 'td', 'html', 'iframe', 'area', 'image', 'use', 'svg', 'link', 'base', 'script', 'picture'];
  const HOSTILE = ['javascript:alert(1)', ' JaVa\tScRiPt:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)'];
  const BAD = /^(?:javascript|vbscript|data:text\/html)/i;

  /** Every attribute value left in `html` that a browser would read as a URL with a hostile scheme. */
  const hostileLeft = (html: string): string[] => DomUtils.findAll(() => true, parseDocument(html).children)
    .flatMap((el) => Object.entries(el.attribs))
    .flatMap(([name, value]) => (name === 'srcset' ? value.split(',').map((c) => c.trim().split(/\s+/)[0] ?? '') : [value]))
    .map((value) => value.replace(/[\x00-\x20]+/g, ''))
    .filter((value) => BAD.test(value));

  it('drops javascript:, vbscript: and data:text/html from every URL attribute of every tag', () => {
    for (const tag of TAGS) {
      for (const attribute of [...URL_ATTRIBUTES, 'srcset']) {
        for (const url of HOSTILE) {
          const html = finishHtml(`<${tag} ${attribute}="${url}">x</${tag}>`, BASE, false);
          expect(hostileLeft(html), `<${tag} ${attribute}="${url}">`).toEqual([]);
        }
      }
    }
  });

  it('drops a hostile poster, cite and srcset candidate but keeps the safe ones', () => {
    expect(finishHtml('<video src="v.mp4" poster="javascript:alert(1)" controls></video>', BASE, false)).toBe(`<video src="${BASE}v.mp4" controls></video>`);
    expect(finishHtml('<video poster="data:text/html,<script>alert(1)</script>"></video>', BASE, false)).toBe('<video></video>');
    expect(finishHtml('<blockquote cite="javascript:alert(1)">q</blockquote>', BASE, false)).toBe('<blockquote>q</blockquote>');
    expect(finishHtml('<img src="a.png" srcset="javascript:alert(1) 1x, b.png 2x" alt="">', BASE, false))
      .toBe(`<img src="${BASE}a.png" srcset="${BASE}b.png 2x" alt="" />`);
    expect(finishHtml('<video src="v.mp4" poster="p.jpg"></video>', BASE, false)).toBe(`<video src="${BASE}v.mp4" poster="${BASE}p.jpg"></video>`);
  });
});

describe('htmlToText', () => {
  it('gives the visible text with entities decoded and white space collapsed', () => {
    expect(htmlToText('<p>Tom &amp; <em>Jerry</em></p>\n<p>&lt;3 &#x1F389;</p><script>x()</script><style>p{}</style>')).toBe('Tom & Jerry <3 🎉');
    expect(htmlToText('<ul><li>a</li><li>b</li></ul>')).toBe('a b');
    expect(htmlToText('')).toBe('');
  });
});
