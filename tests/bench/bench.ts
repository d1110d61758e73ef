import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { makePost, writeCorpus } from './corpus.js';

/**
 * `npm run bench`: builds synthetic blogs of several sizes with the compiled CLI, each time next to the floor
 * (read + gray-matter + marked in one thread, floor.ts) and the floor that also writes the cold build's bytes,
 * measured in the same run, and reports wall time, posts per second, peak memory, build/floor, a rebuild with
 * nothing changed and one after editing one post. Then it starts `dev` on the same blog and times saves to the
 * live-reload event (body edits and title edits) and the dev process's peak memory. Prints a table (with the
 * targets) and writes the numbers as JSON.
 *
 *   npm run bench -- --sizes 1,1000,10000 --repeat 1 --json tests/bench/results.json [--no-dev] [--saves 20,5]
 *
 * It imports nothing from src/: it drives the compiled CLI.
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..');
/** dist-cli/cli/bin.js once src/ is in stage folders, dist-cli/bin.js before. */
const DEFAULT_CLI = existsSync(join(ROOT, 'dist-cli', 'cli', 'bin.js')) ? join(ROOT, 'dist-cli', 'cli', 'bin.js') : join(ROOT, 'dist-cli', 'bin.js');
const FLOOR = join(HERE, 'floor.js');
const RUSAGE = pathToFileURL(join(HERE, 'rusage.js')).href;

/** One measured process. */
export interface Run {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly peakMb: number;
}

/** `dev` on the blog: saves timed from just before the write to the arrival of the `reload` event. */
export interface DevResult {
  /** Each body save, in ms (missed ones left out). */
  readonly bodySavesMs: number[];
  /** What dev itself said each body rebuild took (`Built … in N ms`), for telling the build from the watcher and the wire. */
  readonly bodyBuildMs: number[];
  readonly bodyMedianMs: number;
  readonly bodyMaxMs: number;
  /** Each title save (lists, tags and feeds change too), in ms. */
  readonly titleSavesMs: number[];
  readonly titleBuildMs: number[];
  readonly titleMedianMs: number;
  readonly titleMaxMs: number;
  /** VmHWM of the dev process (all its threads) just before it was stopped, in MB; NaN where /proc is missing. */
  readonly peakMb: number;
  /** Saves after which no `reload` event came (within the timeout). */
  readonly missedReloads: number;
  /** `Rebuilt in … no output changed` lines the dev process printed (a save it found no change in, or an extra watch event). */
  readonly noChangeLines: number;
  /** The first build of `dev` (spawn to its `Watching` line), ms. */
  readonly startMs: number;
}

/** Everything measured for one blog size. */
export interface SizeResult {
  readonly posts: number;
  readonly floor: Run;
  /** The floor plus writing every file of the cold build's output once (loading those bytes not counted). */
  readonly floorWrite: Run;
  readonly cold: Run;
  /** Build again with nothing changed. */
  readonly noChange: Run;
  /** The first rebuild after an edit that follows a cold build (a patch, as the one-edit rebuild after it). */
  readonly firstEdit: Run;
  /** Build again after editing one post. */
  readonly rebuild: Run;
  /** cold wall time / floor wall time */
  readonly ratio: number;
  /** cold wall time / floor+write wall time */
  readonly writeRatio: number;
  /** no-change wall time / cold wall time */
  readonly noChangeShare: number;
  /** rebuild wall time / cold wall time */
  readonly rebuildShare: number;
  readonly postsPerSecond: number;
  readonly outputFiles: number;
  readonly outputBytes: number;
  readonly largestArchiveBytes: number;
  /** Absent with --no-dev. */
  readonly dev?: DevResult;
}

/** What the numbers should be (issue 12). */
export const TARGETS = {
  /** cold / floor */
  coldOverFloor: 2.0,
  noChangeShare: 0.03,
  oneEditShare: 0.05,
  devBodyMedianMs: 300,
  devTitleMedianMs: 1000,
  devPeakMb: 600,
} as const;

export interface BenchReport {
  readonly node: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly loadAverage: number;
  readonly repeat: number;
  readonly targets: typeof TARGETS;
  readonly results: SizeResult[];
}

/**
 * Run `node args` in `cwd`; wall time from spawn to exit, CPU and peak memory from the process itself. A build must
 * say it published all `expectPosts` posts (a measurement of fewer would flatter the build).
 */
