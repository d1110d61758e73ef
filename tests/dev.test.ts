import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { get, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/cli.js';
import { fakeIo, makeProject, png, post } from './helpers/project.js';

/** Output of a running command, with a way to wait (without a clock) until it has printed something. */
function watchedIo(cwd: string, signal: AbortSignal) {
  const waiters = new Set<() => void>();
  const io = fakeIo(cwd, { signal });
  const notify = (push: (t: string) => void) => (t: string): void => {
    push(t);
    for (const w of [...waiters]) w();
  };
  const wrapped = { ...io, stdout: notify(io.stdout), stderr: notify(io.stderr) };
  /** Resolves once `test` holds for what was printed so far. */
  const until = (test: () => boolean): Promise<void> => new Promise((resolve) => {
    const check = (): void => {
      if (!test()) return;
      waiters.delete(check);
      resolve();
    };
    waiters.add(check);
    check();
  });
  return { io: wrapped, base: io, until };
}

/** Counts `reload` events from the dev server's event stream. */
function listen(url: string): Promise<{ count: () => number; next: (n: number) => Promise<void>; close: () => void }> {
  return new Promise((resolve) => {
    get(url, (res: IncomingMessage) => {
      let count = 0;
      const waiters: (() => void)[] = [];
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        count += chunk.split('event: reload').length - 1;
        for (const w of waiters.splice(0)) w();
      });
      const next = (n: number): Promise<void> => new Promise((done) => {
        const check = (): void => (count >= n ? done() : void waiters.push(check));
        check();
      });
      resolve({ count: () => count, next, close: () => res.destroy() });
    });
  });
}

const lines = (text: string, re: RegExp): number => text.split('\n').filter((l) => re.test(l)).length;

