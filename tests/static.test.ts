import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { parseAtomFeed, parseJsonFeed } from 'feedsmith';
import { DomUtils, parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { listStaticFiles } from '../src/read/static-files.js';
import { writeNewFiles } from '../src/output/write-files.js';
import type { OutputFile } from '../src/output/write.js';
import { makeProject, png, post, run } from './helpers/project.js';

const POST = { 'posts/2024-01-02-hello.md': post({ title: 'Hello', date: '2024-01-02' }) };

/** Every file under `dir` with its bytes (base64), and every folder, sorted: two outputs are equal when these are. */
async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name).slice(dir.length + 1);
    out[path] = entry.isDirectory() ? '<dir>' : (await readFile(join(dir, path))).toString('base64');
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The line and column of `"key"` in a project's package.json (diagnostics point there). */
async function keyAt(dir: string, key: string): Promise<string> {
  const lines = (await readFile(join(dir, 'package.json'), 'utf8')).split('\n');
  const line = lines.findIndex((l) => l.includes(`"${key}"`));
  return `${line + 1}:${(lines[line] ?? '').indexOf('"') + 1}`;
}

/** An HTML page's elements matching `test`, parsed with a real HTML parser. */
function elements(html: string, test: (name: string, attribs: Record<string, string>) => boolean): Record<string, string>[] {
  return DomUtils.findAll((el) => test(el.name, el.attribs), parseDocument(html).children).map((el) => el.attribs);
}

/** Set a file's times an hour back (as an old checkout's files are), so its stamp can be trusted (static-files.ts). */
async function age(path: string, hoursAgo = 1): Promise<void> {
  const when = new Date(Date.now() - hoursAgo * 3_600_000);
  await utimes(path, when, when);
}

