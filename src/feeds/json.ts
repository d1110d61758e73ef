import type { Author } from '../config/config.js';
import { toRfc3339 } from '../post/dates.js';
import type { Post } from '../post/post.js';
import { serialize, type FeedFormat } from './format.js';
import { feedUrl, pathUrl, type FeedDoc } from './doc.js';
import { jsonAttachments } from './media.js';
import { xmlSafe } from '../common/xml.js';

/** JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/). */
export function jsonFeed(doc: FeedDoc): string {
  return serialize(JSON_FEED, doc);
}

// The document is `JSON.stringify(feed, clean, 2)` plus a newline, with `items` last. Items are stringified on
// their own and indented by the two levels they sit at, which gives the same text: JSON strings never hold a raw
// line break, so every line break in an item's text is indentation.
const ITEM_INDENT = '    ';
const EMPTY_ITEMS_END = ']\n}\n';

/** JSON Feed 1.1 split at its items (see `format.ts`). */
export const JSON_FEED: FeedFormat = {
  name: 'json',
  head: (doc) => {
    const text = `${JSON.stringify(feedObject(doc), clean, 2)}\n`; // ends with `"items": []\n}\n`
    return text.slice(0, text.length - EMPTY_ITEMS_END.length) + (doc.items.length > 0 ? '\n' : '');
  },
  variant: (doc) => doc.content ?? 'full',
  item: (post, doc) => ITEM_INDENT + JSON.stringify(item(post, doc.content !== 'summary'), clean, 2).replace(/\n/g, `\n${ITEM_INDENT}`),
  separator: ',\n',
  foot: (doc) => (doc.items.length > 0 ? `\n  ${EMPTY_ITEMS_END}` : EMPTY_ITEMS_END),
};

/** The feed object, its `items` left empty. */
function feedObject(doc: FeedDoc): object {
  const { config } = doc;
  return {
    version: 'https://jsonfeed.org/version/1.1',
    title: doc.title,
    home_page_url: doc.homeUrl,
    // An archive page names the subscription feed as the feed it belongs to (feed_url identifies the feed).
    feed_url: doc.history?.current ? pathUrl(doc, doc.history.current, 'json') : feedUrl(doc, 'json'),
    // Older items page on through `next_url`, the same documents RSS and Atom link as prev-archive.
    ...(doc.history?.prev && { next_url: pathUrl(doc, doc.history.prev, 'json') }),
    ...(doc.description && { description: doc.description }),
    // JSON Feed's `icon` is the large square image (Atom's logo); its `favicon` is the small one (Atom's icon).
    ...(config.logo && { icon: config.logo }),
    ...(config.icon && { favicon: config.icon }),
    language: config.language,
    authors: [author(config.author)],
    ...(config.hub && { hubs: [{ type: 'WebSub', url: config.hub }] }),
    items: [],
  };
}

/** Strings go through the same clean-up as XML so all three feeds carry the same text (a post's HTML has had it). */
function clean(key: string, value: unknown): unknown {
  return typeof value === 'string' && key !== 'content_html' ? xmlSafe(value) : value;
}

/**
 * One item. Without `full`, `content_text` is the summary: JSON Feed 1.1 requires `content_html` or
 * `content_text` in every item, and the summary is plain text, so it is `content_text` and needs no escaping.
 * A post without a summary (no text to take one from: an image, a list) carries its HTML instead.
 */
function item(post: Post, full: boolean): object {
  const attachments = jsonAttachments(post);
  return {
    id: post.id,
    url: post.url,
    title: post.title,
    ...(full || post.summary === undefined ? { content_html: post.html } : { content_text: post.summary }),
    ...(post.summary !== undefined && { summary: post.summary }),
    ...(post.image && { image: post.image }),
    date_published: toRfc3339(post.date),
    date_modified: toRfc3339(post.updated),
    authors: post.authors.map(author),
    ...(post.tags.length > 0 && { tags: post.tags }),
    ...(attachments && { attachments }),
  };
}

/** JSON Feed authors have no e-mail field; a `mailto:` URL keeps the contact when there is no home page. */
function author(a: Author): object {
  const url = a.url ?? (a.email ? `mailto:${a.email}` : undefined);
  return { name: a.name, ...(url && { url }) };
}
