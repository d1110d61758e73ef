import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith';
import { XMLParser } from 'fast-xml-parser';
import { DomUtils, parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../src/post/markdown.js';
import { makeProject, post, run } from './helpers/project.js';

const SITE = 'https://example.org/blog/';

/** Every element of a parsed HTML fragment or page. */
function elements(html: string): ReturnType<typeof DomUtils.getElementsByTagName> {
  return DomUtils.findAll(() => true, parseDocument(html).children);
}

const NOTES = [
  'A claim[^1], another[^note] and the first again[^1].',
  '',
  '[^1]: Ibid., see [the other post](../b/).',
  '[^note]: A longer note',
  '    with a second line.',
  '[^unused]: Never referred to.',
].join('\n');

describe('GitHub-flavoured footnotes', () => {
  it('renders references and the notes section as GitHub does, the same in both render routes', () => {
    const base = `${SITE}posts/a/`;
    const fast = renderMarkdown(NOTES, { base, sizes: new Map() });
    expect(fast.finished).toBe(true);
    const doc = elements(fast.html);
    const refs = doc.filter((e) => e.attribs['data-footnote-ref'] !== undefined);
    expect(refs.map((a) => [a.attribs.id, a.attribs.href, DomUtils.textContent(a)])).toEqual([
      ['footnote-ref-1', `${base}#footnote-1`, '1'],
      ['footnote-ref-2', `${base}#footnote-2`, '2'],
      ['footnote-ref-1-2', `${base}#footnote-1`, '1'],
    ]);
    expect(refs.every((a) => a.parent?.type === 'tag' && (a.parent as { name: string }).name === 'sup')).toBe(true);
    const section = doc.find((e) => e.name === 'section');
    expect(section?.attribs.class).toBe('footnotes');
    expect(section?.attribs['data-footnotes']).toBe('');
    const notes = DomUtils.findAll((e) => e.name === 'li', section?.children ?? []);
    expect(notes.map((li) => li.attribs.id)).toEqual(['footnote-1', 'footnote-2']);
    // The note text is there (marked alone read "[^1]: …" as a link definition and lost it), links made absolute.
    expect(DomUtils.textContent(notes[0] ?? [])).toContain('Ibid., see the other post');
    expect(DomUtils.textContent(notes[1] ?? [])).toContain('A longer note\nwith a second line.');
    expect(fast.html).not.toContain('Never referred to');
    const back = doc.filter((e) => e.attribs['data-footnote-backref'] !== undefined).map((a) => a.attribs.href);
    expect(back).toEqual([`${base}#footnote-ref-1`, `${base}#footnote-ref-1-2`, `${base}#footnote-ref-2`]);
    // Every link points at an id in the post, and no id is used twice.
    const ids = doc.map((e) => e.attribs.id).filter((id): id is string => id !== undefined);
    expect(new Set(ids).size).toBe(ids.length);
    for (const a of [...refs, ...doc.filter((e) => e.attribs['data-footnote-backref'] !== undefined)]) {
      expect(ids).toContain((a.attribs.href ?? '').split('#')[1]);
    }
  });

  it('numbers every post from 1, whatever was rendered before', () => {
    const first = renderMarkdown('x[^a] y[^b]\n\n[^a]: A\n[^b]: B\n').html;
    renderMarkdown('broken[^1] reference to a note that is not there\n');
    const again = renderMarkdown('x[^a] y[^b]\n\n[^a]: A\n[^b]: B\n').html;
    expect(again).toBe(first);
    expect(renderMarkdown('z[^q]\n\n[^q]: Q\n').html).toContain('<li id="footnote-1">');
  });

  it('never writes a label into markup', () => {
    const body = 'x[^a"b<i>]\n\n[^a"b<i>]: note\n';
    const fast = renderMarkdown(body, { base: `${SITE}posts/a/`, sizes: new Map() });
    expect(fast.finished).toBe(true);
    expect(fast.html).toContain('<a id="footnote-ref-1" href="https://example.org/blog/posts/a/#footnote-1"');
    expect(fast.html).not.toContain('<i>');
  });

  it('leaves reference numbers out of the summary taken from the first paragraph', () => {
    expect(renderMarkdown(NOTES).excerptHtml).toBe('<p>A claim, another and the first again.</p>\n');
  });

  it('keeps the footnotes through the sanitizer, in the page and in every feed', async () => {
    const dir = await makeProject({
      'posts/a.md': post({ title: 'A', date: '2024-01-01' }, NOTES),
      // raw HTML sends this one through sanitize-html
      'posts/b.md': post({ title: 'B', date: '2024-01-02' }, `<b>Bold</b> start.\n\n${NOTES}`),
    });
    const { code, io } = await run(dir, ['build']);
    expect(io.stderrText).toBe('');
    expect(code).toBe(0);
    const rss = parseRssFeed(await readFile(join(dir, 'dist/rss.xml'), 'utf8'));
    const atomXml = await readFile(join(dir, 'dist/atom.xml'), 'utf8');
    expect(parseAtomFeed(atomXml).entries).toHaveLength(2);
    const atom = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'entry' }).parse(atomXml) as { feed: { entry: { id: string; content: { '#text': string } }[] } };
    const json = parseJsonFeed(JSON.parse(await readFile(join(dir, 'dist/feed.json'), 'utf8')));
    for (const slug of ['a', 'b']) {
      const url = `${SITE}posts/${slug}/`;
      const page = await readFile(join(dir, `dist/posts/${slug}/index.html`), 'utf8');
      const bodies = [
        page,
        rss.items?.find((i) => i.link === url)?.content?.encoded ?? '',
        atom.feed.entry.find((e) => e.id === url)?.content['#text'] ?? '',
        json.items?.find((i) => i.id === url)?.content_html ?? '',
      ];
      for (const html of bodies) {
        const doc = elements(html);
        expect(doc.filter((e) => e.attribs['data-footnote-ref'] !== undefined).map((a) => a.attribs.href))
          .toEqual([`${url}#footnote-1`, `${url}#footnote-2`, `${url}#footnote-1`]);
        const section = doc.find((e) => e.name === 'section' && e.attribs['data-footnotes'] !== undefined);
        expect(section?.attribs.class).toBe('footnotes');
        expect(DomUtils.textContent(section ?? [])).toContain('Ibid., see the other post');
        expect(doc.filter((e) => e.attribs['data-footnote-backref'] !== undefined)).toHaveLength(3);
      }
    }
  });
});

