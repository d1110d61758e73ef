import { appendFile, cp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject, removeProjects, runCli, snapshotTree, type Run } from './helpers/cli-project.js';
import { CACHE_DIR } from '../src/cli/cli.js';

/**
 * The patch of a build (cli/patch.ts): after an edit of posts' bodies, a build remakes only what carries them, from
 * the plan the last build kept (engine/plan.ts). Every build here is compared with a clean build of the same
 * sources, byte for byte; FEEDWRIGHT_DEBUG=1 says whether a build was patched, and if not why.
 */

afterAll(async () => {
  await removeProjects();
});

const DEBUG = { FEEDWRIGHT_DEBUG: '1' };
const CONFIG = {
  title: 'Patch test', url: 'https://example.com/blog/', description: 'Patched.', timeZone: 'UTC', author: { name: 'Pat' },
  limit: 3, archiveSize: 3,
};

/** Post `i`: dated `i` days into 2024, two tags of three, a summary of its own on every third post. */
function text(i: number, body: string, title = `Post ${i}`): string {
  const summary = i % 3 === 0 ? `summary: "Post ${i} in short."\n` : '';
  return `---\ntitle: ${JSON.stringify(title)}\ndate: 2024-01-${String(i + 1).padStart(2, '0')}T09:00:00Z\ntags: [t${i % 3}, all]\n${summary}---\n\nThe first paragraph of post ${i}.\n\n${body}\n`;
}

const POSTS = 12;

async function blog(): Promise<string> {
  const files: Record<string, string | Uint8Array> = {};
  for (let i = 0; i < POSTS; i++) files[`posts/post-${i}.md`] = text(i, `Body of post ${i}.`);
  files['posts/linking.md'] = text(20, 'See [post 1](post-1.md).', 'Linking');
  files['posts/trip/index.md'] = text(21, '![A view](view.txt)', 'Trip');
  files['posts/trip/view.txt'] = 'not an image, a text file';
  files['static/robots-extra.txt'] = 'extra';
  const root = await makeProject(files, { ...CONFIG, allowAnyBundleFile: true });
  await age(root, Object.keys(files), 0);
  return root;
}

/** Date files (relative to root) `ago` + `step` seconds back from 2025-01-01: stamps a build trusts. */
async function age(root: string, paths: readonly string[], step: number): Promise<void> {
  const then = new Date(Date.UTC(2025, 0, 1) + step * 1000);
  for (const path of paths) await utimes(join(root, path), then, then);
}

async function build(root: string, args: readonly string[] = []): Promise<Run> {
  return runCli(root, ['build', ...args], DEBUG);
}

/** Whether the run was patched, or why not. */
function patched(run: Run): string {
  return /feedwright: patched: (\d+) posts? rendered/.exec(run.stderr)?.[0].replace('feedwright: ', '')
    ?? /feedwright: not patched: (.*)/.exec(run.stderr)?.[1] ?? 'neither';
}

/** The run's messages without the debug note and the timing, as a clean build's are printed. */
function said(run: Run): [number, string, string] {
  return [run.code, run.stdout.replace(/in \d+ ms/, 'in N ms'), run.stderr.replace(/^feedwright: (not )?patched.*\n/m, '')];
}

/** dist/ of `root` must be what a clean build of a copy of its sources writes, and the build must say what it says. */
async function expectClean(root: string, run: Run, where: string): Promise<void> {
  const copy = await makeProject({});
  await rm(join(copy, 'posts'), { recursive: true });
  for (const part of ['package.json', 'posts', 'static']) await cp(join(root, part), join(copy, part), { recursive: true });
  const clean = await runCli(copy, ['build', '--no-cache']);
  expect(said(run), where).toEqual(said(clean));
  expect(await snapshotTree(join(root, 'dist')), where).toEqual(await snapshotTree(join(copy, 'dist')));
}

