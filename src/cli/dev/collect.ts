import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Full garbage collections for `dev`. Each rebuild of a big blog leaves tens of megabytes of garbage in the old
 * generation, and V8, seeing a few hundred megabytes in use, lets the heap grow by a gigabyte before it collects
 * them (measured at 10,000 posts: 470 MB after the first build, 1 GB sixteen saves later). So dev collects when it
 * has been idle a moment after a rebuild, and, when saves come too fast for that, before a rebuild once the heap
 * has grown by GROWTH since the last collection (one save in three or four at 10,000 posts).
 * V8's `gc` function is made available at run time (the flag is read when a context is created).
 */
let gc: (() => void) | null | undefined;
/** Heap in use just after the last collection. */
let settled = 0;
const GROWTH = 128 * 1024 * 1024;

export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = null; // not available here: V8 collects when it sees fit
    }
  }
  if (!gc) return;
  gc();
  settled = getHeapStatistics().used_heap_size;
}

/** Collect if the heap has grown by GROWTH since the last collection. */
export function collectIfGrown(): void {
  if (getHeapStatistics().used_heap_size - settled > GROWTH) collectGarbage();
}
