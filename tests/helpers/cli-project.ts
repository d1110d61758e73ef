import { execFile, type ChildProcess } from 'node:child_process';
import { watch } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith';
import { expect } from 'vitest';
import { main, type Io } from '../../src/cli/cli.js';
import { xmlProblem } from './xml.js';

/** The repository root. */
export const REPO = resolve(import.meta.dirname, '../..');

/** A config that passes validation; tests spread their own keys over it. */
export const SITE = { title: 'Test site', url: 'https://example.com/blog/', timeZone: 'UTC' } as const;

/** A valid post, with `extra` front-matter lines appended. */
export function post(title: string, date = '2024-01-31T09:00:00Z', body = 'Body text.', extra = ''): string {
  return `---\ntitle: ${JSON.stringify(title)}\ndate: ${date}\n${extra}---\n\n${body}\n`;
}

/**
 * A fresh project folder under the OS temp dir: `package.json` with a feedwright config (an object, or raw
 * text when the test needs exact line numbers) and the given files (paths relative to the project).
 */
export async function makeProject(files: Record<string, string | Uint8Array>, config: object | string = SITE): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'feedwright-test-'));
  made.push(root);
  const pkg = typeof config === 'string' ? config : `${JSON.stringify({ name: 'blog', feedwright: config }, null, 2)}\n`;
  await writeFile(join(root, 'package.json'), pkg);
  await mkdir(join(root, 'posts'), { recursive: true });
  for (const [path, contents] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), contents);
  }
  return root;
}

const made: string[] = [];

/** Delete every project this test file made (call from afterAll). */
export async function removeProjects(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** What one CLI run printed and returned. */
export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stderr lines that are diagnostics or the count (the `Nothing was written` note left out). */
  readonly lines: string[];
}

/** Run the CLI in-process with a fake io, as `feedwright ...args` in `cwd`. */
export async function runCli(cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    cwd, env, now: () => Date.UTC(2030, 0, 1),
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
  };
  const code = await main(args, io);
  return { code, stdout, stderr, lines: diagnosticLines(stderr) };
}

/** The diagnostic and count lines of a run's stderr. */
export function diagnosticLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l !== '' && !l.startsWith('Nothing was written'));
}

/** Every entry under `dir` (links not followed) with its bytes, link target or `<dir>`; for exact comparisons. */
export async function snapshotTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string): Promise<void> => {
    for (const name of (await readdir(join(dir, rel))).sort()) {
      const path = rel === '' ? name : `${rel}/${name}`;
      const info = await lstat(join(dir, path));
      if (info.isSymbolicLink()) out[path] = `<link ${await readlink(join(dir, path))}>`;
      else if (info.isDirectory()) {
        out[path] = '<dir>';
        await walk(path);
      } else out[path] = (await readFile(join(dir, path))).toString('base64');
    }
  };
  await walk('');
  return out;
}

const exec = promisify(execFile);
let compiled: Promise<string> | undefined;

/**
 * The shipped CLI as compiled JavaScript, for child-process tests: dist-cli/cli/bin.js when it is up to date
 * with src/ (as after `npm ci`, which compiles it), otherwise a fresh compile into tests/.artifacts
 * (git-ignored), so a stale dist-cli/ is never what gets tested. Returns the path of bin.js.
 */
export function compiledCli(): Promise<string> {
  compiled ??= (async () => {
    if (await isFresh(join(REPO, 'src'), join(REPO, 'dist-cli'))) return join(REPO, 'dist-cli', 'cli', 'bin.js');
    await mkdir(join(REPO, 'tests', '.artifacts'), { recursive: true });
    const out = await mkdtemp(join(REPO, 'tests', '.artifacts', 'cli-'));
    // version.ts reads ../package.json next to the compiled folder, as it does for dist-cli/.
    await writeFile(join(out, 'package.json'), await readFile(join(REPO, 'package.json')));
    await exec(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(REPO, 'src', 'tsconfig.json'), '--outDir', join(out, 'dist-cli'), '--declaration', 'false', '--sourceMap', 'false']);
    return join(out, 'dist-cli', 'cli', 'bin.js');
  })();
  return compiled;
}

/** Whether every `src/**.ts` has a compiled `.js` at least as new. */
async function isFresh(src: string, out: string): Promise<boolean> {
  for (const entry of await readdir(src, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const ts = join(entry.parentPath, entry.name);
    const js = join(out, relative(src, ts)).replace(/\.ts$/, '.js');
    const [a, b] = await Promise.all([stat(ts), stat(js).catch(() => undefined)]);
    if (!b || b.mtimeMs < a.mtimeMs) return false;
  }
  return true;
}

/** Remove what compiledCli() made (call from afterAll). */
export async function removeCompiledCli(): Promise<void> {
  const bin = compiled && (await compiled);
  if (bin?.includes(`${join('tests', '.artifacts')}`)) await rm(dirname(dirname(dirname(bin))), { recursive: true, force: true });
  compiled = undefined;
}

/** The three feeds of a built project, raw and parsed. */
export interface Feeds {
  rss: string;
  atom: string;
  jsonText: string;
  json: { items: { id: string; url?: string; title?: string; date_published?: string; content_html?: string; tags?: string[] }[] };
}

/** The three feeds of a built project, checked to be well-formed and to parse as their format. */
export async function readFeeds(root: string): Promise<Feeds> {
  const rss = await readFile(join(root, 'dist/rss.xml'), 'utf8');
  const atom = await readFile(join(root, 'dist/atom.xml'), 'utf8');
  const jsonText = await readFile(join(root, 'dist/feed.json'), 'utf8');
  expect(xmlProblem(rss)).toBeUndefined();
  expect(xmlProblem(atom)).toBeUndefined();
  parseRssFeed(rss);
  parseAtomFeed(atom);
  parseJsonFeed(jsonText);
  return { rss, atom, jsonText, json: JSON.parse(jsonText) as Feeds['json'] };
}

/** Stop (SIGSTOP) a build the moment its staging folder appears in `root`; the folder's name. */
export function frozenAtStaging(root: string, child: ChildProcess, exited: Promise<unknown>): Promise<string> {
  return new Promise<string>((found, failed) => {
    const watcher = watch(root, (_event, name) => {
      if (name?.startsWith('dist.tmp-')) {
        child.kill('SIGSTOP');
        watcher.close();
        found(name);
      }
    });
    void exited.then(() => {
      watcher.close();
      failed(new Error('the build finished before it could be interrupted'));
    });
  });
}
