import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, lstatSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, writeFileSync, type Dirent } from 'node:fs';
import { join, sep } from 'node:path';
import { hasErrors, type Diagnostic } from '../common/diagnostics.js';
import type { SkippedFile } from '../read/sources.js';
import { DISK_VIEW, stampOf, type FileStamp, type SourceView } from '../read/source-view.js';
import { foldersAsLeft } from '../output/owner.js';
import { RACY_MS, toolFingerprint } from './cache.js';

/**
 * The up-to-date check of `build`, as make and ninja have one: when nothing a build reads has changed since the
 * last build that wrote the output, and the output is still as that build left it, the build has nothing to do.
 * It then says what that build said (its warnings, the files it skipped) and writes nothing, without reading the
 * cache's index or a single post: at 10,000 posts, a stat of every post file and of every output folder (21,000
 * in all), about 0.4 s with Node's start against 2 s for a rebuild from the cache.
 *
 * What a build reads, all in the digest (`lookAtInputs`): the tool's code and libraries, the command's options,
 * the config file's text and the config it resolves to (the site URL from the environment included), and every
 * entry of the posts folder and of the static folder (names and types at any depth; size, mtime, inode and change
 * time of every file). Not used, so that a change can never be missed:
 * - when either folder holds a symbolic link (its target may change where no listing looks);
 * - when a file was modified within RACY_MS of the look (a file system with coarse times could change it again
 *   without a new stamp);
 * - when posts were left out for being dated in the future (time alone would publish them), or the reference time
 *   is earlier than the recorded build's (SOURCE_DATE_EPOCH set back: it would leave posts out);
 * - once the reference time is past the expiry date of a post that build published (Hugo's `expiryDate`: time
 *   alone leaves it out then; the record says from when, `until`);
 * - by `check`, by a build with problems, with `--no-cache`.
 * Hidden folders that no build reads (`.git`) are looked at by name only.
 */

/**
 * What the last build that wrote the output said, and the state it left the output in (`last-build.json`). What
 * it printed of its problems is in a file beside it (`last-build.report`): that text, then the problems as JSON.
 * A build with nothing to do prints the text as it is, rather than parse, sort and format thousands of problems
 * again; it reads the list only to report them with problems of its own (a config's) or as GitHub annotations.
 */
export interface BuildRecord {
  readonly record: 2;
  /**
   * The digest of everything that build read; null when a file it read was modified too recently to trust its stamp
   * (the record then only keeps what the build said, for the patch of the next build: cli/patch.ts).
   */
  readonly digest: string | null;
  /** The output folder (absolute). */
  readonly out: string;
  /** Each of its folders (OutputManifest.dirs: `''` is the folder itself), and the mtime of each after the write. */
  readonly dirs: readonly string[];
  readonly mtimes: readonly number[];
  /**
   * The reference time of that build (ms; the clock, or SOURCE_DATE_EPOCH). It left no post out for being dated
   * in the future, so a build at this time or later publishes the same posts; an earlier one may leave some out.
   */
  readonly now: number;
  readonly said: RecordedSaid;
}

/** What a build said, as recorded: its problems are in the report file, which this describes. */
interface RecordedSaid extends Omit<BuildSaid, 'diagnostics'> {
  /** How many problems it reported, and whether any was an error. */
  readonly problems: number;
  readonly errors: boolean;
  /**
   * The report file: its length, the length of its text (the rest is the problems as JSON), and the SHA-256 of
   * each part (a build with nothing to do reads the text only).
   */
  readonly report: { readonly bytes: number; readonly textBytes: number; readonly sha256: { readonly text: string; readonly list: string } };
}

/** What a build reports besides its timing, so that an up-to-date build can say the same. */
export interface BuildSaid {
  readonly skipped: readonly SkippedFile[];
  readonly diagnostics: readonly Diagnostic[];
  readonly posts: number;
  readonly files: number;
  readonly leftOut?: { readonly drafts: number; readonly future: number; readonly expired?: number };
  /** The first reference time at which the same inputs publish other posts (a published post expired; Site's `until`). */
  readonly until?: number;
}

/** What the last build said, as an up-to-date build says it again: its problems as a list, or as the text printed. */
export interface Replay extends Omit<BuildSaid, 'diagnostics'> {
  /** The problems (when asked for as a list). */
  readonly diagnostics?: readonly Diagnostic[];
  /** What the CLI printed of them (when asked for as text), as UTF-8: exactly what `report` prints for them alone. */
  readonly report?: { readonly text: Uint8Array; readonly problems: number; readonly errors: boolean };
}

