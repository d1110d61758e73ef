import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listBundleAssets } from '../src/read/assets.js';
import { resolveConfig } from '../src/config/config.js';
import { mainFeed } from '../src/feeds/doc.js';
import { rss } from '../src/feeds/rss.js';
import { finishHtml } from '../src/post/html.js';
import { describeAssets, mediaType } from '../src/read/media-info.js';
import { podcastGuid, podcastGuidSeed, uuidV5 } from '../src/config/podcast-guid.js';
import { parseDuration } from '../src/post/media/attachment.js';
import { jpegHeader, mp3, png, wav } from './helpers/media-files.js';
import { makeProject } from './helpers/project.js';

describe('media types come from the mime library, not from a guess', () => {
  it.each([
    ['episode.mp3', 'audio/mpeg'],
    ['episode.m4a', 'audio/mp4'],
    ['photo.jpg', 'image/jpeg'],
    ['PHOTO.JPG', 'image/jpeg'],
    ['photo.jpeg', 'image/jpeg'],
    ['clip.mp4', 'video/mp4'],
    ['a/b/diagram.svg', 'image/svg+xml'],
    ['talk.wav', 'audio/wav'],
    ['notes.pdf', 'application/pdf'],
  ])('%s is %s', (name, type) => {
    expect(mediaType(name)).toBe(type);
  });

  it('an unknown extension has no type', () => {
    expect(mediaType('data.zzqx')).toBeUndefined();
    expect(mediaType('README')).toBeUndefined();
  });
});

describe('podcast:guid', () => {
  it('reproduces the examples of the podcast namespace specification', () => {
    expect(podcastGuid('https://mp3s.nashownotes.com/pc20rss.xml')).toBe('917393e3-1b1e-5cef-ace4-edaa54e1f810');
    expect(podcastGuid('http://podnews.net/rss')).toBe('9b024349-ccf0-5f69-a609-6b82873eab3c');
  });

  it('strips the scheme and trailing slashes before hashing', () => {
    expect(podcastGuidSeed('https://podnews.net/rss//')).toBe('podnews.net/rss');
    expect(podcastGuid('https://podnews.net/rss/')).toBe('9b024349-ccf0-5f69-a609-6b82873eab3c');
  });

  it('is a version 5, RFC-variant UUID (RFC 9562 test vector)', () => {
    // RFC 9562 appendix A.4: "www.example.com" in the DNS namespace
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });
});

describe('durations', () => {
  it.each([
    [3723, 3723], ['3723', 3723], ['1:02:03', 3723], ['62:03', 3723], ['0:01', 1], [12.5, 12.5], ['12.5', 12.5],
  ])('%s is %s seconds', (input, seconds) => {
    expect(parseDuration(input)).toBe(seconds);
  });

  it.each([[0], [-3], ['1:60'], ['1:60:00'], ['1:2:3:4'], ['ten minutes'], [''], [true], [null]])('%s is not a duration', (input) => {
    expect(parseDuration(input)).toBeUndefined();
  });
});

