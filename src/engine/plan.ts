import { isAscii } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../common/diagnostics.js';
import type { SourceEntry } from '../read/sources.js';
import { asciiJsonBytes, writeAtomic, type SavedState, type StoredEntry } from './cache.js';

/**
 * The plan a build keeps in the cache folder for the next build's patch (cli/patch.ts): which inputs each output was
 * made from, as far as an edit of a post's body can change it. With it, a build after such an edit re-renders only
 * the edited posts and remakes only the outputs that carry their HTML (their pages, the feed documents with their
 * full text), without reading the cache's index or any other post: everything else stays in the output as it
 * is. Anything the plan cannot vouch for (another file changed, a post's fields, its problems, an archive's
 * split) is a full build, which keeps a new plan.
 *
 *   plan.json            the plan (below): its posts' paths and keys, the output's paths, where each row is
 *   plan-<id>.rows       each post's and each feed document's row, one JSON text each, read by offset
 *   plan-state.json      what patches change: the look at the inputs, the cache's state, posts rendered again
 *   plan-<id>.records    each post's stored result and link warnings, one JSON text each, read by offset
 */

const PLAN_FORMAT = 6;

/** What a plan holds (see the module comment); `posts` and `docs` are read from the stored lists as they are asked for. */
export interface Plan extends PlanState {
  /** Names the plan (its state names it too), and the archives' weights patches changed (by document). */
  readonly id: string;
  readonly splits: Readonly<Record<string, Split>>;
  /** The salt of every output key (fingerprint.ts, PostKeys.salt). */
  readonly salt: string;
  /** Every post file, in the listing's order. */
  readonly posts: PlanPosts;
  /** Every feed document, the site's subscription document first. */
  readonly docs: { at(d: number): PlanDoc | undefined };
  /** The files holding the posts' records, and the posts' and documents' rows, in the cache folder. */
  readonly records: string;
  readonly rows: string;
  /** Every file the planned build wrote into the output folder (a patch changes no path, only some files' bytes). */
  readonly paths: readonly string[];
}

/** What a patch changes in a plan: kept apart from the posts and documents (`plan-state.json`), which stay as they are. */
export interface PlanState {
  /** The tool's fingerprint (cache.ts, toolFingerprint): another version's plan is not used. */
  readonly tool: string;
  /** The look at the inputs the planned build made (engine/up-to-date.ts, InputsLook): its shape, numbers and racy files. */
  readonly shape: string;
  readonly numbers: ArrayLike<number>;
  readonly racy: readonly number[];
  /** The output folder (absolute), and the reference time of the build. */
  readonly out: string;
  readonly now: number;
  /** The cache's index as its last save left it (see appendPatch). */
  readonly state: SavedState;
  /** The output folder's id (cache.ts, folderId), which the cache's record of it goes by. */
  readonly outId: string;
  /** The hash of the text of the report of the build that made this plan (up-to-date.ts): the record it goes with. */
  readonly report: string;
}

/** The posts of a plan, by index in the listing's order. */
export interface PlanPosts {
  readonly length: number;
  at(i: number): PlanPost | undefined;
  /** The index of the post whose file is at `abs`. */
  indexOf(abs: string): number | undefined;
  /** Whether a post other than those `except` names has the cache key `key`. */
  usesKey(key: string, except: (i: number) => boolean): boolean;
}

export interface PlanPost {
  readonly entry: SourceEntry;
  /** Its cache key, the key its outputs were made with (relinked: see site/links.ts), and its fields' key. */
  readonly key: string;
  readonly shown: string;
  readonly meta: string;
  /** Where its record is in the records file: byte offset and length. */
  readonly at: readonly [number, number];
  readonly published: boolean;
  /** Whether its HTML links another post's file (then it is shown relinked, and is not patched). */
  readonly linksPosts: boolean;
  /** How it is shown relinked (site/links.ts, Relinked), when its links to other posts' files changed its HTML. */
  readonly relinked?: { readonly changes: readonly (readonly [string, string])[]; readonly contentBytes: number };
  /** The feed documents that carry its HTML (by index into `docs`). */
  readonly docs: readonly number[];
}

export interface PlanDoc {
  /** The document's fields but its config and items, as docInputs (feeds/doc.ts) serializes them. */
  readonly fields: string;
  /** Whose feed it is, in messages (build.ts, feedFiles). */
  readonly owner: string;
  /** Its items, by index into `posts`. */
  readonly items: readonly number[];
  /** How it was filled, when it is an archive closed at a byte budget. */
  readonly split?: Split;
}

/** How an archive was filled (feeds/archive.ts, Split: the same shape; the engine does not read the feeds' modules). */
export interface Split {
  readonly bytes: number;
  readonly room: number;
  readonly closed: 'size' | 'bytes' | 'end';
  readonly next?: number;
}

