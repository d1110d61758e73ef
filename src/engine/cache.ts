import { createHash, randomBytes } from 'node:crypto';
import { isAscii } from 'node:buffer';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic, Position } from '../common/diagnostics.js';
import { DamagedCacheError } from '../common/errors.js';
import { metaKeyOf } from './fingerprint.js';
import type { FileStamp, PostCache } from './load-posts.js';
import { sameStamp as unchanged, stampTime } from '../read/source-view.js';
import type { ProcessedSource } from '../post/result.js';
import type { Post } from '../post/post.js';
import { VERSION } from '../common/version.js';
import type { OutputManifest } from '../output/write.js';

/**
 * The build cache on disk (`node_modules/.cache/feedwright` by default): every post's stage result, keyed by
 * its content hash, the resolved config and the tool's version, plus what the last write put in each output
 * folder. Only the CLI opens it; a build without it renders everything.
 *
 *   index.json     which files had which content hash, the result of each key, the output manifests
 *   journal.jsonl  what each build since index.json was written changed in it, a checksummed line per build
 *   packs/*.bin    post HTML, many posts per file, read lazily (a rebuild reads only the posts it re-renders)
 *
 * A build appends only what it changed to the journal (a one-post rebuild of a big blog writes a few kilobytes
 * rather than the whole index); the index is rewritten, and the journal emptied, once the journal grows to a
 * good part of the index's size. Every other file is written to a temporary name and renamed into place. A
 * cache that cannot be read (missing, corrupt, another version) is ignored and rebuilt; a journal line that is
 * torn, damaged, or not the next one after the index and the lines before it (two builds saving at once) ends
 * the journal there. A post's HTML is read (and its checksum checked) only when it is needed; one that fails
 * throws a DamagedCacheError, and the CLI builds again without the cache. So the cache can only make a build
 * faster, never different.
 */

// (9: a post keeps its expiry date, `expires`, which a post stored before lacks; 8: a post's `links` take in each
// URL of its raw HTML's srcset too)
const FORMAT = 9;

/**
 * The key of a file's stage result (for every PostCache: this one and dev's in memory): its content hash with the
 * resolved config and the tool's fingerprint (`salt`). `digests` remembers each config's digest: the config is
 * hashed once, not once per post (it is a kilobyte or more; a big blog has thousands of posts).
 */
export function resultKey(salt: string, digests: Map<string, string>, contentHash: string, configJson: string): string {
  let configured = digests.get(configJson);
  if (configured === undefined) {
    configured = createHash('sha256').update(`${salt}\0${configJson}`).digest('hex');
    digests.set(configJson, configured);
  }
  // 128 bits are plenty to tell builds apart, and keep the index small (it is read and written every build).
  return createHash('sha256').update(`${configured}\0${contentHash}`).digest('hex').slice(0, 32);
}
/** Rewrite the index once the journal is this many times its size (or has this many lines). */
const JOURNAL_SHARE = 0.5;
/**
 * ... but a patch (cli/patch.ts), which cannot rewrite the index, may grow it to this (a small blog's index is a few
 * kilobytes, and a patch's line holds the edited posts' results, each a kilobyte or more): the next full build folds it.
 */
const JOURNAL_FLOOR = 256 * 1024;

/** How long a patch may grow the journal of an index of `indexBytes`. */
function journalLimit(indexBytes: number): number {
  return Math.max(JOURNAL_SHARE * indexBytes, JOURNAL_FLOOR);
}
const JOURNAL_LINES = 200;
/**
 * A file modified this close (ms) before it was read may change again within the file system's timestamp
 * resolution without its stat changing (git's "racy" files): its recorded hash is not trusted next time.
 */
export const RACY_MS = 2000;
/** Rewrite all packs into one when more than this many are in use (each build with new posts adds one). */
const MAX_PACKS = 8;

export type BlobRef = readonly [pack: string, offset: number, length: number, checksum: string];

/** A key's stage result as the index stores it. */
export interface StoredEntry {
  readonly diagnostics: Diagnostic[];
  /**
   * Where each front-matter key is (later stages point their messages there), flat: name, line, column, name, …
   * (a few small objects per post are a good part of the time it takes to read the index of a big blog).
   */
  readonly keys?: readonly (string | number)[];
  /** The post without its HTML, when the file made one. */
  readonly post?: Omit<Post, 'html'>;
  /** Front-matter keys the build warns about once over all posts (see build.ts). */
  readonly unknown?: readonly string[];
  /** Fingerprint of `post` (see fingerprint.ts, metaKeyOf). */
  readonly meta?: string;
  readonly html?: BlobRef;
}

/**
 * What a write put in one folder, stored under the folder's device and inode (not its path): an output and its
 * spare trade places on every build (output/spare.ts), and each keeps its record, so a build records only what it
 * changed in each folder.
 */
