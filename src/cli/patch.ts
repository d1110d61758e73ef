import { lstatSync } from 'node:fs';
import type { ResolvedConfig } from '../config/config.js';
import type { Diagnostic } from '../common/diagnostics.js';
import { DamagedCacheError, StageError } from '../common/errors.js';
import { appendPatch, cacheAsSaved, folderId, folderTimes, journalHasRoom, roomForPack, storedEntry, storedPost, toolFingerprint, type DiskCache, type PatchChange, type StoredEntry, type StoredStamp } from '../engine/cache.js';
import { keying, metaKeyOf, type PostKeys } from '../engine/fingerprint.js';
import { salted } from '../engine/load-posts.js';
import type { RenderPool } from '../engine/render-pool.js';
import { appendRecords, dropPlan, readPlan, readRecord, replacePlanState, type Plan, type PlanDoc, type PlanPost, type Split } from '../engine/plan.js';
import { recordAgain, replay, timeless, type BuildRecord, type InputsLook, type Replay } from '../engine/up-to-date.js';
import { splitAfter } from '../feeds/archive.js';
import { ItemTexts } from '../feeds/chunks.js';
import type { FeedDoc } from '../feeds/doc.js';
import { feedFiles } from '../feeds/files.js';
import { patchOutput } from '../output/patch-output.js';
import { parentOf, type OutputFile } from '../output/write.js';
import { pageOf } from '../pages/page-of.js';
import { toDisplayDate } from '../post/dates.js';
import { postPage } from '../pages/pages.js';
import type { Post } from '../post/post.js';
import { contentHash, type HashedResult, type ProcessedSource } from '../post/result.js';
import { readPostFile } from '../read/read-post.js';
import { bundleAssets } from '../read/sources.js';
import { mayLinkPosts, PostLinks, relinkedPost } from '../site/links.js';
import type { Site } from '../site/site.js';
import { recordText } from './keep-plan.js';

/**
 * The patch of a build: after an edit of posts' bodies, remake only what carries their HTML (their pages, the feed
 * documents with their full text), from the plan the last build kept (engine/plan.ts), and link everything else
 * from the output as it is. At 10,000 posts a full rebuild from the cache reads a 14 MB index and plans 12,000
 * outputs for the sake of four; a patch reads the plan, the edited post and the few posts in its feed documents.
 *
 * The files it makes replace theirs in the output where they are (output/patch-output.ts): a patch changes no path.
 * A patch is taken only when a full build would give the same bytes and say the same things, which it checks:
 * - the same files in the posts and static folders (the look's shape), and no file changed but posts;
 * - each changed post renders to the same fields (its meta key: title, dates, tags, summary…), links no other post's
 *   file, and gets the same problems (its own, its front-matter keys' places, its broken links);
 * - each archive it is in keeps the same posts (feeds/archive.ts, splitAfter), and so does the one before it;
 * - the output folder is the one the plan's build wrote, as it left it (every folder of it is checked under the lock).
 * Otherwise `patch` says why not (`Refused`), writing nothing, and the caller builds in full, which keeps a new plan
 * (keep-plan.ts).
 */

/** More changed posts than this: a full build (it renders them in parallel). */
const MAX_PATCHED = 16;

export interface PatchOptions {
  readonly cache: DiskCache;
  readonly look: InputsLook;
  /** The record of the last build that wrote the output (up-to-date.ts, lastRecord), if there is a usable one. */
  readonly record: BuildRecord | undefined;
  /** The output folder (absolute), and as given. */
  readonly out: string;
  readonly shownOut: string;
  /** The posts folder as files are shown (`posts`). */
  readonly postsDir: string;
  readonly config: ResolvedConfig;
  readonly now: number;
  /** `--strict`: a build with problems writes nothing, so it is not patched. */
  readonly strict: boolean;
  /** How what the build says is wanted (see up-to-date.ts, Replay). */
  readonly as: 'list' | 'text';
  /** A thread to render the changed posts in (a big blog's: see render-pool.ts, warmThread); the caller closes it. */
  readonly pool?: RenderPool;
  readonly onNote: (message: string) => void;
}

/** What a patched build said (the last build's words: the same problems), and how many posts it rendered. */
export interface Patched extends Replay {
  readonly rendered: number;
}

/** Why a build was not patched (FEEDWRIGHT_DEBUG=1 shows it). */
export interface Refused {
  readonly refused: string;
}