/** What a patch changed in its posts and documents (kept in the state beside the lists, which stay as they are). */
export interface PlanChanges {
  /** Posts rendered again: their keys (cache and shown: one, as they link no post) and their new records. */
  readonly posts: ReadonlyMap<number, { readonly key: string; readonly at: readonly [number, number] }>;
  /** Archives whose posts (or the post after them) now weigh otherwise, as they are now filled. */
  readonly splits: ReadonlyMap<number, Split>;
}

/** A post's record: its stored result (cache.ts) and the `broken-link` warnings its links got. */
export interface PlanRecord {
  readonly entry: StoredEntry;
  readonly checked: readonly Diagnostic[];
}

function planPath(cacheDir: string): string {
  return join(cacheDir, 'plan.json');
}
function statePath(cacheDir: string): string {
  return join(cacheDir, 'plan-state.json');
}

/**
 * The plan as stored: `plan.json` and the rows file, written by a full build, and `plan-state.json`, written again by
 * every patch (what it changes); the three name one `id`. A patch looks up a few posts of ten thousand, so
 * `plan.json` holds only what it searches (every post's path and cache key, the output's paths) and where each row
 * is; a post's or a document's row (a list, not an object: it parses faster) is read from the rows file when it is
 * first asked for. (All of it in one JSON file took some 70 ms to read and parse at 10,000 posts.)
 */
interface StoredPlan {
  readonly plan: typeof PLAN_FORMAT;
  readonly id: string;
  readonly salt: string;
  readonly records: string;
  readonly rows: string;
  readonly paths: readonly string[];
  /** Each post's file (absolute) and cache key, in the listing's order. */
  readonly abs: readonly string[];
  readonly keys: readonly string[];
  /** Where each row is in the rows file (byte offset, length), the posts' then the documents'. */
  readonly at: readonly number[];
}

interface StoredState extends Omit<PlanState, 'numbers'> {
  readonly plan: typeof PLAN_FORMAT;
  readonly id: string;
  /** The look's numbers as the bytes of 64-bit floats. */
  readonly numbers: string;
  /** What patches changed since the plan was written (PlanChanges, by index). */
  readonly posts: Readonly<Record<string, readonly [key: string, offset: number, length: number]>>;
  readonly splits: Readonly<Record<string, Split>>;
}

/** A post's row (its file and cache key are in plan.json; `shown` is 0 when it is the cache key, as for most posts). */
type StoredPost = readonly [path: string, stem: string, nameDate: string | 0, bundle: SourceEntry['bundle'] | 0, linked: 0 | 1,
  shown: string | 0, meta: string, offset: number, length: number, flags: number, docs: readonly number[], relinked: NonNullable<PlanPost['relinked']> | 0];
type StoredDoc = readonly [fields: string, owner: string, items: readonly number[], split: NonNullable<PlanDoc['split']> | 0];

/** The names of a plan's records and rows files (see writePlan). */
const OWN_FILE = /^plan-[0-9a-f]{12}\.(records|rows)$/;

const PUBLISHED = 1;
const LINKS_POSTS = 2;

/** Whether `cacheDir` holds a plan at all (a look before starting anything for a patch: a first build has none). */
export function hasPlan(cacheDir: string): boolean {
  return existsSync(planPath(cacheDir));
}

/** The plan in `cacheDir`, when there is one of this format; undefined otherwise (nothing to patch from). */
export function readPlan(cacheDir: string): Plan | undefined {
  try {
    const stored = readJson(planPath(cacheDir)) as StoredPlan;
    const state = readJson(statePath(cacheDir)) as StoredState;
    if (stored?.plan !== PLAN_FORMAT || state?.plan !== PLAN_FORMAT || stored.id !== state.id) return undefined;
    if (![stored.abs, stored.keys, stored.at, stored.paths].every(Array.isArray) || stored.keys.length !== stored.abs.length) return undefined;
    // (files of this cache folder only: a foreign or damaged plan must not lead a patch to read or append elsewhere)
    if (!OWN_FILE.test(String(stored.records)) || !OWN_FILE.test(String(stored.rows))) return undefined;
    const { plan: _format, id: _id, numbers, posts: _posts, splits, ...rest } = state;
    const rows = new Rows(join(cacheDir, stored.rows), stored.at);
    const docs = new Map<number, PlanDoc | undefined>();
    const postCount = stored.abs.length;
    return {
      ...rest, id: stored.id, splits, numbers: decodeNumbers(numbers), salt: stored.salt, records: stored.records, rows: stored.rows,
      paths: stored.paths,
      posts: new StoredPosts(stored.abs, stored.keys, rows, state.posts),
      docs: {
        at: (d) => {
          if (!docs.has(d)) {
            const row = d >= 0 ? rows.at(postCount + d) : undefined;
            docs.set(d, Array.isArray(row) ? decodeDoc(row as unknown as StoredDoc, splits[d]) : undefined);
          }
          return docs.get(d);
        },
      },
    };
  } catch {
    return undefined; // (missing, damaged, another format's: a full build)
  }
}

