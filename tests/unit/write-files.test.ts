import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { ResolvedConfig } from '../../src/config/config.js';
import { feedFiles } from '../../src/feeds/files.js';
import { ItemTexts } from '../../src/feeds/chunks.js';
import { mainFeed } from '../../src/feeds/doc.js';
import { RSS, rss } from '../../src/feeds/rss.js';
import type { Post } from '../../src/post/post.js';
import { buildSite } from '../../src/site/site.js';
import { after, writeNewFiles } from '../../src/output/write-files.js';
import type { OutputFile } from '../../src/output/write.js';
import { readTree, removeTempDirs, tempDir } from '../helpers/blog.js';

const bytes = (...lists: number[][]): Uint8Array[] => lists.map((l) => new Uint8Array(l));

describe('writeNewFiles', () => {
  afterAll(removeTempDirs);

  it('writes text, bytes and chunked files into new nested folders, each exactly', async () => {
    const root = await tempDir();
    // Many files, so encoding buffers are reused; one text longer than a buffer's 1 MB.
    const texts = Array.from({ length: 40 }, (_, i) => `file ${i}: ${'é€😀'.repeat(i * 7)}`);
    const big = 'x'.repeat(1_500_000) + '€';
    const files: OutputFile[] = [
      ...texts.map((contents, i) => ({ path: `posts/p${i}/index.html`, contents })),
      { path: 'big.txt', contents: big },
      { path: 'raw.bin', contents: new Uint8Array([0, 1, 2]) },
      { path: 'a/b/c/chunked.txt', contents: 'unused', chunks: bytes([104, 101], [], [108, 108, 111]) },
      // text and bytes mixed, once small and once past a buffer's 1 MB in pieces
      { path: 'mixed.txt', contents: 'unused', chunks: ['<a>é', new Uint8Array([0xe2, 0x82, 0xac]), '', '😀</a>'] },
      { path: 'mixed-big.txt', contents: 'unused', chunks: ['€'.repeat(200_000), Buffer.from('y'.repeat(300_000)), 'z'.repeat(200_000)] },
    ];
    await writeNewFiles(root, files.map((file) => ({ file, to: join(root, file.path) })));
    const tree = await readTree(root);
    texts.forEach((text, i) => expect(tree.get(`posts/p${i}/index.html`)?.toString('utf8')).toBe(text));
    expect(tree.get('big.txt')?.toString('utf8')).toBe(big);
    expect([...(tree.get('raw.bin') ?? [])]).toEqual([0, 1, 2]);
    expect(tree.get('a/b/c/chunked.txt')?.toString('utf8')).toBe('hello'); // chunks win over contents
    expect(tree.get('mixed.txt')?.toString('utf8')).toBe('<a>é€😀</a>');
    expect(tree.get('mixed-big.txt')?.toString('utf8')).toBe(`${'€'.repeat(200_000)}${'y'.repeat(300_000)}${'z'.repeat(200_000)}`);
  });

  it('never replaces a file, and throws the first failure, with every file before it complete', async () => {
    const root = await tempDir();
    await writeFile(join(root, 'taken.txt'), 'was here');
    const files: OutputFile[] = [
      ...Array.from({ length: 20 }, (_, i) => ({ path: `f${i}.txt`, contents: `file ${i}` })),
      { path: 'taken.txt', contents: 'new' },
    ];
    await expect(writeNewFiles(root, files.map((file) => ({ file, to: join(root, file.path) })))).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(join(root, 'taken.txt'), 'utf8')).toBe('was here');
    const tree = await readTree(root);
    for (const [path, data] of tree) if (path !== 'taken.txt') expect(data.toString()).toBe(`file ${path.slice(1, -4)}`);
  });

  it('stops at a file that cannot be made, after the writes already started', async () => {
    const root = await tempDir();
    const broken: OutputFile = {
      path: 'broken.xml',
      get contents(): string {
        throw new Error('serializer failed');
      },
    };
    const files: OutputFile[] = [{ path: 'first.txt', contents: 'first' }, broken, { path: 'never.txt', contents: 'x' }];
    await expect(writeNewFiles(root, files.map((file) => ({ file, to: join(root, file.path) })))).rejects.toThrow('serializer failed');
    expect(await readdir(root)).toEqual(['first.txt']);
    expect(await readFile(join(root, 'first.txt'), 'utf8')).toBe('first');
  });

  it('plans every file it is about to make before it makes any (OutputFile.plan)', async () => {
    const root = await tempDir();
    const seen: string[] = [];
    const file = (path: string): OutputFile => ({
      path,
      plan: () => void seen.push(`plan ${path}`),
      get contents(): string {
        seen.push(`make ${path}`);
        return path;
      },
    });
    const files = [file('a.txt'), file('b/c.txt'), { path: 'd.txt', contents: 'no plan' }];
    await writeNewFiles(root, files.map((f) => ({ file: f, to: join(root, f.path) })));
    expect(seen).toEqual(['plan a.txt', 'plan b/c.txt', 'make a.txt', 'make b/c.txt']);
    expect(await readFile(join(root, 'b/c.txt'), 'utf8')).toBe('b/c.txt');
  });

  it('continues a partial write where the system stopped', () => {
    const chunks = bytes([1, 2, 3], [4, 5], [6]);
    expect(after(chunks, 0).map((c) => [...c])).toEqual([[1, 2, 3], [4, 5], [6]]);
    expect(after(chunks, 2).map((c) => [...c])).toEqual([[3], [4, 5], [6]]);
    expect(after(chunks, 3).map((c) => [...c])).toEqual([[4, 5], [6]]);
    expect(after(chunks, 4).map((c) => [...c])).toEqual([[5], [6]]);
    expect(after(chunks, 6)).toEqual([]);
  });
});

