import { toIsoDay } from './dates.js';
import { isSafeSlug } from '../common/slug.js';

/**
 * Where a post is published: `posts/<slug>/` by default, or the config's `permalink` pattern
 * (`/:year/:month/:slug/`), or, when the config asks, the post's own front-matter `permalink`/`url`/`path`,
 * so that a blog moved to feedwright keeps the URLs it already has. Paths are relative to the site URL and
 * always name a folder (the post's page is its `index.html`, its bundle files sit beside it).
 */

/** The resolved `permalink` option. */
export interface PermalinkConfig {
  /** Pattern with `:year`, `:month`, `:day` and `:slug` (or `:title`), without a leading `/`, ending in `/`. */
  readonly pattern: string;
  /** Whether a post's front-matter `permalink`, `url` or `path` (first present) wins over the pattern. */
  readonly frontMatter: boolean;
}

/** The default pattern: what every post's URL was before the option existed (ids must never change). */
export const DEFAULT_PATTERN = 'posts/:slug/';

/** Front-matter keys read as a post's own permalink when the config says `"frontMatter": true`, in precedence order. */
export const PERMALINK_KEYS: readonly string[] = ['permalink', 'url', 'path'];

const PLACEHOLDERS = ['year', 'month', 'day', 'slug', 'title'] as const;
const MAX_SEGMENT_BYTES = 200;

/**
 * Top-level names the build writes itself (besides the configured feed file names): a post folder there would
 * replace them or be replaced.
 */
const RESERVED = ['tags', 'archive', 'page', 'index.html', '404.html', 'style.css', 'copy.js', 'robots.txt', 'sitemap.xml', '_headers'];

/** Check a `permalink` config value; the resolved option, or why it is wrong. */
export function parsePermalinkOption(value: unknown): PermalinkConfig | { problem: string } {
  const usage = 'must be a pattern such as "/:year/:month/:slug/" or {"pattern": "/:year/:slug/", "frontMatter": true}';
  let pattern: unknown = DEFAULT_PATTERN;
  let frontMatter: unknown = false;
  if (typeof value === 'string') pattern = value;
  else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const { pattern: p, frontMatter: f, ...rest } = value as Record<string, unknown>;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined) return { problem: `has an unknown field "${extra}"; known fields: pattern, frontMatter` };
    if (p !== undefined) pattern = p;
    if (f !== undefined) frontMatter = f;
  } else return { problem: usage };
  if (typeof frontMatter !== 'boolean') return { problem: '"frontMatter" must be true or false' };
  if (typeof pattern !== 'string') return { problem: usage };
  const trimmed = pattern.replace(/^\//, '');
  if (!trimmed.endsWith('/')) return { problem: `pattern "${pattern}" must end with "/" (each post is a folder with its index.html)` };
  const segments = trimmed.slice(0, -1).split('/');
  let named = false;
  for (const segment of segments) {
    for (const m of segment.matchAll(/:([a-z_]+)/g)) {
      if (!(PLACEHOLDERS as readonly string[]).includes(m[1] ?? '')) {
        return { problem: `pattern "${pattern}" has an unknown placeholder ":${m[1]}"; known: ${PLACEHOLDERS.map((p) => `:${p}`).join(', ')}` };
      }
      if (m[1] === 'slug' || m[1] === 'title') named = true;
    }
    const literal = segment.replace(/:[a-z_]+/g, 'x');
    // Each segment follows the slug rule (slug.ts): letters, digits, `-`, `_`, `.`, `~`, no leading dot, no `..`.
    if (!isSafeSlug(literal)) {
      return { problem: `pattern "${pattern}" has an unsafe or empty segment "${segment}": use letters, digits, "-", "_", "." and "~" between the "/"` };
    }
  }
  if (!named) return { problem: `pattern "${pattern}" must contain :slug (or :title), so that every post gets its own folder` };
  if (RESERVED.includes((segments[0] ?? '').toLowerCase())) return { problem: `pattern "${pattern}" starts with "${segments[0]}/", which feedwright writes itself` };
  return { pattern: trimmed, frontMatter };
}

/** What `postPath` needs of a post. */
export interface PathInput {
  readonly slug: string;
  /** Publication instant; undefined when the date was wrong (already reported): the default path is then used. */
  readonly date: number | undefined;
  readonly data: Readonly<Record<string, unknown>>;
  readonly error: (key: string, code: string, message: string) => void;
}

