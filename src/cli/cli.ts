import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { build as Build } from '../build.js';
import { DiskCache } from '../engine/cache.js';
import { resolveConfig } from '../config/config.js';
import { diagnostic, hasErrors, type Diagnostic } from '../common/diagnostics.js';
import { salvageConfig } from '../config/fallback.js';
import { DamagedCacheError, describeFailure, StageError } from '../common/errors.js';
import { loadConfigSource } from '../config/load.js';
import { checkOutDir } from '../output/out-dir.js';
import { progressReporter } from './progress.js';
import { formatSkipped } from './skipped.js';
import { shownPostsDir } from '../read/text.js';
import type { Site } from '../site/site.js';
import { placeholderUrlProblem, siteUrlOverride } from '../config/site-url.js';
import { didYouMean, locateJsonKey } from '../common/util.js';
import { VERSION } from '../common/version.js';
import { outputProblem, recoverOutput, RefusedOutput, writeOutput } from '../output/write.js';
import { spareDir } from '../output/spare.js';
import { CACHE_DIR, referenceTime, report, reportText, USAGE, type Io } from './io.js';
import { lastRecord, lookAtInputs, recordBuild, upToDate, type InputsLook, type Replay } from '../engine/up-to-date.js';
import type { Patched, Refused } from './patch.js';

export { checkOutDir } from '../output/out-dir.js';
export { CACHE_DIR, nonEmpty, referenceTime, report, USAGE, type Io } from './io.js';

