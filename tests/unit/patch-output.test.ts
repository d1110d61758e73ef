import * as fs from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { patchOutput, type FolderRecord } from '../../src/output/patch-output.js';
import { foldersAsLeft } from '../../src/output/owner.js';
import { writeOutput, type OutputFile } from '../../src/output/write.js';
import { readTree, removeTempDirs, tempDir } from '../helpers/blog.js';

// renameSync fails at the calls `fail.at` (counted from 0): a disk that fails mid-patch.
const fail = vi.hoisted(() => ({ at: [] as number[], calls: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const renameSync: typeof real.renameSync = (from, to) => {
    if (fail.at.includes(fail.calls++)) throw Object.assign(new Error(`EIO: i/o error, rename '${String(from)}'`), { code: 'EIO' });
    real.renameSync(from, to);
  };
  return { ...real, default: { ...real, renameSync }, renameSync };
});

const FILES: OutputFile[] = [
  { path: 'feed.xml', contents: '<rss>1</rss>', key: 'f1' },
  { path: 'posts/a/index.html', contents: 'a1', key: 'a1' },
  { path: 'posts/b/index.html', contents: 'b1', key: 'b1' },
  { path: 'posts/c/index.html', contents: 'c1', key: 'c1' },
];

/** An output written by a build, and its folders' record as the build's record keeps it (lists). */
async function output(): Promise<{ out: string; record: FolderRecord }> {
  const out = join(await tempDir(), 'dist');
  const { manifest } = await writeOutput(out, FILES, 'dist');
  return { out, record: { dirs: Object.keys(manifest.dirs), mtimes: Object.values(manifest.dirs) } };
}

/** What is beside the output folder (a patch leaves nothing there). */
async function beside(out: string): Promise<string[]> {
  return (await readdir(dirname(out))).filter((name) => name !== 'dist').sort();
}

describe('patchOutput', () => {
  afterAll(removeTempDirs);
  afterEach(() => {
    fail.at = [];
    fail.calls = 0;
  });

  it('replaces the files where they are, leaves every other file as it was, and gives the new mtimes of their folders', async () => {
    const { out, record } = await output();
    const inode = (path: string): number => fs.statSync(join(out, path)).ino;
    const kept = inode('posts/b/index.html');
    const touched = await patchOutput(out, record, (replace) => replace([
      { path: 'posts/a/index.html', contents: 'a2', key: 'a2' },
      { path: 'feed.xml', contents: '<rss>2</rss>', key: 'f2' },
    ]));
    const tree = await readTree(out);
    expect(tree.get('posts/a/index.html')?.toString()).toBe('a2');
    expect(tree.get('feed.xml')?.toString()).toBe('<rss>2</rss>');
    expect(tree.get('posts/b/index.html')?.toString()).toBe('b1');
    expect(inode('posts/b/index.html')).toBe(kept);
    expect([...(touched?.keys() ?? [])].sort()).toEqual(['', 'posts/a']);
    for (const [dir, mtime] of touched ?? []) expect(fs.lstatSync(join(out, dir)).mtimeMs).toBe(mtime);
    // The record with those mtimes describes the output as it is now; the old one no longer does.
    const mtimes = record.mtimes.map((m, i) => touched?.get(record.dirs[i] ?? '') ?? m);
    expect(foldersAsLeft(out, record.dirs, mtimes)).toBe(true);
    expect(foldersAsLeft(out, record.dirs, record.mtimes)).toBe(false);
    expect(await beside(out)).toEqual([]);
  });

  it('changes nothing when a folder of the output changed since the record (a file added, or deleted, by hand)', async () => {
    for (const meddle of ['add', 'delete'] as const) {
      const { out, record } = await output();
      if (meddle === 'add') await writeFile(join(out, 'posts/c/mine.txt'), 'mine');
      else fs.rmSync(join(out, 'posts/c/index.html'));
      const before = await readTree(out);
      let ran = false;
      expect(await patchOutput(out, record, (replace) => {
        ran = true;
        return replace([{ path: 'posts/a/index.html', contents: 'a2', key: 'a2' }]);
      }), meddle).toBeUndefined();
      expect(ran, meddle).toBe(false);
      expect(await readTree(out), meddle).toEqual(before);
      expect(await beside(out), meddle).toEqual([]);
    }
  });

  it('puts back the files already replaced when a rename fails, and leaves nothing beside the output', async () => {
    const { out, record } = await output();
    const before = await readTree(out);
    fail.at = [2]; // the first two files are in place by then
    await expect(patchOutput(out, record, (replace) => replace([
      { path: 'posts/a/index.html', contents: 'a2', key: 'a2' },
      { path: 'posts/b/index.html', contents: 'b2', key: 'b2' },
      { path: 'posts/c/index.html', contents: 'c2', key: 'c2' },
    ]))).rejects.toThrow(/EIO/);
    expect(fail.calls).toBeGreaterThan(2);
    expect(await readTree(out)).toEqual(before);
    expect(await beside(out)).toEqual([]);
  });

  it('keeps the old bytes of a file it cannot put back, beside the output, for a later build to remove', async () => {
    const { out, record } = await output();
    fail.at = [2, 3]; // the third file's rename fails, and so does putting back the second
    await expect(patchOutput(out, record, (replace) => replace([
      { path: 'posts/a/index.html', contents: 'a2', key: 'a2' },
      { path: 'posts/b/index.html', contents: 'b2', key: 'b2' },
      { path: 'posts/c/index.html', contents: 'c2', key: 'c2' },
    ]))).rejects.toThrow(/EIO/);
    const tree = await readTree(out);
    expect(tree.get('posts/a/index.html')?.toString()).toBe('a1'); // put back
    expect(tree.get('posts/b/index.html')?.toString()).toBe('b2'); // could not be
    const left = await beside(out);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^dist\.tmp-\d+-[0-9a-f]{8}$/);
    expect(await readFile(join(dirname(out), left[0] as string, 'old-1'), 'utf8')).toBe('b1');
    // (no longer running, its process's leftover is what recoverOutput removes: see tests/nothing-lost.test.ts)
    expect(foldersAsLeft(out, record.dirs, record.mtimes)).toBe(false);
  });

  it('writes nothing when a file cannot be made, and refuses paths outside the output or its own list', async () => {
    const { out, record } = await output();
    const before = await readTree(out);
    const broken: OutputFile = { path: 'posts/b/index.html', key: 'b2', get contents(): string { throw new Error('a serializer failed'); } };
    const patching = (files: OutputFile[]): Promise<unknown> => patchOutput(out, record, (replace) => replace(files));
    await expect(patching([{ path: 'posts/a/index.html', contents: 'a2', key: 'a2' }, broken])).rejects.toThrow('a serializer failed');
    await expect(patching([{ path: '../outside.txt', contents: 'x', key: 'x' }])).rejects.toThrow(/outside the output folder/);
    await expect(patching([{ path: '.feedwright-manifest.json', contents: '{}', key: 'x' }])).rejects.toThrow(/feedwright's own list/);
    expect(await readTree(out)).toEqual(before);
    expect(await beside(out)).toEqual([]);
    expect(await readFile(join(out, 'posts/a/index.html'), 'utf8')).toBe('a1');
  });
});
