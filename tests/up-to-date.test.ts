import { readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { compiledCli, makeProject, post, removeCompiledCli, removeProjects, runCli, SITE, snapshotTree, type Run } from './helpers/cli-project.js';
import { main } from '../src/cli/cli.js';

/**
 * The up-to-date check of `build` (engine/up-to-date.ts): with nothing it reads changed since the last build,
 * and the output as that build left it, a build says what that build said and builds nothing; any change to
 * what a build reads makes it build.
 */

const builds = vi.hoisted(() => ({ count: 0 }));
vi.mock('../src/build.js', async (original) => {
  const real = await original<typeof import('../src/build.js')>();
  return { ...real, build: (...args: Parameters<typeof real.build>) => { builds.count++; return real.build(...args); } };
});
// A build patched from the last one's plan (cli/patch.ts) read what changed too: it counts as a build here.
const patches = vi.hoisted(() => ({ count: 0 }));
vi.mock('../src/cli/patch.js', async (original) => {
  const real = await original<typeof import('../src/cli/patch.js')>();
  return {
    ...real, patch: async (...args: Parameters<typeof real.patch>) => {
      const done = await real.patch(...args);
      if (!('refused' in done)) patches.count++;
      return done;
    },
  };
});

afterAll(async () => {
  await removeProjects();
  await removeCompiledCli();
});
beforeEach(() => {
  builds.count = 0;
  patches.count = 0;
});

/**
 * Files just written are too new for a build to trust their stamps: date every file and folder of the project (or
 * only `paths`) `ago` ms back. A change is dated later than the files it changes, as it would be.
 */
async function age(root: string, paths?: readonly string[], ago = 60_000): Promise<void> {
  const then = new Date(Date.now() - ago);
  if (paths) {
    for (const path of paths) await utimes(join(root, path), then, then);
    return;
  }
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      if (!entry.isSymbolicLink()) await utimes(path, then, then);
    }
  };
  await walk(root);
}

/** A run's messages without its timing. */
const said = (run: Run): [number, string, string] => [run.code, run.stdout.replace(/in \d+ ms/, 'in N ms'), run.stderr];

async function blog(): Promise<string> {
  const root = await makeProject({
    'posts/a.md': post('A', '2024-01-01T09:00:00Z', 'See [the missing page](https://example.com/blog/nowhere/).'),
    'posts/b.md': post('B', '2024-01-02T09:00:00Z'),
    'posts/trip/index.md': post('Trip', '2024-01-03T09:00:00Z', '![cover](cover.png)'),
    'posts/trip/cover.png': 'png bytes',
    'posts/notes.txt': 'not a post',
    'static/robots-extra.txt': 'static file',
  });
  await age(root);
  return root;
}

