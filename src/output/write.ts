import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readdirSync, rmdirSync, unlinkSync, writeFileSync, type Dirent } from 'node:fs';
import { copyFile, link, lstat, mkdir, readdir, rename, rm, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { isRunning, withLock, type LockOptions } from './lock.js';
import { folderRefusal, MANIFEST_FILE, manifestText, outputRefusal, strayRefusal, untouched, type OutputManifest } from './owner.js';
import { safeRelative, type OutputFile } from './file.js';
import { claimSpare, folderIdentity, manifestOf, prune, touch, type Spare } from './spare.js';
import { writeNewFiles } from './write-files.js';

export { MANIFEST_FILE, type OutputManifest } from './owner.js';
export { parentOf, safeRelative, type OutputFile, type OutputOrigin } from './file.js';
export type { Spare } from './spare.js';

export interface WriteOptions {
  /**
   * The manifest of the previous write into the same folder (the CLI keeps it in the build cache). When the
   * folder is still as that write left it, files whose key is unchanged are hard-linked from it into the new
   * output rather than made and written again.
   */
  readonly previous?: OutputManifest;
  /**
   * Where the output this write replaces is kept for the next write, and what the one kept there holds (see
   * spare.ts): with one, a write creates only the files that differ from the spare's instead of staging a whole
   * folder. The CLI keeps it in the build cache's folder, with its record in the cache; `dev` keeps the record in
   * memory.
   */
  readonly spare?: Spare;
  /**
   * Told what the user should know though the write goes on or has succeeded: who holds the lock it waits for,
   * a leftover of this or an earlier build it could not remove.
   */
  readonly onNote?: (message: string) => void;
  /** How long to wait for another running build's lock (default 60 s). */
  readonly lockWaitMs?: number;
}

/** How a write waits for the lock: telling `note` who holds it, for `waitMs` (default 60 s). */
export function lockOptions(note: (message: string) => void, waitMs: number | undefined): LockOptions {
  return { onWait: note, ...(waitMs !== undefined && { waitMs }) };
}

/** The output folder may not be replaced (see owner.ts): nothing was written, and the message says why. */
export class RefusedOutput extends Error {}

/** What a write left: the manifest of the new output, and of the spare when the old output was kept as one. */
export interface Written {
  readonly manifest: OutputManifest;
  readonly spare?: OutputManifest;
  /** The spare folder's identity just after it was put in place (see Spare.identity). */
  readonly spareIdentity?: string;
}

/**
 * Make the new output in a sibling folder (`dist.tmp-<pid>-<random>`), then swap it in with two renames
 * (`dist` → `dist.old-…`, `dist.tmp-…` → `dist`) under a lock: the previous output stays whole until the new
 * one is complete, and any failure, or a kill, before the swap leaves it exactly as it was. The staging folder is
 * the spare (the output before the previous one, see spare.ts) brought up to date when there is one, or a new
 * folder; files whose key is unchanged since the previous output are hard links to its files, so only what
 * changed is made and written. The swapped-out output then becomes the spare (or is deleted without one).
 * Nothing outside the output folder, its own `dist.*` siblings and the spare is ever created or deleted, and a
 * folder holding anything feedwright did not write is never replaced (see owner.ts). Once the new output is in
 * place the write has succeeded: an old folder that cannot be removed is renamed `dist.trash-…`, reported
 * through `onNote`, and tried again by later builds.
 */
export async function writeOutput(outDir: string, files: readonly OutputFile[], shown = outDir, options: WriteOptions = {}): Promise<Written> {
  const target = resolve(outDir);
  const paths = files.map((f) => safeRelative(f.path)); // refuse hostile paths before touching the disk
  const named = paths.indexOf(MANIFEST_FILE);
  if (named >= 0) throw new Error(`refusing to write ${files[named]?.path}: that name is feedwright's own list of what it wrote into ${shown}`);
  const { previous, spare } = options;
  const note = options.onNote ?? ((): void => undefined);
  const lock = lockOptions(note, options.lockWaitMs);
  // What is wrong with the folder itself, before any work; what it holds is checked under the lock.
  const wrong = await folderRefusal(target, shown, previous);
  if (wrong !== undefined) throw new RefusedOutput(wrong);
  // Nothing changed since the previous write, and the folder is still as it left it: there is nothing to do.
  if (previous && countChanges(previous, files) === 0) {
    const asLeft = await withLock(`${target}.lock`, async () => {
      await recoverUnlocked(target, note);
      return untouched(target, previous);
    }, lock);
    if (asLeft) return { manifest: previous, ...(spare?.manifest && { spare: spare.manifest }), ...(spare?.identity !== undefined && { spareIdentity: spare.identity }) };
  }
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const staging = `${target}.tmp-${tag}`;
  const old = `${target}.old-${tag}`;
  // Files the previous output holds with the same key: linked from it under the lock, if it is still as recorded.
  const same = (i: number): boolean => {
    const key = files[i]?.key;
    return previous !== undefined && key !== undefined && previous.files[files[i]?.path ?? ''] === key;
  };
  const at = (i: number): { file: OutputFile; to: string } => ({ file: files[i] as OutputFile, to: join(staging, paths[i] ?? '') });
  await mkdir(dirname(target), { recursive: true });
  try {
    const { base, kept, touched } = await stage(staging, spare, files, paths);
    const rest: number[] = [];
    for (let i = 0; i < files.length; i++) if (kept[i] !== 1) rest.push(i);
    const linkable = rest.filter(same);
    const linked = new Set(linkable);
    // Each file is made just before it is written (see write-files.ts).
    const made = rest.filter((i) => !linked.has(i));
    await writeNewFiles(staging, made.map(at));
    for (const i of rest) touch(touched, dirname(paths[i] ?? ''));
    if (!base) writeFileSync(join(staging, MANIFEST_FILE), manifestText(files.map((f) => f.path)), { flag: 'wx' });
    const { swapped, manifest, intact } = await withLock(`${target}.lock`, async () => {
      await recoverUnlocked(target, note);
      // Under the lock: another build, or a person, may have changed the folder since. One look at its folders
      // tells both whether anything was added to it and whether its files can be linked.
      const whole = untouched(target, previous);
      const problem = (await folderRefusal(target, shown, previous)) ?? (whole ? undefined : await strayRefusal(target, shown, previous));
      if (problem !== undefined) throw new RefusedOutput(problem);
      if (linkable.length > 0) {
        // Linked under the lock: no other build can swap the folder while its files are linked from it.
        if (whole) await linkFrom(target, staging, linkable.map((i) => paths[i] ?? ''));
        else await writeNewFiles(staging, linkable.map(at)); // changed meanwhile: made and written after all
      }
      const now = (): OutputManifest => manifestOf(target, files, paths, base, touched);
      if (!(await lstat(target).catch(() => undefined))) {
        await rename(staging, target);
        return { swapped: false, manifest: now(), intact: false };
      }
      await rename(target, old).catch((error: NodeJS.ErrnoException) => {
        throw error.code === 'EBUSY' ? new Error(`${shown} cannot be renamed (EBUSY: it is a mount point or in use); pass --out a folder inside it`) : error;
      });
      try {
        await rename(staging, target);
      } catch (error) {
        await rename(old, target);
        throw error;
      }
      return { swapped: true, manifest: now(), intact: whole };
    }, lock);
    if (!swapped) return { manifest };
    const spared = spare && intact && previous ? await keep(old, spare.dir, previous) : undefined;
    if (!spared) await discard(old, shown, note);
    return { manifest, ...(spared && { spare: spared.manifest, ...(spared.identity !== undefined && { spareIdentity: spared.identity }) }) };
  } finally {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined); // (gone once swapped in)
  }
}

