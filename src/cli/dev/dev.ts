import { resolve } from 'node:path';
import { build } from '../../build.js';
import { checkOutDir } from '../../output/out-dir.js';
import { CACHE_DIR, referenceTime, report, type Io } from '../io.js';
import { loadConfig, type CliValues } from '../commands/context.js';
import { DEFAULTS } from '../../config/config.js';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../../common/diagnostics.js';
import { headerRules } from '../../pages/hosting.js';
import { formatSkipped } from '../skipped.js';
import { shownPostsDir } from '../../read/text.js';
import { countChanges, outputProblem, primeSpare, writeOutput, type OutputFile, type OutputManifest, type Written } from '../../output/write.js';
import { spareDir, type Spare } from '../../output/spare.js';
import { MemoryCache } from '../../engine/memory-cache.js';
import { collectGarbage, collectIfGrown } from './collect.js';
import { startDevServer, type DevServer } from './server.js';
import { watchPaths, type PathChange, type PathWatcher } from './watch.js';
import { WatchedSources } from '../../read/source-view.js';

/** Edits arrive in bursts (editors write a temp file, then rename): wait this long for the burst to end. */
const SETTLE_MS = 25;
/** How long dev waits after a rebuild, with no save coming, before it collects garbage. */
const IDLE_MS = 750;

/**
 * `feedwright dev`: serve the output folder on 127.0.0.1, build it with the site URL set to that server,
 * rebuild on every change to the posts folder (posts and bundle files), the static folder or the config, and
 * reload open pages.
 * A build with errors prints them and leaves the last good build in place and served.
 */
