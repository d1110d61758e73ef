import { diagnostic, type Diagnostic } from '../common/diagnostics.js';
import type { OutputOrigin } from './write.js';

/**
 * Two outputs at one path: one would silently replace the other (or, written into the same folder, make the
 * build fail half-way). Every output the build plans (generated files, bundle files, static files, …) goes
 * through one check before anything is written, so `check` finds what `build` would trip on.
 *
 * Paths are compared as the strictest file systems the output may land on see them: letter case ignored (macOS
 * and Windows) and Unicode normalized to NFC (macOS), so `RSS.xml` and `rss.xml`, or `café` typed two ways,
 * are one path. A path that needs a folder where another output is a file (`posts` beside `posts/a/index.html`)
 * conflicts too.
 */

/** One output path the build plans, with what makes it. */
export interface PlannedPath {
  readonly path: string;
  readonly origin?: OutputOrigin;
}

/**
 * Every conflict among `planned`, each reported once, at the later of the two outputs (in the order given:
 * list what the site generates before what a user adds, so the message lands on the file the user can rename)
 * and naming both.
 */
export function outputConflicts(planned: readonly PlannedPath[]): Diagnostic[] {
  const files = new Map<string, PlannedPath>();
  const out: Diagnostic[] = [];
  if (known.size > 4 * planned.length + 1000) known.clear();
  const keys = planned.map((entry) => comparableOf(entry.path));
  planned.forEach((entry, i) => {
    const key = keys[i]?.key ?? '';
    const earlier = files.get(key);
    if (earlier) {
      const twin = earlier.path !== entry.path ? ` (the two paths differ only in letter case or Unicode form, which many file systems do not tell apart)` : '';
      out.push(conflict(entry, earlier, `${describe(entry)} and ${describe(earlier)} would both be published at ${earlier.path}${twin}`));
    } else {
      files.set(key, entry);
    }
  });
  // A file where another output needs a folder.
  planned.forEach((entry, i) => {
    for (const folder of keys[i]?.folders ?? []) {
      const blocker = files.get(folder);
      if (!blocker) continue;
      const [later, earlier] = planned.indexOf(blocker) < planned.indexOf(entry) ? [entry, blocker] : [blocker, entry];
      out.push(conflict(later, earlier, `${describe(entry)} is published at ${entry.path}, which needs ${blocker.path} to be a folder, but ${describe(blocker)} is a file there`));
      break;
    }
  });
  return out;
}

/** A path as `comparable` makes it, and each folder above it (as comparable: up to each `/`). */
interface Comparable {
  readonly key: string;
  readonly folders: readonly string[];
}

/**
 * Each path's comparable form and folders, kept between builds (a rebuild plans the same 12,000 paths again): the
 * same strings each time, not new ones to make and hash. Emptied when it grows well past one build's paths.
 */
const known = new Map<string, Comparable>();

function comparableOf(path: string): Comparable {
  let found = known.get(path);
  if (found === undefined) {
    const key = comparable(path);
    const folders: string[] = [];
    for (let slash = key.indexOf('/'); slash >= 0; slash = key.indexOf('/', slash + 1)) folders.push(key.slice(0, slash));
    found = { key, folders };
    known.set(path, found);
  }
  return found;
}

/** A path as case-insensitive, normalizing file systems see it (normalizing only what needs it: most paths are ASCII). */
function comparable(path: string): string {
  return (NON_ASCII.test(path) ? path.normalize('NFC') : path).toLowerCase();
}

const NON_ASCII = /[^\x00-\x7f]/;

function describe(entry: PlannedPath): string {
  return entry.origin?.what ?? `the generated file ${entry.path}`;
}

function conflict(later: PlannedPath, earlier: PlannedPath, what: string): Diagnostic {
  const at = later.origin?.file !== undefined ? later.origin : earlier.origin?.file !== undefined ? earlier.origin : undefined;
  return diagnostic(at?.file ?? later.path, 'error', 'output-conflict', `${what}; only one can be: rename or remove one of them`,
    at?.line !== undefined ? { line: at.line, column: at.column ?? 1 } : undefined);
}