describe('bundle assets', () => {
  it('lists files beside index.md with their real sizes, sorted, without dot-files, following links only inside', async () => {
    const root = await makeProject({
      'posts/ep/index.md': '---\n---\n',
      'posts/ep/b.mp3': mp3(3),
      'posts/ep/a.wav': wav(0.5),
      'posts/ep/.DS_Store': 'x',
      'posts/ep/img/cover.png': png(64, 48),
      'posts/ep/img/side.jpg': jpegHeader(400, 300, 8),
      'posts/other/secret.txt': 'secret',
    });
    const dir = join(root, 'posts/ep');
    await symlink(join(dir, 'b.mp3'), join(dir, 'c-link.mp3'));
    await symlink(join(root, 'posts/other/secret.txt'), join(dir, 'escape.txt'));
    await mkdir(join(dir, '.git'));
    await writeFile(join(dir, '.git', 'HEAD'), 'x');

    const listed = listBundleAssets(dir, 'posts/ep');
    expect(listed.assets.map((a) => [a.path, a.size])).toEqual([
      ['a.wav', 44 + 4000],
      ['b.mp3', 3 * 417],
      ['c-link.mp3', 3 * 417],
      ['img/cover.png', png(64, 48).length],
      ['img/side.jpg', jpegHeader(400, 300, 8).length],
    ]);
    expect(listed.diagnostics).toEqual([expect.objectContaining({ file: 'posts/ep/escape.txt', severity: 'warning', code: 'asset-outside-bundle' })]);

    const info = describeAssets(listed.assets);
    expect(info).toEqual([
      { path: 'a.wav', size: 4044, type: 'audio/wav' },
      { path: 'b.mp3', size: 1251, type: 'audio/mpeg' },
      { path: 'c-link.mp3', size: 1251, type: 'audio/mpeg' },
      { path: 'img/cover.png', size: png(64, 48).length, type: 'image/png', width: 64, height: 48 },
      // EXIF orientation 8 (rotated a quarter turn): shown 300 wide, 400 high
      { path: 'img/side.jpg', size: jpegHeader(400, 300, 8).length, type: 'image/jpeg', width: 300, height: 400 },
    ]);
  });

  it('a damaged image has no size, and no error', async () => {
    const root = await makeProject({ 'b/broken.png': 'not a png at all' });
    const [info] = describeAssets([{ path: 'broken.png', file: join(root, 'b/broken.png'), size: 16 }]);
    expect(info).toEqual({ path: 'broken.png', size: 16, type: 'image/png' });
  });
});

describe('image sizes in the content', () => {
  const base = 'https://example.com/posts/p/';
  const sizes = new Map([[`${base}pic.png`, { width: 64, height: 48 }]]);

  it('are added in the sanitizing pass to local images, keeping alt', () => {
    expect(finishHtml('<p><img src="pic.png" alt="A picture"></p>', base, false, sizes))
      .toBe(`<p><img src="${base}pic.png" alt="A picture" width="64" height="48" /></p>`);
  });

  it('never replace sizes the author wrote, and leave unknown images alone', () => {
    expect(finishHtml('<img src="pic.png" alt="" width="10">', base, false, sizes)).toBe(`<img src="${base}pic.png" alt="" width="10" />`);
    expect(finishHtml('<img src="other.png" alt="x">', base, false, sizes)).toBe(`<img src="${base}other.png" alt="x" />`);
  });

  it('work for trusted raw HTML too', () => {
    expect(finishHtml('<img src="./pic.png" alt="A">', base, true, sizes)).toBe(`<img src="${base}pic.png" alt="A" width="64" height="48" />`);
  });
});

describe('the README', () => {
  it('shows a podcast config that is valid, with the guid feedwright would derive for it', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Podcasts'));
    const block = /```json\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const text = `{${block}}`;
    const data = (JSON.parse(text) as { feedwright: Record<string, unknown> }).feedwright;
    const { config, diagnostics } = resolveConfig({ file: 'README.md', text, data, keyPath: ['feedwright'] });
    expect(diagnostics).toEqual([]);
    expect(config?.podcast?.guid).toBe(podcastGuid('https://example.com/podcast/rss.xml'));
    expect(config?.podcast?.categories).toEqual([{ category: 'Society & Culture', subcategory: 'Documentary' }, { category: 'History' }]);
  });
});

describe('podcast mode', () => {
  it('applies to the main RSS feed only, never to other documents built from the same config', () => {
    const text = `{"feedwright": {"url": "https://example.com/", "author": {"name": "A", "email": "a@example.com"}, "podcast": {"image": "a.jpg", "category": "History", "explicit": false}}}`;
    const { config } = resolveConfig({ file: 'c.json', text, data: (JSON.parse(text) as { feedwright: unknown }).feedwright, keyPath: ['feedwright'] });
    if (!config) throw new Error('config should be valid');
    const main = mainFeed({ config, posts: [], items: [], updated: 0, leftOut: { drafts: 0, future: 0 } });
    expect(rss(main)).toContain('<podcast:guid>');
    const tagFeed = { ...main, paths: { rss: 'tags/x/rss.xml', atom: 'tags/x/atom.xml', json: 'tags/x/feed.json' } };
    expect(rss(tagFeed)).not.toMatch(/itunes:|podcast:/);
  });
});
