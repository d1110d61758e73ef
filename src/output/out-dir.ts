import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { diagnostic, type Diagnostic } from '../common/diagnostics.js';
import { isWithin, locateJsonKey } from '../common/util.js';

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

/**
 * The static folder is published as a whole: it must not hold, or lie inside, the output folder (each build would
 * copy the last one into itself) or the posts (they would be published as they are). An error at the config's
 * `static` line (it is the config that names the folder), or none.
 */
export function staticFolderProblems(root: string, postsDir: string, outDir: string | undefined, config: { readonly static: string },
  source?: { readonly file: string; readonly text: string; readonly keyPath: readonly string[] }): Diagnostic[] {
  const folder = real(resolve(root, config.static));
  const out = outDir === undefined ? undefined : real(resolve(root, outDir));
  const posts = real(resolve(root, postsDir));
  const clash = out !== undefined && (isWithin(folder, out) || isWithin(out, folder)) ? `the output folder ${outDir}`
    : isWithin(folder, posts) || isWithin(posts, folder) ? `the posts folder ${postsDir}` : undefined;
  if (clash === undefined) return [];
  const at = source && locateJsonKey(source.text, [...source.keyPath, 'static']);
  return [diagnostic(source?.file ?? 'the feedwright config', 'error', 'config-static',
    `the static folder ${config.static} overlaps ${clash}; its files are copied into the output as they are, so it must be a folder of its own (default "static")`, at)];
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
