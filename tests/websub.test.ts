import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, post, run } from './helpers/project.js';

const POSTS = { 'posts/a.md': post({ title: 'A', date: '2024-01-01', tags: '[film]' }) };

interface Hub {
  readonly url: string;
  readonly requests: { method: string; type: string; body: URLSearchParams }[];
  close(): Promise<void>;
}

/** A stand-in WebSub hub on 127.0.0.1 that records publish requests and answers with `status`. */
async function startHub(status: (body: URLSearchParams) => number): Promise<Hub> {
  const requests: Hub['requests'] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => { text += chunk; });
    req.on('end', () => {
      const body = new URLSearchParams(text);
      requests.push({ method: req.method ?? '', type: req.headers['content-type'] ?? '', body });
      res.writeHead(status(body)).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hub`, requests, close: () => new Promise((done) => server.close(() => done())) };
}

let hub: Hub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

describe('WebSub', () => {
  it('links every feed, tag feeds included, to the configured hub with rel="hub"', async () => {
    const dir = await makeProject(POSTS, { hub: 'https://hub.example.org/' });
    expect((await run(dir, ['build'])).code).toBe(0);
    for (const base of ['dist', 'dist/tags/film']) {
      const rss = parseRssFeed(await readFile(join(dir, base, 'rss.xml'), 'utf8'));
      expect(rss.atom?.links?.filter((l) => l.rel === 'hub').map((l) => l.href)).toEqual(['https://hub.example.org/']);
      const atom = parseAtomFeed(await readFile(join(dir, base, 'atom.xml'), 'utf8'));
      expect(atom.links?.filter((l) => l.rel === 'hub').map((l) => l.href)).toEqual(['https://hub.example.org/']);
      const json = parseJsonFeed(JSON.parse(await readFile(join(dir, base, 'feed.json'), 'utf8')));
      expect(json.hubs).toEqual([{ type: 'WebSub', url: 'https://hub.example.org/' }]);
    }
  });

  it('adds no hub links when none is configured', async () => {
    const dir = await makeProject(POSTS);
    expect((await run(dir, ['build'])).code).toBe(0);
    expect(await readFile(join(dir, 'dist/rss.xml'), 'utf8')).not.toContain('rel="hub"');
    expect(await readFile(join(dir, 'dist/feed.json'), 'utf8')).not.toContain('hubs');
  });

  it('rejects a hub that is not an absolute http(s) URL, pointing at the config line', async () => {
    const dir = await makeProject(POSTS, { hub: 'pubsub.example.org' });
    const { code, io } = await run(dir, ['check']);
    expect(code).toBe(1);
    expect(io.stderrText).toMatch(/package\.json:\d+:\d+ error "hub" must be the absolute http\(s\) URL of a WebSub hub/);
  });
});

describe('feedwright ping', () => {
  it('sends the hub one publish request per feed: main and tag feeds, all three formats', async () => {
    hub = await startHub(() => 204);
    const dir = await makeProject(POSTS, { hub: hub.url });
    const { code, io } = await run(dir, ['ping']);
    expect(io.stderrText).toBe('');
    expect(code).toBe(0);
    expect(io.stdoutText).toBe(`Notified ${hub.url} of 6 feeds\n`);
    expect(hub.requests.every((r) => r.method === 'POST' && r.type === 'application/x-www-form-urlencoded')).toBe(true);
    expect(hub.requests.every((r) => r.body.get('hub.mode') === 'publish')).toBe(true);
    expect(hub.requests.map((r) => r.body.get('hub.url')).sort()).toEqual([
      'https://example.org/blog/atom.xml',
      'https://example.org/blog/feed.json',
      'https://example.org/blog/rss.xml',
      'https://example.org/blog/tags/film/atom.xml',
      'https://example.org/blog/tags/film/feed.json',
      'https://example.org/blog/tags/film/rss.xml',
    ]);
  });

  it('uses the deploy URL from FEEDWRIGHT_SITE_URL for the feed URLs', async () => {
    hub = await startHub(() => 202);
    const dir = await makeProject(POSTS, { hub: hub.url });
    const { code } = await run(dir, ['ping'], { env: { FEEDWRIGHT_SITE_URL: 'https://news.example.com' } });
    expect(code).toBe(0);
    expect(hub.requests.map((r) => r.body.get('hub.url'))).toContain('https://news.example.com/rss.xml');
  });

  it('exits 1 and names each feed the hub refused', async () => {
    hub = await startHub((body) => (body.get('hub.url')?.endsWith('atom.xml') ? 500 : 204));
    const dir = await makeProject(POSTS, { hub: hub.url });
    const { code, io } = await run(dir, ['ping']);
    expect(code).toBe(1);
    expect(io.stderrText).toContain('feedwright: the hub did not accept https://example.org/blog/atom.xml: HTTP 500 Internal Server Error');
    expect(io.stderrText).toContain('feedwright: the hub did not accept https://example.org/blog/tags/film/atom.xml: HTTP 500');
    expect(io.stderrText).toContain(`✖ 2 of 6 feeds were not accepted by ${hub.url}`);
  });

  it('exits 1 when the hub cannot be reached', async () => {
    hub = await startHub(() => 204);
    const url = hub.url;
    await hub.close();
    hub = undefined;
    const dir = await makeProject(POSTS, { hub: url });
    const { code, io } = await run(dir, ['ping']);
    expect(code).toBe(1);
    expect(io.stderrText).toContain('ECONNREFUSED');
  });

  it('says so when no hub is configured', async () => {
    const dir = await makeProject(POSTS);
    const { code, io } = await run(dir, ['ping']);
    expect(code).toBe(1);
    expect(io.stderrText).toContain('no WebSub hub is configured');
  });
});
