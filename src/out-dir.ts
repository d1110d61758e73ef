import { realpathSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { isWithin } from './util.js';

/**
 * The output folder is replaced wholesale, so it must never be the project, the posts, or hold either.
 * Paths are compared after following symbolic links, so `--out link-to-project` is caught too.
 * Returns why the folder is refused, or undefined when it is fine.
 */
export function checkOutDir(root: string, postsDir: string, outDir: string): string | undefined {
  const out = real(resolve(root, outDir));
  const project = real(resolve(root));
  const posts = real(resolve(root, postsDir));
  if (isWithin(out, project)) return `--out ${outDir} is the project folder or one of its parents; choose a folder of its own such as dist`;
  if (isWithin(out, posts) || isWithin(posts, out)) return `--out ${outDir} overlaps the posts folder ${postsDir}; choose a folder of its own such as dist`;
  return undefined;
}


/** The real path of `path`, or of its nearest existing ancestor joined with the rest (it may not exist yet). */
function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(real(parent), basename(path));
  }
}

/**
 * A build always writes index.html, so an existing, non-empty output folder without one is not an earlier
 * output but someone's files (`--out src`): replacing it as a whole would lose them. Reads only.
 */
export async function foreignOutput(outPath: string, shown: string): Promise<string | undefined> {
  const entries = await readdir(outPath).catch((): string[] => []);
  if (entries.length === 0 || entries.includes('index.html')) return undefined;
  return `${shown} holds files feedwright did not write (it has no index.html) and would be replaced as a whole; empty it or choose another --out`;
}