export interface StoredOutput {
  /** The path the folder had when it was recorded: a record whose folder is no longer there is dropped. */
  readonly folder: string;
  readonly files: OutputManifest;
}

export type StoredStamp = readonly [...FileStamp, string];

interface IndexFile {
  readonly format: number;
  readonly tool: string;
  /** Names this version of the index; journal lines say which index they follow. */
  readonly id: string;
  readonly files: Record<string, StoredStamp>;
  readonly entries: Record<string, StoredEntry>;
  readonly outputs: Record<string, StoredOutput>;
}

/** Changes to a record: values set (added or changed) and keys dropped. */
interface Changes<T> {
  readonly set: Record<string, T>;
  readonly drop: string[];
}

/** How an output folder's manifest changed (both of its records), or that it was forgotten. */
type OutputChange = { readonly folder: string; readonly files: Changes<string | null>; readonly dirs: Changes<number> } | null;

/** One journal line: what a build changed, after `seq` lines of the journal of index `base`. */
interface JournalLine {
  readonly base: string;
  readonly seq: number;
  readonly files: Changes<StoredStamp>;
  readonly entries: Changes<StoredEntry>;
  readonly outputs: Record<string, OutputChange>;
}

/**
 * The index and journal as a save left them: which index, how many journal lines follow it and how long the journal
 * is. A later build appends to the journal from this (`appendPatch`) only if both files are still that long.
 */
export interface SavedState {
  readonly id: string;
  readonly lines: number;
  readonly journalBytes: number;
  readonly indexBytes: number;
  /** The two files' modification times (0: no journal): a file written since by anyone else is not appended to. */
  readonly indexMtime: number;
  readonly journalMtime: number;
}

/** What a patch (cli/patch.ts) changes in the cache: files' stamps, results by key, the output folder's record. */
export interface PatchChange {
  /** Stamp and content hash of each file read, by absolute path; null: forget it (its stamp cannot be trusted). */
  readonly files: Readonly<Record<string, StoredStamp | null>>;
  /** Results made, with their HTML (written into a new pack). */
  readonly made: readonly { readonly key: string; readonly result: ProcessedSource }[];
  /** Keys no post uses any more. */
  readonly dropped: readonly string[];
  /**
   * The output folder (absolute), and what the patch changes in it (output/patch-output.ts): the new key of each file
   * it replaces, and the mtime of each folder holding one (-1 until they are changed: see folderTimes). The folder is
   * the one the cache records (a patch changes no path, and the folder is not swapped): the rest of its record stays.
   */
  readonly out: { readonly dir: string; readonly files: Readonly<Record<string, string>>; readonly dirs: Readonly<Record<string, number>> };
}

/** The index as read: the index file with its journal applied. */
interface Loaded {
  readonly index: IndexFile;
  /** Valid journal lines applied, and the journal's size in bytes up to the end of the last of them. */
  readonly lines: number;
  readonly journalBytes: number;
  /** Whether the journal had anything after its valid lines (it is then rewritten with the index). */
  readonly damaged: boolean;
  readonly indexBytes: number;
}

/** What the cache knows from disk: the index with its journal applied, as far as it is usable. */
interface Known {
  readonly files: Record<string, StoredStamp>;
  readonly entries: Record<string, StoredEntry>;
  outputs: Record<string, StoredOutput>;
  /** The index and journal as read, when they were usable (a save then appends to them). */
  readonly loaded: Loaded | undefined;
}

export class DiskCache implements PostCache {
  private readonly salt: string;
  private readonly liveFiles: Record<string, StoredStamp> = {};
  private readonly liveEntries: Record<string, StoredEntry> = {};
  private readonly fresh = new Map<string, ProcessedSource>();
  private readonly configDigests = new Map<string, string>();
  private state: Known | undefined;
  private remembered: RememberedWeights | undefined;

  /**
   * `read` reads the index; it runs when the cache is first asked anything, so that the caller can start other
   * work first (loading posts starts a render thread for a big blog's rebuild while the index is parsed).
   */
  private constructor(readonly dir: string, private readonly read: () => Loaded | undefined) {
    this.salt = toolFingerprint();
  }

  private get known(): Known {
    this.state ??= this.usable() ?? { files: {}, entries: {}, outputs: {}, loaded: undefined };
    return this.state;
  }

  /** What the index on disk holds, when it is readable, this version's, and of the expected shape. */
  private usable(): Known | undefined {
    try {
      const loaded = this.read();
      const index = loaded?.index;
      if (!loaded || !index || index.format !== FORMAT || index.tool !== this.salt) return undefined;
      if (![index.files, index.entries, index.outputs].every((part) => typeof part === 'object' && part !== null)) return undefined;
      return { files: index.files, entries: validEntries(this.dir, index.entries), outputs: index.outputs, loaded };
    } catch {
      return undefined; // unreadable: start empty
    }
  }

