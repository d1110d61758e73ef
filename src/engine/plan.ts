import { randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../common/diagnostics.js';
import type { SourceEntry } from '../read/sources.js';
import { writeAtomic, type SavedState, type StoredEntry, type StoredOutput } from './cache.js';

/**
 * The plan a build keeps in the cache folder for the next build's patch (cli/patch.ts): which inputs each output was
 * made from, as far as an edit of a post's body can change it. With it, a build after such an edit re-renders only
 * the edited posts and remakes only the outputs that carry their HTML (their pages, the feed documents with their
 * full text), without reading the cache's index or any other post: everything else is linked from the output
 * as it is. Anything the plan cannot vouch for (another file changed, a post's fields, its problems, an archive's
 * split) is a full build, which keeps a new plan.
 *
 *   plan.json            the plan (below)
 *   plan-<id>.records    each post's stored result and link warnings, one JSON text each, read by offset
 */

export const PLAN_FORMAT = 3;

export interface Plan {
  readonly plan: typeof PLAN_FORMAT;
  /** The tool's fingerprint (cache.ts, toolFingerprint): another version's plan is not used. */
  readonly tool: string;
  /** The look at the inputs the planned build made (engine/up-to-date.ts, InputsLook): its shape, numbers and racy files. */
  readonly shape: string;
  readonly numbers: readonly number[];
  readonly racy: readonly number[];
  /** The output folder (absolute), and the reference time of the build. */
  readonly out: string;
  readonly now: number;
  /** The salt of every output key (fingerprint.ts, PostKeys.salt). */
  readonly salt: string;
  /** Every post file, in the listing's order. */
  readonly posts: readonly PlanPost[];
  /** Every feed document, the site's subscription document first. */
  readonly docs: readonly PlanDoc[];
  /** The file holding the posts' records, in the cache folder. */
  readonly records: string;
  /** The cache's index as its last save left it (see appendPatch). */
  readonly state: SavedState;
  /** What the cache records of the output folder and its spare (by folder id), and which of them is the output. */
  readonly outputs: Readonly<Record<string, StoredOutput>>;
  readonly outId: string;
  readonly spare?: { readonly dir: string; readonly identity?: string };
  /** The hash of the text of the report of the build that made this plan (up-to-date.ts): the record it goes with. */
  readonly report: string;
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
  /** How it was filled, when it is an archive closed at a byte budget (feeds/archive.ts, Split). */
  readonly split?: { readonly bytes: number; readonly room: number; readonly closed: 'size' | 'bytes' | 'end'; readonly next?: number };
}

/** A post's record: its stored result (cache.ts) and the `broken-link` warnings its links got. */
export interface PlanRecord {
  readonly entry: StoredEntry;
  readonly checked: readonly Diagnostic[];
}

function planPath(cacheDir: string): string {
  return join(cacheDir, 'plan.json');
}

/** The plan in `cacheDir`, when there is one of this format; undefined otherwise (nothing to patch from). */
export function readPlan(cacheDir: string): Plan | undefined {
  try {
    return decode(JSON.parse(readFileSync(planPath(cacheDir), 'utf8')) as Stored);
  } catch {
    return undefined; // (missing, damaged, another format's: a full build)
  }
}

/**
 * The plan as stored: lists rather than objects (a big blog's plan holds 10,000 posts and two records of 12,000
 * output files; objects with that many keys take several times longer to parse), and the look's numbers as the
 * bytes of 64-bit floats.
 */
interface Stored extends Omit<Plan, 'plan' | 'numbers' | 'posts' | 'docs' | 'outputs'> {
  readonly plan: typeof PLAN_FORMAT;
  readonly numbers: string;
  readonly posts: readonly StoredPost[];
  readonly docs: readonly StoredDoc[];
  readonly outputs: StoredFolders;
}

type StoredPost = readonly [abs: string, path: string, stem: string, nameDate: string | 0, bundle: SourceEntry['bundle'] | 0, linked: 0 | 1,
  key: string, shown: string, meta: string, offset: number, length: number, flags: number, docs: readonly number[], relinked: PlanPost['relinked'] | 0];
type StoredDoc = readonly [fields: string, owner: string, items: readonly number[], split: PlanDoc['split'] | 0];
/**
 * The output folder's record and its spare's, over one list of paths and one of folders (the two hold nearly the
 * same files): each folder's key of each path (0: it has no such file; null: a file without a key) and mtime of each
 * folder (-1: it has no such folder).
 */
interface StoredFolders {
  readonly paths: readonly string[];
  readonly dirs: readonly string[];
  readonly folders: readonly (readonly [id: string, folder: string, keys: readonly (string | null | 0)[], mtimes: readonly number[]])[];
}

const PUBLISHED = 1;
const LINKS_POSTS = 2;

function encode(plan: Plan): Stored {
  const floats = Float64Array.from(plan.numbers);
  return {
    ...plan,
    numbers: Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64'),
    posts: plan.posts.map(({ entry: e, key, shown, meta, at, published, linksPosts, docs, relinked }) => [
      e.abs, e.path, e.stem, e.nameDate ?? 0, e.bundle ?? 0, e.linked ? 1 : 0, key, shown, meta, at[0], at[1],
      (published ? PUBLISHED : 0) | (linksPosts ? LINKS_POSTS : 0), docs, relinked ?? 0,
    ]),
    docs: plan.docs.map(({ fields, owner, items, split }) => [fields, owner, items, split ?? 0]),
    outputs: encodeFolders(plan.outputs),
  };
}

function encodeFolders(outputs: Plan['outputs']): StoredFolders {
  const records = Object.entries(outputs);
  const paths = [...new Set(records.flatMap(([, { files }]) => Object.keys(files.files)))];
  const dirs = [...new Set(records.flatMap(([, { files }]) => Object.keys(files.dirs)))];
  return {
    paths, dirs,
    folders: records.map(([id, { folder, files }]) => [id, folder, paths.map((p) => (p in files.files ? files.files[p] ?? null : 0)), dirs.map((d) => files.dirs[d] ?? -1)]),
  };
}

/** Set `record[key]` as its own property (a static file may be named `__proto__`, which an assignment would not set). */
function own<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

function decodeFolders({ paths, dirs, folders }: StoredFolders): Record<string, StoredOutput> {
  const outputs: Record<string, StoredOutput> = {};
  for (const [id, folder, keys, mtimes] of folders) {
    const files: Record<string, string | null> = {};
    for (let i = 0; i < paths.length; i++) {
      const key = keys[i];
      if (key !== 0 && key !== undefined) own(files, paths[i] as string, key);
    }
    const at: Record<string, number> = {};
    for (let i = 0; i < dirs.length; i++) {
      const mtime = mtimes[i];
      if (mtime !== undefined && mtime !== -1) own(at, dirs[i] as string, mtime);
    }
    outputs[id] = { folder, files: { files, dirs: at } };
  }
  return outputs;
}

function decode(stored: Stored): Plan | undefined {
  if (stored?.plan !== PLAN_FORMAT || !Array.isArray(stored.posts) || !Array.isArray(stored.docs) || !Array.isArray(stored.outputs?.folders)) return undefined;
  const bytes = Buffer.from(stored.numbers, 'base64');
  const numbers = Array.from(new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
  const outputs = decodeFolders(stored.outputs);
  return {
    ...stored, numbers, outputs,
    posts: stored.posts.map(([abs, path, stem, nameDate, bundle, linked, key, shown, meta, offset, length, flags, docs, relinked]) => ({
      entry: { abs, path, stem, ...(nameDate !== 0 && { nameDate }), ...(bundle !== 0 && { bundle }), ...(linked === 1 && { linked: true as const }) },
      key, shown, meta, at: [offset, length] as const, published: (flags & PUBLISHED) !== 0, linksPosts: (flags & LINKS_POSTS) !== 0, docs,
      ...(relinked !== 0 && { relinked }),
    })),
    docs: stored.docs.map(([fields, owner, items, split]) => ({ fields, owner, items, ...(split !== 0 && { split }) })),
  };
}

/** Forget the plan (a build that cannot keep one: the next build is a full one). */
export function dropPlan(cacheDir: string): void {
  rmSync(planPath(cacheDir), { force: true });
}

/**
 * Keep `plan` (its records first: `records` gives each post's record text, in the order of `posts`, and `plan` is
 * given their offsets), and remove older records files. Written whole or not at all.
 */
export function writePlan(cacheDir: string, make: (at: (i: number) => readonly [number, number], records: string) => Plan, records: readonly string[]): void {
  const name = `plan-${randomBytes(6).toString('hex')}.records`;
  const offsets: [number, number][] = [];
  let offset = 0;
  const texts = records.map((text) => {
    const bytes = Buffer.from(text);
    offsets.push([offset, bytes.length]);
    offset += bytes.length;
    return bytes;
  });
  writeAtomic(join(cacheDir, name), Buffer.concat(texts));
  writeAtomic(planPath(cacheDir), JSON.stringify(encode(make((i) => offsets[i] ?? [0, 0], name))));
  for (const file of readdirSync(cacheDir)) if (/^plan-[0-9a-f]+\.records$/.test(file) && file !== name) rmSync(join(cacheDir, file), { force: true });
}

/** Append records to the plan's records file (a patch's re-rendered posts); their offsets, in order. */
export function appendRecords(cacheDir: string, plan: Plan, records: readonly string[]): [number, number][] {
  const path = join(cacheDir, plan.records);
  let offset = statSize(path);
  const out: [number, number][] = [];
  const texts = records.map((text) => {
    const bytes = Buffer.from(text);
    out.push([offset, bytes.length]);
    offset += bytes.length;
    return bytes;
  });
  appendFileSync(path, Buffer.concat(texts));
  return out;
}

/** Replace the plan (after a patch: its records file stays). */
export function replacePlan(cacheDir: string, plan: Plan): void {
  writeAtomic(planPath(cacheDir), JSON.stringify(encode(plan)));
}

/** The record of a post (see PlanRecord); undefined when it cannot be read. */
export function readRecord(cacheDir: string, plan: Plan, post: PlanPost): PlanRecord | undefined {
  const [offset, length] = post.at;
  try {
    const fd = openSync(join(cacheDir, plan.records), 'r');
    try {
      const bytes = Buffer.allocUnsafe(length);
      if (readSync(fd, bytes, 0, length, offset) !== length) return undefined;
      return JSON.parse(bytes.toString('utf8')) as PlanRecord;
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
