import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig, type ResolvedConfig } from '../src/config/config.js';
import { headerRules, headersFile, headersFor, nginxSnippet } from '../src/pages/hosting.js';
import { makeProject, post, run } from './helpers/project.js';

function config(extra: Record<string, unknown> = {}): ResolvedConfig {
  const data = { url: 'https://example.org/', ...extra };
  const result = resolveConfig({ file: 'feedwright.json', text: JSON.stringify(data), data, keyPath: [] });
  if (!result.config) throw new Error(JSON.stringify(result.diagnostics));
  return result.config;
}

describe('_headers (Netlify, Cloudflare Pages)', () => {
  it('is written into dist/ with the feed media types, UTF-8, caching and CORS for every feed, tag feeds included', async () => {
    const dir = await makeProject({ 'posts/a.md': post({ title: 'A', date: '2024-01-01', tags: '[film]' }) });
    expect((await run(dir, ['build'])).code).toBe(0);
    const text = await readFile(join(dir, 'dist/_headers'), 'utf8');
    expect(text).toContain('/rss.xml\n  Content-Type: application/rss+xml; charset=utf-8\n  Cache-Control: public, max-age=600\n  Access-Control-Allow-Origin: *\n');
    expect(text).toContain('/atom.xml\n  Content-Type: application/atom+xml; charset=utf-8\n');
    expect(text).toContain('/feed.json\n  Content-Type: application/feed+json; charset=utf-8\n');
    expect(text).toContain('/tags/:tag/rss.xml\n  Content-Type: application/rss+xml; charset=utf-8\n');
    expect(text).toContain('/tags/:tag/feed.json\n  Content-Type: application/feed+json; charset=utf-8\n');
    expect(text).toContain("/*\n  X-Content-Type-Options: nosniff\n");
    expect(text).toContain("script-src 'self'");
  });

  it('follows the configured output names', () => {
    const text = headersFile(headerRules(config({ output: { rss: 'feed.xml', atom: 'news.atom', json: 'news.json' } })));
    expect(text).toContain('/feed.xml\n  Content-Type: application/rss+xml; charset=utf-8');
    expect(text).toContain('/news.atom\n  Content-Type: application/atom+xml; charset=utf-8');
    expect(text).toContain('/news.json\n  Content-Type: application/feed+json; charset=utf-8');
  });

  it('never sets one header in two rules that match the same path (hosts would join the values with a comma)', () => {
    const rules = headerRules(config());
    for (const path of ['/rss.xml', '/atom.xml', '/feed.json', '/tags/film/rss.xml', '/tags/a/feed.json', '/style.css', '/copy.js', '/index.html', '/posts/x/cover.png']) {
      const headers = headersFor(rules, path);
      for (const value of Object.values(headers)) expect(value).not.toMatch(/max-age=\d+, public|charset=utf-8, /);
    }
    expect(headersFor(rules, '/tags/film/rss.xml')['Content-Type']).toBe('application/rss+xml; charset=utf-8');
    expect(headersFor(rules, '/tags/film/x/rss.xml')['Content-Type']).toBeUndefined(); // :tag is one segment
    expect(headersFor(rules, '/posts/x/index.html')['Cache-Control']).toBeUndefined();
  });

  it('leaves out the Content-Security-Policy when posts may carry raw HTML (it could block their embeds)', () => {
    expect(headersFile(headerRules(config({ allowRawHtml: true })))).not.toContain('Content-Security-Policy');
  });
});

describe('the nginx snippet', () => {
  it('gives every feed, tag feeds included, its media type with charset, and is the one the README documents', async () => {
    const snippet = nginxSnippet(config());
    expect(snippet).toContain('location ~ ^/(tags/[^/]+/)?(archive/[0-9]+/)?rss\\.xml$ {\n    types { }\n    default_type "application/rss+xml; charset=utf-8";');
    expect(snippet).toContain('default_type "application/atom+xml; charset=utf-8";');
    expect(snippet).toContain('default_type "application/feed+json; charset=utf-8";');
    expect(snippet).toContain('add_header Cache-Control "public, max-age=600" always;');
    expect(snippet).toContain('error_page 404 /404.html;');
    const readme = await readFile(resolve(import.meta.dirname, '../README.md'), 'utf8');
    expect(readme).toContain(`\`\`\`nginx\n${snippet}\`\`\``);
  });

  it('matches renamed main feeds and the fixed tag feed names', () => {
    const snippet = nginxSnippet(config({ output: { rss: 'feed.xml', atom: 'atom.xml', json: 'feed.json' } }));
    expect(snippet).toContain('location ~ ^/((archive/[0-9]+/)?feed\\.xml|tags/[^/]+/(archive/[0-9]+/)?rss\\.xml)$ {');
  });
});
