import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/post/markdown.js';

describe('renderMarkdown (GitHub-flavoured)', () => {
  it('renders tables with alignment', () => {
    const { html } = renderMarkdown('| a | b |\n| :- | -: |\n| 1 | 2 |\n');
    expect(html).toContain('<th align="left">a</th>');
    expect(html).toContain('<td align="right">2</td>');
  });

  it('renders task lists as disabled checkboxes', () => {
    const { html } = renderMarkdown('- [x] done\n- [ ] todo\n');
    expect(html).toContain('<li><input checked="" disabled="" type="checkbox"> done</li>');
    expect(html).toContain('<li><input disabled="" type="checkbox"> todo</li>');
  });

  it('renders strikethrough and autolinks', () => {
    const { html } = renderMarkdown('~~gone~~ www.example.com https://example.org/a?b=c and mail@example.com\n');
    expect(html).toBe('<p><del>gone</del> <a href="http://www.example.com">www.example.com</a> '
      + '<a href="https://example.org/a?b=c">https://example.org/a?b=c</a> and <a href="mailto:mail@example.com">mail@example.com</a></p>\n');
  });

  it('gives fenced code a language-x class and escapes it', () => {
    const { html } = renderMarkdown('```js\nif (a < b && c) {}\n```\n');
    expect(html).toBe('<pre><code class="language-js">if (a &lt; b &amp;&amp; c) {}\n</code></pre>\n');
  });

  it("excerpt: a post's own separator (Jekyll's excerpt_separator) instead of <!-- more -->", () => {
    const body = 'One.\n\nTwo.\n\n<!--break-->\n\nThree.\n\n<!--more-->\n\nFour.\n';
    expect(renderMarkdown(body, undefined, { separator: '<!--break-->' }).excerptHtml).toBe('<p>One.</p>\n<p>Two.</p>\n');
    expect(renderMarkdown(body).excerptHtml).toContain('<p>Three.</p>'); // without it, <!--more--> is the marker
    // not found: the first paragraph, as without one; in a code block it is not a marker
    expect(renderMarkdown('One.\n\n```\n<!--break-->\n```\n\nTwo.\n', undefined, { separator: '<!--break-->' }).excerptHtml).toBe('<p>One.</p>\n');
  });

  it('excerpt: none made for a post with a summary of its own (the same HTML)', () => {
    const body = 'One.\n\n<!-- more -->\n\nTwo.\n';
    const none = renderMarkdown(body, undefined, { none: true });
    expect(none.excerptHtml).toBe('');
    expect(none.html).toBe(renderMarkdown(body).html);
  });

  it('excerpt: the part before <!-- more -->, else the first paragraph, else nothing', () => {
    expect(renderMarkdown('One.\n\nTwo.\n\n<!-- more -->\n\nThree.\n').excerptHtml).toBe('<p>One.</p>\n<p>Two.</p>\n');
    expect(renderMarkdown('One.\n\n<!--more-->\n').excerptHtml).toBe('<p>One.</p>\n');
    expect(renderMarkdown('# Title\n\nFirst *para*.\n\nSecond.\n').excerptHtml).toBe('<p>First <em>para</em>.</p>\n');
    // reference links defined further down still resolve in the first paragraph
    expect(renderMarkdown('See [x][ref].\n\n[ref]: https://example.com/\n').excerptHtml).toBe('<p>See <a href="https://example.com/">x</a>.</p>\n');
    expect(renderMarkdown('# Only a heading\n').excerptHtml).toBe('');
    expect(renderMarkdown('Intro [x][r].\n\n<!-- more -->\n\n[r]: https://example.com/\n').excerptHtml)
      .toBe('<p>Intro <a href="https://example.com/">x</a>.</p>\n');
    expect(renderMarkdown('Intro.\n<!-- more -->\nAfter.\n').excerptHtml).toBe('<p>Intro.</p>\n');
    // a marker shown inside a code block is not the marker
    const code = renderMarkdown('Intro.\n\n```html\n<!-- more -->\n```\n\nAfter.\n');
    expect(code.excerptHtml).toBe('<p>Intro.</p>\n');
    expect(renderMarkdown('Intro.\n\n    <!-- more -->\n\nMore.\n\n<!-- more -->\n').excerptHtml)
      .toBe('<p>Intro.</p>\n<pre><code>&lt;!-- more --&gt;\n</code></pre>\n<p>More.</p>\n');
    expect(renderMarkdown('').html).toBe('');
  });

  it('leaves relative URLs and raw HTML for the HTML stage', () => {
    const { html } = renderMarkdown('[a](../x/) ![i](/img.png)\n\n<div onclick="x()">raw</div>\n');
    expect(html).toContain('<a href="../x/">a</a>');
    expect(html).toContain('<img src="/img.png" alt="i">');
    expect(html).toContain('<div onclick="x()">raw</div>');
  });
});

describe('renderMarkdown: the links of raw HTML', () => {
  const rawLinks = (body: string): [string, boolean, string][] =>
    renderMarkdown(body).links.filter((l) => l.html).map((l) => [l.href, l.image, l.raw.slice(l.html?.offset ?? 0, (l.html?.offset ?? 0) + (l.html?.written.length ?? 0))]);

  it('reads href and src as the browser does, in document order, with the value as written', () => {
    expect(rawLinks('<!-- more -->\n\nText <A TITLE="x" HREF="a&amp;b.md">a</A> and [md](m.md) <img src=\'p.png\' src="second.png">\n\n<video poster="v.png"><source src="v.webm"></video>'))
      .toEqual([['a&b.md', false, 'a&amp;b.md'], ['p.png', true, 'p.png'], ['v.png', true, 'v.png'], ['v.webm', false, 'v.webm']]);
  });

  it('leaves out code, comments and scripts, even a script opened in one piece of a paragraph and closed in another', () => {
    expect(rawLinks([
      '`<a href="/span/">` and\n\n```\n<img src="/block.png">\n```\n\n    <img src="/indented.png">',
      '<!-- <a href="/comment/"> -->',
      'Inline <script>var s = "<a href=\'/script/\'>";</script> then <a href="/after/">after</a>.',
    ].join('\n\n'))).toEqual([['/after/', false, '/after/']]);
  });

  it('reads each srcset candidate of <img> and <source> as an image, at its URL as written', () => {
    expect(rawLinks('<picture><source srcset="a.webp 1x,  b&amp;c.webp 2x"><img srcset="d.png, data:image/png;base64,AA,BB 2x" src="e.png"></picture>'))
      .toEqual([['a.webp', true, 'a.webp'], ['b&c.webp', true, 'b&amp;c.webp'], ['d.png', true, 'd.png'], ['data:image/png;base64,AA,BB', true, 'data:image/png;base64,AA,BB'], ['e.png', true, 'e.png']]);
    // a character reference that splits the value differently (an encoded comma): the URLs as the browser reads them,
    // each at the value's start
    expect(rawLinks('<img srcset="x.png&#44; y.png 2x">')).toEqual([['x.png', true, 'x.png&#44; y.png 2x'], ['y.png', true, 'x.png&#44; y.png 2x']]);
    // not from other elements, which have no srcset
    expect(rawLinks('<a srcset="n.png">n</a>')).toEqual([]);
  });
});
