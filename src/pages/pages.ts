import type { ResolvedConfig } from '../config/config.js';
import { toDisplayDate, toIsoDay, toRfc3339 } from '../post/dates.js';
import { feedUrl, type FeedDoc } from '../feeds/doc.js';
import { tagUrl } from '../feeds/tags.js';
import { listPageUrl, type ListPage } from '../site/listing.js';
import type { Post } from '../post/post.js';
import type { ImageInfo } from '../site/images.js';
import type { Site } from '../site/site.js';
import { tagSlug } from '../site/tags.js';
import { GENERATOR } from '../common/version.js';
import { xmlSafe } from '../common/xml.js';

export { STYLESHEET } from './style.js';

/** HTML pages around the feeds: the index (post list, subscribe links), one page per post, and the 404 page. */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escape text for HTML element content and quoted attribute values. Control characters are dropped as in the
 * feeds: YAML escapes such as "\u0001" in front matter get past the source clean-up, and HTML forbids them too.
 */
export function h(text: string): string {
  return xmlSafe(text).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** One feed offered to readers: autodiscovery `<link>` and a visible subscribe link. */
export interface FeedLink {
  readonly label: string;
  readonly type: string;
  readonly href: string;
}

/** The three formats of one feed document, in the order readers are offered them. */
export function feedLinks(doc: FeedDoc): FeedLink[] {
  return [
    { label: 'RSS', type: 'application/rss+xml', href: feedUrl(doc, 'rss') },
    { label: 'Atom', type: 'application/atom+xml', href: feedUrl(doc, 'atom') },
    { label: 'JSON Feed', type: 'application/feed+json', href: feedUrl(doc, 'json') },
  ];
}

/** What a page needs besides its body. */
export interface PageOptions {
  readonly title: string;
  /** The page's meta description; left out when absent (a post without a summary). */
  readonly description?: string;
  readonly canonical: string;
  readonly body: string;
  /** Feeds for autodiscovery, most specific first; each entry gets its own title. */
  readonly feeds: readonly { readonly title: string; readonly links: readonly FeedLink[] }[];
  /** Extra `<head>` lines (Open Graph). */
  readonly head?: readonly string[];
  /** Load `copy.js` (pages with copy buttons). */
  readonly script?: boolean;
  /** `noindex` (the 404 page). */
  readonly noindex?: boolean;
}

/** The shared page frame: landmarks, skip link, autodiscovery, stylesheet, footer with the main feeds. */
export function layout(config: ResolvedConfig, main: FeedDoc, opts: PageOptions): string {
  const asset = (name: string): string => new URL(name, config.url).href;
  const alternates = opts.feeds.flatMap((f) => f.links.map((l) =>
    `<link rel="alternate" type="${l.type}" title="${h(`${f.title} (${l.label})`)}" href="${h(l.href)}">`));
  const head = [
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${h(opts.title)}</title>`,
    ...(opts.description === undefined ? [] : [`<meta name="description" content="${h(opts.description)}">`]),
    `<meta name="generator" content="${h(`${GENERATOR.name} ${GENERATOR.version}`)}">`,
    ...(opts.noindex ? ['<meta name="robots" content="noindex">'] : [`<link rel="canonical" href="${h(opts.canonical)}">`]),
    ...alternates,
    // Without an icon, an empty one stops browsers asking for /favicon.ico (a 404 on every page view).
    `<link rel="icon" href="${h(config.icon ?? 'data:,')}"${iconDetails(main.images?.icon)}>`,
    `<link rel="stylesheet" href="${h(asset('style.css'))}">`,
    ...(opts.script ? [`<script src="${h(asset('copy.js'))}" defer></script>`] : []),
    ...(opts.head ?? []),
  ];
  const footerFeeds = feedLinks(main).map((f) => `<a href="${h(f.href)}" type="${f.type}">${h(f.label)}</a>`).join(' · ');
  return `<!doctype html>
<html lang="${h(config.language)}">
  <head>
    ${head.join('\n    ')}
  </head>
  <body>
    <a class="skip" href="#main">Skip to content</a>
    <header class="site">
      <a class="site-title" href="${h(config.url)}">${h(config.title)}</a>
      <nav aria-label="Site">
        <ul>
          <li><a href="${h(config.url)}">Posts</a></li>
          <li><a href="${h(asset('tags/'))}">Tags</a></li>
          <li><a href="${h(`${config.url}#subscribe`)}">Subscribe</a></li>
        </ul>
      </nav>
    </header>
    <main id="main">
${opts.body}
    </main>
    <footer class="site">
      <p>Subscribe: ${footerFeeds}</p>${config.copyright ? `\n      <p>${h(config.copyright)}</p>` : ''}
    </footer>
  </body>
</html>
`;
}

/** The subscribe box: each format as a link, its URL as text, and a copy button that `copy.js` reveals. */
export function subscribeBox(links: readonly FeedLink[], intro: string): string {
  const items = links.map((f) => `          <li>
            <a href="${h(f.href)}" type="${f.type}">${h(f.label)}</a>
            <code class="feed-url">${h(f.href)}</code>
            <button type="button" class="copy" data-copy="${h(f.href)}" hidden>Copy <span class="visually-hidden">${h(/feed$/i.test(f.label) ? f.label : `${f.label} feed`)} </span>URL</button>
          </li>`);
  return `      <section class="subscribe" id="subscribe" aria-labelledby="subscribe-heading">
        <h2 id="subscribe-heading">Subscribe</h2>
        <p>${intro}</p>
        <ul class="feeds">
${items.join('\n')}
        </ul>
        <p class="copy-status" id="copy-status" role="status"></p>
      </section>`;
}

/**
 * A list of posts (title, date, summary), newest first. On a page of a longer list (`page`), the numbering goes
 * on from the pages before it and a pager follows.
 */
export function postList(config: ResolvedConfig, posts: readonly Post[], heading: 'h2' | 'h3', page?: ListPage & { readonly firstUrl: string }): string {
  if (posts.length === 0) return '      <p>No posts yet.</p>';
  const paged = page !== undefined && page.count > 1;
  const items = posts.map((p) => `        <li>
          <article>
            <${heading}><a href="${h(p.url)}">${h(p.title)}</a></${heading}>
            <p class="meta">${timeTag(p.date, config)}</p>
${p.summary === undefined ? '' : `            <p>${h(p.summary)}</p>\n`}          </article>
        </li>`);
  const list = `      <ol class="posts" reversed${paged ? ` start="${page.total - page.offset}"` : ''}>\n${items.join('\n')}\n      </ol>`;
  return paged ? `${list}\n${pager(page, page.firstUrl)}` : list;
}

/** Links to the newer and older pages of a list, and where this page is. */
function pager(page: ListPage, firstUrl: string): string {
  const links = [
    ...(page.number > 1 ? [`<a href="${h(listPageUrl(firstUrl, page.number - 1))}" rel="prev">Newer posts</a>`] : []),
    `<span>Page ${page.number} of ${page.count}</span>`,
    ...(page.number < page.count ? [`<a href="${h(listPageUrl(firstUrl, page.number + 1))}" rel="next">Older posts</a>`] : []),
  ];
  return `      <nav class="pager" aria-label="Pages">\n        ${links.join('\n        ')}\n      </nav>`;
}

/**
 * A post's date shown on a page. A big blog shows each date on some four pages (its own, the list, its tags'
 * lists) and formatting it takes microseconds, so each is made once per zone and language.
 */
function timeTag(ms: number, config: ResolvedConfig): string {
  const key = `${config.timeZone} ${config.language}`;
  let shown = timeTags.get(key);
  if (!shown) timeTags.set(key, (shown = new Map()));
  let tag = shown.get(ms);
  if (tag === undefined) {
    tag = `<time datetime="${h(toIsoDay(ms, config.timeZone))}">${h(toDisplayDate(ms, config.timeZone, config.language))}</time>`;
    shown.set(ms, tag);
  }
  return tag;
}

const timeTags = new Map<string, Map<number, string>>();

const INTRO = 'Follow new posts in any feed reader: paste one of these addresses into it.';

/**
 * `dist/index.html`: title, description, subscribe box, the published posts newest first; with more posts than
 * fit one page (listing.ts), the older ones are on `page/N/index.html`, which repeat the title and list.
 */
export function indexPage(site: Site, main: FeedDoc, page: ListPage): string {
  const { config } = site;
  const first = page.number === 1;
  const canonical = listPageUrl(config.url, page.number);
  const body = `      <h1>${h(config.title)}</h1>${first && config.description ? `\n      <p class="lead">${h(config.description)}</p>` : ''}
${first ? `${subscribeBox(feedLinks(main), INTRO)}\n` : ''}      <h2>Posts</h2>
${postList(config, page.posts, 'h3', { ...page, firstUrl: config.url })}`;
  return layout(config, main, {
    title: first ? config.title : `Posts, page ${page.number} · ${config.title}`, description: config.description || config.title, canonical, body, script: first,
    feeds: [{ title: config.title, links: feedLinks(main) }],
    head: [
      ...openGraph([['og:type', 'website'], ['og:title', config.title], ['og:description', config.description], ['og:url', canonical], ['og:site_name', config.title], ['og:image', config.logo ?? '']]),
      ...(config.logo ? imageDetails(main.images?.logo) : []),
    ],
  });
}

/** `dist/posts/<slug>/index.html`: one post, readable without a feed reader. */
export function postPage(site: Site, post: Post, main: FeedDoc): string {
  const { config } = site;
  const authors = post.authors.map((a) => (a.url ? `<a href="${h(a.url)}">${h(a.name)}</a>` : h(a.name))).join(', ');
  const tags = post.tags.length > 0
    ? `\n        <footer>\n          <p class="tags">Tags: ${post.tags.map((t) => `<a href="${h(tagUrl(config, { slug: tagSlug(t) }))}" rel="tag">${h(t)}</a>`).join(', ')}</p>\n        </footer>`
    : '';
  const updated = post.updated > post.date ? ` · updated ${timeTag(post.updated, config)}` : '';
  const og = [
    ...openGraph([
      ['og:type', 'article'], ['og:title', post.title], ['og:description', post.summary ?? ''], ['og:url', post.url],
      ['og:site_name', config.title], ['og:image', post.image ?? config.logo ?? ''],
    ]),
    ...(post.image ? imageDetails(post.imageInfo) : config.logo ? imageDetails(main.images?.logo) : []),
    ...openGraph([
      ['article:published_time', toRfc3339(post.date)], ['article:modified_time', toRfc3339(post.updated)],
      ...post.tags.map((t): [string, string] => ['article:tag', t]),
    ]),
  ];
  const body = `      <article>
        <header>
          <h1>${h(post.title)}</h1>
          <p class="meta">${timeTag(post.date, config)}${updated} · by ${authors}</p>
        </header>
${attachmentsHtml(post)}        <div class="content">
${post.html}
        </div>${tags}
      </article>
      <p><a href="${h(config.url)}">← All posts</a></p>`;
  return layout(config, main, {
    title: `${post.title} · ${config.title}`, ...(post.summary !== undefined && { description: post.summary }), canonical: post.url, body, head: og,
    feeds: [{ title: config.title, links: feedLinks(main) }],
  });
}

/** `dist/404.html`: served by static hosts for any missing path; absolute links so it works at any depth. */
export function notFoundPage(site: Site, main: FeedDoc): string {
  const { config } = site;
  const body = `      <h1>Page not found</h1>
      <p>There is nothing at this address. It may have moved, or the link may be mistyped.</p>
      <p><a href="${h(config.url)}">Go to the list of posts</a> or <a href="${h(new URL('tags/', config.url).href)}">browse by tag</a>.</p>`;
  return layout(config, main, {
    title: `Page not found · ${config.title}`, description: 'Page not found', canonical: config.url, body, noindex: true,
    feeds: [{ title: config.title, links: feedLinks(main) }],
  });
}

/** Open Graph image type and size, when the image is a file the build read (a bundle cover, a static logo). */
function imageDetails(info: { readonly type?: string; readonly width?: number; readonly height?: number } | undefined): string[] {
  if (!info) return [];
  return [
    ...(info.type ? [`<meta property="og:image:type" content="${h(info.type)}">`] : []),
    ...(info.width !== undefined && info.height !== undefined
      ? [`<meta property="og:image:width" content="${info.width}">`, `<meta property="og:image:height" content="${info.height}">`]
      : []),
  ];
}

/**
 * ` type="image/png" sizes="32x32"` for the icon's `<link>`, when it is a static file the build read: browsers
 * pick among icons by these without downloading them. An SVG scales to any size; an ICO holds several, so no
 * single size is given for it.
 */
function iconDetails(info: ImageInfo | undefined): string {
  if (!info?.type) return '';
  const sizes = info.type === 'image/svg+xml' ? 'any'
    : info.width !== undefined && info.height !== undefined && !/icon$/.test(info.type) ? `${info.width}x${info.height}` : undefined;
  return ` type="${h(info.type)}"${sizes ? ` sizes="${sizes}"` : ''}`;
}

/** A player for each audio or video attachment, and a download link for every attachment. */
function attachmentsHtml(post: Post): string {
  if (!post.attachments) return '';
  return post.attachments.map((a) => {
    const kind = a.type.startsWith('audio/') ? 'audio' : a.type.startsWith('video/') ? 'video' : undefined;
    const player = kind ? `<${kind} controls preload="none" src="${h(a.url)}"></${kind}>\n          ` : '';
    const label = a.title ?? (kind ? `Download the ${kind}` : 'Download');
    return `        <figure class="attachment">
          ${player}<figcaption><a href="${h(a.url)}" type="${h(a.type)}">${h(label)}</a> (${h(a.type)}, ${formatBytes(a.length)})</figcaption>
        </figure>
`;
  }).join('');
}

function formatBytes(n: number): string {
  if (n < 1000) return `${n} bytes`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = n / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** Open Graph `<meta property>` lines, leaving out empty values. */
function openGraph(pairs: readonly (readonly [string, string])[]): string[] {
  return pairs.filter(([, v]) => v !== '').map(([k, v]) => `<meta property="${k}" content="${h(v)}">`);
}
