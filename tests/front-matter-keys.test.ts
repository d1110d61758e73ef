import { afterAll, describe, expect, it } from 'vitest';
import { makeProject, readFeeds, removeProjects, runCli, SITE } from './helpers/cli-project.js';

/**
 * Other generators' front-matter keys: mapped to ours (dates, summaries, tags, drafts, authors), accepted quietly
 * when they only matter to another generator's templates, and warned about once per build when unknown.
 */

afterAll(removeProjects);

const doc = (lines: string[], body = 'Body text.'): string => `---\n${lines.join('\n')}\n---\n\n${body}\n`;

interface Item {
  id: string; title: string; image?: string; date_published: string; date_modified?: string; summary?: string; tags?: string[];
  authors?: { name: string; url?: string }[];
}

async function items(root: string): Promise<Map<string, Item>> {
  const { json } = await readFeeds(root);
  return new Map((json.items as Item[]).map((i) => [i.title, i]));
}

describe("other generators' keys are read as ours, without a warning", () => {
  it('dates, change dates, summaries, tags and authors under their other names', async () => {
    const root = await makeProject({
      'posts/astro.md': doc(['title: Astro', 'pubDate: 2024-03-01T10:00:00Z', 'updatedDate: 2024-03-05T10:00:00Z', 'description: From description.', 'heroImage: /hero.jpg']),
      'posts/hugo.md': doc(['title: Hugo', 'publishDate: 2024-03-02T10:00:00Z', 'lastmod: 2024-03-06T10:00:00Z', 'categories: [Go, Web]', 'authors: [Ann, Bo]']),
      'posts/hugo-published.md': doc(['title: Hugo published', 'published: 2024-03-03T10:00:00Z', 'modified: 2024-03-07T10:00:00Z', 'excerpt: From excerpt.']),
      // Jekyll: a date with a space and an offset without a colon; `tags` and `categories` as text are split at spaces
      // in a `_posts` folder (where Jekyll reads posts)
      'posts/_posts/jekyll.md': doc(['title: Jekyll', 'layout: post', 'date: 2025-01-29 18:15:32 +0530', 'last_modified_at: 2025-02-01 08:00:00 +0000', 'tags: ruby  rails', 'categories: jekyll update', 'category: Notes',
        'author:', '  name: Jane', '  url: https://jane.example', '  twitter: jane', '  avatar: /jane.png']),
      // a date and time without an offset is read in the configured zone (here Asia/Kolkata, +05:30)
      'posts/jekyll-local.md': doc(['title: Jekyll local', 'date: 2025-01-29 18:15', 'spoiler: From spoiler.']),
      'posts/jekyll-local-2.md': doc(['title: Jekyll local 2', 'date: 2025-01-30 09:00']),
      // Astro's blog template writes days with month names
      'posts/astro-template.md': doc(['title: Astro template', "pubDate: 'Jul 08 2022'", "updatedDate: 'July 9, 2022'"]),
      // Chirpy (Jekyll) writes the cover as a mapping
      'posts/chirpy.md': doc(['title: Chirpy', 'date: 2024-03-06T10:00:00Z', 'image:', '  path: https://cdn.example.com/cover.jpg', '  alt: A cover', '  lqip: data:image/webp;base64,AAAA']),
      'posts/astropaper.md': doc(['title: AstroPaper', 'pubDatetime: 2024-03-04T10:00:00Z', 'modDatetime: 2024-03-08T10:00:00Z', 'author: [Cy]']),
      // elsewhere a line is one tag, as Eleventy (eleventy-base-blog's `tags: another tag`) and Hugo read it
      'posts/eleventy.md': doc(['title: Eleventy', 'date: 2018-05-01', 'tags: another tag']),
      'posts/hugo-text.md': doc(['title: Hugo text', 'date: 2018-05-02', 'categories: Hugo Tips', 'tags: [Go]']),
      'posts/zola.md': doc(['title: Zola', 'date: 2024-03-05', 'updated: 2024-03-09', 'taxonomies:', '  tags: [rust, Web]', '  categories: [Code]', 'extra:', '  toc: true']),
    }, { ...SITE, timeZone: 'Asia/Kolkata' });
    const run = await runCli(root, ['build']);
    // the one warning left is said once for the whole blog, not once per post
    expect([run.code, run.lines]).toEqual([0, [
      'posts/jekyll-local-2.md:3:1 warning "date" 2025-01-30 09:00 has no UTC offset; it was read in the configured time zone Asia/Kolkata. Add "Z" or an offset such as "+01:00" to be explicit (in 2 files; first here) [date-without-offset]',
      '⚠ 0 errors, 1 warning in 1 file',
    ]]);
    const by = await items(root);
    expect(by.get('Astro')).toMatchObject({ date_published: '2024-03-01T10:00:00Z', date_modified: '2024-03-05T10:00:00Z', summary: 'From description.' });
    expect(by.get('Hugo')).toMatchObject({ date_published: '2024-03-02T10:00:00Z', date_modified: '2024-03-06T10:00:00Z', tags: ['Go', 'Web'], authors: [{ name: 'Ann' }, { name: 'Bo' }] });
    expect(by.get('Hugo published')).toMatchObject({ date_published: '2024-03-03T10:00:00Z', date_modified: '2024-03-07T10:00:00Z', summary: 'From excerpt.' });
    expect(by.get('Jekyll')).toMatchObject({
      date_published: '2025-01-29T12:45:32Z', date_modified: '2025-02-01T08:00:00Z', tags: ['ruby', 'rails', 'jekyll', 'update', 'Notes'],
      authors: [{ name: 'Jane', url: 'https://jane.example/' }],
    });
    expect(by.get('Eleventy')?.tags).toEqual(['another tag']);
    expect(by.get('Hugo text')?.tags).toEqual(['Go', 'Hugo Tips']);
    expect(by.get('Jekyll local')).toMatchObject({ date_published: '2025-01-29T12:45:00Z', summary: 'From spoiler.' });
    expect(by.get('Chirpy')).toMatchObject({ image: 'https://cdn.example.com/cover.jpg' });
    expect(by.get('Astro template')).toMatchObject({ date_published: '2022-07-07T18:30:00Z', date_modified: '2022-07-08T18:30:00Z' });
    expect(by.get('AstroPaper')).toMatchObject({ date_published: '2024-03-04T10:00:00Z', date_modified: '2024-03-08T10:00:00Z', authors: [{ name: 'Cy' }] });
    expect(by.get('Zola')).toMatchObject({ date_published: '2024-03-04T18:30:00Z', date_modified: '2024-03-08T18:30:00Z', tags: ['rust', 'Web', 'Code'] });
  });

  it('when a key and another name for it are both there, the first in the documented order wins, quietly', async () => {
    const root = await makeProject({
      'posts/both.md': doc(['title: Both', 'date: 2024-01-02T00:00:00Z', 'publishDate: 2024-06-01T00:00:00Z', 'pubDate: not a date',
        'updated: 2024-01-03T00:00:00Z', 'lastmod: 2024-09-01T00:00:00Z', 'summary: The summary.', 'description: For search engines.', 'excerpt: An excerpt.',
        'tags: [Film, news]', 'categories: [film, Reviews]', 'category: News']),
    });
    const run = await runCli(root, ['build']);
    expect([run.code, run.lines]).toEqual([0, []]);
    expect((await items(root)).get('Both')).toMatchObject({
      date_published: '2024-01-02T00:00:00Z', date_modified: '2024-01-03T00:00:00Z', summary: 'The summary.',
      // merged in key order, each once whatever its letter case
      tags: ['Film', 'news', 'Reviews'],
    });
  });

  it('`draft: true` and `published: false` are never published, unless --drafts; both count as drafts', async () => {
    const root = await makeProject({
      'posts/kept.md': doc(['title: Kept', 'date: 2024-01-01T00:00:00Z', 'published: true']),
      'posts/jekyll-unpublished.md': doc(['title: Unpublished', 'date: 2024-01-02T00:00:00Z', 'published: false']),
      'posts/hugo-draft.md': doc(['title: Draft', 'date: 2024-01-03T00:00:00Z', 'draft: true']),
    });
    const run = await runCli(root, ['build']);
    expect([run.code, run.lines]).toEqual([0, []]);
    expect(run.stdout).toContain('left out: 2 drafts');
    expect([...(await items(root)).keys()]).toEqual(['Kept']);
    const all = await runCli(root, ['build', '--drafts']);
    expect(all.code).toBe(0);
    expect([...(await items(root)).keys()].sort()).toEqual(['Draft', 'Kept', 'Unpublished']);
    const bad = await makeProject({ 'posts/a.md': doc(['title: A', 'published: "no"']) });
    // `published` that is neither a date nor true/false
    expect((await runCli(bad, ['check'])).lines[0]).toBe('posts/a.md:3:1 error "published" is not a real date: "no": expected YYYY-MM-DD or an RFC 3339 date-time such as 2024-05-01T09:30:00+02:00 [invalid-date]');
  });

  it('what Eleventy or Hugo writes no page for or keeps out of its lists is left out as a draft, unless --drafts', async () => {
    const root = await makeProject({
      'posts/kept.md': doc(['title: Kept', 'date: 2024-01-01T00:00:00Z', 'eleventyExcludeFromCollections: false', 'headless: false', 'build: {list: always}']),
      'posts/no-page.md': doc(['title: No page', 'date: 2024-01-02T00:00:00Z', 'permalink: false']),
      'posts/excluded.md': doc(['title: Excluded', 'date: 2024-01-03T00:00:00Z', 'eleventyExcludeFromCollections: true']),
      'posts/headless.md': doc(['title: Headless', 'date: 2024-01-04T00:00:00Z', 'headless: true']),
      'posts/unlisted.md': doc(['title: Unlisted', 'date: 2024-01-05T00:00:00Z', 'build:', '  list: never', '  render: always']),
    });
    const run = await runCli(root, ['build']);
    expect([run.code, run.lines]).toEqual([0, []]);
    expect(run.stdout).toContain('left out: 4 drafts');
    expect([...(await items(root)).keys()]).toEqual(['Kept']);
    expect((await runCli(root, ['build', '--drafts'])).code).toBe(0);
    expect([...(await items(root)).keys()].sort()).toEqual(['Excluded', 'Headless', 'Kept', 'No page', 'Unlisted']);
  });

  it("keys that only matter to other generators' templates are accepted quietly", async () => {
    const quiet = ['layout: post', 'permalink: /old/path/', 'aliases: [/a/]', 'weight: 3', 'template: page.html', 'toc: true', 'comments: false',
      'menu: main', 'type: post', 'series: [one]', 'keywords: [a, b]', 'lang: en', 'hero: x', 'heroImage: /h.jpg', 'cover: {image: c.jpg}',
      'url: /old/', 'extra: {a: 1}', 'eleventyExcludeFromCollections: false', 'redirect_from: [/x/]', 'sitemap: false', 'images: [a.jpg]'];
    const root = await makeProject({ 'posts/a.md': doc(['title: A', 'date: 2024-01-01T00:00:00Z', ...quiet]) });
    const run = await runCli(root, ['check']);
    expect([run.code, run.lines]).toEqual([0, []]);
  });
});

