import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { build } from '../src/build.js';
import { resolveConfig, type ResolvedConfig } from '../src/config/config.js';
import { xmlProblem } from './helpers/xml.js';

/**
 * Generated posts with arbitrary Unicode titles, bodies and front-matter values, run through build() in
 * process: each run either yields three well-formed feeds carrying every post, or fails with diagnostics that
 * name the offending files; build() never throws.
 */

const config: ResolvedConfig = (() => {
  const resolved = resolveConfig({ file: 'package.json', text: '{}', data: { title: 'Props', url: 'https://example.com/p/' }, keyPath: [] });
  if (!resolved.config) throw new Error('test config is invalid');
  return resolved.config;
})();

// Any code point, plus the pieces most likely to break a serializer or the sanitizer.
const NASTY = ['<script>alert(1)</script>', ']]>', '<![CDATA[', '&amp;', '&#0;', '&', '<', '"', "'", '\u0000', '\u0007', '\u001b', '\uFFFE', '\uFFFF',
  '\u2028', '\uFEFF', '\r', '\r\n', '\t', '\n---\n', '<!-- more -->', '<a href="javascript:alert(1)">x</a>', '**', '`', '[x](y)', '<img src=x onerror=1>',
  '\u{1F600}', 'e\u0301', '# ', '- ', '> ', '|a|b|\n|-|-|\n', '```\n', '<div>', '</p>', 'ß', 'İ', '\u202E'];
const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 2, arbitrary: fc.array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: 'binary', maxLength: 8 })), { maxLength: 8 }).map((parts) => parts.join('')) },
);
const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: text },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, 42, -0.5, [], {}) },
);
const date = fc.oneof(
  { weight: 12, arbitrary: fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString()) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
    .map(([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`) },
  { weight: 1, arbitrary: value },
);
/** Text that has something visible in it, then anything: what a real title or name looks like. */
const named = fc.tuple(fc.constantFrom('A', 'Ω', '猫', '1', '\u{1F600}', 'é'), text).map(([start, rest]) => `${start}${rest}`);
/** Mostly the expected kind of value, sometimes anything at all. */
const usually = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ weight: 12, arbitrary: arb }, { weight: 1, arbitrary: value });

/** A post's file text: front matter written by a YAML serializer (mostly valid), or with a raw line (often not). */
const postText = fc.record({
  title: usually(named),
  date,
  summary: fc.option(usually(text), { nil: undefined }),
  tags: fc.option(usually(fc.array(text, { maxLength: 4 })), { nil: undefined }),
  author: fc.option(usually(fc.oneof(named, fc.record({ name: named, email: fc.option(fc.emailAddress(), { nil: undefined }) }))), { nil: undefined }),
  extra: fc.dictionary(fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }), fc.constantFrom('__proto__', 'constructor', 'titel')), value, { maxKeys: 2 }),
  body: fc.oneof(text, fc.array(text, { maxLength: 6 }).map((parts) => parts.join('\n\n'))),
  raw: fc.oneof(
    { weight: 6, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('title', 'date', 'tags', 'summary', 'slug'), fc.string({ unit: 'binary', maxLength: 30 })) },
  ),
}).map(({ extra, raw, body, ...fields }) => {
  const data: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(extra)) if (!['draft', 'slug', 'id', 'image', 'updated'].includes(k)) data[k] = v;
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) data[k] = v;
  const yaml = raw && !(raw[0] in data) ? `${stringify(data)}${raw[0]}: ${raw[1]}\n` : stringify(data);
  return `---\n${yaml}---\n\n${body}\n`;
});

/** Distinct file names, some plain, some Unicode; their slugs may still clash (that is an error case). */
const fileName = fc.oneof(
  { weight: 15, arbitrary: fc.constantFrom('a', 'b', 'c', 'd', 'e', '2024-01-01-f', 'G', 'café', 'cafe\u0301', '日本語', 'x.y', 'z~1') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).filter((s) => !/[/\\\0]/.test(s) && !s.startsWith('.') && Buffer.byteLength(s) < 200) },
);
const project = fc.uniqueArray(fc.tuple(fileName, postText), { minLength: 1, maxLength: 4, selector: ([name]) => name });

const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'item' || name === 'entry' });

describe('property: any posts folder gives valid feeds or diagnostics naming the files', () => {
  it('holds for 500 generated projects', async () => {
    const base = await mkdtemp(join(tmpdir(), 'feedwright-prop-'));
    let runs = 0;
    await fc.assert(fc.asyncProperty(project, async (posts) => {
      const root = join(base, String(runs++));
      await mkdir(join(root, 'posts'), { recursive: true });
      for (const [name, contents] of posts) await writeFile(join(root, 'posts', `${name}.md`), contents);
      const shown = new Set(posts.map(([name]) => `posts/${name.normalize('NFC')}.md`));

      const result = await build({ config, root, postsDir: 'posts', drafts: true, future: true, now: 0 });

      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      for (const d of result.diagnostics) expect(shown).toContain(d.file);
      if (errors.length > 0) {
        expect(result.files).toEqual([]);
        return;
      }
      const byPath = new Map(result.files.map((f) => [f.path, String(f.contents)]));
      const rss = byPath.get('rss.xml') ?? '';
      const atom = byPath.get('atom.xml') ?? '';
      expect(xmlProblem(rss)).toBeUndefined();
      expect(xmlProblem(atom)).toBeUndefined();
      const json = JSON.parse(byPath.get('feed.json') ?? '') as { items: { id: string }[] };
      const ids = (result.site?.posts ?? []).map((p) => p.id).sort();
      expect(ids).toHaveLength(posts.length);
      expect(json.items.map((i) => i.id).sort()).toEqual(ids);
      const rssItems = (parser.parse(rss) as { rss: { channel: { item?: { guid: { '#text': string } }[] } } }).rss.channel.item ?? [];
      const atomEntries = (parser.parse(atom) as { feed: { entry?: { id: string }[] } }).feed.entry ?? [];
      expect(rssItems.map((i) => i.guid['#text']).sort()).toEqual(ids);
      expect(atomEntries.map((e) => e.id).sort()).toEqual(ids);
      for (const p of result.site?.posts ?? []) expect(byPath.has(`posts/${p.slug}/index.html`)).toBe(true);
    }), { numRuns: 500 }).finally(() => rm(base, { recursive: true, force: true }));
  }, 120_000);
});
