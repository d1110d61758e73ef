import { mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listSources } from '../src/read/sources.js';
import { fileSlug } from '../src/common/slug.js';
import { makeProject, post, readFeeds, removeProjects, runCli, snapshotTree } from './helpers/cli-project.js';

/** Reading a posts folder as other generators lay it out: folders, sections, bundles, skips, front-matter formats. */

afterAll(removeProjects);

const urls = async (root: string): Promise<string[]> => (await readFeeds(root)).json.items.map((i) => i.id).sort();
const BASE = 'https://example.com/blog/posts/';

describe('folders at any depth', () => {
  it('posts in sub-folders are read; sections head posts and are not posts; bundles stay bundles; permalinks stay flat', async () => {
    const root = await makeProject({
      // nodejs.org: an index.md that heads folders of posts
      'posts/index.md': '---\nlayout: blog-index\n---\n',
      'posts/release/v20.0.0.md': post('Node 20'),
      // Jekyll-style date folders
      'posts/2023/03/16/post.md': post('Deep'),
      // Hugo/Zola: _index.md heads a section, with a bundle inside it
      'posts/inside/_index.md': '+++\ntitle = "Inside"\n+++\n',
      'posts/inside/first.md': post('Inside first'),
      'posts/inside/2024-05-01-trip/index.md': post('Trip', '2024-05-01', '![cover](cover.png)'),
      'posts/inside/2024-05-01-trip/cover.png': 'png bytes',
      // an index.md beside other posts heads them (Eleventy)
      'posts/notes/index.md': '---\ntitle: Notes\n---\n',
      'posts/notes/one.md': post('Note one'),
    });
    const run = await runCli(root, ['build']);
    expect([run.code, run.lines]).toEqual([0, []]);
    expect(await urls(root)).toEqual([`${BASE}first/`, `${BASE}one/`, `${BASE}post/`, `${BASE}trip/`, `${BASE}v20.0.0/`]);
    // the bundle's files go beside its flat permalink, wherever the bundle folder is
    expect(await readFile(join(root, 'dist/posts/trip/cover.png'), 'utf8')).toBe('png bytes');
    expect(run.stdout.split('\n')[0]).toBe(
      'Skipped 3 files in posts/ that are not posts: section indexes (they head a folder of posts) (3): index.md, inside/_index.md, notes/index.md');
  });

  it('the listing is sorted by path, never directory order, and a bundle holding a folder of posts is a section', async () => {
    const root = await makeProject({
      'posts/b/z.md': post('Z'),
      'posts/a.md': post('A'),
      'posts/b/a.md': post('BA'),
      'posts/c/index.md': post('C as a bundle'),
      'posts/c/img/x.png': 'x',
      'posts/d/index.md': post('D heads'),
      'posts/d/e/index.md': post('E bundle'),
    });
    const listing = await listSources(join(root, 'posts'), 'posts');
    expect(listing.entries.map((e) => [e.path, e.stem, e.bundle?.path])).toEqual([
      ['posts/a.md', 'a', undefined],
      ['posts/b/a.md', 'a', undefined],
      ['posts/b/z.md', 'z', undefined],
      ['posts/c/index.md', 'c', 'posts/c'],
      ['posts/d/e/index.md', 'e', 'posts/d/e'],
    ]);
    expect(listing.skipped).toEqual([{ path: 'posts/d/index.md', reason: 'section-index' }]);
  });

  it("Zola's and Hugo's translations beside their original are skipped and named: bundles stay bundles, one post each", async () => {
    const root = await makeProject({
      // tabi (Zola): a section index and bundles, each with translations
      'posts/_index.md': '+++\ntitle = "Blog"\n+++\n',
      'posts/_index.ca.md': '+++\ntitle = "Blog"\n+++\n',
      'posts/comments/index.md': post('Comments', '2023-07-14', '![cover](cover.png)'),
      'posts/comments/index.ca.md': post('Comentaris', '2023-07-14'),
      'posts/comments/index.pt-br.md': post('Comentários', '2023-07-14'),
      'posts/comments/cover.png': 'png bytes',
      // Hugo: translation by file name
      'posts/hello.md': post('Hello', '2024-01-02'),
      'posts/hello.fr.md': post('Bonjour', '2024-01-02'),
      // a name with a dot and no original beside it stays a post
      'posts/notes.es.md': post('Notes ES', '2024-01-03'),
    });
    const run = await runCli(root, ['build']);
    expect([run.code, run.lines]).toEqual([0, []]);
    expect(await urls(root)).toEqual([`${BASE}comments/`, `${BASE}hello/`, `${BASE}notes.es/`]);
    expect(await readFile(join(root, 'dist/posts/comments/cover.png'), 'utf8')).toBe('png bytes');
    // a translation is not a bundle file either
    const tree = await snapshotTree(join(root, 'dist/posts/comments'));
    expect(Object.keys(tree).sort()).toEqual(['cover.png', 'index.html']);
    expect(run.stdout.split('\n')[0]).toBe('Skipped 5 files in posts/ that are not posts: section indexes (they head a folder of posts) (1): _index.md; '
      + 'translations (Zola, Hugo: x.fr.md beside x.md; only the original is built) (4): _index.ca.md, comments/index.ca.md, comments/index.pt-br.md and 1 more');
  });

  it("a translation of a folder's index with no original is read as the index: a bundle named after its folder, or a section's index", async () => {
    const zola = (title: string, date: string, body = 'Text.'): string => `+++\ntitle = "${title}"\ndate = ${date}\n+++\n\n${body}\n`;
    const root = await makeProject({
      // tabi (Zola): projects/ramu/ is in Catalan only, with its image beside it
      'posts/projects/_index.ca.md': '+++\ntitle = "Projectes"\n+++\n',
      'posts/projects/ramu/index.ca.md': zola('Ramu', '2023-05-10', '![Ramu](ramu.webp)'),
      'posts/projects/ramu/ramu.webp': 'webp bytes',
      // a folder with two translations and no original: neither is "the" page, so each stays a post of its name
      'posts/pair/index.es.md': zola('Par', '2023-06-01'),
      'posts/pair/index.fr.md': zola('Paire', '2023-06-02'),
      // a lone index translation beside other posts heads them, as an index.md would
      'posts/notes/index.de.md': '+++\ntitle = "Notizen"\n+++\n',
      'posts/notes/one.md': zola('One', '2023-07-01'),
    });
    const run = await runCli(root, ['build']);
    expect([run.code, run.lines]).toEqual([0, []]);
    expect(await urls(root)).toEqual([`${BASE}index.es/`, `${BASE}index.fr/`, `${BASE}one/`, `${BASE}ramu/`]);
    // the bundle's image is published beside it, and its link to it is not broken
    expect(await readFile(join(root, 'dist/posts/ramu/ramu.webp'), 'utf8')).toBe('webp bytes');
    const listing = await listSources(join(root, 'posts'), 'posts');
    expect(listing.entries.map((e) => [e.path, e.stem, e.bundle?.index])).toEqual([
      ['posts/notes/one.md', 'one', undefined],
      ['posts/pair/index.es.md', 'index.es', undefined],
      ['posts/pair/index.fr.md', 'index.fr', undefined],
      ['posts/projects/ramu/index.ca.md', 'ramu', 'index.ca.md'],
    ]);
    expect(listing.skipped).toEqual([
      { path: 'posts/notes/index.de.md', reason: 'section-index' },
      { path: 'posts/projects/_index.ca.md', reason: 'section-index' },
    ]);
  });

  it('a folder named after its only post, holding nothing else but images, audio and video, is its bundle (Eleventy)', async () => {
    const root = await makeProject({
      // eleventy-base-blog: content/blog/fourthpost/fourthpost.md with possum.png beside it
      'posts/blog/firstpost.md': post('First', '2024-01-01'),
      'posts/blog/fourthpost/fourthpost.md': post('Fourth', '2024-01-04', '![A possum](possum.png)'),
      'posts/blog/fourthpost/possum.png': 'png bytes',
      'posts/blog/fourthpost/.DS_Store': 'x',
      // a data file beside it (Eleventy's template data): the post stays a file of its own, the others are skipped
      'posts/notes/notes.md': post('Notes', '2024-01-05', '![diagram](diagram.png)'),
      'posts/notes/diagram.png': 'png bytes',
      'posts/notes/notes.11tydata.js': 'export default {};',
      // another post beside it, or a sub-folder: not a bundle either
      'posts/pair/pair.md': post('Pair', '2024-01-06'),
      'posts/pair/other.md': post('Other', '2024-01-07'),
      'posts/pair/pic.png': 'png bytes',
      'posts/deep/deep.md': post('Deep', '2024-01-08'),
      'posts/deep/img/x.png': 'png bytes',
    });
    const run = await runCli(root, ['build']);
    expect(run.code).toBe(0);
    // only the post whose image is not published has a broken link
    expect(run.lines).toEqual([
      'posts/notes/notes.md:6:1 warning image to https://example.com/blog/posts/notes/diagram.png points into the site, but the build writes nothing there; fix the file name or add what it points to [broken-link]',
      '⚠ 0 errors, 1 warning in 1 file',
    ]);
    expect(await urls(root)).toEqual([`${BASE}deep/`, `${BASE}firstpost/`, `${BASE}fourthpost/`, `${BASE}notes/`, `${BASE}other/`, `${BASE}pair/`]);
    expect(await readFile(join(root, 'dist/posts/fourthpost/possum.png'), 'utf8')).toBe('png bytes');
    expect(Object.keys(await snapshotTree(join(root, 'dist/posts/fourthpost'))).sort()).toEqual(['index.html', 'possum.png']);
    expect(run.stdout.split('\n')[0]).toBe('Skipped 5 files in posts/ that are not posts: not Markdown (.md, .markdown) (4): deep/img/x.png, notes/diagram.png, notes/notes.11tydata.js and 1 more; hidden (1): blog/fourthpost/.DS_Store');
    const listing = await listSources(join(root, 'posts'), 'posts');
    expect(listing.entries.filter((e) => e.bundle).map((e) => [e.path, e.stem, e.bundle?.path, e.bundle?.index])).toEqual([
      ['posts/blog/fourthpost/fourthpost.md', 'fourthpost', 'posts/blog/fourthpost', 'fourthpost.md'],
    ]);
  });

  it("Zola's internal links (@/blog/x.md) lead to the post from the content folder; one to a page that is no post is named as that file", async () => {
    const zolaPost = (title: string, date: string, body: string): string => `+++\ntitle = "${title}"\ndate = ${date}\n+++\n\n${body}\n`;
    const root = await makeProject({
      'content/blog/_index.md': '+++\ntitle = "Blog"\n+++\n',
      'content/blog/first.md': zolaPost('First', '2024-01-01', 'See [the trip](@/blog/trip/index.md#day-2) and [the about page](@/pages/about.md).'),
      'content/blog/trip/index.md': zolaPost('Trip', '2024-01-02', 'Back to [the first](@/blog/first.md).'),
    });
    const run = await runCli(root, ['build', '--posts', 'content/blog']);
    expect([run.code, run.lines]).toEqual([0, [
      'content/blog/first.md:6:48 warning link to https://example.com/blog/posts/first/@/pages/about.md points into the site, but no post is the file content/pages/about.md; fix the link or add what it points to [broken-link]',
      '⚠ 0 errors, 1 warning in 1 file',
    ]]);
    const { json } = await readFeeds(root);
    const html = new Map(json.items.map((i) => [i.title, i.content_html ?? '']));
    expect(html.get('First')).toContain(`href="${BASE}trip/#day-2"`);
    expect(html.get('Trip')).toContain(`href="${BASE}first/"`);
  });

  it('two posts in different folders with the same slug are both named', async () => {
    const root = await makeProject({ 'posts/2023/hello.md': post('One'), 'posts/2024/hello.markdown': post('Two') });
    const run = await runCli(root, ['check']);
    expect(run.code).toBe(1);
    expect(run.lines).toEqual([
      'posts/2023/hello.md:1:1 error slug "hello" (from the file name) is also used by posts/2024/hello.markdown (slug "hello"); every post needs its own slug (letter case does not count): set a different "slug" in one of them [duplicate-slug]',
      'posts/2024/hello.markdown:1:1 error slug "hello" (from the file name) is also used by posts/2023/hello.md (slug "hello"); every post needs its own slug (letter case does not count): set a different "slug" in one of them [duplicate-slug]',
      '✖ 2 errors, 0 warnings in 2 files',
    ]);
  });

  it('a post moved into a sub-folder keeps its id and URL, and a cached rebuild equals a clean one', async () => {
    const root = await makeProject({ 'posts/2024-01-31-hello.md': post('Hello'), 'posts/other.md': post('Other') });
    expect((await runCli(root, ['build'])).code).toBe(0);
    const before = (await readFeeds(root)).json.items;
    await mkdir(join(root, 'posts/2024/01'), { recursive: true });
    await rename(join(root, 'posts/2024-01-31-hello.md'), join(root, 'posts/2024/01/2024-01-31-hello.md'));
    expect((await runCli(root, ['build'])).code).toBe(0); // with the cache of the first build
    const cached = await snapshotTree(join(root, 'dist'));
    expect((await readFeeds(root)).json.items).toEqual(before);
    expect(before.map((i) => i.id)).toContain(`${BASE}hello/`);
    expect((await runCli(root, ['build', '--no-cache'])).code).toBe(0);
    expect(await snapshotTree(join(root, 'dist'))).toEqual(cached);
  });

  it('a symbolic link to a folder above it is listed once, not followed round', async () => {
    const root = await makeProject({ 'posts/a/one.md': post('One') });
    await symlink(join(root, 'posts'), join(root, 'posts/a/loop'));
    const run = await runCli(root, ['check']);
    expect([run.code, run.lines]).toEqual([0, []]);
    expect(run.stdout.split('\n')[0]).toBe('Skipped 1 file in posts/ that is not posts: links to a folder already listed (1): a/loop');
  });
});

