import { execFile, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, statSync, watch } from 'node:fs';
import { mkdir, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { manifestText } from '../src/output/owner.js';
import { MANIFEST_FILE, safeRelative, writeOutput } from '../src/output/write.js';
import { compiledCli, frozenAtStaging, makeProject, post, removeCompiledCli, removeProjects, runCli, snapshotTree } from './helpers/cli-project.js';

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
    const staging = await frozenAtStaging(root, child, exited);
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

  it('Ctrl+C (SIGINT, or SIGTERM) ends a build at once, leaves the previous dist/ byte for byte, and the next build cleans up', async () => {
    const bin = await compiledCli();
    const root = await makeProject(manyPosts(20, 'Old'));
    expect((await runCli(root, ['build'])).code).toBe(0);
    const before = await snapshotTree(join(root, 'dist'));
    for (const [path, text] of Object.entries(manyPosts(600, 'New'))) await writeFile(join(root, path), text);
    for (const name of ['SIGINT', 'SIGTERM'] as const) {
      const child = spawn(process.execPath, [bin, 'build'], { cwd: root, stdio: 'ignore' });
      const exited = new Promise<NodeJS.Signals | number | null>((done) => child.on('exit', (code, signal) => done(signal ?? code)));
      // Interrupted the moment its staging folder appears: mid-build, with hundreds of pages still to write.
      await frozenAtStaging(root, child, exited);
      child.kill(name);
      child.kill('SIGCONT');
      expect(await exited).toBe(name); // ended by the signal, not by finishing the build (exit 0)
      expect(await snapshotTree(join(root, 'dist'))).toEqual(before);
    }
    const next = await runCli(root, ['build']);
    expect(next.code).toBe(0);
    expect(await leftovers(root)).toEqual([]);
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
    const files = Object.entries(tree).filter(([p, v]) => v !== '<dir>' && p !== MANIFEST_FILE);
    expect(Object.fromEntries(files.map(([p, v]) => [p, Buffer.from(v, 'base64').toString()])))
      .toEqual(Object.fromEntries(expected.map((f) => [f.path, f.contents])));
    expect(Buffer.from(tree[MANIFEST_FILE] ?? '', 'base64').toString()).toBe(manifestText(expected.map((f) => f.path)));
    expect(await leftovers(root)).toEqual([]);
  });
});

