/**
 * Unexpected failures (bugs, or the machine misbehaving) as opposed to problems in the input, which are
 * diagnostics. They are wrapped once, at the stage boundary where they surface, with the stage and the file,
 * keeping the original as `cause`, so the CLI can say in one line where it happened.
 */

/** A failure that is not the user's input's fault, tagged with where it happened. */
export class StageError extends Error {
  override readonly name = 'StageError';
  constructor(
    /** What feedwright was doing, e.g. `rendering`. */
    readonly stage: string,
    /** The file being processed, as shown to users, when there is one. */
    readonly file: string | undefined,
    cause: unknown,
  ) {
    super(`unexpected error while ${stage}${file === undefined ? '' : ` ${file}`}: ${messageOf(cause)}`, { cause });
  }
}

/**
 * The build cache handed back a post whose stored HTML is gone or fails its checksum, found only when the HTML
 * was needed (it is read lazily). Not a bug and not the input's fault: the CLI builds again without the cache.
 */
export class DamagedCacheError extends Error {
  override readonly name = 'DamagedCacheError';
}

/** Errors that pass through the stage wrappers as they are. */
function keptAsIs(error: unknown): boolean {
  return error instanceof StageError || error instanceof DamagedCacheError;
}

/** Run `fn`; an exception from it becomes a StageError naming the stage and file (an inner one is kept as is). */
export function atStage<T>(stage: string, file: string | undefined, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw keptAsIs(error) ? error : new StageError(stage, file, error);
  }
}

/** The async twin of `atStage`. */
export async function atStageAsync<T>(stage: string, file: string | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw keptAsIs(error) ? error : new StageError(stage, file, error);
  }
}

/** One line for users; with `debug`, the stack of the error and of every cause. */
export function describeFailure(error: unknown, debug: boolean): string {
  const line = `feedwright: ${error instanceof StageError ? error.message : `unexpected error: ${messageOf(error)}`}`;
  if (!debug) return `${line} (a bug in feedwright, not in your posts; FEEDWRIGHT_DEBUG=1 shows the stack trace)\n`;
  const stacks: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    stacks.push(e instanceof Error ? (e.stack ?? e.message) : String(e));
    if (!(e instanceof Error)) break;
  }
  return `${line}\n${stacks.join('\nCaused by: ')}\n`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
