import type { FileStamp, PostCache } from './load-posts.js';
import { metaKeyOf } from './fingerprint.js';
import { RACY_MS, resultKey, toolFingerprint } from './cache.js';
import type { ProcessedSource } from '../post/result.js';
import type { Post } from '../post/post.js';

/**
 * The build cache of `dev`, in memory: the same records as the disk cache (cache.ts) keeps for `build`, for as
 * long as the process runs. Each build keeps what it used and drops the rest (`settle`), so memory holds one
 * blog's stage results, never a history of them. Nothing here is ever written to disk.
 */
export class MemoryCache implements PostCache {
  private readonly salt = toolFingerprint();
  private readonly digests = new Map<string, string>();
  private readonly files = new Map<string, readonly [...FileStamp, string]>();
  private entries = new Map<string, ProcessedSource>();
  private used = new Map<string, ProcessedSource>();
  private metas = new Map<string, string>();
  /** Feed item weights by post fields and config (see PostKeys.weights): a few new ones per edit, so cleared now and then. */
  readonly weights = new Map<string, number>();

  keyOf(contentHash: string, configJson: string): string {
    return resultKey(this.salt, this.digests, contentHash, configJson);
  }

  hashOf(abs: string, stamp: FileStamp): string | undefined {
    const known = this.files.get(abs);
    return known !== undefined && known[0] === stamp[0] && known[1] === stamp[1] && known[2] === stamp[2] ? known[3] : undefined;
  }

  remember(abs: string, stamp: FileStamp, hash: string): void {
    // A file saved a moment ago may be saved again without its stamp changing: its content is looked at next time.
    if (Date.now() - stamp[1] >= RACY_MS) this.files.set(abs, [...stamp, hash]);
    else this.files.delete(abs);
  }

  /** Never: a dev rebuild renders the few posts that changed in this thread, rather than start a render thread. */
  saved(): boolean {
    return false;
  }

  hasEntries(): boolean {
    return this.entries.size > 0;
  }

  metaKey(key: string): string | undefined {
    let meta = this.metas.get(key);
    if (meta === undefined) {
      const post = (this.used.get(key) ?? this.entries.get(key))?.post;
      if (!post) return undefined;
      const { html: _html, ...fields } = post;
      meta = metaKeyOf(fields);
      this.metas.set(key, meta);
    }
    return meta;
  }

  get(key: string): ProcessedSource | undefined {
    const hit = this.used.get(key) ?? this.entries.get(key);
    if (hit) this.used.set(key, hit);
    return hit;
  }

  put(key: string, result: ProcessedSource): void {
    this.used.set(key, result);
  }

  /**
   * A build is over: keep what it used (or made), drop everything else, and start counting again. Posts' HTML is
   * kept as UTF-8 bytes outside the JavaScript heap (half the memory of a string with any character past Latin-1,
   * and nothing for the garbage collector to walk), made a string again only when an output that shows it is made.
   */
  settle(): void {
    for (const [key, result] of this.used) {
      if (result.post && !packed.has(result.post)) this.used.set(key, { ...result, post: packedHtml(result.post) });
    }
    this.entries = this.used;
    this.used = new Map();
    this.metas = new Map([...this.metas].filter(([key]) => this.entries.has(key)));
    // (each holds a post's weight in a few kinds of feed: many times the posts means most belong to old versions)
    if (this.weights.size > 8 * this.entries.size + 1000) this.weights.clear();
  }
}

/** Posts whose HTML is kept as bytes (see `settle`). */
const packed = new WeakSet<Post>();

/** The post with its HTML kept as UTF-8 bytes, decoded each time it is read (it is read only to make outputs). */
function packedHtml(post: Post): Post {
  const bytes = Buffer.from(post.html);
  const { html: _html, ...meta } = post;
  const out = Object.defineProperty(meta, 'html', { enumerable: true, get: () => bytes.toString('utf8') }) as Post;
  packed.add(out);
  return out;
}
