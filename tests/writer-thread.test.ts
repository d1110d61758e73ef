import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutputFile } from '../src/output/file.js';
import type * as WriteFiles from '../src/output/write-files.js';
import { compiledCli, removeCompiledCli } from './helpers/cli-project.js';
import { readTree, removeTempDirs, tempDir } from './helpers/blog.js';

/**
 * The writer thread (output/writer-thread.ts) of a first build: it runs only from the compiled code (a worker
 * needs a .js file), so these tests load the compiled write-files.js and force the thread on.
 */
let writeNewFiles: typeof WriteFiles.writeNewFiles;

beforeAll(async () => {
  const cli = await compiledCli();
  ({ writeNewFiles } = (await import(pathToFileURL(join(dirname(cli), '..', 'output', 'write-files.js')).href)) as typeof WriteFiles);
}, 120_000);
afterAll(async () => {
  await removeTempDirs();
  await removeCompiledCli();
});

const jobs = (root: string, files: readonly OutputFile[]): { file: OutputFile; to: string }[] => files.map((file) => ({ file, to: join(root, file.path) }));

describe('writeNewFiles through the writer thread', () => {
  it('writes every kind of file exactly, across batches and buffers, with the folders they need', async () => {
    const root = await tempDir();
    const source = join(await tempDir(), 'source.bin');
    await writeFile(source, Buffer.from([9, 8, 7]));
    const shared = Buffer.from('<item>é</item>');
    const texts = Array.from({ length: 600 }, (_, i) => `file ${i}: ${'é€😀'.repeat(i % 50)}`);
    const big = 'x'.repeat(1_500_000) + '€'; // more than a batch's buffer
    const files: OutputFile[] = [
      ...texts.map((contents, i) => ({ path: `posts/p${i}/index.html`, contents })),
      { path: 'big.txt', contents: big },
      { path: 'empty.txt', contents: '' },
      { path: 'raw.bin', contents: new Uint8Array([0, 1, 2]) },
      { path: 'a/b/c/feed.xml', contents: 'unused', chunks: [Buffer.from('<feed>'), shared, shared, Buffer.from('</feed>')] },
      // text pieces (a feed's items) mixed with bytes: each file of a batch is encoded straight into its buffer,
      // and one that does not fit in what is left of it starts the next batch
      ...texts.slice(0, 40).map((text, i) => ({ path: `feeds/f${i}.xml`, contents: 'unused', chunks: ['<feed>', text.repeat(500), shared, '</feed>'] })),
      { path: 'feeds/big.xml', contents: 'unused', chunks: ['€'.repeat(200_000), shared, 'z'.repeat(900_000)] },
      { path: 'copied/source.bin', contents: '', copyOf: source },
    ];
    // The thread writes batches while this one makes the next files: when file 100 is made, 99 is not written yet
    // (the single-thread writer would have written it).
    let seenBefore: boolean | undefined;
    files[100] = { path: 'posts/p100/index.html', get contents(): string {
      seenBefore = existsSync(join(root, 'posts/p99/index.html'));
      return texts[100] ?? '';
    } };
    await writeNewFiles(root, jobs(root, files), true);
    expect(seenBefore).toBe(false);
    const tree = await readTree(root);
    texts.forEach((text, i) => expect(tree.get(`posts/p${i}/index.html`)?.toString('utf8')).toBe(text));
    expect(tree.get('big.txt')?.toString('utf8')).toBe(big);
    expect(tree.get('empty.txt')?.length).toBe(0);
    expect([...(tree.get('raw.bin') ?? [])]).toEqual([0, 1, 2]);
    expect(tree.get('a/b/c/feed.xml')?.toString('utf8')).toBe('<feed><item>é</item><item>é</item></feed>');
    texts.slice(0, 40).forEach((text, i) => expect(tree.get(`feeds/f${i}.xml`)?.toString('utf8')).toBe(`<feed>${text.repeat(500)}<item>é</item></feed>`));
    expect(tree.get('feeds/big.xml')?.toString('utf8')).toBe(`${'€'.repeat(200_000)}<item>é</item>${'z'.repeat(900_000)}`);
    expect([...(tree.get('copied/source.bin') ?? [])]).toEqual([9, 8, 7]);
    expect(tree.size).toBe(files.length);
    expect([...shared]).toEqual([...Buffer.from('<item>é</item>')]); // the shared pieces are still there
  });

  it('stops at the first file it cannot create, writes nothing after it, and throws the system error', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'f'), { recursive: true });
    await writeFile(join(root, 'f', '300.txt'), 'someone else');
    const files: OutputFile[] = Array.from({ length: 600 }, (_, i) => ({ path: `f/${i}.txt`, contents: `${i}` }));
    await expect(writeNewFiles(root, jobs(root, files), true)).rejects.toMatchObject({ code: 'EEXIST' });
    const names = new Set(await readdir(join(root, 'f')));
    for (let i = 0; i < 300; i++) expect(names.has(`${i}.txt`)).toBe(true);
    for (let i = 301; i < 600; i++) expect(names.has(`${i}.txt`)).toBe(false);
    expect(await readFile(join(root, 'f', '300.txt'), 'utf8')).toBe('someone else');
  });

  it('throws what failed to be made once every file before it is written, and nothing after it is', async () => {
    const root = await tempDir();
    const files: OutputFile[] = Array.from({ length: 600 }, (_, i) => (i === 450
      ? { path: `f/${i}.txt`, get contents(): string { throw new Error('serializer failed'); } }
      : { path: `f/${i}.txt`, contents: `${i}` }));
    await expect(writeNewFiles(root, jobs(root, files), true)).rejects.toThrow('serializer failed');
    const names = new Set(await readdir(join(root, 'f')));
    expect(names.size).toBe(450);
    for (let i = 0; i < 450; i++) expect(names.has(`${i}.txt`)).toBe(true);
  });

  it('reports the earlier of two failures: a file it could not create before a file that could not be made', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'f'), { recursive: true });
    await writeFile(join(root, 'f', '10.txt'), 'someone else');
    const files: OutputFile[] = Array.from({ length: 600 }, (_, i) => (i === 500
      ? { path: `f/${i}.txt`, get contents(): string { throw new Error('serializer failed'); } }
      : { path: `f/${i}.txt`, contents: `${i}` }));
    await expect(writeNewFiles(root, jobs(root, files), true)).rejects.toMatchObject({ code: 'EEXIST' });
  });
});
