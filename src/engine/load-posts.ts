import type { ResolvedConfig } from '../config/config.js';
import type { Diagnostic } from '../common/diagnostics.js';
import type { KeysByPost, PostKeys } from './fingerprint.js';
import type { KeyMemo } from './key-memo.js';
import { contentHash, withDiagnostics, type HashedResult, type ProcessedSource, type RawSource } from '../post/result.js';
import type { Post } from '../post/post.js';
import { BATCH, RenderPool, threadsFor, warmThread, WORKER_THRESHOLD, type PoolOptions } from './render-pool.js';
import { readPostFile } from '../read/read-post.js';
import { bundleAssets, type SourceEntry } from '../read/sources.js';

import { DISK_VIEW, type FileStamp, type SourceView } from '../read/source-view.js';

export type { FileStamp } from '../read/source-view.js';

/** What loading posts needs from a cache; `cache.ts` keeps one on disk. */
export interface PostCache {
  /** The content hash recorded for a file when it had this stamp (so it need not be read), if any. */
  hashOf(abs: string, stamp: FileStamp): string | undefined;
  /** Record the content hash of a file as it was when stamped. */
  remember(abs: string, stamp: FileStamp, hash: string): void;
  /** The cache key of a file's result: its content hash with the resolved config (and the tool's version). */
  keyOf(contentHash: string, configJson: string): string;
  /** Whether an earlier build saved a cache (cheap, unlike `hasEntries`: for deciding early what to start). */
  saved(): boolean;
  /** Whether any result is stored at all (if not, reading files just to look them up is wasted). */
  hasEntries(): boolean;
  /** The fingerprint of the post stored (or being stored) under a key, without its HTML (fingerprint.ts). */
  metaKey(key: string): string | undefined;
  /**
   * The stored result for a key. Its post's HTML may be read when first asked for: a stored copy found damaged
   * then throws a DamagedCacheError (errors.ts), and the caller builds again without the cache.
   */
  get(key: string): ProcessedSource | undefined;
  put(key: string, result: ProcessedSource): void;
  /**
   * The keys of every post this cache gave out or was given (`get`, `put`) and their fingerprints (`metaKey`), by
   * the post, when it keeps posts between builds: a build then makes no maps of its own.
   */
  readonly byPost?: { readonly posts: KeysByPost; readonly meta: KeysByPost };
  /** Weights of posts' feed items kept between builds, when this cache keeps them (see PostKeys.weights). */
  readonly weights?: Map<string, number>;
  /** The last build's plan, when this cache keeps posts between builds (see PostKeys.memo). */
  readonly memo?: KeyMemo;
}

export interface LoadOptions {
  readonly cache?: PostCache;
  readonly pool?: PoolOptions;
  /** Called as files are done (in any order): how many, of how many. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Where files' stamps come from (default: a stat each, DISK_VIEW). */
  readonly view?: SourceView;
}

export interface LoadedPosts {
  /** One result per entry, in the entries' order. */
  readonly results: ProcessedSource[];
  /** With a cache: each post's key, a fingerprint of everything it is made from (for incremental writes). */
  readonly keys?: PostKeys;
  /** How many files were rendered rather than taken from the cache. */
  readonly rendered: number;
}

interface Miss {
  readonly index: number;
  readonly raw: RawSource;
  readonly stamp?: FileStamp;
  /** Problems with the bundle's assets, found here (they are not part of the cached result). */
  readonly assetDiagnostics: Diagnostic[];
  /** Hash of the file's bytes, when it was read here (otherwise the worker reports it). */
  readonly hash?: string;
}

/** What a cache key covers besides the file's bytes: its bundle's assets (sizes, types, image dimensions). */
export function salted(fileHash: string, raw: RawSource): string {
  return raw.assets ? `${fileHash}\0${JSON.stringify(raw.assets)}` : fileHash;
}

/**
 * Turn every listed file into its stage result: from the cache when its content (or, cheaper, its unchanged
 * stamp) says it was rendered before with this config, otherwise rendered, in worker threads once there are
 * enough files to render. Misses are handed to the workers as they are found, so rendering starts early; with
 * nothing in the cache to look up, the workers also read and hash the files themselves. A rebuild of a big blog
 * starts one worker at once, before it knows what changed: the worker loads the Markdown, YAML and HTML
 * libraries on the other core while this thread reads the cache, and this thread never loads them at all.
 */