describe('warnings a moved-in blog has in many posts are said once per build', () => {
  it('a summary over summaryLength, in several posts', async () => {
    const long = 'word '.repeat(70).trim();
    const root = await makeProject({
      'posts/a.md': doc(['title: A', 'date: 2024-01-01T00:00:00Z'], long),
      'posts/b.md': doc(['title: B', 'date: 2024-01-02T00:00:00Z', `summary: ${long} more`]),
      'posts/c.md': doc(['title: C', 'date: 2024-01-03T00:00:00Z'], long),
    });
    const run = await runCli(root, ['check']);
    expect([run.code, run.lines]).toEqual([0, [
      'posts/a.md:5:1 warning the summary is 349 characters, over the configured 300; readers may cut it off (in 3 files; first here) [long-summary]',
      '⚠ 0 errors, 1 warning in 1 file',
    ]]);
  });
});

describe('unknown keys: one warning per key per build', () => {
  const files = {
    'posts/a.md': doc(['title: A', 'date: 2024-01-01T00:00:00Z', 'foo: 1']),
    'posts/b.md': doc(['title: B', 'date: 2024-01-02T00:00:00Z', 'mood: happy', 'foo: 2']),
    'posts/c.md': doc(['title: C', 'foo: 3', 'date: 2024-01-03T00:00:00Z', 'tgas: [x]']),
    'posts/d.md': doc(['titel: Typo', 'title: D', 'date: 2024-01-04T00:00:00Z']),
  };
  const expected = [
    'posts/a.md:4:1 warning unknown front-matter key "foo" (in 3 files; first here); feedwright reads title, date, updated, slug, summary, tags, author, authors, draft, id, image, audio, video, enclosure, duration, episode, season, episodeType, explicit (and other generators\' names for them: see the README) [unknown-key]',
    'posts/b.md:4:1 warning unknown front-matter key "mood"; feedwright reads title, date, updated, slug, summary, tags, author, authors, draft, id, image, audio, video, enclosure, duration, episode, season, episodeType, explicit (and other generators\' names for them: see the README) [unknown-key]',
    'posts/c.md:5:1 warning unknown front-matter key "tgas"; did you mean "tags"? [unknown-key]',
    'posts/d.md:2:1 warning unknown front-matter key "titel"; did you mean "title"? [unknown-key]',
    '⚠ 0 errors, 4 warnings in 4 files',
  ];

  it('names the first file and how many have it; a likely typo gets a "did you mean"', async () => {
    const root = await makeProject(files);
    const run = await runCli(root, ['check']);
    expect([run.code, run.lines]).toEqual([0, expected]);
    expect((await runCli(root, ['check', '--strict'])).code).toBe(1);
  });

  it('a build from the cache prints the same warnings as a fresh one', async () => {
    const root = await makeProject(files);
    const first = await runCli(root, ['build']);
    expect(first.lines).toEqual(expected);
    const again = await runCli(root, ['build']);
    expect(again.lines).toEqual(expected);
    expect(again.stdout).toBe(first.stdout.replace(/in \d+ ms/, again.stdout.match(/in \d+ ms/)?.[0] ?? ''));
  });
});
