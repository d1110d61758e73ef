import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/config.js';
import { archivePaths, pageFeed } from '../src/feeds/archive.js';
import { ARCHIVE_BYTES } from '../src/feeds/budget.js';
import { makePost } from './bench/corpus.js';
import { XMLParser } from 'fast-xml-parser';
import { parseJsonFeed } from 'feedsmith';
import { FEED_FILE, walkChain, type Format, type Page } from './helpers/feed-chain.js';
import { buildProject, byPath, config, SITE, tempProject, tinyName, tinyPost, writeTinyPosts } from './scale-fixtures.js';

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' });

/** Follow a chain of this file's test site (see helpers/feed-chain.ts). */
function walk(files: Map<string, string>, format: Format, dir = ''): { url: string; page: Page }[] {
  return walkChain(files, format, SITE, dir);
}

const postId = (i: number): string => `${SITE}posts/post-${String(i).padStart(4, '0')}/`;

describe('archived feeds (RFC 5005) and JSON Feed paging', () => {
  it('recovers every post exactly once by walking from the subscription feed, in all three formats', async () => {
    const root = await tempProject('archive-walk');
    await writeTinyPosts(root, 0, 300);
    const files = byPath(await buildProject(root, config({ limit: 10, archiveSize: 25 })));
    const everyPost = Array.from({ length: 300 }, (_, i) => postId(299 - i));
    for (const format of ['rss', 'atom', 'json'] as const) {
      const chain = walk(files, format);
      // 10 in the subscription feed, then 290 older posts in archives of 25: 11 full ones and a newest one of 15.
      expect(chain.map((c) => c.page.ids.length)).toEqual([10, 15, ...Array<number>(11).fill(25)]);
      const ids = chain.flatMap((c) => c.page.ids);
      expect(ids).toEqual(everyPost);
      expect(new Set(ids).size).toBe(300);
      expect(chain.map((c) => c.url.slice(SITE.length))).toEqual([
        FEED_FILE[format], ...Array.from({ length: 12 }, (_, k) => `archive/${12 - k}/${FEED_FILE[format]}`),
      ]);
      if (format === 'json') continue;
      const [subscription, ...archives] = chain;
      expect(subscription?.page.archived).toBe(false);
      expect(subscription?.page.current).toBeUndefined();
      for (const [k, a] of archives.entries()) {
        expect(a.page.archived).toBe(true);
        expect(a.page.current).toBe(chain[0]?.url);
        // next-archive points back at the newer archive; the newest archive has none.
        expect(a.page.newer).toBe(k === 0 ? undefined : archives[k - 1]?.url);
      }
    }
  });

  it("keeps every post's full content once, in the main feed's chain; a tag's archives carry summaries", async () => {
    const root = await tempProject('archive-tags');
    await writeTinyPosts(root, 0, 60);
    const files = byPath(await buildProject(root, config({ limit: 5, archiveSize: 4 })));
    const full = (i: number): string => `<p>Body of post ${i}.</p>`;
    const trimmed = (page: Page): (string | undefined)[] => page.contents.map((c) => c?.trim());
    const everyPost = Array.from({ length: 60 }, (_, k) => 59 - k);
    for (const format of ['rss', 'atom', 'json'] as const) {
      const main = walk(files, format);
      expect(main.length).toBe(1 + 14);
      expect(main.flatMap((c) => c.page.ids)).toEqual(everyPost.map(postId));
      expect(main.flatMap((c) => trimmed(c.page))).toEqual(everyPost.map(full));
      // Tag t0: posts 0, 3, …, 57 (20): 5 in its subscription feed, 15 in archives of 4.
      const tagged = everyPost.filter((i) => i % 3 === 0);
      const chain = walk(files, format, 'tags/t0/');
      expect(chain.map((c) => c.url.slice(SITE.length))).toEqual([
        `tags/t0/${FEED_FILE[format]}`, ...[4, 3, 2, 1].map((n) => `tags/t0/archive/${n}/${FEED_FILE[format]}`),
      ]);
      expect(chain.flatMap((c) => c.page.ids)).toEqual(tagged.map(postId));
      const [subscription, ...archives] = chain;
      expect(subscription && trimmed(subscription.page)).toEqual(tagged.slice(0, 5).map(full));
      for (const a of archives) expect(a.page.contents.every((c) => c === undefined), a.url).toBe(true);
    }
    // The summary stays in every item; JSON Feed 1.1 needs content_html or content_text: it is the summary as text.
    const rssArchive = files.get(`tags/t0/archive/1/rss.xml`) ?? '';
    expect(rssArchive).not.toContain('content:encoded');
    expect(rssArchive).toContain('<description><![CDATA[Body of post 9.]]></description>');
    expect(files.get(`tags/t0/archive/1/atom.xml`)).not.toContain('<content');
    const items = (JSON.parse(files.get('tags/t0/archive/1/feed.json') ?? '') as { items: Record<string, unknown>[] }).items;
    expect(items.map((i) => [i.content_html, i.content_text, i.summary])).toEqual([9, 6, 3, 0].map((i) => [undefined, `Body of post ${i}.`, `Body of post ${i}.`]));
    expect(parseJsonFeed(JSON.parse(files.get('tags/t0/archive/1/feed.json') ?? '')).items?.length).toBe(4);
    await expect(files.get('tags/t0/archive/1/rss.xml')).toMatchFileSnapshot('./golden/archive/tag-archive.rss.xml');
    await expect(files.get('tags/t0/archive/1/atom.xml')).toMatchFileSnapshot('./golden/archive/tag-archive.atom.xml');
    await expect(files.get('tags/t0/archive/1/feed.json')).toMatchFileSnapshot('./golden/archive/tag-archive.feed.json');
    await expect(files.get('archive/1/feed.json')).toMatchFileSnapshot('./golden/archive/main-archive.feed.json');
  });

  it('never changes an archive once a newer one exists: publishing only touches the newest archive', async () => {
    const root = await tempProject('archive-stable');
    await writeTinyPosts(root, 0, 40);
    const cfg = config({ limit: 5, archiveSize: 10 });
    let before = byPath(await buildProject(root, cfg));
    const first = new Map(before);
    let newestBefore = 0;
    for (let i = 40; i < 75; i++) {
      await writeFile(join(root, 'posts', tinyName(i)), tinyPost(i));
      const after = byPath(await buildProject(root, cfg));
      const archives = [...before.keys()].filter((p) => p.startsWith('archive/'));
      newestBefore = Math.max(...archives.map((p) => Number(p.split('/')[1])));
      for (const path of archives) {
        if (path.startsWith(`archive/${newestBefore}/`)) continue;
        expect(after.get(path), `${path} after publishing post ${i}`).toBe(before.get(path));
      }
      before = after;
    }
    // From 40 to 75 posts the archives went from 4 (35 posts) to 7 (70 posts); the first three never changed.
    expect(newestBefore).toBe(7);
    for (const path of [...first.keys()].filter((p) => /^archive\/[123]\//.test(p))) expect(before.get(path)).toBe(first.get(path));
    expect([...before.keys()].filter((p) => p.startsWith('archive/')).length).toBe(7 * 3);
  });

  it('carries the newest 20 posts by default and all of them with "limit": null', async () => {
    const root = await tempProject('archive-limit');
    await writeTinyPosts(root, 0, 23);
    const paged = byPath(await buildProject(root, config()));
    for (const format of ['rss', 'atom', 'json'] as const) {
      const chain = walk(paged, format);
      expect(chain.map((c) => c.page.ids.length)).toEqual([20, 3]);
    }
    const whole = byPath(await buildProject(root, config({ limit: null })));
    expect([...whole.keys()].some((p) => p.startsWith('archive/'))).toBe(false);
    for (const format of ['rss', 'atom', 'json'] as const) {
      const chain = walk(whole, format);
      expect(chain.map((c) => c.page.ids.length)).toEqual([23]);
    }
    // A feed without archives carries no history markup at all.
    expect(whole.get('rss.xml')).not.toContain('archive');
    expect(whole.get('atom.xml')).not.toContain('archive');
    expect(whole.get('feed.json')).not.toContain('next_url');
  });

  it('keeps each archive of realistic 4–8 KB posts well under 1 MB with the default archive size', async () => {
    const root = await tempProject('archive-size');
    await Promise.all(Array.from({ length: 120 }, (_, i) => makePost(i)).map((p) => writeFile(join(root, 'posts', p.name), p.text)));
    const files = byPath(await buildProject(root, config()));
    const archives = [...files].filter(([path]) => path.startsWith('archive/'));
    expect(archives.map(([path]) => path).sort()).toEqual(['archive/1/atom.xml', 'archive/1/feed.json', 'archive/1/rss.xml', 'archive/2/atom.xml', 'archive/2/feed.json', 'archive/2/rss.xml']);
    for (const [path, text] of archives) expect(Buffer.byteLength(text), path).toBeLessThan(700_000);
  });

  it('closes an archive at 512 KiB as well, the same posts in every format, and never moves older archives', async () => {
    const root = await tempProject('archive-bytes');
    // Long essays of 10–60 KB of text full of characters each format escapes differently (Atom writes `&amp;amp;`,
    // JSON `\"`), and one of 700 KB, heavier than a whole archive.
    const essay = (i: number): string => i === 17
      ? ` ${'A "quoted" line & more\n\n'.repeat(28_000)}`
      : ` ${'Tom & Jerry\'s "show" <3, again and again.\n\n'.repeat(250 + ((i * 7919) % 1250))}`;
    const write = (from: number, to: number): Promise<void[]> =>
      Promise.all(Array.from({ length: to - from }, (_, k) => writeFile(join(root, 'posts', tinyName(from + k)), tinyPost(from + k, essay(from + k)))));
    await write(0, 70);
    const cfg = config({ limit: 5, archiveSize: 50 });
    const before = byPath(await buildProject(root, cfg));
    const archivesOf = (files: Map<string, string>): string[] => [...files.keys()].filter((p) => p.startsWith('archive/'));
    const everyPost = Array.from({ length: 70 }, (_, i) => postId(69 - i));
    const chains = (['rss', 'atom', 'json'] as const).map((format) => walk(before, format));
    for (const chain of chains) {
      expect(chain.flatMap((c) => c.page.ids)).toEqual(everyPost);
      for (const { url, page } of chain.slice(1)) {
        const bytes = Buffer.byteLength(before.get(url.slice(SITE.length)) ?? '');
        // Only the post heavier than a whole archive passes the budget, in a document of its own.
        if (page.ids.includes(postId(17))) expect([page.ids, bytes > ARCHIVE_BYTES], url).toEqual([[postId(17)], true]);
        else expect(bytes, url).toBeLessThanOrEqual(ARCHIVE_BYTES);
      }
    }
    // The same posts in the same numbered document, whatever the format; far fewer than 50 per document.
    const [rss, atom, json] = chains.map((chain) => chain.map((c) => c.page.ids));
    expect(atom).toEqual(rss);
    expect(json).toEqual(rss);
    expect(rss?.length).toBeGreaterThan(6);

    // Publishing more posts leaves every archive but the newest unchanged, byte for byte.
    const newest = Math.max(...archivesOf(before).map((p) => Number(p.split('/')[1])));
    await write(70, 76);
    const after = byPath(await buildProject(root, cfg));
    expect(Math.max(...archivesOf(after).map((p) => Number(p.split('/')[1])))).toBeGreaterThan(newest);
    for (const path of archivesOf(before)) {
      if (!path.startsWith(`archive/${newest}/`)) expect(after.get(path), path).toBe(before.get(path));
    }
    for (const format of ['rss', 'atom', 'json'] as const) {
      expect(walk(after, format).flatMap((c) => c.page.ids)).toEqual(Array.from({ length: 76 }, (_, i) => postId(75 - i)));
    }
  }, 120_000);

  it('pages any feed document the same way, next to its own files', () => {
    expect(archivePaths({ rss: 'tags/film/rss.xml', atom: 'tags/film/atom.xml', json: 'tags/film/feed.json' }, 3))
      .toEqual({ rss: 'tags/film/archive/3/rss.xml', atom: 'tags/film/archive/3/atom.xml', json: 'tags/film/archive/3/feed.json' });
    const doc = { paths: { rss: 'a.xml', atom: 'b.xml', json: 'c.json' }, items: [] } as unknown as Parameters<typeof pageFeed>[0];
    expect(pageFeed(doc, { limit: 20, archiveSize: 50 })).toEqual([doc]);
  });

  it('takes the archive size from the config, and keeps every episode of a podcast unless told otherwise', () => {
    const resolve = (data: Record<string, unknown>): ReturnType<typeof resolveConfig> =>
      resolveConfig({ file: 'feedwright.json', text: JSON.stringify(data, null, 2), data, keyPath: [] });
    expect(config({ archiveSize: 10 }).archiveSize).toBe(10);
    const bad = resolve({ url: SITE, archiveSize: 0 });
    expect(bad.diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([
      ['config-type', 3, '"archiveSize" must be a positive whole number of posts per archive document, found a number (0)'],
    ]);
    const podcast = { image: 'https://example.org/cover.jpg', category: 'History', explicit: false };
    const show = resolve({ url: SITE, author: { name: 'A', email: 'a@example.org' }, podcast });
    expect(show.diagnostics).toEqual([]);
    expect(show.config?.limit).toBeNull();
    expect(resolve({ url: SITE, author: { name: 'A', email: 'a@example.org' }, podcast, limit: 30 }).config?.limit).toBe(30);
  });
});

describe('a feed document\'s updated date', () => {
  it('comes from the items it carries, for tag feeds as for the main feed (an edit to an archived post changes its archive only)', async () => {
    const root = await tempProject('updated');
    await writeTinyPosts(root, 0, 12);
    // Post 0 (tag t0) is long archived, but was edited in 2029.
    await writeFile(join(root, 'posts', tinyName(0)), tinyPost(0).replace('tags: [t0]', 'updated: 2029-06-01T00:00:00Z\ntags: [t0]'));
    const result = await buildProject(root, config({ limit: 2, archiveSize: 3 }));
    expect(result.diagnostics).toEqual([]);
    const files = byPath(result);
    const updated = (path: string): string => String((xml.parse(files.get(path) ?? '') as { feed: { updated: string } }).feed.updated);
    // Newest carried items: main feed posts 11, 10; tag t0's posts 9, 6 (one hour apart from 2020-01-01).
    expect(updated('atom.xml')).toBe('2020-01-01T11:00:00Z');
    expect(updated('tags/t0/atom.xml')).toBe('2020-01-01T09:00:00Z');
    expect(updated('archive/1/atom.xml')).toBe('2029-06-01T00:00:00Z');
    expect(updated('tags/t0/archive/1/atom.xml')).toBe('2029-06-01T00:00:00Z');
  });
});