export async function loadPosts(entries: readonly SourceEntry[], config: ResolvedConfig, options: LoadOptions = {}): Promise<LoadedPosts> {
  const { cache } = options;
  const view = options.view ?? DISK_VIEW;
  const configJson = JSON.stringify(config);
  // A rebuild's misses are usually few, but their libraries take a good part of its time to load (see above):
  // the worker starts before the cache's index is read, and loads them while this thread reads it.
  let pool = cache?.saved() && warmThread(entries.length, options.pool) ? new RenderPool(config, 1) : undefined;
  let lookUpContent = false;
  const results: HashedResult[] = new Array<HashedResult>(entries.length);
  const keys: (string | undefined)[] = new Array<string | undefined>(entries.length);
  const misses: Miss[] = [];
  const batches: Promise<void>[] = [];
  let submitted = 0;
  let done = 0;
  const progress = (n: number): void => {
    done += n;
    options.onProgress?.(done, entries.length);
  };
  const submit = (): void => {
    while (pool && submitted < misses.length) {
      const batch = misses.slice(submitted, submitted + BATCH);
      submitted += batch.length;
      batches.push(pool.submit(batch.map((m) => m.raw), cache !== undefined && !lookUpContent).then((finished) => {
        finished.forEach((result, k) => (results[(batch[k] as Miss).index] = result));
        progress(finished.length);
      }));
    }
  };

  let grown = false;
  try {
    lookUpContent = cache?.hasEntries() ?? false;
    entries.forEach((entry, index) => {
      // Bundle assets are looked at every time (cheaply): a replaced image changes the post without touching it.
      const bundle = bundleAssets(entry);
      const raw: RawSource = bundle.assets ? { ...entry, assets: bundle.assets } : entry;
      const found = (result: ProcessedSource, key: string): void => {
        results[index] = withDiagnostics(result, bundle.diagnostics);
        keys[index] = key;
        progress(1);
      };
      const stamp = cache ? view.stamp(entry) : undefined;
      // (the usual case of a rebuild, 10,000 times in a big blog's: the file's stamp is the one its hash was read with)
      const known = cache && stamp ? cache.hashOf(entry.abs, stamp) : undefined;
      if (cache && stamp && known !== undefined) {
        const key = cache.keyOf(salted(known, raw), configJson);
        const hit = cache.get(key);
        if (hit) {
          cache.remember(entry.abs, stamp, known);
          found(hit, key);
          return;
        }
      }
      let miss: Miss = { index, raw, ...(stamp && { stamp }), assetDiagnostics: bundle.diagnostics };
      if (cache && lookUpContent) {
        // A file that cannot be read (or is too big) is reported by processRaw, which tries again.
        const read = readPostFile(entry.abs, entry.path);
        const bytes = 'bytes' in read ? read.bytes : undefined;
        if (bytes) {
          const hash = contentHash(entry, bytes);
          const key = cache.keyOf(salted(hash, raw), configJson);
          const hit = cache.get(key);
          if (hit) {
            if (stamp) cache.remember(entry.abs, stamp, hash);
            found(hit, key);
            return;
          }
          miss = { ...miss, raw: { ...raw, bytes }, hash };
        }
      }
      misses.push(miss);
      if (!grown && misses.length >= (options.pool?.threshold ?? WORKER_THRESHOLD)) {
        grown = true;
        const threads = threadsFor(misses.length + entries.length - index - 1, options.pool);
        if (threads > 0 && pool) pool.grow(threads);
        else if (threads > 0) pool = new RenderPool(config, threads);
      }
      if (pool && misses.length - submitted >= BATCH) submit();
    });
    if (pool) {
      submit();
      // Wait for every batch (not just the first failure) so no rejection is left unhandled.
      const failed = (await Promise.allSettled(batches)).find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
    } else if (misses.length > 0) {
      const { processRaw } = await import('../post/stage.js');
      for (const m of misses) {
        results[m.index] = processRaw(m.raw, config, cache !== undefined && m.hash === undefined);
        progress(1);
      }
    }
  } finally {
    await pool?.close();
  }

  for (const m of misses) {
    const { hash: reported, ...result } = results[m.index] as HashedResult;
    results[m.index] = withDiagnostics(result, m.assetDiagnostics);
    const hash = m.hash ?? reported;
    if (!cache || hash === undefined) continue;
    const key = cache.keyOf(salted(hash, m.raw), configJson);
    if (m.stamp) cache.remember(m.raw.abs, m.stamp, hash);
    cache.put(key, result);
    keys[m.index] = key;
  }
  const byPost = cache?.byPost ?? mapsOf(results, keys, cache);
  return {
    results, rendered: misses.length,
    ...(cache && { keys: { ...byPost, salt: cache.keyOf('', configJson), ...(cache.weights && { weights: cache.weights }), ...(cache.memo && { memo: cache.memo }) } }),
  };
}

/** Each post's key and fingerprint, for a cache that does not keep them by post. */
function mapsOf(results: readonly ProcessedSource[], keys: readonly (string | undefined)[], cache: PostCache | undefined): { posts: KeysByPost; meta: KeysByPost } {
  const posts = new Map<Post, string>();
  const meta = new Map<Post, string>();
  results.forEach((r, i) => {
    const key = keys[i];
    if (!r.post || key === undefined) return;
    posts.set(r.post, key);
    const fields = cache?.metaKey(key);
    if (fields !== undefined) meta.set(r.post, fields);
  });
  return { posts, meta };
}