function refused(why: string): Refused {
  return { refused: why };
}

/** Patch the output (see the module comment), or say why a full build is needed (nothing was written then). */
export async function patch(options: PatchOptions): Promise<Patched | Refused> {
  const rendered: Rendered[] = [];
  const done = await patchWith(options, rendered);
  // What was rendered for nothing is the full build's: it finds those posts by their keys.
  if ('refused' in done) for (const { key, result } of rendered) options.cache.put(key, result);
  return done;
}

/** A post being rendered again: its index in the plan, its cache key, its path as shown, and its result to come. */
interface Render {
  readonly index: number;
  readonly key: string;
  readonly path: string;
  readonly result: Promise<HashedResult | undefined>;
}

/** A post rendered again: its index in the plan, its result as the cache keeps it (without its bundle's problems), its key. */
interface Rendered {
  readonly index: number;
  readonly result: ProcessedSource;
  readonly key: string;
}

/** The plan, and the record of the build that made it (or of the last patch of it), when a patch may start from them. */
function usablePlan({ cache, look, record, out, now, strict }: PatchOptions): { plan: Plan; record: BuildRecord } | Refused {
  const plan = readPlan(cache.dir);
  if (!plan) return refused('no plan of the last build');
  if (plan.tool !== toolFingerprint() || plan.out !== out || now < plan.now) return refused('the plan is of another tool, output or time');
  if (plan.shape !== look.shape || plan.numbers.length !== look.numbers.length) return refused('files were added, removed or renamed, or the settings changed');
  if (!record || record.said.report.sha256.text !== plan.report || !timeless(record.said)) return refused('the record of the last build is not the plan\'s');
  if (strict && record.said.problems > 0) return refused('--strict, and the last build had problems');
  // (every folder of the output is compared with the record under the write's lock; its own mtime now, before any work)
  const root = record.dirs.indexOf('');
  if (folderId(out) !== plan.outId || root < 0 || lstatSync(out, { throwIfNoEntry: false })?.mtimeMs !== record.mtimes[root]) return refused('the output folder is not the one the plan\'s build left');
  if (!roomForPack(cache.dir)) return refused('the cache\'s packs are due to be folded');
  if (!cacheAsSaved(cache.dir, plan.state)) return refused('the cache\'s index or journal changed since the plan was made');
  if (!journalHasRoom(plan.state)) return refused('the cache\'s journal is due to be folded into its index');
  return { plan, record };
}