describe('summaries are never empty', () => {
  const posts = {
    'posts/image.md': post({ title: 'Only an image', date: '2024-01-01' }, '![A harbour](https://images.example.net/h.jpg)'),
    'posts/code.md': post({ title: 'Only code', date: '2024-01-02' }, '```sh\nnpm ci\n```'),
    'posts/list.md': post({ title: 'Only a list', date: '2024-01-03' }, '- one\n- two'),
    'posts/badge.md': post({ title: 'Image first', date: '2024-01-04' }, '![badge](https://images.example.net/b.svg)\n\nThe text.'),
  };

  it('takes the first paragraph with text, and otherwise leaves the summary out of every format and the page', async () => {
    const dir = await makeProject(posts);
    const { code, io } = await run(dir, ['build']);
    expect(io.stderrText).toBe('');
    expect(code).toBe(0);
    const rssText = await readFile(join(dir, 'dist/rss.xml'), 'utf8');
    const atomText = await readFile(join(dir, 'dist/atom.xml'), 'utf8');
    const json = parseJsonFeed(JSON.parse(await readFile(join(dir, 'dist/feed.json'), 'utf8')));
    const xml = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'item' || name === 'entry' });
    const rssItems = (xml.parse(rssText) as { rss: { channel: { item: Record<string, unknown>[] } } }).rss.channel.item;
    const atomEntries = (xml.parse(atomText) as { feed: { entry: Record<string, unknown>[] } }).feed.entry;
    const rawJson = JSON.parse(await readFile(join(dir, 'dist/feed.json'), 'utf8')) as { items: Record<string, unknown>[] };
    for (const slug of ['image', 'code', 'list']) {
      const url = `${SITE}posts/${slug}/`;
      const rss = rssItems.find((i) => i.link === url);
      expect(rss && 'description' in rss, slug).toBe(false);
      const entry = atomEntries.find((e) => e.id === url);
      expect(entry && 'summary' in entry, slug).toBe(false);
      const item = rawJson.items.find((i) => i.id === url);
      expect(item && 'summary' in item, slug).toBe(false);
      expect(json.items?.find((i) => i.id === url)?.content_html).toBeTruthy();
      const page = await readFile(join(dir, `dist/posts/${slug}/index.html`), 'utf8');
      const metas = elements(page).filter((e) => e.name === 'meta');
      expect(metas.some((m) => m.attribs.name === 'description' || m.attribs.property === 'og:description'), slug).toBe(false);
    }
    const url = `${SITE}posts/badge/`;
    expect(rssItems.find((i) => i.link === url)?.description).toBe('The text.');
    expect((atomEntries.find((e) => e.id === url)?.summary as Record<string, unknown>)['#text']).toBe('The text.');
    expect(json.items?.find((i) => i.id === url)?.summary).toBe('The text.');
    // The list of posts shows no empty paragraph for them.
    const index = await readFile(join(dir, 'dist/index.html'), 'utf8');
    const list = elements(index).find((e) => e.name === 'ol' && e.attribs.class === 'posts');
    expect(DomUtils.findAll((e) => e.name === 'p', list?.children ?? []).filter((e) => DomUtils.textContent(e).trim() === '')).toEqual([]);
  });

  it('leaves it out of a tag\'s summary-only archives too, carrying the HTML there instead', async () => {
    const tagged = Object.fromEntries(Object.entries(posts).map(([path, text]) => [path, text.replace('---\n\n', 'tags: [t]\n---\n\n')]));
    const dir = await makeProject(tagged, { limit: 1, archiveSize: 10 });
    const { code } = await run(dir, ['build']);
    expect(code).toBe(0);
    const archive = JSON.parse(await readFile(join(dir, 'dist/tags/t/archive/1/feed.json'), 'utf8')) as { items: Record<string, unknown>[] };
    const image = archive.items.find((i) => i.id === `${SITE}posts/image/`);
    expect(image && 'summary' in image).toBe(false);
    expect(image?.content_html).toContain('https://images.example.net/h.jpg');
    const rss = await readFile(join(dir, 'dist/tags/t/archive/1/rss.xml'), 'utf8');
    expect(rss).not.toContain('<description><![CDATA[]]></description>');
  });
});
