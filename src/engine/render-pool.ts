import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ResolvedConfig } from '../config/config.js';
import { StageError } from '../common/errors.js';
import { workerFile } from '../common/worker-file.js';
import type { HashedResult, RawSource } from '../post/result.js';

/**
 * Worker threads for the per-post stage (`processRaw`: decode, front matter, validate, render). Batches are
 * handed out as they are submitted, so workers start rendering while the main thread is still reading files;
 * every batch's results come back in the order its files went in, so output and diagnostics never depend on
 * which thread finished first.
 */

/** Below this many posts to render, starting threads (about 0.1 s each) costs more than it saves. */
export const WORKER_THRESHOLD = 400;
/** Posts per message: big enough to amortize messaging, small enough to keep every thread busy to the end. */
export const BATCH = 32;

export interface PoolOptions {
  /** Most worker threads to use (default: one per CPU); 1 renders in this thread. */
  readonly threads?: number;
  /** Fewest posts to render before threads are used (default WORKER_THRESHOLD; tests lower it). */
  readonly threshold?: number;
  /** Fewest posts for a rebuild to start one thread at once (default WARM_THRESHOLD; tests lower it). */
  readonly warm?: number;
}

/** @internal Messages between the pool and its workers. */
export interface BatchRequest {
  readonly id: number;
  readonly files: readonly RawSource[];
  /** Whether to return each file's content hash (for the cache). */
  readonly hash: boolean;
}
/** @internal */
export type BatchReply =
  | { readonly id: number; readonly results: HashedResult[]; readonly failure?: undefined }
  | { readonly id: number; readonly failure: { readonly stage: string; readonly file: string; readonly message: string; readonly stack: string } };

// The compiled worker sits next to this module; when running from TypeScript sources (tests) there is none.
const WORKER_FILE = workerFile(import.meta.url, 'render-worker.js');

/** Whether worker threads are available at all (they are not when running from TypeScript sources). */
export function workersAvailable(): boolean {
  return WORKER_FILE !== undefined;
}

/**
 * A rebuild (a cache to look posts up in) of at least this many posts starts one worker before it knows what
 * changed. Below it, reading the cache and checking the files take less time than a worker takes to start and
 * load its libraries (about 0.3 s here), so the few posts that changed are rendered sooner in this thread.
 * Measured one-edit rebuilds, five each: 1,000 posts 0.73 s in this thread, 0.86 s with the worker; 10,000
 * posts 2.08 s in this thread, 1.95 s with the worker.
 */
export const WARM_THRESHOLD = 5000;

/** Whether a rebuild of `count` posts starts one worker at once (see WARM_THRESHOLD). */
export function warmThread(count: number, options: PoolOptions = {}): boolean {
  const wanted = options.threads ?? availableParallelism();
  return workersAvailable() && wanted > 1 && count >= (options.warm ?? WARM_THRESHOLD);
}

/** How many threads to start for `count` posts (0: render in this thread). */
export function threadsFor(count: number, options: PoolOptions = {}): number {
  const wanted = options.threads ?? availableParallelism();
  if (!workersAvailable() || wanted <= 1 || count < (options.threshold ?? WORKER_THRESHOLD)) return 0;
  return Math.max(1, Math.min(wanted, Math.ceil(count / (BATCH * 4))));
}

interface Pending {
  readonly request: BatchRequest;
  readonly resolve: (results: HashedResult[]) => void;
  readonly reject: (error: Error) => void;
}

/** A set of render threads; `close()` it when done (also after a failure). */
export class RenderPool {
  private readonly workers: { readonly worker: Worker; inFlight: Pending[] }[];
  private readonly queue: Pending[] = [];
  private nextId = 0;
  private failure?: Error;
  private closing = false;

  constructor(private readonly config: ResolvedConfig, threads: number) {
    this.workers = [];
    this.grow(threads);
  }

  /** Start more threads, up to `threads` in all. */
  grow(threads: number): void {
    while (this.workers.length < threads) {
      if (WORKER_FILE === undefined) throw new Error('render threads run only from the compiled code');
      const slot = { worker: new Worker(WORKER_FILE, { workerData: this.config }), inFlight: [] as Pending[] };
      slot.worker.on('message', (reply: BatchReply) => {
        const done = slot.inFlight.find((p) => p.request.id === reply.id);
        slot.inFlight = slot.inFlight.filter((p) => p !== done);
        if (reply.failure) {
          const cause = Object.assign(new Error(reply.failure.message), { stack: reply.failure.stack });
          done?.reject(new StageError(reply.failure.stage, reply.failure.file, cause));
        } else {
          done?.resolve(reply.results);
        }
        this.pump();
      });
      slot.worker.on('error', (error) => this.fail(new StageError('rendering posts in a worker thread', undefined, error)));
      // A thread that stops by itself (killed, out of memory) would leave its batches waiting forever.
      slot.worker.on('exit', (code) => {
        if (!this.closing && slot.inFlight.length > 0) this.fail(new StageError('rendering posts in a worker thread', undefined, new Error(`the thread stopped (exit code ${code})`)));
      });
      this.workers.push(slot);
    }
    this.pump();
  }

  /** Render `files` in a worker (reading those without bytes); resolves with their results in the same order. */
  submit(files: readonly RawSource[], hash: boolean): Promise<HashedResult[]> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ request: { id: this.nextId++, files, hash }, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closing = true; // (closing after a failure elsewhere leaves batches in flight: they are not this pool's failure)
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }

  /** Keep two batches in flight per worker, so none waits for its next one. */
  private pump(): void {
    for (const slot of this.workers) {
      while (slot.inFlight.length < 2 && this.queue.length > 0) {
        const next = this.queue.shift() as Pending;
        slot.inFlight.push(next);
        slot.worker.postMessage(next.request);
      }
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const p of [...this.queue, ...this.workers.flatMap((w) => w.inFlight)]) p.reject(error);
    this.queue.length = 0;
    for (const w of this.workers) w.inFlight = [];
  }
}
