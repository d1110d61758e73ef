import type { FileStamp, PostCache } from './load-posts.js';
import { sameStamp, stampTime } from '../read/source-view.js';
import { metaKeyOf } from './fingerprint.js';
import { KeyMemo } from './key-memo.js';
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
  /**
   * Result keys by the content hash they were made from, for `keysOf` (the config's JSON): a save of a big blog
   * asks for 10,000 keys, nearly all of which it asked for last time, and a sha256 each cost more than a lookup.
   */
  private keys = new Map<string, string>();
  private keysOf: string | undefined;
  private readonly files = new Map<string, readonly [...FileStamp, string]>();
  /**
   * Every result held, with the number of the last build that used (or made) it and its post's fingerprint once
   * asked for. A build marks what it uses in place, rather than copy 10,000 entries to a new map.
   */
  private readonly entries = new Map<string, Held>();
  /** The number of the build under way (`settle` ends it). */
  private build = 0;
  /** Feed item weights by post fields and config (see PostKeys.weights): a few new ones per edit, so cleared now and then. */
  readonly weights = new Map<string, number>();
  /** The last build's output keys and item weights, by the post objects they were made from (key-memo.ts). */
  readonly memo = new KeyMemo();
  /**
   * The key of every post given to this cache (`put`) or made by it (`settle`), and each one's fingerprint once
   * asked for: a post object is only ever under one key, so these never go stale, and go with their posts.
   */
  private readonly postKeys = new WeakMap<Post, string>();
  private readonly postMetas = new WeakMap<Post, string>();
  readonly byPost = {
    posts: { get: (post: Post): string | undefined => this.postKeys.get(post) },
    meta: { get: (post: Post): string | undefined => this.metaOf(post) },
  };

  keyOf(contentHash: string, configJson: string): string {
    if (configJson !== this.keysOf) this.keys = new Map();
    // (the string this build passes on every call: compared by identity from now on, not by its kilobyte of text)
    this.keysOf = configJson;
    let key = this.keys.get(contentHash);
    if (key === undefined) {
      key = resultKey(this.salt, this.digests, contentHash, configJson);
      this.keys.set(contentHash, key);
    }
    return key;
  }

  hashOf(abs: string, stamp: FileStamp): string | undefined {
    const known = this.files.get(abs);
    return known !== undefined && sameStamp(known, stamp) ? known[4] : undefined;
  }

  remember(abs: string, stamp: FileStamp, hash: string): void {
    // Recorded as it is already: it was old enough then, and is older now.
    const known = this.files.get(abs);
    if (known !== undefined && sameStamp(known, stamp) && known[4] === hash) return;
    // A file saved a moment ago may be saved again without its stamp changing: its content is looked at next time.
    if (Date.now() - stampTime(stamp) >= RACY_MS) this.files.set(abs, [...stamp, hash]);
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
    const held = this.entries.get(key);
    if (held?.meta !== undefined) return held.meta;
    const post = held?.result.post;
    if (!held || !post) return undefined;
    const { html: _html, ...fields } = post;
    held.meta = metaKeyOf(fields);
    return held.meta;
  }

  get(key: string): ProcessedSource | undefined {
    const held = this.entries.get(key);
    if (!held) return undefined;
    held.build = this.build;
    return held.result;
  }

  put(key: string, result: ProcessedSource): void {
    this.entries.set(key, { result, build: this.build });
    if (result.post) this.postKeys.set(result.post, key);
  }

  private metaOf(post: Post): string | undefined {
    let meta = this.postMetas.get(post);
    if (meta === undefined) {
      const key = this.postKeys.get(post);
      meta = key === undefined ? undefined : this.metaKey(key);
      if (meta !== undefined) this.postMetas.set(post, meta);
    }
    return meta;
  }

  /**
   * A build is over: keep what it used (or made), drop everything else, and start counting again. Posts' HTML is
   * kept as UTF-8 bytes outside the JavaScript heap (half the memory of a string with any character past Latin-1,
   * and nothing for the garbage collector to walk), made a string again only when an output that shows it is made.
   */
  settle(): void {
    for (const [key, held] of this.entries) {
      if (held.build !== this.build) this.entries.delete(key);
      else if (held.result.post && !packed.has(held.result.post)) {
        const post = packedHtml(held.result.post);
        held.result = { ...held.result, post };
        this.postKeys.set(post, key);
      }
    }
    this.build++;
    // (one key per version of a post's content: those of versions no longer held go now and then)
    if (this.keys.size > 2 * this.entries.size + 1000) this.keys = new Map();
    // (each holds a post's weight in a few kinds of feed: many times the posts means most belong to old versions)
    if (this.weights.size > 8 * this.entries.size + 1000) this.weights.clear();
  }
}

/** A result the cache holds, with the last build that used it and its post's fingerprint (metaKeyOf) once made. */
interface Held {
  result: ProcessedSource;
  build: number;
  meta?: string;
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
