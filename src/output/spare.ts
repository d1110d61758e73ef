import { createHash } from 'node:crypto';
import { lstatSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parentOf, safeRelative, type OutputFile } from './file.js';
import { MANIFEST_FILE, manifestText, untouched, type OutputManifest } from './owner.js';

/**
 * The spare output: the folder a write swapped out, kept (in the build cache's folder, never beside the output)
 * so that the next write brings it up to date and swaps it back in. Two folders take turns, as a double-buffered
 * display does: a write touches only the files that differ from what the spare holds, and the output still
 * changes from old to new in one rename. Without a spare (the first build, `--no-cache`, a spare somebody
 * changed), the next write stages a whole new folder, as before.
 */
export interface Spare {
  /** Where the spare is kept (created by the write that swaps an output out). */
  readonly dir: string;
  /** What it holds, as the write that put it there recorded it; undefined: there is no usable spare. */
  readonly manifest: OutputManifest | undefined;
  /**
   * The spare folder's identity when it was put there (`folderIdentity`), for a record the process that made the
   * spare holds in memory (`dev`). feedwright never changes a spare where it lies: a write claims it by renaming it
   * away, and a spare is put in place by renaming a whole folder there. So the same folder, never renamed since (a
   * rename sets its change time), is the spare as recorded, and is taken without looking at its 10,000 folders
   * (about 60 ms a save at 10,000 posts). Without one, every folder's mtime is compared with the record.
   */
  readonly identity?: string;
}

/** A folder's device, inode and change time; undefined when it is missing or not a folder. */
export function folderIdentity(dir: string): string | undefined {
  const info = lstatSync(dir, { throwIfNoEntry: false, bigint: true });
  return info?.isDirectory() ? `${info.dev}:${info.ino}:${info.ctimeNs}` : undefined;
}

/** Where the spare of the output folder `target` (an absolute path) is kept in the cache folder `cacheDir`. */
export function spareDir(cacheDir: string, target: string): string {
  return join(cacheDir, 'spare', createHash('sha256').update(target).digest('hex').slice(0, 16));
}

/**
 * Take the spare as the staging folder when it is still as recorded (no entry added, removed or renamed in any of
 * its folders since): rename it to `staging`. Returns what it holds; undefined when there was none to take (then
 * `staging` does not exist). A rename is atomic, so two writes never take the same spare.
 */
export async function claimSpare(spare: Spare | undefined, staging: string): Promise<OutputManifest | undefined> {
  if (!spare?.manifest || !wellFormed(spare.manifest)) return undefined;
  const asRecorded = spare.identity !== undefined ? folderIdentity(spare.dir) === spare.identity : untouched(spare.dir, spare.manifest);
  if (!asRecorded) return undefined;
  try {
    await rename(spare.dir, staging);
  } catch {
    return undefined; // taken by another write meanwhile, or gone
  }
  return spare.manifest;
}

/** Whether every path a record names stays inside its folder (a damaged or foreign cache must not delete elsewhere). */
function wellFormed(manifest: OutputManifest): boolean {
  // (a record is never changed once made, and dev hands the same one from write to write: each is looked at once)
  if (checked.has(manifest.files) && checked.has(manifest.dirs)) return true;
  try {
    for (const path of Object.keys(manifest.files)) safeRelative(path);
    for (const dir of Object.keys(manifest.dirs)) if (dir !== '') safeRelative(dir);
  } catch {
    return false;
  }
  checked.add(manifest.files);
  checked.add(manifest.dirs);
  return true;
}

const checked = new WeakSet<object>();

/** What `prune` leaves: the files already in place, and the folders whose entries it changed. */
export interface Pruned {
  /** By index into `files`: 1 for those the staging folder already holds with the same key (a set of 12,000 numbers cost more). */
  readonly kept: Uint8Array;
  readonly touched: Set<string>;
}

/**
 * Make `staging` (holding the output `base` describes) ready for `files`: keep each file whose key is the one it
 * has there, delete every other file (changed, or no longer in the output) and every folder no file needs, and
 * rewrite the list of what feedwright wrote when the paths changed. What is left to do is creating the files
 * that are not kept (the writer only ever creates files, never writes into one).
 */
