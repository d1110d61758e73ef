import { mkdir, readFile, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseJsonFeed, parseRssFeed } from 'feedsmith';
import { describe, expect, it } from 'vitest';
import { makeProject, png, post, run } from './helpers/project.js';

const IMAGE = png(4, 3);
const BODY = [
  'A picture: ![A gradient](cover.png)',
  '',
  'Listen: <audio controls src="media/clip.mp3"></audio> and [the notes](notes/notes.txt).',
].join('\n');

/** A bundle with an image, a sound and a text file in sub-folders, published at `posts/our-trip/`. */
function trip(): Record<string, string | Uint8Array> {
  return {
    'posts/2024-05-01-trip/index.md': post({ title: 'Trip', date: '2024-05-01', slug: 'our-trip' }, BODY),
    'posts/2024-05-01-trip/cover.png': IMAGE,
    'posts/2024-05-01-trip/media/clip.mp3': new Uint8Array([0xff, 0xfb, 0x90, 0x64]),
    'posts/2024-05-01-trip/notes/notes.txt': 'notes\n',
  };
}

describe('post bundles', () => {
  it('copies the files beside index.md to dist/posts/<slug>/, keeping sub-folders', async () => {
    const dir = await makeProject({ ...trip(), 'posts/2024-05-01-trip/.DS_Store': 'junk' });
    const { code, io } = await run(dir, ['build']);
    expect(io.stderrText).toBe('');
    expect(code).toBe(0);
    const out = join(dir, 'dist/posts/our-trip');
    expect(await readFile(join(out, 'cover.png'))).toEqual(IMAGE);
    expect((await stat(join(out, 'media/clip.mp3'))).size).toBe(4);
    expect(await readFile(join(out, 'notes/notes.txt'), 'utf8')).toBe('notes\n');
    await expect(stat(join(out, '.DS_Store'))).rejects.toThrow();
    await expect(stat(join(out, 'index.md'))).rejects.toThrow();
    // The page's references resolve to the copied files; the feeds carry them absolute.
    const page = await readFile(join(out, 'index.html'), 'utf8');
    expect(page).toContain('<img src="https://example.org/blog/posts/our-trip/cover.png" alt="A gradient" width="4" height="3" />');
    expect(page).toContain('src="https://example.org/blog/posts/our-trip/media/clip.mp3"');
    const rss = parseRssFeed(await readFile(join(dir, 'dist/rss.xml'), 'utf8'));
    const html = rss.items?.[0]?.content?.encoded ?? '';
    expect(html).toContain('src="https://example.org/blog/posts/our-trip/cover.png"');
    expect(html).toContain('href="https://example.org/blog/posts/our-trip/notes/notes.txt"');
    const json = parseJsonFeed(JSON.parse(await readFile(join(dir, 'dist/feed.json'), 'utf8')));
    expect(json.items?.[0]?.content_html).toContain('src="https://example.org/blog/posts/our-trip/media/clip.mp3"');
  });

  it('never follows a symbolic link out of the bundle, but does follow one to a file inside it', async () => {
    const outside = await makeProject({ 'secret.txt': 'do not publish\n' });
    const dir = await makeProject({
      'posts/shared/logo.png': IMAGE,
      'posts/trip/images/logo.png': IMAGE,
      'posts/trip/index.md': post({ title: 'Trip', date: '2024-05-01' }, '![logo](logo.png)'),
    });
    await symlink(join(outside, 'secret.txt'), join(dir, 'posts/trip/secret.txt'));
    await symlink(outside, join(dir, 'posts/trip/elsewhere'));
    await symlink(join(dir, 'posts/shared/logo.png'), join(dir, 'posts/trip/sibling.png'));
    await symlink(join(dir, 'posts/trip/images/logo.png'), join(dir, 'posts/trip/logo.png'));
    const { code, io } = await run(dir, ['build']);
    expect(code).toBe(0);
    for (const name of ['secret.txt', 'elsewhere', 'sibling.png']) {
      expect(io.stderrText).toContain(`posts/trip/${name} warning this symbolic link points outside the post bundle; it is not published`);
      await expect(stat(join(dir, 'dist/posts/trip', name))).rejects.toThrow();
    }
    expect(io.stderrText.match(/asset-outside-bundle/g)).toHaveLength(3); // reported once each, not again when copying
    expect(await readFile(join(dir, 'dist/posts/trip/logo.png'))).toEqual(IMAGE);
  });

  it('refuses a bundle file that would replace the generated page', async () => {
    const dir = await makeProject({
      'posts/trip/index.md': post({ title: 'Trip', date: '2024-05-01' }),
      'posts/trip/index.html': '<p>mine</p>',
    });
    const { code, io } = await run(dir, ['check']);
    expect(code).toBe(1);
    expect(io.stderrText).toContain('posts/trip/index.html error the bundle file index.html would replace the page generated for the post');
  });

  it('publishes nothing of a draft bundle', async () => {
    const dir = await makeProject({
      'posts/trip/index.md': post({ title: 'Trip', date: '2024-05-01', draft: 'true' }),
      'posts/trip/cover.png': IMAGE,
    });
    expect((await run(dir, ['build'])).code).toBe(0);
    await expect(stat(join(dir, 'dist/posts/trip'))).rejects.toThrow();
    expect((await run(dir, ['build', '--drafts'])).code).toBe(0);
    expect((await stat(join(dir, 'dist/posts/trip/cover.png'))).isFile()).toBe(true);
  });

  it('finds a bundle whose folder name is spelled in NFD on disk', async () => {
    const dir = await makeProject({});
    const nfd = 'cafe\u0301';
    await mkdir(join(dir, 'posts', nfd), { recursive: true });
    await writeFile(join(dir, 'posts', nfd, 'index.md'), post({ title: 'Café', date: '2024-05-01' }, '![x](x.png)'));
    await writeFile(join(dir, 'posts', nfd, 'x.png'), IMAGE);
    const { code, io } = await run(dir, ['build']);
    expect(io.stderrText).toBe('');
    expect(code).toBe(0);
    expect((await stat(join(dir, 'dist/posts/caf\u00e9/x.png'))).isFile()).toBe(true);
  });
});