describe('nothing dropped silently', () => {
  it('every file that is not a post is named in one line, grouped by reason; .md and .markdown in any case are posts', async () => {
    const root = await makeProject({
      'posts/a.md': post('A'),
      'posts/b.markdown': post('B'),
      'posts/C.MD': post('C'),
      'posts/d.Markdown': post('D'),
      'posts/README.md': '# About this folder\n',
      'posts/drafts/readme.markdown': 'notes',
      'posts/fancy.mdx': '<Chart />',
      'posts/notes.txt': 'notes',
      'posts/.DS_Store': 'x',
      'posts/.git/HEAD': 'ref: refs/heads/main',
      'posts/m1.mdx': 'x', 'posts/m2.mdx': 'x', 'posts/m3.mdx': 'x',
    });
    const run = await runCli(root, ['build']);
    expect([run.code, run.lines]).toEqual([0, []]);
    expect(await urls(root)).toEqual([`${BASE}C/`, `${BASE}a/`, `${BASE}b/`, `${BASE}d/`]);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('Skipped 9 files in posts/ that are not posts: READMEs (they describe a folder) (2): README.md, drafts/readme.markdown; '
      + 'MDX (JSX in Markdown, not read) (4): fancy.mdx, m1.mdx, m2.mdx and 1 more; not Markdown (.md, .markdown) (1): notes.txt; hidden (2): .DS_Store, .git');
    expect(lines[1]).toMatch(/^Built 4 posts/);
    // the same line when the build fails, so a missing post is never a mystery
    await writeFile(join(root, 'posts/a.md'), 'no front matter');
    const failed = await runCli(root, ['check']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe(`${lines[0]}\n`);
  });

  it('says nothing when every file is a post or a bundle file', async () => {
    const root = await makeProject({ 'posts/a.md': post('A'), 'posts/b/index.md': post('B'), 'posts/b/x.txt': 'bundle file' });
    const run = await runCli(root, ['check']);
    expect(run.stdout).toMatch(/^Checked 2 posts/);
  });
});

describe('front matter in TOML and JSON', () => {
  it('TOML (+++) front matter is read, with its dates, and keys are placed on their lines', async () => {
    const root = await makeProject({
      'posts/toml.md': '+++\ntitle = "TOML post"\ndate = 2024-02-03T04:05:06+01:00\ntags = ["zola", "hugo"]\n\n[extra]\nlayout = "x"\n+++\n\nBody **here**.\n',
      'posts/local.md': "+++\ntitle = 'Local date'\ndate = 2024-02-01\n+++\nBody.\n",
      'posts/bad-id.md': '+++\ntitle = "Bad id"\ndate = "2024-02-01"\n# a comment\n  id = "not a uri"\n+++\nBody.\n',
    }, { title: 'T', url: 'https://example.com/blog/', timeZone: 'Europe/Paris' });
    const run = await runCli(root, ['check']);
    expect(run.lines).toEqual([
      expect.stringMatching(/^posts\/bad-id\.md:5:3 error "id" must be a permanent absolute URI/),
      '✖ 1 error, 0 warnings in 1 file',
    ]);
    await rm(join(root, 'posts/bad-id.md'));
    expect((await runCli(root, ['build'])).code).toBe(0);
    const { json } = await readFeeds(root);
    const byTitle = Object.fromEntries(json.items.map((i) => [i.title, i]));
    expect(byTitle['TOML post']?.date_published).toBe('2024-02-03T03:05:06Z');
    expect(byTitle['TOML post']?.tags).toEqual(['zola', 'hugo']);
    expect(byTitle['TOML post']?.content_html).toContain('<strong>here</strong>');
    expect(byTitle['Local date']?.date_published).toBe('2024-01-31T23:00:00Z'); // midnight in Paris
  });

  it('TOML and JSON syntax errors are reported at their file line and column; unclosed ones at line 1', async () => {
    const root = await makeProject({
      'posts/toml.md': '+++\ntitle = "T"\ndate = = 2024-01-01\n+++\nBody.\n',
      'posts/toml-dup.md': '+++\ntitle = "T"\ntitle = "U"\n+++\nBody.\n',
      'posts/toml-open.md': '+++\ntitle = "T"\n\nBody.\n',
      'posts/json.md': '{\n  "title": "J",\n  "date": \n}\nBody.\n',
      'posts/json-comma.md': '{\n  "title": "J"\n  "date": "2024-01-01"\n}\nBody.\n',
      'posts/json-open.md': '{\n  "title": "J",\n\nBody.\n',
      'posts/json-dup.md': '{\n  "title": "J",\n  "title": "K", "date": "2024-01-01"\n}\nBody.\n',
    });
    const run = await runCli(root, ['check']);
    expect(run.lines).toEqual([
      'posts/json-comma.md:3:3 error invalid JSON in the front matter: "," is expected here (or the closing "}") [json-syntax]',
      'posts/json-dup.md:3:3 error invalid JSON in the front matter: the key "title" appears twice [json-syntax]',
      'posts/json-open.md:1:1 error the JSON front matter opened with "{" on line 1 is never closed: end it with a line "}" (check the quotes and braces) [unclosed-front-matter]',
      'posts/json.md:4:1 error invalid JSON in the front matter: a value is expected here [json-syntax]',
      'posts/toml-dup.md:3:1 error invalid TOML in the front matter: trying to redefine an already defined table or value [toml-syntax]',
      'posts/toml-open.md:1:1 error the TOML front matter opened with "+++" on line 1 is never closed: add a line "+++" after the last TOML line [unclosed-front-matter]',
      'posts/toml.md:3:8 error invalid TOML in the front matter: invalid value [toml-syntax]',
      '✖ 7 errors, 0 warnings in 7 files',
    ]);
  });

  it('JSON front matter (as Hugo reads it) is read, and keys are placed on their lines', async () => {
    const root = await makeProject({
      'posts/json.md': '{\n  "title": "JSON post",\n  "date": "2024-02-03",\n  "tags": ["a"]\n}\n\nThe body {with braces}.\n',
      'posts/bad.md': '{ "title": "Bad",\n  "date": "2024-02-03",\n    "draft": "yes" }\nBody.\n',
    });
    const run = await runCli(root, ['check']);
    expect(run.lines).toEqual([
      'posts/bad.md:3:5 error "draft" must be true or false, found text ("yes") [wrong-type]',
      '✖ 1 error, 0 warnings in 1 file',
    ]);
    await rm(join(root, 'posts/bad.md'));
    expect((await runCli(root, ['build'])).code).toBe(0);
    const [item] = (await readFeeds(root)).json.items;
    expect([item?.title, item?.date_published, item?.tags]).toEqual(['JSON post', '2024-02-03T00:00:00Z', ['a']]);
    expect(item?.content_html?.trim()).toBe('<p>The body {with braces}.</p>');
  });
});

describe('slugs and dates from file names', () => {
  it('names with spaces, &, emoji or NFD accents give slugs the way tags do; safe names are kept as they are', () => {
    expect(fileSlug('My Trip & Co')).toBe('my-trip-co');
    expect(fileSlug('🎉 Party time!')).toBe('party-time');
    expect(fileSlug('🎉')).toBe('tag-1f389');
    expect(fileSlug('Cafe\u0301 Cre\u0300me')).toBe('café-crème');
    // names that were valid slugs before keep their slug (and so their ids)
    for (const name of ['hello', 'Hello-World', 'v1.2', 'café', '日本語', 'a_b~c']) expect(fileSlug(name)).toBe(name.normalize('NFC'));
  });

  it('in a build: the file-name slug is the URL; a Jekyll date prefix is removed as before', async () => {
    const root = await makeProject({
      'posts/My Trip & Co.md': post('Trip'),
      'posts/🎉 Party.markdown': post('Party'),
      ['posts/Cafe\u0301 Cre\u0300me.md']: post('Café'),
      'posts/2024-01-31-hello.md': post('Hello'),
    });
    const run = await runCli(root, ['build']);
    expect([run.code, run.lines]).toEqual([0, []]);
    expect(await urls(root)).toEqual([`${BASE}café-crème/`, `${BASE}hello/`, `${BASE}my-trip-co/`, `${BASE}party/`].map(encodeURI).sort());
  });

  it('a YYYY-MM-DD- file name dates a post whose front matter has no date, in the configured time zone', async () => {
    const root = await makeProject({
      'posts/2024-03-05-jekyll.markdown': '---\ntitle: Jekyll\n---\n\nBody.\n',
      'posts/2024-03-06-trip/index.md': '---\ntitle: Bundle\n---\n\nBody.\n',
      'posts/2020-01-01-dated.md': post('Front matter wins', '2024-03-07T10:00:00Z'),
      'posts/undated.md': '---\ntitle: Undated\n---\n\nBody.\n',
    }, { title: 'T', url: 'https://example.com/blog/', timeZone: 'Europe/Paris' });
    const failed = await runCli(root, ['check']);
    expect(failed.lines).toEqual([
      'posts/undated.md:1:1 error missing "date": add e.g. "date: 2024-01-31" or "date: 2024-01-31T09:00:00+01:00" [missing-date]',
      '✖ 1 error, 0 warnings in 1 file',
    ]);
    // The hint is written in the front matter's own language: TOML (Hugo, Zola) and JSON.
    await writeFile(join(root, 'posts/undated.md'), '+++\ntitle = "Undated"\n+++\n\nBody.\n');
    expect((await runCli(root, ['check'])).lines[0]).toBe(
      'posts/undated.md:1:1 error missing "date": add e.g. "date = 2024-01-31" or "date = 2024-01-31T09:00:00+01:00" [missing-date]');
    await writeFile(join(root, 'posts/undated.md'), '{ "title": "Undated" }\n\nBody.\n');
    expect((await runCli(root, ['check'])).lines[0]).toBe(
      'posts/undated.md:1:1 error missing "date": add e.g. a member "date": "2024-01-31" or "date": "2024-01-31T09:00:00+01:00" [missing-date]');
    // So is missing-title's (and wrong-type's for a title that is not text).
    await writeFile(join(root, 'posts/undated.md'), '+++\ndate = 2024-01-31\n+++\n\nBody.\n');
    expect((await runCli(root, ['check'])).lines[0]).toBe(
      'posts/undated.md:1:1 error missing "title": add a line such as title = "My first post" to the front matter [missing-title]');
    await writeFile(join(root, 'posts/undated.md'), '{ "date": "2024-01-31" }\n\nBody.\n');
    expect((await runCli(root, ['check'])).lines[0]).toBe(
      'posts/undated.md:1:1 error missing "title": add a member such as "title": "My first post" to the front matter [missing-title]');
    await writeFile(join(root, 'posts/undated.md'), '+++\ntitle = ["a", "b"]\ndate = 2024-01-31\n+++\n\nBody.\n');
    expect((await runCli(root, ['check'])).lines[0]).toMatch(/^posts\/undated\.md:2:1 error "title" must be text, found .*; write it as a string, e\.g\. title = "My first post" \[wrong-type\]$/);
    await writeFile(join(root, 'posts/undated.md'), '{ "title": { "en": "A" }, "date": "2024-01-31" }\n\nBody.\n');
    expect((await runCli(root, ['check'])).lines[0]).toMatch(/^posts\/undated\.md:1:\d+ error "title" must be text, found .*; write it as a string, e\.g\. "title": "My first post" \[wrong-type\]$/);
    await writeFile(join(root, 'posts/undated.md'), '{ "title": "Undated" }\n\nBody.\n');
    await rename(join(root, 'posts/undated.md'), join(root, 'posts/2024-02-30-undated.md'));
    expect((await runCli(root, ['check'])).lines[0]).toBe(
      'posts/2024-02-30-undated.md:1:1 error the date in the file name is not a real date: "2024-02-30": day 30 does not exist in 2024-02 (it has 29 days); rename the file or add a "date" [invalid-date]');
    await rm(join(root, 'posts/2024-02-30-undated.md'));
    expect((await runCli(root, ['build'])).code).toBe(0);
    const dates = Object.fromEntries((await readFeeds(root)).json.items.map((i) => [i.title, i.date_published]));
    expect(dates).toEqual({ Jekyll: '2024-03-04T23:00:00Z', Bundle: '2024-03-05T23:00:00Z', 'Front matter wins': '2024-03-07T10:00:00Z' });
  });
});

describe('output path segments stay within file-name limits', () => {
  it('a 300-byte tag and a 230-byte file-name slug fail check and build alike, at their lines, before anything is written', async () => {
    const long = 'é'.repeat(115); // 230 bytes: a legal file name, too long a slug
    const root = await makeProject({
      'posts/tagged.md': post('Tagged', undefined, undefined, `tags: [${'t'.repeat(300)}]\n`),
      [`posts/${long}.md`]: post('Long name'),
    });
    const check = await runCli(root, ['check']);
    const build = await runCli(root, ['build']);
    expect(check.code).toBe(1);
    expect(build.code).toBe(1);
    expect(build.lines).toEqual(check.lines);
    expect(check.lines).toEqual([
      expect.stringMatching(/^posts\/tagged\.md:4:1 error the tag "t{40}…" gives a 300-byte folder name; .* \[tag-too-long\]$/),
      `posts/${long}.md:1:1 error the slug taken from the file name is 230 bytes long; keep it under 201 bytes [invalid-slug]`,
      '✖ 2 errors, 0 warnings in 2 files',
    ]);
    expect(Object.keys(await snapshotTree(root))).not.toContain('dist');
  });
});
