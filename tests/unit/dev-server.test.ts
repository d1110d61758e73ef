import { request } from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDevServer } from '../../src/cli/dev/server.js';
import { removeTempDirs, tempDir } from '../helpers/blog.js';

/** A raw GET, the request target sent exactly as given (a client library would normalize `//`). */
function get(url: string, target: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path: target, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the dev server', () => {
  afterAll(removeTempDirs);

  it('reads a target starting with // as a path, never as a host, and answers 400 to one that is no URL at all', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'dist'));
    await writeFile(join(dir, 'dist/index.html'), '<!doctype html><title>home</title>');
    await writeFile(join(dir, 'dist/rss.xml'), '<rss/>');
    const server = await startDevServer(join(dir, 'dist'), 0, { liveReload: false });
    try {
      server.ready([]);
      expect((await get(server.url, '/rss.xml')).status).toBe(200);
      // `new URL('//', base)` throws and `new URL('//example.com/rss.xml', base)` is example.com's /rss.xml
      expect((await get(server.url, '//')).status).not.toBe(500);
      expect((await get(server.url, '//example.com/rss.xml')).status).toBe(404);
      expect((await get(server.url, 'http://[bad/')).status).toBe(400);
    } finally {
      await server.close();
    }
  });
});
