import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../src/config/config.js';
import { atom } from '../../src/feeds/atom.js';
import { mainFeed } from '../../src/feeds/doc.js';
import { jsonFeed } from '../../src/feeds/json.js';
import { rss } from '../../src/feeds/rss.js';
import type { Post } from '../../src/post/post.js';
import { buildSite } from '../../src/site/site.js';

const CONFIG: ResolvedConfig = {
  title: 'Cats & Dogs', url: 'https://example.org/', description: '', language: 'en', author: { name: 'A' }, timeZone: 'UTC',
  limit: null, archiveSize: 50, output: { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' }, summaryLength: 300, allowRawHtml: false, static: 'static',
};
const EMPTY: Post = {
  source: 'posts/empty.md', slug: 'empty', path: 'posts/empty/', id: 'https://example.org/posts/empty/', url: 'https://example.org/posts/empty/',
  title: 'Only a title', date: Date.UTC(2024, 0, 1), updated: Date.UTC(2024, 0, 1), summary: '', tags: [],
  authors: [{ name: 'A' }], html: '', contentBytes: 0, draft: false,
};
const doc = (posts: readonly Post[]) => mainFeed(buildSite(posts, CONFIG, { drafts: false, future: false, now: Date.UTC(2025, 0, 1) }).site);

describe('serializers on edge cases', () => {
  it('Atom leaves out blank summary and content (the alternate link stands in)', () => {
    const xml = atom(doc([EMPTY]));
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).not.toContain('<summary');
    expect(xml).not.toContain('<content');
    expect(xml).toContain('<link rel="alternate" type="text/html" href="https://example.org/posts/empty/"/>');
  });

  it('RSS and JSON still carry the item, with an empty description and content', () => {
    const xml = rss(doc([EMPTY]));
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('<description><![CDATA[]]></description>');
    expect(JSON.parse(jsonFeed(doc([EMPTY]))).items[0]).toMatchObject({ content_html: '', summary: '' });
  });

  it('a feed without items stays valid; the channel description falls back to the title', () => {
    const xml = rss(doc([]));
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('<description>Cats &#x26; Dogs</description>');
    expect(xml).not.toContain('<pubDate>');
    expect(xml).not.toContain('<lastBuildDate>');
    expect(XMLValidator.validate(atom(doc([])))).toBe(true);
    expect(JSON.parse(jsonFeed(doc([]))).items).toEqual([]);
  });
});
