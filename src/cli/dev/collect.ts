import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full garbage collection. `dev` runs one when it has been idle a moment after a rebuild: each rebuild of a big
 * blog leaves tens of megabytes of garbage in the old generation, and V8, seeing a few hundred megabytes in use,
 * lets the heap grow by a gigabyte before it collects them (measured at 10,000 posts: 470 MB after the first
 * build, 1 GB sixteen saves later). Collected while idle, the process stays near what it holds.
 * V8's `gc` function is made available at run time (the flag is read when a context is created).
 */
let gc: (() => void) | null | undefined;

export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = null; // not available here: V8 collects when it sees fit
    }
  }
  gc?.();
}
