import type { FeedDoc } from '../feeds/doc.js';
import { tagUrl } from '../feeds/tags.js';
import { listPageUrl, type ListPage } from '../site/listing.js';
import { feedLinks, h, layout, postList, subscribeBox } from './pages.js';
import type { Site } from '../site/site.js';
import type { Tag } from '../site/tags.js';

/**
 * `dist/tags/<slug>/index.html`: the tag's posts, its own feeds offered first (autodiscovery and subscribe box);
 * a tag with more posts than fit one page continues on `tags/<slug>/page/N/index.html` (listing.ts).
 */
export function tagPage(site: Site, tag: Tag, doc: FeedDoc, main: FeedDoc, page: ListPage): string {
  const { config } = site;
  const first = page.number === 1;
  const home = tagUrl(config, tag);
  const count = `${tag.posts.length} post${tag.posts.length === 1 ? '' : 's'}`;
  const body = `      <h1>Posts tagged “${h(tag.name)}”</h1>
      <p class="count">${count} · <a href="${h(new URL('tags/', config.url).href)}">all tags</a></p>
${first ? `${subscribeBox(feedLinks(doc), `Follow only the posts tagged “${h(tag.name)}”: paste one of these addresses into your feed reader.`)}\n` : ''}      <h2>Posts</h2>
${postList(config, page.posts, 'h3', { ...page, firstUrl: home })}`;
  return layout(config, main, {
    title: first ? `${tag.name} · ${config.title}` : `${tag.name}, page ${page.number} · ${config.title}`, description: doc.description,
    canonical: listPageUrl(home, page.number), body, script: first,
    feeds: [{ title: doc.title, links: feedLinks(doc) }, { title: config.title, links: feedLinks(main) }],
  });
}

/** `dist/tags/index.html`: every tag with its number of posts. */
export function tagsIndexPage(site: Site, tags: readonly Tag[], main: FeedDoc): string {
  const { config } = site;
  const items = tags.map((t) => `        <li><a href="${h(tagUrl(config, t))}" rel="tag">${h(t.name)}</a> <span class="count">(${t.posts.length})</span></li>`);
  const body = `      <h1>Tags</h1>
      ${items.length > 0 ? `<ul class="tag-list">\n${items.join('\n')}\n      </ul>` : '<p>No tags yet.</p>'}`;
  return layout(config, main, {
    title: `Tags · ${config.title}`, description: `Every tag on ${config.title}`, canonical: new URL('tags/', config.url).href, body,
    feeds: [{ title: config.title, links: feedLinks(main) }],
  });
}
