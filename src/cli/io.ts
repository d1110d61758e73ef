/* What every command shares (cli.ts and commands/ import it; it imports none of them): the outside world, the usage
   text, how problems are reported. */
import { formatDiagnostic, formatGithubAnnotation, formatSummary, sortDiagnostics, type Diagnostic } from '../common/diagnostics.js';

/** Everything the CLI needs from the outside world, passed in so tests can fake it. */
export interface Io {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Writes UTF-8 bytes to stderr, where that is cheaper than a string (the process's own stderr); else `stderr` is used. */
  readonly stderrBytes?: (bytes: Uint8Array) => void;
  /** Wall clock, used only to leave out future-dated and expired posts (SOURCE_DATE_EPOCH overrides it) and to date `new` posts. */
  readonly now: () => number;
  /** Whether stderr is a terminal: progress is drawn only there (and never when CI is set). */
  readonly isTTY?: boolean;
  /** Ends long-running commands (`dev`) when aborted, e.g. on Ctrl+C. */
  readonly signal?: AbortSignal;
}

/** Where the build cache lives, relative to the project root (the usual place for tools' caches). */
export const CACHE_DIR = 'node_modules/.cache/feedwright';

export const USAGE = `Usage: feedwright [build|check|dev|new "Title"|init|ping] [options]

Commands:
  build              read posts, write the feeds and pages into the output folder (default)
  check              validate config and posts and render everything in memory; write nothing
  dev                build with the site URL set to a local server, serve the output folder on
                     127.0.0.1, rebuild on every change to posts or config, reload open pages
  new "Title"        create posts/<date>-<slug>.md with front matter filled in (never overwrites)
  init               set up a blog in the current folder: config, an example post, static/, the GitHub
                     Pages workflow, .gitignore (creates what is missing, never overwrites a file);
                     with --posts, --out or --config, its scripts and workflow say them (the
                     config is then written into FILE)
  ping               tell the configured WebSub hub that every feed has changed (after a deploy)

Options:
  --posts DIR        folder of Markdown posts (default: posts)
  --out DIR          output folder, replaced as a whole on success (default: dist)
  --config FILE      package.json with a "feedwright" field, or a JSON config file (default: package.json)
  --site-url URL     site URL, overriding the config (env FEEDWRIGHT_SITE_URL does the same)
  --drafts           include posts with "draft: true"
  --future           include posts dated after now (now = SOURCE_DATE_EPOCH if set)
  --expired          include posts whose expiryDate (Hugo) is before now
  --strict           fail on warnings too
  --port N           dev: port on 127.0.0.1 (default 8080; 0 picks a free one)
  --no-cache         render every post again, ignoring node_modules/.cache/feedwright
  -h, --help         show this help
  -v, --version      show the version

Exit codes: 0 success, 1 errors in config or posts, 2 wrong usage.
`;

/** Print problems to stderr (and as GitHub annotations on stdout under GitHub Actions), then a summary line. */
export function report(diagnostics: readonly Diagnostic[], io: Io): void {
  if (diagnostics.length === 0) return;
  const github = io.env.GITHUB_ACTIONS === 'true';
  // Lines are written some kilobytes at a time: a blog can have thousands of warnings (`dev` prints them after
  // every save), and a write per line costs several times more. (Each annotation still follows its line.)
  let text = '';
  for (const d of sortDiagnostics(diagnostics)) {
    text += `${formatDiagnostic(d)}\n`;
    if (github) {
      io.stderr(text);
      io.stdout(`${formatGithubAnnotation(d)}\n`);
      text = '';
    } else if (text.length >= REPORT_CHUNK) {
      io.stderr(text);
      text = '';
    }
  }
  io.stderr(`${text}${formatSummary(diagnostics)}\n`);
}

/**
 * What `report` writes to stderr outside GitHub Actions, as one string: the up-to-date check records it with a build
 * (engine/up-to-date.ts), and a build with nothing to do prints it again rather than sort and format every problem.
 */
export function reportText(diagnostics: readonly Diagnostic[]): string {
  if (diagnostics.length === 0) return '';
  let text = '';
  for (const d of sortDiagnostics(diagnostics)) text += `${formatDiagnostic(d)}\n`;
  return `${text}${formatSummary(diagnostics)}\n`;
}

/** About how many characters `report` writes at a time (16 KiB: fewer writes gain little, longer strings cost more). */
const REPORT_CHUNK = 16_384;

/** The instant that decides which posts are in the future: SOURCE_DATE_EPOCH when set, otherwise the clock; or what is wrong with it. */
export function referenceTime(io: Io): number | string {
  const epoch = nonEmpty(io.env.SOURCE_DATE_EPOCH);
  if (epoch === undefined) return io.now();
  if (!/^\d+$/.test(epoch)) return `SOURCE_DATE_EPOCH must be whole seconds since 1970, found "${epoch}"`;
  return Number(epoch) * 1000;
}

export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