/**
 * What a post's path is made from besides the post: the config's permalink option, time zone and feed file names
 * (a resolved config is one; named here so the config module, which parses the option, need not be imported back).
 */
export interface PermalinkSettings {
  readonly permalink?: PermalinkConfig;
  readonly timeZone: string;
  readonly output: { readonly rss: string; readonly atom: string; readonly json: string };
}

/** A post's folder in the output (relative, ending in `/`), checked to be safe; problems go to `error`. */
export function postPath(config: PermalinkSettings, input: PathInput): string {
  const fallback = `posts/${input.slug}/`;
  const option = config.permalink;
  if (option === undefined) return fallback;
  if (option.frontMatter) {
    const key = PERMALINK_KEYS.find((k) => typeof input.data[k] === 'string');
    if (key !== undefined) return fromFrontMatter(input.data[key] as string, key, config, input) ?? fallback;
  }
  if (input.date === undefined) return fallback;
  const day = toIsoDay(input.date, config.timeZone);
  const values: Record<string, string> = { year: day.slice(0, 4), month: day.slice(5, 7), day: day.slice(8, 10), slug: input.slug, title: input.slug };
  const path = option.pattern.replace(/:([a-z_]+)/g, (_, name: string) => values[name] ?? '');
  return checked(path, 'slug', `the permalink "/${path}" made from the pattern`, config, input) ?? fallback;
}

/** A front-matter permalink (`/2019/05/old-post/`, `blog/x/index.html`), as a folder path relative to the site. */
function fromFrontMatter(raw: string, key: string, config: PermalinkSettings, input: PathInput): string | undefined {
  const value = raw.trim();
  const shown = `"${key}" "${value}"`;
  if (/\{\{|\{%|\}\}|%\}/.test(value)) {
    input.error(key, 'invalid-permalink', `${shown} is a template of another generator; write the path it gives, such as /2024/01/my-post/`);
    return undefined;
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(value) || value.startsWith('//')) {
    input.error(key, 'invalid-permalink', `${shown} must be a path on this site such as /2024/01/my-post/, not a full URL`);
    return undefined;
  }
  let path = value.replace(/^\/+/, '').replace(/(^|\/)index\.html?$/, '$1');
  if (/\.[a-z0-9]+$/i.test(path)) {
    input.error(key, 'invalid-permalink', `${shown} names a file; feedwright publishes each post as a folder (its index.html): write it with a trailing "/", e.g. /${path.replace(/\.[a-z0-9]+$/i, '')}/`);
    return undefined;
  }
  if (path !== '' && !path.endsWith('/')) path += '/';
  let decoded: string;
  try {
    decoded = path.split('/').map((s) => decodeURIComponent(s)).join('/').normalize('NFC');
  } catch {
    input.error(key, 'invalid-permalink', `${shown} has a broken %-escape`);
    return undefined;
  }
  return checked(decoded, key, shown, config, input);
}

/** `path` if it is a safe folder path of its own inside the output; otherwise undefined, with the reason reported. */
function checked(path: string, key: string, shown: string, config: PermalinkSettings, input: PathInput): string | undefined {
  const segments = path.slice(0, -1).split('/');
  if (path === '' || path === '/') {
    input.error(key, 'invalid-permalink', `${shown} is the site's home page, which feedwright writes itself; give the post a path of its own`);
    return undefined;
  }
  const bad = segments.find((s) => !isSafeSlug(s));
  if (bad !== undefined) {
    input.error(key, 'invalid-permalink', `${shown} has the segment "${bad}", which is not safe in a URL path: use letters, digits, "-", "_", "." and "~", with no "..", empty segments or leading dot`);
    return undefined;
  }
  const long = segments.find((s) => Buffer.byteLength(s) > MAX_SEGMENT_BYTES);
  if (long !== undefined) {
    input.error(key, 'invalid-permalink', `${shown} has a segment of ${Buffer.byteLength(long)} bytes; keep each under ${MAX_SEGMENT_BYTES + 1} bytes (it becomes a folder name)`);
    return undefined;
  }
  // Letter case does not count: on macOS and Windows `Tags/` is the folder `tags/`.
  const first = (segments[0] ?? '').toLowerCase();
  const reserved = [...RESERVED, config.output.rss, config.output.atom, config.output.json].map((n) => n.toLowerCase());
  if (reserved.includes(first) || /^sitemap-\d+\.xml$/.test(first)) {
    input.error(key, 'invalid-permalink', `${shown} starts with "${first}", which feedwright writes itself; choose another path`);
    return undefined;
  }
  return path;
}
