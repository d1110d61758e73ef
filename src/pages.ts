import type { ResolvedConfig } from './config.js';
import { toDisplayDate, toIsoDay } from './dates.js';
import type { Post } from './post.js';
import type { Site } from './site.js';
import { GENERATOR } from './version.js';
import { xmlSafe } from './xml.js';

/** HTML pages around the feeds: the index (post list, subscribe links) and one page per post. */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escape text for HTML element content and quoted attribute values. Control characters are dropped as in the
 * feeds: YAML escapes such as "\u0001" in front matter get past the source clean-up, and HTML forbids them too.
 */
export function h(text: string): string {
  return xmlSafe(text).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

interface FeedLink {
  readonly label: string;
  readonly type: string;
  readonly href: string;
}

function feedLinks(config: ResolvedConfig): FeedLink[] {
  return [
    { label: 'RSS', type: 'application/rss+xml', href: new URL(config.output.rss, config.url).href },
    { label: 'Atom', type: 'application/atom+xml', href: new URL(config.output.atom, config.url).href },
    { label: 'JSON Feed', type: 'application/feed+json', href: new URL(config.output.json, config.url).href },
  ];
}

function layout(config: ResolvedConfig, opts: { title: string; description: string; canonical: string; body: string; og?: string }): string {
  const stylesheet = new URL('style.css', config.url).href;
  const alternates = feedLinks(config)
    .map((f) => `<link rel="alternate" type="${f.type}" title="${h(`${config.title} (${f.label})`)}" href="${h(f.href)}">`)
    .join('\n    ');
  return `<!doctype html>
<html lang="${h(config.language)}">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${h(opts.title)}</title>
    <meta name="description" content="${h(opts.description)}">
    <meta name="generator" content="${h(`${GENERATOR.name} ${GENERATOR.version}`)}">
    <link rel="canonical" href="${h(opts.canonical)}">
    ${alternates}
    <link rel="stylesheet" href="${h(stylesheet)}">${opts.og ?? ''}
  </head>
  <body>
    <header class="site">
      <a class="site-title" href="${h(config.url)}">${h(config.title)}</a>
    </header>
    <main id="main">
${opts.body}
    </main>
    <footer class="site">
      <nav aria-label="Subscribe">
        <p>Subscribe: ${feedLinks(config).map((f) => `<a href="${h(f.href)}" type="${f.type}">${h(f.label)}</a>`).join(' · ')}</p>
      </nav>${config.copyright ? `\n      <p>${h(config.copyright)}</p>` : ''}
    </footer>
  </body>
</html>
`;
}

/** `dist/index.html`: every published post, newest first. */
export function indexPage(site: Site): string {
  const { config } = site;
  const items = site.posts.map((p) => `        <li>
          <article>
            <h2><a href="${h(p.url)}">${h(p.title)}</a></h2>
            <p class="meta"><time datetime="${h(toIsoDay(p.date, config.timeZone))}">${h(toDisplayDate(p.date, config.timeZone, config.language))}</time></p>
            <p>${h(p.summary)}</p>
          </article>
        </li>`);
  const body = `      <h1>${h(config.title)}</h1>${config.description ? `\n      <p class="lead">${h(config.description)}</p>` : ''}
      ${items.length > 0 ? `<ol class="posts" reversed>\n${items.join('\n')}\n      </ol>` : '<p>No posts yet.</p>'}`;
  return layout(config, { title: config.title, description: config.description || config.title, canonical: config.url, body });
}

/** `dist/posts/<slug>/index.html`: one post, readable without a feed reader. */
export function postPage(site: Site, post: Post): string {
  const { config } = site;
  const authors = post.authors.map((a) => (a.url ? `<a href="${h(a.url)}">${h(a.name)}</a>` : h(a.name))).join(', ');
  const tags = post.tags.length > 0 ? `\n        <p class="tags">Tags: ${post.tags.map((t) => `<span class="tag">${h(t)}</span>`).join(', ')}</p>` : '';
  const updated = post.updated > post.date
    ? ` · updated <time datetime="${h(toIsoDay(post.updated, config.timeZone))}">${h(toDisplayDate(post.updated, config.timeZone, config.language))}</time>`
    : '';
  const og = [
    `\n    <meta property="og:type" content="article">`,
    `<meta property="og:title" content="${h(post.title)}">`,
    `<meta property="og:description" content="${h(post.summary)}">`,
    `<meta property="og:url" content="${h(post.url)}">`,
    ...(post.image ? [`<meta property="og:image" content="${h(post.image)}">`, ...ogImageDetails(post)] : []),
  ].join('\n    ');
  const body = `      <article>
        <header>
          <h1>${h(post.title)}</h1>
          <p class="meta"><time datetime="${h(toIsoDay(post.date, config.timeZone))}">${h(toDisplayDate(post.date, config.timeZone, config.language))}</time>${updated} · by ${authors}</p>
        </header>
${attachmentsHtml(post)}        <div class="content">
${post.html}
        </div>${tags}
      </article>
      <p><a href="${h(config.url)}">← All posts</a></p>`;
  return layout(config, { title: `${post.title} · ${config.title}`, description: post.summary, canonical: post.url, body, og });
}

/** Open Graph image type and size, when the cover is a file in the post bundle. */
function ogImageDetails(post: Post): string[] {
  const info = post.imageInfo;
  if (!info) return [];
  return [
    ...(info.type ? [`<meta property="og:image:type" content="${h(info.type)}">`] : []),
    ...(info.width !== undefined && info.height !== undefined
      ? [`<meta property="og:image:width" content="${info.width}">`, `<meta property="og:image:height" content="${info.height}">`]
      : []),
  ];
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

/** A small stylesheet: readable measure, system fonts, dark mode, nothing external. */
export const STYLESHEET = `:root { color-scheme: light dark; --fg: #1b1b1f; --bg: #fdfdfc; --muted: #55555f; --link: #0b57d0; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e6ea; --bg: #16161a; --muted: #a8a8b3; --link: #8ab4f8; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 42rem; padding: 1rem 1.25rem 3rem; font: 1.0625rem/1.6 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--link); }
header.site { padding: 0.5rem 0 1.5rem; }
.site-title { font-weight: 700; text-decoration: none; }
.meta, .tags, footer.site { color: var(--muted); font-size: 0.9375rem; }
.posts { list-style: none; padding: 0; }
.posts h2 { margin-bottom: 0.25rem; }
img, video { max-width: 100%; height: auto; }
audio { width: 100%; }
pre { overflow-x: auto; padding: 0.75rem; background: color-mix(in srgb, var(--fg) 8%, transparent); border-radius: 4px; }
table { border-collapse: collapse; }
th, td { border: 1px solid color-mix(in srgb, var(--fg) 25%, transparent); padding: 0.25rem 0.5rem; text-align: left; }
footer.site { margin-top: 3rem; border-top: 1px solid color-mix(in srgb, var(--fg) 20%, transparent); }
`;