  /** Whether an earlier build saved a cache here (cheap: the index is not read). */
  saved(): boolean {
    return existsSync(join(this.dir, 'index.json'));
  }

  /**
   * Feed item weights remembered between builds (see PostKeys.weights), read from `weights.json` when first
   * asked for. A wrong weight would split archives differently from a clean build: a file that fails its checksum,
   * cannot be read, or is another version's, is ignored (the weights are then made again).
   */
  get weights(): Map<string, number> {
    this.remembered ??= new RememberedWeights(readWeights(join(this.dir, 'weights.json'), this.salt));
    return this.remembered;
  }

  /** A cache in `dir` that starts empty, whatever is there (its save replaces it). */
  static empty(dir: string): DiskCache {
    return new DiskCache(dir, () => undefined);
  }

  /** The cache in `dir` (created on save), read when first used; an unreadable cache is empty. */
  static open(dir: string): DiskCache {
    return new DiskCache(dir, () => readIndex(dir));
  }

  /** The key of a file's stage result: its content hash with the resolved config and this tool's version. */
  keyOf(contentHash: string, configJson: string): string {
    return resultKey(this.salt, this.configDigests, contentHash, configJson);
  }

  hashOf(abs: string, stamp: FileStamp): string | undefined {
    const known = this.known.files[abs];
    return known !== undefined && unchanged(known, stamp) ? known[4] : undefined;
  }

  remember(abs: string, stamp: FileStamp, hash: string): void {
    // Cache validity only, never output: the wall clock tells whether the file was fresh when it was read.
    if (Date.now() - stampTime(stamp) >= RACY_MS) this.liveFiles[abs] = [...stamp, hash];
  }

  get(key: string): ProcessedSource | undefined {
    const fresh = this.fresh.get(key);
    if (fresh) return fresh;
    const entry = this.known.entries[key];
    if (!entry || (entry.post && !entry.html)) return undefined;
    this.liveEntries[key] = entry;
    const html = (): string => {
      const stored = readBlob(this.dir, entry.html as BlobRef);
      if (stored === undefined) throw new DamagedCacheError(`the stored HTML of ${entry.post?.source ?? key} is missing or damaged`);
      return stored;
    };
    const result = {
      diagnostics: entry.diagnostics,
      ...(entry.post && entry.html && { post: lazyHtml(entry.post, html) }),
      ...(entry.unknown && { unknownKeys: entry.unknown }),
    };
    return entry.keys ? lazyKeys(result, entry.keys) : result;
  }

  /** The fingerprint of a key's post without its HTML (see fingerprint.ts), computed once and stored. */
  metaKey(key: string): string | undefined {
    const fresh = this.fresh.get(key)?.post;
    if (fresh) {
      const { html: _html, ...meta } = fresh;
      return metaKeyOf(meta);
    }
    const entry = this.known.entries[key];
    return entry?.meta ?? (entry?.post ? metaKeyOf(entry.post) : undefined);
  }

  /** Whether there is anything to find by content (an empty cache is not worth reading files for). */
  hasEntries(): boolean {
    return Object.keys(this.known.entries).length > 0;
  }

  put(key: string, result: ProcessedSource): void {
    this.fresh.set(key, result);
  }

  /** What the last write put into the folder now at `outDir`, if a write recorded it. */
  manifest(outDir: string): OutputManifest | undefined {
    const id = folderId(outDir);
    const stored = id === undefined ? undefined : this.known.outputs[id];
    // (recorded at this path too: a folder moved by a build that did not finish is not trusted)
    return stored?.folder === outDir ? stored.files : undefined;
  }

  /**
   * Record (or, with `undefined`, forget) what is now in the folder at `outDir`, and forget folders that are no
   * longer where they were recorded (the output a build replaced and deleted, a spare that was set aside).
   */
  setManifest(outDir: string, files: OutputManifest | undefined): void {
    const id = folderId(outDir);
    // A copy: the index as read stays as it was, to tell what changed (the journal line).
    const outputs = { ...this.known.outputs };
    if (id !== undefined && files) outputs[id] = { folder: outDir, files };
    else if (id !== undefined) delete outputs[id];
    for (const [key, stored] of Object.entries(outputs)) if (key !== id && folderId(stored.folder) !== key) delete outputs[key];
    this.known.outputs = outputs;
  }

  /**
   * The index's entries and state as the last `save` left them (for the plan a build keeps for the next one's patch:
   * cli/patch.ts); undefined before a save, or when the save's state cannot be told.
   */
  lastSave: { readonly entries: Readonly<Record<string, StoredEntry>>; readonly state: SavedState; readonly outputs: Readonly<Record<string, StoredOutput>> } | undefined;

