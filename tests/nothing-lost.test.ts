import { spawn, spawnSync } from 'node:child_process';
import { existsSync, watch } from 'node:fs';
import { mkdir, readdir, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { safeRelative, writeOutput } from '../src/write.js';
import { compiledCli, makeProject, post, removeCompiledCli, removeProjects, runCli, snapshotTree } from './helpers/cli-project.js';

/** The output folder is replaced only by a complete build, atomically; nothing outside it is ever touched. */

afterAll(removeCompiledCli);
afterAll(removeProjects);

/** Many small posts, so that writing them takes long enough to be interrupted. */
function manyPosts(count: number, title: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) files[`posts/p${i}.md`] = post(`${title} ${i}`, '2024-01-31T09:00:00Z', `Post **${i}**.`);
  return files;
}

/** A pid that surely belongs to no running process: one that has just exited. */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '']).pid;
  if (pid === undefined) throw new Error('could not start node');
  return pid;
}

/** Sibling entries of the output folder that a build may leave behind (dist.tmp-…, dist.old-…, dist.lock). */
async function leftovers(root: string): Promise<string[]> {
  return (await readdir(root)).filter((name) => name.startsWith('dist.')).sort();
}

describe('a build killed while writing', () => {
  it('leaves the previous dist/ byte for byte, and the next build recovers and cleans up', async () => {
    const bin = await compiledCli();
    const root = await makeProject(manyPosts(20, 'Old'));
    expect((await runCli(root, ['build'])).code).toBe(0);
    const before = await snapshotTree(join(root, 'dist'));

    // A new, much larger build: 600 pages to write.
    for (const [path, text] of Object.entries(manyPosts(600, 'New'))) await writeFile(join(root, path), text);
   
    const child = spawn(process.execPath, [bin, 'build'], { cwd: root, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | number | null>((done) => child.on('exit', (code, signal) => done(signal ?? code)));
    // Freeze the child the moment its staging folder appears, look, then kill it.
    const staging = await new Promise<string>((found, failed) => {
      const watcher = watch(root, (_event, name) => {
        if (name?.startsWith('dist.tmp-')) {
          child.kill('SIGSTOP');
          watcher.close();
          found(name);
        }
      });
      void exited.then(() => {
        watcher.close();
        failed(new Error('the build finished before it could be interrupted'));
      });
    });
    // Let it write its first pages, so it is killed mid-write rather than at its first step.
   
    child.kill('SIGCONT');
    await new Promise<void>((wrote) => {
      const poll = (): void => {
        if (existsSync(join(root, staging, 'posts/p0/index.html'))) wrote();
        else setTimeout(poll, 2);
      };
      poll();
    });
   
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const written = Object.keys(await snapshotTree(join(root, staging))).filter((p) => p.endsWith('index.html'));
    expect(written.length).toBeGreaterThan(0);
    expect(written.length).toBeLessThan(601); // it really was half-way
    expect(await snapshotTree(join(root, 'dist'))).toEqual(before);
    expect(await leftovers(root)).toContain(staging);

    // The next build takes no notice of the wreck, replaces dist/ and removes the leftovers.
   
    const next = await runCli(root, ['build']);
    expect(next.code).toBe(0);
    expect(await leftovers(root)).toEqual([]);
    const after = await snapshotTree(join(root, 'dist'));
    expect(Object.keys(after).filter((p) => /^posts\/p\d+\/index\.html$/.test(p))).toHaveLength(600);
  }, 120_000);

  it('killed between its two renames (dist/ gone, dist.old-… left): the next build puts dist/ back, even when it fails', async () => {
    const root = await makeProject({ 'posts/a.md': post('A') });
    expect((await runCli(root, ['build'])).code).toBe(0);
    const before = await snapshotTree(join(root, 'dist'));
    const pid = deadPid();
    await rename(join(root, 'dist'), join(root, `dist.old-${pid}-0badf00d`));
    await mkdir(join(root, `dist.tmp-${pid}-0ddba11a`, 'posts'), { recursive: true });
    await writeFile(join(root, 'dist.lock'), String(pid)); // its lock, too

    await writeFile(join(root, 'posts/b.md'), '---\ntitle: B\n---\n'); // this build fails: missing date
    const check = await runCli(root, ['check']);
    expect(check.code).toBe(1);
    expect(await leftovers(root)).toHaveLength(3); // check writes nothing, repairs included
    const failed = await runCli(root, ['build']);
    expect(failed.code).toBe(1);
    expect(await snapshotTree(join(root, 'dist'))).toEqual(before);
    expect(await leftovers(root)).toEqual([]);
  });
});

describe('concurrent builds', () => {
  it('two builds started at once both succeed and leave exactly what one clean build writes', async () => {
    const bin = await compiledCli();
    const root = await makeProject(manyPosts(100, 'Same'));
    expect((await runCli(root, ['build', '--out', 'clean'])).code).toBe(0);
    const clean = await snapshotTree(join(root, 'clean'));
    const run = (): Promise<number | null> => new Promise((done) => {
      spawn(process.execPath, [bin, 'build'], { cwd: root, stdio: 'ignore' }).on('exit', (code) => done(code));
    });
    expect(await Promise.all([run(), run(), run()])).toEqual([0, 0, 0]);
    expect(await snapshotTree(join(root, 'dist'))).toEqual(clean);
    expect(await leftovers(root)).toEqual([]);
  }, 120_000);
});

describe('many writers at once (in one process, so their renames interleave at every await)', () => {
  it('each swap is whole: dist/ ends as exactly one writer\'s output, every writer succeeds, nothing is left over', async () => {
    const root = await makeProject({});
    const outputs = Array.from({ length: 12 }, (_, w) => [
      { path: 'index.html', contents: `writer ${w}` },
      ...Array.from({ length: 20 }, (_, i) => ({ path: `posts/p${i}/index.html`, contents: `writer ${w} page ${i}` })),
    ]);
    await Promise.all(outputs.map((files) => writeOutput(join(root, 'dist'), files)));
    const tree = await snapshotTree(join(root, 'dist'));
    const winner = Buffer.from(tree['index.html'] ?? '', 'base64').toString();
    const expected = outputs[Number(winner.slice('writer '.length))] ?? [];
    const files = Object.entries(tree).filter(([, v]) => v !== '<dir>');
    expect(Object.fromEntries(files.map(([p, v]) => [p, Buffer.from(v, 'base64').toString()])))
      .toEqual(Object.fromEntries(expected.map((f) => [f.path, f.contents])));
    expect(await leftovers(root)).toEqual([]);
  });
});

describe('never writes or deletes outside the output folder', () => {
  it('links inside the previous dist/ are removed as links; what they point to is untouched', async () => {
    const root = await makeProject({ 'posts/a.md': post('A'), 'outside/keep.txt': 'precious', 'outside/sub/deep.txt': 'also precious' });
    expect((await runCli(root, ['build'])).code).toBe(0);
    await symlink(join(root, 'outside'), join(root, 'dist/linked-folder'));
    await symlink(join(root, 'outside/keep.txt'), join(root, 'dist/posts/linked-file'));
    const outside = await snapshotTree(join(root, 'outside'));
    expect((await runCli(root, ['build'])).code).toBe(0);
    expect(await snapshotTree(join(root, 'outside'))).toEqual(outside);
    expect(Object.keys(await snapshotTree(join(root, 'dist')))).not.toContain('linked-folder');
  });

  it('an output folder that is a symbolic link, or a folder of other files, is refused (exit 2, as for any refused --out) and left alone', async () => {
    const root = await makeProject({ 'posts/a.md': post('A'), 'real/keep.txt': 'x', 'src/main.ts': 'code', 'a-file': 'x' });
    await symlink(join(root, 'real'), join(root, 'dist'));
    const before = await snapshotTree(root);
    for (const command of ['build', 'check']) {
      expect(await runCli(root, [command])).toMatchObject({
        code: 2, stdout: '', stderr: 'feedwright: dist is a symbolic link; feedwright replaces its output folder as a whole, so pass the real folder with --out\n',
      });
      expect(await runCli(root, [command, '--out', 'src'])).toMatchObject({
        code: 2, stdout: '', stderr: 'feedwright: src holds files feedwright did not write (it has no index.html) and would be replaced as a whole; empty it or choose another --out\n',
      });
      expect(await runCli(root, [command, '--out', 'a-file'])).toMatchObject({ code: 2, stdout: '', stderr: 'feedwright: a-file exists and is not a folder\n' });
    }
    expect(await snapshotTree(root)).toEqual(before);
  });

  it('output paths that climb out of the folder are refused before anything is created', async () => {
    for (const bad of ['../evil.html', '/etc/evil', 'posts/../../evil', 'a\\..\\..\\evil', 'a/\0/b']) {
      expect(() => safeRelative(bad)).toThrow(/refusing to write outside the output folder/);
    }
    const root = await makeProject({});
    await expect(writeOutput(join(root, 'dist'), [{ path: 'ok.html', contents: 'ok' }, { path: '../evil.html', contents: 'x' }]))
      .rejects.toThrow(/refusing to write outside/);
    expect(await readdir(root)).toEqual(['package.json', 'posts']);
  });

  it('a stale lock from a killed build does not block the next one', async () => {
    const root = await makeProject({ 'posts/a.md': post('A') });
    await writeFile(join(root, 'dist.lock'), String(deadPid()));
    expect((await runCli(root, ['build'])).code).toBe(0);
    expect(await leftovers(root)).toEqual([]);
  });
});