/** The inputs as one look at them found them: their digest, and each file's stamp (for the build that follows). */
export interface InputsLook {
  readonly digest: string;
  /**
   * The digest of everything but the files' stamps: the tool, the settings, and the names and kinds of every entry.
   * Two looks with the same shape found the same files in the same order, so their `numbers` line up.
   */
  readonly shape: string;
  /** False when a record may not be made from this look (a file modified too recently). */
  readonly recordable: boolean;
  /** Stamps of the files looked at, by absolute path: the build uses them rather than stat every post again. */
  readonly view: SourceView;
  /** Size, mtime, inode and change time of every entry that is not a folder, in the walk's order, four numbers each. */
  readonly numbers: readonly number[];
  /** Where in `numbers` the files modified too recently to trust their stamps start (see `recordable`). */
  readonly racy: readonly number[];
  /** The absolute path of the file whose numbers start at `at` in `numbers`; undefined for an entry that is not a file. */
  pathAt(at: number): string | undefined;
}

/** Folders whose contents no build reads: named in the digest, not walked. */
const NOT_READ = new Set(['.git', '.hg', '.svn']);

/**
 * Look at everything a build reads (see the module comment). `wallNow` is the wall clock (ms), used only to tell
 * files modified too recently to trust their stamps. Undefined when the check cannot be used (a symbolic link).
 */
export function lookAtInputs(folders: readonly string[], settings: unknown, wallNow: number): InputsLook | undefined {
  // Names and kinds of entries go into one string and each file's size, mtime, inode and change time into one list
  // of numbers, hashed once each as text and as bytes: at 10,000 files, a hash update per entry and numbers written
  // out as text cost more than the listing. (The numbers follow the names' order: a file's come with its name.) The
  // names are kept as the listing gave them, not joined or made into paths as they come: fewer new strings that
  // live until the end of the walk, which the garbage collector copies again at every collection.
  const names: string[] = [];
  const numbers: number[] = [];
  // Each file's folder (its path with a separator, by index) and name, and where its numbers start: its stamp is
  // made only if a build asks for it.
  const dirs: string[] = [];
  const fileDir: number[] = [];
  const fileName: string[] = [];
  const fileAt: number[] = [];
  const racy: number[] = [];
  const walk = (dir: string): boolean => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      names.push('\0!', (error as NodeJS.ErrnoException).code ?? 'error');
      return true;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const prefix = `${dir}${sep}`; // (not join: ten thousand times, it costs more than the listing)
    const index = dirs.push(prefix) - 1;
    for (const entry of entries) {
      const { name } = entry;
      if (entry.isSymbolicLink()) return false;
      if (entry.isDirectory()) {
        names.push('\0d', name);
        if (NOT_READ.has(name)) continue;
        if (!walk(prefix + name)) return false;
        names.push('\0..');
        continue;
      }
      const info = lstatSync(prefix + name, { throwIfNoEntry: false });
      if (!info) return false; // (gone between the listing and now: things are moving, a build it is)
      if (wallNow - info.mtimeMs < RACY_MS) racy.push(numbers.length);
      const file = entry.isFile();
      if (file) {
        fileDir.push(index);
        fileName.push(name);
        fileAt.push(numbers.length);
      }
      names.push(file ? '\0f' : '\0o', name);
      // (and the change time: a copy that keeps the old mtime, `cp -p` or `touch -r`, or a chmod, changes only that)
      numbers.push(info.size, info.mtimeMs, info.ino, info.ctimeMs);
    }
    return true;
  };
  for (const folder of folders) {
    names.push('\0\0', folder);
    const top = lstatSync(folder, { throwIfNoEntry: false });
    if (top?.isSymbolicLink()) return undefined;
    if (!top) continue;
    if (!top.isDirectory()) {
      names.push('\0o');
      numbers.push(top.size, top.mtimeMs, top.ino, top.ctimeMs);
      continue;
    }
    if (!walk(folder)) return undefined;
  }
  // (JSON has no raw NUL, and the names' length ends them: the parts cannot run into each other)
  const text = names.join('');
  const named = createHash('sha256').update(toolFingerprint()).update('\0').update(JSON.stringify(settings)).update(`\0${text.length}\0`).update(text);
  const shape = named.copy().digest('hex');
  const digest = named.update(new Float64Array(numbers)).digest('hex');
  let stamps: Map<string, FileStamp> | undefined;
  const stamped = (abs: string): FileStamp | undefined => {
    if (!stamps) {
      stamps = new Map();
      fileName.forEach((name, i) => {
        const at = fileAt[i] ?? 0;
        stamps?.set(`${dirs[fileDir[i] ?? 0] ?? ''}${name}`, [numbers[at] ?? 0, numbers[at + 1] ?? 0, numbers[at + 2] ?? 0, numbers[at + 3] ?? 0]);
      });
    }
    return stamps.get(abs);
  };
  const view: SourceView = {
    listing: DISK_VIEW.listing,
    stamp: (entry) => stamped(entry.abs) ?? stampOf(entry.abs),
  };
  // (`fileAt` rises with the walk: a binary search, as a patch asks for a few of ten thousand)
  const pathAt = (at: number): string | undefined => {
    let low = 0;
    let high = fileAt.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const offset = fileAt[mid] ?? 0;
      if (offset === at) return `${dirs[fileDir[mid] ?? 0] ?? ''}${fileName[mid] ?? ''}`;
      if (offset < at) low = mid + 1;
      else high = mid - 1;
    }
    return undefined;
  };
  return { digest, shape, recordable: racy.length === 0, view, numbers, racy, pathAt };
}

