import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { sitemapFiles, SITEMAP_MAX_URLS } from '../src/pages/sitemap.js';
import { collectTags } from '../src/site/tags.js';
import { config, tempProject, writeTinyPosts } from './scale-fixtures.js';

interface UrlSet { urlset: { url: { loc: string; lastmod?: string }[] } }
interface SitemapIndex { sitemapindex: { sitemap: { loc: string; lastmod?: string }[] } }

async function tinySite(posts: number): Promise<Parameters<typeof sitemapFiles>> {
  const root = await tempProject('sitemap-split');
  await writeTinyPosts(root, 0, posts);
  const result = await build({ config: config({ title: 'Sitemaps' }), root, postsDir: 'posts', drafts: false, future: false, now: Date.UTC(2030, 0, 1) });
  if (!result.site) throw new Error('no site');
  return [result.site, collectTags(result.site.posts).tags];
}

const parser = new XMLParser({ isArray: (name) => name === 'url' || name === 'sitemap' });

describe('sitemaps for big sites', () => {
  it('keeps one sitemap.xml while the URLs fit the protocol limit of 50,000', async () => {
    expect(SITEMAP_MAX_URLS).toBe(50_000);
    const files = sitemapFiles(...(await tinySite(10)));
    expect(files.map((f) => f.path)).toEqual(['sitemap.xml']);
    expect((parser.parse(files[0]?.make() ?? '') as UrlSet).urlset.url).toHaveLength(10 + 3 + 2); // posts, 3 tags, index pages
  });

  it('splits into sitemap-N.xml files at the site root under a sitemap index, listing every URL once', async () => {
    const [site, tags] = await tinySite(10);
    const whole = (parser.parse(sitemapFiles(site, tags)[0]?.make() ?? '') as UrlSet).urlset.url;
    const files = sitemapFiles(site, tags, 4);
    expect(files.map((f) => f.path)).toEqual(['sitemap.xml', 'sitemap-1.xml', 'sitemap-2.xml', 'sitemap-3.xml', 'sitemap-4.xml']);
    for (const file of files) expect(XMLValidator.validate(file.make())).toBe(true);
    const index = (parser.parse(files[0]?.make() ?? '') as SitemapIndex).sitemapindex.sitemap;
    // A sitemap may only list URLs below its own folder: the parts sit beside sitemap.xml, at the site root.
    expect(index.map((s) => s.loc)).toEqual([1, 2, 3, 4].map((n) => `https://example.org/blog/sitemap-${n}.xml`));
    const parts = files.slice(1).map((f) => (parser.parse(f.make()) as UrlSet).urlset.url);
    expect(parts.map((p) => p.length)).toEqual([4, 4, 4, 3]);
    expect(parts.flat()).toEqual(whole);
  });
});