async function measure(args: readonly string[], cwd: string, expectPosts: number): Promise<Run> {
  return (await measured(args, cwd, expectPosts)).run;
}

async function measured(args: readonly string[], cwd: string, expectPosts: number): Promise<{ run: Run; stdout: string }> {
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
  return { run: { wallMs, cpuMs: (usage.userUs + usage.systemUs) / 1000, peakMb: usage.maxRssKb / 1024 }, stdout };
}

/**
 * The floor that writes the same bytes: floor.ts given the cold build's output, packed beforehand; the time it
 * took to load the pack (it prints `loadMs`) is taken off the wall and CPU time.
 */
async function measureFloorWrite(postsDir: string, pack: string, outDir: string, cwd: string, expectPosts: number): Promise<Run> {
  await rm(outDir, { recursive: true, force: true });
  const { run, stdout } = await measured([FLOOR, postsDir, pack, outDir], cwd, expectPosts);
  const { loadMs } = JSON.parse(stdout) as { loadMs: number };
  await rm(outDir, { recursive: true, force: true });
  return { ...run, wallMs: run.wallMs - loadMs, cpuMs: run.cpuMs - loadMs };
}

/** Every file under `dir` (links followed) into PACK.json (paths and sizes) and PACK.bin (the bytes); the total size. */
async function packOutput(dir: string, pack: string): Promise<number> {
  const index: [string, number][] = [];
  const chunks: Buffer[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isDirectory()) continue;
    const path = join(entry.parentPath, entry.name);
    if (!(await stat(path)).isFile()) continue;
    const bytes = await readFile(path);
    index.push([relative(dir, path), bytes.length]);
    chunks.push(bytes);
  }
  await writeFile(`${pack}.json`, JSON.stringify(index));
  await writeFile(`${pack}.bin`, Buffer.concat(chunks));
  return chunks.reduce((n, b) => n + b.length, 0);
}

const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** VmHWM (peak resident memory) of a live process, in MB; NaN without /proc. */
async function peakMemoryMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(status);
  return kb ? Number(kb[1]) / 1024 : NaN;
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** How many saves `dev` gets. */
export interface DevSaves {
  readonly body: number;
  readonly title: number;
}

/**
 * Start `node CLI dev --port 0` in `project`, wait for its first build, listen to its live-reload events
 * (`GET /__feedwright/events`) with a plain HTTP client, then save posts one at a time: `saves.body` times a new
 * paragraph at the end of a post's body, `saves.title` times a new title. Each save is timed from just before the
 * write to the arrival of the `reload` event, and waits for it (and the dev process's `Built` line) before the
 * next. The dev process's peak memory is read from /proc before it is stopped.
 */
