import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Io } from '../../src/cli.js';

/** A fake terminal for `main(argv, io)`, with a fixed clock. */
export function fakeIo(cwd: string): Io & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { cwd, env: {}, stdout: (t) => out.push(t), stderr: (t) => err.push(t), now: () => Date.UTC(2026, 0, 1), out, err };
}

/** Write a project (relative path → text or bytes) into a fresh temp folder and return its path. */
export async function makeProject(files: Record<string, string | Uint8Array>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'feedwright-media-'));
  for (const [path, contents] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), contents);
  }
  return root;
}

/** A package.json whose `feedwright` field is `config`, pretty-printed so keys have their own lines. */
export function packageJson(config: Record<string, unknown>): string {
  return `${JSON.stringify({ name: 'fixture', private: true, feedwright: config }, null, 2)}\n`;
}
