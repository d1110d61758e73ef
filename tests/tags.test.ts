import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith';
import { describe, expect, it } from 'vitest';
import { slugify, shortSlug } from '../src/common/slug.js';
import { tagSlug } from '../src/site/tags.js';
import { makeProject, post, run } from './helpers/project.js';

/** feedsmith gives Atom text constructs as `{type, value}`. */
function textOf(t: unknown): unknown {
  return typeof t === 'object' && t !== null && 'value' in t ? (t as { value: unknown }).value : t;
}

describe('tag slugs', () => {
  it('are NFC, lower-case, with spaces (and other separators) turned into "-"', () => {
    expect(slugify('Science Fiction')).toBe('science-fiction');
    expect(slugify('  James   Cameron ')).toBe('james-cameron');
    expect(slugify('Cafe\u0301 Culture')).toBe('café-culture'); // NFD in, NFC out
    expect(slugify('Cafe\u0301')).toBe(slugify('Caf\u00e9'));
    expect(slugify('ÉTÉ')).toBe('été');
    expect(slugify('node.js')).toBe('node-js');
    expect(slugify('a/b\\c?d#e%f')).toBe('a-b-c-d-e-f');
    expect(slugify('日本 映画')).toBe('日本-映画');
    expect(slugify('../../etc')).toBe('etc');
    expect(slugify('+++')).toBe('');
  });

  it('are URL-path safe: only letters, marks, digits, "_" and "-", never a leading or trailing "-"', () => {
    for (const tag of ['Hello, World!', ' -x- ', 'C++', 'émoji 🎬 films', 'İstanbul', 'tab\there', 'a..b', '%2e%2e']) {
      const slug = slugify(tag);
      expect(slug).toMatch(/^[\p{L}\p{M}\p{N}_]([\p{L}\p{M}\p{N}_-]*[\p{L}\p{M}\p{N}_])?$/u);
      expect(slug).toBe(slug.normalize('NFC'));
      expect(slugify(slug)).toBe(slug); // stable: a slug is its own slug
    }
  });

  it('cuts long titles at a word boundary for file names', () => {
    expect(shortSlug('one two three', 8)).toBe('one-two');
    expect(shortSlug('abcdefghij', 4)).toBe('abcd');
    expect(shortSlug('🎬🎬🎬🎬', 2)).toBe('');
  });
});

