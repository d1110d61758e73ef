import type { Diagnostic } from '../common/diagnostics.js';
import { asciiJson, folderId, toolFingerprint, type DiskCache, type StoredEntry } from '../engine/cache.js';
import { dropPlan, writePlan, type NewPlan, type PlanDoc, type PlanPost } from '../engine/plan.js';
import { timeless, type BuildRecord, type InputsLook } from '../engine/up-to-date.js';
import { splitOf } from '../feeds/archive.js';
import type { FeedDoc } from '../feeds/doc.js';
import type { Post } from '../post/post.js';
import { relinkOf } from '../site/links.js';
import { FeedFile } from '../feeds/files.js';
import type { BuildResult } from '../build.js';

/*
 * What a full build keeps for the next build's patch (cli/patch.ts): its plan (engine/plan.ts), made from how the
 * build made its outputs (BuildResult.made) and what its cache and write left.
 */

/**
 * Keep the plan of a full build that wrote `out` (see engine/plan.ts), for the next build's patch; or drop the old
 * one when this build cannot give one (the next build is then a full one too).
 */
export function keepPlan(cache: DiskCache, look: InputsLook | undefined, out: string, result: BuildResult, record: BuildRecord | undefined, now: number): void {
  try {
    const plan = planOf(cache, look, out, result, record, now);
    if (plan) writePlan(cache.dir, plan.plan, plan.records);
    else dropPlan(cache.dir);
  } catch {
    dropPlan(cache.dir); // (only ever saves work)
  }
}

function planOf(cache: DiskCache, look: InputsLook | undefined, out: string, result: BuildResult, record: BuildRecord | undefined,
  now: number): { plan: NewPlan; records: string[] } | undefined {
  const saved = cache.lastSave;
  const { made, site } = result;
  if (!look || !saved || !made || !site || !record || !timeless(record.said)) return undefined;
  const outId = folderId(out);
  const stored = outId === undefined ? undefined : saved.outputs[outId];
  // (a patch changes the cache's record of the output: there must be one, of this folder)
  if (outId === undefined || stored?.folder !== out) return undefined;
  const index = new Map<Post, number>();
  made.posts.forEach((post, i) => post && index.set(post, i));
  const docs: PlanDoc[] = [];
  const carried: number[][] = made.entries.map(() => []);
  const seen = new Set<FeedDoc>();
  for (const file of result.files) {
    if (!(file instanceof FeedFile) || seen.has(file.doc)) continue;
    seen.add(file.doc);
    const { items, config: _config, ...fields } = file.doc;
    const d = docs.length;
    const at: number[] = [];
    for (const item of items) {
      const i = index.get(item);
      if (i === undefined) return undefined;
      at.push(i);
      // (a document of summaries carries the HTML of a post without one: see feeds/json.ts)
      if (file.doc.content !== 'summary' || item.summary === undefined) carried[i]?.push(d);
    }
    const split = splitOf(file.doc);
    // (as ASCII, as the plan is stored: a tag feed's title has quotation marks)
    docs.push({ fields: asciiJson(fields), owner: file.owner, items: at, ...(split && { split }) });
  }
  const broken = new Map<string, Diagnostic[]>();
  for (const d of made.broken) broken.set(d.file, [...broken.get(d.file) ?? [], d]);
  const published = new Set(site.posts);
  const posts: Omit<PlanPost, 'at'>[] = [];
  const records: string[] = [];
  for (let i = 0; i < made.entries.length; i++) {
    const entry = made.entries[i];
    const post = made.posts[i];
    const key = made.cacheKeys[i];
    const stored = key === undefined ? undefined : saved.entries[key];
    const shown = post && made.keys.posts.get(post);
    const meta = post && made.keys.meta.get(post);
    if (!entry || !post || key === undefined || !stored?.html || !stored.post || shown === undefined || meta === undefined) return undefined;
    const relinked = relinkOf(post);
    if (made.linksPosts[i] === true && !relinked) return undefined;
    posts.push({ entry, key, shown, meta, published: published.has(post), linksPosts: made.linksPosts[i] === true, docs: carried[i] ?? [], ...(relinked && { relinked }) });
    records.push(recordText(stored, broken.get(post.source) ?? []));
  }
  return {
    records,
    plan: {
      tool: toolFingerprint(), shape: look.shape, numbers: look.numbers, racy: look.racy, out, now, salt: made.keys.salt,
      posts, docs, state: saved.state, outId, paths: Object.keys(stored.files.files),
      report: record.said.report.sha256.text,
    },
  };
}

/**
 * A post's record as the plan keeps it (engine/plan.ts, PlanRecord): its stored result without the links of its post
 * (a patch makes feed documents and pages of it, which do not show them; they are a quarter of a record).
 */
export function recordText(entry: StoredEntry, checked: readonly Diagnostic[]): string {
  const { post, ...rest } = entry;
  if (!post?.links) return JSON.stringify({ entry, checked });
  const { links: _links, ...shown } = post;
  return JSON.stringify({ entry: { ...rest, post: shown }, checked });
}
