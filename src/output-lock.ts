import { open, readFile, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A lock file beside the output folder (`dist.lock`, holding the owner's pid), so two builds started at once
 * take turns for the few renames that swap the output in, instead of moving each other's folders away.
 * A lock whose owner is no longer running (a build that was killed) is taken over.
 */

const POLL_MS = 20;
const GIVE_UP_MS = 120_000;
// A lock file still empty after this long belongs to a process that died between creating and filling it.
const EMPTY_LOCK_STALE_MS = 5_000;

/** Run `fn` while holding the lock at `path`. */
export async function withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  await acquire(path);
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}

async function acquire(path: string): Promise<void> {
  for (let waited = 0; ; waited += POLL_MS) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(String(process.pid));
      } finally {
        await handle.close();
      }
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await lockOwner(path);
    if (owner === 'stale') {
      await rm(path, { force: true });
      continue;
    }
    if (waited >= GIVE_UP_MS) {
      throw new Error(`another feedwright build (pid ${owner}) has been writing the output for ${GIVE_UP_MS / 1000} s; if none is running, delete ${path}`);
    }
    await sleep(POLL_MS);
  }
}

/** The pid holding the lock, `stale` when that process is gone, or `unknown` while it may still be starting. */
async function lockOwner(path: string): Promise<number | 'stale' | 'unknown'> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    if (/^\d+$/.test(text)) return isRunning(Number(text)) ? Number(text) : 'stale';
    const { mtimeMs } = await stat(path);
    return Date.now() - mtimeMs > EMPTY_LOCK_STALE_MS ? 'stale' : 'unknown';
  } catch {
    return 'unknown'; // released between our attempt and this look: just try again
  }
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
