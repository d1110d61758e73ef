import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { Parser } from 'htmlparser2';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject, removeProjects, runCli, SITE } from './helpers/cli-project.js';
import { xmlProblem } from './helpers/xml.js';

/**
 * Front matter and Markdown cannot inject markup: text fields are escaped everywhere, and active content in
 * post bodies is removed by the sanitizer unless `allowRawHtml` is set.
 */

const TITLE = `</title><script>alert("title")</script> & "quoted" 'single' ]]> <img src=x onerror=alert(1)>`;
const SUMMARY = `"><svg onload=alert(1)> & </description><evil/>`;
const TAG = `"><b onmouseover="alert(1)">tag</b>`;
const AUTHOR = `</name><script>alert('author')</script>`;

const HOSTILE_BODY = [
  'Some **safe** text with [a fine link](https://example.org/) and ![an image](pic.png).',
  '<script>alert("script")</script>',
  '<p onclick="alert(1)" style="color:red" onmouseover=alert(2)>handlers</p>',
  '<a href="javascript:alert(1)">js</a> <a href="JaVaScRiPt:alert(1)">mixed case</a>',
  '<a href="&#106;avascript:alert(1)">entity</a> <a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">hex entities</a>',
  '<a href="jav&#x09;ascript:alert(1)">tab inside</a> <a href=" javascript:alert(1)">leading space</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data link</a> <a href="vbscript:msgbox(1)">vb</a>',
  '[markdown js](javascript:alert(1)) <javascript:alert(1)>',
  '<iframe src="https://evil.example/"></iframe><object data="evil.swf"></object><embed src="evil.swf">',
  '<style>body { display: none }</style><link rel="stylesheet" href="https://evil.example/x.css">',
  '<form action="https://evil.example/"><input name="q"><button>go</button></form>',
  '<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example/">',
  '<svg><script>alert(1)</script></svg><math><mi xlink:href="javascript:alert(1)">m</mi></math>',
  '<img src="x" onerror="alert(1)" srcset="javascript:alert(1) 1x, ok.png 2x">',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
].join('\n\n');

const hostilePost = `---
title: ${JSON.stringify(TITLE)}
date: 2024-01-31T09:00:00Z
summary: ${JSON.stringify(SUMMARY)}
tags: [${JSON.stringify(TAG)}, plain]
author: ${JSON.stringify({ name: AUTHOR, url: 'https://example.org/"onmouseover="x' })}
---

${HOSTILE_BODY}
`;

const ACTIVE_TAGS = new Set(['script', 'iframe', 'object', 'embed', 'style', 'link', 'form', 'input', 'button', 'base', 'meta', 'svg', 'math', 'frame', 'frameset', 'applet']);

