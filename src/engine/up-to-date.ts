import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, type Dirent } from 'node:fs';
import { join, sep } from 'node:path';
import type { Diagnostic } from '../common/diagnostics.js';
import type { SkippedFile } from '../read/sources.js';
import { DISK_VIEW, stampOf, type FileStamp, type SourceView } from '../read/source-view.js';
import { untouched } from '../output/owner.js';
import { RACY_MS, toolFingerprint } from './cache.js';

/**
 * The up-to-date check of `build`, as make and ninja have one: when nothing a build reads has changed since the
 * last build that wrote the output, and the output is still as that build left it, the build has nothing to do.
 * It then says what that build said (its warnings, the files it skipped) and writes nothing, without reading the
 * cache's index or a single post: at 10,000 posts, a listing and a stat of every file, about 0.55 s in all
 * against 1.8 s for a rebuild from the cache.
 *
 * What a build reads, all in the digest (`inputsDigest`): the tool's code and libraries, the command's options,
 * the config file's text and the config it resolves to (the site URL from the environment included), and every
 * entry of the posts folder and of the static folder (names and types at any depth; size, mtime and inode of
 * every file). Not used, so that a change can never be missed:
 * - when either folder holds a symbolic link (its target may change where no listing looks);
 * - when a file was modified within RACY_MS of the look (a file system with coarse times could change it again
 *   without a new stamp);
 * - when posts were left out for being dated in the future (time alone would publish them), or the reference time
 *   is earlier than the recorded build's (SOURCE_DATE_EPOCH set back: it would leave posts out);
 * - by `check`, by a build with problems, with `--no-cache`.
 * Hidden folders that no build reads (`.git`) are looked at by name only.
 */

/** What the last build that wrote the output said, and the state it left the output in. */
interface BuildRecord {
  readonly record: 1;
  /** The digest of everything that build read. */
  readonly digest: string;
  /** The output folder (absolute) and the mtime of each of its folders after the write (OutputManifest.dirs). */
  readonly out: string;
  readonly dirs: Readonly<Record<string, number>>;
  /**
   * The reference time of that build (ms; the clock, or SOURCE_DATE_EPOCH). It left no post out for being dated
   * in the future, so a build at this time or later publishes the same posts; an earlier one may leave some out.
   */
  readonly now: number;
  readonly said: BuildSaid;
}

/** What a build reports besides its timing, so that an up-to-date build can say the same. */
export interface BuildSaid {
  readonly skipped: readonly SkippedFile[];
  readonly diagnostics: readonly Diagnostic[];
  readonly posts: number;
  readonly files: number;
  readonly leftOut?: { readonly drafts: number; readonly future: number };
}

/** The inputs as one look at them found them: their digest, and each file's stamp (for the build that follows). */
export interface InputsLook {
  readonly digest: string;
  /** False when a record may not be made from this look (a file modified too recently). */
  readonly recordable: boolean;
  /** Stamps of the files looked at, by absolute path: the build uses them rather than stat every post again. */
  readonly view: SourceView;
}

/** Folders whose contents no build reads: named in the digest, not walked. */
const NOT_READ = new Set(['.git', '.hg', '.svn']);

/**
 * Look at everything a build reads (see the module comment). `wallNow` is the wall clock (ms), used only to tell
 * files modified too recently to trust their stamps. Undefined when the check cannot be used (a symbolic link).
 */
