import type { Post } from '../post/post.js';
import type { Attachment } from '../post/media/attachment.js';
import { attributes } from '../common/xml.js';
import type { FeedDoc } from './doc.js';

/**
 * Cover images and attachments in the XML feeds. RSS gets at most one `enclosure` (the first attachment: the
 * RSS Best Practices Profile advises against more, and podcast apps download only the first); the cover image
 * and any further attachments go in Media RSS `media:content` so none is lost, and the cover also in
 * `media:thumbnail`, which most readers show as the item's picture. Atom lists every attachment as a
 * `link rel="enclosure"` and the cover as Media RSS elements, so podcast clients never take the cover for
 * an episode file.
 */

export const MEDIA_NAMESPACE = 'http://search.yahoo.com/mrss/';

/** ` xmlns:media="…"` when some item needs Media RSS elements, else nothing (feeds without media stay as they were). */
export function mediaNamespace(doc: FeedDoc, format: 'rss' | 'atom'): string {
  const needed = doc.items.some((p) => p.image !== undefined || (format === 'rss' && (p.attachments?.length ?? 0) > 1));
  return needed ? attributes({ 'xmlns:media': MEDIA_NAMESPACE }) : '';
}

/** RSS item lines: one `enclosure`, then Media RSS for the cover and the other attachments. */
export function rssMedia(post: Post, indent: string): string[] {
  const [first, ...rest] = post.attachments ?? [];
  const lines: string[] = [];
  if (first) lines.push(`${indent}<enclosure${attributes({ url: first.url, length: String(first.length), type: first.type })}/>`);
  for (const a of rest) lines.push(`${indent}${mediaContent(a)}`);
  lines.push(...coverLines(post, indent));
  return lines;
}

/** Atom entry lines: every attachment as `link rel="enclosure"`, then Media RSS for the cover. */
export function atomMedia(post: Post, indent: string): string[] {
  const lines = (post.attachments ?? []).map((a) => `${indent}<link${attributes({
    rel: 'enclosure', href: a.url, type: a.type, length: String(a.length), ...(a.title !== undefined && { title: a.title }),
  })}/>`);
  lines.push(...coverLines(post, indent));
  return lines;
}

/** JSON Feed 1.1 `attachments`. */
export function jsonAttachments(post: Post): object[] | undefined {
  if (!post.attachments || post.attachments.length === 0) return undefined;
  return post.attachments.map((a) => ({
    url: a.url,
    mime_type: a.type,
    ...(a.title !== undefined && { title: a.title }),
    size_in_bytes: a.length,
    ...(a.duration !== undefined && { duration_in_seconds: a.duration }),
  }));
}

function coverLines(post: Post, indent: string): string[] {
  if (post.image === undefined) return [];
  const info = post.imageInfo ?? {};
  const size: Record<string, string> = info.width !== undefined && info.height !== undefined ? { width: String(info.width), height: String(info.height) } : {};
  return [
    `${indent}<media:content${attributes({
      url: post.image, medium: 'image', ...(info.type !== undefined && { type: info.type }),
      ...(info.length !== undefined && { fileSize: String(info.length) }), ...size,
    })}/>`,
    `${indent}<media:thumbnail${attributes({ url: post.image, ...size })}/>`,
  ];
}

function mediaContent(a: Attachment): string {
  return `<media:content${attributes({
    url: a.url, type: a.type, medium: medium(a.type), fileSize: String(a.length),
    ...(a.duration !== undefined && { duration: String(Math.round(a.duration)) }),
  })}/>`;
}

/** Media RSS `medium` for a media type. */
function medium(type: string): string {
  const top = type.split('/')[0];
  return top === 'image' || top === 'audio' || top === 'video' ? top : 'document';
}
