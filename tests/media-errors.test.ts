import { readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/cli.js';
import { mp3, png } from './helpers/media-files.js';
import { fakeIo, makeProject, packageJson } from './helpers/project.js';

/** Problems with media and podcast settings: each a diagnostic at the right line, all reported, nothing written. */

const SITE = { title: 'T', url: 'https://example.com/', timeZone: 'UTC', author: { name: 'A' } };

async function run(files: Record<string, string | Uint8Array>): Promise<{ code: number; err: string; root: string }> {
  const root = await makeProject({ 'package.json': packageJson(SITE), ...files });
  const io = fakeIo(root);
  const code = await main(['build'], io);
  return { code, err: io.err.join(''), root };
}

const post = (front: string): string => `---\ntitle: A post\ndate: 2024-01-01\n${front}\n---\n\nBody.\n`;

describe('enclosures', () => {
  it('a local file that is not in the bundle is an error at the front-matter line', async () => {
    const { code, err } = await run({
      'posts/ep/index.md': post('summary: x\naudio: episode.mp3'),
      'posts/ep/other.mp3': mp3(2),
    });
    expect(code).toBe(1);
    expect(err).toContain('posts/ep/index.md:5:1 error "audio" file "episode.mp3" was not found beside posts/ep/index.md (files there with that extension: other.mp3) [missing-media]');
  });

  it('a local file named by a single-file post is an error', async () => {
    const { code, err } = await run({ 'posts/ep.md': post('enclosure: ep.mp3') });
    expect(code).toBe(1);
    expect(err).toMatch(/posts\/ep\.md:4:1 error "enclosure" names a local file "ep\.mp3", but posts\/ep\.md is a single-file post.*\[missing-media\]/);
  });

  it('a path that leaves the bundle is an error', async () => {
    const { err } = await run({ 'posts/ep/index.md': post('audio: ../other/ep.mp3'), 'posts/other/index.md': post(''), 'posts/other/ep.mp3': mp3(2) });
    expect(err).toContain('posts/ep/index.md:4:1 error "audio" path "../other/ep.mp3" leaves the post bundle');
  });

  it('a remote file without a length is an error, never length="0"', async () => {
    const { code, err } = await run({ 'posts/ep.md': post('audio: https://cdn.example.com/ep.mp3') });
    expect(code).toBe(1);
    expect(err).toContain('posts/ep.md:4:1 error "audio" https://cdn.example.com/ep.mp3 is not in the post bundle, so its size in bytes must be given');
    expect(err).toContain('[missing-media-length]');
  });

  it('a remote file with length takes its type from the name, or from "type"', async () => {
    const { code, err, root } = await run({
      'posts/a.md': post('audio: {url: "https://cdn.example.com/a.m4a", length: 500}\nimage: https://cdn.example.com/cover.webp'),
      'posts/b.md': post('enclosure: {url: "https://cdn.example.com/b?id=1", length: 9, type: application/pdf}').replace('A post', 'B post'),
    });
    expect(err).toBe('');
    expect(code).toBe(0);
    const rss = await readFile(join(root, 'dist/rss.xml'), 'utf8');
    expect(rss).toContain('<enclosure url="https://cdn.example.com/a.m4a" length="500" type="audio/mp4"/>');
    expect(rss).toContain('<enclosure url="https://cdn.example.com/b?id=1" length="9" type="application/pdf"/>');
    // a remote cover is carried as it is, in every format and on the page
    expect(rss).toContain('<media:thumbnail url="https://cdn.example.com/cover.webp"/>');
    expect(await readFile(join(root, 'dist/atom.xml'), 'utf8')).toContain('<media:content url="https://cdn.example.com/cover.webp" medium="image"/>');
    expect(await readFile(join(root, 'dist/feed.json'), 'utf8')).toContain('"image": "https://cdn.example.com/cover.webp"');
    expect(await readFile(join(root, 'dist/posts/a/index.html'), 'utf8')).toContain('<meta property="og:image" content="https://cdn.example.com/cover.webp">');
  });

  it('a remote file of unknown type without "type" is an error', async () => {
    const { err } = await run({ 'posts/ep.md': post('enclosure: {url: "https://cdn.example.com/stream", length: 10}') });
    expect(err).toContain('[unknown-media-type]');
  });

  it('"audio" must be audio, "video" video', async () => {
    const { err } = await run({ 'posts/ep/index.md': post('audio: cover.png'), 'posts/ep/cover.png': png(2, 2) });
    expect(err).toContain('posts/ep/index.md:4:1 error "audio" must be an audio file, but https://example.com/posts/ep/cover.png is image/png; use "enclosure" for other files [media-type-mismatch]');
  });

  it('an empty file is an error (it would be published as length="0")', async () => {
    const { err } = await run({ 'posts/ep/index.md': post('audio: ep.mp3'), 'posts/ep/ep.mp3': new Uint8Array(0) });
    expect(err).toContain('"audio" file "ep.mp3" is empty (0 bytes) [empty-media]');
  });

  it('a local file of unknown extension needs "type"', async () => {
    const { err } = await run({ 'posts/ep/index.md': post('enclosure: data.zzqx'), 'posts/ep/data.zzqx': 'x' });
    expect(err).toContain('cannot tell the media type of "data.zzqx" from its extension');
  });

  it('bad durations and episode fields are reported at their lines', async () => {
    const { err } = await run({
      'posts/ep/index.md': post('audio: ep.mp3\nduration: "1:99:00"\nepisode: 0\nepisodeType: pilot\nexplicit: "no"'),
      'posts/ep/ep.mp3': mp3(2),
    });
    expect(err).toContain('posts/ep/index.md:5:1 error "duration" must be seconds');
    expect(err).toContain('posts/ep/index.md:6:1 error "episode" must be a whole number from 1 up, found a number (0) [wrong-type]');
    expect(err).toContain('posts/ep/index.md:7:1 error "episodeType" must be full, trailer or bonus');
    expect(err).toContain('posts/ep/index.md:8:1 error "explicit" must be true or false');
  });

  it('a missing cover image in a bundle is an error', async () => {
    const { err } = await run({ 'posts/ep/index.md': post('image: cover.jpg') });
    expect(err).toContain('posts/ep/index.md:4:1 error "image" file "cover.jpg" was not found beside posts/ep/index.md [missing-media]');
  });

  it('a symbolic link out of the bundle is not published and warned about', async () => {
    const root = await makeProject({ 'package.json': packageJson(SITE), 'posts/ep/index.md': post('audio: secret.mp3'), 'secret.mp3': mp3(2) });
    await symlink(join(root, 'secret.mp3'), join(root, 'posts/ep/secret.mp3'));
    const io = fakeIo(root);
    expect(await main(['build'], io)).toBe(1);
    const err = io.err.join('');
    expect(err).toContain('posts/ep/secret.mp3 warning this symbolic link points outside the post bundle');
    expect(err).toContain('[missing-media]');
  });
});

describe('podcast config', () => {
  async function runConfig(podcast: unknown): Promise<string> {
    const root = await makeProject({ 'package.json': packageJson({ ...SITE, podcast }), 'posts/ep.md': post('') });
    const io = fakeIo(root);
    expect(await main(['build'], io)).toBe(1);
    return io.err.join('');
  }

  it('missing required fields are errors at the "podcast" line of package.json', async () => {
    const err = await runConfig({ type: 'serial' });
    // package.json: line 1 "{", 2 name, 3 private, 4 "feedwright": {, 5 title, 6 url, 7 timeZone, 8 author {, 9 name, 10 }, 11 "podcast"
    for (const field of ['image', 'category', 'explicit']) {
      expect(err).toContain(`package.json:11:5 error podcast mode needs "${field}"`);
    }
    expect(err).toContain('package.json:11:5 error podcast mode needs an "owner" with a name and an e-mail address');
    expect(err).toContain('[podcast-missing-field]');
  });

  it('a category outside Apple\'s list is an error at its line, with a suggestion', async () => {
    const err = await runConfig({ image: 'a.jpg', category: 'Tecnology', explicit: false, owner: { name: 'O', email: 'o@example.com' } });
    expect(err).toContain('package.json:13:7 error "Tecnology" is not an Apple Podcasts category; did you mean "Technology"? [podcast-category]');
  });

  it('a subcategory of another category is an error', async () => {
    const err = await runConfig({ image: 'a.jpg', category: 'Arts > Documentary', explicit: false, owner: { name: 'O', email: 'o@example.com' } });
    expect(err).toContain('"Documentary" is not a subcategory of "Arts"; its subcategories are: Books, Design, Fashion & Beauty, Food, Performing Arts, Visual Arts');
  });

  it('an owner without e-mail, a wrong explicit and a malformed guid are errors at their lines', async () => {
    const err = await runConfig({ image: 'a.jpg', category: 'Technology', explicit: 'no', owner: { name: 'O' }, guid: 'my-show' });
    expect(err).toContain('package.json:14:7 error podcast "explicit" must be true or false, found "no" [config-type]');
    expect(err).toContain('package.json:15:7 error podcast "owner" needs an "email"');
    expect(err).toContain('package.json:18:7 error podcast "guid" must be a UUID');
  });

  it('categories are matched without regard to case and written as Apple spells them; the site author is the default owner', async () => {
    const root = await makeProject({
      'package.json': packageJson({ ...SITE, author: { name: 'A', email: 'a@example.com' }, podcast: { image: 'https://cdn.example.com/art.png', category: 'tv & film > film reviews', explicit: true, guid: '917393E3-1B1E-5CEF-ACE4-EDAA54E1F810' } }),
      'posts/ep/index.md': post('audio: ep.mp3'),
      'posts/ep/ep.mp3': mp3(2),
    });
    const io = fakeIo(root);
    expect(await main(['build'], io)).toBe(0);
    const rss = await readFile(join(root, 'dist/rss.xml'), 'utf8');
    expect(rss).toContain('<itunes:category text="TV &amp; Film"><itunes:category text="Film Reviews"/></itunes:category>');
    expect(rss).toContain('<itunes:owner><itunes:name>A</itunes:name><itunes:email>a@example.com</itunes:email></itunes:owner>');
    expect(rss).toContain('<itunes:author>A</itunes:author>');
    expect(rss).toContain('<podcast:guid>917393e3-1b1e-5cef-ace4-edaa54e1f810</podcast:guid>');
  });

  it('warns about a podcast post without audio, and about episode fields without podcast mode', async () => {
    const root = await makeProject({
      'package.json': packageJson({ ...SITE, author: { name: 'A', email: 'a@example.com' }, podcast: { image: 'a.jpg', category: 'History', explicit: false } }),
      'posts/news.md': post(''),
    });
    const io = fakeIo(root);
    expect(await main(['build'], io)).toBe(0);
    expect(io.err.join('')).toContain('posts/news.md:2:1 warning the feed is a podcast, but this post has no "audio" or "video"');
    const plain = await run({ 'posts/ep.md': post('episode: 3') });
    expect(plain.code).toBe(0);
    expect(plain.err).toContain('posts/ep.md:4:1 warning "episode" is only used in podcast mode');
  });
});

describe('feeds without media', () => {
  it('stay free of Media RSS and podcast namespaces', async () => {
    const { code, root } = await run({ 'posts/plain.md': post('') });
    expect(code).toBe(0);
    const rss = await readFile(join(root, 'dist/rss.xml'), 'utf8');
    const atom = await readFile(join(root, 'dist/atom.xml'), 'utf8');
    expect(rss).not.toMatch(/xmlns:(media|itunes|podcast)|<enclosure/);
    expect(atom).not.toMatch(/xmlns:media|rel="enclosure"/);
  });
});
