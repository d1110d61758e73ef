import { execFile } from 'node:child_process';
import { copyFile, mkdir, readdir, stat, utimes } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, EPOCH, FIXTURE, readTree, removeTempDirs, ROOT, run, tempDir } from './helpers/blog.js';

const exec = promisify(execFile);

/** Byte-for-byte comparison of two output trees, naming the first file that differs. */
function expectSameTree(a: Map<string, Buffer>, b: Map<string, Buffer>): void {
  expect([...b.keys()]).toEqual([...a.keys()]);
  for (const [path, bytes] of a) expect(b.get(path)?.equals(bytes), path).toBe(true);
}

describe('byte-identical output in-process', () => {
  const originalTz = process.env.TZ;
  afterAll(async () => {
    process.env.TZ = originalTz;
    await removeTempDirs();
  });

  it('does not depend on the machine time zone (process.env.TZ changed at run time)', async () => {
    const dir = await copyFixture();
    const trees: Map<string, Buffer>[] = [];
    const offsets: number[] = [];
    // UTC+14, UTC−11 and the test default (Adelaide, UTC+10:30 with DST): dates straddle midnight differently.
    for (const [i, tz] of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Australia/Adelaide'].entries()) {
      process.env.TZ = tz;
      offsets.push(new Date(Date.UTC(2024, 6, 4)).getTimezoneOffset());
      const out = join(dir, `out-${i}`);
      expect((await run(['build', '--out', out], { cwd: dir })).code).toBe(0);
      trees.push(await readTree(out));
    }
    expect(new Set(offsets).size).toBe(3); // Node really switched zones
    expectSameTree(trees[0] ?? new Map(), trees[1] ?? new Map());
    expectSameTree(trees[0] ?? new Map(), trees[2] ?? new Map());
  });

  it('does not depend on the wall clock (different SOURCE_DATE_EPOCH and clocks that include the same posts)', async () => {
    const dir = await copyFixture();
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    expect((await run(['build', '--out', a], { cwd: dir, env: { SOURCE_DATE_EPOCH: String(EPOCH) }, now: 0 })).code).toBe(0);
    expect((await run(['build', '--out', b], { cwd: dir, env: { SOURCE_DATE_EPOCH: '1800000000' }, now: Date.UTC(2029, 0, 1) })).code).toBe(0);
    const c = join(dir, 'c');
    expect((await run(['build', '--out', c], { cwd: dir, env: {}, now: Date.UTC(2028, 5, 1) })).code).toBe(0);
    const first = await readTree(a);
    expectSameTree(first, await readTree(b));
    expectSameTree(first, await readTree(c));
  });
});

describe('byte-identical output from the compiled CLI', () => {
  const bin = join(ROOT, 'dist-cli', 'cli', 'bin.js');

  beforeAll(async () => {
    // `npm ci` compiles dist-cli (prepare); recompile only when a source file is newer than the build.
    const built = await stat(bin).then((s) => s.mtimeMs, () => 0);
    const sources = await readdir(join(ROOT, 'src'), { recursive: true });
    const newest = Math.max(...await Promise.all(sources.map(async (f) => (await stat(join(ROOT, 'src', f))).mtimeMs)));
    if (newest > built) {
      const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
      await exec(process.execPath, [tsc, '-p', join(ROOT, 'src', 'tsconfig.json')], { cwd: ROOT });
    }
  }, 60_000);
  afterAll(removeTempDirs);

  /** A copy of the fixture whose post and static files are created in the given order, with distinct times. */
  async function blogWithOrder(order: readonly string[]): Promise<string> {
    const dir = await tempDir('feedwright-order-');
    await copyFile(join(FIXTURE, 'package.json'), join(dir, 'package.json'));
    for (const [i, rel] of order.entries()) {
      const target = join(dir, rel);
      await mkdir(join(target, '..'), { recursive: true });
      await copyFile(join(FIXTURE, rel), target);
      const t = new Date(Date.UTC(2020, 0, 1) + i * 3_600_000);
      await utimes(target, t, t);
    }
    return dir;
  }

  it('gives the same bytes in different TZ and file creation orders', async () => {
    const entries = await readdir(FIXTURE, { recursive: true, withFileTypes: true });
    const files = entries.filter((e) => e.isFile() && e.name !== 'package.json').map((e) => relative(FIXTURE, join(e.parentPath, e.name))).sort();
    expect(files.filter((f) => f.startsWith('posts/')).length).toBeGreaterThan(8);
    expect(files.filter((f) => f.startsWith('static/')).length).toBeGreaterThan(2);
    const shuffled = [...files.filter((_, i) => i % 2 === 1).reverse(), ...files.filter((_, i) => i % 2 === 0)];
    const runs = [
      { order: files, tz: 'UTC' },
      { order: [...files].reverse(), tz: 'Asia/Kathmandu' },
      { order: shuffled, tz: 'America/St_Johns' },
    ];
    const trees = await Promise.all(runs.map(async ({ order, tz }) => {
      const dir = await blogWithOrder(order);
      const { stdout } = await exec(process.execPath, [bin, 'build', '--out', 'public'], {
        cwd: dir, env: { PATH: process.env.PATH, TZ: tz, SOURCE_DATE_EPOCH: String(EPOCH) },
      });
      expect(stdout).toMatch(/^Built 7 posts into public\/: 62 files in \d+ ms; left out: 1 draft, 1 post dated in the future \(--drafts, --future to include\)\n$/);
      return readTree(join(dir, 'public'));
    }));
    expectSameTree(trees[0] ?? new Map(), trees[1] ?? new Map());
    expectSameTree(trees[0] ?? new Map(), trees[2] ?? new Map());
  });
});