const OPTIONS = {
  posts: { type: 'string' },
  out: { type: 'string' },
  config: { type: 'string' },
  'site-url': { type: 'string' },
  drafts: { type: 'boolean' },
  future: { type: 'boolean' },
  expired: { type: 'boolean' },
  strict: { type: 'boolean' },
  port: { type: 'string' },
  'no-cache': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** Run the CLI; returns the exit code. The only side effects go through `io` and the output folder. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.stderr(`feedwright: ${usageProblem(error as Error)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (values.version) {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const command = positionals[0] ?? 'build';
  // The other commands are loaded when used: a build does not pay for the dev server's file watcher and HTTP code.
  if (command === 'new') return (await import('./commands/new.js')).newPost(positionals.slice(1), values, io);
  if (command === 'init') return (await import('./commands/init.js')).init(positionals.slice(1), values, io);
  if (command === 'ping' && positionals.length === 1) return (await import('./commands/ping.js')).ping(values, io);
  if (command === 'dev' && positionals.length === 1) return (await import('./dev/dev.js')).dev(values, io);
  if ((command !== 'build' && command !== 'check') || positionals.length > 1) {
    io.stderr(`feedwright: unknown command "${positionals.join(' ')}"\n\n${USAGE}`);
    return 2;
  }

  const started = performance.now();
  const root = io.cwd;
  const postsDir = values.posts ?? 'posts';
  const outDir = values.out ?? 'dist';
  const configPath = values.config ?? 'package.json';
  // Checked for `check` too: it must fail exactly where `build` would.
  // A refused --out is wrong usage (exit 2), found before any work: a link, a file, or a folder of other files.
  const outPath = resolve(root, outDir);
  // The build cache, read when first asked (the check below asks only about an output folder without its list of
  // what feedwright wrote, one from an older version).
  const cache = values['no-cache'] === true ? undefined : DiskCache.open(resolve(root, CACHE_DIR));
  // (What the folder holds is checked after the build, when the cache's record has been read anyway.)
  const outProblem = checkOutDir(root, postsDir, outDir) ?? (await outputProblem(outPath, outDir, () => cache?.manifest(outPath), 'folder'));
  if (outProblem) {
    io.stderr(`feedwright: ${outProblem}\n`);
    return 2;
  }
  const now = referenceTime(io);
  if (typeof now === 'string') {
    io.stderr(`feedwright: ${now}\n`);
    return 2;
  }

  try {
    const opts = { root, postsDir, outDir, configPath, now, started, ...(cache && { cache }) };
    try {
      return await run(command, values, opts, io);
    } catch (error) {
      // A post's HTML in the cache was damaged, found as it was written (nothing was put in place): again, afresh.
      if (!(error instanceof DamagedCacheError)) throw error;
      return await run(command, values, { ...opts, freshCache: true }, io);
    }
  } catch (error) {
    // Problems with the input are diagnostics; anything thrown is a bug or a broken machine: one line, exit 1.
    io.stderr(describeFailure(error, io.env.FEEDWRIGHT_DEBUG === '1'));
    return 1;
  }
}

interface RunOptions {
  readonly root: string;
  readonly postsDir: string;
  readonly outDir: string;
  readonly configPath: string;
  readonly now: number;
  readonly started: number;
  /** The build cache (none with --no-cache); `check` only asks it what the last build wrote. */
  readonly cache?: DiskCache;
  /** Start from an empty build cache (the one on disk was found damaged), and replace it. */
  readonly freshCache?: boolean;
}

type Flags = { readonly [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean };

async function run(command: 'build' | 'check', values: Flags, opts: RunOptions, io: Io): Promise<number> {
  const { root, postsDir, outDir, configPath, now, started } = opts;
  const loaded = await loadConfigSource(resolve(root, configPath), configPath);
  const override = siteUrlOverride(values['site-url'], io.env);
  if (override.note) io.stderr(`feedwright: note: ${override.note}\n`);
  const resolved = loaded.source
    ? resolveConfig(loaded.source, override.url === undefined ? {} : { url: override.url, ...(override.from && { urlFrom: override.from }) })
    : { diagnostics: [] };
  let diagnostics: Diagnostic[] = [...loaded.diagnostics, ...resolved.diagnostics];
  const { source } = loaded;
  if (resolved.config && source) {
    const where = (): { file: string; line?: number; column?: number } => (override.from === undefined
      ? { file: source.file, ...locateJsonKey(source.text, [...source.keyPath, 'url']) }
      : { file: override.from });
    const placeholder = placeholderUrlProblem(resolved.config.url, where, values.strict === true);
    if (placeholder) diagnostics.push(placeholder);
  }
  const outPath = resolve(root, outDir);
  const note = (message: string): void => io.stderr(`feedwright: ${message}\n`);
  if (command === 'build') {
    // A build killed between its two renames leaves dist/ missing and dist.old-… beside it: put it back first,
    // whether or not this build succeeds. (`check` writes nothing, so it leaves that to the next build.)
    try {
      await recoverOutput(outPath, { onNote: note });
    } catch (error) {
      diagnostics.push(diagnostic(outDir, 'error', 'write-failed', `could not look for leftovers of an earlier build: ${(error as Error).message}`));
    }
  }
  // The cache only ever speeds a build up (see cache.ts); `check`, or a build with a broken config, does without.
  const disk = command === 'build' && opts.cache ? (opts.freshCache === true ? DiskCache.empty(opts.cache.dir) : opts.cache) : undefined;
  let summary = '';
  let skipped = '';
  // A broken config must not hide the posts' problems: check them with the defaults, so one run reports all.
  const config = resolved.config ?? (loaded.source ? salvageConfig(loaded.source) : undefined);
  // The up-to-date check (engine/up-to-date.ts): with everything the last build read unchanged, and the output as
  // it left it, that build's report is this one's, and nothing is read or written.
  const look = command === 'build' && disk && opts.freshCache !== true && resolved.config && source
    ? lookAtInputs([resolve(root, postsDir), resolve(root, resolved.config.static)], {
      drafts: values.drafts ?? false, future: values.future ?? false, expired: values.expired ?? false, postsDir, outDir, configPath,
      config: resolved.config, source: { file: source.file, keyPath: source.keyPath, text: source.text },
    }, Date.now())
    : undefined;
  // Its problems are printed as that build printed them, unless they are to be reported with this run's own (the
  // config's) or as GitHub annotations.
  const alone = diagnostics.length === 0 && io.env.GITHUB_ACTIONS !== 'true';
  const as = alone ? 'text' : 'list';
  // (the record of the last build, read once for both)
  const record = look && disk ? lastRecord(disk.dir, outPath, now) : undefined;
  const said = look && disk ? upToDate(disk.dir, record, look, outPath, as) ?? await patched() : undefined;
  // Or, after an edit of posts' bodies, the patch of the last build (cli/patch.ts): only what carries them is made.
  async function patched(): Promise<Replay | undefined> {
    if (!look || !disk || !resolved.config || config !== resolved.config || hasErrors(diagnostics) || (values.strict === true && diagnostics.length > 0)) return undefined;
    // A big blog's edited post is rendered in a thread started first: it loads the Markdown, YAML and HTML libraries
    // while this one loads the patch's modules and reads the plan (render-pool.ts, warmThread; only when there is a
    // plan: a first build has none; the full build that may follow starts its own).
    const [{ RenderPool, warmThread }, { hasPlan }] = await Promise.all([import('../engine/render-pool.js'), import('../engine/plan.js')]);
    const pool = warmThread(look.numbers.length / 4) && hasPlan(disk.dir) ? new RenderPool(resolved.config, 1) : undefined;
    let done: Patched | Refused;
    try {
      done = await (await import('./patch.js')).patch({
        cache: disk, look, record, out: outPath, shownOut: outDir, postsDir: shownPostsDir(postsDir), config: resolved.config, now,
        strict: values.strict === true, as, onNote: note, ...(pool && { pool }),
      });
    } catch (error) {
      // (a damaged stored post or a bug in a stage is reported as in a full build; anything else the patch ran into,
      // such as a plan's row of the wrong shape, is a full build's to do)
      if (error instanceof StageError || error instanceof DamagedCacheError) throw error;
      done = { refused: `the patch failed: ${(error as Error).message}` };
    } finally {
      // (not waited for: the thread stops while this one goes on, ~10 ms sooner)
      void pool?.close();
    }
    if (io.env.FEEDWRIGHT_DEBUG === '1') note('refused' in done ? `not patched: ${done.refused}` : `patched: ${done.rendered} post${done.rendered === 1 ? '' : 's'} rendered`);
    return 'refused' in done ? undefined : done;
  }
  let recorded: NonNullable<typeof said>['report'];
  if (said) {
    skipped = formatSkipped(said.skipped, shownPostsDir(postsDir));
    diagnostics = [...diagnostics, ...said.diagnostics ?? []];
    recorded = said.report;
    summary = `Built ${said.posts} post${said.posts === 1 ? '' : 's'} into ${outDir}/: ${said.files} files in ${Math.round(performance.now() - started)} ms${leftOutNote(said.leftOut)}\n`;
  } else if (config) {
    const progress = progressReporter(io);
    const cache = config === resolved.config ? disk : undefined;
    // Loaded only when there is a build to do: the up-to-date check above needs none of the pipeline.
    const { build } = await import('../build.js');
    const result = await build({
      config, root, postsDir, now,
      drafts: values.drafts ?? false, future: values.future ?? false, expired: values.expired ?? false,
      ...(progress && { onProgress: progress.update }),
      ...(cache && { cache }),
      ...(loaded.source && { configSource: loaded.source }),
      ...(look && cache && { sources: look.view, describe: true }),
      outDir,
    });
    progress?.done();
    skipped = formatSkipped(result.skipped, shownPostsDir(postsDir));
    diagnostics = [...diagnostics, ...result.diagnostics];
    const failing = hasErrors(diagnostics) || (values.strict === true && diagnostics.length > 0);
    const writeFailed = (message: string): void => {
      diagnostics.push(diagnostic(outDir, 'error', 'write-failed', `could not write the output: ${message}; the previous output was left as it was`));
    };
    // Anything in an earlier output that feedwright did not write: refused, as a wrong --out, for `check` too. The
    // cache's record (read by the build already) shows whether the folder is as the last build left it, which
    // spares listing it.
    // (`build` leaves that to the write, which looks at the folder under its lock anyway: one look, not two.)
    const stray = failing || command === 'build' ? undefined : await outputProblem(outPath, outDir, () => opts.cache?.manifest(outPath), 'contents');
    const refused = (problem: string): number => {
      report(diagnostics, io);
      io.stderr(`feedwright: ${problem}\n`);
      return 2;
    };
    if (stray !== undefined) return refused(stray);
    if (!failing && command === 'build') {
      try {
        // With the cache's record of what the last build put there, unchanged files are linked, not written.
        // The output before it is kept in the cache's folder as the spare the next build brings up to date.
        const spare = cache && spareDir(cache.dir, outPath);
        const written = await writeOutput(outPath, result.files, outDir, {
          previous: cache?.manifest(outPath), ...(spare && { spare: { dir: spare, manifest: cache?.manifest(spare) } }), onNote: note,
        });
        // Saved only after a build that wrote its output: a failed one leaves everything as it was.
        cache?.setManifest(outPath, written.manifest);
        if (spare) cache?.setManifest(spare, written.spare);
        saveCache(cache, io);
        if (cache) {
          const record = remember(cache.dir, look, outPath, written.manifest.dirs, now, result);
          (await import('./keep-plan.js')).keepPlan(cache, look, outPath, result, record, now);
        }
      } catch (error) {
        if (error instanceof RefusedOutput) return refused(error.message);
        // Contents are made as they are written: a serializer's bug surfaces here and is reported as one.
        if (error instanceof StageError || error instanceof DamagedCacheError) throw error;
        writeFailed((error as Error).message);
      }
    }
    // Contents are made when read (copied files are only copied: reading them would load each whole).
    if (command === 'check') {
      for (const file of result.files) file.plan?.();
      for (const file of result.files) if (file.copyOf === undefined) void file.contents;
    }
    const posts = result.site?.posts.length ?? 0;
    const ms = Math.round(performance.now() - started);
    const unpublished = leftOutNote(result.site?.leftOut);
    summary = command === 'build'
      ? `Built ${posts} post${posts === 1 ? '' : 's'} into ${outDir}/: ${result.files.length} files in ${ms} ms${unpublished}\n`
      : `Checked ${posts} post${posts === 1 ? '' : 's'}: ${result.files.length} files rendered in memory in ${ms} ms, nothing written${unpublished}\n`;
  }
  // What was not read is said whatever the outcome: a missing post may be why the build failed.
  io.stdout(skipped);
  if (recorded === undefined) report(diagnostics, io);
  else if (recorded.text.length > 0) {
    // (as bytes where the output takes them: 1.6 MB of text at 10,000 posts, decoded and encoded again, cost 15 ms)
    if (io.stderrBytes) io.stderrBytes(recorded.text);
    else io.stderr(new TextDecoder().decode(recorded.text));
  }
  const problems = diagnostics.length + (recorded?.problems ?? 0);
  const failed = hasErrors(diagnostics) || recorded?.errors === true || (values.strict === true && problems > 0);
  if (failed) {
    io.stderr(command === 'build' ? `Nothing was written; ${outDir}/ is unchanged.\n` : '');
    return 1;
  }
  io.stdout(summary);
  return 0;
}

/** Record what this build read and said, for the next build's up-to-date check (engine/up-to-date.ts). */
function remember(cacheDir: string, look: InputsLook | undefined, out: string, dirs: Readonly<Record<string, number>>, now: number,
  result: Awaited<ReturnType<typeof Build>>): ReturnType<typeof recordBuild> {
  return recordBuild(cacheDir, look, out, dirs, now, {
    skipped: result.skipped, diagnostics: result.diagnostics, posts: result.site?.posts.length ?? 0, files: result.files.length,
    ...(result.site?.leftOut && { leftOut: result.site.leftOut }),
    ...(result.site?.until !== undefined && { until: result.site.until }),
  }, reportText(result.diagnostics));
}

/**
 * `; left out: 2 drafts, 1 post dated in the future, 1 expired post (--drafts, --future, --expired to include)`, or
 * nothing when all are published.
 */
function leftOutNote(leftOut: Site['leftOut'] | undefined): string {
  if (!leftOut) return '';
  const expired = leftOut.expired ?? 0;
  const parts = [
    ...(leftOut.drafts > 0 ? [`${leftOut.drafts} draft${leftOut.drafts === 1 ? '' : 's'}`] : []),
    ...(leftOut.future > 0 ? [`${leftOut.future} post${leftOut.future === 1 ? '' : 's'} dated in the future`] : []),
    ...(expired > 0 ? [`${expired} expired post${expired === 1 ? '' : 's'}`] : []),
  ];
  const flags = [...(leftOut.drafts > 0 ? ['--drafts'] : []), ...(leftOut.future > 0 ? ['--future'] : []), ...(expired > 0 ? ['--expired'] : [])];
  return parts.length === 0 ? '' : `; left out: ${parts.join(', ')} (${flags.join(', ')} to include)`;
}

/** Save the build cache; failing to is worth a line, never a failed build (the output is already in place). */
function saveCache(cache: DiskCache | undefined, io: Io): void {
  try {
    cache?.save();
  } catch (error) {
    io.stderr(`feedwright: could not save the build cache in ${CACHE_DIR}: ${(error as Error).message}\n`);
  }
}

/** node:util's message for an unknown option is long and generic; name the option and the likely one meant. */
function usageProblem(error: Error): string {
  const unknown = /^Unknown option '(-{1,2}[^']+)'/.exec(error.message)?.[1];
  if (unknown === undefined) return error.message;
  const guess = didYouMean(unknown.replace(/^-+/, ''), Object.keys(OPTIONS));
  return `unknown option ${unknown}${guess ? `; did you mean --${guess}?` : ''}`;
}
