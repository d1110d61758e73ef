import { statSync } from 'node:fs';
import { sep } from 'node:path';
import type { Listing } from './sources.js';

/**
 * How a file looked on disk: size, modification time (ms), inode and change time (ms). The change time catches
 * what the others miss: a file rewritten in place with the same size and its old modification time put back
 * (`cp -p`, `touch -r`, `rsync --inplace -t`), which keeps its inode.
 */
export type FileStamp = readonly [size: number, mtimeMs: number, ino: number, ctimeMs: number];

/** Whether two stamps (or stamps recorded with something after them) say the file is unchanged. */
export function sameStamp(a: readonly [...FileStamp, ...unknown[]], b: FileStamp): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

/** When the file was last changed, as far as its stamp tells (its contents, or its times put back). */
export function stampTime(stamp: FileStamp): number {
  return Math.max(stamp[1], stamp[3]);
}

/**
 * How a build looks at the posts folder: its listing, and each post file's stamp (from which the engine tells
 * whether the file changed since it was last read). `build` looks at the disk every time (DISK_VIEW); `dev` knows
 * from its watcher what changed since the last build, and asks the disk only about that (WatchedSources).
 */
export interface SourceView {
  listing(dir: string, shownDir: string): Promise<Listing>;
  /** The file's stamp, or undefined when it cannot be had (reading it then reports why). */
  stamp(entry: { readonly abs: string; readonly linked?: true }): FileStamp | undefined;
}

/**
 * The posts folder's listing. The reader is loaded when first listed: the up-to-date check of a build with nothing
 * to do stamps files through this module, and needs none of it.
 */
async function listSources(dir: string, shownDir: string): Promise<Listing> {
  return (await import('./sources.js')).listSources(dir, shownDir);
}

/** The disk as it is now: every build lists the folder and stats every post. */
export const DISK_VIEW: SourceView = { listing: listSources, stamp: (entry) => stampOf(entry.abs) };

/**
 * Synchronous: thousands of stats through the thread pool (even while the main thread parses the cache's index)
 * measured slower on two cores.
 */
export function stampOf(abs: string): FileStamp | undefined {
  try {
    const s = statSync(abs);
    return [s.size, s.mtimeMs, s.ino, s.ctimeMs];
  } catch {
    return undefined;
  }
}

/**
 * The posts folder as a watcher of it reports changes (`dev`): the last listing and the last stamps are used again
 * for everything no event has named since. Listing and stats cost about 110 ms per save at 10,000 posts; with this,
 * a save of one post stats that post. What the watcher cannot see is always looked at on the disk:
 * - a change with no path (the system named no file; a watched folder was lost): everything, once;
 * - a file made, deleted or renamed anywhere (`rename`): the folder is listed again (stamps of unnamed files kept);
 * - files reached through a symbolic link (`SourceEntry.linked`): their changes happen at the target, which the
 *   watcher does not follow, so they are stat'ed on every build, as `build` does.
 * A build takes the changes reported so far when it lists the folder; changes reported while it runs are left for
 * the next build (which the same event schedules), so a change is never lost between two builds.
 */
export class WatchedSources implements SourceView {
  /** Changes reported since the current build took its own. */
  private pending = new Set<string>();
  private pendingAll = true;
  private pendingList = true;
  /** The changes the current build reads with. */
  private current = new Set<string>();
  private currentAll = true;
  private last: { readonly dir: string; readonly shownDir: string; readonly listing: Listing } | undefined;
  private readonly stamps = new Map<string, FileStamp | undefined>();

  /**
   * The watcher saw `path` change: its contents (`change`), or an entry made, deleted or renamed (`rename`).
   * Without a path, anything may have changed.
   */
  changed(path: string | undefined, kind: 'change' | 'rename'): void {
    if (path === undefined) {
      this.pendingAll = true;
      this.pendingList = true;
      return;
    }
    this.pending.add(path);
    if (kind === 'rename') this.pendingList = true;
  }

  async listing(dir: string, shownDir: string): Promise<Listing> {
    // A new build: it reads with the changes reported so far (taken before anything is awaited).
    this.current = this.pending;
    this.currentAll = this.pendingAll;
    const again = this.pendingList || this.pendingAll;
    this.pending = new Set();
    this.pendingAll = false;
    this.pendingList = false;
    if (this.currentAll) this.stamps.clear();
    const last = this.last;
    if (!again && last && last.dir === dir && last.shownDir === shownDir) return last.listing;
    this.last = undefined;
    const listing = await listSources(dir, shownDir);
    // A listing with problems (a folder that could not be read) is made again next time.
    if (listing.diagnostics.length === 0) this.last = { dir, shownDir, listing };
    // Stamps of files no longer listed are dropped (memory stays one stamp per post).
    const present = new Set(listing.entries.map((e) => e.abs));
    for (const abs of this.stamps.keys()) if (!present.has(abs)) this.stamps.delete(abs);
    return listing;
  }

  stamp(entry: { readonly abs: string; readonly linked?: true }): FileStamp | undefined {
    const { abs } = entry;
    if (!entry.linked && !this.currentAll && !this.named(abs) && this.stamps.has(abs)) return this.stamps.get(abs);
    const stamp = stampOf(abs);
    this.stamps.set(abs, stamp);
    return stamp;
  }

  /** Whether the current build's changes name `abs` or a folder above it. */
  private named(abs: string): boolean {
    if (this.current.size === 0) return false;
    if (this.current.has(abs)) return true;
    // A few changes (a save): compared with each, rather than looking up every folder above each of 10,000 posts.
    if (this.current.size <= 16) {
      for (const path of this.current) if (abs.startsWith(path) && abs[path.length] === sep) return true;
      return false;
    }
    for (let at = abs; ; ) {
      if (this.current.has(at)) return true;
      const up = at.lastIndexOf(sep);
      if (up <= 0) return false;
      at = at.slice(0, up);
    }
  }
}
