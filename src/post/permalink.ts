import { toIsoDay } from './dates.js';
import { isSafeSlug } from '../common/slug.js';
import { PERMALINK_KEYS, RESERVED, type PermalinkConfig } from '../config/permalink.js';

const MAX_SEGMENT_BYTES = 200;

/**
 * Where a post is published: `posts/<slug>/` by default, or the config's `permalink` pattern
 * (`/:year/:month/:slug/`), or, when the config asks, the post's own front-matter `permalink`/`url`/`path`,
 * so that a blog moved to feedwright keeps the URLs it already has. Paths are relative to the site URL and
 * always name a folder (the post's page is its `index.html`, its bundle files sit beside it).
 */

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
