import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** A file the build produces, relative to the output folder (always `/`-separated, never escaping it). */
export interface OutputFile {
  readonly path: string;
  readonly contents: string | Uint8Array;
}

/**
 * Write every file into a fresh sibling folder, then swap it in with renames: the previous output stays
 * whole until the new one is complete, and a failure leaves it exactly as it was.
 */
export async function writeOutput(outDir: string, files: readonly OutputFile[]): Promise<void> {
  const target = resolve(outDir);
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const staging = `${target}.tmp-${tag}`;
  try {
    await mkdir(staging, { recursive: true });
    const dirs = new Set(files.map((f) => dirname(join(staging, safeRelative(f.path)))));
    for (const dir of [...dirs].sort()) await mkdir(dir, { recursive: true });
    for (const f of files) await writeFile(join(staging, safeRelative(f.path)), f.contents);
    const previous = await stat(target).catch(() => undefined);
    if (previous && !previous.isDirectory()) throw new Error(`${outDir} exists and is not a folder`);
    if (previous) {
      const old = `${target}.old-${tag}`;
      await rename(target, old);
      try {
        await rename(staging, target);
      } catch (error) {
        await rename(old, target);
        throw error;
      }
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(staging, target);
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Reject absolute paths and `..` so no slug or name can write outside the output folder. */
export function safeRelative(path: string): string {
  const normalized = join('.', path);
  if (path.startsWith('/') || normalized === '..' || normalized.startsWith(`..${sep}`) || relative('.', normalized).startsWith('..')) {
    throw new Error(`refusing to write outside the output folder: ${path}`);
  }
  return normalized;
}
