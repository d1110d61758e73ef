import { parentPort, workerData } from 'node:worker_threads';
import { createFiles, type FileJob } from './create-files.js';

/**
 * The writer thread (see write-files.ts, `writeNewFiles`): creates the files it is sent, batch after batch, in
 * order, with the same system calls as the main thread's writer. It stops at the first failure, reports it, and
 * ignores whatever comes after.
 */
export interface WriterBatch {
  /** Files to create; each one's bytes are `size` bytes of `buffer` from `at`. */
  readonly jobs: readonly FileJob[];
  /** Handed back once the batch is written (`done`), to be filled again. */
  readonly buffer: ArrayBuffer;
  /** No more batches: reply `ended` once every batch before this one is done. */
  readonly end?: true;
}

export type WriterReply =
  | { readonly done: ArrayBuffer }
  | { readonly ended: true }
  | { readonly failure: { readonly message: string; readonly code?: string; readonly stack?: string } };

const port = parentPort;
if (port) {
  const made = new Set<string>([workerData as string]);
  let failed = false;
  port.on('message', (batch: WriterBatch) => {
    if (failed) return;
    try {
      const bytes = new Uint8Array(batch.buffer);
      createFiles(batch.jobs.map((job) => (job.at !== undefined ? { ...job, chunks: [bytes.subarray(job.at, job.at + (job.size ?? 0))] } : job)), made);
      port.postMessage({ done: batch.buffer } satisfies WriterReply, [batch.buffer]);
      if (batch.end) port.postMessage({ ended: true } satisfies WriterReply);
    } catch (error) {
      failed = true;
      const { message, code, stack } = error as NodeJS.ErrnoException;
      port.postMessage({ failure: { message, ...(code !== undefined && { code }), ...(stack !== undefined && { stack }) } } satisfies WriterReply);
    }
  });
}