/**
 * Make a spare of the output now in `outDir` (described by `current`, the manifest its write returned): a folder of
 * hard links to its files at `spare`. `dev` does this while it waits for the first save, so that the first save
 * already finds a spare to bring up to date (otherwise that write stages a whole folder). Returns the spare (its
 * record and identity), or undefined when the output is no longer as `current` says or the links cannot be made.
 */
export async function primeSpare(outDir: string, spare: string, current: OutputManifest, options: Pick<WriteOptions, 'onNote' | 'lockWaitMs'> = {}): Promise<Spare | undefined> {
  const target = resolve(outDir);
  const temp = `${spare}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const paths = Object.keys(current.files).map(safeRelative);
  try {
    await mkdir(dirname(spare), { recursive: true });
    await mkdir(temp);
    const linked = await withLock(`${target}.lock`, async () => {
      if (!untouched(target, current)) return false;
      await linkFrom(target, temp, paths);
      return true;
    }, lockOptions(options.onNote ?? ((): void => undefined), options.lockWaitMs));
    if (!linked) return undefined;
    writeFileSync(join(temp, MANIFEST_FILE), manifestText(Object.keys(current.files)), { flag: 'wx' });
    await rm(spare, { recursive: true, force: true });
    const held = openSync(temp, 'r');
    try {
      await rename(temp, spare);
      const identity = heldIdentity(held, spare);
      if (identity === undefined) return undefined;
      const files = Object.entries(current.files).map(([path, key]) => ({ path, contents: '', ...(key !== null && { key }) }));
      return { dir: spare, manifest: manifestOf(spare, files, paths), identity };
    } finally {
      closeSync(held);
    }
  } catch {
    return undefined;
  } finally {
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * Make the staging folder: the spare brought up to date (its files that stay are `kept`), or a new empty folder.
 * A spare that cannot be brought up to date (something in it changed under us) is dropped for a new folder.
 */
async function stage(staging: string, spare: Spare | undefined, files: readonly OutputFile[], paths: readonly string[]):
  Promise<{ base?: OutputManifest; kept: Uint8Array; touched: Set<string> }> {
  const base = await claimSpare(spare, staging);
  if (base) {
    try {
      return { base, ...prune(staging, base, files, paths) };
    } catch {
      // Set aside under a name every later build tries to remove (see recoverOutput), and start afresh.
      await rename(staging, staging.replace(/\.tmp-(?=[^.]*$)/, '.trash-'));
    }
  }
  await mkdir(staging); // not recursive: fails rather than write through anything already there
  return { kept: new Uint8Array(files.length), touched: new Set() };
}

/**
 * Keep the swapped-out output as the spare (see spare.ts): move it to `dir`. Returns what it holds (`previous`,
 * the output it was, checked whole under the lock), or undefined when it could not be moved there (another
 * write's spare is there, or `dir` is on another file system): the caller then deletes it.
 */
async function keep(old: string, dir: string, previous: OutputManifest): Promise<{ manifest: OutputManifest; identity?: string } | undefined> {
  // Held open across the rename, so that what is recorded is the folder this write moved there, whatever another
  // build may have done at that path in between.
  let held: number | undefined;
  try {
    held = openSync(old, 'r');
    await mkdir(dirname(dir), { recursive: true });
    // A spare nobody has a record of any more (its cache was lost or damaged) is in the way: it goes.
    await rename(old, dir).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
      await rm(dir, { recursive: true, force: true });
      await rename(old, dir);
    });
    // (a folder moved to another parent keeps its mtime on the file systems we know; looked up again to be sure)
    const identity = heldIdentity(held, dir);
    if (identity === undefined) return undefined;
    // (the folders' record is shared when the mtime is the one recorded, as it is: a copy of 10,000 is ~8 ms)
    const mtime = fstatSync(held).mtimeMs;
    return { manifest: { files: previous.files, dirs: previous.dirs[''] === mtime ? previous.dirs : { ...previous.dirs, '': mtime } }, identity };
  } catch {
    return undefined;
  } finally {
    if (held !== undefined) closeSync(held);
  }
}

/** The identity of the folder at `dir` (see Spare.identity) when it is the one open as `fd`; undefined otherwise. */
function heldIdentity(fd: number, dir: string): string | undefined {
  const held = fstatSync(fd, { bigint: true });
  const identity = folderIdentity(dir);
  return identity === `${held.dev}:${held.ino}:${held.ctimeNs}` ? identity : undefined;
}

/** Errors with which a file system refuses a hard link (then the file is copied). */
export const NO_LINKS = new Set(['EPERM', 'EXDEV', 'EMLINK', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);
/** Folder and link calls in flight at once: they wait on the disk, not the CPU, so several at a time finish sooner. */
const IN_FLIGHT = 8;

/**
 * Hard-link each of `rels` from `from` into `into` (making folders as needed), or copy it where the file system
 * refuses links. Neither output is ever written in place afterwards (files are only created, renamed and
 * removed), so sharing a file is safe. Unlike the writer (write-files.ts), whose work is encoding bytes, these
 * calls only wait on the file system: eight at a time through the thread pool measured two to four times faster
 * than one by one (1,300 files in 1,100 folders, this machine's loaded disk: ~0.4 s against 0.7–1.7 s).
 */
async function linkFrom(from: string, into: string, rels: readonly string[]): Promise<void> {
  const byDepth = new Map<number, Set<string>>();
  for (const rel of rels) {
    for (let dir = dirname(rel); dir !== '.'; dir = dirname(dir)) {
      const depth = dir.split(sep).length;
      const level = byDepth.get(depth) ?? new Set<string>();
      if (level.has(dir)) break;
      level.add(dir);
      byDepth.set(depth, level);
    }
  }
  for (const depth of [...byDepth.keys()].sort((a, b) => a - b)) {
    await inParallel([...(byDepth.get(depth) ?? [])], (dir) => mkdir(join(into, dir)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error; // (made already by the writer for a changed file)
    }));
  }
  await inParallel(rels, async (rel) => {
    try {
      await link(join(from, rel), join(into, rel));
    } catch (error) {
      if (!NO_LINKS.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
      await copyFile(join(from, rel), join(into, rel), constants.COPYFILE_EXCL);
    }
  });
}

/** Run `task` on every item, IN_FLIGHT at a time; the first failure is thrown once all started ones settle. */
async function inParallel<T>(items: readonly T[], task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async (): Promise<void> => {
    while (next < items.length && errors.length === 0) {
      const item = items[next++] as T;
      await task(item).catch((error: unknown) => void errors.push(error));
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, items.length) }, worker));
  if (errors.length > 0) throw errors[0];
}

/**
 * Delete the folder `path` and everything in it, never following a link. fs.rm goes wide through the thread
 * pool (several times faster than one call at a time on a busy disk); when it fails, a walk one entry at a
 * time fails on the same entry and says which, plainly (fs.rm reports a file it may not unlink as ENOTDIR).
 */
async function removeFolder(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true }); // rm never follows links inside the folder
  } catch {
    removeTree(path);
  }
}

/**
 * Remove the previous output, swapped out. The new one is already in place, so a failure is not the build's:
 * the folder is renamed `dist.trash-…` (never mistaken for an output to restore), and reported.
 */
async function discard(old: string, shown: string, note: (message: string) => void): Promise<void> {
  try {
    await removeFolder(old);
  } catch (error) {
    const trash = old.replace(/\.old-(?=[^.]*$)/, '.trash-');
    const left = await rename(old, trash).then(() => trash, () => old);
    note(`the new output is in place, but the previous one could not be removed (${(error as Error).message}); it is left as `
      + `${join(dirname(shown), basename(left))}, and every build tries again to remove it`);
  }
}

/**
 * Delete the folder `path` and everything in it, never following a link (a link is removed as a link). The
 * first failure is thrown as the system gave it, naming the entry that could not be deleted (fs.rm reports a
 * file it may not unlink as ENOTDIR on the file, which says nothing useful). A path already gone is fine.
 */
function removeTree(path: string): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code !== 'ENOTDIR') throw error;
    unlinkSync(path);
    return;
  }
  for (const entry of entries) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) removeTree(child);
    else unlinkSync(child);
  }
  rmdirSync(path);
}


/**
 * Undo what killed builds left beside the output folder: when `dist` is missing but a `dist.old-…` of a
 * process no longer running exists (killed between the two renames), move the newest back; then delete the
 * `dist.tmp-…`, `dist.old-…` and `dist.trash-…` folders and lock files of processes no longer running. One that
 * cannot be deleted is reported through `onNote` and left (an old one renamed `dist.trash-…`): it never stops
 * a build. Safe while other builds run.
 */
export async function recoverOutput(outDir: string, options: Pick<WriteOptions, 'onNote' | 'lockWaitMs'> = {}): Promise<void> {
  const target = resolve(outDir);
  const parent = await lstat(dirname(target)).catch(() => undefined);
  if (!parent?.isDirectory()) return;
  // With nothing beside the output that a build leaves there (`dist.tmp-…`, `dist.old-…`, `dist.trash-…`, the lock
  // and its temporary files), there is nothing to undo and no lock to take: only a running build makes new ones.
  const prefix = `${basename(target)}.`;
  if (!(await readdir(dirname(target))).some((name) => name.startsWith(prefix))) return;
  const note = options.onNote ?? ((): void => undefined);
  await withLock(`${target}.lock`, () => recoverUnlocked(target, note), lockOptions(note, options.lockWaitMs));
}

/** `recoverOutput` for a write that holds the lock already. */
export async function recoverUnlocked(target: string, note: (message: string) => void): Promise<void> {
  const prefix = `${basename(target)}.`;
  const leftovers: { path: string; kind: string; ctime: number }[] = [];
  for (const name of await readdir(dirname(target))) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    const lockTemp = /^lock\.(\d+)-[0-9a-f]{16}$/.exec(rest);
    if (lockTemp && !isRunning(Number(lockTemp[1]))) await unlink(join(dirname(target), name)).catch(() => undefined);
    const m = /^(tmp|old|trash)-(\d+)-[0-9a-f]{8}$/.exec(rest);
    if (!m || isRunning(Number(m[2]))) continue;
    const path = join(dirname(target), name);
    // ctime, not mtime: a rename sets it, so the folder swapped out last is the newest.
    const info = await lstat(path).catch(() => undefined);
    if (info) leftovers.push({ path, kind: m[1] ?? '', ctime: info.ctimeMs });
  }
  const newest = leftovers.filter((l) => l.kind === 'old').sort((a, b) => b.ctime - a.ctime)[0];
  if (newest && !(await lstat(target).catch(() => undefined))) {
    await rename(newest.path, target);
    leftovers.splice(leftovers.indexOf(newest), 1);
  }
  for (const { path, kind } of leftovers) {
    try {
      await removeFolder(path);
    } catch (error) {
      const left = kind === 'old' ? await rename(path, path.replace(/\.old-(?=[^.]*$)/, '.trash-')).then(() => path.replace(/\.old-(?=[^.]*$)/, '.trash-'), () => path) : path;
      note(`could not remove ${basename(left)}, left beside the output by an earlier build (${(error as Error).message}); `
        + 'it does not stop this build, and every build tries again; remove it by hand (it may need the rights of whoever made it)');
    }
  }
}

/**
 * Why `outDir` could not be replaced by a build (see outputRefusal), or undefined; reads only, for `check` too.
 * `record` is the build cache's record of the last write there, if any (or a function giving it, called if needed).
 * `part` limits it to the folder itself (no listing) or to what it holds.
 */
export async function outputProblem(outDir: string, shown = outDir, record?: OutputManifest | (() => OutputManifest | undefined),
  part: 'all' | 'folder' | 'contents' = 'all'): Promise<string | undefined> {
  const check = part === 'folder' ? folderRefusal : part === 'contents' ? strayRefusal : outputRefusal;
  return check(resolve(outDir), shown, record);
}

/**
 * How many output paths a write of `files` changes against the output `previous` describes (added, changed or
 * removed). A file's key says what it is made from (engine/fingerprint.ts): an unchanged key is an unchanged file,
 * and a file without one always counts.
 */
export function countChanges(previous: OutputManifest, files: readonly OutputFile[]): number {
  // `dev` counts a rebuild's changes to report them, then its write counts them again (about 15 ms at 10,000
  // posts): the same list of files against the same manifest is counted once. (A build's list is never changed
  // once made; the WeakMap lets it go with the list.)
  const known = counted.get(files);
  if (known?.previous === previous) return known.changed;
  const changed = changesIn(previous, files);
  counted.set(files, { previous, changed });
  return changed;
}

const counted = new WeakMap<readonly OutputFile[], { readonly previous: OutputManifest; readonly changed: number }>();

function changesIn(previous: OutputManifest, files: readonly OutputFile[]): number {
  let changed = 0;
  // Files gone since are the recorded ones no file matched (a build's paths are distinct: a set of 12,000 is spared).
  let matched = 0;
  for (const file of files) {
    const key = Object.hasOwn(previous.files, file.path) ? previous.files[file.path] : undefined;
    if (key !== undefined) matched++;
    if (file.key === undefined || key !== file.key) changed++;
  }
  const recorded = Object.keys(previous.files);
  const fast = changed + recorded.length - matched;
  // (a zero, which means nothing is written, is confirmed path by path: two files at one path must not hide one gone)
  if (fast > 0) return fast;
  const paths = new Set(files.map((f) => f.path));
  for (const path of recorded) if (!paths.has(path)) changed++;
  return changed;
}