async function benchDev(project: string, posts: number, cli: string, saves: DevSaves, timeoutMs: number): Promise<DevResult> {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, 'dev', '--port', '0'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let exited = false;
  const listeners = new Set<() => void>();
  const poke = (): void => { for (const listener of [...listeners]) listener(); };
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); poke(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const closed = new Promise<void>((done) => child.on('close', () => { exited = true; poke(); done(); }));
  /** Resolves true once `test()` holds, false after `ms` (or if dev has exited). */
  const until = (test: () => boolean, ms: number): Promise<boolean> => new Promise((done) => {
    const check = (): void => {
      if (!test() && !exited) return;
      listeners.delete(check);
      clearTimeout(timer);
      done(test());
    };
    const timer = setTimeout(() => { listeners.delete(check); done(test()); }, ms);
    listeners.add(check);
    check();
  });
  let events: ReturnType<typeof get> | undefined;
  try {
    if (!(await until(() => /\nWatching /.test(`\n${stdout}`), Math.max(timeoutMs, 600_000)))) {
      throw new Error(`dev did not finish its first build:\n${stdout}\n${stderr}`);
    }
    const startMs = performance.now() - started;
    const url = /Serving .* at (http:\/\/\S+?\/) /.exec(stdout)?.[1];
    if (url === undefined) throw new Error(`dev did not say where it serves:\n${stdout}`);

    // The event stream, read with a plain HTTP client: count `reload` events.
    let reloads = 0;
    let connected = false;
    await new Promise<void>((ready, fail) => {
      events = get(`${url}__feedwright/events`, (res) => {
        if (res.statusCode !== 200) return fail(new Error(`${url}__feedwright/events answered ${res.statusCode}`));
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          let end: number;
          while ((end = buffered.indexOf('\n\n')) !== -1) {
            const message = buffered.slice(0, end);
            buffered = buffered.slice(end + 2);
            if (message.startsWith(': connected') && !connected) {
              connected = true;
              ready();
            }
            if (message.split('\n').includes('event: reload')) reloads++;
          }
          poke();
        });
      });
      events.on('error', fail);
    });

    const builtLines = (): number => stdout.match(/^Built \d+ posts?:/gm)?.length ?? 0;
    let missed = 0;
    const buildMs: number[] = [];
    const save = async (name: string, text: string): Promise<number | undefined> => {
      const reloadsBefore = reloads;
      const builtBefore = builtLines();
      const at = performance.now();
      await writeFile(join(project, 'posts', name), text);
      const reloaded = await until(() => reloads > reloadsBefore, timeoutMs);
      const ms = performance.now() - at;
      if (!reloaded) {
        missed++;
        return undefined;
      }
      // The `Built` line follows the reload event; then a short pause, as between a person's saves.
      await until(() => builtLines() > builtBefore, timeoutMs);
      const said = [...stdout.matchAll(/^Built \d+ posts?: .* in (\d+) ms$/gm)].at(-1)?.[1];
      buildMs.push(said === undefined ? NaN : Number(said));
      await sleep(100);
      return ms;
    };
    // Spread over the blog; a small blog saves some posts more than once, each time with other text.
    const pick = (k: number, of: number): number => Math.min(posts - 1, Math.floor(((k * 7) % of + 0.5) * posts / of));
    const texts = new Map<string, string>();
    const current = async (i: number): Promise<[string, string]> => {
      const { name } = makePost(i);
      const text = texts.get(name) ?? (await readFile(join(project, 'posts', name), 'utf8'));
      return [name, text];
    };
    const bodySavesMs: number[] = [];
    for (let k = 0; k < saves.body; k++) {
      const [name, text] = await current(pick(k, saves.body));
      const next = `${text.trimEnd()}\n\nA paragraph saved in dev, save ${k} of the benchmark.\n`;
      texts.set(name, next);
      const ms = await save(name, next);
      if (ms !== undefined) bodySavesMs.push(ms);
    }
    const bodyBuildMs = buildMs.splice(0);
    const titleSavesMs: number[] = [];
    for (let k = 0; k < saves.title; k++) {
      const [name, text] = await current(pick(k + 1, saves.title + 1));
      const next = text.replace(/^title: "(.*)"$/m, (_line, title: string) => `title: "${title} (retitled ${k})"`);
      if (next === text) throw new Error(`no title line in ${name}`);
      texts.set(name, next);
      const ms = await save(name, next);
      if (ms !== undefined) titleSavesMs.push(ms);
    }
    const peakMb = await peakMemoryMb(child.pid as number);
    return {
      bodySavesMs, bodyBuildMs, bodyMedianMs: median(bodySavesMs), bodyMaxMs: bodySavesMs.length ? Math.max(...bodySavesMs) : NaN,
      titleSavesMs, titleBuildMs: buildMs, titleMedianMs: median(titleSavesMs), titleMaxMs: titleSavesMs.length ? Math.max(...titleSavesMs) : NaN,
      peakMb, missedReloads: missed, noChangeLines: stdout.match(/^Rebuilt in .*no output changed/gm)?.length ?? 0, startMs,
    };
  } finally {
    events?.destroy();
    if (!exited) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await closed;
    clearTimeout(killer);
  }
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
  /** Saves to time in `dev`; undefined skips dev. */
  readonly dev?: DevSaves;
}

/**
 * Measure one blog size: floor, cold build (empty cache), floor + writing the cold build's bytes, rebuild with
 * nothing changed, a first edit, then one more edit: the one-edit rebuild (best of `repeat` each); then dev saves.
 */