describe('the static folder', () => {
  it('is copied into the output as it is, dot-folders and CNAME included, clutter and links out of it not', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'feedwright-outside-'));
    await writeFile(join(outside, 'secret.txt'), 'PRIVATE KEY');
    const dir = await makeProject({
      ...POST,
      'static/CNAME': 'blog.example.org\n',
      'static/.nojekyll': '',
      'static/.well-known/security.txt': 'Contact: mailto:security@example.org\n',
      'static/.well-known/apple-app-site-association': '{"applinks":{}}\n',
      'static/images/a.png': png(4, 3),
      'static/downloads/notes v2.pdf': '%PDF-1.4\n',
      'static/.DS_Store': 'junk',
      'static/images/.gitkeep': '',
      'static/.git/config': '[core]\n',
    });
    await symlink(join(dir, 'static/images/a.png'), join(dir, 'static/same-image.png'));
    const { code, io } = await run(dir, ['build']);
    expect(io.stderrText).toBe('');
    expect(code).toBe(0);
    const dist = join(dir, 'dist');
    expect(await readFile(join(dist, 'CNAME'), 'utf8')).toBe('blog.example.org\n');
    expect((await stat(join(dist, '.nojekyll'))).size).toBe(0);
    expect(await readFile(join(dist, '.well-known/security.txt'), 'utf8')).toBe('Contact: mailto:security@example.org\n');
    expect(await readFile(join(dist, '.well-known/apple-app-site-association'), 'utf8')).toBe('{"applinks":{}}\n');
    expect(await readFile(join(dist, 'images/a.png'))).toEqual(png(4, 3));
    expect(await readFile(join(dist, 'downloads/notes v2.pdf'), 'utf8')).toBe('%PDF-1.4\n');
    // A link to a file inside the folder is published as a copy of that file (never as a link).
    expect((await lstat(join(dist, 'same-image.png'))).isFile()).toBe(true);
    expect(await readFile(join(dist, 'same-image.png'))).toEqual(png(4, 3));
    // Copies, never hard links: nothing done to the output can reach the source.
    expect((await stat(join(dist, 'CNAME'))).ino).not.toBe((await stat(join(dir, 'static/CNAME'))).ino);
    for (const clutter of ['.DS_Store', 'images/.gitkeep', '.git']) await expect(lstat(join(dist, clutter))).rejects.toThrow();
    // The generated site is all there beside them.
    expect((await stat(join(dist, 'posts/hello/index.html'))).isFile()).toBe(true);
    await rm(outside, { recursive: true, force: true });
  });

  it('refuses a symbolic link out of the folder, naming it, and leaves the last output untouched', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'feedwright-outside-'));
    await writeFile(join(outside, 'secret.txt'), 'PRIVATE KEY');
    const dir = await makeProject({ ...POST, 'static/ok.txt': 'ok\n' });
    expect((await run(dir, ['build'])).code).toBe(0);
    const before = await tree(join(dir, 'dist'));
    await symlink(join(outside, 'secret.txt'), join(dir, 'static/leak.txt'));
    await symlink(outside, join(dir, 'static/leak-folder'));
    await mkdir(join(dir, 'static/sub'));
    await symlink('../..', join(dir, 'static/sub/up'));
    await writeFile(join(dir, 'static/ok.txt'), 'changed\n');
    for (const command of ['check', 'build']) {
      const { code, io } = await run(dir, [command]);
      expect(code).toBe(1);
      expect(io.stderrText).toContain('static/leak.txt error this symbolic link points outside static/');
      expect(io.stderrText).toContain('static/leak-folder error this symbolic link points outside static/');
      expect(io.stderrText).toContain('static/sub/up error this symbolic link points outside static/');
      expect(io.stderrText).toContain('[static-symlink]');
      expect(io.stderrText).not.toContain('PRIVATE KEY');
    }
    // Nothing of the failed build reached dist/: not the link's target, not the edit beside it.
    expect(await tree(join(dir, 'dist'))).toEqual(before);
    await rm(outside, { recursive: true, force: true });
  });

  it('reports a static file that would replace a generated one, in check and in build, naming both', async () => {
    const dir = await makeProject({
      ...POST,
      'static/rss.xml': '<rss/>',
      'static/posts/hello/index.html': '<p>mine</p>',
      'static/Style.css': 'body{}',
      'static/tags': 'a file where the tag pages need a folder',
    });
    for (const command of ['check', 'build']) {
      const { code, io } = await run(dir, [command]);
      expect(code).toBe(1);
      const lines = io.stderrText.split('\n').filter((l) => l.includes('[output-conflict]'));
      expect(lines).toEqual([
        'static/Style.css error the static file static/Style.css and the site\'s stylesheet would both be published at style.css (the two paths differ only in letter case or Unicode form, which many file systems do not tell apart); only one can be: rename or remove one of them [output-conflict]',
        'static/posts/hello/index.html error the static file static/posts/hello/index.html and the page of posts/2024-01-02-hello.md would both be published at posts/hello/index.html; only one can be: rename or remove one of them [output-conflict]',
        'static/rss.xml error the static file static/rss.xml and the site\'s RSS feed would both be published at rss.xml; only one can be: rename or remove one of them [output-conflict]',
        'static/tags error the list of tags is published at tags/index.html, which needs tags to be a folder, but the static file static/tags is a file there; only one can be: rename or remove one of them [output-conflict]',
      ]);
    }
    await expect(stat(join(dir, 'dist'))).rejects.toThrow();
  });

  it('takes its name from the config; a missing folder is no error; a folder out of the project or over the output is', async () => {
    const dir = await makeProject({ ...POST, 'public/CNAME': 'a.example\n', 'static/CNAME': 'not this one\n' }, { static: 'public' });
    expect((await run(dir, ['build'])).code).toBe(0);
    expect(await readFile(join(dir, 'dist/CNAME'), 'utf8')).toBe('a.example\n');

    const none = await makeProject(POST);
    const built = await run(none, ['build']);
    expect(built.io.stderrText).toBe('');
    expect(built.code).toBe(0);

    const outside = await makeProject(POST, { static: '../elsewhere' });
    const refused = await run(outside, ['check']);
    expect(refused.code).toBe(1);
    expect(refused.io.stderrText).toContain(`package.json:${await keyAt(outside, 'static')} error "static" must be a folder inside the project`);

    const over = await makeProject(POST, { static: 'dist' });
    const overlapping = await run(over, ['build']);
    expect(overlapping.code).toBe(1);
    expect(overlapping.io.stderrText).toContain(`package.json:${await keyAt(over, 'static')} error the static folder dist overlaps the output folder dist`);
  });
});

