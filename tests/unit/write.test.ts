import { cp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countChanges, MANIFEST_FILE, safeRelative, writeOutput, type OutputFile, type Spare } from '../../src/output/write.js';
import { readTree, removeTempDirs, tempDir } from '../helpers/blog.js';

describe('writeOutput', () => {
  afterAll(removeTempDirs);

  it('a spare held in memory (dev) is taken by its identity, and not once it was replaced or moved away and back', async () => {
    const dir = await tempDir();
    const out = join(dir, 'dist');
    const version = (n: number): OutputFile[] => [
      { path: 'posts/a/index.html', contents: `a${n}`, key: `a${n}` },
      { path: 'posts/b/index.html', contents: 'b', key: 'b' },
    ];
    const ino = (path: string): number => statSync(path).ino;
    let spare: Spare = { dir: join(dir, 'spare'), manifest: undefined };
    let written = await writeOutput(out, version(1), 'dist', { spare });
    let previous = written.manifest;
    written = await writeOutput(out, version(2), 'dist', { previous, spare });
    previous = written.manifest;
    expect(written.spareIdentity).toMatch(/^\d+:\d+:\d+$/);
    spare = { dir: spare.dir, manifest: written.spare, ...(written.spareIdentity !== undefined && { identity: written.spareIdentity }) };
    // Taken: the spare (version 1) is brought up to date and swapped in, so the output is that very folder.
    const folder = ino(spare.dir);
    written = await writeOutput(out, version(3), 'dist', { previous, spare });
    previous = written.manifest;
    expect(ino(out)).toBe(folder);
    expect(await readFile(join(out, 'posts/a/index.html'), 'utf8')).toBe('a3');

    // Replaced by a copy with another page of B (what another build could leave there), or moved away and back:
    // not the folder recorded, so not taken, and the output is still right.
    for (const meddle of ['copy', 'move'] as const) {
      const held: Spare = { dir: spare.dir, manifest: written.spare, ...(written.spareIdentity !== undefined && { identity: written.spareIdentity }) };
      if (meddle === 'copy') {
        await cp(held.dir, `${held.dir}.copy`, { recursive: true });
        await writeFile(join(`${held.dir}.copy`, 'posts/b/index.html'), 'tampered');
        await rm(held.dir, { recursive: true });
      } else {
        await rename(held.dir, `${held.dir}.copy`);
      }
      await rename(`${held.dir}.copy`, held.dir);
      const meddled = ino(held.dir);
      const n = meddle === 'copy' ? 4 : 5;
      written = await writeOutput(out, version(n), 'dist', { previous, spare: held });
      previous = written.manifest;
      expect(ino(out)).not.toBe(meddled);
      expect(await readFile(join(out, 'posts/b/index.html'), 'utf8')).toBe('b');
      expect(await readFile(join(out, 'posts/a/index.html'), 'utf8')).toBe(`a${n}`);
    }
  });

  it('creates the folder with nested files', async () => {
    const dir = await tempDir();
    const out = join(dir, 'dist');
    await writeOutput(out, [{ path: 'a.txt', contents: 'A' }, { path: 'posts/x/index.html', contents: new Uint8Array([104, 105]) }]);
    const tree = await readTree(out);
    expect([...tree.entries()].filter(([p]) => p !== MANIFEST_FILE).map(([p, b]) => [p, b.toString()])).toEqual([['a.txt', 'A'], ['posts/x/index.html', 'hi']]);
    // Beside them, the list of what feedwright wrote there (what lets a later build replace the folder).
    expect(JSON.parse(tree.get(MANIFEST_FILE)?.toString() ?? '')).toEqual({ feedwright: 1, files: ['a.txt', 'posts/x/index.html'] });
    expect(await readdir(dir)).toEqual(['dist']); // no staging folders left behind
  });

  it('replaces the previous output as a whole: stale files disappear', async () => {
    const dir = await tempDir();
    const out = join(dir, 'dist');
    await writeOutput(out, [{ path: 'posts/deleted-post/index.html', contents: 'old' }, { path: 'rss.xml', contents: 'old' }]);
    await writeOutput(out, [{ path: 'rss.xml', contents: 'new' }]);
    expect([...(await readTree(out)).keys()]).toEqual([MANIFEST_FILE, 'rss.xml']);
    expect(await readFile(join(out, 'rss.xml'), 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['dist']);
  });

  it('leaves the previous output untouched when a file cannot be written', async () => {
    const dir = await tempDir();
    const out = join(dir, 'dist');
    await writeOutput(out, [{ path: 'rss.xml', contents: 'v1' }]);
    await expect(writeOutput(out, [{ path: 'rss.xml', contents: 'v2' }, { path: '../escape.txt', contents: 'x' }])).rejects.toThrow(/outside the output folder/);
    expect(await readFile(join(out, 'rss.xml'), 'utf8')).toBe('v1');
    expect(await readdir(dir)).toEqual(['dist']);
  });

  it('refuses to replace a file that is not a folder', async () => {
    const dir = await tempDir();
    const out = join(dir, 'dist');
    await writeFile(out, 'I am a file');
    await expect(writeOutput(out, [{ path: 'a', contents: 'b' }])).rejects.toThrow(/is not a folder/);
    expect(await readFile(out, 'utf8')).toBe('I am a file');
    expect(await readdir(dir)).toEqual(['dist']);
  });

  it('safeRelative rejects absolute paths and parent references', () => {
    expect(safeRelative('posts/a/index.html')).toBe(join('posts', 'a', 'index.html'));
    for (const bad of ['/etc/passwd', '..', '../x', 'a/../../x', 'x/../../y', 'a\\b', 'a\0b', '...', '..a/b']) expect(() => safeRelative(bad), bad).toThrow();
    // Paths that need normalizing are normalized; clean ones (the fast path) come back as they are.
    for (const [given, normal] of [['a//b', 'a/b'], ['./a', 'a'], ['a/./b', 'a/b'], ['a/../b', 'b'], ['a/', 'a/'], ['a/b/..', 'a'], ['a/b/.', 'a/b'],
      ['.well-known/x', '.well-known/x'], ['a/..b', 'a/..b'], ['posts/é/index.html', 'posts/é/index.html'], ['a /b', 'a /b']] as const) {
      expect(safeRelative(given), given).toBe(join(...normal.split('/')) + (normal.endsWith('/') ? '/' : ''));
    }
  });

  it('countChanges counts added, changed, removed and unkeyed files, against whichever manifest it is given', () => {
    const files = [
      { path: 'a.html', contents: 'a', key: 'ka' },
      { path: 'b.html', contents: 'b', key: 'kb2' },
      { path: 'c.html', contents: 'c' }, // no key: always counts
      { path: 'new.html', contents: 'n', key: 'kn' },
    ];
    const older = { files: { 'a.html': 'ka', 'b.html': 'kb', 'c.html': 'kc', 'gone.html': 'kg' }, dirs: {} };
    expect(countChanges(older, files)).toBe(4); // b changed, c unkeyed, new added, gone removed
    expect(countChanges(older, files)).toBe(4); // counted again: the same
    // The same list against another manifest (dev's next save compares with the output it last wrote): not the first count.
    const newer = { files: { 'a.html': 'ka', 'b.html': 'kb2', 'c.html': 'kc', 'new.html': 'kn' }, dirs: {} };
    expect(countChanges(newer, files)).toBe(1);
    expect(countChanges(older, [...files])).toBe(4);
    // Nothing changed, nothing is counted; a file gone is counted even when another path is given twice (no write
    // takes such a list, but "nothing changed" must never hide a file that is gone).
    const same = [{ path: 'a.html', contents: 'a', key: 'ka' }, { path: 'b.html', contents: 'b', key: 'kb' }];
    expect(countChanges({ files: { 'a.html': 'ka', 'b.html': 'kb' }, dirs: {} }, same)).toBe(0);
    expect(countChanges({ files: { 'a.html': 'ka', 'gone.html': 'kg' }, dirs: {} }, [same[0], { ...same[0] }].map((f) => f as OutputFile))).toBeGreaterThan(0);
    // A path that is a name of Object.prototype is a file like any other.
    expect(countChanges({ files: { constructor: 'k' }, dirs: {} }, [{ path: 'constructor', contents: '', key: 'k' }])).toBe(0);
    expect(countChanges({ files: {}, dirs: {} }, [{ path: 'constructor', contents: '', key: 'k' }])).toBe(1);
  });
});