/** Where the record of the last build, and what it printed of its problems, are kept in the cache folder. */
function recordPath(cacheDir: string): string {
  return join(cacheDir, 'last-build.json');
}
function reportPath(cacheDir: string): string {
  return join(cacheDir, 'last-build.report');
}

/**
 * What the last build said, when it read exactly these inputs (`look`) and wrote `out`, which is still as it left
 * it; undefined otherwise (a missing, damaged or foreign record is only a build to do). Its problems come `as` a
 * list, or as the text the CLI printed for them.
 */
export function upToDate(cacheDir: string, record: BuildRecord | undefined, look: InputsLook, out: string, as: 'list' | 'text'): Replay | undefined {
  if (record?.digest !== look.digest) return undefined;
  if (!Array.isArray(record.mtimes) || !foldersAsLeft(out, record.dirs, record.mtimes)) return undefined;
  return replay(cacheDir, record, as);
}

/**
 * The record of the last build that wrote `out` (see BuildRecord), when it is well formed and a build at `now`
 * publishes the same posts it did; undefined otherwise.
 */
export function lastRecord(cacheDir: string, out: string, now: number): BuildRecord | undefined {
  let record: BuildRecord;
  try {
    record = JSON.parse(readFileSync(recordPath(cacheDir), 'utf8')) as BuildRecord;
  } catch {
    return undefined;
  }
  if (record?.record !== 2 || record.out !== out) return undefined;
  if (!(typeof record.now === 'number' && now >= record.now)) return undefined;
  if (!wellFormed(record.said) || !Array.isArray(record.dirs) || !record.dirs.includes('')) return undefined;
  if (!Array.isArray(record.mtimes) || record.mtimes.length !== record.dirs.length) return undefined;
  // (past a published post's expiry date, the same inputs publish other posts)
  if (!(record.said.until === undefined || now < record.said.until)) return undefined;
  return record;
}

/** What the recorded build said, read back (its report checked against the record's hashes); undefined when it cannot be. */
export function replay(cacheDir: string, record: BuildRecord, as: 'list' | 'text'): Replay | undefined {
  const { said } = record;
  const { report } = said;
  const bytes = readPart(reportPath(cacheDir), report.bytes, as === 'text' ? 0 : report.textBytes, as === 'text' ? report.textBytes : report.bytes);
  if (!bytes || sha256(bytes) !== report.sha256[as]) return undefined;
  const { skipped, posts, files, leftOut } = said;
  const replay = { skipped, posts, files, ...(leftOut && { leftOut }) };
  if (as === 'text') return { ...replay, report: { text: bytes, problems: said.problems, errors: said.errors } };
  let diagnostics: unknown;
  try {
    diagnostics = JSON.parse(bytes.toString());
  } catch {
    return undefined;
  }
  return Array.isArray(diagnostics) && diagnostics.every(wellFormedDiagnostic) ? { ...replay, diagnostics } : undefined;
}