describe('icon and logo', () => {
  it('must be files of the static folder when written as paths: an error at the config line otherwise', async () => {
    const dir = await makeProject({ ...POST, 'static/logo.png': png(20, 10) }, { icon: 'favicon.png', logo: 'logo.png' });
    for (const command of ['check', 'build']) {
      const { code, io } = await run(dir, [command]);
      expect(code).toBe(1);
      expect(io.stderrText).toContain(`package.json:${await keyAt(dir, 'icon')} error "icon" names favicon.png, which is not in the static folder: add static/favicon.png (its files are published at the site URL, so it is served as https://example.org/blog/favicon.png), or give a full https:// URL [config-file-missing]`);
      expect(io.stderrText).not.toContain('"logo"');
    }
    await expect(stat(join(dir, 'dist'))).rejects.toThrow();

    // A path out of the site (a project site's "/favicon.png") and a file that is not an image are refused too.
    const other = await makeProject({ ...POST, 'static/logo.txt': 'not an image' }, { icon: '/favicon.png', logo: 'logo.txt' });
    const { io } = await run(other, ['check']);
    expect(io.stderrText).toContain(`package.json:${await keyAt(other, 'icon')} error "icon" "/favicon.png" points outside the site`);
    expect(io.stderrText).toContain(`package.json:${await keyAt(other, 'logo')} error "logo" must be an image, found static/logo.txt (text/plain) [config-image-type]`);

    // A full URL is not checked (nothing is fetched).
    const remote = await makeProject(POST, { icon: 'https://cdn.example.com/favicon.png' });
    expect((await run(remote, ['check'])).code).toBe(0);
  });

  it('are published with their media type and size in every format and page that carries them', async () => {
    const dir = await makeProject({
      ...POST,
      'static/favicon.png': png(32, 32),
      'static/brand/logo.png': png(600, 300),
    }, { icon: 'favicon.png', logo: 'brand/logo.png' });
    expect((await run(dir, ['build'])).code).toBe(0);
    const dist = join(dir, 'dist');
    // RSS <image>: width and height within RSS 2.0's limits (144 × 400), scaled proportionally.
    const rss = new XMLParser().parse(await readFile(join(dist, 'rss.xml'), 'utf8')) as { rss: { channel: { image: Record<string, unknown> } } };
    expect(rss.rss.channel.image).toEqual({
      url: 'https://example.org/blog/brand/logo.png', title: 'Fixture news', link: 'https://example.org/blog/', width: 144, height: 72,
    });
    const atom = parseAtomFeed(await readFile(join(dist, 'atom.xml'), 'utf8'));
    expect([atom.icon, atom.logo]).toEqual(['https://example.org/blog/favicon.png', 'https://example.org/blog/brand/logo.png']);
    const json = parseJsonFeed(JSON.parse(await readFile(join(dist, 'feed.json'), 'utf8')));
    expect([json.favicon, json.icon]).toEqual(['https://example.org/blog/favicon.png', 'https://example.org/blog/brand/logo.png']);
    // Every URL the feeds give is a file the build wrote.
    expect(await readFile(join(dist, 'favicon.png'))).toEqual(png(32, 32));
    expect(await readFile(join(dist, 'brand/logo.png'))).toEqual(png(600, 300));
    for (const page of ['index.html', 'posts/hello/index.html', '404.html', 'tags/index.html']) {
      const html = await readFile(join(dist, page), 'utf8');
      expect(elements(html, (name, a) => name === 'link' && a.rel === 'icon')).toEqual([
        { rel: 'icon', href: 'https://example.org/blog/favicon.png', type: 'image/png', sizes: '32x32' },
      ]);
    }
    const index = await readFile(join(dist, 'index.html'), 'utf8');
    const og = Object.fromEntries(elements(index, (name, a) => name === 'meta' && (a.property ?? '').startsWith('og:image')).map((a) => [a.property, a.content]));
    expect(og).toEqual({ 'og:image': 'https://example.org/blog/brand/logo.png', 'og:image:type': 'image/png', 'og:image:width': '600', 'og:image:height': '300' });
  });

  it('an SVG icon is sized "any", and RSS, which takes only GIF, JPEG or PNG, falls back to the PNG logo', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><rect width="16" height="16"/></svg>';
    const dir = await makeProject({ ...POST, 'static/icon.svg': svg, 'static/logo.png': png(100, 500) }, { icon: 'icon.svg', logo: 'logo.png' });
    expect((await run(dir, ['build'])).code).toBe(0);
    const html = await readFile(join(dir, 'dist/index.html'), 'utf8');
    expect(elements(html, (name, a) => name === 'link' && a.rel === 'icon')).toEqual([{ rel: 'icon', href: 'https://example.org/blog/icon.svg', type: 'image/svg+xml', sizes: 'any' }]);
    const rss = new XMLParser().parse(await readFile(join(dir, 'dist/rss.xml'), 'utf8')) as { rss: { channel: { image: Record<string, unknown> } } };
    // 100 × 500 is taller than RSS allows: 80 × 400.
    expect(rss.rss.channel.image).toMatchObject({ url: 'https://example.org/blog/logo.png', width: 80, height: 400 });

    const svgOnly = await makeProject({ ...POST, 'static/icon.svg': svg }, { icon: 'icon.svg' });
    expect((await run(svgOnly, ['build'])).code).toBe(0);
    expect(await readFile(join(svgOnly, 'dist/rss.xml'), 'utf8')).not.toContain('<image>');
  });
});