describe('feedwright dev', () => {
  it('serves the build with production media types, reloads pages on change, and keeps the last good build on errors', async () => {
    const dir = await makeProject({
      'posts/trip/index.md': post({ title: 'First title', date: '2024-01-01', tags: '[film]' }, '![A picture](pic.png)'),
      'posts/trip/pic.png': png(8, 8),
      'posts/other.md': post({ title: 'Other', date: '2023-06-01' }),
      'static/.well-known/security.txt': 'Contact: mailto:a@example.org\n',
    });
    const stop = new AbortController();
    const { io, base, until } = watchedIo(dir, stop.signal);
    const running = main(['dev', '--port', '0'], io);
    await until(() => base.stdoutText.includes('Watching posts/, static/ and package.json for changes'));
    const url = /Serving dist\/ at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(base.stdoutText)?.[1] ?? '';
    expect(url).not.toBe('');

    // The build uses the local server as its site URL, and the server sends production media types.
    const index = await fetch(url);
    const indexHtml = await index.text();
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(indexHtml).toContain(`<link rel="alternate" type="application/rss+xml" title="Fixture news (RSS)" href="${url}rss.xml">`);
    expect(indexHtml).toContain('<script src="/__feedwright/reload.js"></script>');
    for (const [path, type] of [['rss.xml', 'application/rss+xml'], ['atom.xml', 'application/atom+xml'], ['feed.json', 'application/feed+json'], ['tags/film/rss.xml', 'application/rss+xml'], ['tags/film/feed.json', 'application/feed+json']]) {
      const res = await fetch(url + path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(`${type}; charset=utf-8`);
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    expect((await fetch(`${url}posts/trip/pic.png`)).headers.get('content-type')).toBe('image/png');
    const missing = await fetch(`${url}no/such/page`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('<h1>Page not found</h1>');
    expect((await fetch(`${url}%2e%2e/package.json`)).status).toBe(404);
    expect((await fetch(`${url}_headers`)).status).toBe(404);
    const redirect = await fetch(`${url}tags/film`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/tags/film/');
    // The reload snippet exists only in responses, never in the files.
    expect(await readFile(join(dir, 'dist/index.html'), 'utf8')).not.toContain('__feedwright');
    expect(await readFile(join(dir, 'dist/posts/trip/index.html'), 'utf8')).not.toContain('__feedwright');

    const events = await listen(`${url}__feedwright/events`);
    const postFile = join(dir, 'posts/trip/index.md');

    // An edit rebuilds and reloads; files whose bytes did not change are left alone.
    const untouched = await stat(join(dir, 'dist/posts/other/index.html'));
    await writeFile(postFile, post({ title: 'Second title', date: '2024-01-01', tags: '[film]' }, '![A picture](pic.png)'));
    await events.next(1);
    expect(await (await fetch(`${url}posts/trip/`)).text()).toContain('<h1>Second title</h1>');
    const after = await stat(join(dir, 'dist/posts/other/index.html'));
    expect([after.ino, after.mtimeMs]).toEqual([untouched.ino, untouched.mtimeMs]);
    expect(base.stdoutText).toMatch(/Built 2 posts: \d+ of \d+ files changed/);

    // A broken post: the errors are printed, nothing reloads, the last good build is still served.
    await writeFile(postFile, '---\ntitle: [unclosed\ndate: 2024-01-01\n---\nBody\n');
    await until(() => base.stderrText.includes('Still serving the last good build'));
    expect(base.stderrText).toMatch(/posts\/trip\/index\.md:\d+:\d+ error invalid YAML/);
    expect(await (await fetch(`${url}posts/trip/`)).text()).toContain('<h1>Second title</h1>');
    expect(await readFile(join(dir, 'dist/posts/trip/index.html'), 'utf8')).toContain('<h1>Second title</h1>');

    // Fixed again: rebuilt and reloaded.
    await writeFile(postFile, post({ title: 'Third title', date: '2024-01-01', tags: '[film]' }, '![A picture](pic.png)'));
    await events.next(2);
    expect(await (await fetch(`${url}posts/trip/`)).text()).toContain('<h1>Third title</h1>');

    // A post asset changes: it is copied again.
    const builds = lines(base.stdoutText, /^Built /);
    await writeFile(join(dir, 'posts/trip/pic.png'), png(16, 16));
    await until(() => lines(base.stdoutText, /^Built /) > builds);
    expect((await readFile(join(dir, 'dist/posts/trip/pic.png'))).equals(png(16, 16))).toBe(true);

    // The static folder is watched: an edited file and a new one are copied and served.
    const staticBuilds = lines(base.stdoutText, /^Built /);
    await writeFile(join(dir, 'static/.well-known/security.txt'), 'Contact: mailto:b@example.org\n');
    await until(() => lines(base.stdoutText, /^Built /) > staticBuilds);
    expect(await (await fetch(`${url}.well-known/security.txt`)).text()).toBe('Contact: mailto:b@example.org\n');
    await writeFile(join(dir, 'static/CNAME'), 'blog.example.org\n');
    await until(() => lines(base.stdoutText, /^Built /) > staticBuilds + 1);
    expect(await readFile(join(dir, 'dist/CNAME'), 'utf8')).toBe('blog.example.org\n');

    // The config is watched too.
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { feedwright: { title: string } };
    pkg.feedwright.title = 'Renamed news';
    await writeFile(join(dir, 'package.json'), JSON.stringify(pkg));
    await events.next(6);
    expect(await (await fetch(url)).text()).toContain('<h1>Renamed news</h1>');

    // A deleted post disappears from the output.
    await rm(join(dir, 'posts/other.md'));
    await events.next(7);
    await expect(stat(join(dir, 'dist/posts/other/index.html'))).rejects.toThrow();
    expect((await fetch(`${url}posts/other/`)).status).toBe(404);

    events.close();
    stop.abort();
    expect(await running).toBe(0);
  });

  it('never loses an edit saved while it starts: the watcher is ready before the first build reads the posts', async () => {
    // 20 start-ups, each with one save at a different moment after the server is up (0, 10, …, 190 ms): before,
    // during or after the first build. Whenever it lands, the page served in the end shows it.
    for (let i = 0; i < 20; i++) {
      const dir = await makeProject({ 'posts/a.md': post({ title: 'Before', date: '2024-01-01' }) });
      const stop = new AbortController();
      const { io, base, until } = watchedIo(dir, stop.signal);
      const running = main(['dev', '--port', '0'], io);
      await until(() => base.stdoutText.includes('Serving'));
      await new Promise((resolve) => setTimeout(resolve, i * 10));
      await writeFile(join(dir, 'posts/a.md'), post({ title: `Saved ${i}`, date: '2024-01-01' }));
      await until(() => base.stdoutText.includes('Watching'));
      const page = (): Promise<string> => readFile(join(dir, 'dist/posts/a/index.html'), 'utf8').catch(() => '');
      await expect.poll(page, { timeout: 15_000, interval: 50, message: `save ${i} was lost` }).toContain(`<h1>Saved ${i}</h1>`);
      stop.abort();
      expect(await running).toBe(0);
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('answers with the problems while there has been no good build yet', async () => {
    const dir = await makeProject({ 'posts/a.md': '---\ntitle: A\n---\n' });
    const stop = new AbortController();
    const { io, base, until } = watchedIo(dir, stop.signal);
    const running = main(['dev', '--port', '0'], io);
    await until(() => base.stdoutText.includes('Watching'));
    const url = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(base.stdoutText)?.[1] ?? '';
    const res = await fetch(url);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('posts/a.md:1:1 error missing &quot;date&quot;');
    expect(base.stderrText).toContain('Nothing to serve yet');
    stop.abort();
    expect(await running).toBe(0);
  });

  it('rejects a bad port and an output folder that overlaps the posts', async () => {
    const dir = await makeProject({});
    expect(await main(['dev', '--port', 'http'], fakeIo(dir))).toBe(2);
    expect(await main(['dev', '--out', 'posts'], fakeIo(dir))).toBe(2);
  });

  it('refuses, as build does, an output folder holding files feedwright did not write', async () => {
    const dir = await makeProject({ 'src/keep.ts': 'export {};\n' });
    const io = fakeIo(dir);
    expect(await main(['dev', '--port', '0', '--out', 'src'], io)).toBe(2);
    expect(io.stderrText).toContain('src is not empty and has no .feedwright-manifest.json, so it is not an output of feedwright (it holds src/keep.ts)');
    expect(await readFile(join(dir, 'src/keep.ts'), 'utf8')).toBe('export {};\n');
  });
});
