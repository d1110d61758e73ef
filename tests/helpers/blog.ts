/** Shared test plumbing: temp copies of the fixture blog, a fake CLI `io`, reading output trees and feeds. */
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith';
import { DomUtils, parseDocument } from 'htmlparser2';
import { main, type Io } from '../../src/cli/cli.js';

/** The fixture blog (its own package.json with a "feedwright" config, and posts/). */
export const FIXTURE = fileURLToPath(new URL('../fixtures/blog', import.meta.url));
/** The tool's repository (its src/ and compiled dist-cli/; never its posts/ or config, which a fork replaces). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** 2024-12-31T00:00:00Z: after every fixture post except the one dated 2030. */
export const EPOCH = 1_735_603_200;
/** The fixture's site URL. */
export const SITE = 'https://blog.example.org/notes/';

const made: string[] = [];

/** A fresh folder under the OS temp dir; removed by `removeTempDirs`. */
export async function tempDir(prefix = 'feedwright-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Remove every folder made by `tempDir` (call from `afterAll`). */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** A temp copy of the fixture blog; returns its folder. */
export async function copyFixture(): Promise<string> {
  const dir = await tempDir('feedwright-blog-');
  await cp(FIXTURE, dir, { recursive: true });
  return dir;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd: string;
  /** Environment seen by the CLI; default: only SOURCE_DATE_EPOCH = EPOCH. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The fake wall clock (ms); default far in the future so a missing SOURCE_DATE_EPOCH would show. */
  readonly now?: number;
}

/** Call the CLI's `main` in-process with a fake `io`, capturing its output. */
export async function run(argv: readonly string[], options: RunOptions): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    cwd: options.cwd,
    env: options.env ?? { SOURCE_DATE_EPOCH: String(EPOCH) },
    stdout: (text) => { stdout += text; },
    stderr: (text) => { stderr += text; },
    now: () => options.now ?? Date.UTC(2099, 0, 1),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** Copy the fixture and build it into `<copy>/out`; fails the test unless the build succeeds. */
export async function buildFixture(argv: readonly string[] = [], options: Partial<RunOptions> = {}): Promise<{ dir: string; out: string; result: RunResult }> {
  const dir = await copyFixture();
  const out = join(dir, 'out');
  const result = await run(['build', '--out', out, ...argv], { cwd: dir, ...options });
  if (result.code !== 0) throw new Error(`build failed with ${result.code}:\n${result.stderr}`);
  return { dir, out, result };
}

/** Every file under `dir`, by `/`-separated relative path, sorted. */
export async function readTree(dir: string): Promise<Map<string, Buffer>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
  const tree = new Map<string, Buffer>();
  for (const f of files) tree.set(f, await readFile(join(dir, f)));
  return tree;
}

/** The three feeds of an output folder, as text and as parsed by feedsmith. */
export async function readFeeds(out: string, names = { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' }) {
  const rssText = await readFile(join(out, names.rss), 'utf8');
  const atomText = await readFile(join(out, names.atom), 'utf8');
  const jsonText = await readFile(join(out, names.json), 'utf8');
  return {
    rssText, atomText, jsonText,
    rss: parseRssFeed(rssText),
    atom: parseAtomFeed(atomText),
    json: parseJsonFeed(JSON.parse(jsonText)),
    raw: JSON.parse(jsonText) as Record<string, unknown>,
  };
}

/** Visible text of an HTML fragment (entities decoded), via a real HTML parser. */
export function htmlText(html: string): string {
  return DomUtils.textContent(parseDocument(html, { decodeEntities: true }));
}

/** Every URL-valued attribute (href, src, srcset candidates, poster, cite) in an HTML fragment. */
export function htmlUrls(html: string): string[] {
  const urls: string[] = [];
  for (const el of DomUtils.findAll(() => true, parseDocument(html).children)) {
    for (const [name, value] of Object.entries(el.attribs)) {
      if (['href', 'src', 'poster', 'cite', 'action', 'longdesc'].includes(name)) urls.push(value);
      if (name === 'srcset') urls.push(...value.split(/,\s*/).map((c) => c.trim().split(/\s+/)[0] ?? ''));
    }
  }
  return urls;
}

/** True for absolute URLs that a feed reader can fetch or open without a base. */
export function isAbsoluteUrl(url: string): boolean {
  if (!/^(https?:|mailto:|tel:|data:)/.test(url)) return false;
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}
