import { diagnostic, type Diagnostic } from '../common/diagnostics.js';

/**
 * The site URL as the command line and environment give it, before the config: `--site-url` wins over
 * `FEEDWRIGHT_SITE_URL`. Each keeps its name, so a bad value is reported as what it is (an environment variable is
 * not a line of package.json). An empty (or blank) variable counts as unset, as a CI system that defines every
 * variable leaves it, and says so in a note.
 */
export interface SiteUrlOverride {
  /** The URL to use instead of the config's, if any. */
  readonly url?: string;
  /** Where it came from, for messages: `--site-url` or `FEEDWRIGHT_SITE_URL`. */
  readonly from?: string;
  /** A line for the user when a value was ignored. */
  readonly note?: string;
}

export const SITE_URL_VARIABLE = 'FEEDWRIGHT_SITE_URL';

/** Pick the override from the `--site-url` flag and the environment. */
export function siteUrlOverride(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): SiteUrlOverride {
  if (flag !== undefined) return { url: flag, from: '--site-url' };
  const value = env[SITE_URL_VARIABLE];
  if (value === undefined) return {};
  if (value.trim() === '') return { note: `${SITE_URL_VARIABLE} is set but empty, so it was ignored; the site URL comes from the config` };
  return { url: value, from: SITE_URL_VARIABLE };
}

/**
 * Site URLs that stand for "not set yet": this repository's sample config and the one `feedwright init` writes.
 * A site built with one links every feed item to someone else's address (or none at all).
 */
export const PLACEHOLDER_URLS: readonly string[] = ['https://example.github.io/feedwright/', 'https://your-name.github.io/your-blog/'];

/** The URL `feedwright init` writes into a new config. */
export const INIT_PLACEHOLDER_URL = 'https://your-name.github.io/your-blog/';

/**
 * A warning (an error under --strict) when the site URL in use is a placeholder. `at` says where it was set; it is
 * called only for a placeholder (finding a key's line loads the YAML parser, which a build otherwise never needs).
 * Not part of config validation: `dev` and `new` never need the real URL, and CI passes it in the environment.
 */
export function placeholderUrlProblem(url: string, at: () => { file: string; line?: number; column?: number }, strict: boolean): Diagnostic | undefined {
  if (!PLACEHOLDER_URLS.includes(url)) return undefined;
  const { file, line, column } = at();
  return diagnostic(file, strict ? 'error' : 'warning', 'placeholder-url',
    `the site URL ${url} is a placeholder, so every link in the feeds and pages would point there: set "url" in the feedwright config to the address the site will be served from, or pass --site-url or set ${SITE_URL_VARIABLE}`,
    line !== undefined && column !== undefined ? { line, column } : undefined);
}
