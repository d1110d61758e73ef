import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { diagnostic, type Diagnostic } from '../common/diagnostics.js';

/**
 * Reading one post file, the same way wherever it is read (the main thread, a worker, the cache's content check):
 * its size is known before its bytes are read, so a huge file is an error at the post instead of minutes of
 * rendering, gigabytes of memory, or (over 512 MiB, V8's longest string) a misleading "not UTF-8".
 */

/**
 * Largest post file, in bytes. marked takes about 0.25 s and 50 MB of memory per MB of Markdown, and a post's
 * HTML is then carried by its page, the feeds and their archives in three formats: a 5 MiB post builds in about
 * 9 s with 370 MB at its peak on the CI machine (README, "Limits"). Real posts are a few kilobytes; a long essay is 100 KB.
 */
export const MAX_POST_BYTES = 5 * 1024 * 1024;

/** The bytes of a post file, or the diagnostic that says why they cannot be had. */
export function readPostFile(abs: string, shown: string, max = MAX_POST_BYTES): { bytes: Buffer } | { problem: Diagnostic } {
  let fd: number;
  try {
    // Non-blocking, so a named pipe (FIFO) where a post should be cannot hang the build waiting for a writer.
    fd = openSync(abs, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return { problem: diagnostic(shown, 'error', 'read-failed', `cannot read the post: ${(error as Error).message}`) };
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return { problem: diagnostic(shown, 'error', 'read-failed', 'cannot read the post: it is not a regular file') };
    if (info.size > max) {
      return { problem: diagnostic(shown, 'error', 'post-too-large',
        `the post is ${info.size} bytes, over the limit of ${max} bytes (${mebibytes(max)}) for one post; split it, or put big media in files beside it in a bundle`) };
    }
    return { bytes: readFileSync(fd) };
  } catch (error) {
    return { problem: diagnostic(shown, 'error', 'read-failed', `cannot read the post: ${(error as Error).message}`) };
  } finally {
    closeSync(fd);
  }
}

/** `5 MiB`, `1.5 MiB`. */
function mebibytes(bytes: number): string {
  return `${Number((bytes / (1024 * 1024)).toFixed(1))} MiB`;
}
