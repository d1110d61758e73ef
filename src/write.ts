import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, renameSync } from 'node:fs';
import { lstat, mkdir, readdir, realpath, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { isWithin } from './util.js';
import { isRunning, withLock } from './output-lock.js';
import { writeNewFiles } from './write-files.js';

/** A file the build produces, relative to the output folder (always `/`-separated, never escaping it). */
export interface OutputFile {
  readonly path: string;
  /** May be computed when read (big sites render feeds and pages one at a time as they are written): read it once. */
  readonly contents: string | Uint8Array;
  /**
   * The same bytes as `contents`, in pieces (feeds are made of shared item bytes): when present, a writer writes
   * these instead, without joining them. Made when read too: read either `chunks` or `contents`, once.
   */
  readonly chunks?: readonly Uint8Array[];
  /**
   * Fingerprint of everything `contents` is made from, when the build can tell (see fingerprint.ts): an
   * incremental write skips a file whose key is the one it had last time. Files without a key are always written.
   */
  readonly key?: string;
  /**
   * A file on disk whose bytes these are (a bundle or static file): writers copy it by path (a reflink where the file
   * system can, never a hard link, so nothing done to the output reaches the source) instead of reading
   * `contents`, so a big file is never held in memory.
   */
  readonly copyOf?: string;
  /** What makes this file, for messages about it (two outputs at one path: see output-paths.ts). */
  readonly origin?: OutputOrigin;
}

/** What an output file is made from, for messages: `the site's RSS feed`, `the page of posts/a.md`. */
export interface OutputOrigin {
  /** A phrase naming it. */
  readonly what: string;
  /** The input file it comes from, where a message about it belongs (a post, a static file, the config). */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

/** What a write put in place: each file's key (null: a file without one), and each folder's modification time. */
export interface OutputManifest {
  readonly files: Readonly<Record<string, string | null>>;
  /**
   * Every folder holding output (`''` is the output folder itself) with its mtime just after the write: a file
   * or link added, removed or renamed since changes its folder's mtime, so the folder is then written whole.
   */
  readonly dirs: Readonly<Record<string, number>>;
}

export interface WriteOptions {
  /**
   * The manifest of the previous write into the same folder (the CLI keeps it in the build cache). When given
   * and the folder exists, only files whose key changed are written, each atomically, and files that are gone
   * are removed; otherwise the whole folder is written beside the old one and swapped in.
   */
  readonly previous?: OutputManifest;
}

/**
 * Write every file into a fresh sibling folder (`dist.tmp-<pid>-<random>`), then swap it in with two renames
 * (`dist` → `dist.old-…`, `dist.tmp-…` → `dist`) under a lock: the previous output stays whole until the new
 * one is complete, and any failure, or a kill, before the swap leaves it exactly as it was. Nothing outside the
 * output folder and its own `dist.*` siblings is ever created or deleted.
 */
export async function writeOutput(outDir: string, files: readonly OutputFile[], shown = outDir, options: WriteOptions = {}): Promise<OutputManifest> {
  const target = resolve(outDir);
  const paths = files.map((f) => safeRelative(f.path)); // refuse hostile paths before touching the disk
  await refuseForeign(target, shown);
  const previous = options.previous;
  // Checked and done under the lock, so another build cannot swap the folder in between.
  const updated = previous && (await stat(dirname(target)).catch(() => undefined)) && await withLock(`${target}.lock`, async () => {
    if (!untouched(target, previous)) return undefined;
    const touched = await updateInPlace(target, files, paths, previous);
    return manifestOf(target, files, paths, (dir) => (touched.has(dir) ? undefined : previous.dirs[dir]));
  });
  if (updated) return updated;
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const staging = `${target}.tmp-${tag}`;
  const old = `${target}.old-${tag}`;
  await mkdir(dirname(target), { recursive: true });
  try {
    await mkdir(staging); // not recursive: fails rather than write through anything already there
    // Each file is made just before it is written (see write-files.ts).
    await writeNewFiles(staging, files.map((file, i) => ({ file, to: join(staging, paths[i] ?? '') })));
    // The manifest reads the folders' mtimes, so it is taken under the lock too: another build may swap next.
    const { swapped, manifest } = await withLock(`${target}.lock`, async () => {
      await recoverUnlocked(target);
      await refuseForeign(target, shown); // again: another build may have changed it while we wrote
      const previous = await stat(target).catch(() => undefined);
      if (!previous) {
        await rename(staging, target);
        return { swapped: false, manifest: manifestOf(target, files, paths) };
      }
      await rename(target, old);
      try {
        await rename(staging, target);
      } catch (error) {
        await rename(old, target);
        throw error;
      }
      return { swapped: true, manifest: manifestOf(target, files, paths) };
    });
    if (swapped) await rm(old, { recursive: true, force: true }); // rm never follows links inside the old output
    return manifest;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Whether every folder of the last write is still there, a real folder, with the mtime the write left it.
 * Synchronous: one system call per folder, thousands of them, is far cheaper without thread-pool round trips.
 */
function untouched(target: string, previous: OutputManifest): boolean {
  if (!previous.dirs || previous.dirs[''] === undefined) return false;
  for (const [dir, mtime] of Object.entries(previous.dirs)) {
    const info = lstatSync(join(target, dir), { throwIfNoEntry: false });
    if (!info?.isDirectory() || info.mtimeMs !== mtime) return false;
  }
  return true;
}

/**
 * Update the folder in place with the files whose key differs from `previous`: write them all into a fresh
 * sibling `dist.tmp-…` first (a failure or kill until then leaves the folder exactly as it was, and the next
 * build clears the leftovers), then move each into place with a rename (a reader never sees half a file) and
 * remove the files that are gone with the folders they leave empty. A kill during those last renames leaves some
 * files new; the folders' mtimes then differ from the manifest, so the next build writes the folder whole.
 * A symbolic link inside the output folder never leads a write or delete out of it.
 */
async function updateInPlace(target: string, files: readonly OutputFile[], paths: readonly string[], previous: OutputManifest): Promise<Set<string>> {
  const real = await realpath(target);
  const checked = new Set<string>();
  const inside = async (dir: string): Promise<void> => {
    if (checked.has(dir)) return;
    if (!isWithin(real, await realpath(dir))) throw new Error(`refusing to write through ${dir}: it leads outside the output folder ${target}`);
    checked.add(dir);
  };
  const staging = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const changed = files.flatMap((file, i) => (file.key !== undefined && previous.files[file.path] === file.key ? [] : [{ file, path: paths[i] ?? '' }]));
  // Folders whose entries this update changes (and their parents, in case a folder is new or removed).
  const touched = new Set<string>();
  const touch = (path: string): void => {
    for (let dir = dirname(path); !touched.has(dir === '.' ? '' : dir); dir = dirname(dir)) {
      touched.add(dir === '.' ? '' : dir);
      if (dir === '.') break;
    }
  };
  try {
    await mkdir(staging); // not recursive: fails rather than write through anything already there
    await writeNewFiles(staging, changed.map(({ file, path }) => ({ file, to: join(staging, path) })));
    for (const { path } of changed) {
      touch(path);
      const to = join(target, path);
      mkdirSync(dirname(to), { recursive: true });
      await inside(dirname(to));
      renameSync(join(staging, path), to);
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  const current = new Set(files.map((f) => f.path));
  for (const gone of Object.keys(previous.files).filter((p) => !current.has(p)).sort()) {
    touch(safeRelative(gone));
    const path = join(target, safeRelative(gone));
    if (!(await realpath(dirname(path)).then(() => true, () => false))) continue;
    await inside(dirname(path));
    await unlink(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    // Remove the folders the file leaves empty (a renamed post's page folder), never the output folder itself.
    for (let dir = dirname(path); dir.startsWith(`${target}${sep}`); dir = dirname(dir)) {
      if (!(await rmdir(dir).then(() => true, () => false))) break;
    }
  }
  return touched;
}

/** The manifest of what is now in `target`; `known` gives folder mtimes that need no fresh look (untouched ones). */
function manifestOf(target: string, files: readonly OutputFile[], paths: readonly string[],
  known: (dir: string) => number | undefined = () => undefined): OutputManifest {
  const keys: Record<string, string | null> = {};
  for (const f of files) keys[f.path] = f.key ?? null;
  const dirs: Record<string, number> = {};
  for (const path of paths) {
    for (let dir = dirname(path); !(dir in dirs); dir = dirname(dir)) {
      dirs[dir] = 0;
      if (dir === '.') break;
    }
  }
  const mtimes: Record<string, number> = {};
  for (const dir of Object.keys(dirs)) {
    const name = dir === '.' ? '' : dir;
    mtimes[name] = known(name) ?? lstatSync(join(target, dir)).mtimeMs;
  }
  return { files: keys, dirs: mtimes };
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

/** Reject absolute paths and `..` so no slug or name can write outside the output folder. */
export function safeRelative(path: string): string {
  const normalized = join('.', path);
  // (`normalized` is relative here, so it is what `relative('.', normalized)` would give, without its system calls.)
  if (path.startsWith('/') || path.includes('\\') || path.includes('\0') || normalized === '..' || normalized.startsWith(`..${sep}`) || normalized.startsWith('..')) {
    throw new Error(`refusing to write outside the output folder: ${path}`);
  }
  return normalized;
}
