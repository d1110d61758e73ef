import { diagnostic, type Diagnostic, type Position } from '../common/diagnostics.js';
import { parsePermalinkOption, type PermalinkConfig } from './permalink.js';
import { resolvePodcast, type PodcastConfig } from './podcast.js';
import { didYouMean, isPlainObject, locateJsonKey } from '../common/util.js';

/** A person credited for the feed or a post. */
export interface Author {
  readonly name: string;
  readonly email?: string;
  readonly url?: string;
}

/** Output file names, relative to the output folder. */
export interface OutputNames {
  readonly rss: string;
  readonly atom: string;
  readonly json: string;
}

/** The configuration as a user may write it: everything optional, nothing trusted. */
export type UserConfig = Record<string, unknown>;

/** The configuration every later stage sees: validated, defaults applied. */
export interface ResolvedConfig {
  readonly title: string;
  /** Absolute http(s) URL of the site root, always ending in `/`. */
  readonly url: string;
  readonly description: string;
  /** Canonical BCP 47 tag. */
  readonly language: string;
  readonly author: Author;
  /** IANA zone used for dates written without an offset. */
  readonly timeZone: string;
  /** How many newest items each subscription feed carries; `null` for all (and no archives). */
  readonly limit: number | null;
  /** Posts per RFC 5005 archive document (older posts than the subscription feed carries). */
  readonly archiveSize: number;
  readonly output: OutputNames;
  /**
   * The static folder, relative to the project root (`/`-separated, no `..`): its files are copied to the output
   * as they are (see static-files.ts).
   */
  readonly static: string;
  /** Absolute URLs of the feed's small and large images. */
  readonly icon?: string;
  readonly logo?: string;
  /**
   * When `icon`/`logo` was written as a path into the site (not a full URL): that path, which names a file the
   * static folder must hold (`/`-separated, NFC, no query). The build checks it and reads its type and size.
   */
  readonly iconFile?: string;
  readonly logoFile?: string;
  readonly copyright?: string;
  /** Longest summary, in characters, before a warning. */
  readonly summaryLength: number;
  /** Trusted authors: keep raw HTML in posts exactly as written (no sanitizing). */
  readonly allowRawHtml: boolean;
  /**
   * Trusted authors: publish any file in a post bundle, HTML and scripts included (bundle-policy.ts). Absent or
   * false: only images, audio, video, fonts and documents.
   */
  readonly allowAnyBundleFile?: boolean;
  /** Podcast mode: the RSS feed gains the itunes: and podcast: tags directories require. */
  readonly podcast?: PodcastConfig;
  /** WebSub hub URL: every feed links to it with `rel="hub"`, and `feedwright ping` notifies it. */
  readonly hub?: string;
  /** Where posts are published, when not `posts/<slug>/` (see permalink.ts). Part of every post's cache key. */
  readonly permalink?: PermalinkConfig;
}

/** Values from the command line and environment, which win over the config file. */
export interface ConfigOverrides {
  readonly url?: string;
  /** Where `url` came from (`--site-url`, `FEEDWRIGHT_SITE_URL`): a bad value is reported there, not at a config line. */
  readonly urlFrom?: string;
}

/** Where the config came from, so problems can point at it. */
export interface ConfigSource {
  /** Path shown in diagnostics, e.g. `package.json`. */
  readonly file: string;
  /** The raw JSON text, to find line numbers of keys. */
  readonly text: string;
  /** The `feedwright` object (or the whole file for a dedicated config file). */
  readonly data: unknown;
  /** Path of keys leading to `data` inside the file, e.g. `['feedwright']`. */
  readonly keyPath: readonly string[];
}

