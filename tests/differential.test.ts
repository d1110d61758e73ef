import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { Feed } from 'feed';
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { resolveConfig } from '../src/config/config.js';
import { loadConfigSource } from '../src/config/load.js';
import type { Site } from '../src/site/site.js';
import { copyFixture, EPOCH, readFeeds, removeTempDirs, run } from './helpers/blog.js';

/**
 * The same fixture through `feed` 6 (the reference library named by the design card) and through our
 * serializers, both parsed back with feedsmith: item titles, links, ids and dates must agree wherever `feed`
 * is right. Where `feed` is wrong or older, the difference is asserted explicitly, so it stays documented:
 *
 * - JSON Feed: `feed` writes version 1 with a single `author` (the first one only) and no `language`; we write 1.1
 *   with `authors` (all of them) and `language`.
 * - RSS people: `feed` puts bare names in `<author>`, which RSS reserves for an e-mail address; we use
 *   `dc:creator` for names (the profile's advice) and never emit `<author>`.
 * - Atom titles: `feed` marks titles `type="html"` without escaping them as HTML, so a title such as
 *   "1 < 2" or "<tag>" is read as markup; ours are `type="text"`. The strings agree; the meaning does not.
 * - Dates: `feed` has one `date` for both RSS `pubDate` and Atom `updated`; we keep `published` and `updated`
 *   apart, so an edited post (the hostile fixture post) shows its edit date only where formats have a field for it.
 * - Control characters: `feed` writes them through (the hostile title carries a U+0001 from a YAML escape), so its
 *   XML is not well-formed; we drop what XML 1.0 forbids (already when reading the front matter, with a warning). Titles are compared with those characters removed.
 * - Feed date: `feed` defaults `updated`/`lastBuildDate` to now; we pass our newest change so both agree.
 */
