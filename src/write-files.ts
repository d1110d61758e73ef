import { close, mkdir, open, writev } from 'node:fs';
import { dirname } from 'node:path';
import type { OutputFile } from './write.js';

/**
 * Create new files under `root` (an existing folder), with the folders they need, through libuv's thread pool, a
 * few at a time, so the kernel's work for one file (its folder, open, copy, close) overlaps the main thread making
 * the next: on a big site that work is seconds, and otherwise the second core sits idle while the first does both.
 * Files are created with flag `wx`, never replacing anything. At most `DEPTH` files are in flight, so memory holds
 * a few files' bytes, not the site's. Every write has finished (or failed) when this returns or throws, so the
 * caller can then rename or remove `root` safely; the first failure is thrown.
 */
export async function writeNewFiles(root: string, files: Iterable<{ readonly file: OutputFile; readonly to: string }>): Promise<void> {
  const pending = new Set<Promise<void>>();
  const spare: Uint8Array[] = [];
  const folder = folders(root);
  let failure: { error: unknown } | undefined;
  try {
    for (const { file, to } of files) {
      while (pending.size >= DEPTH) await Promise.race(pending);
      if (failure) break;
      const { chunks, buffer } = bytesOf(file, spare);
      const write: Promise<void> = folder(dirname(to))
        .then(() => writeChunks(to, chunks))
        .catch((error: unknown) => { failure ??= { error }; })
        .finally(() => {
          pending.delete(write);
          if (buffer) spare.push(buffer);
        });
      pending.add(write);
    }
  } finally {
    await Promise.all(pending);
  }
  if (failure) throw failure.error;
}

/** Make each folder under `root` once, parents first (an existing one is fine, as with `mkdir -p`). */
function folders(root: string): (dir: string) => Promise<void> {
  const made = new Map<string, Promise<void>>([[root, Promise.resolve()]]);
  const make = (dir: string): Promise<void> => {
    let done = made.get(dir);
    if (!done) {
      const parent = dirname(dir);
      done = (parent === dir ? Promise.resolve() : make(parent)).then(() => new Promise<void>((resolve, reject) => {
        mkdir(dir, (error) => (error && error.code !== 'EEXIST' ? reject(error) : resolve()));
      }));
      made.set(dir, done);
    }
    return done;
  };
  return make;
}

/**
 * Files in flight: as many as libuv's thread pool has threads (four by default). More only queue up there and hold
 * their bytes longer; measured at 10,000 posts, 1 to 8 made no steady difference on this 2-core machine.
 */
const DEPTH = 4;

// Text is encoded here rather than by fs, into a reused buffer per file in flight: allocating a fresh buffer per
// file (and the page faults that come with it) costs more than the encoding itself on a big site.
const encoder = new TextEncoder();

/**
 * A file's bytes in pieces (each of `chunks` and `contents` is made when read: read one, once). Text is encoded
 * into a buffer from `spare` (or a new one), returned as `buffer` to put back there once written.
 */
function bytesOf(file: OutputFile, spare: Uint8Array[]): { chunks: readonly Uint8Array[]; buffer?: Uint8Array } {
  if ('chunks' in file) {
    const pieces = file.chunks;
    if (pieces) return { chunks: pieces };
  }
  const contents = file.contents;
  if (typeof contents !== 'string') return { chunks: [contents] };
  let buffer = spare.pop() ?? new Uint8Array(1 << 20);
  if (buffer.length < contents.length * 3) buffer = new Uint8Array(contents.length * 3);
  return { chunks: [buffer.subarray(0, encoder.encodeInto(contents, buffer).written)], buffer };
}

/** Create `path` with the bytes of `chunks`, in one `writev` unless the system writes less. */
function writeChunks(path: string, chunks: readonly Uint8Array[]): Promise<void> {
  return new Promise((resolve, reject) => {
    open(path, 'wx', (openError, fd) => {
      if (openError) return reject(openError);
      const finish = (error: Error | null): void => close(fd, (closeError) => {
        const problem = error ?? closeError;
        if (problem) reject(problem);
        else resolve();
      });
      const next = (rest: readonly Uint8Array[]): void => {
        if (rest.length === 0) return finish(null);
        writev(fd, rest as Uint8Array[], (error, written) => (error ? finish(error) : next(after(rest, written))));
      };
      next(chunks);
    });
  });
}

/** What is left of `chunks` once their first `written` bytes are out. */
export function after(chunks: readonly Uint8Array[], written: number): readonly Uint8Array[] {
  let i = 0;
  let left = written;
  while (i < chunks.length && left >= (chunks[i]?.byteLength ?? 0)) left -= chunks[i++]?.byteLength ?? 0;
  const first = chunks[i];
  return first && left > 0 ? [first.subarray(left), ...chunks.slice(i + 1)] : chunks.slice(i);
}
