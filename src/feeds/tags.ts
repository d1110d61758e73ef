import type { OutputNames, ResolvedConfig } from '../config/config.js';
import type { Site } from '../site/site.js';
import type { Tag } from '../site/tags.js';
import type { FeedDoc } from './doc.js';
import { newestUpdate } from '../site/site.js';

/** File names of every tag's feeds, inside `tags/<slug>/` (fixed, so tag feed URLs are predictable). */
export const TAG_FEED_NAMES: OutputNames = { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' };

/** Output folder of a tag, relative to the output root: `tags/<slug>/`. */
export function tagDir(tag: Pick<Tag, 'slug'>): string {
  return `tags/${tag.slug}/`;
}

/** Absolute URL of a tag's page. */
export function tagUrl(config: ResolvedConfig, tag: Pick<Tag, 'slug'>): string {
  return new URL(tagDir(tag), config.url).href;
}

/**
 * One feed document per tag, for the unchanged serializers. Each carries the tag's newest posts, cut to the
 * same `limit` as the main feed; its id and home page are the tag page, so the id is permanent and unique.
 */
export function tagFeeds(site: Site, tags: readonly Tag[]): FeedDoc[] {
  const { config } = site;
  return tags.map((tag) => {
    const home = tagUrl(config, tag);
    const dir = tagDir(tag);
    const items = config.limit === null ? tag.posts : tag.posts.slice(0, config.limit);
    return {
      config,
      title: `${config.title}: ${tag.name}`,
      description: `Posts tagged “${tag.name}” on ${config.title}`,
      homeUrl: home,
      id: home,
      paths: { rss: dir + TAG_FEED_NAMES.rss, atom: dir + TAG_FEED_NAMES.atom, json: dir + TAG_FEED_NAMES.json },
      // As for the main feed: from the items it carries (an edit to an archived post changes its archive, not this).
      updated: newestUpdate(items),
      items,
      ...(site.images && { images: site.images }),
    };
  });
}
