import { diagnostic, type Diagnostic, type Position } from '../common/diagnostics.js';
import { CANONICAL_KEYS, READ_KEYS } from './front-matter-keys.js';
import { didYouMean } from '../common/util.js';

/** One post file's unknown front-matter keys, with where its keys are. */
export interface UnknownKeysOf {
  /** Source path, as in messages. */
  readonly file: string;
  readonly unknownKeys?: readonly string[];
  readonly keys?: Readonly<Record<string, Position>>;
}

/**
 * One `unknown-key` warning per key over the whole build, however many posts carry it (a blog moved from another
 * generator would otherwise get hundreds of identical lines): at the key in the first file (in path order), with
 * how many files have it. A key close to one feedwright reads gets a "did you mean". Made from the per-post
 * results, so a build from the cache reports exactly what a fresh one does.
 */
export function unknownKeyWarnings(files: readonly UnknownKeysOf[]): Diagnostic[] {
  const byKey = new Map<string, { first: UnknownKeysOf; count: number }>();
  for (const f of files) {
    for (const key of f.unknownKeys ?? []) {
      const seen = byKey.get(key);
      if (seen) seen.count++;
      else byKey.set(key, { first: f, count: 1 });
    }
  }
  return [...byKey].map(([key, { first, count }]) => {
    const guess = didYouMean(key, READ_KEYS);
    const where = count > 1 ? ` (in ${count} files; first here)` : '';
    const hint = guess ? `; did you mean "${guess}"?` : `; feedwright reads ${CANONICAL_KEYS.join(', ')} (and other generators' names for them: see the README)`;
    return diagnostic(first.file, 'warning', 'unknown-key', `unknown front-matter key "${key}"${where}${hint}`, first.keys?.[key] ?? { line: 1, column: 1 });
  });
}
