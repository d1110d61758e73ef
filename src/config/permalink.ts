import { isSafeSlug } from '../common/slug.js';

/**
 * The `permalink` config option: where posts are published (post/permalink.ts makes each post's path from it).
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

/**
 * Top-level names the build writes itself (besides the configured feed file names): a post folder there would
 * replace them or be replaced.
 */
export const RESERVED = ['tags', 'archive', 'page', 'index.html', '404.html', 'style.css', 'copy.js', 'robots.txt', 'sitemap.xml', '_headers'];

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
