import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MANIFEST_FILE, safeRelative, writeOutput } from '../../src/output/write.js';
import { readTree, removeTempDirs, tempDir } from '../helpers/blog.js';

describe('writeOutput', () => {
  afterAll(removeTempDirs);

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
    for (const bad of ['/etc/passwd', '..', '../x', 'a/../../x']) expect(() => safeRelative(bad), bad).toThrow();
  });
});
