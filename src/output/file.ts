import { join, sep } from 'node:path';

/** A file the build produces, relative to the output folder (always `/`-separated, never escaping it). */
export interface OutputFile {
  readonly path: string;
  /** May be computed when read (big sites render feeds and pages one at a time as they are written): read it once. */
  readonly contents: string | Uint8Array;
  /**
   * The same bytes as `contents`, in pieces of text or bytes (feeds are made of shared item texts): when present, a
   * writer writes these instead, without joining them. Made when read too: read either `chunks` or `contents`, once.
   */
  readonly chunks?: readonly (string | Uint8Array)[];
  /**
   * Fingerprint of everything `contents` is made from, when the build can tell (see fingerprint.ts): an
   * incremental write links a file whose key is the one it had last time from the previous output instead of
   * writing it. Files without a key are always written.
   */
  readonly key?: string;
  /**
   * A file on disk whose bytes these are (a bundle or static file): writers copy it by path (a reflink where the file
   * system can, never a hard link, so nothing done to the output reaches the source) instead of reading
   * `contents`, so a big file is never held in memory.
   */
  readonly copyOf?: string;
  /** What makes this file, for messages about it (two outputs at one path: see output-paths.ts). */
  readonly origin?: OutputOrigin;
  /**
   * Called for every file a writer is about to make, before it makes any (write-files.ts): a file made of parts it
   * shares with others (a feed's items) counts its uses, so that each part is made once and dropped after its last
   * use. A rebuild that makes four files of 12,000 counts only theirs. Making a file that was not planned is correct,
   * only slower.
   */
  plan?(): void;
}

/** What an output file is made from, for messages: `the site's RSS feed`, `the page of posts/a.md`. */
export interface OutputOrigin {
  /** A phrase naming it. */
  readonly what: string;
  /** The input file it comes from, where a message about it belongs (a post, a static file, the config). */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

/**
 * A relative `/`-separated path with no empty, `.` or `..` segment, no backslash and no NUL: already what
 * `join('.', path)` gives on POSIX systems (checked this way, 12,000 paths take about 2 ms rather than 25).
 */
const CLEAN = /^(?:(?!\.\.?(?:\/|$))[^/\\\0]+\/)*(?!\.\.?$)[^/\\\0]+$/;

/** Reject absolute paths and `..` so no slug or name can write outside the output folder. */
export function safeRelative(path: string): string {
  if (sep === '/' && CLEAN.test(path) && !path.startsWith('..')) return path;
  const normalized = join('.', path);
  // (`normalized` is relative here, so it is what `relative('.', normalized)` would give, without its system calls.)
  if (path.startsWith('/') || path.includes('\\') || path.includes('\0') || normalized === '..' || normalized.startsWith(`..${sep}`) || normalized.startsWith('..')) {
    throw new Error(`refusing to write outside the output folder: ${path}`);
  }
  return normalized;
}

/**
 * The folder holding a relative path (`''` for the top); string work only, as it runs for every output file. (A
 * backslash is a separator only on Windows, where safeRelative gives one: it refuses them in paths elsewhere.)
 */
export function parentOf(path: string): string {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return slash < 0 ? '' : path.slice(0, slash);
}
