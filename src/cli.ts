import { isAbsolute, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from './build.js';
import { resolveConfig } from './config.js';
import {
  diagnostic, formatDiagnostic, formatGithubAnnotation, formatSummary, hasErrors, type Diagnostic,
} from './diagnostics.js';
import { newPost } from './commands/new.js';
import { ping } from './commands/ping.js';
import { dev } from './dev/dev.js';
import { loadConfigSource } from './load-config.js';
import { progressReporter } from './progress.js';
import { VERSION } from './version.js';
import { writeOutput } from './write.js';

/** Everything the CLI needs from the outside world, passed in so tests can fake it. */
export interface Io {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Wall clock, used only to leave out future-dated posts (SOURCE_DATE_EPOCH overrides it) and to date `new` posts. */
  readonly now: () => number;
  /** Whether stderr is a terminal: progress is drawn only there (and never when CI is set). */
  readonly isTTY?: boolean;
  /** Ends long-running commands (`dev`) when aborted, e.g. on Ctrl+C. */
  readonly signal?: AbortSignal;
}

export const USAGE = `Usage: feedwright [build|check|dev|new "Title"|ping] [options]

Commands:
  build              read posts, write the feeds and pages into the output folder (default)
  check              validate config and posts and render everything in memory; write nothing
  dev                build with the site URL set to a local server, serve the output folder on
                     127.0.0.1, rebuild on every change to posts or config, reload open pages
  new "Title"        create posts/<date>-<slug>.md with front matter filled in (never overwrites)
  ping               tell the configured WebSub hub that every feed has changed (after a deploy)

Options:
  --posts DIR        folder of Markdown posts (default: posts)
  --out DIR          output folder, replaced as a whole on success (default: dist)
  --config FILE      package.json with a "feedwright" field, or a JSON config file (default: package.json)
  --site-url URL     site URL, overriding the config (env FEEDWRIGHT_SITE_URL does the same)
  --drafts           include posts with "draft: true"
  --future           include posts dated after now (now = SOURCE_DATE_EPOCH if set)
  --strict           fail on warnings too
  --port N           dev: port on 127.0.0.1 (default 8080; 0 picks a free one)
  -h, --help         show this help
  -v, --version      show the version

Exit codes: 0 success, 1 errors in config or posts, 2 wrong usage.
`;

const OPTIONS = {
  posts: { type: 'string' },
  out: { type: 'string' },
  config: { type: 'string' },
  'site-url': { type: 'string' },
  drafts: { type: 'boolean' },
  future: { type: 'boolean' },
  strict: { type: 'boolean' },
  port: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** Run the CLI; returns the exit code. The only side effects go through `io` and the output folder. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.stderr(`feedwright: ${(error as Error).message}\n\n${USAGE}`);
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
  if (command === 'new') return newPost(positionals.slice(1), values, io);
  if (command === 'ping' && positionals.length === 1) return ping(values, io);
  if (command === 'dev' && positionals.length === 1) return dev(values, io);
  if ((command !== 'build' && command !== 'check') || positionals.length > 1) {
    io.stderr(`feedwright: unknown command "${positionals.join(' ')}"\n\n${USAGE}`);
    return 2;
  }

  const started = performance.now();
  const root = io.cwd;
  const postsDir = values.posts ?? 'posts';
  const outDir = values.out ?? 'dist';
  const configPath = values.config ?? 'package.json';
  const outProblem = command === 'build' ? checkOutDir(root, postsDir, outDir) : undefined;
  if (outProblem) {
    io.stderr(`feedwright: ${outProblem}\n`);
    return 2;
  }
  const now = referenceTime(io);
  if (typeof now === 'string') {
    io.stderr(`feedwright: ${now}\n`);
    return 2;
  }

  const loaded = await loadConfigSource(resolve(root, configPath), configPath);
  const siteUrl = values['site-url'] ?? nonEmpty(io.env.FEEDWRIGHT_SITE_URL);
  const resolved = loaded.source
    ? resolveConfig(loaded.source, siteUrl === undefined ? {} : { url: siteUrl })
    : { diagnostics: [] };
  let diagnostics: Diagnostic[] = [...loaded.diagnostics, ...resolved.diagnostics];
  let summary = '';
  if (resolved.config && !hasErrors(diagnostics)) {
    const progress = progressReporter(io);
    const result = await build({
      config: resolved.config, root, postsDir, now,
      drafts: values.drafts ?? false, future: values.future ?? false,
      ...(progress && { onProgress: progress.update }),
    });
    progress?.done();
    diagnostics = [...diagnostics, ...result.diagnostics];
    const failing = hasErrors(diagnostics) || (values.strict === true && diagnostics.length > 0);
    if (!failing && command === 'build') {
      try {
        await writeOutput(resolve(root, outDir), result.files);
      } catch (error) {
        diagnostics.push(diagnostic(outDir, 'error', 'write-failed', `could not write the output: ${(error as Error).message}; the previous output was left as it was`));
      }
    }
    const posts = result.site?.posts.length ?? 0;
    const ms = Math.round(performance.now() - started);
    summary = command === 'build'
      ? `Built ${posts} post${posts === 1 ? '' : 's'} into ${outDir}/: ${result.files.length} files in ${ms} ms\n`
      : `Checked ${posts} post${posts === 1 ? '' : 's'}: ${result.files.length} files rendered in memory in ${ms} ms, nothing written\n`;
  }
  report(diagnostics, io);
  const failed = hasErrors(diagnostics) || (values.strict === true && diagnostics.length > 0);
  if (failed) {
    io.stderr(command === 'build' ? `Nothing was written; ${outDir}/ is unchanged.\n` : '');
    return 1;
  }
  io.stdout(summary);
  return 0;
}

export function report(diagnostics: readonly Diagnostic[], io: Io): void {
  if (diagnostics.length === 0) return;
  const github = io.env.GITHUB_ACTIONS === 'true';
  for (const d of diagnostics) {
    io.stderr(`${formatDiagnostic(d)}\n`);
    if (github) io.stdout(`${formatGithubAnnotation(d)}\n`);
  }
  io.stderr(`${formatSummary(diagnostics)}\n`);
}

/** The output folder is replaced wholesale, so it must never be the project, the posts, or hold them. */
export function checkOutDir(root: string, postsDir: string, outDir: string): string | undefined {
  const out = resolve(root, outDir);
  const project = resolve(root);
  const posts = resolve(root, postsDir);
  const contains = (parent: string, child: string): boolean => {
    const rel = relative(parent, child);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  };
  if (contains(out, project)) return `--out ${outDir} is the project folder or one of its parents; choose a folder of its own such as dist`;
  if (contains(out, posts) || contains(posts, out)) return `--out ${outDir} overlaps the posts folder ${postsDir}; choose a folder of its own such as dist`;
  return undefined;
}

export function referenceTime(io: Io): number | string {
  const epoch = nonEmpty(io.env.SOURCE_DATE_EPOCH);
  if (epoch === undefined) return io.now();
  if (!/^\d+$/.test(epoch)) return `SOURCE_DATE_EPOCH must be whole seconds since 1970, found "${epoch}"`;
  return Number(epoch) * 1000;
}

export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
