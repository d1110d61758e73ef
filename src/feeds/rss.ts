import type { Author, ResolvedConfig } from '../config/config.js';
import type { ImageInfo, SiteImages } from '../site/images.js';
import { toRfc822 } from '../post/dates.js';
import type { Post } from '../post/post.js';
import { serialize, type FeedFormat } from './format.js';
import { feedUrl, HISTORY_NAMESPACE, historyLinks, pathUrl, type FeedDoc } from './doc.js';
import { mediaNamespace, rssMedia } from './media.js';
import { podcastChannel, podcastItem, podcastNamespaces, podcastOf } from './podcast.js';
import { GENERATOR } from '../common/version.js';
import { attributes, cdata, cdataSafe, el as xmlEl, escHex, htmlText } from '../common/xml.js';

/** RSS's plain-text elements, escaped as the RSS Best Practices Profile recommends (see `escHex`). */
function el(name: string, text: string, attrs: Record<string, string> = {}): string {
  return xmlEl(name, text, attrs, escHex);
}

/** RSS 2.0 following the RSS Advisory Board's Best Practices Profile. */
export function rss(doc: FeedDoc): string {
  return serialize(RSS, doc);
}

/** RSS 2.0 split at its items (see `format.ts`). */
export const RSS: FeedFormat = {
  name: 'rss',
  head,
  variant: (doc) => `${doc.content ?? 'full'}${podcastOf(doc) ? '+podcast' : ''}`,
  item: (post, doc) => item(post, podcastOf(doc) !== undefined, doc.content !== 'summary'),
  separator: '',
  foot: () => '  </channel>\n</rss>\n',
};

function head(doc: FeedDoc): string {
  const { config } = doc;
  const self = feedUrl(doc, 'rss');
  const podcast = podcastOf(doc);
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    // (content:encoded only where items carry the full text: a summary-only archive declares no namespace it does not use)
    `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"${doc.content === 'summary' ? '' : ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'} xmlns:dc="http://purl.org/dc/elements/1.1/"${mediaNamespace(doc, 'rss')}${podcastNamespaces(podcast)}${doc.history?.archived ? ` xmlns:fh="${HISTORY_NAMESPACE}"` : ''}>`,
    '  <channel>',
    `    ${el('title', doc.title)}`,
    `    ${el('link', doc.homeUrl)}`,
    `    ${el('description', doc.description || doc.title)}`,
    `    <atom:link${attributes({ href: self, rel: 'self', type: 'application/rss+xml' })}/>`,
    ...(config.hub ? [`    <atom:link${attributes({ href: config.hub, rel: 'hub' })}/>`] : []),
    // RFC 5005 appendix B: RSS carries the history links as atom:link and the archive flag as fh:archive.
    ...historyLinks(doc.history).map(([rel, paths]) => `    <atom:link${attributes({ href: pathUrl(doc, paths, 'rss'), rel, type: 'application/rss+xml' })}/>`),
    ...(doc.history?.archived ? ['    <fh:archive/>'] : []),
    `    ${el('language', config.language)}`,
  ];
  if (config.copyright) lines.push(`    ${el('copyright', config.copyright)}`);
  if (config.author.email) lines.push(`    ${el('managingEditor', mailbox(config.author))}`);
  const newest = doc.items.reduce((max, p) => Math.max(max, p.date), -Infinity);
  if (doc.items.length > 0) {
    lines.push(`    ${el('pubDate', toRfc822(newest))}`);
    lines.push(`    ${el('lastBuildDate', toRfc822(doc.updated))}`);
  }
  lines.push(`    ${el('generator', `${GENERATOR.name} ${GENERATOR.version}`)}`);
  lines.push(`    ${el('docs', 'https://www.rssboard.org/rss-specification')}`);
  const image = rssImage(config, doc.images);
  if (image) {
    lines.push('    <image>', `      ${el('url', image.url)}`, `      ${el('title', doc.title)}`, `      ${el('link', doc.homeUrl)}`);
    if (image.width !== undefined && image.height !== undefined) lines.push(`      ${el('width', String(image.width))}`, `      ${el('height', String(image.height))}`);
    lines.push('    </image>');
  }
  if (podcast) lines.push(...podcastChannel(podcast, '    '));
  lines.push('');
  return lines.join('\n');
}

/** One item, ending in a newline; `full`: with the post's HTML as `content:encoded`. */
function item(post: Post, podcast: boolean, full: boolean): string {
  const lines = [
    '    <item>',
    `      ${el('title', post.title)}`,
    `      ${el('link', post.url)}`,
    `      ${el('guid', post.id, { isPermaLink: post.id === post.url ? 'true' : 'false' })}`,
    `      ${el('pubDate', toRfc822(post.date))}`,
  ];
  for (const a of post.authors) lines.push(`      ${el('dc:creator', a.name)}`);
  for (const tag of post.tags) lines.push(`      ${el('category', tag)}`);
  // An item's description is HTML in RSS (readers render it), so the plain-text summary is escaped as HTML text
  // first; CDATA then carries that HTML through XML without a second layer of entities.
  // (left out without a summary: an item needs a title or a description, and always has its title)
  if (post.summary !== undefined) lines.push(`      <description>${cdata(htmlText(post.summary))}</description>`);
  if (full) lines.push(`      <content:encoded>${cdataSafe(post.html)}</content:encoded>`);
  lines.push(...rssMedia(post, '      '));
  if (podcast) lines.push(...podcastItem(post, '      '));
  lines.push('    </item>', '');
  return lines.join('\n');
}

/** RSS wants `mail@example.com (Name)` where it asks for a person. */
function mailbox(author: Author): string {
  return `${author.email} (${author.name})`;
}

/** Image types RSS allows in `<image>` (RSS 2.0: "a GIF, JPEG or PNG image"). */
const RSS_IMAGE_TYPES = new Set(['image/gif', 'image/jpeg', 'image/png']);

/** RSS 2.0 limits of `<image>`: width at most 144, height at most 400. */
const RSS_IMAGE_MAX = { width: 144, height: 400 } as const;

/**
 * The channel image for RSS: the logo, else the icon, skipping a static file whose type RSS does not allow (an
 * SVG or ICO). Its width and height are the file's, scaled down proportionally to fit RSS's limits when it is
 * bigger (they are the size a reader shows it at; stating a larger one makes the feed invalid).
 */
function rssImage(config: ResolvedConfig, images: SiteImages | undefined): { url: string; width?: number; height?: number } | undefined {
  const candidates: [string | undefined, ImageInfo | undefined][] = [[config.logo, images?.logo], [config.icon, images?.icon]];
  for (const [url, info] of candidates) {
    if (url === undefined || (info?.type !== undefined && !RSS_IMAGE_TYPES.has(info.type))) continue;
    if (info?.width === undefined || info.height === undefined) return { url };
    const scale = Math.min(1, RSS_IMAGE_MAX.width / info.width, RSS_IMAGE_MAX.height / info.height);
    const fit = (n: number, max: number): number => Math.min(max, Math.max(1, Math.round(n * scale)));
    return { url, width: fit(info.width, RSS_IMAGE_MAX.width), height: fit(info.height, RSS_IMAGE_MAX.height) };
  }
  return undefined;
}
