import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, open, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { resolveConfig, SITE_NAMES } from '../src/config/config.js';
import { compiledCli } from './helpers/cli-project.js';
import { makeProject, packageJson, png, post, run } from './helpers/project.js';
import './fast-check-seed.js';

/**
 * `check` promises to fail exactly where `build` would: every problem `build` could trip on while writing (two
 * outputs at one path, a name the writer refuses, a bundle file it cannot read or hold) is found in the stage
 * both share, with the file (and line) to fix.
 */

const exec = promisify(execFile);
const made: string[] = [];
afterAll(() => Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true }))));

/** The diagnostic lines (not the summary) of a run. */
const lines = (stderr: string): string[] => stderr.split('\n').filter((l) => / (error|warning) /.test(l));

/** Run `check`, then `build`; both must report the same and agree on success. */
async function agree(dir: string): Promise<{ code: number; lines: string[] }> {
  const checked = await run(dir, ['check']);
  const built = await run(dir, ['build']);
  expect(built.io.stderrText).not.toContain('a bug in feedwright');
  expect(lines(built.io.stderrText)).toEqual(lines(checked.io.stderrText));
  expect(built.code).toBe(checked.code);
  return { code: built.code, lines: lines(built.io.stderrText) };
}

describe('feed file names that the site itself uses', () => {
  it.each(['index.html', 'copy.js', 'posts', 'tags', 'style.css', '404.html', 'sitemap.xml', 'sitemap-2.xml', 'Index.HTML'])(
    '"output": {"rss": "%s"} is a config-output error at its line, in check as in build', async (name) => {
      const dir = await makeProject({ 'posts/a.md': post({ title: 'A', date: '2024-01-01', tags: '[x]' }) });
      await writeFile(join(dir, 'package.json'), packageJson({ title: 'T', url: 'https://example.org/', output: { rss: name } }));
      const result = await agree(dir);
      expect(result.code).toBe(1);
      expect(result.lines).toHaveLength(1);
      expect(result.lines[0]).toMatch(new RegExp(`^package\\.json:\\d+:\\d+ error output "rss" cannot be "${name.replace('.', '\\.')}": the site itself has .* \\[config-output\\]$`));
    });

  it('outputs that differ only in letter case are one file on macOS and Windows', async () => {
    const dir = await makeProject({ 'posts/a.md': post({ title: 'A', date: '2024-01-01' }) });
    await writeFile(join(dir, 'package.json'), packageJson({ title: 'T', url: 'https://example.org/', output: { rss: 'Feed.xml', atom: 'feed.XML' } }));
    expect((await agree(dir)).lines).toEqual([expect.stringMatching(/different file names \(letter case does not count\) \[config-output\]$/)]);
  });

  it('the reserved names are every name the site writes at the top of the output folder', async () => {
    const root = await mkdtemp(join(tmpdir(), 'feedwright-names-'));
    made.push(root);
    await mkdir(join(root, 'posts'));
    // Enough posts for a second list page, archives and a tag: every kind of top-level output.
    for (let i = 0; i < 105; i++) await writeFile(join(root, 'posts', `p${i}.md`), post({ title: `P${i}`, date: '2024-01-01', tags: '[t]' }));
    const config = resolveConfig({ file: 'c', text: '{}', data: { url: 'https://example.org/', archiveSize: 10 }, keyPath: [] }).config;
    if (!config) throw new Error('config');
    const result = await build({ config, root, postsDir: 'posts', drafts: false, future: false, now: Date.UTC(2030, 0, 1) });
    const top = new Set(result.files.map((f) => f.path.split('/')[0] ?? ''));
    const feeds = new Set(Object.values(config.output));
    const unreserved = [...top].filter((name) => !feeds.has(name) && !SITE_NAMES.includes(name) && !/^sitemap-\d+\.xml$/.test(name));
    expect(unreserved).toEqual([]);
    expect(top).toContain('page');
    expect(top).toContain('archive');
  });
});

