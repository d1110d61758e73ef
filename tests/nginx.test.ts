import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, watch } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/config.js';
import { headerRules, headersFor, nginxSnippet, type HeaderRule } from '../src/pages/hosting.js';
import { makeProject, png, post, run } from './helpers/project.js';

/**
 * The nginx snippet the README documents, run in a real nginx (Debian's, installed by .ci/run) serving a
 * built site on 127.0.0.1: every file must come back with the same headers `_headers` gives it.
 */

const NGINX = '/usr/sbin/nginx';
let nginx: ChildProcess | undefined;
let base: string;
let dist: string;
let files: string[];
let rules: HeaderRule[];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

beforeAll(async () => {
  const dir = await makeProject({
    'posts/a.md': post({ title: 'A', date: '2024-01-01', tags: '[film, Science Fiction]' }),
    'posts/b/index.md': post({ title: 'B', date: '2024-02-01', tags: '[film]' }, '![x](x.png)'),
    'posts/b/x.png': png(4, 4),
    // Static files: served with the same site-wide headers, .well-known/ to any origin, AASA as JSON.
    'static/.well-known/security.txt': 'Contact: mailto:security@example.org\n',
    'static/.well-known/apple-app-site-association': '{"applinks":{"details":[]}}\n',
    'static/apple-app-site-association': '{"applinks":{"details":[]}}\n',
    'static/extra/page.html': '<!doctype html><title>Mine</title>\n',
  }, { url: 'https://example.org/', limit: 1 }); // one post per feed, so the main and film feeds have archives
  const built = await run(dir, ['build']);
  expect(built.code).toBe(0);
  dist = join(dir, 'dist');
  const data = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { feedwright: unknown };
  const config = resolveConfig({ file: 'package.json', text: '', data: data.feedwright, keyPath: [] }).config;
  if (!config) throw new Error('fixture config is invalid');
  rules = headerRules(config);
  // Every file the build wrote, except `_headers` (read by hosts, never served).
  files = (await readdir(dist, { recursive: true, withFileTypes: true })).filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dist.length + 1)).filter((f) => f !== '_headers').sort();

  const work = await mkdtemp(join(tmpdir(), 'feedwright-nginx-'));
  await mkdir(join(work, 'temp'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const pid = join(work, 'nginx.pid');
  // One process in the foreground, everything in the temp folder; as root it must not switch to `nobody`,
  // who could not read the temp folder.
  await writeFile(join(work, 'nginx.conf'), `${process.getuid?.() === 0 ? 'user root;\n' : ''}daemon off;
master_process off;
pid ${pid};
error_log ${join(work, 'error.log')} warn;
events {}
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  client_body_temp_path ${join(work, 'temp')};
  proxy_temp_path ${join(work, 'temp')};
  fastcgi_temp_path ${join(work, 'temp')};
  uwsgi_temp_path ${join(work, 'temp')};
  scgi_temp_path ${join(work, 'temp')};
  server {
    listen 127.0.0.1:${port};
    root ${dist};
${nginxSnippet(config).replace(/^/gm, '    ')}
  }
}
`);
  // nginx writes its pid file after it has bound the port: from then on connections are accepted.
  const ready = new Promise<void>((resolve, reject) => {
    const watcher = watch(work, () => {
      if (existsSync(pid)) {
        watcher.close();
        resolve();
      }
    });
    nginx = spawn(NGINX, ['-p', work, '-c', join(work, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    nginx.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    nginx.on('exit', (code) => {
      watcher.close();
      reject(new Error(`nginx exited with ${code}: ${stderr}`));
    });
  });
  await ready;
});

afterAll(() => {
  nginx?.kill('SIGTERM');
});

describe('the README nginx snippet in a real nginx', () => {
  it('serves the feeds, tag feeds included, with their media types, charset, caching and CORS', async () => {
    for (const [path, type] of [['/rss.xml', 'application/rss+xml'], ['/atom.xml', 'application/atom+xml'], ['/feed.json', 'application/feed+json'], ['/tags/film/rss.xml', 'application/rss+xml'], ['/tags/science-fiction/atom.xml', 'application/atom+xml'], ['/tags/film/feed.json', 'application/feed+json']]) {
      const res = await fetch(base + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toBe(`${type}; charset=utf-8`);
      expect(res.headers.get('cache-control'), path).toBe('public, max-age=600');
      expect(res.headers.get('access-control-allow-origin'), path).toBe('*');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });

  it('sends every built file with the headers _headers gives it', async () => {
    expect(files.length).toBeGreaterThan(15);
    expect(files).toContain('archive/1/rss.xml');
    expect(files).toContain('tags/film/archive/1/feed.json');
    for (const file of files) {
      const path = `/${file}`;
      const res = await fetch(base + encodeURI(path));
      expect(res.status, path).toBe(200);
      for (const [name, value] of Object.entries(headersFor(rules, path))) {
        expect(res.headers.get(name), `${path} ${name}`).toBe(value);
      }
    }
  });

  it('serves static files with the site-wide safety headers, .well-known/ to any origin and the app-site association as JSON', async () => {
    expect(files).toContain('.well-known/security.txt');
    for (const path of ['/.well-known/apple-app-site-association', '/apple-app-site-association']) {
      const res = await fetch(base + path);
      expect(res.headers.get('content-type'), path).toBe('application/json');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
    const security = await fetch(`${base}/.well-known/security.txt`);
    expect(security.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(security.headers.get('access-control-allow-origin')).toBe('*');
    const page = await fetch(`${base}/extra/page.html`);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves folders through index.html in UTF-8, and 404.html for missing paths', async () => {
    const page = await fetch(`${base}/tags/film/`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('Posts tagged “film”');
    const missing = await fetch(`${base}/no/such/page`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('<h1>Page not found</h1>');
    expect((await fetch(`${base}/posts/b/x.png`)).headers.get('content-type')).toBe('image/png');
  });
});
