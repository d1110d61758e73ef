import { Worker } from 'node:worker_threads';
import { workerFile } from '../common/worker-file.js';
import type { OutputFile } from './file.js';
import { createFile, type FileJob } from './create-files.js';
import type { WriterBatch, WriterReply } from './writer-thread.js';

export { after } from './create-files.js';

/**
 * Create new files under `root` (an existing folder), with the folders they need, each made just before it is
 * written, so memory holds a few files' bytes, not the site's (a file with `copyOf` is copied by path). Files are
 * created with flag `wx`, never replacing anything. The first failure (making a file's contents, or the file, in
 * the files' order) is thrown, and nothing is being written by then, so the caller can rename or remove `root`
 * safely.
 *
 * Synchronous system calls, on purpose. Each file is a folder, an open, a write and a close: through libuv's
 * thread pool that is four hand-offs between threads per file, and on a two-core virtual machine those cost more
 * than the calls. Measured at 10,000 posts (12,200 files, 470 MB), three runs each on ext4 and on tmpfs: about
 * 1.5 s less CPU, a tenth of the context switches, and a build as fast or faster than writing four files at
 * once through the pool.
 *
 * Many files (a first build) are created by a writer thread instead, with the same calls, while this thread makes
 * the next files' contents: the two overlap, and the hand-offs are one per batch of files, not four per file.
 * `thread` forces the choice (tests).
 */
export async function writeNewFiles(root: string, files: readonly { readonly file: OutputFile; readonly to: string }[], thread?: boolean): Promise<void> {
  for (const { file } of files) file.plan?.();
  if (thread ?? (files.length >= THREAD_THRESHOLD && WRITER_FILE !== undefined)) return writeThroughThread(root, files);
  const made = new Set<string>([root]);
  const spare: Uint8Array[] = [];
  for (const { file, to } of files) {
    if (file.copyOf !== undefined) {
      createFile({ to, copyOf: file.copyOf }, made);
      continue;
    }
    const { chunks, buffer } = bytesOf(file, spare);
    createFile({ to, chunks }, made);
    if (buffer) spare.push(buffer);
  }
}

/**
 * Files from which a write goes through the writer thread: a thread takes some 30 ms to start, and a rebuild that
 * writes a few files is done sooner in this one.
 */
const THREAD_THRESHOLD = 500;

/** The compiled writer thread sits next to this module; when running from TypeScript sources (tests) there is none. */
const WRITER_FILE = workerFile(import.meta.url, 'writer-thread.js');

/**
 * Batches are packed into buffers of this size (a file bigger gets one of its own), which the writer thread hands
 * back once written: reused, as the single thread's buffer is, rather than 470 MB of new memory and its page faults.
 */
const BATCH_BYTES = 1024 * 1024;
/** Buffers sent to the writer thread and not yet back, at most: this thread waits beyond it. */
const IN_FLIGHT = 24;
/** A batch is sent once it holds this many files (or its buffer is full). */
const BATCH_FILES = 128;

