import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { makeProject, post, run } from './helpers/project.js';

const FILES = {
  'posts/2024-01-01-older.md': post({ title: 'Older & wiser', date: '2024-01-01', summary: 'The older one.', tags: '[film]' }),
  'posts/2024-02-01-newer.md': post({
    title: 'Newer <post>', date: '2024-02-01', updated: '2024-02-03', summary: 'The newer one.', tags: '[Science Fiction, film]',
    authors: '[{name: Ann, url: "https://ann.example/"}, Bob <bob@example.org>]', image: 'https://cdn.example.org/cover.png',
  }),
};

async function built(config: Record<string, unknown> = {}): Promise<(path: string) => Promise<string>> {
  const dir = await makeProject(FILES, config);
  const { code, io } = await run(dir, ['build']);
  expect(io.stderrText).toBe('');
  expect(code).toBe(0);
  return (path) => readFile(join(dir, 'dist', path), 'utf8');
}

const FEEDS = [
  ['application/rss+xml', 'https://example.org/blog/rss.xml'],
  ['application/atom+xml', 'https://example.org/blog/atom.xml'],
  ['application/feed+json', 'https://example.org/blog/feed.json'],
];

function alternates(html: string): string[][] {
  return [...html.matchAll(/<link rel="alternate" type="([^"]+)" title="[^"]+" href="([^"]+)">/g)].map((m) => [m[1] ?? '', m[2] ?? '']);
}

describe('the index page', () => {
  it('has the title, description, subscribe links with copy buttons, autodiscovery and the posts newest first', async () => {
    const html = await (await built())('index.html');
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<h1>Fixture news</h1>');
    expect(html).toContain('<p class="lead">A fixture site for tests.</p>');
    expect(alternates(html)).toEqual(FEEDS);
    for (const [type, href] of FEEDS) {
      expect(html).toContain(`<a href="${href}" type="${type}">`);
      expect(html).toContain(`<code class="feed-url">${href}</code>`);
      expect(html).toContain(`<button type="button" class="copy" data-copy="${href}" hidden>`);
    }
    expect(html).toContain('<p class="copy-status" id="copy-status" role="status"></p>');
    expect(html).toContain('<script src="https://example.org/blog/copy.js" defer></script>');
    expect(html).not.toMatch(/<script>(?!<\/script>)/); // no inline script: CSP script-src 'self' holds
    expect(html.indexOf('Newer &lt;post&gt;')).toBeLessThan(html.indexOf('Older &amp; wiser'));
    expect(html).toContain('<time datetime="2024-02-01">February 1, 2024</time>');
    expect(html).toContain('<p>The newer one.</p>');
    expect(html).toMatch(/<main id="main">/);
    expect(html).toMatch(/<nav aria-label="Site">/);
  });

  it('ships the copy script and a stylesheet with a dark scheme and nothing external', async () => {
    const read = await built();
    const js = await read('copy.js');
    expect(js).toContain('navigator.clipboard.writeText');
    expect(js).toContain('button.hidden = false');
    const css = await read('style.css');
    expect(css).toContain('@media (prefers-color-scheme: dark)');
    expect(css).not.toMatch(/@import|url\(|https?:/);
  });
});

describe('a post page', () => {
  it('shows date, update, authors and tags linking to tag pages, with canonical, Open Graph and autodiscovery', async () => {
    const html = await (await built())('posts/newer/index.html');
    expect(html).toContain('<h1>Newer &lt;post&gt;</h1>');
    expect(html).toContain('<time datetime="2024-02-01">February 1, 2024</time> · updated <time datetime="2024-02-03">February 3, 2024</time> · by <a href="https://ann.example/">Ann</a>, Bob');
    expect(html).toContain('Tags: <a href="https://example.org/blog/tags/science-fiction/" rel="tag">Science Fiction</a>, <a href="https://example.org/blog/tags/film/" rel="tag">film</a>');
    expect(html).toContain('<link rel="canonical" href="https://example.org/blog/posts/newer/">');
    expect(alternates(html)).toEqual(FEEDS);
    expect(html).toContain('<meta property="og:type" content="article">');
    expect(html).toContain('<meta property="og:title" content="Newer &lt;post&gt;">');
    expect(html).toContain('<meta property="og:description" content="The newer one.">');
    expect(html).toContain('<meta property="og:url" content="https://example.org/blog/posts/newer/">');
    expect(html).toContain('<meta property="og:image" content="https://cdn.example.org/cover.png">');
    expect(html).toContain('<meta property="article:published_time" content="2024-02-01T00:00:00Z">');
    expect(html).toContain('<meta property="article:tag" content="Science Fiction">');
  });
});

describe('host files', () => {
  it('writes a 404 page that works at any depth and is not indexed', async () => {
    const html = await (await built())('404.html');
    expect(html).toContain('<h1>Page not found</h1>');
    expect(html).toContain('<meta name="robots" content="noindex">');
    expect(html).toContain('href="https://example.org/blog/style.css"');
    expect(html).not.toContain('rel="canonical"');
  });

  it('writes robots.txt pointing at sitemap.xml, which lists the index, posts and tag pages with lastmod', async () => {
    const read = await built();
    expect(await read('robots.txt')).toBe('User-agent: *\nAllow: /\n\nSitemap: https://example.org/blog/sitemap.xml\n');
    const xml = await read('sitemap.xml');
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser().parse(xml) as { urlset: { url: { loc: string; lastmod?: string }[] } };
    expect(parsed.urlset.url).toEqual([
      { loc: 'https://example.org/blog/', lastmod: '2024-02-03T00:00:00Z' },
      { loc: 'https://example.org/blog/posts/newer/', lastmod: '2024-02-03T00:00:00Z' },
      { loc: 'https://example.org/blog/posts/older/', lastmod: '2024-01-01T00:00:00Z' },
      { loc: 'https://example.org/blog/tags/', lastmod: '2024-02-03T00:00:00Z' },
      { loc: 'https://example.org/blog/tags/film/', lastmod: '2024-02-03T00:00:00Z' },
      { loc: 'https://example.org/blog/tags/science-fiction/', lastmod: '2024-02-03T00:00:00Z' },
    ]);
  });

  it('renders the same bytes for the same input (golden index, post, tag and 404 pages)', async () => {
    const read = await built();
    await expect(await read('index.html')).toMatchFileSnapshot('./golden/site/index.html');
    await expect(await read('posts/newer/index.html')).toMatchFileSnapshot('./golden/site/post.html');
    await expect(await read('tags/film/index.html')).toMatchFileSnapshot('./golden/site/tag.html');
    await expect(await read('tags/index.html')).toMatchFileSnapshot('./golden/site/tags.html');
    await expect(await read('404.html')).toMatchFileSnapshot('./golden/site/404.html');
  });
});