  /** Write the entries this build used or made, then drop everything else. */
  save(): void {
    this.lastSave = undefined;
    mkdirSync(join(this.dir, 'packs'), { recursive: true });
    const entries: Record<string, StoredEntry> = { ...this.liveEntries };
    const blobs: { key: string; html: string }[] = [];
    for (const [key, result] of this.fresh) {
      const { entry, html } = storedEntry(result);
      entries[key] = entry;
      if (html !== undefined) blobs.push({ key, html });
    }
    if (blobs.length > 0) writePack(this.dir, blobs, entries);
    if (new Set(Object.values(entries).flatMap((e) => (e.html ? [e.html[0]] : []))).size > MAX_PACKS) compact(this.dir, entries);
    const { loaded, outputs } = this.known;
    const line = loaded && !loaded.damaged && JSON.stringify({
      base: loaded.index.id, seq: loaded.lines,
      files: changes(loaded.index.files, this.liveFiles, sameStamp),
      entries: changes(loaded.index.entries, entries, (a, b) => a === b),
      outputs: outputChanges(loaded.index.outputs, outputs),
    } satisfies JournalLine);
    const journal = join(this.dir, 'journal.jsonl');
    let state: SavedState | undefined;
    if (line && loaded.lines < JOURNAL_LINES && loaded.journalBytes + line.length < JOURNAL_SHARE * loaded.indexBytes) {
      // A torn append is caught by the line's checksum when read, and the journal ends before it.
      const text = `${checksum(encoder.encode(line))} ${line}\n`;
      appendFileSync(journal, text);
      state = stateOf(this.dir, loaded.index.id, loaded.lines + 1);
      if (state?.indexBytes !== loaded.indexBytes || state.journalBytes !== loaded.journalBytes + Buffer.byteLength(text)) state = undefined;
    } else {
      const index: IndexFile = { format: FORMAT, tool: this.salt, id: randomBytes(8).toString('hex'), files: this.liveFiles, entries, outputs };
      const text = asciiJson(index);
      writeAtomic(join(this.dir, 'index.json'), text);
      rmSync(journal, { force: true });
      state = stateOf(this.dir, index.id, 0);
      if (state?.indexBytes !== text.length || state.journalBytes !== 0) state = undefined;
    }
    if (state) this.lastSave = { entries, state, outputs };
    if (this.remembered?.changed) {
      // Only the weights of posts in this build: each edit adds a few, and the file would grow without end.
      const live = new Set(Object.values(entries).flatMap((e) => (e.meta ? [e.meta] : [])));
      writeAtomic(join(this.dir, 'weights.json'), weightsJson(this.remembered, this.salt, live));
    }
    const used = new Set(Object.values(entries).flatMap((e) => (e.html ? [e.html[0]] : [])));
    for (const name of readdirSync(join(this.dir, 'packs'))) {
      if (!used.has(name)) rmSync(join(this.dir, 'packs', name), { force: true });
    }
  }
}

/**
 * Append what a patch changed (cli/patch.ts) to the journal of the index a save left in `state`, without reading the
 * index: the new results go into a pack of their own. Returns the state after it (with the entries made), or
 * undefined when the index or journal is no longer as `state` says or the journal is long enough to be folded into
 * the index (nothing is written then: a full build does it). The cache must record the output folder (the plan's
 * build left it so): the line changes that record. A patch appends it before it changes the output, with the
 * folders it changes at mtime -1, and gives them their mtimes after (folderTimes).
 */
export function appendPatch(dir: string, state: SavedState, change: PatchChange):
  { readonly state: SavedState; readonly entries: Readonly<Record<string, StoredEntry>> } | undefined {
  // (room for the second line, the folders' mtimes: see folderTimes)
  const prepared = patchLine(dir, state, change, 100 + 40 * Object.keys(change.out.dirs).length);
  if (!prepared) return undefined;
  const { entries, blobs, line } = prepared;
  if (blobs.length > 0) {
    mkdirSync(join(dir, 'packs'), { recursive: true });
    writePack(dir, blobs, entries);
  }
  const after = appendLine(dir, state, line());
  return after && { state: after, entries };
}

/**
 * Append a line that gives the output folder `outDir`'s folders `dirs` their mtimes (a patch's second line: its first,
 * appendPatch, sets them to -1, matching no folder, before the output changes, so that a patch stopped between its
 * renames and this line leaves a record that no build trusts). Returns the state after it, or undefined when the
 * index or journal is no longer as `state` says (nothing is written then).
 */