describe('the up-to-date check', () => {
  it('a build with nothing changed says what the last one said, builds nothing and writes nothing', async () => {
    const root = await blog();
    const first = await runCli(root, ['build']);
    expect(first.code).toBe(0);
    expect(first.lines.join('\n')).toMatch(/broken-link/); // (a warning, so that there is something to say again)
    expect(first.stdout).toMatch(/^Skipped 1 file/);
    const dist = statSync(join(root, 'dist')).ino;
    const tree = await snapshotTree(join(root, 'dist'));
    builds.count = 0;
    const again = await runCli(root, ['build']);
    expect(builds.count).toBe(0);
    expect(said(again)).toEqual(said(first));
    expect(statSync(join(root, 'dist')).ino).toBe(dist);
    expect(await snapshotTree(join(root, 'dist'))).toEqual(tree);
    // --strict fails on those warnings, as it would after a real build
    const strict = await runCli(root, ['build', '--strict']);
    expect(builds.count).toBe(0);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/broken-link[\s\S]*Nothing was written; dist\/ is unchanged\./);
  });

  /** Each change, and the files it wrote (dated after the rest). */
  const changes: [string, (root: string) => Promise<string[]>][] = [
    ['a post edited (same size, later mtime)', async (root) => {
      await writeFile(join(root, 'posts/b.md'), post('C', '2024-01-02T09:00:00Z'));
      return ['posts/b.md'];
    }],
    ['a post added', async (root) => {
      await writeFile(join(root, 'posts/c.md'), post('New', '2024-01-04T09:00:00Z'));
      return ['posts/c.md'];
    }],
    ['a post deleted', async (root) => {
      await rm(join(root, 'posts/b.md'));
      return [];
    }],
    ['a bundle file replaced', async (root) => {
      await writeFile(join(root, 'posts/trip/cover.png'), 'other png bytes');
      return ['posts/trip/cover.png'];
    }],
    ['a skipped file added', async (root) => {
      await writeFile(join(root, 'posts/other.txt'), 'x');
      return ['posts/other.txt'];
    }],
    ['a static file changed', async (root) => {
      await writeFile(join(root, 'static/robots-extra.txt'), 'changed');
      return ['static/robots-extra.txt'];
    }],
    ['a bundle file rewritten with its old size and mtime put back (cp -p, touch -r)', async (root) => {
      const path = join(root, 'posts/trip/cover.png');
      const { mtime } = statSync(path);
      await writeFile(path, 'PNG BYTES');
      await utimes(path, mtime, mtime);
      return [];
    }],
    ['the config changed', async (root) => {
      const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { feedwright: Record<string, unknown> };
      pkg.feedwright.title = 'Another title';
      await writeFile(join(root, 'package.json'), JSON.stringify(pkg));
      return ['package.json'];
    }],
  ];
  for (const [what, change] of changes) {
    it(`builds after ${what}, and writes what a clean build writes`, async () => {
      const root = await blog();
      expect((await runCli(root, ['build'])).code).toBe(0);
      await age(root, await change(root), 30_000);
      builds.count = 0;
      const run = await runCli(root, ['build']);
      expect([run.code, builds.count]).toEqual([0, 1]);
      expect((await runCli(root, ['build', '--no-cache', '--out', 'clean'])).code).toBe(0);
      expect(await snapshotTree(join(root, 'dist'))).toEqual(await snapshotTree(join(root, 'clean')));
      // and the build after that one is up to date again
      builds.count = 0;
      expect(said(await runCli(root, ['build']))).toEqual(said(run));
      expect(builds.count).toBe(0);
    });
  }

  it('builds with other options, and when the output was changed by hand (then refuses as a build would)', async () => {
    const root = await blog();
    expect((await runCli(root, ['build'])).code).toBe(0);
    expect((await runCli(root, ['build', '--drafts'])).code).toBe(0);
    expect(builds.count).toBe(2);
    await writeFile(join(root, 'dist/mine.txt'), 'a file of my own');
    const refused = await runCli(root, ['build', '--drafts']);
    expect(builds.count).toBe(3);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/dist\/mine\.txt was not written by feedwright/);
  });

  it('is not used for a file modified a moment ago, a symbolic link in the posts folder, or posts dated in the future', async () => {
    const root = await blog();
    await writeFile(join(root, 'posts/b.md'), post('B', '2024-01-02T09:00:00Z')); // now: too new to trust its stamp
    expect((await runCli(root, ['build'])).code).toBe(0);
    expect((await runCli(root, ['build'])).code).toBe(0);
    expect([builds.count, patches.count]).toEqual([1, 1]); // (the second reads b.md again, and finds it unchanged)

    await age(root);
    await symlink('notes.txt', join(root, 'posts/notes-link.txt'));
    builds.count = 0;
    expect((await runCli(root, ['build'])).code).toBe(0);
    expect((await runCli(root, ['build'])).code).toBe(0);
    expect([builds.count, patches.count]).toEqual([2, 1]); // (not patched either: a link's target may change unseen)

    const future = await blog();
    await writeFile(join(future, 'posts/later.md'), post('Later', '2099-01-01T09:00:00Z'));
    await age(future);
    builds.count = 0;
    expect((await runCli(future, ['build'])).stdout).toMatch(/left out: 1 post dated in the future/);
    expect((await runCli(future, ['build'])).code).toBe(0);
    expect(builds.count).toBe(2);
  });

  it('is used until the reference time passes the expiry date of a post the build published (Hugo\'s expiryDate), then builds', async () => {
    const root = await blog();
    await writeFile(join(root, 'posts/sale.md'), post('Sale', '2024-01-04T09:00:00Z', 'Ten percent off.', 'expiryDate: 2030-06-01T00:00:00Z\n'));
    await age(root);
    const at = (iso: string): Record<string, string> => ({ SOURCE_DATE_EPOCH: String(Date.parse(iso) / 1000) });
    const first = await runCli(root, ['build'], at('2030-01-01T00:00:00Z'));
    expect(first.stdout).toMatch(/^Built 4 posts into dist\/: \d+ files in \d+ ms\n$/m);
    // up to the expiry date itself (Hugo still publishes a post that expires at "now"), nothing to do
    for (const time of ['2030-03-01T00:00:00Z', '2030-06-01T00:00:00Z']) {
      expect(said(await runCli(root, ['build'], at(time)))).toEqual(said(first));
    }
    expect(builds.count).toBe(1);
    // a second later it has expired: time alone changes the output
    const expired = await runCli(root, ['build'], at('2030-06-01T00:00:01Z'));
    expect(builds.count).toBe(2);
    expect(expired.stdout).toMatch(/^Built 3 posts into dist\/: \d+ files in \d+ ms; left out: 1 expired post \(--expired to include\)\n$/m);
    expect(JSON.parse(await readFile(join(root, 'dist/feed.json'), 'utf8')).items.map((i: { title: string }) => i.title)).toEqual(['Trip', 'B', 'A']);
    // a post left out for having expired stays out as time goes on: that build is up to date later
    expect(said(await runCli(root, ['build'], at('2031-01-01T00:00:00Z')))).toEqual(said(expired));
    expect(builds.count).toBe(2);
    // --expired publishes it again, and no time ends that build
    expect((await runCli(root, ['build', '--expired'], at('2031-01-01T00:00:00Z'))).stdout).toMatch(/^Built 4 posts/m);
    expect((await runCli(root, ['build', '--expired'], at('2032-01-01T00:00:00Z'))).stdout).toMatch(/^Built 4 posts/m);
    expect(builds.count).toBe(3);
  });

  it('builds when the reference time is set back before the recorded build\'s (it may leave posts out)', async () => {
    const root = await blog();
    expect((await runCli(root, ['build'])).code).toBe(0);
    builds.count = 0;
    const earlier = await runCli(root, ['build'], { SOURCE_DATE_EPOCH: String(Date.UTC(2024, 0, 2, 12) / 1000) });
    expect(builds.count).toBe(1);
    expect(earlier.stdout).toMatch(/^Built 2 posts into dist\/: \d+ files in \d+ ms; left out: 1 post dated in the future/m);
  });

  it('a damaged or foreign record is only a build to do', async () => {
    const root = await blog();
    expect((await runCli(root, ['build'])).code).toBe(0);
    const record = join(root, 'node_modules/.cache/feedwright/last-build.json');
    const good = await readFile(record, 'utf8');
    for (const bad of ['{', 'null', JSON.stringify({ ...JSON.parse(good), said: { skipped: 1 } }), JSON.stringify({ ...JSON.parse(good), out: '/elsewhere' })]) {
      await writeFile(record, bad);
      builds.count = 0;
      const run = await runCli(root, ['build']);
      expect([run.code, builds.count], bad.slice(0, 40)).toEqual([0, 1]);
    }
  });

  // What a build printed of its problems is recorded as text (last-build.report) and printed again as it is; the
  // problems themselves are read only to be reported with others or as annotations.
  it('says the recorded problems with the config\'s own, sorted together, and as GitHub annotations', async () => {
    const url = 'https://example.github.io/feedwright/'; // a placeholder: a warning of the config's
    const root = await makeProject({
      'posts/a.md': post('A', '2024-01-01T09:00:00Z', `See [the missing page](${url}nowhere/).`),
      'posts/b.md': post('B', '2024-01-02T09:00:00Z'),
    }, { ...SITE, url });
    await age(root);
    const first = await runCli(root, ['build']);
    expect(first.code).toBe(0);
    expect(first.lines.map((line) => /\[([a-z-]+)\]$/.exec(line)?.[1])).toEqual(['placeholder-url', 'broken-link', undefined]);
    builds.count = 0;
    expect(said(await runCli(root, ['build']))).toEqual(said(first));
    const annotated = await runCli(root, ['build'], { GITHUB_ACTIONS: 'true' });
    expect(builds.count).toBe(0);
    expect(annotated.stdout).toMatch(/^::warning file=posts\/a\.md,line=\d+,col=\d+,title=broken-link::/m);
    const built = await runCli(root, ['build', '--no-cache'], { GITHUB_ACTIONS: 'true' });
    expect(builds.count).toBe(1);
    expect(said(annotated)).toEqual(said(built));
  });

  it('prints the recorded text as bytes where the output takes them', async () => {
    const root = await blog();
    const first = await runCli(root, ['build']);
    builds.count = 0;
    let stdout = '';
    let stderr = '';
    let writes = 0;
    const code = await main(['build'], {
      cwd: root, env: {}, now: () => Date.UTC(2030, 0, 1),
      stdout: (text) => { stdout += text; },
      stderr: (text) => { stderr += text; },
      stderrBytes: (bytes) => { stderr += new TextDecoder().decode(bytes); writes++; },
    });
    expect([builds.count, writes]).toEqual([0, 1]);
    expect(said({ code, stdout, stderr, lines: [] })).toEqual(said(first));
  });

  it('a report file that is not the one its record names is only a build to do', async () => {
    const root = await blog();
    const path = join(root, 'node_modules/.cache/feedwright/last-build.report');
    const first = await runCli(root, ['build']);
    const damages: [string, ((bytes: Buffer) => Buffer) | undefined][] = [
      ['cut short', (bytes) => bytes.subarray(0, bytes.length - 1)],
      ['a byte changed', (bytes) => Buffer.from(bytes.toString('latin1').replace('broken-link', 'broken-lin_'), 'latin1')],
      ['deleted', undefined],
    ];
    for (const [what, damage] of damages) {
      const bytes = await readFile(path);
      if (damage) await writeFile(path, damage(bytes));
      else await rm(path);
      builds.count = 0;
      const run = await runCli(root, ['build']);
      expect([run.code, builds.count], what).toEqual([0, 1]);
      expect(said(run), what).toEqual(said(first));
    }
  });

  it('the CLI process prints the whole recorded report through a pipe before it ends', async () => {
    // Far more than a pipe holds (64 KB): the process ends as soon as its output is handed over, never before.
    const files = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`posts/p${i}.md`,
      post(`P${i}`, '2024-01-01T09:00:00Z', `[one](https://example.com/blog/nowhere-${i}/) and [two](https://example.com/blog/elsewhere-${i}/)`)]));
    const root = await makeProject(files);
    await age(root);
    const cli = await compiledCli();
    const run = async (): Promise<Run> => {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, 'build'], { cwd: root, maxBuffer: 64 << 20 });
      return { code: 0, stdout, stderr, lines: [] };
    };
    const first = await run();
    const dist = statSync(join(root, 'dist')).ino;
    expect(first.stderr.length).toBeGreaterThan(100_000);
    expect(first.stderr).toMatch(/⚠ 0 errors, 800 warnings in 400 files\n$/);
    const again = await run();
    expect(again.stdout).toMatch(/^Built 400 posts into dist\/: \d+ files in \d+ ms\n$/);
    expect(said(again)).toEqual(said(first));
    expect(statSync(join(root, 'dist')).ino).toBe(dist); // (up to date: a build would have put a new folder in place)
  });
});