describe('tag feeds and pages', () => {
  const posts = {
    'posts/2024-01-01-first.md': post({ title: 'First', date: '2024-01-01', tags: '[Science Fiction, film]' }),
    'posts/2024-02-01-second.md': post({ title: 'Second', date: '2024-02-01', tags: '[film]' }),
    'posts/2024-03-01-third.md': post({ title: 'Third', date: '2024-03-01', tags: '[books]' }),
  };

  it('writes tags/<slug>/{rss.xml,atom.xml,feed.json} in all three formats with only that tag\'s posts, newest first', async () => {
    const dir = await makeProject(posts);
    const { code, io } = await run(dir, ['build']);
    expect(io.stderrText).toBe('');
    expect(code).toBe(0);
    const tag = (name: string) => readFile(join(dir, 'dist/tags/film', name), 'utf8');
    const [rssText, atomText, jsonText] = await Promise.all([tag('rss.xml'), tag('atom.xml'), tag('feed.json')]);
    expect(XMLValidator.validate(rssText)).toBe(true);
    expect(XMLValidator.validate(atomText)).toBe(true);
    const rss = parseRssFeed(rssText);
    const atom = parseAtomFeed(atomText);
    const json = parseJsonFeed(JSON.parse(jsonText));
    expect(rss.items?.map((i) => i.title)).toEqual(['Second', 'First']);
    expect(atom.entries?.map((e) => textOf(e.title))).toEqual(['Second', 'First']);
    expect(json.items?.map((i) => i.title)).toEqual(['Second', 'First']);
    expect(rss.link).toBe('https://example.org/blog/tags/film/');
    expect(json.feed_url).toBe('https://example.org/blog/tags/film/feed.json');
    expect(atom.id).toBe('https://example.org/blog/tags/film/');
    expect(atom.links?.find((l) => l.rel === 'self')?.href).toBe('https://example.org/blog/tags/film/atom.xml');
    expect(rss.title).toBe('Fixture news: film');
    const scifi = parseJsonFeed(JSON.parse(await readFile(join(dir, 'dist/tags/science-fiction/feed.json'), 'utf8')));
    expect(scifi.items?.map((i) => i.title)).toEqual(['First']);
  });

  it('links each tag on a post page to its tag page, whose autodiscovery offers the tag\'s feeds first', async () => {
    const dir = await makeProject(posts);
    expect((await run(dir, ['build'])).code).toBe(0);
    const postHtml = await readFile(join(dir, 'dist/posts/first/index.html'), 'utf8');
    expect(postHtml).toContain('<a href="https://example.org/blog/tags/science-fiction/" rel="tag">Science Fiction</a>');
    expect(postHtml).toContain('<a href="https://example.org/blog/tags/film/" rel="tag">film</a>');
    const tagHtml = await readFile(join(dir, 'dist/tags/film/index.html'), 'utf8');
    const alternates = [...tagHtml.matchAll(/<link rel="alternate" type="([^"]+)" title="([^"]+)" href="([^"]+)">/g)].map((m) => [m[1], m[3]]);
    expect(alternates.slice(0, 3)).toEqual([
      ['application/rss+xml', 'https://example.org/blog/tags/film/rss.xml'],
      ['application/atom+xml', 'https://example.org/blog/tags/film/atom.xml'],
      ['application/feed+json', 'https://example.org/blog/tags/film/feed.json'],
    ]);
    expect(tagHtml).toContain('<link rel="canonical" href="https://example.org/blog/tags/film/">');
    expect(tagHtml).toMatch(/Second[\s\S]*First/);
    expect(tagHtml).not.toContain('Third');
    const index = await readFile(join(dir, 'dist/tags/index.html'), 'utf8');
    expect(index).toContain('href="https://example.org/blog/tags/books/"');
    expect(index).toContain('film</a> <span class="count">(2)</span>');
  });

  it('refuses to merge two different tags that reach the same slug, naming both files and the tag line', async () => {
    const dir = await makeProject({
      'posts/a.md': post({ title: 'A', date: '2024-01-01', tags: '["c++"]' }),
      'posts/b.md': post({ title: 'B', date: '2024-01-02', tags: '["c#"]' }),
    });
    const { code, io } = await run(dir, ['build']);
    expect(code).toBe(1);
    expect(io.stderrText).toContain('posts/a.md:4:1 error tag "c++" and "c#" (posts/b.md) would share the page tags/c/');
    expect(io.stderrText).toContain('posts/b.md:4:1 error tag "c#" and "c++" (posts/a.md) would share the page tags/c/');
    expect(io.stderrText).toContain('[tag-slug-collision]');
  });

  it('lists tags that differ only in letter case on one page, with a warning naming both spellings', async () => {
    const dir = await makeProject({
      'posts/a.md': post({ title: 'A', date: '2024-01-01', tags: '[film]' }),
      'posts/b.md': post({ title: 'B', date: '2024-01-02', tags: '[film]' }),
      'posts/c.md': post({ title: 'C', date: '2024-01-03', tags: '[Film]' }),
    });
    const { code, io } = await run(dir, ['build']);
    expect(code).toBe(0);
    expect(io.stderrText).toContain('posts/c.md:4:1 warning tag "Film" is written "film" in posts/a.md, posts/b.md');
    expect(io.stderrText).toContain('[tag-variant]');
    const json = JSON.parse(await readFile(join(dir, 'dist/tags/film/feed.json'), 'utf8')) as { title: string; items: unknown[] };
    expect(json.title).toBe('Fixture news: film');
    expect(json.items).toHaveLength(3);
    expect((await run(dir, ['build', '--strict'])).code).toBe(1);
  });

  it('gives a tag with no letters or digits a stable slug from its code points, with its page and feeds', async () => {
    expect(tagSlug('🎬')).toBe('tag-1f3ac');
    expect(tagSlug(']]>')).toBe('tag-5d-5d-3e');
    const dir = await makeProject({ 'posts/a.md': post({ title: 'A', date: '2024-01-01', tags: '["🎬", "+++"]' }) });
    const { code, io } = await run(dir, ['build']);
    expect(io.stderrText).toBe('');
    expect(code).toBe(0);
    const page = await readFile(join(dir, 'dist/posts/a/index.html'), 'utf8');
    expect(page).toContain('<a href="https://example.org/blog/tags/tag-1f3ac/" rel="tag">🎬</a>');
    const feed = JSON.parse(await readFile(join(dir, 'dist/tags/tag-2b-2b-2b/feed.json'), 'utf8')) as { title: string };
    expect(feed.title).toBe('Fixture news: +++');
  });

  it('gives tag feeds the same item limit as the main feed, and leaves drafts out of tags', async () => {
    const dir = await makeProject({
      ...posts,
      'posts/2024-04-01-draft.md': post({ title: 'Draft', date: '2024-04-01', tags: '[film]', draft: 'true' }),
    }, { limit: 1 });
    expect((await run(dir, ['build'])).code).toBe(0);
    const json = JSON.parse(await readFile(join(dir, 'dist/tags/film/feed.json'), 'utf8')) as { items: { title: string }[] };
    expect(json.items.map((i) => i.title)).toEqual(['Second']);
  });
});