export function prune(staging: string, base: OutputManifest, files: readonly OutputFile[], paths: readonly string[]): Pruned {
  const at = new Map<string, number>();
  for (let i = 0; i < files.length; i++) at.set((files[i] as OutputFile).path, i);
  const kept = new Uint8Array(files.length);
  const touched = new Set<string>(['']);
  // (the record's names, then a lookup each: Object.entries makes an array per file of a 12,000-file record)
  const recorded = Object.keys(base.files);
  let samePaths = recorded.length === paths.length;
  for (const path of recorded) {
    const key = base.files[path];
    const i = at.get(path);
    if (i === undefined) samePaths = false;
    if (i !== undefined && key !== null && files[i]?.key === key) {
      kept[i] = 1;
      continue;
    }
    unlinkSync(join(staging, safeRelative(path)));
    touch(touched, dirname(path));
  }
  // Folders of the old output that no file of the new one is in, deepest first (a path that was a folder may be
  // a file now).
  const needed = foldersOf(paths);
  const gone: string[] = [];
  for (const dir of Object.keys(base.dirs)) if (dir !== '' && !needed.has(dir)) gone.push(dir);
  gone.sort((a, b) => b.split('/').length - a.split('/').length);
  for (const dir of gone) {
    rmdirSync(join(staging, dir));
    touch(touched, dirname(dir));
  }
  if (!samePaths) {
    unlinkSync(join(staging, MANIFEST_FILE));
    writeFileSync(join(staging, MANIFEST_FILE), manifestText(paths), { flag: 'wx' });
  }
  return { kept, touched };
}

/** Record that `dir` (and so, to be safe, every folder above it) had an entry added or removed. */
export function touch(touched: Set<string>, dir: string): void {
  for (let d = dir === '.' ? '' : dir; !touched.has(d); d = parentOf(d)) {
    touched.add(d);
    if (d === '') break;
  }
}

/**
 * Every folder (`/`-separated, `''` for the top) that holds one of `paths`. A write asks twice about its list of
 * paths (prune, then manifestOf): the set is made once per list (lists are never changed once made).
 */
export function foldersOf(paths: readonly string[]): ReadonlySet<string> {
  let dirs = folders.get(paths);
  if (dirs) return dirs;
  dirs = new Set<string>(['']);
  if (parents.size > 2 * paths.length + 1000) parents.clear();
  for (const path of paths) {
    for (let dir = knownParent(path); !dirs.has(dir); dir = knownParent(dir)) dirs.add(dir);
  }
  folders.set(paths, dirs);
  return dirs;
}

const folders = new WeakMap<readonly string[], Set<string>>();

/**
 * Each path's folder, kept between writes (`dev` writes the same 12,000 paths on every save): the same folder
 * strings each time, already hashed, and already keys of the last manifest's record of folders.
 */
const parents = new Map<string, string>();

function knownParent(path: string): string {
  let parent = parents.get(path);
  if (parent === undefined) {
    parent = parentOf(path);
    parents.set(path, parent);
  }
  return parent;
}

/**
 * The manifest of the output now in `target`: each file's key and each folder's mtime. A folder this write did
 * not touch (`base` recorded it, and it is not in `touched`) keeps the recorded mtime; the others are looked up.
 * (A folder recorded wrongly only makes the next write stage a whole folder again: never a wrong output.)
 */
export function manifestOf(target: string, files: readonly OutputFile[], paths: readonly string[], base?: OutputManifest, touched?: ReadonlySet<string>): OutputManifest {
  const keys: Record<string, string | null> = {};
  for (const f of files) keys[f.path] = f.key ?? null;
  const mtimes: Record<string, number> = {};
  for (const dir of foldersOf(paths)) {
    const known = base && touched && !touched.has(dir) ? base.dirs[dir] : undefined;
    mtimes[dir] = known ?? lstatSync(join(target, dir)).mtimeMs;
  }
  return { files: keys, dirs: mtimes };
}