describe('feed documents as shared item texts', () => {
  const config: ResolvedConfig = {
    title: 'T', url: 'https://example.org/', description: '', language: 'en', author: { name: 'A' }, timeZone: 'UTC',
    limit: null, archiveSize: 50, output: { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' }, summaryLength: 300, allowRawHtml: false, static: 'static',
  };
  const post = (i: number): Post => ({
    source: `posts/p${i}.md`, slug: `p${i}`, path: `posts/p${i}/`, id: `https://example.org/posts/p${i}/`, url: `https://example.org/posts/p${i}/`,
    title: `Post ${i} & <co>`, date: Date.UTC(2024, 0, i + 1), updated: Date.UTC(2024, 0, i + 1), summary: `Summary ${i} ü`, tags: ['t'],
    authors: [{ name: 'A' }], html: `<p>Body ${i} ]]> é</p>`, contentBytes: 40, draft: false,
  });
  const doc = mainFeed(buildSite([post(1), post(2), post(3)], config, { drafts: false, future: false, now: Date.UTC(2025, 0, 1) }).site);

  afterEach(() => {
    vi.restoreAllMocks();
  });
  // How often each post's RSS item is serialized.
  const countItems = (): Map<string, number> => {
    const made = new Map<string, number>();
    const item = RSS.item.bind(RSS);
    vi.spyOn(RSS, 'item').mockImplementation((p, d) => {
      made.set(p.slug, (made.get(p.slug) ?? 0) + 1);
      return item(p, d);
    });
    return made;
  };
  const tag = { ...doc, paths: { rss: 'tags/t/rss.xml', atom: 'tags/t/atom.xml', json: 'tags/t/feed.json' }, items: doc.items.slice(0, 1) };
  // (made whole, before any item is counted)
  const docText = rss(doc);
  const tagText = rss(tag);

  it('gives the text of the whole-string serializer, however often a document is made', () => {
    const items = new ItemTexts();
    items.plan(RSS, doc);
    items.plan(RSS, doc); // two planned uses: the first keeps each item's text, the second releases it
    for (let made = 0; made < 3; made++) expect(items.chunks(RSS, doc).join('')).toBe(rss(doc));
  });

  it('serializes an item once for the documents planned to carry it, and lets it go after its last use', () => {
    const items = new ItemTexts();
    items.plan(RSS, doc);
    items.plan(RSS, tag);
    const made = countItems();
    expect(items.chunks(RSS, doc).join('')).toBe(docText);
    expect(items.chunks(RSS, tag).join('')).toBe(tagText);
    expect(Object.fromEntries(made)).toEqual({ p1: 1, p2: 1, p3: 1 }); // p1 is in both: made once
    items.chunks(RSS, tag); // a use beyond the plan: made again (not kept after its last planned use)
    expect(made.get(tag.items[0]?.slug ?? '')).toBe(2);
  });

  it('counts a document planned after the first was made with the others of its kind', () => {
    const items = new ItemTexts();
    items.plan(RSS, doc);
    items.plan(RSS, doc);
    const made = countItems();
    items.chunks(RSS, doc); // the uses of RSS items are counted now: two
    items.plan(RSS, tag); // a third use of the first item
    items.chunks(RSS, doc);
    expect(items.chunks(RSS, tag).join('')).toBe(tagText);
    expect(Object.fromEntries(made)).toEqual({ p1: 1, p2: 1, p3: 1 });
  });

  it('feedFiles: the files a writer plans share their items, and an unplanned file is made whole', () => {
    const items = new ItemTexts();
    const [main] = feedFiles(doc, undefined, items);
    const [tagged] = feedFiles(tag, undefined, items);
    main?.plan?.();
    tagged?.plan?.();
    const made = countItems();
    expect(main?.chunks?.join('')).toBe(docText);
    expect(tagged?.chunks?.join('')).toBe(tagText);
    expect(made.get(tag.items[0]?.slug ?? '')).toBe(1); // planned twice: made once
    const [alone] = feedFiles(doc, undefined, new ItemTexts());
    expect(alone?.chunks?.join('')).toBe(docText);
  });

  it('feedFiles: contents and chunks carry the same text', () => {
    const [file] = feedFiles(doc);
    expect(file?.chunks?.join('')).toBe(rss(doc));
    expect(feedFiles(doc)[0]?.contents).toBe(rss(doc));
  });
});
