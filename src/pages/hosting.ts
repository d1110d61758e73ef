import type { ResolvedConfig } from '../config/config.js';
import { TAG_FEED_NAMES } from '../feeds/tags.js';

/**
 * What static hosts must send with `dist/`: the feeds' own media types (hosts guess `text/xml` or
 * `application/json` from the extension), UTF-8, and cache lifetimes. One list of rules feeds the `_headers`
 * file (Netlify, Cloudflare Pages), the nginx snippet in the README and the dev server, so all three agree.
 */

/** Media types of the three formats, with the charset the feeds are written in. */
export const FEED_MEDIA_TYPES = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
} as const;

/** Feeds are polled: a few minutes of caching spares the host without delaying new posts much. */
export const FEED_CACHE = 'public, max-age=600';
/** Style and script have fixed names (no fingerprint), so they are cached for an hour, not forever. */
const ASSET_CACHE = 'public, max-age=3600';

/** Headers for the paths one pattern matches. Patterns use `_headers` syntax: `:name` is one path segment. */
export interface HeaderRule {
  readonly pattern: string;
  readonly headers: readonly (readonly [string, string])[];
}

/**
 * The rules, most general first. Netlify and Cloudflare join a header set by two matching rules with a comma,
 * so each header name appears in only one rule that can match a given path.
 */
export function headerRules(config: ResolvedConfig): HeaderRule[] {
  const site: [string, string][] = [
    ['X-Content-Type-Options', 'nosniff'],
    ['Referrer-Policy', 'strict-origin-when-cross-origin'],
  ];
  // With sanitized posts the pages run only our own script; raw HTML may embed anything, so no policy then.
  if (!config.allowRawHtml) site.push(['Content-Security-Policy', CONTENT_SECURITY_POLICY]);
  const feed = (type: string): [string, string][] => [
    ['Content-Type', type],
    ['Cache-Control', FEED_CACHE],
    // Web-based readers fetch feeds from their own origin.
    ['Access-Control-Allow-Origin', '*'],
  ];
  return [
    { pattern: '/*', headers: site },
    { pattern: `/${config.output.rss}`, headers: feed(FEED_MEDIA_TYPES.rss) },
    { pattern: `/${config.output.atom}`, headers: feed(FEED_MEDIA_TYPES.atom) },
    { pattern: `/${config.output.json}`, headers: feed(FEED_MEDIA_TYPES.json) },
    { pattern: `/tags/:tag/${TAG_FEED_NAMES.rss}`, headers: feed(FEED_MEDIA_TYPES.rss) },
    { pattern: `/tags/:tag/${TAG_FEED_NAMES.atom}`, headers: feed(FEED_MEDIA_TYPES.atom) },
    { pattern: `/tags/:tag/${TAG_FEED_NAMES.json}`, headers: feed(FEED_MEDIA_TYPES.json) },
    // RFC 5005 archives sit in archive/<n>/ beside each feed (feeds/archive.ts).
    { pattern: `/archive/:n/${config.output.rss}`, headers: feed(FEED_MEDIA_TYPES.rss) },
    { pattern: `/archive/:n/${config.output.atom}`, headers: feed(FEED_MEDIA_TYPES.atom) },
    { pattern: `/archive/:n/${config.output.json}`, headers: feed(FEED_MEDIA_TYPES.json) },
    { pattern: `/tags/:tag/archive/:n/${TAG_FEED_NAMES.rss}`, headers: feed(FEED_MEDIA_TYPES.rss) },
    { pattern: `/tags/:tag/archive/:n/${TAG_FEED_NAMES.atom}`, headers: feed(FEED_MEDIA_TYPES.atom) },
    { pattern: `/tags/:tag/archive/:n/${TAG_FEED_NAMES.json}`, headers: feed(FEED_MEDIA_TYPES.json) },
    { pattern: '/style.css', headers: [['Cache-Control', ASSET_CACHE]] },
    { pattern: '/copy.js', headers: [['Cache-Control', ASSET_CACHE]] },
    // Static files (static-files.ts) get the site-wide rule above like every file. `.well-known/` holds metadata
    // other sites' clients read (security.txt, nostr.json, webfinger), so it may be fetched from any origin;
    // Apple's app-site association file has no extension, and iOS wants it as JSON.
    { pattern: '/.well-known/*', headers: [['Access-Control-Allow-Origin', '*']] },
    ...APPLE_APP_SITE_ASSOCIATION.map((pattern) => ({ pattern, headers: [['Content-Type', 'application/json']] as [string, string][] })),
  ];
}

