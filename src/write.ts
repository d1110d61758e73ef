import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { isRunning, withLock } from './output-lock.js';

/** A file the build produces, relative to the output folder (always `/`-separated, never escaping it). */
export interface OutputFile {
  readonly path: string;
  readonly contents: string | Uint8Array;
}

/**
 * Write every file into a fresh sibling folder (`dist.tmp-<pid>-<random>`), then swap it in with two renames
 * (`dist` → `dist.old-…`, `dist.tmp-…` → `dist`) under a lock: the previous output stays whole until the new
 * one is complete, and any failure, or a kill, before the swap leaves it exactly as it was. Nothing outside the
 * output folder and its own `dist.*` siblings is ever created or deleted.
 */
export async function writeOutput(outDir: string, files: readonly OutputFile[], shown = outDir): Promise<void> {
  const target = resolve(outDir);
  const paths = files.map((f) => safeRelative(f.path)); // refuse hostile paths before touching the disk
  await refuseForeign(target, shown);
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const staging = `${target}.tmp-${tag}`;
  const old = `${target}.old-${tag}`;
  await mkdir(dirname(target), { recursive: true });
  try {
    await mkdir(staging); // not recursive: fails rather than write through anything already there
    for (const dir of [...new Set(paths.map((p) => dirname(join(staging, p))))].sort()) await mkdir(dir, { recursive: true });
    await inBatches(files.length, 16, (i) => writeFile(join(staging, paths[i] ?? ''), files[i]?.contents ?? '', { flag: 'wx' }));
    const swapped = await withLock(`${target}.lock`, async () => {
      await recoverUnlocked(target);
      await refuseForeign(target, shown); // again: another build may have changed it while we wrote
      const previous = await stat(target).catch(() => undefined);
      if (!previous) {
        await rename(staging, target);
        return false;
      }
      await rename(target, old);
      try {
        await rename(staging, target);
      } catch (error) {
        await rename(old, target);
        throw error;
      }
      return true;
    });
    if (swapped) await rm(old, { recursive: true, force: true }); // rm never follows links inside the old output
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Undo what a killed build left beside the output folder: when `dist` is missing but a `dist.old-…` of a
 * process no longer running exists (killed between the two renames), move it back; then delete the
 * `dist.tmp-…`/`dist.old-…` folders of processes no longer running. Safe while other builds run.
 */
export async function recoverOutput(outDir: string): Promise<void> {
  const target = resolve(outDir);
  const parent = await stat(dirname(target)).catch(() => undefined);
  if (!parent?.isDirectory()) return;
  await withLock(`${target}.lock`, () => recoverUnlocked(target));
}

async function recoverUnlocked(target: string): Promise<void> {
  const prefix = `${basename(target)}.`;
  const leftovers: { path: string; kind: string; mtime: number }[] = [];
  for (const name of await readdir(dirname(target))) {
    const m = /^(tmp|old)-(\d+)-[0-9a-f]{8}$/.exec(name.startsWith(prefix) ? name.slice(prefix.length) : '');
    if (!m || isRunning(Number(m[2]))) continue;
    const path = join(dirname(target), name);
    leftovers.push({ path, kind: m[1] ?? '', mtime: (await lstat(path)).mtimeMs });
  }
  const olds = leftovers.filter((l) => l.kind === 'old').sort((a, b) => b.mtime - a.mtime);
  const newest = olds[0];
  if (newest && !(await lstat(target).catch(() => undefined))) await rename(newest.path, target);
  for (const l of leftovers) await rm(l.path, { recursive: true, force: true }); // (a moved-back one is gone already)
}

/** Why `outDir` could not be replaced by a build (see refuseForeign), or undefined; reads only, for `check`. */
export async function outputProblem(outDir: string, shown = outDir): Promise<string | undefined> {
  try {
    await refuseForeign(resolve(outDir), shown);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * The output folder is replaced as a whole, so refuse one that is a symbolic link (we would replace the link,
 * not fill the folder it points to) or not a folder at all.
 */
async function refuseForeign(target: string, shown: string): Promise<void> {
  const info = await lstat(target).catch(() => undefined);
  if (!info) return;
  if (info.isSymbolicLink()) throw new Error(`${shown} is a symbolic link; feedwright replaces its output folder as a whole, so pass the real folder with --out`);
  if (!info.isDirectory()) throw new Error(`${shown} exists and is not a folder`);
}

async function inBatches(count: number, size: number, task: (i: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < count; start += size) {
    await Promise.all(Array.from({ length: Math.min(size, count - start) }, (_, k) => task(start + k)));
  }
}

/** Reject absolute paths and `..` so no slug or name can write outside the output folder. */
export function safeRelative(path: string): string {
  const normalized = join('.', path);
  if (path.startsWith('/') || path.includes('\\') || path.includes('\0') || normalized === '..' || normalized.startsWith(`..${sep}`) || relative('.', normalized).startsWith('..')) {
    throw new Error(`refusing to write outside the output folder: ${path}`);
  }
  return normalized;
}
