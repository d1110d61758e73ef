import { spawn } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { makePost, writeCorpus } from './corpus.js';

/**
 * `npm run bench`: builds synthetic blogs of several sizes with the compiled CLI, each time next to the floor
 * (read + gray-matter + marked in one thread, floor.ts) measured in the same run, and reports wall time,
 * posts per second, peak memory, build/floor, and a rebuild after editing one post. Prints a table and
 * writes the numbers as JSON.
 *
 *   npm run bench -- --sizes 1,1000,10000 --repeat 1 --json tests/bench/results.json
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..');
const DEFAULT_CLI = join(ROOT, 'dist-cli', 'cli', 'bin.js');
const FLOOR = join(HERE, 'floor.js');
const RUSAGE = pathToFileURL(join(HERE, 'rusage.js')).href;

/** One measured process. */
export interface Run {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly peakMb: number;
}

/** Everything measured for one blog size. */
export interface SizeResult {
  readonly posts: number;
  readonly floor: Run;
  readonly cold: Run;
  readonly rebuild: Run;
  /** cold wall time / floor wall time */
  readonly ratio: number;
  /** rebuild wall time / cold wall time */
  readonly rebuildShare: number;
  readonly postsPerSecond: number;
  readonly outputFiles: number;
  readonly largestArchiveBytes: number;
}

export interface BenchReport {
  readonly node: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly loadAverage: number;
  readonly repeat: number;
  readonly results: SizeResult[];
}

/**
 * Run `node args` in `cwd`; wall time from spawn to exit, CPU and peak memory from the process itself. A build must
 * say it published all `expectPosts` posts (a measurement of fewer would flatter the build).
 */
