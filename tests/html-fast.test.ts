import fc from 'fast-check';
import { Marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { makePost } from '../bench/corpus.js';
import { absoluteUrl, finishHtml, sanitizeFinish } from '../src/html.js';
import { finishMarkedHtml } from '../src/html-fast.js';

// The same configuration as src/markdown.ts.
const marked = new Marked({ gfm: true, breaks: false, async: false });
const BASE = new URL('https://example.org/blog/posts/a-post/');
// Local images whose size the build knows get width and height (html.ts); one relative, one absolute.
const SIZES = new Map([
  ['https://example.org/blog/posts/a-post/img.png', { width: 640, height: 480 }],
  ['https://example.com/i.png', { width: 10, height: 20 }],
]);

function fast(html: string, trusted: boolean): string | undefined {
  return finishMarkedHtml(html, trusted, (url) => absoluteUrl(url, BASE), SIZES);
}

/** The fast route either declines or gives exactly what sanitize-html gives; true when it did not decline. */
function expectSameAsSanitizeHtml(html: string): boolean {
  let taken = false;
  for (const trusted of [false, true]) {
    const quick = fast(html, trusted);
    if (quick !== undefined) expect(quick).toBe(sanitizeFinish(html, BASE, trusted, SIZES));
    taken ||= quick !== undefined;
  }
  return taken;
}

// Markdown pieces that exercise every tag, attribute, escape and URL form marked writes, plus raw HTML.
const INLINE = [
  'plain words', '"double" and \'single\' quotes', 'a & b', 'AT&T', '1 < 2 > 0', 'naïve café — “curly”', '*em*', '**strong**',
  '~~gone~~', '`code <b> & "q"`', '[rel](../other/ "a \'title\' & more")', '[abs](https://example.com/a?b=1&c=2)',
  '[root](/x)', '[proto](//cdn.example.com/x)', '[mail](mailto:a@example.com)', '[js](javascript:alert(1))',
  '[data](data:text/html,x)', '[empty]()', '![nothing]()', '[t](x "")', '[space](<a b>)', '![alt](img.png)', '![](empty-alt.png)',
  '![a "q"](https://example.com/i.png "t")', '![x](data:image/png;base64,AAAA)', '![js](javascript:x)', '<https://auto.link/?a=1&b=2>',
  'www.example.com', 'me@example.com', '&copy;', '&nbsp;', '&#x27;', '&amp;', '&bogus;', '<span>raw</span>',
  '<b onclick="x()">bold</b>', '<!-- inline comment -->', 'line  \nbreak', '\\*not em\\*', '<x>', 'tab\there',
];
const BLOCK = [
  '# Heading', '### Third "level"', 'Paragraph with more words.', '- a\n- b\n  - nested\n- c', '1. one\n2. two',
  '3) three\n4) four', '- [x] done\n- [ ] todo', '> quoted\n> text', '```ts\nconst a = "<b>" && \'c\';\n```', '```\nplain\n```',
  '    indented code <x>', '| a | b |\n|:-|-:|\n| 1 | 2 |', '| x | y | z |\n| --- | :---: | --- |\n| 1 | 2 | 3 |', '***',
  '<!-- more -->', '<div>block html</div>', '<script>alert(1)</script>', '<details><summary>s</summary>body</details>',
  '<img src="x.png" onerror="bad()">', '<p>unclosed', '</p>', '<table><tr><td>raw</td></tr></table>', '<!-->', '<!-- a -- b -->',
];

const markdown = fc.array(
  fc.oneof(
    fc.constantFrom(...BLOCK),
    fc.array(fc.constantFrom(...INLINE), { minLength: 1, maxLength: 6 }).map((parts) => parts.join(' ')),
  ),
  { minLength: 1, maxLength: 8 },
).map((blocks) => blocks.join('\n\n'));

describe('the fast route of finishHtml', () => {
  it('gives sanitize-html\'s exact output for generated Markdown, or declines', () => {
    let taken = 0;
    fc.assert(fc.property(markdown, (md) => {
      if (expectSameAsSanitizeHtml(marked.parse(md) as string)) taken++;
    }), { numRuns: 1500 });
    // The comparison means something only if the fast route is taken often.
    expect(taken).toBeGreaterThan(150);
  });

  it('gives sanitize-html\'s exact output for HTML-like noise, or declines', () => {
    const piece = fc.constantFrom('<p>', '</p>', '<a href="x">', '</a>', '<br>', '<img src="y" alt="">', '<img src="" alt="" title="">', '<img src="img.png" alt="a">', '<li>', '</li>', '<ul>', '</ul>',
      '<table>', '<tr>', '<td>', '</td>', '</tr>', '</table>', '<code class="language-x">', '</code>', 'text', '&amp;', '&lt;', '&', '>', '"',
      '<!-- c -->', '<input disabled="" type="checkbox">', '<input type="text">', '<ol start="2">', '</ol>', '<h1>', '</h1>', '\n');
    let taken = 0;
    fc.assert(fc.property(fc.array(piece, { maxLength: 14 }), (parts) => {
      if (expectSameAsSanitizeHtml(parts.join(''))) taken++;
    }), { numRuns: 3000 });
    expect(taken).toBeGreaterThan(250);
  });

  it('takes the fast route for realistic posts and matches sanitize-html on them', () => {
    let taken = 0;
    for (let i = 0; i < 120; i++) {
      const body = makePost(i).text.replace(/^---\n[\s\S]*?\n---\n/, '');
      const html = marked.parse(body) as string;
      expectSameAsSanitizeHtml(html);
      if (fast(html, false) !== undefined) taken++;
    }
    expect(taken).toBe(120);
  });

  it('declines raw HTML, so sanitize-html still removes what is unsafe', () => {
    const html = marked.parse('Hi <img src="x.png" onerror="steal()"> and <script>alert(1)</script>') as string;
    expect(fast(html, false)).toBeUndefined();
    const finished = finishHtml(html, BASE.href, false, SIZES);
    expect(finished).not.toContain('onerror');
    expect(finished).not.toContain('<script');
    expect(finished).toContain('src="https://example.org/blog/posts/a-post/x.png"');
  });

  it('resolves relative URLs and drops unsafe ones like sanitize-html', () => {
    const html = marked.parse('[a](../x) [b](javascript:alert(1)) ![c](data:image/png;base64,AA) [d](data:text/html,x) ![e](img.png)') as string;
    expect(fast(html, false)).toBe(
      '<p><a href="https://example.org/blog/posts/x">a</a> <a>b</a> <img src="data:image/png;base64,AA" alt="c" /> <a>d</a> '
      + '<img src="https://example.org/blog/posts/a-post/img.png" alt="e" width="640" height="480" /></p>\n',
    );
  });
});
