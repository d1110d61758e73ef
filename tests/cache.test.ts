import { isAscii } from 'node:buffer';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { build } from '../src/build.js';
import { DiskCache } from '../src/engine/cache.js';
import { CACHE_DIR, main, type Io } from '../src/cli/cli.js';
import { compiledCli, frozenAtStaging, removeCompiledCli, snapshotTree } from './helpers/cli-project.js';
import { config, SITE, tempProject, tinyName, tinyPost, writeTinyPosts } from './scale-fixtures.js';

afterAll(removeCompiledCli);

function io(cwd: string): Io & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { cwd, env: {}, stdout: (t) => out.push(t), stderr: (t) => err.push(t), now: () => Date.UTC(2030, 0, 1), out, err };
}

/** Every file and folder under `dir`, with file contents: two builds are equal when these are. */
async function tree(dir: string): Promise<Map<string, string>> {
  const all = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    all.set(path.slice(dir.length), entry.isDirectory() ? '<dir>' : await readFile(path, 'utf8'));
  }
  return new Map([...all].sort(([a], [b]) => (a < b ? -1 : 1)));
}

async function setConfig(root: string, extra: Record<string, unknown> = {}): Promise<void> {
  await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'blog', feedwright: { title: 'Cache test', url: SITE, limit: 5, archiveSize: 7, ...extra } }));
}

/** Build with the cache into dist/, then from scratch with --no-cache into clean/; both must be identical. */
async function buildBoth(root: string): Promise<void> {
  const cached = io(root);
  expect(await main(['build'], cached)).toBe(0);
  expect(cached.err.join('')).toBe('');
  await rm(join(root, 'clean'), { recursive: true, force: true });
  expect(await main(['build', '--no-cache', '--out', 'clean'], io(root))).toBe(0);
  expect(await tree(join(root, 'dist'))).toEqual(await tree(join(root, 'clean')));
}

/** How many posts a build with the project's cache has to render (what the CLI would; the cache is not saved). */
async function toRender(root: string, extra: Record<string, unknown> = {}): Promise<number> {
  const result = await build({
    config: config({ title: 'Cache test', limit: 5, archiveSize: 7, ...extra }), root, postsDir: 'posts',
    drafts: false, future: false, now: Date.UTC(2030, 0, 1), cache: DiskCache.open(join(root, CACHE_DIR)),
  });
  return result.stats.rendered;
}

