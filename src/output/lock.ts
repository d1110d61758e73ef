import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, lstat, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A lock file beside the output folder (`dist.lock`), so two builds started at once take turns for the renames
 * that swap the output in, instead of moving each other's folders away.
 *
 * The file says who holds it (pid, host, boot, the process's start time, its command) and carries a random
 * token. It is created whole, by hard-linking a fully written temporary file to the lock's name (an exclusive
 * create), and released only by the holder whose token it carries. A lock whose holder is gone (its pid is not
 * running, or now belongs to a process started after the lock was taken, or the machine was restarted) is taken
 * over atomically: the contenders race to create a claim file named after the stale lock's inode; the one that
 * wins looks again and, if the lock is still that stale one, renames its own lock file over it. Only a claim
 * holder ever replaces a lock, and only the stale one it claimed, so two builds never both hold it.
 */

const POLL_MS = 20;
/** How long to wait for a running holder before failing with its details. */
const WAIT_MS = 60_000;
/** A lock or claim that is empty or unreadable for this long was left by a process that died writing it. */
const UNREADABLE_STALE_MS = 5_000;

/** Who holds a lock, as written in the lock file. Older versions wrote the pid alone. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** The Linux boot id (a restart frees every lock). */
  readonly boot?: string;
  /** The process's start time in clock ticks since boot (/proc/PID/stat), to tell a reused pid. */
  readonly ticks?: number;
  /** When the process started (ISO 8601, UTC), for people. */
  readonly started?: string;
  readonly command?: string;
  readonly token?: string;
}

export interface LockOptions {
  /** How long to wait for a running holder before failing (default 60 s). */
  readonly waitMs?: number;
  /** Called once when the lock is held by a running process and this call starts waiting; says who holds it. */
  readonly onWait?: (message: string) => void;
}

/** The lock cannot be taken: something that is not feedwright's lock file, or a holder that did not let go. */
export class LockError extends Error {
  override readonly name = 'LockError';
}

/** Run `fn` while holding the lock at `path`. */
export async function withLock<T>(path: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const token = await acquire(path, options);
  try {
    return await fn();
  } finally {
    await release(path, token);
  }
}

let self: LockHolder | undefined;

/** This process, as it describes itself in a lock file. */
function me(): LockHolder {
  if (!self) {
    const ticks = startTicks('self');
    const boot = bootId();
    self = {
      pid: process.pid, host: hostname(),
      ...(boot !== undefined && { boot }),
      ...(ticks !== undefined && { ticks }),
      // The wall clock goes into the lock file only (never the output), to tell people when the holder started.
      started: new Date(Date.now() - process.uptime() * 1000).toISOString(),
      command: process.argv.join(' ').slice(0, 300),
    };
  }
  return self;
}

async function acquire(path: string, options: LockOptions): Promise<string> {
  const token = randomBytes(8).toString('hex');
  const temp = `${path}.${process.pid}-${token}`;
  await writeFile(temp, JSON.stringify({ ...me(), token }), { flag: 'wx' });
  const waitMs = options.waitMs ?? WAIT_MS;
  const began = Date.now();
  let told = false;
  try {
    for (;;) {
      if (await createFrom(temp, path)) return token;
      const seen = await inspect(path);
      if (!seen) continue; // released between our attempt and this look
      if (seen.state === 'stale') {
        if (await takeOver(path, temp, seen.ino)) return token;
        continue;
      }
      if (seen.state === 'busy') {
        const waited = Date.now() - began;
        if (waited >= waitMs) {
          throw new LockError(`${path} is held by ${describe(seen.holder)}; waited ${Math.round(waited / 1000)} s for it. `
            + `If that is not a feedwright build writing this output, delete ${path}`);
        }
        if (!told) options.onWait?.(`waiting for ${path}, held by ${describe(seen.holder)}`);
        told = true;
      }
      await sleep(POLL_MS);
    }
  } finally {
    await unlink(temp).catch(() => undefined); // (already renamed away when a stale lock was taken over)
  }
}

/**
 * Create `path` holding what `temp` holds, only if nothing is there: a hard link appears whole at once. Where
 * the file system has no hard links, an exclusive create and a write (a reader may see it empty for a moment).
 */
