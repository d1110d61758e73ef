import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { diagnostic, type Diagnostic } from '../common/diagnostics.js';
import { compareStrings, isWithin } from '../common/util.js';
import type { OutputFile } from '../output/write.js';

/**
 * The static folder (`static/` by default): the site owner's own files, copied into the output as they are, at
 * the same paths (`static/.well-known/security.txt` → `dist/.well-known/security.txt`, `static/CNAME` →
 * `dist/CNAME`). Listed with synchronous calls for the same reason as post bundles (assets.ts): many tiny
 * metadata calls cost less than the thread pool's hand-offs.
 *
 * What is copied: every file, dot-files and dot-folders included (`.well-known/`, `.nojekyll`, `.htaccess`),
 * except what version control, operating systems and editors leave behind (`IGNORED`). A symbolic link is
 * copied as the file it points to when that file is inside the static folder; a link that leads out of the
 * folder, points nowhere or at a folder, and anything that is neither a file nor a folder (a FIFO), is an error
 * naming it: nothing outside the folder is ever published, and nothing the owner put there silently goes missing.
 */

/** One file of the static folder, published at the same path in the output. */
export interface StaticFile {
  /** Path inside the static folder and in the output: `/`-separated, NFC. */
  readonly path: string;
  /** Absolute path of its bytes on disk (for a link: the file it points to); never put it in output. */
  readonly file: string;
  /** How it is named in messages, e.g. `static/.well-known/security.txt`. */
  readonly shown: string;
  readonly size: number;
  /**
   * Fingerprint of the file as it is on disk (its real path, size, modification and change times, inode), for
   * incremental writes; absent when it was modified too recently to trust its timestamps (see `RACY_MS`).
   */
  readonly key?: string;
}

export interface StaticListing {
  /** Sorted by `path`. */
  readonly files: StaticFile[];
  readonly diagnostics: Diagnostic[];
  /** Whether the folder exists (a missing one is simply empty). */
  readonly exists: boolean;
}

/**
 * Never published: version-control data (`.git`, and `.gitkeep`, which keeps an empty folder in git), the
 * folder metadata macOS and Windows write (`.DS_Store`, `._*` AppleDouble files, `Thumbs.db`, `desktop.ini`) and
 * editors' swap and backup files (`.name.swp`, `.#name`, `name~`).
 */
export function isIgnored(name: string): boolean {
  return IGNORED.has(name) || name.startsWith('._') || /^\..*\.sw[a-p]$|^\.#|~$/.test(name);
}

const IGNORED = new Set(['.git', '.gitignore', '.gitkeep', '.gitattributes', '.gitmodules', '.hg', '.hgignore', '.svn', '.DS_Store', 'Thumbs.db', 'desktop.ini']);

/**
 * A file modified this close (ms) to being listed may change again within the file system's timestamp
 * resolution without its stat changing: it gets no key, so the next build copies it again (as cache.ts does).
 */
const RACY_MS = 2000;

/**
 * Every file of the static folder `dir` (absolute), named in messages as `shownDir`. `now` (ms; the wall clock,
 * used only to tell whether a file's timestamps can be trusted for incremental writes) defaults to `Date.now()`.
 */
export function listStaticFiles(dir: string, shownDir: string, now = Date.now()): StaticListing {
  const files: StaticFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const top = statSync(dir, { throwIfNoEntry: false });
  if (!top) return { files, diagnostics, exists: false };
  if (!top.isDirectory()) {
    diagnostics.push(diagnostic(shownDir, 'error', 'static-read', `${shownDir} is not a folder; the static folder (config "static") must be a folder of files to publish`));
    return { files, diagnostics, exists: true };
  }
  // The folder itself may be a link (to a shared folder, say): its real path is what links must stay inside.
  const root = realpathSync(dir);
  const add = (path: string, shown: string, file: string, info: Stats): void => {
    // (The modification time alone: a later write sets it to then, so a stamp recorded long after it still tells;
    // the change time is in the key too, for writes that put an old modification time back.)
    const trusted = now - info.mtimeMs >= RACY_MS;
    const key = trusted
      ? createHash('sha256').update(`static\0${file}\0${info.size}\0${info.mtimeMs}\0${info.ctimeMs}\0${info.ino}`).digest('hex').slice(0, 32)
      : undefined;
    files.push({ path, file, shown, size: info.size, ...(key !== undefined && { key }) });
  };
  const problem = (shown: string, code: string, message: string): void => {
    diagnostics.push(diagnostic(shown, 'error', code, message));
  };
  const walk = (abs: string, prefix: string): void => {
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch (error) {
      problem(prefix === '' ? shownDir : `${shownDir}/${prefix.slice(0, -1)}`, 'static-read', `cannot list this folder of the static files: ${(error as Error).message}`);
      return;
    }
    for (const entry of entries) {
      if (isIgnored(entry.name)) continue;
      const rel = `${prefix}${entry.name.normalize('NFC')}`;
      const shown = `${shownDir}/${rel}`;
      const full = join(abs, entry.name);
      if (entry.name.includes('\\')) {
        problem(shown, 'static-file-name', 'a name with a backslash cannot be published (Windows and many hosts read it as a folder separator); rename it');
      } else if (entry.isDirectory()) {
        walk(full, `${rel}/`);
      } else if (entry.isFile()) {
        const info = statSync(full, { throwIfNoEntry: false });
        if (info) add(rel, shown, full, info);
      } else if (entry.isSymbolicLink()) {
        let target: string | undefined;
        try {
          target = realpathSync(full);
        } catch {
          // points nowhere: reported below
        }
        const info = target === undefined ? undefined : statSync(target, { throwIfNoEntry: false });
        if (target === undefined || !info) {
          problem(shown, 'static-symlink', 'this symbolic link points nowhere; remove it or point it at a file inside the static folder');
        } else if (target === root || !isWithin(root, target)) {
          problem(shown, 'static-symlink', `this symbolic link points outside ${shownDir}/, and nothing outside it is ever published; copy the file into ${shownDir}/ instead`);
        } else if (!info.isFile()) {
          problem(shown, 'static-symlink', `this symbolic link points at a folder, which is not followed (a link may lead back up, and every file is published once); link the files, or move the folder into ${shownDir}/`);
        } else {
          add(rel, shown, target, info);
        }
      } else {
        problem(shown, 'static-file-type', 'this is neither a file nor a folder (a pipe, socket or device) and cannot be published; remove it');
      }
    }
  };
  walk(dir, '');
  files.sort((a, b) => compareStrings(a.path, b.path));
  return { files, diagnostics, exists: true };
}

/** The output file of a static file: copied from disk by path when written, never read whole into memory. */
export function staticOutput(file: StaticFile): OutputFile {
  return {
    path: file.path,
    copyOf: file.file,
    // For the few readers that want the bytes (tests; writers copy by path).
    get contents(): Buffer {
      return readFileSync(file.file);
    },
    origin: { what: `the static file ${file.shown}`, file: file.shown },
    ...(file.key !== undefined && { key: file.key }),
  };
}