export function folderTimes(dir: string, state: SavedState, outDir: string, dirs: Readonly<Record<string, number>>): SavedState | undefined {
  const outId = folderId(outDir);
  if (outId === undefined || state.lines >= JOURNAL_LINES || !cacheAsSaved(dir, state)) return undefined;
  return appendLine(dir, state, JSON.stringify({
    base: state.id, seq: state.lines, files: { set: {}, drop: [] }, entries: { set: {}, drop: [] },
    outputs: { [outId]: { folder: outDir, files: { set: {}, drop: [] }, dirs: { set: dirs, drop: [] } } },
  } satisfies JournalLine));
}

/** Append `line` to the journal of the index a save left in `state`; the state after it, if it is as expected. */
function appendLine(dir: string, state: SavedState, line: string): SavedState | undefined {
  const text = `${checksum(encoder.encode(line))} ${line}\n`;
  appendFileSync(join(dir, 'journal.jsonl'), text);
  const after = stateOf(dir, state.id, state.lines + 1);
  return after?.indexBytes === state.indexBytes && after.journalBytes === state.journalBytes + Buffer.byteLength(text) ? after : undefined;
}

/**
 * appendPatch's journal line (made when called: the HTML's references are set when the pack is written) and what it
 * records, when the cache is as `state` says and the journal has room for it with `slack` more bytes.
 */
function patchLine(dir: string, state: SavedState, change: PatchChange, slack: number):
  { entries: Record<string, StoredEntry>; blobs: { key: string; html: string }[]; line: () => string } | undefined {
  if (!cacheAsSaved(dir, state)) return undefined;
  const outId = folderId(change.out.dir);
  if (outId === undefined) return undefined;
  const entries: Record<string, StoredEntry> = {};
  const blobs: { key: string; html: string }[] = [];
  for (const { key, result } of change.made) {
    const { entry, html } = storedEntry(result);
    entries[key] = entry;
    if (html !== undefined) blobs.push({ key, html });
  }
  const files: Record<string, StoredStamp> = {};
  const forgotten: string[] = [];
  for (const [abs, stamp] of Object.entries(change.files)) {
    if (stamp) files[abs] = stamp;
    else forgotten.push(abs);
  }
  const line = (): string => JSON.stringify({
    base: state.id, seq: state.lines,
    files: { set: files, drop: forgotten },
    entries: { set: entries, drop: [...change.dropped] },
    outputs: { [outId]: { folder: change.out.dir, files: { set: change.out.files, drop: [] }, dirs: { set: change.out.dirs, drop: [] } } },
  } satisfies JournalLine);
  // (measured before the pack is written, with the HTML's references still to come: a line too long writes nothing)
  const long = state.journalBytes + line().length + 100 * blobs.length + slack;
  // (and a line after it: see folderTimes)
  return state.lines + 1 >= JOURNAL_LINES || long >= journalLimit(state.indexBytes) ? undefined : { entries, blobs, line };
}

/**
 * Whether the journal may take another line rather than be folded into the index by a full build (a patch's line is
 * measured again before it is appended: see appendPatch).
 */
export function journalHasRoom(state: SavedState): boolean {
  return state.lines < JOURNAL_LINES && state.journalBytes < journalLimit(state.indexBytes);
}

/** How many packs the cache folder holds (a patch adds one; a full build folds them into one past MAX_PACKS). */
function packCount(dir: string): number {
  try {
    return readdirSync(join(dir, 'packs')).length;
  } catch {
    return 0;
  }
}

/**
 * Whether the cache may take one more pack (a patch's, which holds its few posts) before a full build must fold them:
 * a full build folds them past MAX_PACKS; patches may add a few more before one has to.
 */
export function roomForPack(dir: string): boolean {
  return packCount(dir) < 4 * MAX_PACKS;
}

/** A stored post whose HTML is read from its pack the first time it is needed (a damaged one throws DamagedCacheError). */
export function storedPost(dir: string, meta: Omit<Post, 'html'>, ref: BlobRef): Post {
  return lazyHtml(meta, () => {
    const stored = readBlob(dir, ref);
    if (stored === undefined) throw new DamagedCacheError(`the stored HTML of ${meta.source} is missing or damaged`);
    return stored;
  });
}

/** The index and journal in `dir` as they are now, told to be index `id` with `lines` journal lines (undefined without an index). */
function stateOf(dir: string, id: string, lines: number): SavedState | undefined {
  const index = statSync(join(dir, 'index.json'), { throwIfNoEntry: false });
  const journal = statSync(join(dir, 'journal.jsonl'), { throwIfNoEntry: false });
  if (!index) return undefined;
  return { id, lines, indexBytes: index.size, journalBytes: journal?.size ?? 0, indexMtime: index.mtimeMs, journalMtime: journal?.mtimeMs ?? 0 };
}

/** Whether index.json and the journal are as `state` says: the same sizes and modification times. */
export function cacheAsSaved(dir: string, state: SavedState): boolean {
  const now = stateOf(dir, state.id, state.lines);
  return now !== undefined && now.indexBytes === state.indexBytes && now.journalBytes === state.journalBytes
    && now.indexMtime === state.indexMtime && now.journalMtime === state.journalMtime;
}

