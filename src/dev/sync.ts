import { randomBytes } from 'node:crypto';
import { mkdir, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { isWithin } from '../util.js';
import { safeRelative, type OutputFile } from '../write.js';

/** Output of the previous good build, by path. */
export type OutputSnapshot = ReadonlyMap<string, string | Uint8Array>;

/**
 * Dev-loop rewrite: put only the files that differ from `previous` in place (each written to a temp file and
 * renamed, so the server never sends half a file) and delete the ones that are gone. A full swap, as `build`
 * does, would rewrite every page of a big blog on each keystroke. Returns how many paths changed.
 */
export async function syncOutput(outDir: string, files: readonly OutputFile[], previous: OutputSnapshot): Promise<number> {
  const target = await realpath(resolve(outDir));
  const current = new Set<string>();
  let changed = 0;
  for (const f of files) {
    current.add(f.path);
    const old = previous.get(f.path);
    if (old !== undefined && sameContents(old, f.contents)) continue;
    const path = join(target, safeRelative(f.path));
    await mkdir(dirname(path), { recursive: true });
    await refuseEscape(target, dirname(path));
    const temp = `${path}.tmp-${randomBytes(4).toString('hex')}`;
    await writeFile(temp, f.contents);
    await rename(temp, path);
    changed++;
  }
  for (const path of previous.keys()) {
    if (current.has(path)) continue;
    const gone = join(target, safeRelative(path));
    if (await realpath(dirname(gone)).then(() => true, () => false)) await refuseEscape(target, dirname(gone));
    await rm(gone, { force: true });
    changed++;
  }
  return changed;
}

/** A symbolic link placed inside the output folder must not lead writes or deletes out of it. */
async function refuseEscape(target: string, dir: string): Promise<void> {
  if (!isWithin(target, await realpath(dir))) {
    throw new Error(`refusing to write through ${dir}: it leads outside the output folder ${target}`);
  }
}

/** How many paths differ between two builds (added, changed or removed). */
export function countChanges(previous: OutputSnapshot, files: readonly OutputFile[]): number {
  let changed = 0;
  for (const f of files) {
    const old = previous.get(f.path);
    if (old === undefined || !sameContents(old, f.contents)) changed++;
  }
  const current = new Set(files.map((f) => f.path));
  for (const path of previous.keys()) if (!current.has(path)) changed++;
  return changed;
}

function sameContents(a: string | Uint8Array, b: string | Uint8Array): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