/** The rows of a plan's rows file, each read and parsed when asked for (undefined when it cannot be). */
class Rows {
  /** `places`: each row's byte offset and length, one after the other. */
  constructor(private readonly path: string, private readonly places: readonly number[]) {}

  at(j: number): unknown {
    const offset = this.places[2 * j];
    const length = this.places[2 * j + 1];
    if (typeof offset !== 'number' || typeof length !== 'number') return undefined;
    return readJsonAt(this.path, offset, length);
  }
}

/** The posts of a stored plan, each read from its row when first asked for, with what patches changed in it. */
class StoredPosts implements PlanPosts {
  private readonly made = new Map<number, PlanPost>();

  /** `changes`: what patches changed, by index (see StoredState). */
  constructor(private readonly abs: readonly string[], private readonly keys: readonly string[], private readonly rows: Rows,
    readonly changes: StoredState['posts']) {}

  get length(): number {
    return this.abs.length;
  }

  at(i: number): PlanPost | undefined {
    let post = this.made.get(i);
    if (post === undefined) {
      const row = i >= 0 && i < this.abs.length ? this.rows.at(i) as StoredPost | undefined : undefined;
      if (!Array.isArray(row)) return undefined;
      const [path, stem, nameDate, bundle, linked, storedShown, meta, offset, length, flags, docs, relinked] = row;
      const abs = this.abs[i] as string;
      const key = this.keys[i] as string;
      const shown = storedShown === 0 ? key : storedShown;
      const patched = Object.hasOwn(this.changes, i) ? this.changes[i] : undefined;
      post = {
        entry: { abs, path, stem, ...(nameDate !== 0 && { nameDate }), ...(bundle !== 0 && { bundle }), ...(linked === 1 && { linked: true as const }) },
        key: patched?.[0] ?? key, shown: patched?.[0] ?? shown, meta, at: patched ? [patched[1], patched[2]] : [offset, length],
        published: (flags & PUBLISHED) !== 0, linksPosts: (flags & LINKS_POSTS) !== 0, docs, ...(relinked !== 0 && { relinked }),
      };
      this.made.set(i, post);
    }
    return post;
  }

  indexOf(abs: string): number | undefined {
    // (a patch asks for a few posts: a scan costs less than a map of ten thousand paths)
    const i = this.abs.indexOf(abs);
    return i < 0 ? undefined : i;
  }

  usesKey(key: string, except: (i: number) => boolean): boolean {
    return this.keys.some((stored, i) => !except(i) && (Object.hasOwn(this.changes, i) ? this.changes[i]?.[0] : stored) === key);
  }
}

function decodeDoc(row: StoredDoc | undefined, patched: Split | undefined): PlanDoc | undefined {
  if (row === undefined) return undefined;
  const [fields, owner, items, split] = row;
  if (split === 0) return { fields, owner, items };
  return { fields, owner, items, split: patched ?? split };
}

/** Forget the plan (a build that cannot keep one: the next build is a full one). */
export function dropPlan(cacheDir: string): void {
  rmSync(statePath(cacheDir), { force: true });
  rmSync(planPath(cacheDir), { force: true });
}

/** A plan as a full build makes it: every post and document in full, each post's record given apart. */
export interface NewPlan extends PlanState {
  readonly salt: string;
  readonly paths: readonly string[];
  readonly posts: readonly Omit<PlanPost, 'at'>[];
  readonly docs: readonly PlanDoc[];
}

/**
 * Keep `plan`, with each post's record text (`records`, in the order of its posts), and remove older records and
 * rows files. The state goes last: a plan without its state is not read.
 */
