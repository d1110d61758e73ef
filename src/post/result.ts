import { createHash } from 'node:crypto';
import type { Diagnostic, Position } from '../common/diagnostics.js';
import type { AssetInfo } from '../read/media-info.js';
import type { Post } from './post.js';
import type { SourceEntry } from '../read/sources.js';

/**
 * What the per-post stage (post-stage.ts) takes and gives, and the small helpers the main thread needs around
 * it. Kept apart from the stage itself, which loads the Markdown, YAML and HTML libraries: a rebuild that takes
 * every post from the cache (or renders them in a worker) never loads those in the main thread.
 */

/** What the per-post stage makes of one source file. */
export interface ProcessedSource {
  /** The post, when the file had no errors. */
  readonly post?: Post;
  /** Every problem found in the file, in the order the stages found them. */
  readonly diagnostics: Diagnostic[];
  /** Where each top-level front-matter key is in the file (later stages point their messages there). */
  readonly keys?: Readonly<Record<string, Position>>;
  /** Front-matter keys feedwright neither reads nor knows from another generator: warned about once per build. */
  readonly unknownKeys?: readonly string[];
}

/** A listed post file with what the main thread gathered for it: its bundle's assets, and its bytes if read. */
export interface RawSource extends SourceEntry {
  readonly assets?: readonly AssetInfo[];
  readonly bytes?: Uint8Array;
}

/** A stage result with the hash of the file's bytes (see `contentHash`), when it was asked for. */
export type HashedResult = ProcessedSource & { readonly hash?: string };

/** The hash a cache key starts from: the file's bytes and the names its output depends on. */
export function contentHash(entry: Pick<SourceEntry, 'path' | 'stem'>, bytes: Uint8Array): string {
  return createHash('sha256').update(`${entry.path}\0${entry.stem}\0`).update(bytes).digest('hex').slice(0, 32);
}

/** `result` with `first` put before its own diagnostics. */
export function withDiagnostics(result: ProcessedSource, first: readonly Diagnostic[]): ProcessedSource {
  return first.length === 0 ? result : { ...result, diagnostics: [...first, ...result.diagnostics] };
}
