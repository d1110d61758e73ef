import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject, readFeeds, removeProjects, REPO, runCli, snapshotTree } from './helpers/cli-project.js';

/**
 * One fixture post per case in tests/fixtures/cases/, each checked alone in a fresh project: the exact
 * diagnostic lines (file:line:col severity message [code]), the count line, and the exit code.
 */

const FIXTURES = join(REPO, 'tests/fixtures/cases');
const SLUG_RULE = 'is not safe in a URL path: use letters, digits, "-", "_", "." and "~", with no "/", "\\", ".." or leading dot [invalid-slug]';
const ONE_ERROR = '✖ 1 error, 0 warnings in 1 file';

async function check(fixture: string, config?: object): Promise<{ code: number; lines: string[]; root: string }> {
  const root = await makeProject({}, config);
  await copyFile(join(FIXTURES, fixture), join(root, 'posts', fixture));
  const before = await snapshotTree(root);
  const run = await runCli(root, ['check']);
  expect(await snapshotTree(root)).toEqual(before); // check writes nothing
  return { code: run.code, lines: run.lines, root };
}

afterAll(removeProjects);

describe('errors: the post is named at the offending line, nothing is written', () => {
  const cases: [string, string][] = [
    // Eleventy names the front matter's language after the dashes
    ['front-matter-js.md', 'posts/front-matter-js.md:1:1 error the front matter is marked "---js", a language after the dashes: JavaScript front matter (Eleventy\'s) is code, which feedwright does not run: write its values as YAML between plain "---" lines (title: "…", date: 2024-01-31, draft: true) [missing-front-matter]'],
    ['front-matter-json-marked.md', 'posts/front-matter-json-marked.md:1:1 error the front matter is marked "---json", a language after the dashes: feedwright reads JSON front matter as an object that starts the file, without "---" lines: remove line 1 and the closing "---" [missing-front-matter]'],
    ['date-eleventy-git.md', 'posts/date-eleventy-git.md:3:1 error "date" is "git Last Modified", Eleventy\'s date from the file\'s git history, which feedwright does not read: write the date, such as date: 2024-01-31 [invalid-date]'],
    ['malformed-yaml.md', 'posts/malformed-yaml.md:4:1 error invalid YAML in the front matter: Flow sequence in block collection must be sufficiently indented and end with a ] [yaml-syntax]'],
    ['missing-front-matter.md', 'posts/missing-front-matter.md:1:1 error no front matter: the file must start with a line "---", then YAML such as "title: …" and "date: 2024-01-31", then "---" (or TOML between "+++" lines, or a JSON object); found "Just a paragraph, no front matter." [missing-front-matter]'],
    ['unclosed-front-matter.md', 'posts/unclosed-front-matter.md:1:1 error the front matter opened on line 1 is never closed: add a line "---" after the last YAML line [unclosed-front-matter]'],
    ['missing-title.md', 'posts/missing-title.md:1:1 error missing "title": add a line such as "title: My first post" to the front matter [missing-title]'],
    ['empty-title.md', 'posts/empty-title.md:2:1 error "title" is empty; give the post a title [missing-title]'],
    ['missing-date.md', 'posts/missing-date.md:1:1 error missing "date": add e.g. "date: 2024-01-31" or "date: 2024-01-31T09:00:00+01:00" [missing-date]'],
    // gray-matter (js-yaml) and Date would roll these over to 2025-02-14 and 2023-03-02 without a word
    ['date-month-13.md', 'posts/date-month-13.md:3:1 error "date" is not a real date: "2024-13-45": month 13 does not exist [invalid-date]'],
    ['date-february-30.md', 'posts/date-february-30.md:3:1 error "date" is not a real date: "2023-02-30": day 30 does not exist in 2023-02 (it has 28 days) [invalid-date]'],
    // a mapping has no one way to be written as text (and String() of this one throws: found by the property test)
    ['title-mapping.md', 'posts/title-mapping.md:2:1 error "title" must be text, found a mapping; write it on one line after "title:", e.g. title: "My first post" [wrong-type]'],
    ['tags-mapping.md', 'posts/tags-mapping.md:4:1 error "tags" must be a list of words such as [film, news], found a mapping [wrong-type]'],
    // the usual cause of this YAML error gets a hint: quote values that contain ": "
    ['unquoted-colon.md', 'posts/unquoted-colon.md:2:8 error invalid YAML in the front matter: Nested mappings are not allowed in compact mappings; if the value contains ": ", put it in quotes, e.g. title: "Review: a film" [yaml-syntax]'],
    ['slug-slash.md', `posts/slug-slash.md:4:1 error "slug" "a/b" ${SLUG_RULE}`],
    ['slug-backslash.md', `posts/slug-backslash.md:4:1 error "slug" "a\\b" ${SLUG_RULE}`],
    ['slug-dotdot.md', `posts/slug-dotdot.md:4:1 error "slug" ".." ${SLUG_RULE}`],
    ['slug-leading-dot.md', `posts/slug-leading-dot.md:4:1 error "slug" ".htaccess" ${SLUG_RULE}`],
    ['slug-unsafe-chars.md', `posts/slug-unsafe-chars.md:4:1 error "slug" "what?<x>" ${SLUG_RULE}`],
  ];
  it.each(cases)('%s', async (fixture, line) => {
    const { code, lines, root } = await check(fixture);
    expect(lines).toEqual([line, ONE_ERROR]);
    expect(code).toBe(1);
    const build = await runCli(root, ['build']);
    expect(build.code).toBe(1);
    expect(build.lines).toEqual([line, ONE_ERROR]);
    expect(build.stderr).toContain('Nothing was written; dist/ is unchanged.');
    expect(Object.keys(await snapshotTree(root))).not.toContain('dist');
  });
});