export async function benchSize(posts: number, options: BenchOptions): Promise<SizeResult> {
  const { repeat, cli } = options;
  const project = await mkdtemp(join(tmpdir(), `feedwright-bench-${posts}-`));
  try {
    await writeFile(join(project, 'package.json'), JSON.stringify({
      name: 'bench-blog', private: true,
      feedwright: { title: 'Bench blog', url: 'https://example.org/blog/', description: 'A synthetic blog.' },
    }));
    await writeCorpus(join(project, 'posts'), posts);
    const edited = makePost(Math.floor(posts / 2));
    const floors: Run[] = [];
    const floorWrites: Run[] = [];
    const colds: Run[] = [];
    const noChanges: Run[] = [];
    const rebuilds: Run[] = [];
    const firstEdits: Run[] = [];
    // In the project folder (the same disk as the build's output), outside the posts folder dev watches.
    const pack = join(project, 'output-pack');
    const floorOut = join(project, 'floor-out');
    let output: { count: number; largestArchive: number } | undefined;
    let outputBytes = 0;
    for (let r = 0; r < repeat; r++) {
      await rm(join(project, 'dist'), { recursive: true, force: true });
      await rm(join(project, 'node_modules'), { recursive: true, force: true });
      await writeFile(join(project, 'posts', edited.name), edited.text);
      // Files written in the last two seconds are re-read by the next build however they look (cache.ts, RACY_MS),
      // and the up-to-date check (engine/up-to-date.ts) does not trust them: real posts are not written a moment
      // before a build, so let the corpus age past that window.
      await new Promise((done) => setTimeout(done, options.settle * 1000));
      floors.push(await measure([FLOOR, join(project, 'posts')], project, posts));
      colds.push(await measure([cli, 'build'], project, posts));
      if (r === 0) {
        // The cold build's output, read once, outside anything timed.
        output = await filesUnder(join(project, 'dist'));
        outputBytes = await packOutput(join(project, 'dist'), pack);
      }
      floorWrites.push(await measureFloorWrite(join(project, 'posts'), pack, floorOut, project, posts));
      noChanges.push(await measure([cli, 'build'], project, posts));
      // The first edit after a cold build (a patch: cli/patch.ts) is timed apart from the next one, one-edit: the
      // cold build's plan and output files are fresh then (a full build after it would have no spare yet).
      await appendFile(join(project, 'posts', edited.name), `\nA first edited paragraph, run ${r}.\n`);
      firstEdits.push(await measure([cli, 'build'], project, posts));
      await appendFile(join(project, 'posts', edited.name), `\nAn edited paragraph, run ${r}.\n`);
      rebuilds.push(await measure([cli, 'build'], project, posts));
    }
    await rm(`${pack}.bin`, { force: true });
    const floor = best(floors);
    const floorWrite = best(floorWrites);
    const cold = best(colds);
    const noChange = best(noChanges);
    const rebuild = best(rebuilds);
    const firstEdit = best(firstEdits);
    const dev = options.dev && await benchDev(project, posts, cli, options.dev, Math.max(30_000, 20 * cold.wallMs));
    return {
      posts, floor, floorWrite, cold, noChange, firstEdit, rebuild,
      ratio: cold.wallMs / floor.wallMs,
      writeRatio: cold.wallMs / floorWrite.wallMs,
      noChangeShare: noChange.wallMs / cold.wallMs,
      rebuildShare: rebuild.wallMs / cold.wallMs,
      postsPerSecond: posts / (cold.wallMs / 1000),
      outputFiles: output?.count ?? 0,
      outputBytes,
      largestArchiveBytes: output?.largestArchive ?? 0,
      ...(dev && { dev }),
    };
  } finally {
    await rm(project, { recursive: true, force: true });
  }
}

