import type { Post } from '../post/post.js';

/**
 * What a cache that keeps posts between builds (dev's, engine/memory-cache.ts) remembers of the last build's plan:
 * each output's key by what it was made from, and each post's feed item weight by the kind of document.
 *
 * A post object stands for one key for as long as it lives (the memory cache gives out a new object for new
 * content, new config or new links), so an output declared with the same template, the same salt and the very same
 * post objects has the key it had: comparing 10,000 references costs less than hashing 100,000 keys again. A save
 * of a big blog re-plans 12,000 outputs; this leaves the work to the few whose posts changed.
 */
export class KeyMemo {
  private salt: string | undefined;
  /** Outputs of one post (its page, feeds of one item), by the post, then by template. */
  private single = new WeakMap<Post, Map<string, Listed>>();
  /** Outputs of other numbers of posts, by template: the last build's, and this one's as it asks. */
  private last = new Map<string, Listed>();
  private current = new Map<string, Listed>();
  /** Feed item weights by the documents' variant (feeds/budget.ts), then by post. */
  private weights = new Map<string, WeakMap<Post, number>>();

  /**
   * A build starts planning with `salt` (config, tool, icon: what every key starts from). What the build before the
   * last did not ask for again is dropped, so the memo holds one plan, not a history of them.
   */
  begin(salt: string): void {
    if (salt !== this.salt) {
      this.salt = salt;
      this.single = new WeakMap();
      this.last = new Map();
      this.weights = new Map();
    } else this.last = this.current.size > 0 ? this.current : this.last;
    this.current = new Map();
  }

  /** The key made last time from exactly these posts with this template (`kind`) showing `of` them (fingerprint.ts, Shown), if any. */
  get(kind: string, of: string, posts: readonly Post[]): string | undefined {
    if (posts.length === 1) {
      const known = posts[0] && this.single.get(posts[0])?.get(kind);
      return known?.of === of ? known.key : undefined;
    }
    const known = this.current.get(kind) ?? this.last.get(kind);
    if (known?.of !== of || !samePosts(known.posts, posts)) return undefined;
    this.current.set(kind, known);
    return known.key;
  }

  set(kind: string, of: string, posts: readonly Post[], key: string): void {
    const post = posts[0];
    if (posts.length === 1 && post) {
      let byKind = this.single.get(post);
      if (!byKind) this.single.set(post, (byKind = new Map()));
      byKind.set(kind, { posts, of, key });
    } else this.current.set(kind, { posts, of, key });
  }

  /** Weights of posts' items in documents of one variant, kept while the salt is the same. */
  weightsOf(variant: string): WeakMap<Post, number> {
    let byPost = this.weights.get(variant);
    if (!byPost) this.weights.set(variant, (byPost = new WeakMap()));
    return byPost;
  }
}

interface Listed {
  readonly posts: readonly Post[];
  readonly of: string;
  readonly key: string;
}

function samePosts(a: readonly Post[], b: readonly Post[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