describe('bundle files in a rebuild', () => {
  it('an unchanged bundle file is linked from the last output, a replaced one is copied again; the output is a clean build\'s', async () => {
    const dir = await makeProject({ ...trip(), 'posts/other.md': post({ title: 'Other', date: '2024-05-02' }) });
    // (files written a moment ago are not trusted by their stat: date them back, as real posts are)
    const then = new Date(Date.now() - 60_000);
    for (const file of ['cover.png', 'media/clip.mp3', 'notes/notes.txt', 'index.md']) await utimes(join(dir, 'posts/2024-05-01-trip', file), then, then);
    const out = join(dir, 'dist/posts/our-trip');
    const ino = async (path: string): Promise<number> => (await stat(path)).ino;
    expect((await run(dir, ['build'])).code).toBe(0);
    const cover = await ino(join(out, 'cover.png'));
    // Another post edited: a real rebuild, in which the bundle's files are the output's own, linked.
    await writeFile(join(dir, 'posts/other.md'), post({ title: 'Other, edited', date: '2024-05-02' }));
    expect((await run(dir, ['build'])).code).toBe(0);
    expect(await ino(join(out, 'cover.png'))).toBe(cover);
    // The notes replaced by as many other bytes (their mtime a minute back again): copied.
    await writeFile(join(dir, 'posts/2024-05-01-trip/notes/notes.txt'), 'NOTES\n');
    await utimes(join(dir, 'posts/2024-05-01-trip/notes/notes.txt'), then, then);
    expect((await run(dir, ['build'])).code).toBe(0);
    expect(await readFile(join(out, 'notes/notes.txt'), 'utf8')).toBe('NOTES\n');
    expect((await run(dir, ['build', '--no-cache', '--out', 'clean'])).code).toBe(0);
    for (const file of ['cover.png', 'media/clip.mp3', 'notes/notes.txt', 'index.html']) {
      expect(await readFile(join(out, file)), file).toEqual(await readFile(join(dir, 'clean/posts/our-trip', file)));
    }
  });
});
