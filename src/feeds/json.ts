import type { Author } from '../config.js';
import { toRfc3339 } from '../dates.js';
import type { Post } from '../post.js';
import { feedUrl, pathUrl, type FeedDoc } from './doc.js';
import { jsonAttachments } from './media.js';
import { xmlSafe } from '../xml.js';

/** JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/). */
export function jsonFeed(doc: FeedDoc): string {
  const { config } = doc;
  const feed = {
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
    items: doc.items.map(item),
  };
  // Strings go through the same clean-up as XML so all three feeds carry the same text.
  return `${JSON.stringify(feed, (_key, value: unknown) => (typeof value === 'string' ? xmlSafe(value) : value), 2)}\n`;
}

function item(post: Post): object {
  const attachments = jsonAttachments(post);
  return {
    id: post.id,
    url: post.url,
    title: post.title,
    content_html: post.html,
    summary: post.summary,
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
