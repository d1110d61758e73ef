import type { Post } from '../post/post.js';
import type { FeedDoc } from './doc.js';
import type { FeedFormat } from './format.js';
import type { RememberedWeights } from '../engine/fingerprint.js';

/**
 * Most bytes of one archive document, in any format: 512 KiB. Readers and aggregators cap what they fetch
 * (FeedBurner at about 1 MB), and a blog of long essays filled 50-post archives past it (a 1.08 MB Atom archive).
 * Half of the smallest common cap leaves room for a reader that counts differently, and is still dozens of long
 * posts per document.
 */
export const ARCHIVE_BYTES = 512 * 1024;

/** Weights by post (a map of this build's, or the memo's weak map kept between builds). */
interface WeightsByPost {
  get(post: Post): number | undefined;
  set(post: Post, weight: number): unknown;
}

/** Room per item for what the estimate below leaves out: the content element's own tags and a separator. */
const ITEM_SLACK = 64;

/**
 * Weighs a feed's archive documents without making them, so that archives can be closed at a byte budget as well
 * as at a number of posts (feeds/archive.ts). One weight serves every format (the largest of them), so the three
 * formats' archives stay aligned: the same posts in the same numbered document.
 *
 * A post's weight is an upper bound, computed without reading its HTML (a rebuild from the cache never needs it):
 * each format's item serialized with empty content, the largest of those, plus the post's `contentBytes` (the most
 * its HTML takes in any format) when the document carries full content. A function of the post, the config and the
 * document's variant only, so the split of older archives never moves when newer posts come.
 */
export class ArchiveScale {
  /** Weights made in this build, by the documents' variant (see `variantOf`), then by post. */
  private readonly weights = new Map<string, WeightsByPost>();

  /**
   * `remembered`, when given, keeps each post's item size (without its HTML) from one build to the next, under
   * the name `nameOf` gives the post (a fingerprint of its fields and of the config, see engine/fingerprint.ts;
   * undefined: not kept): a rebuild then weighs a big blog's archives without serializing every item again.
   */
  constructor(private readonly formats: readonly FeedFormat[], readonly budget: number = ARCHIVE_BYTES,
    private readonly remembered?: RememberedWeights) {}

  /** Bytes of everything in the document but its items (head and foot), the largest format's. */
  overhead(doc: FeedDoc): number {
    return Math.max(...this.formats.map((f) => Buffer.byteLength(f.head(doc)) + Buffer.byteLength(f.foot(doc))));
  }

  /**
   * Weighs posts for `doc`: each gets an upper bound of the bytes it adds to the document in any format (separator
   * included). What the weight depends on in the document is worked out here once, not once per post (a big blog's
   * rebuild weighs every post of every feed's archives).
   */
  weigher(doc: FeedDoc): (post: Post) => number {
    const key = this.variantOf(doc);
    let byPost = this.weights.get(key);
    if (!byPost) this.weights.set(key, (byPost = this.remembered?.byPost?.(key) ?? new Map()));
    const known = byPost;
    const full = doc.content !== 'summary';
    return (post) => {
      let weight = known.get(post);
      if (weight === undefined) {
        weight = this.items(post, doc, key) + ITEM_SLACK + (full || post.summary === undefined ? post.contentBytes : 0);
        known.set(post, weight);
      }
      return weight;
    };
  }

  /** What an item's text depends on in a document, in every format (see FeedFormat.variant). */
  private variantOf(doc: FeedDoc): string {
    return this.formats.map((f) => `${f.name}:${f.variant(doc)}`).join('\0') + (doc.content ?? '');
  }

  /** The most bytes the post's item takes without its HTML in any format, remembered when it can be. */
  private items(post: Post, doc: FeedDoc, key: string): number {
    const name = this.remembered?.nameOf(post);
    const stored = name === undefined ? undefined : `${name}\0${key}`;
    const known = stored === undefined ? undefined : this.remembered?.weights.get(stored);
    if (known !== undefined) return known;
    // The post with empty HTML (its own `html` is not read: a cached post loads it from disk when read).
    const bare = Object.create(post, { html: { value: '' } }) as Post;
    const items = Math.max(...this.formats.map((f) => Buffer.byteLength(f.item(bare, doc)) + Buffer.byteLength(f.separator)));
    if (stored !== undefined) this.remembered?.weights.set(stored, items);
    return items;
  }
}