export const DEFAULTS = {
  title: 'My feed',
  description: '',
  language: 'en',
  timeZone: 'UTC',
  limit: 20,
  archiveSize: 50,
  output: { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' },
  summaryLength: 300,
  allowRawHtml: false,
  static: 'static',
} as const;

const KNOWN_KEYS = [
  'title', 'url', 'description', 'language', 'author', 'timeZone', 'limit', 'output',
  'icon', 'logo', 'copyright', 'summaryLength', 'allowRawHtml', 'allowAnyBundleFile', 'podcast', 'hub', 'archiveSize', 'permalink', 'static',
] as const;

export interface ConfigResult {
  readonly config?: ResolvedConfig;
  readonly diagnostics: Diagnostic[];
}

/** Validate the user's configuration once; everything downstream trusts the result. */
export function resolveConfig(source: ConfigSource, overrides: ConfigOverrides = {}): ConfigResult {
  const problems: Diagnostic[] = [];
  const at = (key: string): Position | undefined => locateJsonKey(source.text, [...source.keyPath, key]);
  const fail = (key: string, code: string, message: string): void => {
    problems.push(diagnostic(source.file, 'error', code, message, at(key)));
  };
  const data = source.data ?? {};
  if (!isPlainObject(data)) {
    problems.push(diagnostic(source.file, 'error', 'config-type', `the feedwright config must be an object, found ${describe(data)}`));
    return { diagnostics: problems };
  }
  for (const key of Object.keys(data)) {
    if (!(KNOWN_KEYS as readonly string[]).includes(key)) {
      const guess = didYouMean(key, KNOWN_KEYS);
      fail(key, 'config-unknown-key', `unknown config key "${key}"${guess ? `; did you mean "${guess}"?` : ''}; known keys: ${KNOWN_KEYS.join(', ')}`);
    }
  }

  const str = (key: string, fallback: string): string => {
    const v = data[key];
    if (v === undefined) return fallback;
    if (typeof v === 'string') return v;
    fail(key, 'config-type', `"${key}" must be a string, found ${describe(v)}`);
    return fallback;
  };
  const optStr = (key: string): string | undefined => {
    const v = data[key];
    if (v === undefined || typeof v === 'string') return v;
    fail(key, 'config-type', `"${key}" must be a string, found ${describe(v)}`);
    return undefined;
  };

  const title = str('title', DEFAULTS.title);
  const description = str('description', DEFAULTS.description);
  const rawUrl = overrides.url ?? optStr('url');
  let url = 'http://localhost/';
  if (rawUrl === undefined) {
    fail('url', 'config-missing-url', 'the site URL is missing: set "url" in the feedwright config (e.g. "https://example.com/blog/"), pass --site-url or set FEEDWRIGHT_SITE_URL');
  } else {
    const parsed = parseSiteUrl(rawUrl);
    if (typeof parsed === 'string') url = parsed;
    else if (overrides.urlFrom !== undefined) {
      const what = overrides.urlFrom.startsWith('--') ? 'the flag' : 'the environment variable';
      problems.push(diagnostic(overrides.urlFrom, 'error', 'config-url', `${what} ${parsed.problem}, found "${rawUrl}"`));
    } else fail('url', 'config-url', `${overrides.url !== undefined ? 'the site URL override' : '"url"'} ${parsed.problem}, found "${rawUrl}"`);
  }

  let language: string = DEFAULTS.language;
  const rawLanguage = optStr('language');
  if (rawLanguage !== undefined) {
    const canonical = languageTag(rawLanguage);
    if (canonical !== undefined) language = canonical;
    else fail('language', 'config-language', `"language" must be a BCP 47 language tag with a known language such as "en" or "pt-BR", found "${rawLanguage}"`);
  }

  let timeZone: string = DEFAULTS.timeZone;
  const rawZone = optStr('timeZone');
  if (rawZone !== undefined) {
    if (isTimeZone(rawZone)) timeZone = rawZone;
    else fail('timeZone', 'config-time-zone', `"timeZone" must be an IANA time zone such as "UTC" or "Europe/Paris", found "${rawZone}"`);
  }

  // Podcast apps list only the episodes in the feed they subscribe to (they do not follow RFC 5005 archives),
  // so a podcast keeps every episode unless `limit` says otherwise.
  let limit: number | null = data.podcast === undefined ? DEFAULTS.limit : null;
  if (data.limit === null) limit = null;
  else if (data.limit !== undefined) {
    if (typeof data.limit === 'number' && Number.isInteger(data.limit) && data.limit > 0) limit = data.limit;
    else fail('limit', 'config-limit', `"limit" must be a positive whole number (or null for all posts), found ${describe(data.limit)}`);
  }

  let archiveSize: number = DEFAULTS.archiveSize;
  if (data.archiveSize !== undefined) {
    if (typeof data.archiveSize === 'number' && Number.isInteger(data.archiveSize) && data.archiveSize > 0) archiveSize = data.archiveSize;
    else fail('archiveSize', 'config-type', `"archiveSize" must be a positive whole number of posts per archive document, found ${describe(data.archiveSize)}`);
  }

  let summaryLength: number = DEFAULTS.summaryLength;
  if (data.summaryLength !== undefined) {
    if (typeof data.summaryLength === 'number' && Number.isInteger(data.summaryLength) && data.summaryLength > 0) summaryLength = data.summaryLength;
    else fail('summaryLength', 'config-type', `"summaryLength" must be a positive whole number, found ${describe(data.summaryLength)}`);
  }

  let allowRawHtml: boolean = DEFAULTS.allowRawHtml;
  if (data.allowRawHtml !== undefined) {
    if (typeof data.allowRawHtml === 'boolean') allowRawHtml = data.allowRawHtml;
    else fail('allowRawHtml', 'config-type', `"allowRawHtml" must be true or false, found ${describe(data.allowRawHtml)}`);
  }

  let allowAnyBundleFile = false;
  if (data.allowAnyBundleFile !== undefined) {
    if (typeof data.allowAnyBundleFile === 'boolean') allowAnyBundleFile = data.allowAnyBundleFile;
    else fail('allowAnyBundleFile', 'config-type', `"allowAnyBundleFile" must be true or false, found ${describe(data.allowAnyBundleFile)}`);
  }

  const author = resolveAuthor(data.author, title, (code, message) => fail('author', code, message));
  const output = resolveOutput(data.output, (code, message) => fail('output', code, message));
  const icon = resolveAssetUrl(optStr('icon'), url, (m) => fail('icon', 'config-url', `"icon" ${m}`));
  const logo = resolveAssetUrl(optStr('logo'), url, (m) => fail('logo', 'config-url', `"logo" ${m}`));
  const staticDir = staticFolder(str('static', DEFAULTS.static), (m) => fail('static', 'config-static', `"static" ${m}`));
  const copyright = optStr('copyright');
  const podcast = data.podcast === undefined ? undefined : resolvePodcast(
    data.podcast,
    { siteUrl: url, rssUrl: new URL(output.rss, url).href, author },
    (path, code, message) => problems.push(diagnostic(source.file, 'error', code, message, locateJsonKey(source.text, [...source.keyPath, 'podcast', ...path]))),
  );
  const rawHub = optStr('hub');
  const hub = rawHub === undefined ? undefined : parseHubUrl(rawHub, (m) => fail('hub', 'config-url', `"hub" ${m}`));

  let permalink: PermalinkConfig | undefined;
  if (data.permalink !== undefined) {
    const parsed = parsePermalinkOption(data.permalink);
    if ('problem' in parsed) fail('permalink', 'config-permalink', `"permalink" ${parsed.problem}, found ${describe(data.permalink)}`);
    else permalink = parsed;
  }

  if (problems.length > 0) return { diagnostics: problems };
  return {
    diagnostics: [],
    config: {
      title, url, description, language, author, timeZone, limit, archiveSize, output, summaryLength, allowRawHtml,
      ...(allowAnyBundleFile && { allowAnyBundleFile }),
      static: staticDir,
      ...(icon !== undefined && { icon: icon.url }),
      ...(logo !== undefined && { logo: logo.url }),
      ...(icon?.file !== undefined && { iconFile: icon.file }),
      ...(logo?.file !== undefined && { logoFile: logo.file }),
      ...(copyright !== undefined && { copyright }),
      ...(podcast !== undefined && { podcast }),
      ...(hub !== undefined && { hub }),
      ...(permalink !== undefined && { permalink }),
    },
  };
}

/** An absolute http(s) URL, normalised to end with `/`; or why not. */
export function parseSiteUrl(raw: string): string | { problem: string } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { problem: 'must be an absolute URL starting with https:// or http://' };
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return { problem: 'must use https:// or http://' };
  if (u.search || u.hash) return { problem: 'must not carry a query or fragment' };
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return u.href;
}

