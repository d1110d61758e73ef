import { DomUtils, parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { LIST_PAGE_SIZE } from '../src/site/listing.js';
import { buildProject, config, SITE, tempProject, writeTinyPosts } from './scale-fixtures.js';

// 320 tiny posts (tags t0, t1, t2 by turns): the index takes 4 pages, each tag 2.
const POSTS = 320;

async function pages(): Promise<Map<string, string>> {
  const root = await tempProject('listing');
  await writeTinyPosts(root, 0, POSTS);
  const result = await buildProject(root, config({ title: 'Listing test' }));
  expect(result.diagnostics).toEqual([]);
  return new Map(result.files.filter((f) => f.path.endsWith('.html')).map((f) => [f.path, String(f.contents)]));
}

/** Titles listed on a page, the list's start number, the pager's links by rel, and the canonical URL. */
function read(html: string): { titles: string[]; start?: string; rels: Record<string, string>; canonical?: string } {
  const doc = parseDocument(html);
  const all = (test: (el: { name: string; attribs: Record<string, string> }) => boolean) => DomUtils.findAll(test, doc.children);
  const list = all((e) => e.name === 'ol' && e.attribs.class === 'posts')[0];
  const pager = all((e) => e.name === 'nav' && e.attribs.class === 'pager')[0];
  const canonical = all((e) => e.name === 'link' && e.attribs.rel === 'canonical')[0]?.attribs.href;
  return {
    titles: list ? DomUtils.findAll((e) => e.name === 'a' && e.parent?.type === 'tag' && e.parent.name === 'h3', list.children).map((a) => DomUtils.textContent(a)) : [],
    ...(list?.attribs.start !== undefined && { start: list.attribs.start }),
    rels: pager ? Object.fromEntries(DomUtils.findAll((e) => e.name === 'a', pager.children).map((a) => [a.attribs.rel ?? '', a.attribs.href ?? ''])) : {},
    ...(canonical !== undefined && { canonical }),
  };
}

describe('long lists of posts on pages', () => {
  it('cut the index into pages of LIST_PAGE_SIZE, newest first, each post on exactly one page, linked both ways', async () => {
    expect(LIST_PAGE_SIZE).toBe(100);
    const files = await pages();
    const paths = ['index.html', 'page/2/index.html', 'page/3/index.html', 'page/4/index.html'];
    expect([...files.keys()].filter((p) => /^(index\.html|page\/)/.test(p))).toEqual(paths);
    const seen = paths.map((p) => read(files.get(p) ?? ''));
    expect(seen.map((s) => s.titles.length)).toEqual([100, 100, 100, 20]);
    expect(seen.flatMap((s) => s.titles)).toEqual(Array.from({ length: POSTS }, (_, i) => `Post ${POSTS - 1 - i}`));
    expect(seen.map((s) => s.start)).toEqual(['320', '220', '120', '20']);
    expect(seen.map((s) => s.canonical)).toEqual([SITE, `${SITE}page/2/`, `${SITE}page/3/`, `${SITE}page/4/`]);
    expect(seen.map((s) => s.rels)).toEqual([
      { next: `${SITE}page/2/` },
      { prev: SITE, next: `${SITE}page/3/` },
      { prev: `${SITE}page/2/`, next: `${SITE}page/4/` },
      { prev: `${SITE}page/3/` },
    ]);
    // The subscribe box and description are on the first page only.
    expect(files.get('index.html')).toContain('id="subscribe"');
    expect(files.get('page/2/index.html')).not.toContain('id="subscribe"');
  });

  it('cut a tag page the same way, below the tag folder', async () => {
    const files = await pages();
    const first = read(files.get('tags/t0/index.html') ?? '');
    const second = read(files.get('tags/t0/page/2/index.html') ?? '');
    expect(first.titles).toHaveLength(100);
    expect(second.titles).toHaveLength(7); // 107 posts tagged t0
    expect(first.rels).toEqual({ next: `${SITE}tags/t0/page/2/` });
    expect(second.rels).toEqual({ prev: `${SITE}tags/t0/` });
    expect(second.canonical).toBe(`${SITE}tags/t0/page/2/`);
    expect(files.has('tags/t0/page/3/index.html')).toBe(false);
  });
});