/** Where iOS looks for a site's app-site association file (the first is the one it reads today). */
const APPLE_APP_SITE_ASSOCIATION = ['/.well-known/apple-app-site-association', '/apple-app-site-association'];

/** Our pages load only same-origin style and script; post images and media may come from anywhere. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src * data:; media-src *; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'";

/** `dist/_headers`, read by Netlify and Cloudflare Pages (paths are relative to the published folder). */
export function headersFile(rules: readonly HeaderRule[]): string {
  const blocks = rules.map((r) => [r.pattern, ...r.headers.map(([k, v]) => `  ${k}: ${v}`)].join('\n'));
  return `# Written by feedwright: HTTP headers for Netlify and Cloudflare Pages.\n${blocks.join('\n\n')}\n`;
}

/** Headers for one request path, as Netlify/Cloudflare would apply the rules (used by the dev server). */
export function headersFor(rules: readonly HeaderRule[], path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rule of rules) {
    if (!patternToRegExp(rule.pattern).test(path)) continue;
    for (const [k, v] of rule.headers) out[k] = out[k] === undefined ? v : `${out[k]}, ${v}`;
  }
  return out;
}

function patternToRegExp(pattern: string): RegExp {
  const source = pattern
    .split(/(\*|:[A-Za-z]\w*)/)
    .map((part) => (part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

/**
 * An nginx `server` fragment serving `dist/` the same way (documented in the README; a test keeps the two
 * identical). `types {}` empties the extension map inside a location so `default_type` applies; add_header
 * inside a location replaces the server's, so each location repeats the site-wide ones.
 */
export function nginxSnippet(config: ResolvedConfig): string {
  const [site] = headerRules(config);
  const siteHeaders = (site?.headers ?? []).map(([k, v]) => `    add_header ${k} "${v}" always;`);
  const feeds = ([
    [config.output.rss, TAG_FEED_NAMES.rss, FEED_MEDIA_TYPES.rss],
    [config.output.atom, TAG_FEED_NAMES.atom, FEED_MEDIA_TYPES.atom],
    [config.output.json, TAG_FEED_NAMES.json, FEED_MEDIA_TYPES.json],
  ] as const).map(([main, tag, type]) => {
    // The main feed at the root and every tag's feed under tags/<slug>/, each with its archives in archive/<n>/.
    const archive = '(archive/[0-9]+/)?';
    const path = main === tag
      ? `(tags/[^/]+/)?${archive}${escapeRegex(main)}`
      : `(${archive}${escapeRegex(main)}|tags/[^/]+/${archive}${escapeRegex(tag)})`;
    return `location ~ ^/${path}$ {
    types { }
    default_type "${type}";
    add_header Cache-Control "${FEED_CACHE}" always;
    add_header Access-Control-Allow-Origin "*" always;
${siteHeaders.join('\n')}
}`;
  });
  return `# feedwright: serve dist/ (root /srv/feedwright/dist;) with the feeds' media types.
charset utf-8;
error_page 404 /404.html;
location / {
    try_files $uri $uri/ =404;
${siteHeaders.join('\n')}
}
${feeds.join('\n')}
location ~ ^/(style\\.css|copy\\.js)$ {
    add_header Cache-Control "${ASSET_CACHE}" always;
${siteHeaders.join('\n')}
}
location ^~ /.well-known/ {
    add_header Access-Control-Allow-Origin "*" always;
${siteHeaders.join('\n')}
}
location = /.well-known/apple-app-site-association {
    types { }
    default_type "application/json";
    add_header Access-Control-Allow-Origin "*" always;
${siteHeaders.join('\n')}
}
location = /apple-app-site-association {
    types { }
    default_type "application/json";
${siteHeaders.join('\n')}
}
`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
