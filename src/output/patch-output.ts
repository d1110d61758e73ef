import { randomBytes } from 'node:crypto';
import { constants, copyFileSync, linkSync, lstatSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parentOf, safeRelative, type OutputFile } from './file.js';
import { withLock } from './lock.js';
import { foldersAsLeft, MANIFEST_FILE } from './owner.js';
import { writeNewFiles } from './write-files.js';
import { lockOptions, NO_LINKS, recoverUnlocked, type WriteOptions } from './write.js';

/**
 * The patch of an output (cli/patch.ts): a few files it holds, replaced where they are, each by a rename. A write
 * (write.ts) stages a whole folder and swaps it in, which at 10,000 posts means bringing a spare of 12,000 files up
 * to date and checking it, for the sake of the four files an edit of one post changes. A patch changes no path
 * (the same files, only some of their bytes), so it needs none of that: it makes the new files beside the output
 * (`dist.tmp-…`, which every write cleans up after a killed build) and renames them into place, under the lock,
 * once it has checked that every folder of the output is as the last write left it (nothing added, removed or
 * renamed: the same check as the write's, so a folder holding anything feedwright did not write is refused the
 * same way).
 *
 * Each file changes at once, but not all of them together: between the first rename and the last (a few system
 * calls) a reader may see a new page beside an old feed. A rename that fails puts back the files already replaced;
 * a build killed among them leaves folders with other mtimes than recorded, so the next build is a full one, which
 * writes the output whole.
 */

/** The folders of an output, as the last write left them: paths (`''` is the output folder) and their mtimes. */
export interface FolderRecord {
  readonly dirs: readonly string[];
  readonly mtimes: readonly number[];
}

/** Replace files the output holds with new contents (see patchOutput); gives the new mtime of each folder changed. */
export type Replace = (files: readonly OutputFile[]) => Promise<ReadonlyMap<string, number>>;

/**
 * Run `body` under the lock of the output in `outDir` if every folder of it is as `record` says; undefined when it
 * is not (`body` is not run, nothing is changed: the caller writes the output whole instead). `body` may call
 * `replace` once, with files at paths the output holds: they are made, then renamed into place, and it gets the new
 * mtime of each folder it changed (by path, `''` for the output folder). The look at every folder is made before
 * `body` runs, so a caller that has work to wait for (a post rendered in a thread) starts `body` first.
 */
export async function patchOutput<T>(outDir: string, record: FolderRecord, body: (replace: Replace) => Promise<T>,
  options: Pick<WriteOptions, 'onNote' | 'lockWaitMs'> = {}): Promise<T | undefined> {
  const target = resolve(outDir);
  const note = options.onNote ?? ((): void => undefined);
  return withLock(`${target}.lock`, async () => {
    await recoverUnlocked(target, note);
    if (!foldersAsLeft(target, record.dirs, record.mtimes)) return undefined;
    let replaced = false;
    return body(async (files) => {
      if (replaced) throw new Error('an output is patched once under its lock');
      replaced = true;
      return replace(target, files);
    });
  }, lockOptions(note, options.lockWaitMs));
}

/** Make `files` beside the output in `target` and rename them into place (the caller holds the lock: see patchOutput). */
async function replace(target: string, files: readonly OutputFile[]): Promise<ReadonlyMap<string, number>> {
  const paths = files.map((f) => safeRelative(f.path)); // refuse hostile paths before touching the disk
  if (paths.includes(MANIFEST_FILE)) throw new Error(`refusing to write ${MANIFEST_FILE}: that name is feedwright's own list of what it wrote`);
  const staging = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  mkdirSync(staging); // (not recursive: the output's parent is there, and nothing is written through what is in the way)
  let keep = false;
  try {
    await writeNewFiles(staging, files.map((file, i) => ({ file, to: `${staging}/new-${i}` })));
    const at = (i: number): string => join(target, paths[i] ?? '');
    // The files replaced, kept aside (a link, or a copy where the file system has none) to be put back on a failure.
    for (let i = 0; i < paths.length; i++) keepAside(at(i), `${staging}/old-${i}`);
    let done = 0;
    try {
      for (; done < paths.length; done++) renameSync(`${staging}/new-${done}`, at(done));
    } catch (error) {
      // Every file already replaced is put back; one that cannot be keeps its old bytes in the staging folder, which
      // is then left for a later build to remove (recoverOutput), and the build that follows writes the output whole.
      let restored = true;
      for (let i = done - 1; i >= 0; i--) {
        try {
          renameSync(`${staging}/old-${i}`, at(i));
        } catch {
          restored = false;
        }
      }
      if (!restored) keep = true;
      throw error;
    }
    // (each file's folder as recorded: its `/`-separated path, whatever the system's separator)
    const mtimes = new Map<string, number>();
    for (const { path } of files) {
      const dir = parentOf(path);
      if (!mtimes.has(dir)) mtimes.set(dir, lstatSync(dir === '' ? target : join(target, dir)).mtimeMs);
    }
    return mtimes;
  } finally {
    if (!keep) rmSync(staging, { recursive: true, force: true });
  }
}

/** A second name for the file at `path` (a hard link; a copy where the file system refuses links). */
function keepAside(path: string, aside: string): void {
  try {
    linkSync(path, aside);
  } catch (error) {
    if (!NO_LINKS.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    copyFileSync(path, aside, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
  }
}
