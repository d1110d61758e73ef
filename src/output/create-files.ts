import { closeSync, constants, copyFileSync, mkdirSync, openSync, writevSync } from 'node:fs';
import { dirname } from 'node:path';

/** One file to create: its bytes, or a file to copy (by path, in the kernel). */
export interface FileJob {
  readonly to: string;
  readonly chunks?: readonly Uint8Array[];
  /** Where the bytes are in the batch's buffer (what the writer thread is sent). */
  readonly at?: number;
  readonly size?: number;
  readonly copyOf?: string;
}

/**
 * Create each file, with the folders it needs (`made`: the folders known to exist, added to as they are made).
 * Files are created with flag `wx`, never replacing anything; the first failure is thrown.
 */
export function createFiles(jobs: readonly FileJob[], made: Set<string>): void {
  for (const job of jobs) createFile(job, made);
}

export function createFile(job: FileJob, made: Set<string>): void {
  const dir = dirname(job.to);
  if (!made.has(dir)) {
    mkdirSync(dir, { recursive: true }); // an existing folder is fine, as with `mkdir -p`
    made.add(dir);
  }
  if (job.copyOf !== undefined) {
    // In the kernel (a reflink where the file system can), never through memory; EXCL as `wx` below.
    copyFileSync(job.copyOf, job.to, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
    return;
  }
  writeChunks(job.to, job.chunks ?? []);
}

/** Create `path` with the bytes of `chunks`, in one `writev` unless the system writes less. */
function writeChunks(path: string, chunks: readonly Uint8Array[]): void {
  const fd = openSync(path, 'wx');
  try {
    for (let rest = chunks; rest.length > 0;) rest = after(rest, writevSync(fd, rest as Uint8Array[]));
  } finally {
    closeSync(fd);
  }
}

/** What is left of `chunks` once their first `written` bytes are out. */
export function after(chunks: readonly Uint8Array[], written: number): readonly Uint8Array[] {
  let i = 0;
  let left = written;
  while (i < chunks.length && left >= (chunks[i]?.byteLength ?? 0)) left -= chunks[i++]?.byteLength ?? 0;
  const first = chunks[i];
  return first && left > 0 ? [first.subarray(left), ...chunks.slice(i + 1)] : chunks.slice(i);
}
