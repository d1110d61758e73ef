import { readdirSync, statSync, lstatSync, watch, type FSWatcher, type Stats } from 'node:fs';
import { basename, dirname, relative, resolve, sep } from 'node:path';

/** What `watchPaths` returns: more paths to watch, and a way to stop. */
export interface PathWatcher {
  /** Watches one more path (a folder, a file, or a path that does not exist yet); nothing if it is watched already. */
  add(path: string): void;
  /** Stops every watcher: no `onChange` call comes after this. */
  close(): Promise<void>;
}

/**
 * What an event says changed: the path it names (a file or folder directly in a watched folder), and whether its
 * contents changed (`change`) or an entry was made, deleted or renamed there (`rename`). Events may be merged or
 * repeated by the system: a path is a hint of what to look at, and no event at all means nothing changed.
 */
export interface PathChange {
  readonly path: string;
  readonly kind: 'change' | 'rename';
}

/** One watched folder and why it is watched (one node:fs watcher each, whatever the reasons). */
interface Folder {
  readonly watcher: FSWatcher;
  /** The folder's inode when watched: a folder deleted and made again at the same path is another folder. */
  readonly ino: number;
  /** Inside a watched folder: every event in it is a change. */
  tree: boolean;
  /** Watched files in it (by name): only events naming them are changes. */
  readonly files: Set<string>;
  /** Watched paths below it that do not exist yet (it is the nearest folder above them that does). */
  readonly pending: Set<string>;
}

/**
 * Calls `onChange` when anything changes under `paths`, with the path the system named (dev then looks only at
 * that, read/source-view.ts), or with none when it named none or a watched folder was lost (anything may have
 * changed). Built on node:fs `watch`, one non-recursive watcher per folder, never per file,
 * so a save in a folder of 10,000 posts costs an event, not a fresh listing of the folder.
 * - A folder is watched with every folder below it (symbolic links are not followed); a folder made or moved
 *   in later is watched from then on, and the watchers of a folder gone are closed.
 * - A file (the config) is watched through its folder, with only events naming it counted: editors save by
 *   writing a temporary file and renaming it over the original, which replaces the file a watcher of its own held.
 * - A path that does not exist yet is waited for in the nearest folder above it that does; when it appears it
 *   is watched, and that is a change.
 * Everything is set up before this returns (an edit made after it is seen). A folder that cannot be watched is
 * passed to `onError`, if given, and left out; nothing here throws once set up.
 */