describe('the build cache', () => {
  it('gives output identical to a clean build after editing, renaming and deleting posts and changing the config', async () => {
    const root = await tempProject('cache');
    await setConfig(root);
    await writeTinyPosts(root, 0, 40);
    expect(await toRender(root)).toBe(40);
    await buildBoth(root);

    // Nothing changed: every post comes from the cache.
    expect(await toRender(root)).toBe(0);
    await buildBoth(root);

    // Edit one post's body and another's title.
    await writeFile(join(root, 'posts', tinyName(3)), tinyPost(3, ' Now with a second sentence.'));
    // (Beyond ASCII, and beyond the BMP: the index is stored as ASCII and read back as one-byte text.)
    await writeFile(join(root, 'posts', tinyName(30)), tinyPost(30).replace('title: "Post 30"', 'title: "Post thirty — über ✓ 😀"'));
    expect(await toRender(root)).toBe(2);
    await buildBoth(root);

    // Rename a post (its slug and URL change), delete another, add a new one.
    await rename(join(root, 'posts', tinyName(10)), join(root, 'posts', 'renamed.md'));
    await rm(join(root, 'posts', tinyName(20)));
    await writeFile(join(root, 'posts', tinyName(99)), tinyPost(99));
    expect(await toRender(root)).toBe(2);
    await buildBoth(root);
    await expect(stat(join(root, 'dist', 'posts', 'post-0010'))).rejects.toThrow();
    expect((await stat(join(root, 'dist', 'posts', 'renamed', 'index.html'))).isFile()).toBe(true);

    // 41 posts: 36 archived, so a sixth archive starts and the fifth (same posts) gains a next-archive link.
    await writeFile(join(root, 'posts', tinyName(100)), tinyPost(100));
    expect(await toRender(root)).toBe(1);
    await buildBoth(root);

    // A config change renders everything again.
    await setConfig(root, { title: 'Renamed blog', archiveSize: 4 });
    expect(await toRender(root, { title: 'Renamed blog', archiveSize: 4 })).toBe(41);
    await buildBoth(root);
    const index = await readFile(join(root, CACHE_DIR, 'index.json'));
    expect(isAscii(index)).toBe(true);
    expect(index.toString('latin1')).toContain('Post thirty \\u2014 \\u00fcber \\u2713 \\ud83d\\ude00');
    expect(await toRender(root, { title: 'Renamed blog', archiveSize: 4 })).toBe(0);
    await buildBoth(root);
    expect(await readFile(join(root, 'dist', 'posts', 'post-0030', 'index.html'), 'utf8')).toContain('<h1>Post thirty — über ✓ 😀</h1>');

    // A post with an error: nothing is written, and fixing it gives the clean output again.
    await writeFile(join(root, 'posts', tinyName(5)), '---\ntitle: Broken\n---\nno date\n');
    const broken = io(root);
    expect(await main(['build'], broken)).toBe(1);
    await writeFile(join(root, 'posts', tinyName(5)), tinyPost(5));
    await buildBoth(root);
  });

  it('rewrites only the files whose inputs changed', async () => {
    const root = await tempProject('cache-incremental');
    await setConfig(root);
    await writeTinyPosts(root, 0, 30);
    await buildBoth(root);
    const before = async (path: string): Promise<number> => (await stat(join(root, 'dist', path))).mtimeMs;
    const untouched = ['posts/post-0001/index.html', 'archive/1/rss.xml', 'archive/2/atom.xml'];
    const old = await Promise.all(untouched.map(before));
    const edited = await before('posts/post-0020/index.html');
    const folder = (await stat(join(root, 'dist'))).ino;
    await new Promise((r) => setTimeout(r, 20));
    await writeFile(join(root, 'posts', tinyName(20)), tinyPost(20, ' Edited.'));
    await buildBoth(root);
    expect(await Promise.all(untouched.map(before))).toEqual(old);
    // Swapped in whole like any build (old or new, never a mix); the unchanged files are links to the old ones.
    expect((await stat(join(root, 'dist'))).ino).not.toBe(folder);
    expect(await before('posts/post-0020/index.html')).not.toBe(edited);
  });

  it("rewrites a tag's archive when the body of a post without a summary changes (it carries the HTML there)", async () => {
    const root = await tempProject('cache-no-summary');
    await setConfig(root);
    await writeTinyPosts(root, 0, 30);
    const picture = (url: string): string => tinyPost(8).replace('Body of post 8.', `![A picture](${url})`);
    await writeFile(join(root, 'posts', tinyName(8)), picture('https://images.example.net/one.png'));
    await buildBoth(root);
    await writeFile(join(root, 'posts', tinyName(8)), picture('https://images.example.net/two.png'));
    await buildBoth(root);
    expect(await readFile(join(root, 'dist', 'tags/t2/archive/1/feed.json'), 'utf8')).toContain('two.png');
  });

  it("leaves a tag's archives alone when only a post's body changes (they carry summaries)", async () => {
    const root = await tempProject('cache-tag-archive');
    await setConfig(root);
    await writeTinyPosts(root, 0, 30);
    await buildBoth(root);
    const mtime = async (path: string): Promise<number> => (await stat(join(root, 'dist', path))).mtimeMs;
    // Post 8 (tag t2) is in the main feed's archive 2 (posts 7–13) and in t2's only archive (posts 2–14).
    const tagArchive = ['tags/t2/archive/1/rss.xml', 'tags/t2/archive/1/atom.xml', 'tags/t2/archive/1/feed.json'];
    const old = await Promise.all(tagArchive.map(mtime));
    const mainArchive = await mtime('archive/2/rss.xml');
    await new Promise((r) => setTimeout(r, 20));
    // A second paragraph: the body changes, the summary (the first paragraph) does not.
    await writeFile(join(root, 'posts', tinyName(8)), tinyPost(8, '\n\nA second paragraph.'));
    await buildBoth(root);
    expect(await readFile(join(root, 'dist', 'archive/2/rss.xml'), 'utf8')).toContain('A second paragraph.');
    expect(await mtime('archive/2/rss.xml')).not.toBe(mainArchive);
    expect(await Promise.all(tagArchive.map(mtime))).toEqual(old);
  });

  it('ignores a damaged cache', async () => {
    const root = await tempProject('cache-corrupt');
    await setConfig(root);
    await writeTinyPosts(root, 0, 25);
    await buildBoth(root);
    const cacheDir = join(root, CACHE_DIR);

    // Flip bytes in every pack: a post whose stored HTML fails its checksum (found when a file that shows it is
    // written) makes the build start again without the cache, having put nothing in place.
    const damagePacks = async (): Promise<void> => {
      for (const pack of await readdir(join(cacheDir, 'packs'))) {
        const bytes = await readFile(join(cacheDir, 'packs', pack));
        bytes.fill(0x41, 0, Math.min(bytes.length, 200));
        await writeFile(join(cacheDir, 'packs', pack), bytes);
      }
    };
    await writeFile(join(root, 'posts', tinyName(7)), tinyPost(7, ' Edited.'));
    await damagePacks();
    await rm(join(root, 'dist'), { recursive: true });
    await buildBoth(root);
    // The same with dist/ kept, so the damage is found while updating it in place (post 1's archive shows post 0,
    // first in the pack). The second attempt starts from an empty cache: a fresh index, no journal line.
    const indexId = async (): Promise<string> => (JSON.parse(await readFile(join(cacheDir, 'index.json'), 'utf8')) as { id: string }).id;
    const before = await indexId();
    await writeFile(join(root, 'posts', tinyName(1)), tinyPost(1, ' Edited too.'));
    await damagePacks();
    await buildBoth(root);
    expect(await indexId()).not.toBe(before);
    expect(existsSync(join(cacheDir, 'journal.jsonl'))).toBe(false);

    // Remembered feed item weights that fail their checksum (here every post made to weigh more than an archive
    // holds, which would give each post an archive of its own) are not used: the archives are split as a clean build's.
    const weights = await readFile(join(cacheDir, 'weights.json'), 'latin1');
    const space = weights.indexOf(' ');
    const forged = weights.slice(space + 1).replace(/":\d+/g, '":600000');
    expect(forged).not.toBe(weights.slice(space + 1));
    await writeFile(join(cacheDir, 'weights.json'), `${weights.slice(0, space)} ${forged}`);
    await writeFile(join(root, 'posts', tinyName(2)), tinyPost(2, ' Edited as well.'));
    await buildBoth(root);

    // A truncated index, then a missing pack.
    await writeFile(join(cacheDir, 'index.json'), '{"format": 1, "tool": ');
    await buildBoth(root);
    for (const pack of await readdir(join(cacheDir, 'packs'))) await rm(join(cacheDir, 'packs', pack));
    await writeFile(join(root, 'posts', tinyName(8)), tinyPost(8, ' Edited.'));
    await buildBoth(root);
  });

  it('does not trust an output folder it did not write last', async () => {
    const root = await tempProject('cache-folder');
    await setConfig(root);
    await writeTinyPosts(root, 0, 12);
    await buildBoth(root);
    // dist/ removed, or a page folder removed, or a file added by hand: the next build writes it whole again.
    await rm(join(root, 'dist'), { recursive: true });
    await writeFile(join(root, 'posts', tinyName(2)), tinyPost(2, ' Edited.'));
    await buildBoth(root);
    await rm(join(root, 'dist', 'posts', 'post-0004'), { recursive: true });
    await buildBoth(root);
    // A file added by hand is not feedwright's: the build refuses to replace the folder rather than delete it.
    await writeFile(join(root, 'dist', 'posts', 'stray.html'), 'not ours');
    const refused = io(root);
    expect(await main(['build'], refused)).toBe(2);
    expect(refused.err.join('')).toContain(`${join('dist', 'posts', 'stray.html')} was not written by feedwright`);
    await rm(join(root, 'dist', 'posts', 'stray.html'));
    await buildBoth(root);
    await main(['build', '--no-cache'], io(root));
    await buildBoth(root);
  });

  it('leaves dist/ as it was when an incremental build is killed while writing, and the next build completes it', async () => {
    const bin = await compiledCli();
    const root = await tempProject('cache-kill');
    await setConfig(root);
    await writeTinyPosts(root, 0, 300);
    const build = (): ReturnType<typeof spawn> => spawn(process.execPath, [bin, 'build'], { cwd: root, stdio: 'ignore' });
    expect(await new Promise((done) => build().on('exit', done))).toBe(0);
    const before = await snapshotTree(join(root, 'dist'));
    // Edit every post: the incremental build stages 300 pages and then moves them in.
    for (let i = 0; i < 300; i++) await writeFile(join(root, 'posts', tinyName(i)), tinyPost(i, ' Edited.'));
    const child = build();
    const exited = new Promise<NodeJS.Signals | number | null>((done) => child.on('exit', (code, signal) => done(signal ?? code)));
    const staging = await frozenAtStaging(root, child, exited);
    child.kill('SIGCONT');
    await new Promise<void>((wrote) => {
      const poll = (): void => (existsSync(join(root, staging, 'posts')) ? wrote() : void setTimeout(poll, 2));
      poll();
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(await snapshotTree(join(root, 'dist'))).toEqual(before);
    // The next build clears the leftovers and gives what a clean build gives.
    await buildBoth(root);
    expect((await readdir(root)).filter((name) => name.startsWith('dist.'))).toEqual([]);
  }, 120_000);
});

describe('the cache journal', () => {
  const journalLines = async (cacheDir: string): Promise<string[]> =>
    (await readFile(join(cacheDir, 'journal.jsonl'), 'utf8').catch(() => '')).split('\n').filter(Boolean);

  it('records a small rebuild as one journal line instead of rewriting the index, and reads it back', async () => {
    const root = await tempProject('cache-journal');
    await setConfig(root);
    await writeTinyPosts(root, 0, 40);
    await buildBoth(root);
    // The first rebuild also records the spare output (write.ts keeps the output it replaces for the next build to
    // bring up to date) whole: a big change, which may rewrite the index. From then on each build changes a little.
    await writeFile(join(root, 'posts', tinyName(10)), tinyPost(10, ' Edited first.'));
    await buildBoth(root);
    const cacheDir = join(root, CACHE_DIR);
    const index = await readFile(join(cacheDir, 'index.json'), 'utf8');
    const before = (await journalLines(cacheDir)).length;

    await writeFile(join(root, 'posts', tinyName(11)), tinyPost(11, ' Edited once.'));
    await buildBoth(root);
    await writeFile(join(root, 'posts', tinyName(12)), tinyPost(12, ' Edited too.'));
    await rm(join(root, 'posts', tinyName(30)));
    await buildBoth(root);
    expect((await readFile(join(cacheDir, 'index.json'), 'utf8')) === index).toBe(true); // not rewritten
    const lines = (await journalLines(cacheDir)).slice(before);
    expect(lines).toHaveLength(2);
    // Each line holds what changed, not the whole index.
    // (A line also carries the new mtime of each output folder the build changed, in the output and in the spare.)
    for (const line of lines) expect(line.length).toBeLessThan(index.length / 3);
    const second = JSON.parse(lines[1]?.slice(lines[1].indexOf(' ') + 1) ?? '') as { seq: number; entries: { drop: string[] } };
    expect(second.seq).toBe(before + 1);
    expect(second.entries.drop.length).toBeGreaterThan(0); // the deleted post's entry (and the edited one's old one)

    // The journal is read back: nothing is rendered again but the edited post.
    await writeFile(join(root, 'posts', tinyName(13)), tinyPost(13, ' Edited as well.'));
    expect(await toRender(root)).toBe(1);
  });

  it('ends the journal at a damaged, torn or out-of-turn line, and the output stays right', async () => {
    const root = await tempProject('cache-journal-damage');
    await setConfig(root);
    await writeTinyPosts(root, 0, 40);
    await buildBoth(root);
    const cacheDir = join(root, CACHE_DIR);
    await writeFile(join(root, 'posts', tinyName(5)), tinyPost(5, ' Edited.'));
    await buildBoth(root);
    const [good] = await journalLines(cacheDir);
    if (good === undefined) throw new Error('no journal line');

    // A flipped byte fails the checksum; the posts it recorded are rendered again, and the output is the same.
    await writeFile(join(cacheDir, 'journal.jsonl'), `${good.replace('Edited', 'Edixed')}\n`);
    expect(await toRender(root)).toBeGreaterThan(0);
    await buildBoth(root);
    // The damaged journal was folded into a fresh index.
    expect(await journalLines(cacheDir)).toEqual([]);

    // A torn append (a build killed while saving), and a line saved by a build that read an older journal.
    await writeFile(join(root, 'posts', tinyName(6)), tinyPost(6, ' Edited.'));
    await buildBoth(root);
    const [line] = await journalLines(cacheDir);
    if (line === undefined) throw new Error('no journal line');
    await writeFile(join(cacheDir, 'journal.jsonl'), `${line}\n${line.slice(0, 40)}`);
    await buildBoth(root);
    await writeFile(join(cacheDir, 'journal.jsonl'), `${line}\n${line}\n`);
    await writeFile(join(root, 'posts', tinyName(7)), tinyPost(7, ' Edited.'));
    await buildBoth(root);
  });
});

describe('front-matter positions from the cache', () => {
  it('point a site-level message (tag-variant) at the same line and column as a build without the cache', async () => {
    const root = await tempProject('cache-positions');
    await setConfig(root);
    await writeTinyPosts(root, 0, 6); // "t0" twice, so it is the spelling that wins
    await writeFile(join(root, 'posts', 'variant.md'), '---\ntitle: "Variant"\n# a comment line\ndate: 2020-02-01T00:00:00Z\n\n  # and another\ntags:   [T0]\n---\n\nBody.\n');
    const warnings = async (args: string[]): Promise<string> => {
      const run = io(root);
      expect(await main(args, run)).toBe(0);
      return run.err.join('');
    };
    const clean = await warnings(['build', '--no-cache']);
    expect(clean).toContain('posts/variant.md:7:1');
    expect(clean).toContain('[tag-variant]');
    await warnings(['build']); // fills the cache
    // Aged past the racy window is not needed: an unchanged file is found by its content.
    expect(await toRender(root)).toBe(0);
    expect(await warnings(['build'])).toBe(clean);
  });
});

describe("a tag's list pages", () => {
  it("rewrite every page of a tag when its shown spelling changes, even a page none of whose posts changed", async () => {
    const root = await tempProject('cache-tag-spelling');
    await setConfig(root);
    // 101 posts of one tag: page 2 of its list holds only the oldest. 61 write it "Film", 40 "film".
    const spelled = (i: number, tag: string): string => tinyPost(i).replace(/tags: \[t\d\]/, `tags: [${tag}]`);
    await Promise.all(Array.from({ length: 101 }, (_, i) => writeFile(join(root, 'posts', tinyName(i)), spelled(i, i <= 60 ? 'Film' : 'film'))));
    const both = async (): Promise<void> => {
      expect(await main(['build'], io(root))).toBe(0);
      await rm(join(root, 'clean'), { recursive: true, force: true });
      expect(await main(['build', '--no-cache', '--out', 'clean'], io(root))).toBe(0);
      expect(await tree(join(root, 'dist'))).toEqual(await tree(join(root, 'clean')));
    };
    await both();
    expect(await readFile(join(root, 'dist', 'tags/film/page/2/index.html'), 'utf8')).toContain('Posts tagged “Film”');
    // 30 posts of page 1 change their spelling: "film" is now the most used, on both pages.
    for (let i = 1; i <= 30; i++) await writeFile(join(root, 'posts', tinyName(i)), spelled(i, 'film'));
    await both();
    expect(await readFile(join(root, 'dist', 'tags/film/page/2/index.html'), 'utf8')).toContain('Posts tagged “film”');
  });
});

describe('a post rewritten in place with its old modification time', () => {
  it('is read again (its change time moved), not taken from the cache by its size, mtime and inode', async () => {
    const root = await tempProject('cache-ctime');
    await setConfig(root);
    await writeTinyPosts(root, 0, 3);
    const file = join(root, 'posts', tinyName(1));
    await writeFile(file, tinyPost(1, ' Hello teh world.'));
    const old = new Date(Date.UTC(2024, 0, 1));
    await utimes(file, old, old);
    // The files were written a moment ago: seen from 10 s later, their stamps are old enough to be trusted.
    const now = Date.now;
    const later = vi.spyOn(Date, 'now').mockImplementation(() => now() + 10_000);
    try {
      await buildBoth(root);
      const inode = (await stat(file)).ino;
      // A same-size fix written into the same file, its old mtime put back (`cp -p`, `touch -r`, `rsync --inplace -t`).
      await writeFile(file, tinyPost(1, ' Hello the world.'));
      await utimes(file, old, old);
      expect((await stat(file)).ino).toBe(inode);
      await buildBoth(root);
      expect(await readFile(join(root, 'dist', 'posts', 'post-0001', 'index.html'), 'utf8')).toContain('Hello the world.');
    } finally {
      later.mockRestore();
    }
  });
});

describe('a cache made under another runtime', () => {
  it("is not used when Node's time-zone data differs (dates without an offset are read with it)", async () => {
    const bin = await compiledCli();
    const root = await tempProject('cache-runtime');
    await setConfig(root);
    await writeTinyPosts(root, 0, 3);
    const old = new Date(Date.UTC(2024, 0, 1));
    for (const file of ['package.json', ...(await readdir(join(root, 'posts'))).map((f) => join('posts', f))]) await utimes(join(root, file), old, old);
    // The same Node with other time-zone data, as after a Node upgrade or a new system tzdata.
    const preload = join(root, 'other-tzdata.cjs');
    await writeFile(preload, 'Object.defineProperty(process, "versions", { value: { ...process.versions, tz: "1999z" } });\n');
    const run = (pre: string[]): Promise<number | null> => new Promise((done) => spawn(process.execPath, [...pre, bin, 'build'], { cwd: root, stdio: 'ignore' }).on('exit', done));
    const page = join(root, 'dist', 'posts', 'post-0001', 'index.html');
    expect(await run([])).toBe(0);
    expect(await run([])).toBe(0);
    const before = (await stat(page)).ino;
    expect(await run([])).toBe(0);
    expect((await stat(page)).ino, 'nothing changed: the page is left alone').toBe(before);
    expect(await run(['--require', preload])).toBe(0);
    // Every output was made again: none was taken from the cache the other data made.
    expect((await stat(page)).ino).not.toBe(before);
    expect(await readFile(join(root, CACHE_DIR, 'index.json'), 'latin1')).toContain('tz@1999z');
  });
});