describe('static files and the build cache', () => {
  it('a cached rebuild after static edits (and a new icon) equals a clean build, and leaves unchanged files alone', async () => {
    const dir = await makeProject({
      ...POST,
      'static/favicon.png': png(32, 32),
      'static/a.txt': 'first\n',
      'static/keep.txt': 'kept\n',
      'static/gone.txt': 'to be deleted\n',
    }, { icon: 'favicon.png' });
    for (const name of ['favicon.png', 'a.txt', 'keep.txt', 'gone.txt']) await age(join(dir, 'static', name), 2);
    const build = async (): Promise<void> => {
      const cached = await run(dir, ['build']);
      expect(cached.io.stderrText).toBe('');
      await rm(join(dir, 'clean'), { recursive: true, force: true });
      expect((await run(dir, ['build', '--no-cache', '--out', 'clean'])).code).toBe(0);
      expect(await tree(join(dir, 'dist'))).toEqual(await tree(join(dir, 'clean')));
    };
    await build();
    const kept = await stat(join(dir, 'dist/keep.txt'));

    // Same size, new bytes; its times set back again (as a checkout would), so only its stamp tells.
    await writeFile(join(dir, 'static/a.txt'), 'other\n');
    await age(join(dir, 'static/a.txt'), 1);
    await rm(join(dir, 'static/gone.txt'));
    await mkdir(join(dir, 'static/new'));
    await writeFile(join(dir, 'static/new/file.txt'), 'new\n');
    // A bigger icon: every page's <link rel="icon" sizes> changes, though no post does.
    await writeFile(join(dir, 'static/favicon.png'), png(64, 64));
    await age(join(dir, 'static/favicon.png'), 1);
    await build();
    expect(await readFile(join(dir, 'dist/a.txt'), 'utf8')).toBe('other\n');
    expect(await readFile(join(dir, 'dist/posts/hello/index.html'), 'utf8')).toContain('sizes="64x64"');
    await expect(stat(join(dir, 'dist/gone.txt'))).rejects.toThrow();
    // The unchanged static file was not written again.
    const after = await stat(join(dir, 'dist/keep.txt'));
    expect([after.ino, after.mtimeMs]).toEqual([kept.ino, kept.mtimeMs]);
  });
});

describe('the static folder listing', () => {
  it('is sorted by path whatever the directory order, and names what cannot be published', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'feedwright-static-'));
    for (const name of ['b.txt', 'a.txt', 'é.txt'.normalize('NFD'), 'back\\slash.txt']) await writeFile(join(dir, name), name);
    await mkdir(join(dir, 'z'));
    await writeFile(join(dir, 'z/inner.txt'), 'x');
    const { files, diagnostics } = listStaticFiles(dir, 'static');
    expect(files.map((f) => f.path)).toEqual(['a.txt', 'b.txt', 'z/inner.txt', 'é.txt'.normalize('NFC')]);
    expect(diagnostics.map((d) => `${d.file} ${d.code}`)).toEqual(['static/back\\slash.txt static-file-name']);
    await rm(dir, { recursive: true, force: true });
  });

  it('a copied file is written by path: its contents are never read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'feedwright-copy-'));
    await writeFile(join(dir, 'source.bin'), 'bytes');
    const file: OutputFile = {
      path: 'copied.bin',
      copyOf: join(dir, 'source.bin'),
      get contents(): never {
        throw new Error('read whole');
      },
    };
    await mkdir(join(dir, 'out'));
    await writeNewFiles(join(dir, 'out'), [{ file, to: join(dir, 'out', 'copied.bin') }]);
    expect(await readFile(join(dir, 'out/copied.bin'), 'utf8')).toBe('bytes');
    await rm(dir, { recursive: true, force: true });
  });
});