/** The results as a small Markdown table (the README shows one), targets in the header, ✗ on a number that misses its target. */
export function table(report: BenchReport): string {
  const t = report.targets;
  const s = (ms: number): string => (ms / 1000).toFixed(2);
  const miss = (value: number, target: number): string => (value > target ? ' ✗' : '');
  const share = (run: Run, r: SizeResult, target: number): string => {
    const part = run.wallMs / r.cold.wallMs;
    return `${s(run.wallMs)} s (${(100 * part).toFixed(1)} %${miss(part, target)})`;
  };
  const ms = (value: number, target: number): string => (Number.isNaN(value) ? 'n/a' : `${Math.round(value)} ms${miss(value, target)}`);
  const rows = report.results.map((r) => {
    const dev = r.dev;
    const devCells = dev
      ? [
        `${ms(dev.bodyMedianMs, t.devBodyMedianMs)} (max ${Math.round(dev.bodyMaxMs)})${dev.missedReloads ? ` (${dev.missedReloads} saves: no reload)` : ''}`,
        `${ms(dev.titleMedianMs, t.devTitleMedianMs)} (max ${Math.round(dev.titleMaxMs)})`,
        Number.isNaN(dev.peakMb) ? 'n/a' : `${Math.round(dev.peakMb)} MB${miss(dev.peakMb, t.devPeakMb)}`,
      ]
      : ['–', '–', '–'];
    return `| ${[
      r.posts, `${s(r.floor.wallMs)} s`, `${s(r.floorWrite.wallMs)} s`, `${s(r.cold.wallMs)} s`,
      `${r.ratio.toFixed(2)}×${miss(r.ratio, t.coldOverFloor)}`, `${r.writeRatio.toFixed(2)}×`,
      share(r.noChange, r, t.noChangeShare), share(r.rebuild, r, t.oneEditShare), ...devCells,
    ].join(' | ')} |`;
  });
  return [
    `| posts | floor | floor+write | cold | cold/floor (≤ ${t.coldOverFloor}×) | cold/(floor+write) | no-change (share ≤ ${100 * t.noChangeShare} %) | one-edit (share ≤ ${100 * t.oneEditShare} %) | dev save median (≤ ${t.devBodyMedianMs} ms) | dev title median (≤ ${t.devTitleMedianMs} ms) | dev peak MB (≤ ${t.devPeakMb}) |`,
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

/** Peak memory and CPU of the builds, which the main table has no room for. */
function detail(report: BenchReport): string {
  const s = (ms: number): string => (ms / 1000).toFixed(2);
  return report.results.map((r) => `${r.posts} posts: ${Math.round(r.postsPerSecond)} posts/s cold; peak memory cold ${Math.round(r.cold.peakMb)} MB; CPU cold ${s(r.cold.cpuMs)} s, floor ${s(r.floor.cpuMs)} s; `
    + `first edit after the cold build ${s(r.firstEdit.wallMs)} s; `
    + `output ${r.outputFiles} files, ${(r.outputBytes / 1e6).toFixed(1)} MB${r.dev ? `; dev first build ${s(r.dev.startMs)} s, rebuilds as dev reports them: body median ${Math.round(median(r.dev.bodyBuildMs))} ms, title median ${Math.round(median(r.dev.titleBuildMs))} ms; ${r.dev.noChangeLines} "no output changed" rebuilds` : ''}`).join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '1,1000,10000' }, repeat: { type: 'string', default: '1' },
      json: { type: 'string' }, cli: { type: 'string', default: DEFAULT_CLI },
      settle: { type: 'string', default: '2.1' }, 'no-dev': { type: 'boolean', default: false },
      saves: { type: 'string', default: '20,5' },
    },
  });
  const sizes = values.sizes.split(',').map(Number);
  const repeat = Number(values.repeat);
  const settle = Number(values.settle);
  const [body, title] = values.saves.split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(repeat) || repeat < 1 || !(settle >= 0)
    || !Number.isInteger(body) || !Number.isInteger(title) || (body as number) < 1 || (title as number) < 1) {
    throw new Error('usage: npm run bench -- [--sizes 1,1000,10000] [--repeat N] [--json FILE] [--cli dist-cli/cli/bin.js] [--settle SECONDS] [--no-dev] [--saves BODY,TITLE]');
  }
  const dev = values['no-dev'] ? undefined : { body: body as number, title: title as number };
  const results: SizeResult[] = [];
  const load = loadavg()[0] ?? 0;
  for (const posts of sizes) {
    process.stderr.write(`benchmarking ${posts} posts…\n`);
    results.push(await benchSize(posts, { repeat, cli: resolve(values.cli), settle, ...(dev && { dev }) }));
  }
  const report: BenchReport = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', loadAverage: load, repeat, targets: TARGETS, results };
  // Written only when asked: tests/bench/results.json holds the reference run the README's table comes from.
  if (values.json !== undefined) {
    await mkdir(dirname(resolve(values.json)), { recursive: true });
    await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);
  }
  process.stdout.write(`${table(report)}\n\n${detail(report)}\n${report.cpus} × ${report.cpuModel}, Node ${report.node}, load average ${load.toFixed(2)} at start${values.json === undefined ? '' : `; JSON: ${values.json}`}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