/** A result as the index stores it, and its post's HTML (stored in a pack), if it has a post. */
export function storedEntry(result: ProcessedSource): { entry: StoredEntry; html?: string } {
  const { post, diagnostics } = result;
  const keys = result.keys ? { keys: packKeys(result.keys) } : {};
  const unknown = result.unknownKeys && result.unknownKeys.length > 0 ? { unknown: result.unknownKeys } : {};
  if (!post) return { entry: { diagnostics, ...keys, ...unknown } };
  const { html, ...meta } = post;
  return { entry: { diagnostics, ...keys, ...unknown, post: meta, meta: metaKeyOf(meta) }, html };
}

/** JSON with every character outside ASCII written as a `\\u` escape: the same value, read back faster. */
export function asciiJson(value: unknown): string {
  return escapeNonAscii(JSON.stringify(value));
}

function escapeNonAscii(json: string): string {
  return json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `asciiJson` as bytes, without looking for characters to escape in text that has none (most plans have none). */
export function asciiJsonBytes(value: unknown): Uint8Array {
  const text = JSON.stringify(value);
  const bytes = Buffer.from(text);
  return isAscii(bytes) ? bytes : Buffer.from(escapeNonAscii(text), 'latin1');
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Read index.json and apply the journal lines that follow it in order. Throws when the index is unreadable. */
function readIndex(dir: string): Loaded {
  // Written as ASCII (see asciiJson), so read as one-byte text: decoding UTF-8 and parsing two-byte text took
  // a good part of a big blog's rebuild. Anything else is not an index this version wrote.
  const bytes = readFileSync(join(dir, 'index.json'));
  if (!isAscii(bytes)) throw new Error('the index is not ASCII');
  const indexText = bytes.toString('latin1');
  const index = JSON.parse(indexText) as IndexFile;
  let journal: Buffer;
  try {
    journal = readFileSync(join(dir, 'journal.jsonl'));
  } catch {
    return { index, lines: 0, journalBytes: 0, damaged: false, indexBytes: indexText.length };
  }
  let lines = 0;
  let start = 0;
  for (let end = journal.indexOf(0x0a); end >= 0; start = end + 1, end = journal.indexOf(0x0a, start)) {
    const space = journal.indexOf(0x20, start);
    if (space < 0 || space > end) break;
    const body = journal.subarray(space + 1, end);
    if (checksum(body) !== journal.toString('latin1', start, space)) break;
    let line: JournalLine;
    try {
      line = JSON.parse(decoder.decode(body)) as JournalLine;
    } catch {
      break;
    }
    if (line.base !== index.id || line.seq !== lines) break;
    apply(index.files, line.files);
    apply(index.entries, line.entries);
    for (const [dir, change] of Object.entries(line.outputs)) {
      const before = index.outputs[dir];
      if (change === null) {
        delete index.outputs[dir];
        continue;
      }
      const files = { ...before?.files.files };
      const dirs = { ...before?.files.dirs };
      apply(files, change.files);
      apply(dirs, change.dirs);
      index.outputs[dir] = { folder: change.folder, files: { files, dirs } };
    }
    lines++;
  }
  return { index, lines, journalBytes: start, damaged: start < journal.length, indexBytes: indexText.length };
}

function apply<T>(into: Record<string, T>, change: Changes<T>): void {
  for (const key of change.drop) delete into[key];
  Object.assign(into, change.set);
}

/** What turns `before` into `after`. */
function changes<T>(before: Readonly<Record<string, T>>, after: Readonly<Record<string, T>>, same: (a: T, b: T) => boolean): Changes<T> {
  const set: Record<string, T> = {};
  // (for…in over records of 12,000 output paths: Object.entries would make an array for each of them)
  for (const key in after) {
    const value = after[key] as T;
    if (!Object.hasOwn(before, key) || !same(before[key] as T, value)) set[key] = value;
  }
  const drop: string[] = [];
  for (const key in before) if (!Object.hasOwn(after, key)) drop.push(key);
  return { set, drop };
}

/** What changed in the output manifests: per folder, the files and folders whose keys or mtimes changed. */
function outputChanges(before: Readonly<Record<string, StoredOutput>>, after: Readonly<Record<string, StoredOutput>>): Record<string, OutputChange> {
  const out: Record<string, OutputChange> = {};
  for (const [dir, now] of Object.entries(after)) {
    const old = before[dir];
    if (old === now) continue;
    out[dir] = {
      folder: now.folder,
      files: changes(old?.files.files ?? {}, now.files.files, (a, b) => a === b),
      dirs: changes(old?.files.dirs ?? {}, now.files.dirs, (a, b) => a === b),
    };
  }
  for (const dir of Object.keys(before)) if (!(dir in after)) out[dir] = null;
  return out;
}

function sameStamp(a: StoredStamp, b: StoredStamp): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function packKeys(keys: Readonly<Record<string, Position>>): (string | number)[] {
  return Object.entries(keys).flatMap(([name, { line, column }]) => [name, line, column]);
}

/** `result` with `keys` unpacked from `flat` the first time they are asked for (most builds never ask). */
function lazyKeys<T extends object>(result: T, flat: readonly (string | number)[]): T & { readonly keys: Readonly<Record<string, Position>> } {
  let keys: Record<string, Position> | undefined;
  const unpack = (): Record<string, Position> => {
    const out: Record<string, Position> = {};
    for (let i = 0; i + 2 < flat.length; i += 3) {
      Object.defineProperty(out, String(flat[i]), { value: { line: Number(flat[i + 1]), column: Number(flat[i + 2]) }, enumerable: true });
    }
    return out;
  };
  return Object.defineProperty(result, 'keys', { enumerable: true, get: () => (keys ??= unpack()) }) as T & { readonly keys: Readonly<Record<string, Position>> };
}

/** A post whose `html` is read from the cache the first time it is needed. */
function lazyHtml(meta: Omit<Post, 'html'>, load: () => string): Post {
  let html: string | undefined;
  return Object.defineProperty({ ...meta }, 'html', { enumerable: true, get: () => (html ??= load()) }) as Post;
}

function checksum(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 32);
}

/** Drop entries whose pack is missing or shorter than they say (a truncated or deleted pack). */
function validEntries(dir: string, entries: Record<string, StoredEntry>): Record<string, StoredEntry> {
  const sizes = new Map<string, number>();
  const sizeOf = (pack: string): number => {
    let size = sizes.get(pack);
    if (size === undefined) {
      try {
        size = statSync(join(dir, 'packs', pack)).size;
      } catch {
        size = -1;
      }
      sizes.set(pack, size);
    }
    return size;
  };
  const valid: Record<string, StoredEntry> = {};
  for (const [key, entry] of Object.entries(entries)) {
    if (!entry.html || entry.html[1] + entry.html[2] <= sizeOf(entry.html[0])) valid[key] = entry;
  }
  return valid;
}

/** The stored HTML, or `undefined` when it cannot be read or fails its checksum. */
function readBlob(dir: string, [pack, offset, length, sum]: BlobRef): string | undefined {
  try {
    const bytes = new Uint8Array(length);
    const fd = openSync(join(dir, 'packs', pack), 'r');
    try {
      if (readSync(fd, bytes, 0, length, offset) !== length) return undefined;
    } finally {
      closeSync(fd);
    }
    return checksum(bytes) === sum ? decoder.decode(bytes) : undefined;
  } catch {
    return undefined;
  }
}

/** Write `blobs` into one new pack (atomically) and point their entries at it. */
function writePack(dir: string, blobs: readonly { key: string; html: string }[], entries: Record<string, StoredEntry>): void {
  const name = `${randomBytes(8).toString('hex')}.bin`;
  const path = join(dir, 'packs', name);
  const temp = `${path}.tmp-${process.pid}`;
  let buffer = new Uint8Array(1 << 20);
  const fd = openSync(temp, 'w');
  try {
    try {
      let offset = 0;
      for (const { key, html } of blobs) {
        if (buffer.length < html.length * 3) buffer = new Uint8Array(html.length * 3);
        const bytes = buffer.subarray(0, encoder.encodeInto(html, buffer).written);
        for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done);
        entries[key] = { ...(entries[key] as StoredEntry), html: [name, offset, bytes.length, checksum(bytes)] };
        offset += bytes.length;
      }
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Copy every blob in use into one pack, so a long series of small rebuilds does not leave many packs. */
function compact(dir: string, entries: Record<string, StoredEntry>): void {
  const blobs: { key: string; html: string }[] = [];
  for (const [key, entry] of Object.entries(entries)) {
    if (!entry.html) continue;
    const html = readBlob(dir, entry.html);
    if (html === undefined) delete entries[key];
    else blobs.push({ key, html });
  }
  writePack(dir, blobs, entries);
}

export function writeAtomic(path: string, data: string | Uint8Array): void {
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    writeFileSync(temp, data);
    renameSync(temp, path);
  } finally {
    rmSync(temp, { force: true });
  }
}

export function folderId(path: string): string | undefined {
  try {
    const s = statSync(path);
    return `${s.dev}:${s.ino}`;
  } catch {
    return undefined;
  }
}

let fingerprint: string | undefined;

/**
 * This tool's identity for cache keys: its version, the versions of the libraries that shape its output, the
 * newest modification time of its own modules (so a rebuilt or edited checkout never reuses old results), and the
 * versions of Node and of the ICU data it reads dates with.
 */
export function toolFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  // Every module of the tool (this file is in engine/, one level below the root of src/ or dist-cli/).
  const here = dirname(dirname(fileURLToPath(import.meta.url)));
  // (a walk of its own rather than readdirSync's recursive listing, which costs twice as much; maps and
  // declarations change with the modules they come with)
  let newest = 0;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (/\.[cm]?[jt]s$/.test(entry.name) && !/\.d\.[cm]?ts$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(here);
  const require = createRequire(import.meta.url);
  const versions = ['marked', 'marked-footnote', 'sanitize-html', 'htmlparser2', 'gray-matter', 'yaml', 'smol-toml', 'jsonc-parser'].map((name) => {
    // Where Node looks first for a bare name: node_modules/<name> in this folder or one above it; then, for any
    // other layout, wherever Node resolves it to.
    for (let dir = here; ; dir = dirname(dir)) {
      const version = packageVersion(join(dir, 'node_modules', name), name);
      if (version !== undefined) return `${name}@${version}`;
      if (dirname(dir) === dir) break;
    }
    try {
      const main = require.resolve(name);
      for (let dir = dirname(main); dir !== dirname(dir); dir = dirname(dir)) {
        const version = packageVersion(dir, name);
        if (version !== undefined) return `${name}@${version}`;
      }
    } catch {
      // not installed: leave it out
    }
    return name;
  });
  // And the runtime's: Node and its ICU, time-zone and locale data turn dates written without an offset into
  // instants and format the dates pages show, so a Node upgrade (or new system tzdata) never reuses their results.
  const { node, icu, tz, cldr, unicode } = process.versions;
  fingerprint = [VERSION, newest, ...versions, `node@${node}`, `icu@${icu ?? '-'}`, `tz@${tz ?? '-'}`, `cldr@${cldr ?? '-'}`, `unicode@${unicode ?? '-'}`].join(' ');
  return fingerprint;
}

/** The version in `dir`/package.json when that is the package `name` (`?` without one); undefined otherwise. */
function packageVersion(dir: string, name: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
    return pkg.name === name ? pkg.version ?? '?' : undefined;
  } catch {
    return undefined;
  }
}

/** The weights map of a cache: notes whether a build added any (only then is the file written again). */
class RememberedWeights extends Map<string, number> {
  changed = false;
  /** The keys this build asked for or set: only those are written back. */
  readonly used = new Set<string>();

  constructor(entries: Iterable<readonly [string, number]>) {
    super(); // (Map's constructor would call `set` before `used` exists)
    for (const [key, value] of entries) super.set(key, value);
  }

  override get(key: string): number | undefined {
    const value = super.get(key);
    if (value !== undefined) this.used.add(key);
    return value;
  }

  override set(key: string, value: number): this {
    if (super.get(key) !== value) this.changed = true;
    this.used.add(key);
    return super.set(key, value);
  }
}

/**
 * weights.json: `{ "tool": …, "weights": { "<config salt>": { "<meta key>": { "<variant>": bytes } } } }`; keys in the
 * map are `${salt}\0${meta}\0${variant}` (see build.ts, where the archive scale names posts).
 */
function readWeights(path: string, tool: string): [string, number][] {
  try {
    const text = readFileSync(path, 'latin1');
    const space = text.indexOf(' ');
    const body = text.slice(space + 1);
    if (space < 0 || checksum(encoder.encode(body)) !== text.slice(0, space)) return [];
    const file = JSON.parse(body) as { tool?: unknown; weights?: unknown };
    if (file.tool !== tool || typeof file.weights !== 'object' || file.weights === null) return [];
    const out: [string, number][] = [];
    for (const [salt, posts] of Object.entries(file.weights as Record<string, Record<string, Record<string, unknown>>>)) {
      for (const [meta, variants] of Object.entries(posts)) {
        for (const [variant, bytes] of Object.entries(variants)) if (typeof bytes === 'number') out.push([`${salt}\0${meta}\0${variant}`, bytes]);
      }
    }
    return out;
  } catch {
    return [];
  }
}

function weightsJson(weights: RememberedWeights, tool: string, live: ReadonlySet<string>): string {
  const out: Record<string, Record<string, Record<string, number>>> = {};
  for (const [key, bytes] of weights) {
    const [salt = '', meta = ''] = key.split('\0', 2);
    if (!weights.used.has(key) || !live.has(meta)) continue;
    const variant = key.slice(salt.length + meta.length + 2);
    ((out[salt] ??= {})[meta] ??= {})[variant] = bytes;
  }
  const body = asciiJson({ tool, weights: out });
  return `${checksum(encoder.encode(body))} ${body}`;
}