import { lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { lstat, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { compareStrings } from '../common/util.js';

/**
 * Which output folders feedwright may replace. It replaces its output folder as a whole (a patch, patch-output.ts,
 * replaces a few of its files, and only in a folder found as the last write left it), so it must never take one
 * that holds anything it did not write: every output carries a list of what feedwright wrote into it
 * (MANIFEST_FILE), and a folder is replaced only when everything in it is on that list.
 */

/** The file in every output folder that lists what feedwright wrote there (one JSON object, paths sorted). */
export const MANIFEST_FILE = '.feedwright-manifest.json';

/** What a write put in place: each file's key (null: a file without one), and each folder's modification time. */
export interface OutputManifest {
  readonly files: Readonly<Record<string, string | null>>;
  /**
   * Every folder holding output (`''` is the output folder itself) with its mtime just after the write: a file
   * or link added, removed or renamed since changes its folder's mtime, so the folder is then written whole.
   */
  readonly dirs: Readonly<Record<string, number>>;
}

/** The contents of MANIFEST_FILE for an output of these files (`/`-separated paths); the same files give the same bytes. */
export function manifestText(paths: readonly string[]): string {
  return `${JSON.stringify({ feedwright: 1, files: [...paths].sort(compareStrings) }, null, 0)}\n`;
}

/** The paths MANIFEST_FILE in `target` lists, or undefined when there is none (or it is not one we wrote). */
async function listed(target: string): Promise<Set<string> | undefined> {
  const files = await listedFiles(target);
  return files && new Set(files.filter((f): f is string => typeof f === 'string'));
}

/** The `files` of MANIFEST_FILE in `target` as it holds them (`listed` without the set, for whether there is one). */
async function listedFiles(target: string): Promise<unknown[] | undefined> {
  try {
    const value = JSON.parse(await readFile(join(target, MANIFEST_FILE), 'utf8')) as { feedwright?: unknown; files?: unknown };
    return value.feedwright === 1 && Array.isArray(value.files) ? value.files : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether every folder of the last write (as the build cache recorded it) is still there, a real folder, with
 * the mtime the write left it: then nothing has been added to, removed from or renamed in it since.
 * Synchronous: one system call per folder, thousands of them, is far cheaper without thread-pool round trips.
 */
export function untouched(target: string, previous: OutputManifest | undefined): boolean {
  if (!previous?.dirs || previous.dirs[''] === undefined) return false;
  const { dirs } = previous;
  // (the names, then a lookup each: Object.entries makes an array per folder of an 11,000-folder record)
  for (const dir of Object.keys(dirs)) if (!folderAsLeft(target, dir, dirs[dir])) return false;
  return true;
}

/**
 * `untouched` for folders given as a list of paths and a list of their mtimes, in the same order (the up-to-date
 * check's record keeps them so: two lists are parsed several times faster than an object of thousands of keys).
 */
export function foldersAsLeft(target: string, dirs: readonly string[], mtimes: readonly number[]): boolean {
  if (dirs.length !== mtimes.length) return false;
  for (let i = 0; i < dirs.length; i++) if (!folderAsLeft(target, dirs[i] ?? '', mtimes[i])) return false;
  return true;
}

/** Whether the folder `dir` of `target` is still there, a real folder, with the mtime `mtime`. */
function folderAsLeft(target: string, dir: string, mtime: number | undefined): boolean {
  // (string concatenation, not join: recorded folders are clean `/`-separated paths, and join costs more than the call)
  const info = lstatSync(dir === '' ? target : `${target}/${dir}`, { throwIfNoEntry: false });
  return info?.isDirectory() === true && info.mtimeMs === mtime;
}

type Record_ = OutputManifest | (() => OutputManifest | undefined) | undefined;

/**
 * Why feedwright may not replace `target` as a whole, or undefined when it may: it is a symbolic link, not a
 * folder, a mount point, or holds anything that is not on the list of what feedwright wrote there. The list is
 * the folder's MANIFEST_FILE or, for an output written before there was one, the build cache's record of it
 * (`record`, for this very folder, or a function giving it, called only if needed). Reads only. `shown` names
 * the folder in messages. The two halves are also used apart: `folderRefusal` is cheap (no listing), and the CLI
 * runs it before any work; `strayRefusal` may list the whole folder, unless the cache's record shows that the
 * folder is as the last build left it.
 */
export async function outputRefusal(target: string, shown: string, record?: Record_): Promise<string | undefined> {
  return (await folderRefusal(target, shown, record)) ?? (await strayRefusal(target, shown, record));
}

/** What is wrong with `target` itself (a link, a file, a mount point, a non-empty folder that is not an output). */
export async function folderRefusal(target: string, shown: string, record?: Record_): Promise<string | undefined> {
  const info = await lstat(target).catch(() => undefined);
  if (!info) return undefined;
  if (info.isSymbolicLink()) return `${shown} is a symbolic link; feedwright replaces its output folder as a whole, so pass the real folder with --out`;
  if (!info.isDirectory()) return `${shown} exists and is not a folder`;
  if (await isMountPoint(target)) {
    return `${shown} is a mount point: feedwright puts a new output in place by renaming folders, which the system refuses `
      + `for a mount point (EBUSY); mount the folder above it instead, or pass --out a folder inside it (such as ${join(shown, 'site')})`;
  }
  // (a record in hand is checked first: the list in the folder is a 12,000-path JSON file, read twice a write)
  if ((record !== undefined && typeof record !== 'function') || (await listedFiles(target)) || recorded(record)) return undefined;
  const first = firstStray(target, new Set());
  if (first === undefined) return undefined; // empty (or only empty folders)
  return `${shown} is not empty and has no ${MANIFEST_FILE}, so it is not an output of feedwright (it holds ${join(shown, first)}); `
    + `feedwright replaces its output folder as a whole and never deletes what it did not write: choose another --out, or empty ${shown} `
    + '(an output of a feedwright without that file is replaced once it is deleted)';
}

/** The first file in an earlier output that feedwright did not write, as a refusal naming it. */
export async function strayRefusal(target: string, shown: string, record?: Record_): Promise<string | undefined> {
  if (!(await lstat(target).catch(() => undefined))?.isDirectory()) return undefined;
  const previous = recorded(record);
  const own = (await listed(target)) ?? (previous && new Set(Object.keys(previous.files)));
  if (!own || untouched(target, previous)) return undefined; // (nothing added since the write the cache recorded)
  const stray = firstStray(target, own);
  if (stray === undefined) return undefined;
  return `${join(shown, stray)} was not written by feedwright (${join(shown, MANIFEST_FILE)} does not list it); feedwright replaces ${shown} `
    + 'as a whole and never deletes what it did not write: move that file out (or delete it; to publish a file of your own, put it in the static folder), or choose another --out';
}

function recorded(record: Record_): OutputManifest | undefined {
  return typeof record === 'function' ? record() : record;
}

/**
 * The first (in sorted order) entry under `target`, other than folders and the manifest, that `own` does not
 * list. Synchronous on purpose: a big output has ten thousand folders, and the thread pool's round trip per
 * folder costs several times the calls themselves.
 */
function firstStray(target: string, own: ReadonlySet<string>): string | undefined {
  let first: string | undefined;
  const walk = (dir: string, rel: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(join(dir, entry.name), path);
      else if (path !== MANIFEST_FILE && !own.has(path) && (first === undefined || compareStrings(path, first) < 0)) first = path;
    }
  };
  walk(target, '');
  return first;
}

/**
 * Whether `path` is a mount point: on another device than its parent, or listed in /proc/self/mountinfo (a bind
 * mount of a folder on the same device). Renaming a mount point fails with EBUSY.
 */
export async function isMountPoint(path: string): Promise<boolean> {
  const [own, parent] = await Promise.all([stat(path).catch(() => undefined), stat(dirname(path)).catch(() => undefined)]);
  if (own && parent && own.dev !== parent.dev) return true;
  return mountPoints().has(realOrSelf(path));
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** The mount points Linux lists for this process (empty elsewhere). Field 5 of each line, octal escapes decoded. */
function mountPoints(): Set<string> {
  try {
    const lines = readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
    return new Set(lines.map((line) => (line.split(' ')[4] ?? '').replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)))));
  } catch {
    return new Set();
  }
}