export async function dev(values: CliValues, io: Io): Promise<number> {
  // Listened to from the start, so that Ctrl+C during the first build ends dev cleanly once that build is done
  // (a command that does not listen is ended at once: see bin.ts).
  const stopped = new Promise<void>((stop) => {
    if (io.signal?.aborted) stop();
    io.signal?.addEventListener('abort', () => stop(), { once: true });
  });
  const root = io.cwd;
  const postsDir = values.posts ?? 'posts';
  const outDir = values.out ?? 'dist';
  const configPath = values.config ?? 'package.json';
  const outProblem = checkOutDir(root, postsDir, outDir);
  const port = Number(values.port ?? '8080');
  if (outProblem || !Number.isInteger(port) || port < 0 || port > 65535) {
    io.stderr(`feedwright: ${outProblem ?? `--port must be a whole number from 0 to 65535, found "${values.port}"`}\n`);
    return 2;
  }
  // The first build replaces the folder as a whole: refuse, as `build` does, one that holds someone's files.
  const outPath = resolve(root, outDir);
  const held = await outputProblem(outPath, outDir);
  if (held !== undefined) {
    io.stderr(`feedwright: ${held}\n`);
    return 2;
  }
  let server: DevServer;
  try {
    server = await startDevServer(resolve(root, outDir), port);
  } catch (error) {
    const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    io.stderr(`feedwright: cannot serve on 127.0.0.1:${port}: ${inUse ? 'the port is in use; pass --port with another number (or 0 for any free port)' : (error as Error).message}\n`);
    return 1;
  }

  // The engine's records, in memory: every post's stage result (the build cache `build` keeps on disk), what the
  // last write put in the output folder, and the spare output the next write brings up to date (output/spare.ts).
  const cache = new MemoryCache();
  // The posts folder as the watcher reports it: a save stats the file saved, not every post (read/source-view.ts).
  const sources = new WatchedSources();
  let previous: OutputManifest | undefined;
  let spare: Spare = { dir: spareDir(resolve(root, CACHE_DIR), outPath), manifest: undefined };
  let priming: Promise<void> = Promise.resolve();
  // The static folder is named by the config: watched once known (a config naming another adds that one).
  let staticDir: string | undefined;
  const watched = new Set<string>();
  let watcher: PathWatcher | undefined;
  const watchStatic = (): void => {
    if (!watcher || staticDir === undefined || watched.has(staticDir)) return;
    watcher.add(resolve(root, staticDir));
    watched.add(staticDir);
  };
  // The line naming skipped files is printed when it changes, not on every save.
  let skippedLine = '';
  const rebuild = async (): Promise<void> => {
    const started = performance.now();
    collectIfGrown();
    const loaded = await loadConfig(io, values, server.url);
    const now = referenceTime(io);
    let diagnostics: Diagnostic[] = loaded.diagnostics;
    let files: OutputFile[] = [];
    let posts = 0;
    if (loaded.config && !hasErrors(diagnostics) && typeof now === 'number') {
      const result = await build({
        config: loaded.config, root, postsDir, now, drafts: values.drafts ?? false, future: values.future ?? false, expired: values.expired ?? false,
        outDir, cache, sources, ...(loaded.source && { configSource: loaded.source }),
      });
      cache.settle();
      diagnostics = [...diagnostics, ...result.diagnostics];
      const line = formatSkipped(result.skipped, shownPostsDir(postsDir));
      if (line !== skippedLine) io.stdout(line);
      skippedLine = line;
      files = result.files;
      posts = result.site?.posts.length ?? 0;
      staticDir = loaded.config.static;
      watchStatic();
    }
    if (!loaded.config || typeof now === 'string' || hasErrors(diagnostics) || (values.strict === true && diagnostics.length > 0)) {
      report(diagnostics, io);
      if (typeof now === 'string') io.stderr(`feedwright: ${now}\n`);
      io.stderr(previous ? 'Still serving the last good build; fix the problems above and save.\n' : 'Nothing to serve yet; fix the problems above and save.\n');
      if (!previous) server.failing(diagnostics.map(formatDiagnostic).join('\n'));
      return;
    }
    const changed = previous ? countChanges(previous, files) : files.length;
    await priming; // (a spare being made is finished first: the write below takes it)
    if (changed === 0) {
      report(diagnostics, io);
      io.stdout(`Rebuilt in ${Math.round(performance.now() - started)} ms: no output changed\n`);
      return;
    }
    // The same atomic write as `build`'s: only the files whose inputs changed are made, and open pages never see
    // half an output. (The first one replaces whatever was in the folder, say a production build, as a whole.)
    let written: Written;
    try {
      written = await writeOutput(outPath, files, outDir, { ...(previous && { previous }), spare, onNote: (message) => io.stderr(`feedwright: ${message}\n`) });
    } catch (error) {
      report(diagnostics, io);
      throw error;
    }
    const manifest = written.manifest;
    previous = manifest;
    spare = { dir: spare.dir, manifest: written.spare, ...(written.spareIdentity !== undefined && { identity: written.spareIdentity }) };
    // No spare yet (the first build): one is made while dev waits for the first save.
    if (!spare.manifest) priming = primeSpare(outPath, spare.dir, manifest).then((made) => {
      if (made && previous === manifest) spare = made;
    });
    const ms = Math.round(performance.now() - started);
    server.ready(headerRules(loaded.config));
    server.reload();
    // Warnings are printed once open pages have their reload: a big blog's can be megabytes, written at the pace of
    // whatever reads the terminal.
    report(diagnostics, io);
    io.stdout(`Built ${posts} post${posts === 1 ? '' : 's'}: ${changed} of ${files.length} files changed in ${ms} ms\n`);
  };

  let queue: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  // Garbage is collected once dev has been idle a moment after a rebuild, never while a save waits (collect.ts).
  let idle: NodeJS.Timeout | undefined;
  const collectWhenIdle = (): void => {
    clearTimeout(idle);
    idle = setTimeout(collectGarbage, IDLE_MS).unref();
  };
  const schedule = (change?: PathChange): void => {
    sources.changed(change?.path, change?.kind ?? 'rename');
    clearTimeout(timer);
    clearTimeout(idle);
    timer = setTimeout(() => {
      // One build at a time, in order; an error in one never stops the loop.
      queue = queue.then(rebuild).then(collectWhenIdle).catch((error: unknown) => io.stderr(`feedwright: the rebuild failed: ${(error as Error).message}\n`));
    }, SETTLE_MS);
  };

  io.stdout(`Serving ${outDir}/ at ${server.url} (Ctrl+C to stop)\n`);
  // The watcher is ready before the first build reads anything: an edit saved while dev starts is either read by
  // that build or seen by the watcher, never lost between the two (tests/dev.test.ts saves during start-up 20 times).
  // (watchPaths sets every watcher up before it returns.)
  // The static folder is named by the config, so the config is read first for its name (the default if it is broken).
  staticDir = (await loadConfig(io, values, server.url)).config?.static ?? DEFAULTS.static;
  // A folder that cannot be watched (the system's limit on watchers reached, no permission) is said once.
  let unwatched = false;
  const watching = watchPaths([resolve(root, postsDir), resolve(root, configPath), resolve(root, staticDir)], schedule, (path, error) => {
    if (!unwatched) io.stderr(`feedwright: cannot watch ${path} (${error.message}); changes there may go unseen\n`);
    unwatched = true;
  });
  watcher = watching;
  watched.add(staticDir);
  // Through the queue, so a change seen during the first build waits for it instead of running beside it.
  queue = queue.then(rebuild).then(collectWhenIdle).catch((error: unknown) => io.stderr(`feedwright: the build failed: ${(error as Error).message}\n`));
  await queue;
  io.stdout(`Watching ${postsDir}/, ${staticDir}/ and ${configPath} for changes\n`);

  await stopped;
  clearTimeout(timer);
  clearTimeout(idle);
  await queue;
  await priming;
  await watching.close();
  await server.close();
  return 0;
}

