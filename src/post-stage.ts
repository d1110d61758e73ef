import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ResolvedConfig } from './config.js';
import { diagnostic, type Diagnostic, type Position } from './diagnostics.js';
import { atStage } from './errors.js';
import { parseFrontMatter } from './frontmatter.js';
import type { AssetInfo } from './media/info.js';
import { toPost, type Post } from './post.js';
import { decodeEntry, type SourceEntry, type SourceFile } from './sources.js';

/**
 * The per-post stage: one file's bytes → decoded text → front matter → validated, rendered post. Everything
 * here is plain, serializable data and a pure function of its inputs, because it runs in worker threads
 * (render-pool.ts) and its results are kept in the build cache (cache.ts).
 */

/** What the per-post stage makes of one source file. */
export interface ProcessedSource {
  /** The post, when the file had no errors. */
  readonly post?: Post;
  /** Every problem found in the file, in the order the stages found them. */
  readonly diagnostics: Diagnostic[];
  /** Where each top-level front-matter key is in the file (later stages point their messages there). */
  readonly keys?: Readonly<Record<string, Position>>;
}

/** A listed post file with what the main thread gathered for it: its bundle's assets, and its bytes if read. */
export interface RawSource extends SourceEntry {
  readonly assets?: readonly AssetInfo[];
  readonly bytes?: Uint8Array;
}

/** A stage result with the hash of the file's bytes (see `contentHash`), when it was asked for. */
export type HashedResult = ProcessedSource & { readonly hash?: string };

/** Front matter, validation and rendering of one decoded file: a pure function of (file, config). */
export function processSource(file: SourceFile, config: ResolvedConfig): ProcessedSource {
  const parsed = atStage('parsing the front matter of', file.path, () => parseFrontMatter(file));
  if (!parsed.source) return { diagnostics: parsed.diagnostics };
  const source = parsed.source;
  const result = atStage('rendering', file.path, () => toPost(source, config));
  const diagnostics = [...parsed.diagnostics, ...result.diagnostics];
  const keys = Object.fromEntries(source.keys);
  return result.post ? { post: result.post, diagnostics, keys } : { diagnostics, keys };
}

/** The hash a cache key starts from: the file's bytes and the names its output depends on. */
export function contentHash(entry: Pick<SourceEntry, 'path' | 'stem'>, bytes: Uint8Array): string {
  return createHash('sha256').update(`${entry.path}\0${entry.stem}\0`).update(bytes).digest('hex').slice(0, 32);
}

/** Read the file if its bytes are not there yet, hash them if asked, then decode and `processSource`. */
export function processRaw(raw: RawSource, config: ResolvedConfig, hash = false): HashedResult {
  let bytes = raw.bytes;
  if (bytes === undefined) {
    try {
      bytes = readFileSync(raw.abs);
    } catch (error) {
      return { diagnostics: [diagnostic(raw.path, 'error', 'read-failed', `cannot read the post: ${(error as Error).message}`)] };
    }
  }
  const decoded = decodeEntry(raw, bytes);
  const result: ProcessedSource = decoded.file
    ? withDiagnostics(processSource(raw.assets ? { ...decoded.file, assets: raw.assets } : decoded.file, config), decoded.diagnostics)
    : { diagnostics: decoded.diagnostics };
  return hash ? { ...result, hash: contentHash(raw, bytes) } : result;
}

/** `result` with `first` put before its own diagnostics. */
export function withDiagnostics(result: ProcessedSource, first: readonly Diagnostic[]): ProcessedSource {
  return first.length === 0 ? result : { ...result, diagnostics: [...first, ...result.diagnostics] };
}
