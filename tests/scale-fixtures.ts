import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type BuildResult } from '../src/build.js';
import { resolveConfig, type ResolvedConfig } from '../src/config/config.js';

/** Helpers for the archive, cache and benchmark tests: many tiny generated posts in a real temp folder. */

export const SITE = 'https://example.org/blog/';

/** A fresh temp project folder with an empty `posts/`. */
export async function tempProject(prefix: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), `feedwright-${prefix}-`));
  await mkdir(join(root, 'posts'));
  return root;
}

/** The text of tiny post `i`: one hour after post `i - 1`, so post order is number order. */
export function tinyPost(i: number, extra = ''): string {
  const date = new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString().replace('.000Z', 'Z');
  return `---\ntitle: "Post ${i}"\ndate: ${date}\ntags: [t${i % 3}]\n---\n\nBody of post ${i}.${extra}\n`;
}

/** File name of tiny post `i` (zero-padded so listing order is number order too). */
export function tinyName(i: number): string {
  return `post-${String(i).padStart(4, '0')}.md`;
}

/** Write tiny posts `from … to-1` into `root/posts`. */
export async function writeTinyPosts(root: string, from: number, to: number): Promise<void> {
  await Promise.all(Array.from({ length: to - from }, (_, k) => writeFile(join(root, 'posts', tinyName(from + k)), tinyPost(from + k))));
}

/** A resolved config for `SITE` plus `extra` keys; throws if the test wrote an invalid one. */
export function config(extra: Record<string, unknown> = {}): ResolvedConfig {
  const data = { title: 'Scale test', url: SITE, ...extra };
  const result = resolveConfig({ file: 'feedwright.json', text: JSON.stringify(data), data, keyPath: [] });
  if (!result.config) throw new Error(JSON.stringify(result.diagnostics));
  return result.config;
}

/** Build `root/posts` in memory with a fixed clock. */
export function buildProject(root: string, cfg: ResolvedConfig): Promise<BuildResult> {
  return build({ config: cfg, root, postsDir: 'posts', drafts: false, future: false, now: Date.UTC(2030, 0, 1) });
}

/** Output files as a path → text map. */
export function byPath(result: BuildResult): Map<string, string> {
  return new Map(result.files.map((f) => [f.path, typeof f.contents === 'string' ? f.contents : new TextDecoder().decode(f.contents)]));
}