describe('warnings: reported, the build still succeeds (it fails only with --strict)', () => {
  const cases: [string, string[], object?][] = [
    ['titel-typo.md', ['posts/titel-typo.md:2:1 warning unknown front-matter key "titel"; did you mean "title"? [unknown-key]']],
    ['long-summary.md', ['posts/long-summary.md:4:1 warning the summary is 349 characters, over the configured 300; readers may cut it off [long-summary]']],
    ['date-without-offset.md', ['posts/date-without-offset.md:3:1 warning "date" 2024-01-31T09:00:00 has no UTC offset; it was read in the configured time zone Europe/Paris. Add "Z" or an offset such as "+01:00" to be explicit [date-without-offset]'],
      { url: 'https://example.com/', timeZone: 'Europe/Paris' }],
    ['tags-as-text.md', ['posts/tags-as-text.md:4:1 warning "tags" is one piece of text, so "film, alita" is a single tag; write a list to get several: tags: [film, alita] [tags-as-text]']],
    ['empty-body.md', ['posts/empty-body.md:5:1 warning the post has no body text; feeds will carry only its title and summary [empty-body]']],
    ['forbidden-xml-chars.md', [
      'posts/forbidden-xml-chars.md:2:13 warning removed character U+0007, which XML 1.0 does not allow [forbidden-character]',
      'posts/forbidden-xml-chars.md:6:13 warning removed character U+000C, which XML 1.0 does not allow [forbidden-character]',
    ]],
  ];
  it.each(cases)('%s', async (fixture, expected, config) => {
    const { code, lines, root } = await check(fixture, config);
    const count = `⚠ 0 errors, ${expected.length} warning${expected.length === 1 ? '' : 's'} in 1 file`;
    expect(lines).toEqual([...expected, count]);
    expect(code).toBe(0);
    const strict = await runCli(root, ['check', '--strict']);
    expect([strict.code, strict.lines]).toEqual([1, [...expected, count]]);
    const build = await runCli(root, ['build']);
    expect([build.code, build.lines]).toEqual([0, [...expected, count]]);
    const feeds = await readFeeds(root);
    expect(feeds.json.items).toHaveLength(1);
  });

  it('a date without an offset is read in the configured zone, not the machine one', async () => {
    const { root } = await check('date-without-offset.md', { url: 'https://example.com/', timeZone: 'Europe/Paris' });
    await runCli(root, ['build']);
    const { json } = await readFeeds(root);
    expect(json.items[0]?.date_published).toBe('2024-01-31T08:00:00Z');
  });

  it('forbidden characters are gone from every feed and page', async () => {
    const { root } = await check('forbidden-xml-chars.md');
    await runCli(root, ['build']);
    const feeds = await readFeeds(root);
    expect(feeds.rss + feeds.atom + feeds.jsonText).not.toMatch(/[\u0007\u000c]/);
    expect(feeds.json.items[0]?.title).toBe('Bell in the title');
  });
});

describe('handled without any message', () => {
  it('tabs: after a colon, as list indentation in the front matter, and in the body', async () => {
    const { code, lines, root } = await check('tabs.md');
    expect([code, lines]).toEqual([0, []]);
    await runCli(root, ['build']);
    const { json } = await readFeeds(root);
    expect(json.items[0]).toMatchObject({ title: 'Tabs', tags: ['film', 'news'] });
    expect(json.items[0]?.content_html).toContain('<pre><code>code block indented by a tab');
    expect(json.items[0]?.content_html).toContain('Text\twith\ttabs.');
  });

  it('numbers and booleans where text is expected: taken exactly as written (1.10 stays 1.10, 0x1F stays 0x1F)', async () => {
    const { code, lines, root } = await check('title-number.md');
    expect([code, lines]).toEqual([0, []]);
    await runCli(root, ['build']);
    const { json } = await readFeeds(root);
    expect(json.items[0]).toMatchObject({ title: '1.10', summary: '3', tags: ['2024', 'true', '0x1F', '1_000'], url: 'https://example.com/blog/posts/42/' });
  });
});