export function writePlan(cacheDir: string, plan: NewPlan, records: readonly string[]): void {
  const id = randomBytes(6).toString('hex');
  const name = `plan-${id}.records`;
  const rowsName = `plan-${id}.rows`;
  const { bytes, offsets } = packed(records);
  rmSync(statePath(cacheDir), { force: true });
  writeAtomic(join(cacheDir, name), bytes);
  const { salt, paths, posts, docs, ...state } = plan;
  const rows = packed([
    ...posts.map(({ entry: e, key, shown, meta, published, linksPosts, docs: carried, relinked }, i) => JSON.stringify([
      e.path, e.stem, e.nameDate ?? 0, e.bundle ?? 0, e.linked ? 1 : 0, shown === key ? 0 : shown, meta, offsets[i]?.[0] ?? 0, offsets[i]?.[1] ?? 0,
      (published ? PUBLISHED : 0) | (linksPosts ? LINKS_POSTS : 0), carried, relinked ?? 0,
    ] satisfies StoredPost)),
    ...docs.map(({ fields, owner, items, split }) => JSON.stringify([fields, owner, items, split ?? 0] satisfies StoredDoc)),
  ]);
  writeAtomic(join(cacheDir, rowsName), rows.bytes);
  writeAtomic(planPath(cacheDir), asciiJsonBytes({
    plan: PLAN_FORMAT, id, salt, records: name, rows: rowsName, paths,
    abs: posts.map((p) => p.entry.abs), keys: posts.map((p) => p.key), at: rows.offsets.flat(),
  } satisfies StoredPlan));
  writeState(cacheDir, id, state, {}, {});
  for (const file of readdirSync(cacheDir)) {
    if (/^plan-[0-9a-f]+\.(records|rows)$/.test(file) && file !== name && file !== rowsName) rmSync(join(cacheDir, file), { force: true });
  }
}

/** Keep what a patch changed in `plan` (its records already appended: see appendRecords). */
export function replacePlanState(cacheDir: string, plan: Plan, state: PlanState, changes: PlanChanges): void {
  const stored = plan.posts instanceof StoredPosts ? plan.posts : undefined;
  if (!stored) throw new Error('a plan not read from disk');
  const posts: Record<string, readonly [string, number, number]> = { ...stored.changes };
  for (const [i, { key, at }] of changes.posts) posts[i] = [key, at[0], at[1]];
  const splits: Record<string, Split> = { ...plan.splits };
  for (const [d, split] of changes.splits) splits[d] = split;
  writeState(cacheDir, plan.id, state, posts, splits);
}

function writeState(cacheDir: string, id: string, state: PlanState, posts: StoredState['posts'], splits: StoredState['splits']): void {
  const floats = Float64Array.from(state.numbers);
  const { numbers: _numbers, ...rest } = state;
  writeAtomic(statePath(cacheDir), asciiJsonBytes({
    ...rest, plan: PLAN_FORMAT, id, numbers: Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64'),
    posts, splits,
  } satisfies StoredState));
}

/**
 * A JSON file written as ASCII (cache.ts, asciiJson), read as one-byte text: decoding UTF-8 makes a string of two-byte
 * characters as soon as one is not ASCII, and a 3 MB one then takes several times longer to read and parse.
 */
function readJson(path: string): unknown {
  const bytes = readFileSync(path);
  return JSON.parse(isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8'));
}

function decodeNumbers(text: string): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** `texts` encoded one after the other into one buffer, and where each is in it (byte offset and length). */
function packed(texts: readonly string[]): { bytes: Uint8Array; offsets: [number, number][] } {
  // (each encoded straight into the buffer, which says how many bytes it took: no second pass to measure them)
  let size = 0;
  for (const text of texts) size += text.length;
  let buffer = Buffer.allocUnsafe(Math.max(1024, Math.ceil(size * 1.1)));
  const offsets: [number, number][] = [];
  let at = 0;
  for (const text of texts) {
    if (buffer.length - at < text.length * 3) {
      const grown = Buffer.allocUnsafe(Math.max(buffer.length * 2, at + text.length * 3));
      buffer.copy(grown, 0, 0, at);
      buffer = grown;
    }
    const length = buffer.write(text, at);
    offsets.push([at, length]);
    at += length;
  }
  return { bytes: buffer.subarray(0, at), offsets };
}

/** Append records to the plan's records file (a patch's re-rendered posts); their offsets, in order. */
export function appendRecords(cacheDir: string, plan: Plan, records: readonly string[]): [number, number][] {
  const path = join(cacheDir, plan.records);
  const start = statSize(path);
  const { bytes, offsets } = packed(records);
  appendFileSync(path, bytes);
  return offsets.map(([offset, length]) => [start + offset, length]);
}

/** The record of a post (see PlanRecord); undefined when it cannot be read. */
export function readRecord(cacheDir: string, plan: Plan, post: PlanPost): PlanRecord | undefined {
  const [offset, length] = post.at;
  return readJsonAt(join(cacheDir, plan.records), offset, length) as PlanRecord | undefined;
}

/** The JSON text of `length` bytes at `offset` in the file at `path`, parsed; undefined when it cannot be read. */
function readJsonAt(path: string, offset: number, length: number): unknown {
  try {
    const fd = openSync(path, 'r');
    try {
      const bytes = Buffer.allocUnsafe(length);
      if (readSync(fd, bytes, 0, length, offset) !== length) return undefined;
      return JSON.parse(bytes.toString('utf8')) as unknown;
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

function statSize(path: string): number {
  return statSync(path, { throwIfNoEntry: false })?.size ?? 0;
}
