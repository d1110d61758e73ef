import type { ResolvedConfig } from '../config/config.js';
import { toRfc3339 } from '../post/dates.js';
import { newestUpdate } from '../site/site.js';
import { tagUrl } from '../feeds/tags.js';
import type { Site } from '../site/site.js';
import type { Tag } from '../site/tags.js';
import { el } from '../common/xml.js';

/** The sitemaps protocol's limit on URLs per sitemap file (sitemaps.org 0.9; the other limit, 50 MB, is far off). */
export const SITEMAP_MAX_URLS = 50_000;

/** A sitemap file to write: its path in the output folder, and its contents, made when asked for. */
export interface SitemapFile {
  readonly path: string;
  readonly make: () => string;
}

/**
 * `dist/sitemap.xml` (sitemaps.org 0.9): the index, every post, the tag pages; `lastmod` from post dates. A site
 * with more URLs than one sitemap may hold gets `sitemap-1.xml`, `sitemap-2.xml`, … beside it, and `sitemap.xml`
 * becomes their sitemap index (the files sit at the site root because a sitemap may only list URLs below its
 * own folder); robots.txt names `sitemap.xml` either way.
 */
export function sitemapFiles(site: Site, tags: readonly Tag[], maxUrls = SITEMAP_MAX_URLS): SitemapFile[] {
  const { config } = site;
  const entry = (loc: string, updated: number): string =>
    `  <url>${el('loc', loc)}${updated > 0 ? el('lastmod', toRfc3339(updated)) : ''}</url>`;
  const count = site.posts.length + tags.length + 2;
  const urls = (): string[] => [
    entry(config.url, site.updated),
    ...site.posts.map((p) => entry(p.url, p.updated)),
    entry(new URL('tags/', config.url).href, site.updated),
    ...tags.map((t) => entry(tagUrl(config, t), newestUpdate(t.posts))),
  ];
  const urlset = (lines: readonly string[]): string =>
    `<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${lines.join('\n')}\n</urlset>\n`;
  if (count <= maxUrls) return [{ path: 'sitemap.xml', make: () => urlset(urls()) }];
  const parts = Math.ceil(count / maxUrls);
  const chunk = (n: number): string => urlset(urls().slice((n - 1) * maxUrls, n * maxUrls));
  const index = (): string => {
    const lastmod = site.updated > 0 ? el('lastmod', toRfc3339(site.updated)) : '';
    const lines = Array.from({ length: parts }, (_, i) => `  <sitemap>${el('loc', new URL(`sitemap-${i + 1}.xml`, config.url).href)}${lastmod}</sitemap>`);
    return `<?xml version="1.0" encoding="utf-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${lines.join('\n')}\n</sitemapindex>\n`;
  };
  return [
    { path: 'sitemap.xml', make: index },
    ...Array.from({ length: parts }, (_, i) => ({ path: `sitemap-${i + 1}.xml`, make: () => chunk(i + 1) })),
  ];
}

/** `dist/robots.txt`: everything may be crawled; points at the sitemap. */
export function robotsTxt(config: ResolvedConfig): string {
  return `User-agent: *\nAllow: /\n\nSitemap: ${new URL('sitemap.xml', config.url).href}\n`;
}