export function lookAtInputs(folders: readonly string[], settings: unknown, wallNow: number): InputsLook | undefined {
  const hash = createHash('sha256').update(toolFingerprint()).update('\0').update(JSON.stringify(settings));
  const stamps = new Map<string, FileStamp>();
  let recordable = true;
  const walk = (dir: string): boolean => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      hash.update(`\0!${(error as NodeJS.ErrnoException).code ?? 'error'}`);
      return true;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = `${dir}${sep}${entry.name}`; // (not join: ten thousand times, it costs more than the listing)
      if (entry.isSymbolicLink()) return false;
      if (entry.isDirectory()) {
        hash.update(`\0d${entry.name}`);
        if (NOT_READ.has(entry.name)) continue;
        if (!walk(path)) return false;
        hash.update('\0..');
        continue;
      }
      const info = lstatSync(path, { throwIfNoEntry: false });
      if (!info) return false; // (gone between the listing and now: things are moving, a build it is)
      const stamp: FileStamp = [info.size, info.mtimeMs, info.ino];
      if (entry.isFile()) stamps.set(path, stamp);
      if (wallNow - info.mtimeMs < RACY_MS) recordable = false;
      // (and the change time: a copy that keeps the old mtime, `cp -p` or `touch -r`, or a chmod, changes only that)
      hash.update(`\0f${entry.name}\0${entry.isFile() ? 'f' : 'o'}${stamp.join(',')},${info.ctimeMs}`);
    }
    return true;
  };
  for (const folder of folders) {
    hash.update(`\0\0${folder}`);
    const top = lstatSync(folder, { throwIfNoEntry: false });
    if (top?.isSymbolicLink()) return undefined;
    if (!top) continue;
    if (!top.isDirectory()) {
      hash.update(`\0o${top.size},${top.mtimeMs},${top.ino}`);
      continue;
    }
    if (!walk(folder)) return undefined;
  }
  const view: SourceView = {
    listing: DISK_VIEW.listing,
    stamp: (entry) => stamps.get(entry.abs) ?? stampOf(entry.abs),
  };
  return { digest: hash.digest('hex'), recordable, view };
}

/** Where the record of the last build is kept in the cache folder. */
function recordPath(cacheDir: string): string {
  return join(cacheDir, 'last-build.json');
}

/**
 * What the last build said, when it read exactly these inputs (`look`) and wrote `out`, which is still as it left
 * it; undefined otherwise (a missing, damaged or foreign record is only a build to do).
 */
export function upToDate(cacheDir: string, look: InputsLook, out: string, now: number): BuildSaid | undefined {
  let record: BuildRecord;
  try {
    record = JSON.parse(readFileSync(recordPath(cacheDir), 'utf8')) as BuildRecord;
  } catch {
    return undefined;
  }
  if (record?.record !== 1 || record.digest !== look.digest || record.out !== out || typeof record.dirs !== 'object') return undefined;
  if (!(typeof record.now === 'number' && now >= record.now)) return undefined;
  if (!wellFormed(record.said)) return undefined;
  return untouched(out, { files: {}, dirs: record.dirs }) ? record.said : undefined;
}

/** Whether a record's report has the shape a build's has (a damaged record is not replayed). */
function wellFormed(said: BuildSaid | undefined): boolean {
  return said !== undefined && Array.isArray(said.skipped) && Array.isArray(said.diagnostics) && typeof said.posts === 'number' && typeof said.files === 'number'
    && said.diagnostics.every((d) => typeof d?.file === 'string' && typeof d.message === 'string' && typeof d.code === 'string');
}

/**
 * Record a build that wrote `out` (whose folders it left with `dirs`) from the inputs `look` found, or forget the
 * last record when this one may not be made (see the module comment). Never fails the build: the record only
 * ever saves work.
 */
export function recordBuild(cacheDir: string, look: InputsLook | undefined, out: string, dirs: Readonly<Record<string, number>>, now: number, said: BuildSaid): void {
  const path = recordPath(cacheDir);
  try {
    if (!look?.recordable || (said.leftOut?.future ?? 0) > 0) {
      rmSync(path, { force: true });
      return;
    }
    const record: BuildRecord = { record: 1, digest: look.digest, out, dirs, now, said };
    const temp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}`;
    writeFileSync(temp, JSON.stringify(record));
    renameSync(temp, path);
  } catch {
    // (a cache folder that cannot be written: the next build simply builds)
  }
}