export function watchPaths(paths: string[], onChange: (change?: PathChange) => void, onError?: (path: string, error: Error) => void): PathWatcher {
  const folders = new Map<string, Folder>();
  /** Every path asked for. */
  const targets = new Set<string>();
  /** The paths asked for that are folders, watched as trees. */
  const roots = new Set<string>();
  let closed = false;

  /** Something changed: at `path` (an entry made, deleted or renamed, or its contents), or anywhere when undefined. */
  const changed = (change?: PathChange): void => {
    if (!closed) onChange(change);
  };

  /** The folder's record, watching it first if it is not yet; undefined when it cannot be watched. */
  const folderAt = (dir: string): Folder | undefined => {
    const known = folders.get(dir);
    if (known) return known;
    let watcher: FSWatcher;
    let ino: number;
    try {
      ino = statSync(dir).ino;
      watcher = watch(dir, { persistent: false });
    } catch (error) {
      // Gone between a look and now: the event that said so, in the folder above, deals with it.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as NodeJS.ErrnoException).code !== 'ENOTDIR') onError?.(dir, error as Error);
      return undefined;
    }
    const folder: Folder = { watcher, ino, tree: false, files: new Set(), pending: new Set() };
    folders.set(dir, folder);
    watcher.on('change', (type, name) => event(dir, folder, type, typeof name === 'string' ? name : undefined));
    // A watched folder deleted is an error on some systems (an event on Linux): its watcher is closed, and what it
    // watched for is placed again. One still there is left to the next event naming it (an error that comes back
    // would otherwise come back forever).
    watcher.on('error', (error) => {
      if (closed || folders.get(dir) !== folder) return;
      watcher.close();
      folders.delete(dir);
      if (isFolder(dir, ino)) {
        onError?.(dir, error);
        return;
      }
      drop(dir);
      for (const name of folder.files) place(resolve(dir, name));
      for (const target of folder.pending) place(target);
      changed();
    });
    return folder;
  };

  /** Watches `dir` and every folder below it, as part of a watched folder. */
  const watchTree = (dir: string): void => {
    const folder = folderAt(dir);
    if (!folder) return;
    folder.tree = true;
    for (const sub of subFolders(dir)) watchTree(sub);
  };

  /** Closes the watchers of `dir` and everything below it, and places again whatever they watched for. */
  const drop = (dir: string): void => {
    const orphans = new Set<string>();
    for (const [path, folder] of folders) {
      if (path !== dir && !path.startsWith(dir + sep)) continue;
      folder.watcher.close();
      folders.delete(path);
      for (const name of folder.files) orphans.add(resolve(path, name));
      for (const target of folder.pending) orphans.add(target);
    }
    for (const root of roots) {
      if (root === dir || root.startsWith(dir + sep)) {
        roots.delete(root);
        orphans.add(root);
      }
    }
    for (const target of orphans) place(target);
  };

  /** Watches one path asked for, as what it is now: a folder, a file, or something still to come. True when it exists. */
  const place = (target: string): boolean => {
    if (closed) return false;
    const stats = statOf(target);
    if (stats?.isDirectory()) {
      roots.add(target);
      watchTree(target);
      return true;
    }
    if (stats) {
      folderAt(dirname(target))?.files.add(basename(target));
      return true;
    }
    let above = dirname(target);
    while (!statOf(above)?.isDirectory() && dirname(above) !== above) above = dirname(above);
    folderAt(above)?.pending.add(target);
    return false;
  };

  const event = (dir: string, folder: Folder, type: string, name: string | undefined): void => {
    if (closed || folders.get(dir) !== folder) return;
    let change = false;
    if (folder.tree) {
      change = true;
      if (type === 'rename') {
        // This folder itself deleted, moved away or replaced (on Linux an event naming the folder itself, and the
        // folder made again may get the same inode): its watchers are closed, and the folder above, whose event
        // for it comes next, watches the one there now (a folder asked for is placed again at once).
        if (!isFolder(dir, folder.ino) || (name === basename(dir) && lstatOf(resolve(dir, name)) === undefined)) {
          drop(dir);
          changed();
          return;
        }
        // A folder made, moved in or deleted here. Only the entry named is looked at (a save in a folder of
        // 10,000 posts is a rename too); every folder in it when the system names none.
        if (name !== undefined) subFolderChanged(resolve(dir, name), true);
        else for (const path of new Set([...subFolders(dir), ...[...folders.keys()].filter((p) => dirname(p) === dir)])) subFolderChanged(path, false);
      }
    }
    if (folder.files.size > 0 && (name === undefined || folder.files.has(name))) change = true;
    if (type === 'rename' && folder.pending.size > 0) {
      for (const target of [...folder.pending]) {
        if (name !== undefined && relative(dir, target).split(sep)[0] !== name) continue;
        folder.pending.delete(target);
        // It (or a folder on the way to it) appeared: watched as it is now, or waited for further down.
        if (place(target)) change = true;
      }
    }
    if (change) changed(name === undefined ? undefined : { path: resolve(dir, name), kind: type === 'change' ? 'change' : 'rename' });
  };

  /**
   * A path directly inside a watched tree folder, after an event: watched as it is now. A folder the event names is
   * watched afresh (deleted and made again, it can have the inode it had); without a name, only a new inode counts.
   */
  const subFolderChanged = (path: string, named: boolean): void => {
    const stats = lstatOf(path);
    const isDir = stats?.isDirectory() === true; // (a link is not followed: not a folder here)
    const known = folders.get(path);
    if (known && (named || !isDir || stats?.ino !== known.ino)) drop(path);
    if (isDir && folders.get(path)?.tree !== true) watchTree(path);
  };

  for (const path of paths) {
    const target = resolve(path);
    if (targets.has(target)) continue;
    targets.add(target);
    place(target);
  }

  return {
    add(path: string): void {
      const target = resolve(path);
      if (closed || targets.has(target)) return;
      targets.add(target);
      place(target);
    },
    close(): Promise<void> {
      closed = true;
      for (const folder of folders.values()) folder.watcher.close();
      folders.clear();
      return Promise.resolve();
    },
  };
}

/** The folders directly in `dir` (not links to folders); none if it cannot be listed. */
function subFolders(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => resolve(dir, entry.name));
  } catch {
    return [];
  }
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function lstatOf(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** Whether `dir` is still the folder with this inode. */
function isFolder(dir: string, ino: number): boolean {
  const stats = statOf(dir);
  return stats?.isDirectory() === true && stats.ino === ino;
}