describe('bundle files the writer would trip on', () => {
  it('two posts whose names differ only in Unicode form are an error at the file, even with slugs of their own', async () => {
    const dir = await makeProject({
      'posts/caf\u00e9/index.md': post({ title: 'A', date: '2024-01-01', slug: 'a' }),
      'posts/caf\u00e9/a.png': png(1, 1),
      'posts/cafe\u0301/index.md': post({ title: 'B', date: '2024-01-01', slug: 'b' }),
      'posts/cafe\u0301/b.png': png(1, 1),
      'posts/caf\u00e9.md': post({ title: 'C', date: '2024-01-01', slug: 'c' }),
      'posts/cafe\u0301.md': post({ title: 'D', date: '2024-01-01', slug: 'd' }),
    });
    const result = await agree(dir);
    expect(result.code).toBe(1);
    expect(result.lines.map((l) => l.replace(/ error .* \[/, ' ['))).toEqual([
      'posts/café.md [duplicate-file-name]', 'posts/café.md [duplicate-file-name]',
      'posts/café/index.md [duplicate-file-name]', 'posts/café/index.md [duplicate-file-name]',
    ]);
  });

  it('a backslash in a bundle file name is an error at the file', async () => {
    const dir = await makeProject({ 'posts/b/index.md': post({ title: 'B', date: '2024-01-01' }), 'posts/b/a\\b.png': png(1, 1) });
    const result = await agree(dir);
    expect(result.code).toBe(1);
    expect(result.lines).toEqual([expect.stringMatching(/^posts\/b\/a\\b\.png error this bundle file name has a backslash.* \[invalid-file-name\]$/)]);
  });

  it('two bundle files whose names are one in NFC are an error at the file', async () => {
    const dir = await makeProject({
      'posts/b/index.md': post({ title: 'B', date: '2024-01-01' }),
      'posts/b/caf\u00e9.png': png(1, 1),
      'posts/b/cafe\u0301.png': png(2, 2),
    });
    const result = await agree(dir);
    expect(result.code).toBe(1);
    expect(result.lines).toEqual([expect.stringMatching(/^posts\/b\/café\.png error two files in the post bundle have this name.* \[asset-conflict\]$/)]);
  });

  it('a bundle file that cannot be read is an error at the file, in check as in build', async (ctx) => {
    const dir = await makeProject({ 'posts/b/index.md': post({ title: 'B', date: '2024-01-01' }), 'posts/b/locked.png': png(1, 1) });
    await chmod(join(dir, 'posts/b/locked.png'), 0o000);
    if (process.getuid?.() !== 0) {
      const result = await agree(dir);
      expect(result.lines).toEqual([expect.stringMatching(/^posts\/b\/locked\.png error the bundle file locked\.png of posts\/b\/index\.md cannot be read: EACCES.* \[asset-unreadable\]$/)]);
      return;
    }
    // Permissions do not stop root: run the shipped CLI as an unprivileged user instead.
    await chmod(dir, 0o777);
    for (const sub of ['posts', 'posts/b']) await chmod(join(dir, sub), 0o755);
    const cli = await compiledCli();
    // A fresh compile lands in a private temp folder (tests/.artifacts/cli-…/dist-cli/cli/bin.js): let that user read it.
    if (cli.includes('.artifacts')) await chmod(dirname(dirname(dirname(cli))), 0o755);
    const runAs = async (command: string): Promise<{ code: number; stderr: string }> => {
      try {
        const { stderr } = await exec(process.execPath, [cli, command], { cwd: dir, uid: 65534, gid: 65534, env: { PATH: process.env.PATH ?? '' } });
        return { code: 0, stderr };
      } catch (error) {
        const failed = error as { code: number; stderr: string };
        return { code: failed.code, stderr: failed.stderr };
      }
    };
    // That user must be able to reach the CLI and its node_modules: not so in a checkout inside a private folder
    // (a home folder of mode 0700, say), where there is nothing this test can show.
    const reachable = await exec(process.execPath, [cli, '--version'], { cwd: dir, uid: 65534, gid: 65534, env: { PATH: process.env.PATH ?? '' } })
      .then(() => true, () => false);
    if (!reachable) {
      console.warn(`skipped: an unprivileged user cannot run ${cli} (is the checkout inside a private folder?)`);
      ctx.skip();
    }
    const checked = await runAs('check');
    const built = await runAs('build');
    expect(built.stderr).not.toContain('a bug in feedwright');
    expect([checked.code, built.code]).toEqual([1, 1]);
    expect(lines(built.stderr)).toEqual(lines(checked.stderr));
    expect(lines(built.stderr)).toEqual([expect.stringMatching(/^posts\/b\/locked\.png error the bundle file locked\.png of posts\/b\/index\.md cannot be read: EACCES.* \[asset-unreadable\]$/)]);
  }, 60_000);

  it('a bundle file over 2 GiB is never read: check passes, and the build copies it by path', async () => {
    const dir = await makeProject({ 'posts/b/index.md': post({ title: 'B', date: '2024-01-01' }) });
    const file = await open(join(dir, 'posts/b/film.mp4'), 'w');
    await file.truncate(3 * 1024 ** 3); // sparse: no disk used
    await file.close();
    const checked = await run(dir, ['check']);
    expect([checked.code, checked.io.stderrText]).toEqual([0, '']);
    const config = resolveConfig({ file: 'c', text: '{}', data: { url: 'https://example.org/' }, keyPath: [] }).config;
    if (!config) throw new Error('config');
    const result = await build({ config, root: dir, postsDir: 'posts', drafts: false, future: false, now: Date.UTC(2030, 0, 1) });
    expect(result.files.find((f) => f.path === 'posts/b/film.mp4')?.copyOf).toBe(join(dir, 'posts/b/film.mp4'));
  });
});

describe('property: check and build agree on any posts folder', () => {
  // Names chosen to collide: Unicode twins, letter case, backslashes, dots, names the site uses.
  const name = fc.constantFrom('a', 'A', 'caf\u00e9', 'cafe\u0301', 'x\\y', '.hidden', 'index', 'posts', 'tags', 'b c', '2024-01-01-d');
  const asset = fc.tuple(
    fc.constantFrom('pic.png', 'Pic.PNG', 'caf\u00e9.png', 'cafe\u0301.png', 'a\\b.png', 'index.html', 'x.js', 'x.svg', 'notes.txt', 'sub/pic.png', '.junk'),
    fc.constantFrom('plain', 'script-svg', 'locked'),
  );
  const entry = fc.record({
    name,
    bundle: fc.boolean(),
    slug: fc.option(fc.constantFrom('a', 'A', 'same', 'caf\u00e9', 'cafe\u0301', 'x\\y', 'index.html'), { nil: undefined }),
    tags: fc.array(fc.constantFrom('t', 'T', 'c++', 'c#', 'page', 'posts'), { maxLength: 3 }),
    assets: fc.array(asset, { maxLength: 3 }),
  });
  const site = fc.record({
    posts: fc.uniqueArray(entry, { minLength: 1, maxLength: 4, selector: (e) => `${e.name}${e.bundle}` }),
    rss: fc.constantFrom('rss.xml', 'index.html', 'posts', 'tags', 'RSS.XML', 'feed.json'),
  });

  it('holds for generated sites', async () => {
    const base = await mkdtemp(join(tmpdir(), 'feedwright-agree-'));
    made.push(base);
    let n = 0;
    await fc.assert(fc.asyncProperty(site, async ({ posts, rss }) => {
      const root = join(base, String(n++));
      await mkdir(join(root, 'posts'), { recursive: true });
      await writeFile(join(root, 'package.json'), packageJson({ title: 'T', url: 'https://example.org/', output: { rss } }));
      for (const p of posts) {
        const front: Record<string, string> = { title: 'P', date: '2024-01-01', ...(p.tags.length > 0 && { tags: `[${p.tags.map((t) => JSON.stringify(t)).join(', ')}]` }) };
        if (p.slug !== undefined) front.slug = JSON.stringify(p.slug);
        const text = post(front);
        if (!p.bundle) {
          await writeFile(join(root, 'posts', `${p.name}.md`), text);
          continue;
        }
        const dir = join(root, 'posts', p.name);
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, 'index.md'), text);
        for (const [file, kind] of p.assets) {
          await mkdir(join(dir, file, '..'), { recursive: true });
          await writeFile(join(dir, file), kind === 'script-svg' ? '<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>' : 'x');
          if (kind === 'locked' && process.getuid?.() !== 0) await chmod(join(dir, file), 0o000);
        }
      }
      const checked = await run(root, ['check']);
      const built = await run(root, ['build']);
      expect(built.io.stderrText).not.toContain('a bug in feedwright');
      expect(lines(built.io.stderrText)).toEqual(lines(checked.io.stderrText));
      expect(built.code).toBe(checked.code);
      // What build wrote is there exactly when it says it succeeded.
      const wrote = await readdir(join(root, 'dist')).then(() => true, () => false);
      expect(wrote).toBe(built.code === 0);
    }), { numRuns: 40 });
  }, 240_000);
});