/** Everything in `html` that could run code or pull in active content, as readable strings. */
function activeContent(html: string, allowHeadTags = false): string[] {
  const found: string[] = [];
  const parser = new Parser({
    onopentag(name, attribs) {
      if (ACTIVE_TAGS.has(name) && !(allowHeadTags && (name === 'meta' || name === 'link'))) found.push(`<${name}>`);
      for (const [attr, value] of Object.entries(attribs)) {
        if (attr.startsWith('on') || attr === 'style') found.push(`${name}[${attr}]`);
        const url = value.replace(/[\u0000-\u0020]/g, '').toLowerCase();
        if (/^(javascript|vbscript):/.test(url) || (/^data:/.test(url) && !(name === 'img' && attr === 'src'))) found.push(`${name}[${attr}=${value}]`);
      }
    },
  }, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
  parser.write(html);
  parser.end();
  return found;
}

/** The text an HTML fragment shows, entities decoded. */
function textOf(html: string): string {
  let text = '';
  const parser = new Parser({ ontext: (t) => { text += t; } }, { decodeEntities: true });
  parser.write(html);
  parser.end();
  return text;
}

async function buildHostile(config: object): Promise<{ root: string; read: (p: string) => Promise<string> }> {
  const root = await makeProject({ 'posts/hostile.md': hostilePost }, config);
  const run = await runCli(root, ['build']);
  // The post's relative images have no file beside them (the post is not a bundle): reported at their line, even in a
  // post that goes through the sanitizer, the Markdown one and the raw `<img src="x" onerror=…>` (its value's column,
  // and its srcset's ok.png at that URL's),
  // and none of the javascript:, data: or hidden links (the sanitizer removes them, and none points into the site).
  expect(run.lines).toEqual([
    `posts/hostile.md:9:65 warning image to ${SITE.url}posts/hostile/pic.png points into the site, but the build writes nothing there; fix the file name or add what it points to [broken-link]`,
    `posts/hostile.md:35:11 warning image to ${SITE.url}posts/hostile/x points into the site, but the build writes nothing there; fix the file name or add what it points to [broken-link]`,
    `posts/hostile.md:35:65 warning image to ${SITE.url}posts/hostile/ok.png points into the site, but the build writes nothing there; fix the file name or add what it points to [broken-link]`,
    '⚠ 0 errors, 3 warnings in 1 file',
  ]);
  expect(run.code).toBe(0);
  return { root, read: (p) => readFile(join(root, 'dist', p), 'utf8') };
}

const xml = new XMLParser({ ignoreAttributes: false, processEntities: true, htmlEntities: true, parseTagValue: false, trimValues: false });

interface Contents { readonly rss: string; readonly atom: string; readonly json: string }

/** The post's HTML as each feed carries it, once the feed's own escaping is undone. */
async function feedContents(read: (p: string) => Promise<string>): Promise<Contents & { titles: string[] }> {
  const rssText = await read('rss.xml');
  const atomText = await read('atom.xml');
  expect(xmlProblem(rssText)).toBeUndefined();
  expect(xmlProblem(atomText)).toBeUndefined();
  const rss = xml.parse(rssText) as { rss: { channel: { item: Record<string, unknown> } } };
  const atom = xml.parse(atomText) as { feed: { entry: Record<string, unknown> } };
  const json = JSON.parse(await read('feed.json')) as { items: { title: string; content_html: string; summary: string; tags: string[]; authors: { name: string }[] }[] };
  const item = rss.rss.channel.item;
  const entry = atom.feed.entry;
  const jsonItem = json.items[0];
  if (!jsonItem) throw new Error('no item');
  expect(textOf(item.description as string)).toBe(SUMMARY); // RSS descriptions are HTML: the text is escaped once more
  expect(item.category).toEqual([TAG, 'plain']);
  expect(item['dc:creator']).toBe(AUTHOR);
  expect((entry.summary as Record<string, string>)['#text']).toBe(SUMMARY);
  expect((entry.author as { name: string }).name).toBe(AUTHOR);
  expect([jsonItem.summary, jsonItem.tags, jsonItem.authors[0]?.name]).toEqual([SUMMARY, [TAG, 'plain'], AUTHOR]);
  return {
    titles: [item.title as string, (entry.title as Record<string, string>)['#text'] ?? '', jsonItem.title],
    rss: item['content:encoded'] as string,
    atom: (entry.content as Record<string, string>)['#text'] ?? '',
    json: jsonItem.content_html,
  };
}

afterAll(removeProjects);

describe('hostile content, default settings', () => {
  it('titles, summaries, tags and author names come out as the same text in every feed (escaped, never markup)', async () => {
    const { read } = await buildHostile(SITE);
    const { titles } = await feedContents(read);
    expect(titles).toEqual([TITLE, TITLE, TITLE]);
  });

  it('no active content reaches any feed', async () => {
    const { read } = await buildHostile(SITE);
    const contents = await feedContents(read);
    for (const html of [contents.rss, contents.atom, contents.json]) {
      expect(activeContent(html)).toEqual([]);
      expect(html).toContain('<strong>safe</strong>');
      expect(html).toContain('<a href="https://example.org/">a fine link</a>');
      expect(html).toContain('<img src="https://example.com/blog/posts/hostile/pic.png" alt="an image" />');
    }
  });

  it('no active content and no injected markup reaches the pages', async () => {
    const config = { ...SITE, title: '<script>alert("site")</script>', description: '"><img src=x onerror=alert(1)>' };
    const { read } = await buildHostile(config);
    // The page template has active parts of its own (its copy script and buttons): a harmless post is the baseline.
    const benign = await makeProject({ 'posts/hostile.md': '---\ntitle: Fine\ndate: 2024-01-31T09:00:00Z\n---\n\nHello.\n' }, config);
    expect((await runCli(benign, ['build'])).code).toBe(0);
    // (the benign post has no tags, so its tag index is compared with the empty one)
    const pages: [string, string][] = [['index.html', TITLE], ['posts/hostile/index.html', TITLE], ['tags/index.html', TAG]];
    for (const [page, shown] of pages) {
      const html = await read(page);
      expect(activeContent(html, true)).toEqual(activeContent(await readFile(join(benign, 'dist', page), 'utf8'), true));
      // the hostile text is there as text, not markup
      expect(textOf(html)).toContain(shown);
    }
    const page = await read('posts/hostile/index.html');
    expect(page).toContain('rel="tag">&quot;&gt;&lt;b onmouseover=&quot;alert(1)&quot;&gt;tag&lt;/b&gt;</a>');
    expect(page).toContain('<a href="https://example.org/%22onmouseover=%22x">');
  });
});

describe('allowRawHtml: true (trusted authors)', () => {
  it('keeps the body HTML as written, but front-matter text is still escaped', async () => {
    const { read } = await buildHostile({ ...SITE, allowRawHtml: true });
    const contents = await feedContents(read);
    expect(contents.titles).toEqual([TITLE, TITLE, TITLE]);
    for (const html of [contents.rss, contents.atom, contents.json, await read('posts/hostile/index.html')]) {
      expect(html).toContain('<script>alert("script")</script>');
      expect(html).toContain('<iframe src="https://evil.example/"></iframe>');
      expect(html).toContain('onclick="alert(1)"');
    }
  });
});