async function patchWith(options: PatchOptions, changed: Rendered[]): Promise<Patched | Refused> {
  const { cache, look, out, config, now, pool } = options;
  const usable = usablePlan(options);
  if ('refused' in usable) return usable;
  const { plan, record } = usable;

  // Which files changed since the plan's look: their numbers differ, or their stamps could not be trusted then.
  const suspects = new Set(plan.racy);
  const racy = new Set(look.racy);
  for (let at = 0; at < look.numbers.length; at += 4) {
    if (look.numbers[at] !== plan.numbers[at] || look.numbers[at + 1] !== plan.numbers[at + 1]
      || look.numbers[at + 2] !== plan.numbers[at + 2] || look.numbers[at + 3] !== plan.numbers[at + 3]) suspects.add(at);
  }
  const configJson = JSON.stringify(config);
  const files: Record<string, StoredStamp | null> = {};
  const renders: Render[] = [];
  for (const at of suspects) {
    const abs = look.pathAt(at);
    const index = abs === undefined ? undefined : plan.posts.indexOf(abs);
    if (index === undefined) return refused(`a file that is not a post changed (${abs ?? 'not a file'})`);
    const planned = plan.posts.at(index);
    if (!planned) return refused(`the plan's row of ${abs ?? 'a post'} cannot be read`);
    if (renders.length >= MAX_PATCHED) return refused('many posts changed');
    const { entry } = planned;
    const read = readPostFile(entry.abs, entry.path);
    if (!('bytes' in read)) return refused(`${entry.path} cannot be read`);
    const bundle = bundleAssets(entry);
    // (its bundle's problems are said with the post's: a full build says them in their place)
    if (bundle.diagnostics.length > 0) return refused(`${entry.path}: its bundle has problems`);
    const raw = bundle.assets ? { ...entry, assets: bundle.assets } : entry;
    const hash = contentHash(entry, read.bytes);
    const key = cache.keyOf(salted(hash, raw), configJson);
    // (its stamp is the look's numbers at `at`: size, mtime, inode, change time)
    const n = look.numbers;
    files[entry.abs] = racy.has(at) ? null : [n[at] ?? 0, n[at + 1] ?? 0, n[at + 2] ?? 0, n[at + 3] ?? 0, hash];
    if (key === planned.key) continue; // (touched, or written with the same bytes)
    if (planned.linksPosts) return refused(`${entry.path} links another post's file`);
    // (rendered in the thread while this one reads what the post's documents carry)
    const source = { ...raw, bytes: read.bytes };
    const result = pool ? pool.submit([source], false).then((done) => done[0])
      : import('../post/stage.js').then(({ processRaw }) => processRaw(source, config));
    result.catch(() => undefined); // (awaited below; a refusal before then leaves it)
    renders.push({ index, key, path: entry.path, result });
  }
  // The posts of the documents that carry the changed posts' HTML, but those (read from their records meanwhile).
  const others = new Map<number, Post>();
  const changing = new Set(renders.map((r) => r.index));
  for (const { index } of renders) {
    for (const d of plan.posts.at(index)?.docs ?? []) {
      for (const i of plan.docs.at(d)?.items ?? []) {
        if (changing.has(i) || others.has(i)) continue;
        const post = storedOf(cache.dir, plan, i);
        if (!post) return refused('the record of a post of a feed document cannot be read');
        others.set(i, post);
      }
    }
  }
  // Under the output's lock, once every folder of it is found as the record says (looked at while the posts render):
  // what the changed posts change is made and replaced where it is (output/patch-output.ts).
  let done: (Remade & { readonly saved: Saved; readonly touched: ReadonlyMap<string, number> }) | Refused | undefined;
  try {
    done = await patchOutput(out, record, async (replace) => {
      const next = await remake(options, plan, record, renders, others, changed);
      if ('refused' in next) return next;
      // The cache takes what the patch changes before the output changes, its folders at mtime -1 (they match no
      // folder: a patch stopped before the line that gives their mtimes leaves a record of the output no build trusts).
      const saved = appendPatch(cache.dir, plan.state, cacheChange(options, plan, changed, files, next, new Map(next.made.map((f) => [parentOf(f.path), -1]))));
      if (!saved) return refused('the cache\'s journal has no room for this patch, or changed');
      return { ...next, saved, touched: await replace(next.made) };
    }, { onNote: options.onNote });
  } catch (error) {
    // (a damaged stored post or a serializer's bug is the CLI's to handle, as in a full build; any other failure of the
    // write is said by the full build that follows, in its words)
    if (error instanceof DamagedCacheError || error instanceof StageError) throw error;
    return refused(`the write failed: ${(error as Error).message}`);
  }
  // (what a full build does with a folder changed since, or holding files feedwright did not write, it is run to do)
  if (!done) return refused('the output folder changed since the last build');
  if ('refused' in done) return done;
  const { said, saved, touched, vouched: { splits, checks } } = done;

  // The cache, the plan and the record, each as a full build would leave them for the next build. Failing to keep
  // them never fails the build (the output is in place): the next build is then a full one.
  try {
    const state = folderTimes(cache.dir, saved.state, out, Object.fromEntries(touched));
    if (!state) dropPlan(cache.dir);
    else {
      const offsets = appendRecords(cache.dir, plan, changed.map(({ index, key }) => recordText(saved.entries[key] as StoredEntry, checks.get(index) ?? [])));
      replacePlanState(cache.dir, plan, {
        tool: plan.tool, shape: plan.shape, out, report: plan.report,
        numbers: look.numbers, racy: look.racy, now, state, outId: plan.outId,
      }, {
        posts: new Map(changed.map(({ index, key }, k) => [index, { key, at: offsets[k] as [number, number] }])),
        splits,
      });
    }
  } catch {
    dropPlan(cache.dir);
  }
  recordAgain(cache.dir, record, look, touched, now);
  return { ...said, rendered: changed.length };
}

/** What the cache keeps of a patch's first journal line (engine/cache.ts, appendPatch). */
type Saved = NonNullable<ReturnType<typeof appendPatch>>;

