import type { Io } from './io.js';

/** Draws `Rendering posts 120/10000` on one terminal line, then clears it. */
export interface Progress {
  readonly update: (done: number, total: number) => void;
  readonly done: () => void;
}

/**
 * A progress line on a terminal only: nothing when stderr is not a TTY or when `CI` is set, so logs and
 * pipes stay clean. Redraws about a hundred times per build at most, whatever its size.
 */
export function progressReporter(io: Io): Progress | undefined {
  const ci = io.env.CI !== undefined && io.env.CI !== '' && io.env.CI !== 'false';
  if (io.isTTY !== true || ci) return undefined;
  let drawn = false;
  return {
    update: (done, total) => {
      const step = Math.max(1, Math.floor(total / 100));
      if (done % step !== 0 && done !== total) return;
      io.stderr(`\rRendering posts ${done}/${total}`);
      drawn = true;
    },
    done: () => {
      if (drawn) io.stderr('\r\x1b[K');
    },
  };
}