/** Bytes `start` to `end` of the file at `path`, when it has `size` bytes; undefined when it cannot be read or has another size. */
function readPart(path: string, size: number, start: number, end: number): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    if (fstatSync(fd).size !== size || !(start >= 0 && start <= end && end <= size)) return undefined;
    const bytes = Buffer.allocUnsafe(end - start);
    for (let done = 0; done < bytes.length;) {
      const read = readSync(fd, bytes, done, bytes.length - done, start + done);
      if (read === 0) return undefined;
      done += read;
    }
    return bytes;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Whether a record's report has the shape a build's has (a damaged record is not replayed). */
function wellFormed(said: RecordedSaid | undefined): said is RecordedSaid {
  return said !== undefined && said !== null && Array.isArray(said.skipped) && typeof said.posts === 'number' && typeof said.files === 'number'
    && typeof said.problems === 'number' && typeof said.errors === 'boolean' && (said.until === undefined || typeof said.until === 'number')
    && typeof said.report?.bytes === 'number' && typeof said.report.textBytes === 'number' && typeof said.report.sha256?.text === 'string' && typeof said.report.sha256.list === 'string';
}

function wellFormedDiagnostic(d: unknown): d is Diagnostic {
  const { file, message, code } = (d ?? {}) as Partial<Diagnostic>;
  return typeof file === 'string' && typeof message === 'string' && typeof code === 'string';
}

/**
 * Record a build that wrote `out` (whose folders it left with `dirs`) from the inputs `look` found, with what it
 * said and what the CLI printed of its problems (`report`), or forget the last record when this one may not be
 * made (see the module comment). Never fails the build: the record only ever saves work.
 */
export function recordBuild(cacheDir: string, look: InputsLook | undefined, out: string, dirs: Readonly<Record<string, number>>, now: number,
  said: BuildSaid, report: string): BuildRecord | undefined {
  const path = recordPath(cacheDir);
  try {
    if (!look || !timeless(said)) {
      rmSync(path, { force: true });
      rmSync(reportPath(cacheDir), { force: true });
      return undefined;
    }
    const text = Buffer.from(report);
    const list = Buffer.from(JSON.stringify(said.diagnostics));
    const { diagnostics, ...rest } = said;
    const record: BuildRecord = {
      record: 2, digest: look.recordable ? look.digest : null, out, dirs: Object.keys(dirs), mtimes: Object.values(dirs), now,
      said: {
        ...rest, problems: diagnostics.length, errors: hasErrors(diagnostics),
        report: { bytes: text.length + list.length, textBytes: text.length, sha256: { text: sha256(text), list: sha256(list) } },
      },
    };
    // The report first: a record always names the report it goes with by its hash, so a record left with another
    // build's report (a crash between the two) is only a build to do.
    replace(reportPath(cacheDir), Buffer.concat([text, list]));
    replace(path, JSON.stringify(record));
    return record;
  } catch {
    return undefined; // (a cache folder that cannot be written: the next build simply builds)
  }
}

/**
 * Whether what a build published depends on nothing but its inputs: it left no post out for being dated in the
 * future (the clock alone would publish it). Only then is it recorded, or patched (cli/patch.ts).
 */
export function timeless(said: Pick<BuildSaid, 'leftOut'>): boolean {
  return (said.leftOut?.future ?? 0) === 0;
}

/**
 * Record a build that said what the last one said (`record`, whose report stays as it is) from the inputs `look`
 * found, having changed the mtimes of the output's folders `touched` (the patch of a build: cli/patch.ts).
 */
export function recordAgain(cacheDir: string, record: BuildRecord, look: InputsLook, touched: ReadonlyMap<string, number>, now: number): void {
  try {
    const mtimes = record.mtimes.map((mtime, i) => touched.get(record.dirs[i] ?? '') ?? mtime);
    replace(recordPath(cacheDir), JSON.stringify({
      ...record, digest: look.recordable ? look.digest : null, mtimes, now,
    } satisfies BuildRecord));
  } catch {
    rmSync(recordPath(cacheDir), { force: true, maxRetries: 0 });
  }
}

/** Write `path` whole or not at all (a temporary file renamed over it). */
function replace(path: string, contents: string | Uint8Array): void {
  const temp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, contents);
  renameSync(temp, path);
}