/** What the patch changes in the cache (engine/cache.ts, appendPatch), its output's folders having `mtimes`. */
function cacheChange({ out }: PatchOptions, plan: Plan, changed: readonly Rendered[], files: PatchChange['files'], { made, vouched }: Remade,
  mtimes: ReadonlyMap<string, number>): PatchChange {
  const dropped = changed.map((c) => (plan.posts.at(c.index) as PlanPost).key).filter((key) => !plan.posts.usesKey(key, (i) => vouched.shownKeys.has(i)));
  return {
    files, made: changed.map(({ key, result }) => ({ key, result })), dropped,
    out: { dir: out, files: Object.fromEntries(made.map((f) => [f.path, f.key as string])), dirs: Object.fromEntries(mtimes) },
  };
}

/** What a patch writes (its files made when written), and what it says (the last build's words). */
interface Remade {
  readonly made: readonly OutputFile[];
  readonly said: Replay;
  readonly vouched: Vouched;
}

/**
 * The files that carry the changed posts' HTML, made again once each post is rendered (`renders`, into `changed`)
 * and vouched for; `others` are the other posts of their feed documents.
 */
async function remake(options: PatchOptions, plan: Plan, record: BuildRecord, renders: readonly Render[], others: ReadonlyMap<number, Post>,
  changed: Rendered[]): Promise<Remade | Refused> {
  const { config } = options;
  // (a page shows its post's date in words: the first such formatter of a process loads the language's data, ~15 ms,
  // done while the posts render)
  if (renders.length > 0) toDisplayDate(plan.now, config.timeZone, config.language);
  for (const { index, key, path, result } of renders) {
    const rendered = await result;
    if (!rendered) return refused(`${path} was not rendered`);
    const { hash: _hash, ...plain } = rendered;
    changed.push({ index, result: plain, key });
  }

  // Each changed post must show the same fields and say the same things; its HTML goes where its old HTML was.
  const vouched = vouch(options, plan, changed, plan.paths);
  if ('refused' in vouched) return vouched;
  const { posts, shownKeys, dirty } = vouched;

  // The documents to remake, with the posts they carry.
  const postOf = (i: number): Post | undefined => posts.get(i) ?? others.get(i);
  const indexOf = new Map<Post, number>();
  const docs: { doc: FeedDoc; owner: string }[] = [];
  const main = docOf(plan.docs.at(0), config, []);
  if (!main) return refused('the plan has no main feed');
  for (const d of [...dirty].sort((a, b) => a - b)) {
    const planned = plan.docs.at(d) as PlanDoc;
    const items: Post[] = [];
    for (const i of planned.items) {
      const post = postOf(i);
      if (!post) return refused('the record of a post of a feed document cannot be read');
      indexOf.set(post, i);
      items.push(post);
    }
    const doc = docOf(planned, config, items);
    if (!doc) return refused('a feed document of the plan cannot be read');
    docs.push({ doc, owner: planned.owner });
  }
  for (const [i, post] of posts) indexOf.set(post, i);
  const keys: PostKeys = {
    salt: plan.salt,
    posts: { get: (post) => { const i = indexOf.get(post); return i === undefined ? undefined : shownKeys.get(i) ?? plan.posts.at(i)?.shown; } },
    meta: { get: (post) => { const i = indexOf.get(post); return i === undefined ? undefined : plan.posts.at(i)?.meta; } },
  };
  const engine = keying(keys);
  const texts = new ItemTexts();
  const made: OutputFile[] = docs.flatMap(({ doc, owner }) => feedFiles(doc, engine, texts, owner));
  // (a post page shows the config and the site's images: those of the main document)
  const site = { config, posts: [], items: [], updated: 0, leftOut: { drafts: 0, future: 0 }, ...(main.images && { images: main.images }) } satisfies Site;
  for (const { index } of changed) {
    const post = posts.get(index) as Post;
    if (!plan.posts.at(index)?.published) continue;
    const page = pageOf(post);
    const key = engine?.keyOf({ kind: 'post', posts: [post] });
    if (key === undefined) return refused('a post page has no key');
    made.push({ path: page.path, key, origin: page.origin, get contents(): string { return postPage(site, post, main); } });
  }
  if (made.some((f) => f.key === undefined || !plan.paths.includes(f.path))) return refused('a remade file is not in the output');

  // What the last build said is what this one says (read now: one that cannot be read is a full build, before any write).
  const said = replay(options.cache.dir, record, options.as);
  if (!said) return refused('the last build\'s report cannot be read');
  return { made, said, vouched };
}

