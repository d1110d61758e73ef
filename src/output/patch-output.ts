import { randomBytes } from 'node:crypto';
import { constants, copyFileSync, linkSync, lstatSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { safeRelative, type OutputFile } from './file.js';
import { withLock } from './lock.js';
import { foldersAsLeft, MANIFEST_FILE } from './owner.js';
import { writeNewFiles } from './write-files.js';
import { lockOptions, recoverUnlocked, type WriteOptions } from './write.js';

/**
 * The patch of an output (cli/patch.ts): a few files it holds, replaced where they are, each by a rename. A write
 * (write.ts) stages a whole folder and swaps it in, which at 10,000 posts means bringing a spare of 12,000 files up
 * to date and checking it, for the sake of the four files an edit of one post changes. A patch changes no path
 * (the same files, only some of their bytes), so it needs none of that: it makes the new files beside the output
 * (`dist.tmp-…`, which every write cleans up after a killed build), then, under the lock, checks that every folder
 * of the output is as the last write left it (nothing added, removed or renamed: the same check as the write's,
 * so a folder holding anything feedwright did not write is refused the same way) and renames the files into place.
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

/**
 * Replace `files` (paths the output in `outDir` holds) with their new contents, if every folder of it is as
 * `record` says. Returns the new mtime of each folder it changed (by path, `''` for the output folder), or
 * undefined when the output is not as recorded (nothing was changed: the caller writes it whole instead).
 */
export async function patchOutput(outDir: string, files: readonly OutputFile[], record: FolderRecord,
  options: Pick<WriteOptions, 'onNote' | 'lockWaitMs'> = {}): Promise<ReadonlyMap<string, number> | undefined> {
  const target = resolve(outDir);
  const paths = files.map((f) => safeRelative(f.path)); // refuse hostile paths before touching the disk
  if (paths.includes(MANIFEST_FILE)) throw new Error(`refusing to write ${MANIFEST_FILE}: that name is feedwright's own list of what it wrote`);
  const note = options.onNote ?? ((): void => undefined);
  const staging = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  mkdirSync(staging); // (not recursive: the output's parent is there, and nothing is written through what is in the way)
  try {
    // Made and written before the lock is taken: the files' contents are the slow part.
    await writeNewFiles(staging, files.map((file, i) => ({ file, to: `${staging}/new-${i}` })));
    return await withLock(`${target}.lock`, async () => {
      await recoverUnlocked(target, note);
      if (!foldersAsLeft(target, record.dirs, record.mtimes)) return undefined;
      const at = (i: number): string => `${target}/${paths[i]}`;
      // The files replaced, kept aside (a link, or a copy where the file system has none) to be put back on a failure.
      for (let i = 0; i < paths.length; i++) keepAside(at(i), `${staging}/old-${i}`);
      let done = 0;
      try {
        for (; done < paths.length; done++) renameSync(`${staging}/new-${done}`, at(done));
      } catch (error) {
        for (let i = done - 1; i >= 0; i--) renameSync(`${staging}/old-${i}`, at(i));
        throw error;
      }
      const mtimes = new Map<string, number>();
      for (const path of paths) {
        const slash = path.lastIndexOf('/');
        const dir = slash < 0 ? '' : path.slice(0, slash);
        if (!mtimes.has(dir)) mtimes.set(dir, lstatSync(dir === '' ? target : `${target}/${dir}`).mtimeMs);
      }
      return mtimes;
    }, lockOptions(note, options.lockWaitMs));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

const NO_LINKS = new Set(['EPERM', 'EXDEV', 'EMLINK', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/** A second name for the file at `path` (a hard link; a copy where the file system refuses links). */
function keepAside(path: string, aside: string): void {
  try {
    linkSync(path, aside);
  } catch (error) {
    if (!NO_LINKS.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    copyFileSync(path, aside, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
  }
}
