import { describe, expect, it } from 'vitest';
import { DEFAULTS, parseAuthor, parseSiteUrl, resolveConfig, type ConfigSource } from '../../src/config/config.js';

/** A config as it would come from package.json, so diagnostics can point at lines. */
function source(feedwright: unknown): ConfigSource {
  const text = JSON.stringify({ name: 'blog', feedwright }, null, 2);
  return { file: 'package.json', text, data: feedwright, keyPath: ['feedwright'] };
}

describe('resolveConfig', () => {
  it('fills every default, and only the URL is required', () => {
    const { config, diagnostics } = resolveConfig(source({ url: 'https://example.com/blog' }));
    expect(diagnostics).toEqual([]);
    expect(config).toEqual({
      title: 'My feed', url: 'https://example.com/blog/', description: '', language: 'en',
      author: { name: 'My feed' }, timeZone: 'UTC', limit: 20, archiveSize: 50, output: DEFAULTS.output,
      summaryLength: 300, allowRawHtml: false, static: 'static',
    });
  });

  it('keeps every valid setting, resolving icon and logo against the site URL', () => {
    const { config, diagnostics } = resolveConfig(source({
      title: 'T', url: 'http://example.com', description: 'D', language: 'pt-br',
      author: 'Jane Doe <jane@example.com>', timeZone: 'Europe/Lisbon', limit: 5,
      output: { rss: 'feed.rss', atom: 'feed.atom', json: 'feed.json' }, icon: 'favicon.ico', logo: 'https://cdn.example.com/logo.png',
      copyright: '© Jane', summaryLength: 200, allowRawHtml: true, archiveSize: 10, static: 'site/files/',
    }));
    expect(diagnostics).toEqual([]);
    expect(config).toEqual({
      title: 'T', url: 'http://example.com/', description: 'D', language: 'pt-BR',
      author: { name: 'Jane Doe', email: 'jane@example.com' }, timeZone: 'Europe/Lisbon', limit: 5,
      output: { rss: 'feed.rss', atom: 'feed.atom', json: 'feed.json' }, icon: 'http://example.com/favicon.ico',
      logo: 'https://cdn.example.com/logo.png', copyright: '© Jane', summaryLength: 200, allowRawHtml: true, archiveSize: 10,
      static: 'site/files', iconFile: 'favicon.ico',
    });
  });

  it('reports every problem at once, at the line of its key, with a stable code', () => {
    const src = source({
      title: 42, url: 'example.com', language: 'not a language', timeZone: 'Mars/Olympus', limit: 0,
      output: { rss: '../rss.xml', atom: 'atom.xml', html: 'x' }, author: { name: '' }, colour: 'blue',
    });
    const { config, diagnostics } = resolveConfig(src);
    const lineOf = (key: string): number => src.text.split('\n').findIndex((l) => l.startsWith(`    "${key}":`)) + 1;
    expect(config).toBeUndefined();
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['config-unknown-key', lineOf('colour')],
      ['config-type', lineOf('title')],
      ['config-url', lineOf('url')],
      ['config-language', lineOf('language')],
      ['config-time-zone', lineOf('timeZone')],
      ['config-limit', lineOf('limit')],
      ['config-author', lineOf('author')],
      ['config-output', lineOf('output')],
      ['config-unknown-key', lineOf('output')],
    ]);
    expect(diagnostics.every((d) => d.severity === 'error' && d.file === 'package.json' && d.column === 5)).toBe(true);
    const messages = diagnostics.map((d) => d.message);
    expect(messages).toContain('"title" must be a string, found a number (42)');
    expect(messages).toContain('"url" must be an absolute URL starting with https:// or http://, found "example.com"');
    expect(messages).toContain('"timeZone" must be an IANA time zone such as "UTC" or "Europe/Paris", found "Mars/Olympus"');
    expect(messages).toContain('"limit" must be a positive whole number (or null for all posts), found a number (0)');
  });

  it('wants an http(s) site URL without query or fragment', () => {
    expect(parseSiteUrl('https://example.com/a/b')).toBe('https://example.com/a/b/');
    expect(parseSiteUrl('HTTPS://EXAMPLE.com')).toBe('https://example.com/');
    expect(parseSiteUrl('ftp://example.com/')).toEqual({ problem: 'must use https:// or http://' });
    expect(parseSiteUrl('https://example.com/?a=1')).toEqual({ problem: 'must not carry a query or fragment' });
    expect(parseSiteUrl('/relative/')).toEqual({ problem: 'must be an absolute URL starting with https:// or http://' });
    const missing = resolveConfig(source({}));
    expect(missing.diagnostics.map((d) => d.code)).toEqual(['config-missing-url']);
  });

  it('lets an override (flag or environment) replace the configured URL, and validates it too', () => {
    expect(resolveConfig(source({ url: 'https://a.example/' }), { url: 'https://b.example/x' }).config?.url).toBe('https://b.example/x/');
    expect(resolveConfig(source({}), { url: 'https://b.example/' }).config?.url).toBe('https://b.example/');
    const bad = resolveConfig(source({ url: 'https://a.example/' }), { url: 'nope' });
    expect(bad.diagnostics[0]?.message).toBe('the site URL override must be an absolute URL starting with https:// or http://, found "nope"');
  });

  it('rejects output names that could escape the output folder or collide', () => {
    const collide = resolveConfig(source({ url: 'https://e.example/', output: { rss: 'feed.xml', atom: 'feed.xml' } }));
    expect(collide.diagnostics.map((d) => d.message)).toEqual(['the three outputs must have different file names (letter case does not count)']);
    for (const name of ['a/b.xml', '.hidden', '..', 'x..y', '']) {
      const r = resolveConfig(source({ url: 'https://e.example/', output: { rss: name } }));
      expect(r.diagnostics.map((d) => d.code), name).toEqual(['config-output']);
    }
  });
});

describe('parseAuthor', () => {
  it('reads a name, "Name <mail>" or {name, email, url}', () => {
    expect(parseAuthor('Jane')).toEqual({ name: 'Jane' });
    expect(parseAuthor('  Jane Doe   <jane@example.com> ')).toEqual({ name: 'Jane Doe', email: 'jane@example.com' });
    expect(parseAuthor('R&D <Team>')).toEqual({ name: 'R&D <Team>' }); // no @: not a mailbox
    expect(parseAuthor({ name: 'Carol', url: 'https://carol.example' })).toEqual({ name: 'Carol', url: 'https://carol.example/' });
  });

  it('explains what is wrong', () => {
    expect(parseAuthor('')).toBe('an author needs a non-empty name');
    expect(parseAuthor(7)).toBe('an author must be a name or {name, email, url}, found a number (7)');
    expect(parseAuthor({ name: 'X', mail: 'x@y' })).toBe('unknown author field "mail"; known fields: name, email, url');
    expect(parseAuthor({ name: 'X', email: 'nope' })).toBe('author "email" must look like name@example.com, found text ("nope")');
    expect(parseAuthor({ name: 'X', url: 'javascript:alert(1)' })).toBe('author "url" must use https:// or http://, found text ("javascript:alert(1)")');
  });
});