/** What a patch makes of its changed posts, once each is found to change nothing but what carries its HTML. */
interface Vouched {
  /** The changed posts, their keys (by index in the plan), and their broken links (as the last build's). */
  readonly posts: Map<number, Post>;
  readonly shownKeys: Map<number, string>;
  readonly checks: Map<number, readonly Diagnostic[]>;
  /** The feed documents that carry their HTML, and the archives filled otherwise (but with the same posts). */
  readonly dirty: Set<number>;
  readonly splits: Map<number, Split>;
}

/**
 * Whether each changed post shows the same fields, says the same things and leaves every archive with the same
 * posts as in the plan's build (see the module comment); what is remade of them if so.
 */
function vouch(options: PatchOptions, plan: Plan, changed: readonly Rendered[], written: readonly string[]): Vouched | Refused {
  const { cache, config } = options;
  const links = new PostLinks([], options.postsDir, config.url);
  const posts = new Map<number, Post>();
  const shownKeys = new Map<number, string>();
  const dirty = new Set<number>();
  const delta = new Map<number, number>();
  const nextDelta = new Map<number, number>();
  const checks = new Map<number, readonly Diagnostic[]>();
  for (const { index, result, key } of changed) {
    const planned = plan.posts.at(index) as PlanPost;
    const old = readRecord(cache.dir, plan, planned);
    const post = result.post;
    if (!old?.entry.post || !post) return refused(`${planned.entry.path} has no post now, or had none`);
    if (post.links && mayLinkPosts(post.links)) return refused(`${planned.entry.path} links another post's file`);
    const { html: _html, ...meta } = post;
    if (metaKeyOf(meta) !== planned.meta) return refused(`${planned.entry.path}: fields other than the body changed`);
    const fresh = storedEntry(result).entry;
    const problems = (e: typeof fresh): string => JSON.stringify([e.diagnostics, e.keys ?? [], e.unknown ?? []]);
    if (problems(fresh) !== problems(old.entry)) return refused(`${planned.entry.path}: its problems or front matter's layout changed`);
    const checked = planned.published ? links.check([post], written) : [];
    if (JSON.stringify(checked) !== JSON.stringify(old.checked)) return refused(`${planned.entry.path}: its broken links changed`);
    posts.set(index, post);
    shownKeys.set(index, key);
    checks.set(index, checked);
    const weighs = post.contentBytes - old.entry.post.contentBytes;
    for (const d of planned.docs) {
      dirty.add(d);
      delta.set(d, (delta.get(d) ?? 0) + weighs);
      // The oldest post of an archive is the one the archive before it closed without (see feeds/archive.ts).
      const doc = plan.docs.at(d);
      if (doc?.split && doc.items[doc.items.length - 1] === index && plan.docs.at(d - 1)?.split) nextDelta.set(d - 1, (nextDelta.get(d - 1) ?? 0) + weighs);
    }
  }
  const splits = new Map<number, Split>();
  for (const d of new Set([...delta.keys(), ...nextDelta.keys()])) {
    const doc = plan.docs.at(d) as PlanDoc;
    if (!doc.split) continue;
    const split = splitAfter(doc.split, doc.items.length, delta.get(d) ?? 0, nextDelta.get(d) ?? 0);
    if (!split) return refused('an archive would be split differently');
    splits.set(d, split);
  }
  return { posts, shownKeys, checks, dirty, splits };
}

/**
 * Post `i` of the plan as the plan's build showed it, from its record (its HTML is read when first needed):
 * relinked as that build relinked it (what its links lead to are the other posts' fields, which a patch leaves as
 * they were). Undefined when its record cannot be read.
 */
function storedOf(dir: string, plan: Plan, i: number): Post | undefined {
  const planned = plan.posts.at(i);
  if (!planned || (planned.linksPosts && !planned.relinked)) return undefined;
  const stored = readRecord(dir, plan, planned)?.entry;
  if (!stored?.post || !stored.html) return undefined;
  const post = storedPost(dir, stored.post, stored.html);
  return planned.relinked ? relinkedPost(post, new Map(planned.relinked.changes), planned.relinked.contentBytes) : post;
}

/** A plan's document as a feed document again, with these items (undefined when its fields cannot be read). */
function docOf(planned: PlanDoc | undefined, config: ResolvedConfig, items: readonly Post[]): FeedDoc | undefined {
  if (!planned) return undefined;
  try {
    return { config, ...(JSON.parse(planned.fields) as Omit<FeedDoc, 'config' | 'items'>), items };
  } catch {
    return undefined;
  }
}
