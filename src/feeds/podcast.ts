import type { PodcastConfig } from '../config/podcast.js';
import type { FeedDoc } from './doc.js';
import type { Post } from '../post/post.js';
import { mediaType } from '../read/media-info.js';
import { attributes, el } from '../common/xml.js';

/**
 * Podcast mode in RSS: the channel and item tags Apple Podcasts reads
 * (https://podcasters.apple.com/support/823-podcast-requirements) and the Podcasting 2.0 `podcast:guid`.
 */

export const ITUNES_NAMESPACE = 'http://www.itunes.com/dtds/podcast-1.0.dtd';
export const PODCAST_NAMESPACE_URI = 'https://podcastindex.org/namespace/1.0';

/**
 * Podcast settings for a feed document: only the site's main RSS feed is the podcast. Other documents built
 * from the same config (per-tag feeds, archives) must not repeat its `podcast:guid` and `itunes:owner`, or
 * directories would take them for the same show.
 */
export function podcastOf(doc: FeedDoc): PodcastConfig | undefined {
  return doc.paths.rss === doc.config.output.rss ? doc.config.podcast : undefined;
}

/** The namespace declarations podcast mode adds to `<rss>`. */
export function podcastNamespaces(podcast: PodcastConfig | undefined): string {
  return podcast ? attributes({ 'xmlns:itunes': ITUNES_NAMESPACE, 'xmlns:podcast': PODCAST_NAMESPACE_URI }) : '';
}

/** Channel lines: artwork, categories (subcategories nested in their category), explicit, author, owner, type, guid. */
export function podcastChannel(podcast: PodcastConfig, indent: string): string[] {
  const grouped = new Map<string, string[]>();
  for (const c of podcast.categories) {
    const subs = grouped.get(c.category) ?? [];
    if (c.subcategory !== undefined && !subs.includes(c.subcategory)) subs.push(c.subcategory);
    grouped.set(c.category, subs);
  }
  const categories = [...grouped].map(([category, subs]) => subs.length === 0
    ? `${indent}<itunes:category${attributes({ text: category })}/>`
    : `${indent}<itunes:category${attributes({ text: category })}>${subs.map((s) => `<itunes:category${attributes({ text: s })}/>`).join('')}</itunes:category>`);
  return [
    `${indent}<itunes:image${attributes({ href: podcast.image })}/>`,
    ...categories,
    `${indent}${el('itunes:explicit', String(podcast.explicit))}`,
    `${indent}${el('itunes:author', podcast.author)}`,
    `${indent}<itunes:owner>${el('itunes:name', podcast.owner.name)}${el('itunes:email', podcast.owner.email)}</itunes:owner>`,
    `${indent}${el('itunes:type', podcast.type)}`,
    `${indent}${el('podcast:guid', podcast.guid)}`,
  ];
}

/** Item lines: duration of the enclosure, episode details where given, and the cover as episode art. */
export function podcastItem(post: Post, indent: string): string[] {
  const lines: string[] = [];
  const duration = post.attachments?.[0]?.duration;
  // Apple prefers whole seconds; H:MM:SS is also accepted but seconds cannot be misread.
  if (duration !== undefined) lines.push(`${indent}${el('itunes:duration', String(Math.round(duration)))}`);
  const e = post.episode;
  if (e?.episode !== undefined) lines.push(`${indent}${el('itunes:episode', String(e.episode))}`);
  if (e?.season !== undefined) lines.push(`${indent}${el('itunes:season', String(e.season))}`);
  if (e?.episodeType !== undefined) lines.push(`${indent}${el('itunes:episodeType', e.episodeType)}`);
  if (e?.explicit !== undefined) lines.push(`${indent}${el('itunes:explicit', String(e.explicit))}`);
  // Apple takes episode art only as JPEG or PNG.
  const type = post.imageInfo?.type ?? (post.image === undefined ? undefined : mediaType(new URL(post.image).pathname));
  if (post.image !== undefined && (type === 'image/jpeg' || type === 'image/png')) {
    lines.push(`${indent}<itunes:image${attributes({ href: post.image })}/>`);
  }
  return lines;
}
