import matter from 'gray-matter';
import { describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../src/config/config.js';
import { parseFrontMatter } from '../../src/read/frontmatter.js';
import { toPost } from '../../src/post/post.js';

const CONFIG: ResolvedConfig = {
  title: 'T', url: 'https://example.org/blog/', description: '', language: 'en', author: { name: 'Site Author' },
  timeZone: 'Europe/Paris', limit: null, archiveSize: 50, output: { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' },
  summaryLength: 300, allowRawHtml: false, static: 'static',
};

function convert(text: string, stem = 'hello') {
  const parsed = parseFrontMatter({ path: `posts/${stem}.md`, stem, text });
  if (!parsed.source) throw new Error(JSON.stringify(parsed.diagnostics));
  return toPost(parsed.source, CONFIG);
}
const codes = (text: string): string[] => convert(text).diagnostics.map((d) => d.code);

describe('toPost', () => {
  it('builds the permalink and id from the slug, and reads the date in the configured zone', () => {
    const { post, diagnostics } = convert('---\ntitle: Hi\ndate: 2024-01-02\nimage: https://cdn.example.org/cover.jpg\n---\n\nBody.\n');
    expect(diagnostics).toEqual([]);
    expect(post).toMatchObject({
      slug: 'hello', url: 'https://example.org/blog/posts/hello/', id: 'https://example.org/blog/posts/hello/',
      image: 'https://cdn.example.org/cover.jpg', date: Date.UTC(2024, 0, 1, 23), // midnight in Paris
      updated: Date.UTC(2024, 0, 1, 23), authors: [{ name: 'Site Author' }], tags: [], draft: false,
    });
  });

  it('takes the summary from `summary`, else the excerpt marker, else the first paragraph, as plain text', () => {
    expect(convert('---\ntitle: A\ndate: 2024-01-02\nsummary: "  Given   &  kept <b>as text</b> "\n---\n\nFirst.\n').post?.summary)
      .toBe('Given & kept <b>as text</b>');
    expect(convert('---\ntitle: A\ndate: 2024-01-02\n---\n\n# Head\n\nOne *two*\nthree.\n\n<!-- more -->\n\nFour.\n').post?.summary)
      .toBe('Head One two three.');
    expect(convert('---\ntitle: A\ndate: 2024-01-02\n---\n\n# Head\n\nFirst &amp; only.\n\nSecond.\n').post?.summary).toBe('First & only.');
  });

  it("takes Jekyll's excerpt_separator when it is an HTML comment, and warns about one it cannot find", () => {
    const body = '\nOne.\n\nTwo.\n\n<!--break-->\n\nThree.\n';
    const own = convert(`---\ntitle: A\ndate: 2024-01-02\nexcerpt_separator: <!--break-->\n---\n${body}`);
    expect(own.post?.summary).toBe('One. Two.');
    expect(own.diagnostics).toEqual([]);
    expect(convert(`---\ntitle: A\ndate: 2024-01-02\nexcerpt_separator: "\\n\\n"\n---\n${body}`).diagnostics).toEqual([]); // Jekyll's default
    const other = convert(`---\ntitle: A\ndate: 2024-01-02\nexcerpt_separator: "~~~"\n---\n${body}`);
    expect(other.post?.summary).toBe('One.');
    expect(other.diagnostics).toMatchObject([{ code: 'excerpt-separator', severity: 'warning', line: 4, column: 1 }]);
  });

  it('gives HTML without any character XML 1.0 forbids, even where a character reference spells one (the feeds rely on it)', () => {
    const forbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    const body = 'One &#1; two &#x7; three &#xFFFE; four &#xFFFF; five &#xDC00; six.\n\n<b>&#x1B;</b> [link](https://example.org/&#x1;) ![alt &#2;](pic.png)\n';
    for (const allowRawHtml of [false, true]) {
      const parsed = parseFrontMatter({ path: 'posts/refs.md', stem: 'refs', text: `---\ntitle: Refs\ndate: 2024-01-02\n---\n\n${body}` });
      if (!parsed.source) throw new Error(JSON.stringify(parsed.diagnostics));
      const html = toPost(parsed.source, { ...CONFIG, allowRawHtml }).post?.html ?? '';
      expect(html).toContain('One  two  three  four ');
      expect(html).not.toMatch(forbidden);
    }
  });

  it('accepts an absolute URI as a permanent id and rejects anything else', () => {
    expect(convert('---\ntitle: A\ndate: 2024-01-02\nid: urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427\n---\n\nx\n').post?.id)
      .toBe('urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427');
    expect(codes('---\ntitle: A\ndate: 2024-01-02\nid: old/path\n---\n\nx\n')).toEqual(['invalid-id']);
    expect(codes('---\ntitle: A\ndate: 2024-01-02\nid: 42\n---\n\nx\n')).toEqual(['invalid-id']);
  });

  it('accepts ids only with an allowed scheme (http, https, tag, urn)', () => {
    const id = (value: string) => convert(`---\ntitle: A\ndate: 2024-01-02\nid: "${value}"\n---\n\nx\n`);
    for (const good of ['https://example.com/old/', 'http://example.com/a', 'tag:example.com,2024:post-1', 'tag:a@example.com,2024-01-02:x', 'URN:ISBN:0451450523']) {
      expect(id(good).post?.id, good).toBe(good);
    }
    for (const bad of ['feed:javascript:alert(1)', 'javascript:alert(1)', 'view-source:https://x.example/', 'mailto:a@example.com',
      'ftp://example.com/x', 'jar:https://x.example/a!/b', 'intent://x#Intent;end', 'tag:nodate', 'urn:x', 'data:text/html,x']) {
      const { diagnostics } = id(bad);
      expect(diagnostics.map((d) => d.code), bad).toEqual(['invalid-id']);
      expect(diagnostics[0]?.line).toBe(4);
    }
  });

  it('allows at most 50 tags per post, and tags whose folder name fits a file system', () => {
    const tags = (list: string[]) => convert(`---\ntitle: A\ndate: 2024-01-02\ntags: [${list.map((t) => JSON.stringify(t)).join(', ')}]\n---\n\nx\n`);
    const fifty = Array.from({ length: 50 }, (_, i) => `t${i}`);
    expect(tags(fifty).post?.tags).toHaveLength(50);
    expect(tags([...fifty, 't0', ' t1 ']).post?.tags).toHaveLength(50); // repeated tags are counted once
    const many = tags([...fifty, 't50']);
    expect(many.post).toBeUndefined();
    expect(many.diagnostics.map((d) => [d.code, d.line])).toEqual([['too-many-tags', 4]]);
    expect(many.diagnostics[0]?.message).toContain('51 different tags; at most 50');
    const long = tags(['ok', 'x'.repeat(201)]);
    expect(long.diagnostics.map((d) => [d.code, d.line])).toEqual([['tag-too-long', 4]]);
    expect(tags(['x'.repeat(200)]).post?.tags).toEqual(['x'.repeat(200)]);
  });

  it('reads authors in every form, and rejects both keys at once', () => {
    const { post } = convert('---\ntitle: A\ndate: 2024-01-02\nauthors:\n  - Ann\n  - Bo <bo@example.org>\n  - {name: Cy, url: "https://cy.example"}\n---\n\nx\n');
    expect(post?.authors).toEqual([{ name: 'Ann' }, { name: 'Bo', email: 'bo@example.org' }, { name: 'Cy', url: 'https://cy.example/' }]);
    expect(codes('---\ntitle: A\ndate: 2024-01-02\nauthor: Ann\nauthors: [Bo]\n---\n\nx\n')).toEqual(['wrong-type']);
  });

  it('reads an author written as a Markdown link (beautifulhugo) as the name with its URL', () => {
    const { post } = convert('---\ntitle: A\ndate: 2024-01-02\nauthor:\n  - "[Michael Henderson](https://example.com)"\n  - "[Jane](mailto:jane@example.org)"\n  - "[Bo]( <https://bo.example/x> )"\n  - "[Cy](javascript:alert(1))"\n  - "[Dee] (not a link)"\n---\n\nx\n');
    expect(post?.authors).toEqual([
      { name: 'Michael Henderson', url: 'https://example.com/' }, { name: 'Jane', email: 'jane@example.org' }, { name: 'Bo', url: 'https://bo.example/x' },
      { name: '[Cy](javascript:alert(1))' }, { name: '[Dee] (not a link)' },
    ]);
  });

  it('reports each problem with its line, warnings separate from errors', () => {
    const { post, diagnostics, unknownKeys } = convert('---\ntitle: [1984]\ndate: 2023-02-30\nupdated: 2024-01-01T10:00\ntagz: [a]\n---\n\n');
    expect(post).toBeUndefined();
    expect(diagnostics.map((d) => [d.line, d.severity, d.code])).toEqual([
      [2, 'error', 'wrong-type'], [3, 'error', 'invalid-date'], [4, 'warning', 'date-without-offset'], [7, 'warning', 'empty-body'],
    ]);
    // unknown keys are warned about once per build, over all posts (tests/front-matter-keys.test.ts)
    expect(unknownKeys).toEqual(['tagz']);
  });

  it('never lets "updated" be earlier than the publication date', () => {
    const { post, diagnostics } = convert('---\ntitle: A\ndate: 2024-01-02T00:00:00Z\nupdated: 2024-01-01T00:00:00Z\n---\n\nx\n');
    expect(diagnostics.map((d) => d.code)).toEqual(['updated-before-date']);
    expect(post?.updated).toBe(post?.date);
  });
});

describe('parseFrontMatter: YAML split', () => {
  // gray-matter is given only the file up to the closing "---" (read/frontmatter.ts): the YAML and the body must be
  // what it gives for the whole file, whatever follows that line.
  const SPLIT_ONLY = { engines: { yaml: { parse: (): object => ({}), stringify: (): string => '' } } };
  it.each([
    ['LF', '---\ntitle: a\n---\nbody\n'],
    ['spaces after the delimiters', '---  \ntitle: a\n---  \nbody'],
    ['no body', '---\ntitle: a\n---'],
    ['blank lines before the body', '---\ntitle: a\n---\n\n\nbody'],
    ['"----" in the YAML', '---\ntitle: a\nx: |\n  y\n----\n---\nbody'],
    ['"---" again in the body', '---\ntitle: a\n---\nbody\n---\nmore'],
  ])('%s', (_name, text) => {
    const parsed = parseFrontMatter({ path: 'posts/a.md', stem: 'a', text });
    const whole = matter(text, SPLIT_ONLY);
    expect(parsed.source?.body).toBe(whole.content);
    expect(parsed.source?.bodyLine).toBe(text.slice(0, text.length - whole.content.length).split('\n').length);
  });
});

describe('parseFrontMatter: quoted values over lines that start at the left, as libyaml (Jekyll) and Go (Hugo) read them', () => {
  const parse = (text: string) => parseFrontMatter({ path: 'posts/a.md', stem: 'a', text });
  it('reads the value folded into one line, and every key where it is', () => {
    // beautifulhugo's example post writes a description so
    const parsed = parse('---\ntitle: Robots\ndescription: "This feature adds the ability to apply robot meta data on page\nthrough custom page parameters."\ntags: ["a", \'b c\']\nnote: \'it\'\'s\nfine\'\n---\nBody\n');
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.source?.data).toEqual({
      title: 'Robots', description: 'This feature adds the ability to apply robot meta data on page through custom page parameters.',
      tags: ['a', 'b c'], note: "it's fine",
    });
    expect([...(parsed.source?.keys ?? new Map()).entries()]).toEqual([
      ['title', { line: 2, column: 1 }], ['description', { line: 3, column: 1 }], ['tags', { line: 5, column: 1 }], ['note', { line: 6, column: 1 }],
    ]);
  });
  it('in nested keys and list items too; a quote inside a plain value starts nothing', () => {
    const parsed = parse('---\ntitle: It\'s "here"\nauthor:\n  name: "Jane\n  Doe"\nlinks:\n  - "one\n  two"\n---\nBody\n');
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.source?.data).toEqual({ title: 'It\'s "here"', author: { name: 'Jane Doe' }, links: ['one two'] });
  });
  it('a quote never closed is still the error it was', () => {
    const parsed = parse('---\ntitle: "Open\ndate: 2024-01-02\n---\nBody\n');
    expect(parsed.source).toBeUndefined();
    expect(parsed.diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([['yaml-syntax', 3, 'invalid YAML in the front matter: Missing closing "quote']]);
  });
});
