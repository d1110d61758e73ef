import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LockError, withLock } from '../src/output/lock.js';
import { compiledCli, makeProject, post, removeCompiledCli, removeProjects, runCli } from './helpers/cli-project.js';

/** The lock beside the output folder: one holder at a time, a stale one taken over at once, a live one named. */

afterAll(removeCompiledCli);
afterAll(removeProjects);

const hasProc = existsSync('/proc/self/stat');

/** A pid that surely belongs to no running process: one that has just exited. */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '']).pid;
  if (pid === undefined) throw new Error('could not start node');
  return pid;
}

/** A process that stays alive until killed (ready once it has started). */
async function sleeper(): Promise<ChildProcess & { pid: number }> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000); console.log("up")'], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise((up) => child.stdout.once('data', up));
  return child as ChildProcess & { pid: number };
}

/**
 * A contender, as its own process: waits until `at` (ms since 1970) so that all start together, takes the lock,
 * and while holding it leaves a mark in `log`, looks for anyone else's, holds a moment, and removes its mark.
 */
const CONTENDER = `
import { readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const [lockModule, lock, log, at] = process.argv.slice(2);
const { withLock } = await import(lockModule);
while (Date.now() < Number(at)) {}
await withLock(lock, async () => {
  const mine = join(log, 'holding-' + process.pid);
  writeFileSync(mine, '');
  const others = readdirSync(log).filter((n) => n.startsWith('holding-') && n !== 'holding-' + process.pid);
  if (others.length > 0) writeFileSync(join(log, 'overlap-' + process.pid), others.join(' '));
  await new Promise((r) => setTimeout(r, 25));
  unlinkSync(mine);
}, { waitMs: 20000 });
`;

describe('three builds against a stale lock', () => {
  it('never hold it at the same time (20 trials, real processes), and leave nothing behind', async () => {
    const lockModule = pathToFileURL(join(dirname(dirname(await compiledCli())), 'output', 'lock.js')).href;
    const root = await makeProject({ 'contender.mjs': CONTENDER });
    const overlaps: string[] = [];
    for (let trial = 0; trial < 20; trial++) {
      const dir = join(root, `t${trial}`);
      const log = join(dir, 'log');
      await mkdir(log, { recursive: true });
      // Half the trials an older version's lock (a bare pid), half this version's, each of a process now gone.
      const dead = deadPid();
      await writeFile(join(dir, 'dist.lock'), trial % 2 === 0 ? String(dead) : JSON.stringify({ pid: dead, host: hostname(), token: 'old' }));
      const at = Date.now() + 400;
      const codes = await Promise.all([0, 1, 2].map(() => new Promise<number | null>((done) => {
        spawn(process.execPath, [join(root, 'contender.mjs'), lockModule, join(dir, 'dist.lock'), log, String(at)], { stdio: 'ignore' })
          .on('exit', (code) => done(code));
      })));
      expect(codes).toEqual([0, 0, 0]);
      for (const name of await readdir(log)) if (name.startsWith('overlap-')) overlaps.push(`trial ${trial}: ${name}`);
      expect((await readdir(dir)).sort()).toEqual(['log']); // lock released; no claim or temporary lock files
    }
    expect(overlaps).toEqual([]);
  }, 180_000);
});

describe('the lock says at once what holds it', () => {
  it('a folder where the lock file goes is an error at once, naming it', async () => {
    const root = await makeProject({ 'posts/a.md': post('A') });
    await mkdir(join(root, 'dist.lock'));
    // (The default wait is 60 s, longer than this test's timeout: failing at once is what lets it pass.)
    await expect(withLock(join(root, 'dist.lock'), async () => undefined)).rejects.toThrow(/dist\.lock is a folder, where feedwright keeps the lock file/);
    const build = await runCli(root, ['build']);
    expect(build.code).toBe(1);
    expect(build.stderr).toContain('dist.lock is a folder');
    expect(existsSync(join(root, 'dist'))).toBe(false);
  });

  it.skipIf(!hasProc)('a live holder is named while waiting, and again when the wait ends', async () => {
    const root = await makeProject({});
    const holder = await sleeper();
    try {
      const lock = join(root, 'dist.lock');
      await writeFile(lock, String(holder.pid)); // an older version's lock, written after its process started
      const notes: string[] = [];
      const error = await withLock(lock, async () => undefined, { waitMs: 300, onWait: (m) => notes.push(m) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LockError);
      expect((error as Error).message).toMatch(new RegExp(`^${lock.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is held by pid ${holder.pid} on host ${hostname()}; waited 0 s for it\\.`));
      expect(notes).toEqual([`waiting for ${lock}, held by pid ${holder.pid} on host ${hostname()}`]);
      expect(await readFile(lock, 'utf8')).toBe(String(holder.pid)); // not ours: left alone
    } finally {
      holder.kill();
    }
  });

  it.skipIf(!hasProc)('a holder whose pid now belongs to another process is taken over at once', async () => {
    const root = await makeProject({});
    const other = await sleeper();
    try {
      const lock = join(root, 'dist.lock');
      const notes: string[] = [];
      // This version's lock: the pid is running, but it started at another time than the holder did.
      await writeFile(lock, JSON.stringify({ pid: other.pid, host: hostname(), ticks: 1, token: 'gone' }));
      expect(await withLock(lock, async () => 'held', { onWait: (m) => notes.push(m) })).toBe('held');
      // An older version's lock (a bare pid) written before that process started: the pid was reused.
      await writeFile(lock, String(other.pid));
      const anHourAgo = new Date(Date.now() - 3_600_000);
      await utimes(lock, anHourAgo, anHourAgo);
      expect(await withLock(lock, async () => 'held', { onWait: (m) => notes.push(m) })).toBe('held');
      expect(notes).toEqual([]);
      expect(existsSync(lock)).toBe(false);
    } finally {
      other.kill();
    }
  });

  it('a holder frees only its own lock, never one that replaced it', async () => {
    const root = await makeProject({});
    const lock = join(root, 'dist.lock');
    const someoneElse = JSON.stringify({ pid: process.pid, host: hostname(), token: 'theirs' });
    await withLock(lock, async () => {
      await writeFile(lock, someoneElse); // (as if it had been taken over while we held it)
    });
    expect(await readFile(lock, 'utf8')).toBe(someoneElse);
  });
});