async function measure(args: readonly string[], cwd: string, expectPosts: number): Promise<Run> {
  const usageFile = join(await mkdtemp(join(tmpdir(), 'feedwright-rusage-')), 'usage.json');
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', RUSAGE, ...args], {
    cwd, env: { ...process.env, FEEDWRIGHT_BENCH_RUSAGE: usageFile }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited with ${code}:\n${stderr}`);
  const usage = JSON.parse(await readFile(usageFile, 'utf8')) as { maxRssKb: number; userUs: number; systemUs: number };
  await rm(dirname(usageFile), { recursive: true, force: true });
  if (stdout === '') throw new Error(`node ${args.join(' ')} printed nothing`);
  const built = /^Built (\d+) posts?/.exec(stdout);
  if (built && Number(built[1]) !== expectPosts) {
    throw new Error(`node ${args.join(' ')} published ${built[1]} posts, not the ${expectPosts} in the corpus (dated in the future?)`);
  }
  return { wallMs, cpuMs: (usage.userUs + usage.systemUs) / 1000, peakMb: usage.maxRssKb / 1024 };
}

const best = (runs: readonly Run[]): Run => runs.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));

async function filesUnder(dir: string): Promise<{ count: number; largestArchive: number }> {
  let count = 0;
  let largestArchive = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    count++;
    const path = join(entry.parentPath, entry.name);
    if (path.includes(`${join(dir, 'archive')}/`)) largestArchive = Math.max(largestArchive, (await stat(path)).size);
  }
  return { count, largestArchive };
}

/** How to run one size. */
export interface BenchOptions {
  /** Runs per measurement; the best is kept (other processes on the machine only ever add time). */
  readonly repeat: number;
  /** The compiled CLI to measure. */
  readonly cli: string;
  /** Seconds to let the corpus age before building (see cache.ts, RACY_MS). */
  readonly settle: number;
}

/** Measure one blog size: floor, cold build (empty cache), rebuild after editing one post; best of `repeat`. */
export async function benchSize(posts: number, options: BenchOptions): Promise<SizeResult> {
  const { repeat, cli } = options;
  const project = await mkdtemp(join(tmpdir(), `feedwright-bench-${posts}-`));
  try {
    await writeFile(join(project, 'package.json'), JSON.stringify({
      name: 'bench-blog', private: true,
      feedwright: { title: 'Bench blog', url: 'https://example.org/blog/', description: 'A synthetic blog.' },
    }));
    await writeCorpus(join(project, 'posts'), posts);
    // Files written in the last two seconds are re-read by the next build however they look (cache.ts, RACY_MS);
    // real posts are not written a moment before a build, so let the corpus age past that window.
    await new Promise((done) => setTimeout(done, options.settle * 1000));
    const edited = makePost(Math.floor(posts / 2));
    const floors: Run[] = [];
    const colds: Run[] = [];
    const rebuilds: Run[] = [];
    for (let r = 0; r < repeat; r++) {
      await rm(join(project, 'dist'), { recursive: true, force: true });
      await rm(join(project, 'node_modules'), { recursive: true, force: true });
      await writeFile(join(project, 'posts', edited.name), edited.text);
      floors.push(await measure([FLOOR, join(project, 'posts')], project, posts));
      colds.push(await measure([cli, 'build'], project, posts));
      await appendFile(join(project, 'posts', edited.name), `\nAn edited paragraph, run ${r}.\n`);
      rebuilds.push(await measure([cli, 'build'], project, posts));
    }
    const floor = best(floors);
    const cold = best(colds);
    const rebuild = best(rebuilds);
    const output = await filesUnder(join(project, 'dist'));
    return {
      posts, floor, cold, rebuild,
      ratio: cold.wallMs / floor.wallMs,
      rebuildShare: rebuild.wallMs / cold.wallMs,
      postsPerSecond: posts / (cold.wallMs / 1000),
      outputFiles: output.count,
      largestArchiveBytes: output.largestArchive,
    };
  } finally {
    await rm(project, { recursive: true, force: true });
  }
}

/** The results as a small Markdown table (the README shows one). */
export function table(report: BenchReport): string {
  const s = (ms: number): string => (ms / 1000).toFixed(2);
  const rows = report.results.map((r) => `| ${r.posts} | ${s(r.floor.wallMs)} s | ${s(r.cold.wallMs)} s | ${r.ratio.toFixed(2)}× | ${Math.round(r.postsPerSecond)} | ${s(r.rebuild.wallMs)} s (${(100 * r.rebuildShare).toFixed(1)} %) | ${Math.round(r.cold.peakMb)} MB | ${s(r.cold.cpuMs)} s / ${s(r.floor.cpuMs)} s |`);
  return [
    '| posts | floor | cold build | build/floor | posts/s | rebuild after 1 edit | peak memory | CPU build / floor |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '1,1000,10000' }, repeat: { type: 'string', default: '1' },
      json: { type: 'string', default: 'tests/bench/results.json' }, cli: { type: 'string', default: DEFAULT_CLI },
      settle: { type: 'string', default: '2.1' },
    },
  });
  const sizes = values.sizes.split(',').map(Number);
  const repeat = Number(values.repeat);
  const settle = Number(values.settle);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(repeat) || repeat < 1 || !(settle >= 0)) {
    throw new Error('usage: npm run bench -- [--sizes 1,1000,10000] [--repeat N] [--json FILE] [--cli dist-cli/cli/bin.js] [--settle SECONDS]');
  }
  const results: SizeResult[] = [];
  const load = loadavg()[0] ?? 0;
  for (const posts of sizes) {
    process.stderr.write(`benchmarking ${posts} posts…\n`);
    results.push(await benchSize(posts, { repeat, cli: resolve(values.cli), settle }));
  }
  const report: BenchReport = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', loadAverage: load, repeat, results };
  await mkdir(dirname(resolve(values.json)), { recursive: true });
  await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${table(report)}\n\n${report.cpus} × ${report.cpuModel}, Node ${report.node}, load average ${load.toFixed(2)} at start; JSON: ${values.json}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
