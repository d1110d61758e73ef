import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, mkdir, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { isWithin } from '../../common/util.js';
import { MANIFEST_FILE, manifestText } from '../../output/owner.js';
import { safeRelative, type OutputFile } from '../../output/write.js';

/** Output of the previous good build, by path: the bytes, or for a copied file (a static file) its source and key. */
export type OutputSnapshot = ReadonlyMap<string, Snapshot>;

/** What the dev loop keeps of one output file: made bytes, or the file it is copied from (never read whole). */
export type Snapshot = string | Uint8Array | { readonly copyOf: string; readonly key?: string };

/** What to keep of an output file (made contents are made here, once). */
export function snapshotOf(file: OutputFile): Snapshot {
  return file.copyOf !== undefined ? { copyOf: file.copyOf, ...(file.key !== undefined && { key: file.key }) } : file.contents;
}

/**
 * Dev-loop rewrite: put only the files that differ from `previous` in place (each written to a temp file and
 * renamed, so the server never sends half a file) and delete the ones that are gone. A full swap, as `build`
 * does, would rewrite every page of a big blog on each keystroke. Returns how many paths changed.
 */
export async function syncOutput(outDir: string, files: OutputSnapshot, previous: OutputSnapshot): Promise<number> {
  const target = await realpath(resolve(outDir));
  const same = files.size === previous.size && [...files.keys()].every((p) => previous.has(p));
  // The folder's list of what feedwright wrote names every new file before it exists, and drops the removed
  // ones only once they are gone, so a build after this one never mistakes one of them for someone else's.
  if (!same) await writeManifest(target, [...new Set([...previous.keys(), ...files.keys()])]);
  let changed = 0;
  for (const [name, now] of files) {
    const old = previous.get(name);
    if (old !== undefined && sameContents(old, now)) continue;
    const path = join(target, safeRelative(name));
    await mkdir(dirname(path), { recursive: true });
    await refuseEscape(target, dirname(path));
    const temp = `${path}.tmp-${randomBytes(4).toString('hex')}`;
    if (typeof now === 'object' && 'copyOf' in now) await copyFile(now.copyOf, temp, constants.COPYFILE_FICLONE);
    else await writeFile(temp, now);
    await rename(temp, path);
    changed++;
  }
  for (const path of previous.keys()) {
    if (files.has(path)) continue;
    const gone = join(target, safeRelative(path));
    if (await realpath(dirname(gone)).then(() => true, () => false)) await refuseEscape(target, dirname(gone));
    await rm(gone, { force: true });
    changed++;
  }
  if (!same) await writeManifest(target, [...files.keys()]);
  return changed;
}

/** Replace the output folder's MANIFEST_FILE atomically. */
async function writeManifest(target: string, paths: readonly string[]): Promise<void> {
  const path = join(target, MANIFEST_FILE);
  const temp = `${path}.tmp-${randomBytes(4).toString('hex')}`;
  await writeFile(temp, manifestText(paths));
  await rename(temp, path);
}

/** A symbolic link placed inside the output folder must not lead writes or deletes out of it. */
async function refuseEscape(target: string, dir: string): Promise<void> {
  if (!isWithin(target, await realpath(dir))) {
    throw new Error(`refusing to write through ${dir}: it leads outside the output folder ${target}`);
  }
}

/** How many paths differ between two builds (added, changed or removed). */
export function countChanges(previous: OutputSnapshot, files: OutputSnapshot): number {
  let changed = 0;
  for (const [path, now] of files) {
    const old = previous.get(path);
    if (old === undefined || !sameContents(old, now)) changed++;
  }
  for (const path of previous.keys()) if (!files.has(path)) changed++;
  return changed;
}

/** Whether two snapshots are the same file; a copied one is when its source and key are (no key: never). */
function sameContents(a: Snapshot, b: Snapshot): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if ('copyOf' in a || 'copyOf' in b) return 'copyOf' in a && 'copyOf' in b && a.copyOf === b.copyOf && a.key !== undefined && a.key === b.key;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