/** Made when first needed: it loads the ICU language names, about 25 ms, which a config without a language never uses. */
let languageNames: Intl.DisplayNames | undefined;

/**
 * The canonical form of a BCP 47 tag whose language is a real ISO 639 language, or undefined. Well-formed
 * alone is not enough: "english" and "xx" are well-formed tags but name no language a feed reader knows.
 */
export function languageTag(raw: string): string | undefined {
  try {
    const [canonical] = Intl.getCanonicalLocales(raw);
    if (canonical === undefined) return undefined;
    const { language } = new Intl.Locale(canonical);
    languageNames ??= new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });
    if (!/^[a-z]{2,3}$/.test(language) || languageNames.of(language) === undefined) return undefined;
    return canonical;
  } catch {
    return undefined;
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

type Report = (code: string, message: string) => void;

/**
 * Accepts `"Name"`, `"Name <mail@example.com>"`, `"[Name](https://…)"` or `{name, email?, url?}`. Other fields in the mapping are an
 * error unless `otherFields` is `'ignore'` (a post's front matter, where themes add `twitter`, `avatar`, …).
 */
export function parseAuthor(value: unknown, options: { readonly otherFields?: 'error' | 'ignore' } = {}): Author | string {
  if (typeof value === 'string') {
    // A Markdown link, as themes that render the author as Markdown have it written (beautifulhugo's example site):
    // `[Jane Doe](https://jane.example)` is Jane Doe with her URL, never a name with brackets in it.
    const link = /^\s*\[([^[\]]*[^[\]\s][^[\]]*)\]\(\s*<?([^\s<>()]+)>?\s*\)\s*$/.exec(value);
    if (link) {
      const name = (link[1] ?? '').trim();
      const target = link[2] ?? '';
      const mail = /^mailto:([^@\s]+@[^@\s]+)$/i.exec(target)?.[1];
      if (mail !== undefined) return { name, email: mail };
      return typeof parseSiteUrl(target) === 'string' ? { name, url: new URL(target).href } : { name };
    }
    const m = /^\s*(.*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(value);
    const name = (m ? m[1] : value)?.trim() ?? '';
    if (name === '') return 'an author needs a non-empty name';
    return m?.[2] ? { name, email: m[2] } : { name };
  }
  if (!isPlainObject(value)) return `an author must be a name or {name, email, url}, found ${describe(value)}`;
  const { name, email, url, ...rest } = value;
  const extra = Object.keys(rest);
  if (extra.length > 0 && options.otherFields !== 'ignore') return `unknown author field "${extra[0]}"; known fields: name, email, url`;
  if (typeof name !== 'string' || name.trim() === '') return `an author needs a non-empty "name", found ${describe(name)}`;
  if (email !== undefined && (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(email))) {
    return `author "email" must look like name@example.com, found ${describe(email)}`;
  }
  if (url !== undefined) {
    const parsed = typeof url === 'string' ? parseSiteUrl(url) : { problem: 'must be a string' };
    if (typeof parsed !== 'string') return `author "url" ${parsed.problem}, found ${describe(url)}`;
  }
  return {
    name: name.trim(),
    ...(typeof email === 'string' && { email }),
    ...(typeof url === 'string' && { url: new URL(url).href }),
  };
}

function resolveAuthor(value: unknown, title: string, report: Report): Author {
  if (value === undefined) return { name: title };
  const parsed = parseAuthor(value);
  if (typeof parsed === 'string') {
    report('config-author', parsed);
    return { name: title };
  }
  return parsed;
}

function resolveOutput(value: unknown, report: Report): OutputNames {
  if (value === undefined) return DEFAULTS.output;
  if (!isPlainObject(value)) {
    report('config-type', `"output" must be an object like {"rss": "rss.xml", "atom": "atom.xml", "json": "feed.json"}, found ${describe(value)}`);
    return DEFAULTS.output;
  }
  const out: Record<keyof OutputNames, string> = { ...DEFAULTS.output };
  for (const [key, name] of Object.entries(value)) {
    if (key !== 'rss' && key !== 'atom' && key !== 'json') {
      report('config-unknown-key', `unknown output "${key}"; known outputs: rss, atom, json`);
    } else if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || name.includes('..')) {
      report('config-output', `output "${key}" must be a plain file name like "rss.xml", found ${describe(name)}`);
    } else if (SITE_NAMES.includes(name.toLowerCase()) || /^sitemap-\d+\.xml$/i.test(name)) {
      report('config-output', `output "${key}" cannot be "${name}": the site itself has a file or folder of that name (${SITE_NAMES.join(', ')}, sitemap-<n>.xml)`);
    } else {
      out[key] = name;
    }
  }
  // Letter case ignored: on macOS and Windows `RSS.xml` and `rss.xml` are one file.
  if (new Set(Object.values(out).map((n) => n.toLowerCase())).size !== 3) report('config-output', 'the three outputs must have different file names (letter case does not count)');
  return out;
}

/**
 * Names at the top of the output folder that the site itself writes (build.ts `render`): a feed of one of these
 * names would replace, or be replaced by, the site's own file or folder. Lower case; compared ignoring case.
 */
export const SITE_NAMES: readonly string[] = [
  'index.html', '404.html', 'style.css', 'copy.js', 'robots.txt', 'sitemap.xml', '_headers', 'posts', 'tags', 'archive', 'page',
];

/**
 * An image's URL: a full http(s) URL is used as it is; anything else is a path resolved against the site URL,
 * naming a file the static folder publishes (`file`), so it must stay inside the site (`/favicon.png` on a site
 * at `https://example.com/blog/` would point at `https://example.com/favicon.png`, which no build writes).
 */
function resolveAssetUrl(value: string | undefined, base: string, report: (message: string) => void): { url: string; file?: string } | undefined {
  if (value === undefined) return undefined;
  if (URL.canParse(value)) {
    const u = new URL(value);
    if (u.protocol === 'https:' || u.protocol === 'http:') return { url: u.href };
  } else if (value !== '') {
    const u = new URL(value, base);
    const site = new URL(base);
    if (u.origin === site.origin && u.pathname.startsWith(site.pathname) && u.pathname !== site.pathname) {
      let file: string | undefined;
      try {
        file = decodeURIComponent(u.pathname.slice(site.pathname.length)).normalize('NFC');
      } catch {
        // a malformed %-escape: reported below
      }
      if (file !== undefined && !file.endsWith('/')) return { url: u.href, file };
    } else {
      report(`"${value}" points outside the site (${u.href} is not below ${base}); a path in "icon" or "logo" names a file of the static folder, which is published at the site URL: write it without a leading "/" or "../" (e.g. "favicon.png"), or give a full https:// URL`);
      return undefined;
    }
  }
  report(`must be an http(s) URL or the path of a file in the static folder (e.g. "favicon.png"), found "${value}"`);
  return undefined;
}

/**
 * The static folder's name: a relative path inside the project, `/`-separated, without `.`/`..` segments (it is
 * published as a whole, so it must never be the project itself or lead out of it).
 */
function staticFolder(value: string, report: (message: string) => void): string {
  const parts = value.replace(/\\/g, '/').split('/').filter((part) => part !== '' && part !== '.');
  if (value.startsWith('/') || /^[A-Za-z]:/.test(value) || parts.includes('..') || parts.length === 0) {
    report(`must be a folder inside the project, relative to it (e.g. "static" or "site/static"), found "${value}"`);
    return DEFAULTS.static;
  }
  return parts.join('/');
}

/** A WebSub hub must be an absolute http(s) URL (it is linked from feeds read anywhere). */
function parseHubUrl(value: string, report: (message: string) => void): string | undefined {
  try {
    const u = new URL(value);
    if (u.protocol === 'https:' || u.protocol === 'http:') return u.href;
  } catch {
    // fall through to the report
  }
  report(`must be the absolute http(s) URL of a WebSub hub, such as "https://pubsubhubbub.appspot.com/", found "${value}"`);
  return undefined;
}

/** A short description of a value's type for messages: `a number (42)`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string': return `text ("${value.length > 40 ? `${value.slice(0, 40)}…` : value}")`;
    case 'number': return `a number (${value})`;
    case 'boolean': return `${value}`;
    case 'object': return 'a mapping';
    default: return typeof value;
  }
}