describe('differential: feedwright vs the `feed` package', () => {
  let site: Site;
  let ours: Awaited<ReturnType<typeof readFeeds>>;
  let theirText: { rss: string; atom: string };
  let theirs: Pick<typeof ours, 'rss' | 'atom' | 'json' | 'raw'>;

  beforeAll(async () => {
    const dir = await copyFixture();
    const loaded = await loadConfigSource(join(dir, 'package.json'), 'package.json');
    const config = loaded.source && resolveConfig(loaded.source).config;
    if (!config) throw new Error('fixture config did not resolve');
    const result = await build({ config, root: dir, postsDir: 'posts', drafts: false, future: false, now: EPOCH * 1000 });
    if (!result.site) throw new Error('fixture did not build');
    site = result.site;
    expect((await run(['build', '--out', 'out'], { cwd: dir })).code).toBe(0);
    ours = await readFeeds(join(dir, 'out'));

    const feed = new Feed({
      id: config.url, title: config.title, description: config.description, link: config.url, language: config.language,
      updated: new Date(Math.max(...site.items.map((p) => p.updated))),
      feedLinks: { rss: `${config.url}rss.xml`, atom: `${config.url}atom.xml`, json: `${config.url}feed.json` },
      author: { name: config.author.name, ...(config.author.email && { email: config.author.email }), ...(config.author.url && { link: config.author.url }) },
      ...(config.copyright && { copyright: config.copyright }),
    });
    // Our front-matter stage already drops the U+0001 (with a warning); `feed` gets the title as written.
    const asWritten = (title: string): string => (title.endsWith('✓ 🎉') ? `${title}\u0001` : title);
    for (const p of site.items) {
      feed.addItem({
        id: p.id, title: asWritten(p.title), link: p.url, date: new Date(p.date), published: new Date(p.date),
        description: p.summary, content: p.html,
        author: p.authors.map((a) => ({ name: a.name, ...(a.email && { email: a.email }), ...(a.url && { link: a.url }) })),
        category: p.tags.map((t) => ({ name: t, term: t })),
      });
    }
    const json = feed.json1();
    theirText = { rss: feed.rss2(), atom: feed.atom1() };
    theirs = { rss: parseRssFeed(theirText.rss), atom: parseAtomFeed(theirText.atom), json: parseJsonFeed(JSON.parse(json)), raw: JSON.parse(json) };
  });
  afterAll(removeTempDirs);

  // Characters XML 1.0 forbids, which `feed` passes through and we remove.
  const clean = (title: string | undefined): string | undefined => title?.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');

  it('`feed` writes ill-formed XML for a title with a control character; we do not', () => {
    // fast-xml-parser's validator does not check characters, so look for the ones XML 1.0 forbids directly
    const forbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
    expect(site.items.some((p) => p.title.endsWith('✓ 🎉'))).toBe(true); // the hostile title, its U+0001 dropped by us
    expect(theirText.rss).toMatch(forbidden);
    expect(theirText.atom).toMatch(forbidden);
    expect(ours.rssText).not.toMatch(forbidden);
    expect(ours.atomText).not.toMatch(forbidden);
    expect(XMLValidator.validate(ours.rssText)).toBe(true);
  });

  it('RSS: same titles, links, guids and pubDates', () => {
    const pick = (items: NonNullable<typeof ours.rss.items>) => items.map((i) => [clean(i.title), i.link, i.guid?.value, Date.parse(i.pubDate ?? '')]);
    expect(pick(ours.rss.items ?? [])).toEqual(pick(theirs.rss.items ?? []));
    expect(Date.parse(ours.rss.lastBuildDate ?? '')).toBe(Date.parse(theirs.rss.lastBuildDate ?? ''));
    // documented difference: names in dc:creator (ours) vs a bare name in <author> (feed)
    expect(ours.rss.items?.[0]?.authors).toBeUndefined();
    expect(ours.rss.items?.map((i) => i.dc?.creators)).toEqual(site.items.map((p) => p.authors.map((a) => a.name)));
  });

  it('Atom: same ids, titles, alternate links and published dates; updated differs only for edited posts', () => {
    const pick = (entries: NonNullable<typeof ours.atom.entries>) =>
      entries.map((e) => [e.id, clean(e.title?.value), e.links?.find((l) => !l.rel || l.rel === 'alternate')?.href, Date.parse(e.published ?? '')]);
    expect(pick(ours.atom.entries ?? [])).toEqual(pick(theirs.atom.entries ?? []));
    const edited = site.items.filter((p) => p.updated !== p.date).map((p) => p.id);
    expect(edited).toEqual(['tag:example.org,2024:hostile-text']);
    for (const [n, e] of (ours.atom.entries ?? []).entries()) {
      const theirUpdated = Date.parse(theirs.atom.entries?.[n]?.updated ?? '');
      if (edited.includes(e.id ?? '')) expect(Date.parse(e.updated ?? '')).toBeGreaterThan(theirUpdated);
      else expect(Date.parse(e.updated ?? '')).toBe(theirUpdated);
    }
    // documented difference: feed's titles are type="html" (so "<tag>" would be markup), ours type="text"
    expect(new Set(theirs.atom.entries?.map((e) => e.title?.type))).toEqual(new Set(['html']));
    expect(new Set(ours.atom.entries?.map((e) => e.title?.type))).toEqual(new Set(['text']));
  });

  it('JSON Feed: same ids, urls, titles and dates; version 1.1 and all authors on our side', () => {
    const pick = (items: NonNullable<typeof ours.json.items>) => items.map((i) => [i.id, i.url, clean(i.title), Date.parse(i.date_published ?? '')]);
    expect(pick(ours.json.items ?? [])).toEqual(pick(theirs.json.items ?? []));
    expect(theirs.raw.version).toBe('https://jsonfeed.org/version/1');
    expect(ours.raw.version).toBe('https://jsonfeed.org/version/1.1');
    const theirItems = theirs.raw.items as { author?: { name: string }; authors?: unknown }[];
    expect(theirItems.every((i) => i.authors === undefined)).toBe(true);
    expect(theirItems.map((i) => i.author?.name)).toEqual(site.items.map((p) => p.authors[0]?.name));
    expect((ours.json.items ?? []).map((i) => i.authors?.map((a) => a.name))).toEqual(site.items.map((p) => p.authors.map((a) => a.name)));
  });

  it('carries the same content HTML as `feed` when given the same post HTML', () => {
    const content = (ours.json.items ?? []).map((i) => i.content_html);
    expect((theirs.json.items ?? []).map((i) => i.content_html)).toEqual(content);
    expect((theirs.rss.items ?? []).map((i) => i.content?.encoded)).toEqual((ours.rss.items ?? []).map((i) => i.content?.encoded));
  });
});
