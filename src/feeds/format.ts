import type { OutputNames } from '../config/config.js';
import type { Post } from '../post/post.js';
import type { FeedDoc } from './doc.js';

/**
 * A feed format split at its items: the document is `head`, then each item's text (with `separator` between
 * them), then `foot`. Split this way, a post's item is serialized (and UTF-8 encoded) once and shared by every
 * document it appears in (the main feed or its archive, tag feeds), instead of once per document.
 */
export interface FeedFormat {
  /** Which of the document's output paths this format writes. */
  readonly name: keyof OutputNames;
  /** Everything before the first item (for a document without items, everything but `foot`). */
  head(doc: FeedDoc): string;
  /**
   * What an item's text depends on besides the post (full or summary content, podcast tags): two documents
   * with the same variant get the same text for the same post, so it can be shared.
   */
  variant(doc: FeedDoc): string;
  /** One post's item; a function of the post and `variant(doc)` only. */
  item(post: Post, doc: FeedDoc): string;
  /** Text between two items. */
  readonly separator: string;
  /** Everything after the last item. */
  foot(doc: FeedDoc): string;
}

/** The whole document as one string. */
export function serialize(format: FeedFormat, doc: FeedDoc): string {
  return format.head(doc) + doc.items.map((post) => format.item(post, doc)).join(format.separator) + format.foot(doc);
}
