import type { Post } from '../post/post.js';
import type { FeedDoc } from './doc.js';
import type { FeedFormat } from './format.js';

/** The uses of one kind of item (a format and variant): how many documents still to be made carry each post's. */
interface Uses {
  /** Documents planned and not yet counted (counting waits for the first document made of this kind). */
  planned: FeedDoc[];
  /** Documents still to be made that carry each post's item, once counted. */
  left?: Map<Post, number>;
  /** Each item's text, kept while another document still to be made carries it. */
  readonly texts: Map<Post, string>;
}

/**
 * Feed documents as lists of pieces of text (head, items, foot), for writing without joining them.
 *
 * A post's item (the RSS item, Atom entry or JSON Feed item: most of a feed's bytes) is the same text in every
 * document of a format that carries it with the same variant (the main feed or its archive, its tags' feeds), so
 * it is serialized once and the text is shared. The pieces stay text: a writer encodes them straight into the
 * buffer it writes from (output/write-files.ts), rather than each item into bytes of its own first and then copied
 * (at 10,000 posts, 300 MB of buffers). To keep memory bounded on a big site, an item's text is kept only while a
 * document still to be made needs it: `plan` names every document to be made first (a writer plans the files it is
 * about to make: OutputFile.plan), and the uses of a kind of item are counted when the first document of that kind
 * is made. Making a document more often than planned (or one never planned) is still correct, only slower.
 */
export class ItemTexts {
  private readonly kinds = new Map<string, Uses>();

  /** Name a document to be made; call it for every document to be made before making any. */
  plan(format: FeedFormat, doc: FeedDoc): void {
    const key = keyOf(format, doc);
    const uses = this.kinds.get(key);
    if (!uses) this.kinds.set(key, { planned: [doc], texts: new Map() });
    else if (uses.left) count(uses.left, doc);
    else uses.planned.push(doc);
  }

  /** The document's text in order: head, the items (with separators), foot. */
  chunks(format: FeedFormat, doc: FeedDoc): string[] {
    const uses = this.usesOf(keyOf(format, doc));
    const out: string[] = [format.head(doc)];
    doc.items.forEach((post, i) => {
      if (format.separator !== '' && i > 0) out.push(format.separator);
      out.push(this.item(format, doc, post, uses));
    });
    out.push(format.foot(doc));
    return out;
  }

  /** The counted uses of a kind of item (counted now if this is the first document made of the kind). */
  private usesOf(key: string): Uses | undefined {
    const uses = this.kinds.get(key);
    if (uses && !uses.left) {
      uses.left = new Map();
      for (const doc of uses.planned) count(uses.left, doc);
      uses.planned = [];
    }
    return uses;
  }

  private item(format: FeedFormat, doc: FeedDoc, post: Post, uses: Uses | undefined): string {
    const text = uses?.texts.get(post) ?? format.item(post, doc);
    const left = uses?.left?.get(post);
    if (uses?.left && left !== undefined) {
      if (left > 1) {
        uses.left.set(post, left - 1);
        uses.texts.set(post, text);
      } else {
        // the last use: let it go
        uses.left.delete(post);
        uses.texts.delete(post);
      }
    }
    return text;
  }
}

function count(left: Map<Post, number>, doc: FeedDoc): void {
  for (const post of doc.items) left.set(post, (left.get(post) ?? 0) + 1);
}

function keyOf(format: FeedFormat, doc: FeedDoc): string {
  return `${format.name}\0${format.variant(doc)}`;
}
