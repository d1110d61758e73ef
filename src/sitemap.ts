import type { ResolvedConfig } from './config.js';
import { toRfc3339 } from './dates.js';
import { newestUpdate } from './feeds/doc.js';
import { tagUrl } from './feeds/tags.js';
import type { Site } from './site.js';
import type { Tag } from './tags.js';
import { el } from './xml.js';

/** `dist/sitemap.xml` (sitemaps.org 0.9): the index, every post, the tag pages; `lastmod` from post dates. */
export function sitemap(site: Site, tags: readonly Tag[]): string {
  const { config } = site;
  const entry = (loc: string, updated: number): string =>
    `  <url>${el('loc', loc)}${updated > 0 ? el('lastmod', toRfc3339(updated)) : ''}</url>`;
  const urls = [
    entry(config.url, site.updated),
    ...site.posts.map((p) => entry(p.url, p.updated)),
    entry(new URL('tags/', config.url).href, site.updated),
    ...tags.map((t) => entry(tagUrl(config, t), newestUpdate(t.posts))),
  ];
  return `<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`;
}

/** `dist/robots.txt`: everything may be crawled; points at the sitemap. */
export function robotsTxt(config: ResolvedConfig): string {
  return `User-agent: *\nAllow: /\n\nSitemap: ${new URL('sitemap.xml', config.url).href}\n`;
}
