import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import { listBundleAssets, type BundleAsset } from '../read/assets.js';
import { scriptInSvg, unsafeType } from './bundle-policy.js';
import { diagnostic, type Diagnostic } from '../common/diagnostics.js';
import { mediaType } from '../read/media-info.js';
import type { Post } from '../post/post.js';
import type { SourceEntry } from '../read/sources.js';
import type { OutputFile } from '../output/write.js';

/** Why a bundle file may not be published (see bundle-policy.ts), or undefined. */
function unsafeFile(asset: BundleAsset): string | undefined {
  const type = mediaType(asset.path);
  return unsafeType(type) ?? (type === 'image/svg+xml' ? scriptInSvg(asset.file, asset.size) : undefined);
}

/**
 * The file's stat, taken through a handle opened for reading (non-blocking: a FIFO never hangs the build), or why it
 * cannot be opened.
 */
function opened(file: string): { info: Stats } | { problem: string } {
  try {
    const fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    try {
      return { info: fstatSync(fd) };
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

/** A file modified this close (ms) to being looked at may change again without its stat changing (as cache.ts). */
const RACY_MS = 2000;

/**
 * The output key of a copy of `file` (see fingerprint.ts): its path, size, modification and change times and inode,
 * as static files are keyed (read/static-files.ts). An unchanged key lets a rebuild link the copy already in the
 * output instead of copying the file again; a file modified a moment ago gets none, and is copied.
 */
function copyKey(file: string, info: Stats, now: number): string | undefined {
  if (now - info.mtimeMs < RACY_MS) return undefined;
  return createHash('sha256').update(`bundle\0${file}\0${info.size}\0${info.mtimeMs}\0${info.ctimeMs}\0${info.ino}`).digest('hex').slice(0, 32);
}

/** Where each bundle post's folder is (by the post's source path), as the listing found it. */
export type BundleFolders = ReadonlyMap<string, NonNullable<SourceEntry['bundle']>>;

/**
 * Publishing post bundles: every file beside a bundle's `index.md` (as `assets.ts` lists them, so the files
 * copied are exactly the ones whose sizes the feeds state) is copied to the same path in the post's folder
 * (`posts/<slug>/` by default), where the post's relative references (`![](cover.jpg)`), made absolute against
 * its URL, find them. The bundle may be at any depth under the posts folder. Only published posts are copied: a
 * draft publishes none of its files. Only files of safe types are (bundle-policy.ts), unless `allowAny` (the
 * config's `allowAnyBundleFile`). Each copy is keyed by its file's stat (`copyKey`; `now` is the wall clock, used only to
 * tell whether that stat can be trusted), so that a rebuild links an unchanged one from the output.
 */
export async function bundleFiles(posts: readonly Post[], folders: BundleFolders, allowAny = false, now = Date.now()): Promise<{ files: OutputFile[]; diagnostics: Diagnostic[] }> {
  const files: OutputFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const post of posts) {
    const bundle = folders.get(post.source);
    if (bundle === undefined) continue;
    // Problems with the bundle's files were reported when the sources were read; here they are only copied.
    const { assets } = listBundleAssets(bundle.abs, bundle.path, bundle.index);
    for (const asset of assets) {
      const shown = `${bundle.path}/${asset.path}`;
      if (asset.path === 'index.html') {
        diagnostics.push(diagnostic(shown, 'error', 'asset-conflict',
          'the bundle file index.html would replace the page generated for the post; rename it'));
        continue;
      }
      const problem = allowAny ? undefined : unsafeFile(asset);
      if (problem !== undefined) {
        diagnostics.push(diagnostic(shown, 'error', 'bundle-file-type',
          `the bundle file ${asset.path} of ${post.source} ${problem}; bundle files are published on the site's own origin, so only images (SVG without scripts), audio, video, fonts and documents are (see "Bundle files" in the README): remove it, or set "allowAnyBundleFile": true if every author is trusted`));
        continue;
      }
      // Checked here, in the stage `check` shares: copying it when writing must not be the first to find out.
      const readable = opened(asset.file);
      if ('problem' in readable) {
        diagnostics.push(diagnostic(shown, 'error', 'asset-unreadable', `the bundle file ${asset.path} of ${post.source} cannot be read: ${readable.problem}`));
        continue;
      }
      const key = copyKey(asset.file, readable.info, now);
      // Copied by path when written, never held in memory (a 3 GB video is fine); `contents` only for readers
      // that want the bytes (the dev server).
      const from = asset.file;
      files.push({
        path: `${post.path}${asset.path}`, copyOf: from, origin: { what: `the bundle file ${shown}`, file: shown }, ...(key !== undefined && { key }),
        get contents(): Buffer {
          return readFileSync(from);
        },
      });
    }
  }
  return { files, diagnostics };
}