async function writeThroughThread(root: string, files: readonly { readonly file: OutputFile; readonly to: string }[]): Promise<void> {
  if (WRITER_FILE === undefined) throw new Error('the writer thread runs only from the compiled code');
  const worker = new Worker(WRITER_FILE, { workerData: root });
  let failure: { error: unknown } | undefined; // the thread's: a file before any this thread failed to make
  let ended = false;
  let exited = false;
  let inFlight = 0;
  const pool: ArrayBuffer[] = [];
  let wake: (() => void) | undefined;
  const changed = (): void => {
    const waiting = wake;
    wake = undefined;
    waiting?.();
  };
  const until = (done: () => boolean): Promise<void> => new Promise((resolve) => {
    const check = (): void => {
      if (done() || failure || exited) resolve();
      else wake = check;
    };
    check();
  });
  worker.on('message', (reply: WriterReply) => {
    if ('done' in reply) {
      inFlight--;
      if (reply.done.byteLength === BATCH_BYTES) pool.push(reply.done);
    } else if ('ended' in reply) ended = true;
    else failure ??= { error: Object.assign(new Error(reply.failure.message), reply.failure) };
    changed();
  });
  worker.on('error', (error) => {
    failure ??= { error };
    changed();
  });
  worker.on('exit', () => {
    exited = true;
    changed();
  });
  let mine: { error: unknown } | undefined; // this thread's: making a file's contents failed
  try {
    let buffer = new Uint8Array(pool.pop() ?? new ArrayBuffer(BATCH_BYTES));
    let used = 0;
    let jobs: FileJob[] = [];
    const send = (end?: true): void => {
      worker.postMessage({ jobs, buffer: buffer.buffer as ArrayBuffer, ...(end && { end }) } satisfies WriterBatch, [buffer.buffer as ArrayBuffer]);
      inFlight++;
      jobs = [];
      used = 0;
      buffer = new Uint8Array(pool.pop() ?? new ArrayBuffer(BATCH_BYTES));
    };
    try {
      for (const { file, to } of files) {
        if (failure || exited) break;
        if (file.copyOf !== undefined) jobs.push({ to, copyOf: file.copyOf });
        else {
          const pieces = piecesOf(file);
          let end = encodePieces(pieces, buffer, used);
          if (end < 0 && jobs.length > 0) {
            send();
            end = encodePieces(pieces, buffer, 0);
          }
          // (a file bigger than a batch goes alone, in a buffer of its size)
          if (end < 0) {
            buffer = new Uint8Array(byteLengthOf(pieces));
            end = encodePieces(pieces, buffer, 0);
          }
          jobs.push({ to, at: used, size: end - used });
          used = end;
        }
        if (jobs.length >= BATCH_FILES || used >= buffer.length) send();
        if (inFlight > IN_FLIGHT) await until(() => inFlight <= IN_FLIGHT / 2);
      }
    } catch (error) {
      mine = { error };
    }
    // What was sent is written (or fails) before anything is reported: a failure of the thread's is of an earlier
    // file than this thread's, and nothing is being written once this returns.
    if (!failure && !exited) {
      send(true);
      await until(() => ended);
    }
  } finally {
    await worker.terminate();
  }
  if (failure) throw failure.error;
  if (mine) throw mine.error;
  if (!ended) throw new Error('the writer thread stopped before it had written every file');
}

// Text is encoded here rather than by fs, into a reused buffer: allocating a fresh buffer per file (and the page
// faults that come with it) costs more than the encoding itself on a big site.
const encoder = new TextEncoder();

/** A file's contents as pieces of text or bytes (read once: `chunks` when the file has them, else `contents`). */
function piecesOf(file: OutputFile): readonly (string | Uint8Array)[] {
  const chunks = 'chunks' in file ? file.chunks : undefined;
  return chunks ?? [file.contents];
}

/**
 * Encode `pieces` one after the other into `buffer` from `at`; the end, or -1 when they do not fit (what was
 * written past `at` is then to be ignored). Trying is cheaper than measuring every piece first: most files fit.
 */
function encodePieces(pieces: readonly (string | Uint8Array)[], buffer: Uint8Array, at: number): number {
  let used = at;
  for (const piece of pieces) {
    if (typeof piece === 'string') {
      const { read, written } = encoder.encodeInto(piece, buffer.subarray(used));
      if (read < piece.length) return -1;
      used += written;
    } else {
      if (used + piece.byteLength > buffer.length) return -1;
      buffer.set(piece, used);
      used += piece.byteLength;
    }
  }
  return used;
}

function byteLengthOf(pieces: readonly (string | Uint8Array)[]): number {
  let size = 0;
  for (const piece of pieces) size += typeof piece === 'string' ? Buffer.byteLength(piece) : piece.byteLength;
  return size;
}

/**
 * A file's bytes in pieces: bytes as they are, text encoded into a buffer from `spare` (or a new one, big enough),
 * returned as `buffer` to put back there once written.
 */
function bytesOf(file: OutputFile, spare: Uint8Array[]): { chunks: readonly Uint8Array[]; buffer?: Uint8Array } {
  const pieces = piecesOf(file);
  if (pieces.every((piece): piece is Uint8Array => typeof piece !== 'string')) return { chunks: pieces };
  let buffer = spare.pop() ?? new Uint8Array(1 << 20);
  let end = encodePieces(pieces, buffer, 0);
  if (end < 0) {
    buffer = new Uint8Array(byteLengthOf(pieces));
    end = encodePieces(pieces, buffer, 0);
  }
  return { chunks: [buffer.subarray(0, end)], buffer };
}
