import { describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../src/config/config.js';
import { mainFeed } from '../../src/feeds/doc.js';
import type { Post } from '../../src/post/post.js';
import { buildSite, comparePosts } from '../../src/site/site.js';

const CONFIG: ResolvedConfig = {
  title: 'T', url: 'https://example.org/', description: '', language: 'en', author: { name: 'A' }, timeZone: 'UTC',
  limit: null, archiveSize: 50, output: { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' }, summaryLength: 300, allowRawHtml: false, static: 'static',
};

function post(slug: string, date: string, extra: Partial<Post> = {}): Post {
  const url = `https://example.org/posts/${slug}/`;
  const ms = Date.parse(date);
  return {
    source: `posts/${slug}.md`, slug, path: `posts/${slug}/`, id: url, url, title: slug, date: ms, updated: ms, summary: '', tags: [],
    authors: [{ name: 'A' }], html: '', contentBytes: 0, draft: false, ...extra,
  };
}

const NOW = Date.parse('2024-06-01T00:00:00Z');
const options = { drafts: false, future: false, now: NOW };
const slugs = (posts: readonly Post[]): string[] => posts.map((p) => p.slug);

describe('buildSite', () => {
  it('sorts newest first, equal dates by slug, whatever the input order', () => {
    const posts = [post('b', '2024-01-01T00:00:00Z'), post('c', '2024-03-01T00:00:00Z'), post('a', '2024-01-01T00:00:00Z'), post('Z', '2024-01-01T00:00:00Z')];
    const expected = ['c', 'Z', 'a', 'b']; // code-unit order: capitals first, independent of locale
    expect(slugs(buildSite(posts, CONFIG, options).site.posts)).toEqual(expected);
    expect(slugs(buildSite([...posts].reverse(), CONFIG, options).site.posts)).toEqual(expected);
    expect(comparePosts(post('a', '2024-01-01'), post('a', '2024-01-01'))).toBe(0);
  });

  it('leaves out drafts and posts after "now" unless asked; a post dated exactly now is in', () => {
    const posts = [post('draft', '2024-01-01', { draft: true }), post('now', '2024-06-01T00:00:00Z'), post('later', '2024-06-01T00:00:01Z')];
    expect(slugs(buildSite(posts, CONFIG, options).site.posts)).toEqual(['now']);
    expect(slugs(buildSite(posts, CONFIG, { ...options, drafts: true }).site.posts)).toEqual(['now', 'draft']);
    expect(slugs(buildSite(posts, CONFIG, { ...options, future: true }).site.posts)).toEqual(['later', 'now']);
  });

  it('leaves out posts whose expiry date is before "now" unless asked (one expiring exactly now is in), and says when the next published one expires', () => {
    const posts = [
      post('gone', '2024-01-01', { expires: Date.parse('2024-05-31T23:59:59.999Z') }),
      post('at-now', '2024-01-02', { expires: NOW }),
      post('later', '2024-01-03', { expires: Date.parse('2024-07-01T00:00:00Z') }),
      post('lasting', '2024-01-04'),
      post('hidden', '2024-01-05', { draft: true, expires: Date.parse('2024-06-01T00:00:00.500Z') }),
    ];
    const { site } = buildSite(posts, CONFIG, options);
    expect(slugs(site.posts)).toEqual(['lasting', 'later', 'at-now']);
    expect(site.leftOut).toEqual({ drafts: 1, future: 0, expired: 1 });
    // from 1 ms after "at-now"'s expiry on, the same build publishes one post fewer (the draft's expiry changes nothing)
    expect(site.until).toBe(NOW + 1);
    expect(slugs(buildSite(posts, CONFIG, { ...options, now: NOW + 1 }).site.posts)).toEqual(['lasting', 'later']);
    const all = buildSite(posts, CONFIG, { ...options, expired: true }).site;
    expect(slugs(all.posts)).toEqual(['lasting', 'later', 'at-now', 'gone']);
    expect(all.leftOut).toEqual({ drafts: 1, future: 0, expired: 0 });
    expect(all.until).toBeUndefined();
    expect(buildSite([post('lasting', '2024-01-04')], CONFIG, options).site.until).toBeUndefined();
  });

  it('cuts the feeds to the limit but keeps every post for the pages', () => {
    const posts = ['a', 'b', 'c', 'd'].map((s, i) => post(s, `2024-01-0${i + 1}`));
    const { site } = buildSite(posts, { ...CONFIG, limit: 2 }, options);
    expect(slugs(site.posts)).toEqual(['d', 'c', 'b', 'a']);
    expect(slugs(site.items)).toEqual(['d', 'c']);
    expect(slugs(buildSite(posts, CONFIG, options).site.items)).toEqual(['d', 'c', 'b', 'a']);
  });

  it('dates each feed from the newest change among the items it carries, never the clock', () => {
    const posts = [
      post('new', '2024-03-01T00:00:00Z'),
      post('old-but-edited', '2024-01-01T00:00:00Z', { updated: Date.parse('2024-05-01T00:00:00Z') }),
      post('hidden-draft', '2024-05-30T00:00:00Z', { draft: true }),
    ];
    expect(mainFeed(buildSite(posts, CONFIG, options).site).updated).toBe(Date.parse('2024-05-01T00:00:00Z'));
    // with a limit of 1 the edited post is not in the feed, so it does not date it
    expect(mainFeed(buildSite(posts, { ...CONFIG, limit: 1 }, options).site).updated).toBe(Date.parse('2024-03-01T00:00:00Z'));
    expect(mainFeed(buildSite([], CONFIG, options).site).updated).toBe(0);
  });

  it('reports duplicate slugs and ids on every post involved, drafts included', () => {
    const posts = [
      post('same', '2024-01-01'), { ...post('same', '2024-01-02'), source: 'posts/other/index.md', id: 'tag:example.org,2024:other' },
      post('x', '2024-01-03', { id: 'tag:example.org,2024:1' }), post('y', '2024-01-04', { id: 'tag:example.org,2024:1', draft: true }),
    ];
    const { diagnostics } = buildSite(posts, CONFIG, options);
    expect(diagnostics.map((d) => [d.file, d.code])).toEqual([
      ['posts/same.md', 'duplicate-slug'], ['posts/other/index.md', 'duplicate-slug'],
      ['posts/x.md', 'duplicate-id'], ['posts/y.md', 'duplicate-id'],
    ]);
    expect(diagnostics[0]?.message).toBe('slug "same" (from the file name) is also used by posts/other/index.md (slug "same"); every post needs its own slug (letter case does not count): set a different "slug" in one of them');
  });
});