async function createFrom(temp: string, path: string): Promise<boolean> {
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS' && code !== 'EMLINK') throw error;
  }
  try {
    await writeFile(path, await readFile(temp), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Replace the stale lock (inode `ino`) at `path` with ours. The claim file is named after that inode, so every
 * contender that saw the same stale lock races for the same claim and exactly one wins; it then checks that the
 * lock is still that one and still stale before renaming over it. Returns whether we now hold the lock.
 */
async function takeOver(path: string, temp: string, ino: number): Promise<boolean> {
  const claim = `${path}.claim-${ino}`;
  if (!(await createFrom(temp, claim))) {
    const claimed = await inspect(claim);
    if (claimed?.state === 'stale') {
      throw new LockError(`a process (${describe(claimed.holder)}) stopped while taking over the stale lock ${path}; `
        + `if no feedwright build is running, delete ${path} and ${claim}`);
    }
    await sleep(POLL_MS); // another contender is taking it over right now
    return false;
  }
  try {
    const now = await inspect(path);
    if (!now || now.ino !== ino || now.state !== 'stale') return false;
    await rename(temp, path);
    return true;
  } finally {
    await unlink(claim).catch(() => undefined);
  }
}

/** Remove the lock at `path` if it is still ours (it holds our token); never another process's. */
async function release(path: string, token: string): Promise<void> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text !== undefined && parse(text)?.token === token) await unlink(path).catch(() => undefined);
}

type Seen = { readonly ino: number; readonly state: 'stale' | 'busy' | 'unreadable'; readonly holder: LockHolder | undefined };

/** What holds the lock file at `path` (undefined: there is none). Throws when it is not a file at all. */
async function inspect(path: string): Promise<Seen | undefined> {
  const info = await lstat(path).catch(() => undefined);
  if (!info) return undefined;
  if (!info.isFile()) {
    throw new LockError(`${path} is ${info.isDirectory() ? 'a folder' : 'not a file'}, where feedwright keeps the lock file it takes while it `
      + 'replaces the output; remove it (feedwright never made it)');
  }
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const holder = parse(text);
  if (!holder) {
    // Being written by an older version (created, then filled), or left half-written by one that died.
    return { ino: info.ino, state: Date.now() - info.mtimeMs > UNREADABLE_STALE_MS ? 'stale' : 'unreadable', holder };
  }
  return { ino: info.ino, state: gone(holder, info.mtimeMs) ? 'stale' : 'busy', holder };
}

/** The holder in a lock file's text: our JSON, or an older version's bare pid (on this host). */
function parse(text: string): LockHolder | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed), host: hostname() };
  try {
    const value = JSON.parse(trimmed) as Partial<LockHolder> | null;
    return typeof value?.pid === 'number' && typeof value.host === 'string' ? (value as LockHolder) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the holder is surely gone: on this host, its pid is not running, or the machine has been restarted
 * since, or the pid now belongs to a process that started later than the holder did (or, for an older version's
 * lock, later than the lock was written). A holder on another host (a shared folder) cannot be checked: it holds.
 */
function gone(holder: LockHolder, lockMtimeMs: number): boolean {
  const here = me();
  if (holder.host !== here.host) return false;
  if (holder.boot !== undefined && here.boot !== undefined && holder.boot !== here.boot) return true;
  if (holder.pid === process.pid) return holder.ticks !== undefined && here.ticks !== undefined && holder.ticks !== here.ticks;
  if (!isRunning(holder.pid)) return true;
  const ticks = startTicks(String(holder.pid));
  if (ticks === undefined) return false;
  if (holder.ticks !== undefined) return holder.ticks !== ticks;
  const started = startedAt(ticks);
  return started !== undefined && started > lockMtimeMs + 1000; // a second of slack: boot time is whole seconds
}

/** `pid 123 on host h (started 2026-…Z, node …/bin.js build)`. */
function describe(holder: LockHolder | undefined): string {
  if (!holder) return 'a process that has not finished writing it yet';
  const details = [holder.started && `started ${holder.started}`, holder.command && `running "${holder.command}"`].filter(Boolean);
  return `pid ${holder.pid} on host ${holder.host}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A process's start time in clock ticks since boot (Linux's /proc), or undefined where there is no /proc. */
function startTicks(pid: string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Field 22; the command (field 2) is in parentheses and may hold spaces, so count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim();
  } catch {
    return undefined;
  }
}

/** When a process that started `ticks` after boot started, in ms since 1970 (Linux counts 100 ticks a second). */
function startedAt(ticks: number): number | undefined {
  try {
    const btime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'latin1'))?.[1];
    return btime === undefined ? undefined : Number(btime) * 1000 + ticks * 10;
  } catch {
    return undefined;
  }
}