describe('a build after an edit of posts\' bodies', () => {
  it('is patched: the edited post is rendered again, its page and feed documents remade, and the output is a clean build\'s', async () => {
    const root = await blog();
    expect((await build(root)).code).toBe(0);
    const before = await snapshotTree(join(root, 'dist'));
    // Post 4 is in an archive of the main feed, and in the subscription document of its tag t1 (full text); the tag
    // "all" has it in an archive of summaries, which does not change.
    await appendFile(join(root, 'posts/post-4.md'), '\nA new paragraph, with **bold** text.\n');
    await age(root, ['posts/post-4.md'], 10);
    const run = await build(root);
    expect(patched(run)).toBe('patched: 1 post rendered');
    await expectClean(root, run, 'after the edit');
    const after = await snapshotTree(join(root, 'dist'));
    const changed = Object.keys(after).filter((path) => after[path] !== before[path]).sort();
    expect(changed.filter((p) => !p.endsWith('.xml') && !p.endsWith('.json'))).toEqual(['posts/post-4/index.html']);
    expect(changed.some((p) => /^archive\/\d+\/rss\.xml$/.test(p))).toBe(true);
    expect(changed.filter((p) => p.startsWith('tags/'))).toEqual(['tags/t1/atom.xml', 'tags/t1/feed.json', 'tags/t1/rss.xml']);
    // and the build after it has nothing to do
    expect(patched(await build(root))).toBe('neither');
  });

  it('is patched again and again, and after an edit made a moment before the build (its stamp not yet trusted)', async () => {
    const root = await blog();
    expect((await build(root)).code).toBe(0);
    for (let k = 0; k < 3; k++) {
      await appendFile(join(root, `posts/post-${k + 6}.md`), `\nEdit ${k}.\n`); // (now: too new to trust its stamp)
      const run = await build(root);
      expect(patched(run), `edit ${k}`).toBe('patched: 1 post rendered');
      await expectClean(root, run, `edit ${k}`);
    }
    // The post last edited is read again (its stamp was not trusted): the same bytes, nothing rendered.
    const again = await build(root);
    expect(patched(again)).toBe('patched: 0 posts rendered');
    await expectClean(root, again, 'again');
  });

  it('builds in full what a patch cannot vouch for, and the output is still a clean build\'s', async () => {
    const root = await blog();
    expect((await build(root)).code).toBe(0);
    // Each edit, and the file it writes.
    const cases: [string, () => Promise<string>, RegExp][] = [
      ['a title', () => write('posts/post-2.md', text(2, 'Body of post 2.', 'Retitled')), /post-2\.md: fields other than the body changed/],
      ['a summary taken from the first paragraph', async () => {
        const now = await readFile(join(root, 'posts/post-5.md'), 'utf8');
        return write('posts/post-5.md', now.replace('The first paragraph', 'Another first paragraph'));
      }, /post-5\.md: fields other than the body changed/],
      ['a broken link added', () => add('posts/post-7.md', '[Gone](https://example.com/blog/nowhere/)'), /post-7\.md: its broken links changed/],
      ['a post linking another post\'s file', () => add('posts/linking.md', 'More.'), /linking\.md links another post's file/],
      ['a new post', () => write('posts/post-new.md', text(25, 'New.')), /files were added, removed or renamed/],
      ['a static file', () => write('static/robots-extra.txt', 'changed'), /a file that is not a post changed/],
      ['a bundle file', () => write('posts/trip/view.txt', 'another text'), /a file that is not a post changed/],
    ];
    const write = async (path: string, contents: string): Promise<string> => {
      await writeFile(join(root, path), contents);
      return path;
    };
    const add = async (path: string, paragraph: string): Promise<string> => {
      await appendFile(join(root, path), `\n${paragraph}\n`);
      return path;
    };
    for (const [k, [what, edit, why]] of cases.entries()) {
      await age(root, [await edit()], 100 + k);
      const run = await build(root);
      expect(patched(run), what).toMatch(why);
      await expectClean(root, run, what);
      // and a body edit right after it is patched (the full build kept a new plan)
      await appendFile(join(root, 'posts/post-8.md'), `\nAfter ${what}.\n`);
      await age(root, ['posts/post-8.md'], 200 + k);
      const next = await build(root);
      expect(patched(next), `after ${what}`).toBe('patched: 1 post rendered');
      await expectClean(root, next, `after ${what}`);
    }
  });

  it('builds in full when an edit moves where an archive closes at its byte budget', async () => {
    const root = await blog();
    // Two big posts in one archive (the oldest three posts): together just under the 512 KiB budget.
    const big = (n: number): string => Array.from({ length: n }, (_, k) => `Paragraph ${k} of a long essay, padded out to a kilobyte or so. ${'word '.repeat(180)}`).join('\n\n');
    await writeFile(join(root, 'posts/post-0.md'), text(0, big(250)));
    await writeFile(join(root, 'posts/post-1.md'), text(1, big(250)));
    await age(root, ['posts/post-0.md', 'posts/post-1.md'], 10);
    expect((await build(root)).code).toBe(0);
    await appendFile(join(root, 'posts/post-1.md'), `\n${big(200)}\n`);
    await age(root, ['posts/post-1.md'], 20);
    const run = await build(root);
    expect(patched(run)).toBe('an archive would be split differently');
    await expectClean(root, run, 'the split moved');
  });

  it('builds in full when its plan or records are damaged, or the output was changed by hand', async () => {
    const root = await blog();
    expect((await build(root)).code).toBe(0);
    const cache = join(root, CACHE_DIR);
    const records = (await readdir(cache)).find((f) => f.endsWith('.records')) as string;
    await writeFile(join(cache, records), 'damaged');
    await appendFile(join(root, 'posts/post-4.md'), '\nEdited.\n');
    await age(root, ['posts/post-4.md'], 10);
    const run = await build(root);
    expect(patched(run)).toMatch(/the record of a post of a feed document cannot be read/);
    await expectClean(root, run, 'damaged records');

    // The rows file (each post's and document's row, read when asked for): damaged, the build is a full one.
    const rows = (await readdir(cache)).find((f) => f.endsWith('.rows')) as string;
    await writeFile(join(cache, rows), 'damaged');
    await appendFile(join(root, 'posts/post-4.md'), '\nEdited, rows damaged.\n');
    await age(root, ['posts/post-4.md'], 15);
    const damagedRows = await build(root);
    expect(patched(damagedRows)).toMatch(/the plan's row of .*post-4\.md cannot be read/);
    await expectClean(root, damagedRows, 'damaged rows');

    // A row that parses but is of the wrong shape (its feed documents a number): the build is a full one.
    const plan = JSON.parse(await readFile(join(cache, 'plan.json'), 'utf8')) as { rows: string; abs: string[]; at: number[] };
    const row = plan.abs.findIndex((abs) => abs.endsWith('post-4.md'));
    const [offset, length] = [plan.at[2 * row] as number, plan.at[2 * row + 1] as number];
    const rowsFile = join(cache, plan.rows);
    const bytes = await readFile(rowsFile);
    Buffer.from(JSON.stringify(['posts/post-4.md', 'post-4', 0, 0, 0, 0, 'meta', 0, 0, 1, 7, 0]).padEnd(length)).copy(bytes, offset);
    await writeFile(rowsFile, bytes);
    await appendFile(join(root, 'posts/post-4.md'), '\nEdited, a row misshapen.\n');
    await age(root, ['posts/post-4.md'], 17);
    const misshapen = await build(root);
    expect(patched(misshapen)).toMatch(/^the patch failed: .*not iterable/);
    await expectClean(root, misshapen, 'a misshapen row');

    // A plan naming files outside the cache folder is not read (a patch appends to its records file).
    const named = JSON.parse(await readFile(join(cache, 'plan.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(cache, 'plan.json'), JSON.stringify({ ...named, records: '../../outside.records' }));
    await appendFile(join(root, 'posts/post-4.md'), '\nEdited, a plan pointing outside.\n');
    await age(root, ['posts/post-4.md'], 18);
    const outside = await build(root);
    expect(patched(outside)).toBe('no plan of the last build');
    await expectClean(root, outside, 'a plan pointing outside');
    expect((await readdir(root, { recursive: true })).filter((f) => f.includes('outside'))).toEqual([]);

    await writeFile(join(cache, 'plan.json'), '{"plan": 1, "posts": "no"}');
    await appendFile(join(root, 'posts/post-4.md'), '\nEdited again.\n');
    await age(root, ['posts/post-4.md'], 20);
    const second = await build(root);
    expect(patched(second)).toBe('no plan of the last build');
    await expectClean(root, second, 'damaged plan');

    // A page deleted by hand: the folder that held it changed, so the build is a full one, which puts it back.
    await rm(join(root, 'dist/posts/post-2/index.html'));
    await appendFile(join(root, 'posts/post-4.md'), '\nOnce more.\n');
    await age(root, ['posts/post-4.md'], 25);
    const restored = await build(root);
    expect(patched(restored)).toBe('the output folder changed since the last build');
    await expectClean(root, restored, 'a page deleted by hand');

    await writeFile(join(root, 'dist/posts/mine.html'), 'my own file');
    await appendFile(join(root, 'posts/post-4.md'), '\nAnd again.\n');
    await age(root, ['posts/post-4.md'], 30);
    const refused = await build(root);
    expect(patched(refused)).toBe('the output folder changed since the last build');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/dist\/posts\/mine\.html was not written by feedwright/);
  });

  it('is not taken with --strict when the last build had warnings (it would fail and write nothing)', async () => {
    const root = await blog();
    await appendFile(join(root, 'posts/post-3.md'), '\n[Gone](https://example.com/blog/nowhere/)\n');
    await age(root, ['posts/post-3.md'], 5);
    expect((await build(root)).code).toBe(0);
    const before = await snapshotTree(join(root, 'dist'));
    await appendFile(join(root, 'posts/post-4.md'), '\nEdited.\n');
    await age(root, ['posts/post-4.md'], 10);
    const run = await build(root, ['--strict']);
    expect(patched(run)).toBe('--strict, and the last build had problems');
    expect(run.code).toBe(1);
    expect(await snapshotTree(join(root, 'dist'))).toEqual(before);
  });

  it('gives a clean build\'s output after any sequence of body edits, other edits and touches', async () => {
    const edit = fc.oneof(
      fc.record({ kind: fc.constant('body' as const), post: fc.integer({ min: 0, max: POSTS - 1 }), text: fc.constantFrom('More text.', 'A [link](https://example.net/).', '```js\ncode()\n```', '> A quote.', 'Ünïcödé ✓ text.') }),
      fc.record({ kind: fc.constant('title' as const), post: fc.integer({ min: 0, max: POSTS - 1 }) }),
      fc.record({ kind: fc.constant('touch' as const), post: fc.integer({ min: 0, max: POSTS - 1 }) }),
    );
    let patches = 0;
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(edit, fc.boolean()), { minLength: 1, maxLength: 5 }), async (edits) => {
      const root = await blog();
      expect((await build(root)).code).toBe(0);
      const log: string[] = [];
      for (const [k, [e, racy]] of edits.entries()) {
        const path = `posts/post-${e.post}.md`;
        if (e.kind === 'body') await appendFile(join(root, path), `\n${e.text}\n`);
        if (e.kind === 'title') await writeFile(join(root, path), text(e.post, `Body of post ${e.post}.`, `Retitled ${k}`));
        if (!racy || e.kind === 'touch') await age(root, [path], 10 + k);
        log.push(`${e.kind} ${path}${racy ? ' (just now)' : ''}`);
        const run = await build(root);
        if (patched(run).startsWith('patched')) patches++;
        await expectClean(root, run, log.join('; '));
      }
      await rm(root, { recursive: true, force: true });
    }), { numRuns: 8 });
    expect(patches).toBeGreaterThan(0);
  });
});