describe('never writes or deletes outside the output folder', () => {
  it('links put inside dist/ are not followed: the build refuses to replace it, naming one, and touches nothing', async () => {
    const root = await makeProject({ 'posts/a.md': post('A'), 'outside/keep.txt': 'precious', 'outside/sub/deep.txt': 'also precious' });
    expect((await runCli(root, ['build'])).code).toBe(0);
    await symlink(join(root, 'outside'), join(root, 'dist/linked-folder'));
    await symlink(join(root, 'outside/keep.txt'), join(root, 'dist/posts/linked-file'));
    const before = await snapshotTree(root);
    const refused = await runCli(root, ['build']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('dist/linked-folder was not written by feedwright');
    expect(await snapshotTree(root)).toEqual(before);
  });

  it('an output folder that is a symbolic link, a file, or a folder of other files is refused (exit 2, as for any refused --out) and left alone', async () => {
    const root = await makeProject({ 'posts/a.md': post('A'), 'real/keep.txt': 'x', 'src/main.ts': 'code', 'a-file': 'x' });
    await symlink(join(root, 'real'), join(root, 'dist'));
    const before = await snapshotTree(root);
    for (const command of ['build', 'check']) {
      expect(await runCli(root, [command])).toMatchObject({
        code: 2, stdout: '', stderr: 'feedwright: dist is a symbolic link; feedwright replaces its output folder as a whole, so pass the real folder with --out\n',
      });
      expect(await runCli(root, [command, '--out', 'src'])).toMatchObject({
        code: 2, stdout: '', stderr: `feedwright: src is not empty and has no ${MANIFEST_FILE}, so it is not an output of feedwright (it holds src/main.ts); `
          + 'feedwright replaces its output folder as a whole and never deletes what it did not write: choose another --out, or empty src '
          + '(an output of a feedwright without that file is replaced once it is deleted)\n',
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

/** Run the compiled CLI as its own process (so its pid is gone afterwards, as a real build's is). */
function runBin(bin: string, cwd: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { cwd }, (error, stdout, stderr) => {
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/**
 * Make the files in folder `dir` impossible to delete, for real: as root, with the immutable flag (permissions
 * do not stop root); otherwise by taking away write permission. Returns the undo (given where the folder is by
 * then), or undefined if neither works here.
 */
function undeletable(dir: string): ((movedTo: string) => void) | undefined {
  if (process.getuid?.() === 0) {
    if (spawnSync('chattr', ['+i', dir]).status !== 0) return undefined;
    return (movedTo) => void spawnSync('chattr', ['-i', movedTo]);
  }
  chmodSync(dir, 0o555);
  return (movedTo) => chmodSync(movedTo, 0o755);
}

describe('an old output that cannot be deleted', () => {
  // (Without the cache: with it, the old output is kept as the spare instead of deleted; see the test below.)
  it('the build says what happened (new output in place, exit 0, the leftover named), and never blocks a later build', async (ctx) => {
    const bin = await compiledCli();
    const root = await makeProject({ 'posts/a.md': post('A'), 'posts/b.md': post('B') });
    expect((await runBin(bin, root, ['build', '--no-cache'])).code).toBe(0);
    const undo = undeletable(join(root, 'dist/posts/a'));
    if (!undo) return ctx.skip();
    let trash = 'dist';
    try {
      await writeFile(join(root, 'posts/c.md'), post('C'));
      const first = await runBin(bin, root, ['build', '--no-cache']);
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/^Built 3 posts into dist\//);
      expect(first.stderr).toMatch(/^feedwright: the new output is in place, but the previous one could not be removed \(.+\); it is left as dist\.trash-\d+-[0-9a-f]{8}, and every build tries again to remove it\n$/);
      expect((await runBin(bin, root, ['build', '--no-cache', '--out', 'clean'])).code).toBe(0);
      expect(await snapshotTree(join(root, 'dist'))).toEqual(await snapshotTree(join(root, 'clean')));
      trash = (await leftovers(root))[0] ?? '';
      expect(await leftovers(root)).toEqual([expect.stringMatching(/^dist\.trash-/)]);
      expect(first.stderr).toMatch(/\(EPERM: operation not permitted, unlink '.*\/index\.html'\)|\(EACCES: permission denied, unlink '.*\/index\.html'\)/);

      // Every later build works, saying again what it could not remove.
      for (const name of ['d', 'e']) {
        await writeFile(join(root, `posts/${name}.md`), post(name.toUpperCase()));
        const later = await runBin(bin, root, ['build', '--no-cache']);
        expect(later.code).toBe(0);
        expect(later.stderr).toContain(`feedwright: could not remove ${trash}, left beside the output by an earlier build`);
        expect(later.stdout).toMatch(/^Built \d posts into dist\//);
      }
    } finally {
      undo(join(root, trash, 'posts/a'));
    }
    // Once it can be removed, the next build does, without a word.
    const last = await runBin(bin, root, ['build', '--no-cache']);
    expect(last).toMatchObject({ code: 0, stderr: '' });
    expect(await leftovers(root)).toEqual([]);
  }, 60_000);
});

describe('the spare output (the output before last, kept in the cache for the next build)', () => {
  it('is brought up to date and swapped in, touching only what changed; one that cannot be is set aside, and the output is still right', async (ctx) => {
    const bin = await compiledCli();
    const root = await makeProject({ 'posts/a.md': post('A'), 'posts/b.md': post('B') });
    expect((await runBin(bin, root, ['build'])).code).toBe(0);
    await writeFile(join(root, 'posts/c.md'), post('C'));
    expect((await runBin(bin, root, ['build'])).code).toBe(0); // the first output is now the spare
    const spares = join(root, 'node_modules/.cache/feedwright/spare');
    const [spare] = await readdir(spares);
    if (spare === undefined) throw new Error('no spare kept');
    // The spare holds the first output: the page of B, which no build changed since, is the same file in both.
    const inode = (path: string): number => statSync(path).ino;
    expect(existsSync(join(spares, spare, 'posts/c/index.html'))).toBe(false);
    expect(inode(join(spares, spare, 'posts/b/index.html'))).toBe(inode(join(root, 'dist/posts/b/index.html')));
    await writeFile(join(root, 'posts/d.md'), post('D'));
    expect((await runBin(bin, root, ['build'])).code).toBe(0);
    expect(inode(join(root, 'dist/posts/b/index.html'))).toBe(inode(join(spares, spare, 'posts/b/index.html')));
    expect((await runBin(bin, root, ['build', '--no-cache', '--out', 'clean'])).code).toBe(0);
    expect(await snapshotTree(join(root, 'dist'))).toEqual(await snapshotTree(join(root, 'clean')));
    // With nothing changed, nothing is written: the output is the same folder as before.
    const folder = inode(join(root, 'dist'));
    expect((await runBin(bin, root, ['build'])).code).toBe(0);
    expect(inode(join(root, 'dist'))).toBe(folder);
    expect(await snapshotTree(join(root, 'dist'))).toEqual(await snapshotTree(join(root, 'clean')));

    // A spare whose page of A must change but cannot (its folder may not be written to) is set aside.
    const [now] = await readdir(spares);
    const undo = undeletable(join(spares, now ?? '', 'posts/a'));
    if (!undo) return ctx.skip();
    let trash = '';
    try {
      await writeFile(join(root, 'posts/a.md'), post('A, edited'));
      const edited = await runBin(bin, root, ['build']);
      expect(edited.code).toBe(0);
      expect((await runBin(bin, root, ['build', '--no-cache', '--out', 'clean'])).code).toBe(0);
      expect(await snapshotTree(join(root, 'dist'))).toEqual(await snapshotTree(join(root, 'clean')));
      trash = (await leftovers(root)).find((name) => name.startsWith('dist.trash-')) ?? '';
      expect(trash).toMatch(/^dist\.trash-/);
    } finally {
      undo(join(root, trash, 'posts/a'));
    }
  });
});

/** A small deterministic random source (the same kills every run). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('an incremental (cached) build killed at random moments', () => {
  it('leaves dist/ exactly the old or exactly the new build every time (20 kills), and the next build finishes it', async () => {
    const bin = await compiledCli();
    const count = 120;
    const root = await makeProject(manyPosts(count, 'Post'));
    expect((await runBin(bin, root, ['build'])).code).toBe(0);
    const next = random(13);
    /** Retitle a random third of the posts (pages, feeds, archives, tag pages change), remove one, add one. */
    const edit = async (round: number): Promise<void> => {
      for (let i = 0; i < count; i++) {
        if (next() < 0.33) await writeFile(join(root, `posts/p${i}.md`), post(`Post ${i} take ${round}`, '2024-01-31T09:00:00Z', `Post **${i}**.`));
      }
      await rm(join(root, `posts/p${Math.floor(next() * count)}.md`), { force: true });
      await writeFile(join(root, `posts/p${Math.floor(next() * count)}.md`), post(`Back ${round}`));
    };
    /** Start a cached build; `kill(ms)` kills it that long after its staging folder appears. Resolves how it ended and when staging began. */
    const start = (killAfter?: number): Promise<{ how: NodeJS.Signals | number | null; staged: number; ended: number }> => new Promise((done) => {
      const child = spawn(process.execPath, [bin, 'build'], { cwd: root, stdio: 'ignore' });
      let staged = Number.NaN;
      const watcher = watch(root, (_event, name) => {
        if (!name?.startsWith('dist.tmp-') || !Number.isNaN(staged)) return;
        staged = performance.now();
        if (killAfter !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfter);
      });
      child.on('exit', (code, signal) => {
        watcher.close();
        done({ how: signal ?? code, staged, ended: performance.now() });
      });
    });
    // How long a cached rebuild of this size runs once it starts writing: the kills are spread over that time.
    await edit(-1);
    const calibration = await start();
    expect(calibration.how).toBe(0);
    const span = Math.max(20, calibration.ended - calibration.staged);

    const outcomes: string[] = [];
    for (let trial = 0; trial < 20; trial++) {
      const old = await snapshotTree(join(root, 'dist'));
      await edit(trial);
      await rm(join(root, 'clean'), { recursive: true, force: true });
      expect((await runCli(root, ['build', '--no-cache', '--out', 'clean'])).code).toBe(0);
      const fresh = await snapshotTree(join(root, 'clean'));
      const delay = next() * span * 1.1;
      const { how } = await start(delay);
      // Killed between the swap's two renames, dist/ is missing and the old output is dist.old-…: the next build
      // puts it back first (see the test above), so that counts as the old output.
      const between = existsSync(join(root, 'dist')) ? undefined : (await leftovers(root)).find((name) => name.startsWith('dist.old-'));
      const now = await snapshotTree(join(root, between ?? 'dist'));
      const outcome = JSON.stringify(now) === JSON.stringify(old) ? 'old' : JSON.stringify(now) === JSON.stringify(fresh) ? 'new' : 'mixed';
      outcomes.push(`${how === 'SIGKILL' ? 'killed' : 'finished'}:${outcome}`);
      expect(outcome, `trial ${trial}, killed ${Math.round(delay)} of ${Math.round(span)} ms after staging began`).not.toBe('mixed');
      // The next build finishes the job and leaves nothing behind.
      expect((await runBin(bin, root, ['build'])).code).toBe(0);
      expect(await snapshotTree(join(root, 'dist'))).toEqual(fresh);
      expect(await leftovers(root)).toEqual([]);
    }
    console.log(`cached rebuilds killed at random (${Math.round(span)} ms of writing): ${outcomes.join(' ')}`);
  }, 300_000);
});

describe('--out never deletes what feedwright did not write', () => {
  it("a user's web project is refused (exit 2, for check too) and nothing in it is touched", async () => {
    const root = await makeProject({
      'posts/a.md': post('A'), 'site/index.html': '<h1>My app</h1>', 'site/app.js': 'run()', 'site/css/style.css': 'h1 {}',
    });
    const before = await snapshotTree(root);
    const build = await runCli(root, ['build', '--out', 'site']);
    expect(build.code).toBe(2);
    expect(build.stderr).toContain(`feedwright: site is not empty and has no ${MANIFEST_FILE}, so it is not an output of feedwright (it holds site/app.js)`);
    expect(await runCli(root, ['check', '--out', 'site'])).toMatchObject({ code: 2, stderr: build.stderr });
    expect(await runCli(root, ['build', '--out', 'site', '--no-cache'])).toMatchObject({ code: 2, stderr: build.stderr });
    expect(await snapshotTree(root)).toEqual(before);
  });

  it('a file added to an earlier output stops the next build, which names it and deletes nothing', async () => {
    const root = await makeProject({ 'posts/a.md': post('A') });
    expect((await runCli(root, ['build'])).code).toBe(0);
    await writeFile(join(root, 'dist/CNAME'), 'blog.example.com');
    await writeFile(join(root, 'posts/b.md'), post('B'));
    const before = await snapshotTree(root);
    for (const args of [['build'], ['build', '--no-cache'], ['check']]) {
      const run = await runCli(root, args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toBe(`feedwright: dist/CNAME was not written by feedwright (dist/${MANIFEST_FILE} does not list it); feedwright replaces dist `
        + 'as a whole and never deletes what it did not write: move that file out (or delete it; to publish a file of your own, put it in the static folder), or choose another --out\n');
    }
    expect(await snapshotTree(root)).toEqual(before);
    await rm(join(root, 'dist/CNAME'));
    expect((await runCli(root, ['build'])).code).toBe(0);
  });

  it('an output without the list (written before it existed) is replaced when the build cache recorded writing it', async () => {
    const root = await makeProject({ 'posts/a.md': post('A') });
    expect((await runCli(root, ['build'])).code).toBe(0);
    await rm(join(root, 'dist', MANIFEST_FILE));
    expect((await runCli(root, ['build', '--no-cache'])).code).toBe(2); // no cache read: nothing says it is ours
    await writeFile(join(root, 'posts/b.md'), post('B'));
    expect((await runCli(root, ['build'])).code).toBe(0);
    expect(existsSync(join(root, 'dist/posts/b/index.html'))).toBe(true);
    expect(existsSync(join(root, 'dist', MANIFEST_FILE))).toBe(true);
  });
});

describe('an --out that is a mount point', () => {
  it('is refused at once, saying why and what to do (a real tmpfs and a bind mount; needs root)', async (ctx) => {
    const root = await makeProject({ 'posts/a.md': post('A'), 'elsewhere/keep.txt': 'kept' });
    await mkdir(join(root, 'dist'));
    await mkdir(join(root, 'bound'));
    if (spawnSync('mount', ['-t', 'tmpfs', 'none', join(root, 'dist')]).status !== 0) return ctx.skip();
    try {
      expect(spawnSync('mount', ['--bind', join(root, 'elsewhere'), join(root, 'bound')]).status).toBe(0);
      try {
        await writeFile(join(root, 'dist/old.html'), 'there before');
        const before = await snapshotTree(root);
        for (const out of ['dist', 'bound']) {
          for (const command of ['build', 'check']) {
            const run = await runCli(root, [command, '--out', out]);
            expect(run.code).toBe(2);
            expect(run.stderr).toBe(`feedwright: ${out} is a mount point: feedwright puts a new output in place by renaming folders, which the system `
              + `refuses for a mount point (EBUSY); mount the folder above it instead, or pass --out a folder inside it (such as ${out}/site)\n`);
          }
        }
        expect(await snapshotTree(root)).toEqual(before);
        // A folder inside it works as any other.
        expect((await runCli(root, ['build', '--out', 'dist/site'])).code).toBe(0);
        expect(existsSync(join(root, 'dist/site/index.html'))).toBe(true);
      } finally {
        spawnSync('umount', [join(root, 'bound')]);
      }
    } finally {
      spawnSync('umount', [join(root, 'dist')]);
    }
  });
});
