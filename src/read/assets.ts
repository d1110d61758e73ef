import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { diagnostic, type Diagnostic } from '../common/diagnostics.js';
import { realTarget } from './symlinks.js';
import { compareStrings, isWithin } from '../common/util.js';

/**
 * Asset discovery for post bundles (`posts/<slug>/index.md` plus the files beside it). One small module so
 * that copying assets to `dist/posts/<slug>/` and reading their sizes for enclosures and images agree on
 * exactly which files belong to a bundle.
 *
 * The walk uses synchronous calls on purpose: it is many tiny metadata calls, and going through the thread
 * pool costs more than the calls themselves (1,000 bundles of three files on the 2-core CI machine: about 60 ms
 * synchronously, 300–500 ms with promises, however many run at once).
 */

/** One file beside a bundle's `index.md`. */
export interface BundleAsset {
  /** Path inside the bundle, `/`-separated and NFC (e.g. `audio/episode-1.mp3`): the URL path below the post. */
  readonly path: string;
  /** Absolute path on disk (for copying; never put it in output). */
  readonly file: string;
  /** Size in bytes. */
  readonly size: number;
}

export interface BundleAssetsResult {
  /** Sorted by `path`, so nothing depends on directory order. */
  readonly assets: BundleAsset[];
  readonly diagnostics: Diagnostic[];
}

/**
 * The name a Zola or Hugo translation is of: `index.ca.md` → `index`, `_index.es.md` → `_index`, `post.pt-br.md` →
 * `post` (a language code of 2 or 3 letters, with subtags); undefined for any other name. Such a file is a
 * translation only beside its original (`index.md`, `post.md`): see `listSources`.
 */
export function translatedName(name: string): string | undefined {
  return /^(.+)\.[a-z]{2,3}(?:[-_][a-z0-9]{2,8})*\.(?:md|markdown)$/i.exec(name)?.[1];
}

/**
 * Every file in a bundle folder and its subfolders, except its `index.md`, the index's translations beside it
 * (`index.ca.md`: skipped, see `listSources`) and dot-files. Symbolic links are
 * followed only when they resolve to a file inside the bundle (a link to `/etc/passwd` or to a sibling post is
 * left out, with a warning), and linked folders are not descended into, so the walk always ends.
 * @param bundleDir absolute path of the bundle folder
 * @param shownDir how that folder is named in messages (e.g. `posts/episode-1`)
 * @param index the name of the bundle's post file (`index.md`, or `index.markdown`), which is not one of its files
 */
export function listBundleAssets(bundleDir: string, shownDir: string, index = 'index.md'): BundleAssetsResult {
  const assets: BundleAsset[] = [];
  const diagnostics: Diagnostic[] = [];
  const indexBase = index.replace(/\.(?:md|markdown)$/i, '').toLowerCase();
  // Resolved only when a link needs checking: most bundles have none.
  let root: string | undefined;
  const walk = (dir: string, prefix: string): void => {
    let entries;
    try {
      // Names as bytes: a name that is not UTF-8 would come back with U+FFFD in it and then not open.
      entries = readdirSync(dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (error) {
      diagnostics.push(diagnostic(prefix === '' ? shownDir : `${shownDir}/${prefix.slice(0, -1)}`, 'warning', 'asset-read',
        `cannot list this folder of the post bundle: ${(error as Error).message}; its files are not published`));
      return;
    }
    for (const rawEntry of entries) {
      const name = strictUtf8(rawEntry.name);
      if (name === undefined || name.includes('\\')) {
        // Published under its name, it would be a path no host serves the same (a backslash is a separator on
        // Windows; the writer refuses one) or one that cannot be named at all: say so here, where `check` sees it.
        const shown = `${shownDir}/${prefix}${new TextDecoder('utf-8').decode(rawEntry.name)}`;
        if (!shown.split('/').pop()?.startsWith('.')) {
          diagnostics.push(diagnostic(shown, 'error', 'invalid-file-name', name === undefined
            ? 'this bundle file name is not valid UTF-8; rename it'
            : 'this bundle file name has a backslash, which is a folder separator on Windows and in URLs some hosts rewrite; rename it'));
        }
        continue;
      }
      const entry = { name, isDirectory: () => rawEntry.isDirectory(), isFile: () => rawEntry.isFile(), isSymbolicLink: () => rawEntry.isSymbolicLink() };
      if (entry.name.startsWith('.')) continue;
      const rel = `${prefix}${entry.name.normalize('NFC')}`;
      if (rel === index) continue;
      if (prefix === '' && translatedName(rel)?.toLowerCase() === indexBase) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full, `${rel}/`);
      } else if (entry.isFile()) {
        const info = statSync(full, { throwIfNoEntry: false });
        if (info) assets.push({ path: rel, file: full, size: info.size });
      } else if (entry.isSymbolicLink()) {
        root ??= realpathSync(bundleDir);
        const target = realTarget(full);
        const inside = target !== undefined && isBelow(root, target);
        const info = inside ? statSync(target, { throwIfNoEntry: false }) : undefined;
        if (inside && info?.isFile()) {
          assets.push({ path: rel, file: target, size: info.size });
        } else if (!inside) {
          diagnostics.push(diagnostic(`${shownDir}/${rel}`, 'warning', 'asset-outside-bundle',
            target === undefined
              ? 'this symbolic link points nowhere; it is not published'
              : 'this symbolic link points outside the post bundle; it is not published (copy the file into the bundle instead)'));
        }
      }
    }
  };
  walk(bundleDir, '');
  assets.sort((a, b) => compareStrings(a.path, b.path));
  // Two names that are one once normalized (`café.png` typed on macOS and elsewhere) would be one output file.
  for (let i = 1; i < assets.length; i++) {
    if (assets[i]?.path !== assets[i - 1]?.path) continue;
    diagnostics.push(diagnostic(`${shownDir}/${assets[i]?.path ?? ''}`, 'error', 'asset-conflict',
      'two files in the post bundle have this name, spelled with different Unicode forms (NFC and NFD), and would be published as one; rename one'));
    assets.splice(i--, 1);
  }
  return { assets, diagnostics };
}



/** Whether `target` lies strictly below `root` (both real paths). */
function isBelow(root: string, target: string): boolean {
  return target !== root && isWithin(root, target);
}

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** `bytes` as UTF-8, or undefined when they are not valid UTF-8. */
function strictUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strict.decode(bytes);
  } catch {
    return undefined;
  }
}
