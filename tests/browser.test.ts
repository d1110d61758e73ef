import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type axe from 'axe-core';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../src/cli/dev/server.js';
import { headerRules } from '../src/pages/hosting.js';
import { resolveConfig } from '../src/config/config.js';
import { PLAIN_POSTS } from './helpers/plain-blog.js';
import { makeProject, png, post, run } from './helpers/project.js';

/**
 * End-to-end: a fixture site built for a server on 127.0.0.1 (production headers, CSP included, no live
 * reload), opened in Debian's Chromium (installed by .ci/run; never downloaded) through playwright-core.
 */

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOTS = resolve(import.meta.dirname, '.artifacts/screenshots');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
/** Where the browser finds axe-core: same origin, so the site's CSP (`script-src 'self'`) lets it run. */
const AXE_PATH = '__test/axe.min.js';

let server: DevServer;
let context: BrowserContext;
let profile: string;
let site: string;

beforeAll(async () => {
  const dir = await makeProject({
    ...PLAIN_POSTS,
    'posts/2023-02-01-concept-art/index.md': post(
      { title: 'Concept art from Iron City', date: '2023-02-01', summary: 'Two pieces of concept art, with the picture files kept beside the post.', tags: '[film, art]', image: 'wide.png' },
      '![A wide blue gradient standing in for concept art](wide.png)\n\nAnd a square one, from a sub-folder:\n\n![A square gradient](images/square.png)',
    ),
    'posts/2023-02-01-concept-art/wide.png': png(960, 400),
    'posts/2023-02-01-concept-art/images/square.png': png(300, 300),
  });
  server = await startDevServer(join(dir, 'dist'), 0, { liveReload: false });
  site = server.url;
  const { code, io } = await run(dir, ['build', '--site-url', site]);
  expect(io.stderrText).toBe('');
  expect(code).toBe(0);
  const data = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { feedwright: unknown };
  const resolved = resolveConfig({ file: 'package.json', text: '', data: data.feedwright, keyPath: [] }, { url: site });
  if (!resolved.config) throw new Error('fixture config is invalid');
  server.ready(headerRules(resolved.config));

  profile = await mkdtemp(join(tmpdir(), 'feedwright-chromium-'));
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.slice(0, -1) });
  await context.route(`**/${AXE_PATH}`, (route) => route.fulfill({ path: AXE, contentType: 'text/javascript' }));
  await mkdir(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await context?.close();
  await server?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

/** A page that records every console error, uncaught exception and failed request. */
async function open(path: string, width = 1280): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('requestfailed', (req) => errors.push(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`));
  await page.setViewportSize({ width, height: 900 });
  await page.goto(new URL(path, site).href, { waitUntil: 'load' });
  return { page, errors };
}

/** Every `<img>` decoded (naturalWidth > 0); returns their sources. */
async function expectImagesLoaded(page: Page): Promise<string[]> {
  const images = await page.$$eval('img', (imgs) => imgs.map((img) => ({ src: img.currentSrc || img.src, complete: img.complete, width: img.naturalWidth })));
  for (const img of images) expect(img, img.src).toMatchObject({ complete: true, width: expect.any(Number) as number });
  expect(images.filter((img) => img.width === 0).map((img) => img.src)).toEqual([]);
  return images.map((img) => img.src);
}

/** axe-core, added as a same-origin script (the site's CSP rightly refuses inline ones), in both colour schemes. */
async function expectAccessible(page: Page): Promise<void> {
  await page.addScriptTag({ url: new URL(AXE_PATH, site).href });
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const violations = await page.evaluate(async () => {
      // Runs in the page (tsconfig has no DOM lib, so the page's globals are described here).
      const page = globalThis as unknown as { axe: typeof axe; document: axe.ElementContext };
      const result = await page.axe.run(page.document);
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
    });
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'), colorScheme).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Full-page screenshots at desktop (1280px) and phone (390px) widths, from the page as it is. */
async function screenshots(page: Page, name: string): Promise<void> {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
  }
}
describe('the built site in Chromium', () => {
  it('index: autodiscovery for all three feeds, subscribe links that serve the feeds, one-click copy', async () => {
    const { page, errors } = await open('');
    expect(await page.title()).toBe('Fixture news');
    const alternates = await page.$$eval('link[rel="alternate"]', (links) => links.map((l) => [l.getAttribute('type'), l.getAttribute('href')]));
    expect(alternates).toEqual([
      ['application/rss+xml', `${site}rss.xml`],
      ['application/atom+xml', `${site}atom.xml`],
      ['application/feed+json', `${site}feed.json`],
    ]);
    const subscribe = page.locator('#subscribe');
    for (const [label, type, file] of [['RSS', 'application/rss+xml', 'rss.xml'], ['Atom', 'application/atom+xml', 'atom.xml'], ['JSON Feed', 'application/feed+json', 'feed.json']] as const) {
      const link = subscribe.getByRole('link', { name: label, exact: true });
      expect(await link.getAttribute('href')).toBe(`${site}${file}`);
      const response = await page.request.get(`${site}${file}`);
      expect(response.headers()['content-type']).toBe(`${type}; charset=utf-8`);
    }
    const copy = subscribe.getByRole('button', { name: 'Copy Atom feed URL' });
    await expect.poll(() => copy.isVisible()).toBe(true); // shown by copy.js, which the CSP allowed
    await copy.click();
    await expect.poll(() => page.locator('#copy-status').textContent()).toBe(`Copied ${site}atom.xml`);
    expect(await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText())).toBe(`${site}atom.xml`);
    await expectImagesLoaded(page);
    await expectAccessible(page);
    await screenshots(page, 'index');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(SCREENSHOTS, 'index-dark-390.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('follows a post link, loads its bundle images, then follows a tag link to the tag page and its feeds', async () => {
    const { page, errors } = await open('');
    await page.getByRole('link', { name: 'Concept art from Iron City' }).click();
    await page.waitForURL(`${site}posts/concept-art/`);
    expect(await page.locator('h1').textContent()).toBe('Concept art from Iron City');
    expect(await page.locator('link[rel="canonical"]').getAttribute('href')).toBe(`${site}posts/concept-art/`);
    expect(await page.locator('meta[property="og:image"]').getAttribute('content')).toBe(`${site}posts/concept-art/wide.png`);
    expect((await expectImagesLoaded(page)).sort()).toEqual([`${site}posts/concept-art/images/square.png`, `${site}posts/concept-art/wide.png`]);
    await expectAccessible(page);
    await screenshots(page, 'post-bundle');
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.getByRole('link', { name: 'art', exact: true }).click();
    await page.waitForURL(`${site}tags/art/`);
    expect(await page.locator('h1').textContent()).toBe('Posts tagged “art”');
    const alternates = await page.$$eval('link[rel="alternate"]', (links) => links.map((l) => l.getAttribute('href')));
    expect(alternates.slice(0, 3)).toEqual([`${site}tags/art/rss.xml`, `${site}tags/art/atom.xml`, `${site}tags/art/feed.json`]);
    const feed = await page.request.get(`${site}tags/art/feed.json`);
    expect(feed.headers()['content-type']).toBe('application/feed+json; charset=utf-8');
    expect(((await feed.json()) as { items: { title: string }[] }).items.map((i) => i.title)).toEqual(['Concept art from Iron City']);
    expect(await page.getByRole('link', { name: 'Concept art from Iron City' }).count()).toBe(1);
    await expectAccessible(page);
    await screenshots(page, 'tag');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the long post, the tag list and the 404 page pass the accessibility check too', async () => {
    for (const path of ['posts/night-trains/', 'tags/']) {
      const { page, errors } = await open(path);
      await expectImagesLoaded(page);
      await expectAccessible(page);
      if (path.startsWith('posts/')) await screenshots(page, 'post-long');
      expect(errors).toEqual([]);
      await page.close();
    }
    const page = await context.newPage();
    const response = await page.goto(`${site}no/such/page/`);
    expect(response?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Page not found');
    await expectAccessible(page);
    await page.close();
  });
});
