import type { Post } from '../post/post.js';
import type { FeedDoc } from './doc.js';
import type { FeedFormat } from './format.js';

interface Use {
  /** Documents still to be made that carry this item. */
  left: number;
  /** The item's UTF-8 bytes, kept while `left` > 0. */
  bytes?: Uint8Array;
}

/**
 * Feed documents as lists of UTF-8 chunks (head, items, foot), for writing without joining them.
 *
 * A post's item (the RSS item, Atom entry or JSON Feed item: most of a feed's bytes) is the same text in every
 * document of a format that carries it with the same variant (the main feed or its archive, its tags' feeds), so
 * it is serialized and encoded once and the bytes are shared. To keep memory bounded on a big site, an item's bytes
 * are kept only while a document still to be made needs them: `plan` counts the uses of every document first.
 * Making a document more often than planned (or one never planned) is still correct, only slower.
 */
export class ItemBytes {
  private readonly uses = new Map<Post, Map<string, Use>>();

  /** Count a document's items; call it for every document before making any. */
  plan(format: FeedFormat, doc: FeedDoc): void {
    const key = keyOf(format, doc);
    for (const post of doc.items) {
      let byKey = this.uses.get(post);
      if (!byKey) this.uses.set(post, (byKey = new Map()));
      const use = byKey.get(key);
      if (use) use.left++;
      else byKey.set(key, { left: 1 });
    }
  }

  /** The document's bytes in order: head, the items (with separators), foot. */
  chunks(format: FeedFormat, doc: FeedDoc): Uint8Array[] {
    const key = keyOf(format, doc);
    const separator = format.separator === '' ? undefined : Buffer.from(format.separator);
    const out: Uint8Array[] = [Buffer.from(format.head(doc))];
    doc.items.forEach((post, i) => {
      if (separator && i > 0) out.push(separator);
      out.push(this.item(format, doc, post, key));
    });
    out.push(Buffer.from(format.foot(doc)));
    return out;
  }

  private item(format: FeedFormat, doc: FeedDoc, post: Post, key: string): Uint8Array {
    const byKey = this.uses.get(post);
    const use = byKey?.get(key);
    const bytes = use?.bytes ?? Buffer.from(format.item(post, doc));
    if (use && byKey) {
      use.left--;
      if (use.left > 0) use.bytes = bytes;
      else if (byKey.delete(key) && byKey.size === 0) this.uses.delete(post); // the last use: let it go
    }
    return bytes;
  }
}

function keyOf(format: FeedFormat, doc: FeedDoc): string {
  return `${format.name}\0${format.variant(doc)}`;
}
