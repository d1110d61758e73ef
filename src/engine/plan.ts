import { randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../common/diagnostics.js';
import type { SourceEntry } from '../read/sources.js';
import { asciiJson, writeAtomic, type SavedState, type StoredEntry, type StoredOutput } from './cache.js';

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

export const PLAN_FORMAT = 1;

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
    const plan = JSON.parse(readFileSync(planPath(cacheDir), 'latin1')) as Plan;
    return plan?.plan === PLAN_FORMAT && Array.isArray(plan.posts) && Array.isArray(plan.docs) && Array.isArray(plan.numbers) ? plan : undefined;
  } catch {
    return undefined;
  }
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
  writeAtomic(planPath(cacheDir), asciiJson(make((i) => offsets[i] ?? [0, 0], name)));
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
  writeAtomic(planPath(cacheDir), asciiJson(plan));
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
