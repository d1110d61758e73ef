import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../src/config/config.js';
import { feedFiles } from '../../src/build.js';
import { ItemBytes } from '../../src/feeds/chunks.js';
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
    ];
    await writeNewFiles(root, files.map((file) => ({ file, to: join(root, file.path) })));
    const tree = await readTree(root);
    texts.forEach((text, i) => expect(tree.get(`posts/p${i}/index.html`)?.toString('utf8')).toBe(text));
    expect(tree.get('big.txt')?.toString('utf8')).toBe(big);
    expect([...(tree.get('raw.bin') ?? [])]).toEqual([0, 1, 2]);
    expect(tree.get('a/b/c/chunked.txt')?.toString('utf8')).toBe('hello'); // chunks win over contents
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

describe('feed documents as shared item bytes', () => {
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

  it('gives the bytes of the whole-string serializer, however often a document is made', () => {
    const items = new ItemBytes();
    items.plan(RSS, doc);
    items.plan(RSS, doc); // two planned uses: the first keeps each item's bytes, the second releases them
    for (let made = 0; made < 3; made++) expect(Buffer.concat(items.chunks(RSS, doc)).toString('utf8')).toBe(rss(doc));
  });

  it('shares one item buffer between the documents that carry the post', () => {
    const items = new ItemBytes();
    const other = { ...doc, paths: { rss: 'tags/t/rss.xml', atom: 'tags/t/atom.xml', json: 'tags/t/feed.json' }, items: doc.items.slice(0, 1) };
    items.plan(RSS, doc);
    items.plan(RSS, other);
    const first = items.chunks(RSS, doc);
    const second = items.chunks(RSS, other);
    expect(second[1]).toBe(first[1]); // the same Buffer object: serialized and encoded once
    expect(items.chunks(RSS, other)[1]).not.toBe(first[1]); // after its last planned use it is not kept
  });

  it('counts a document planned after the first was made with the others of its kind', () => {
    const items = new ItemBytes();
    const other = { ...doc, paths: { rss: 'tags/t/rss.xml', atom: 'tags/t/atom.xml', json: 'tags/t/feed.json' }, items: doc.items.slice(0, 1) };
    items.plan(RSS, doc);
    items.plan(RSS, doc);
    const first = items.chunks(RSS, doc); // the uses of RSS items are counted now: two
    items.plan(RSS, other); // a third use of the first item
    expect(items.chunks(RSS, doc)[1]).toBe(first[1]);
    expect(items.chunks(RSS, other)[1]).toBe(first[1]);
    expect(Buffer.concat(items.chunks(RSS, other)).toString('utf8')).toBe(rss(other));
  });

  it('feedFiles: the files a writer plans share their items, and an unplanned file is made whole', () => {
    const items = new ItemBytes();
    const tag = { ...doc, paths: { rss: 'tags/t/rss.xml', atom: 'tags/t/atom.xml', json: 'tags/t/feed.json' }, items: doc.items.slice(0, 1) };
    const [main] = feedFiles(doc, undefined, items);
    const [tagged] = feedFiles(tag, undefined, items);
    main?.plan?.();
    tagged?.plan?.();
    const first = main?.chunks ?? [];
    expect(tagged?.chunks?.[1]).toBe(first[1]); // planned twice: made once
    const [alone] = feedFiles(doc, undefined, new ItemBytes());
    expect(Buffer.concat(alone?.chunks ?? []).toString('utf8')).toBe(rss(doc));
    expect(Buffer.concat(first).toString('utf8')).toBe(rss(doc));
  });

  it('feedFiles: contents and chunks carry the same bytes', () => {
    const [file] = feedFiles(doc);
    expect(Buffer.concat(file?.chunks ?? []).toString('utf8')).toBe(rss(doc));
    expect(Buffer.from(file?.contents ?? '').toString('utf8')).toBe(rss(doc));
  });
});
