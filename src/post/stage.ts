import type { ResolvedConfig } from '../config/config.js';
import { diagnostic } from '../common/diagnostics.js';
import { atStage } from '../common/errors.js';
import { parseFrontMatter, type ParsedSource } from '../read/frontmatter.js';
import { contentHash, withDiagnostics, type HashedResult, type ProcessedSource, type RawSource } from './result.js';
import { toPost } from './post.js';
import { readPostFile } from '../read/read-post.js';
import { decodeEntry, type SourceFile } from '../read/sources.js';

/**
 * The per-post stage: one file's bytes → decoded text → front matter → validated, rendered post. Everything
 * here is plain, serializable data and a pure function of its inputs, because it runs in worker threads
 * (render-pool.ts) and its results are kept in the build cache (cache.ts).
 */

/** Front matter, validation and rendering of one decoded file: a pure function of (file, config). */
export function processSource(file: SourceFile, config: ResolvedConfig): ProcessedSource {
  const parsed = atStage('parsing the front matter of', file.path, () => parseFrontMatter(file));
  if (!parsed.source) return { diagnostics: parsed.diagnostics };
  const source = parsed.source;
  const result = atStage('rendering', file.path, () => renderGuarded(source, config));
  const diagnostics = [...parsed.diagnostics, ...result.diagnostics];
  const keys = Object.fromEntries(source.keys);
  const unknown = result.unknownKeys && result.unknownKeys.length > 0 ? { unknownKeys: result.unknownKeys } : {};
  return result.post ? { post: result.post, diagnostics, keys, ...unknown } : { diagnostics, keys, ...unknown };
}

/**
 * `toPost`, with a backstop: `toPost` refuses bodies that nest too deeply before marked sees them (nesting.ts),
 * but should any input still exhaust the stack, that is the post's depth, not a bug: an error at the body.
 */
function renderGuarded(source: ParsedSource, config: ResolvedConfig): ReturnType<typeof toPost> {
  try {
    return toPost(source, config);
  } catch (error) {
    if (!(error instanceof RangeError && /call stack/i.test(error.message))) throw error;
    return { diagnostics: [diagnostic(source.file.path, 'error', 'post-too-deep',
      'the post nests too deeply to render (the Markdown parser ran out of stack); flatten its block quotes, lists or emphasis',
      { line: source.bodyLine, column: 1 })], unknownKeys: [] };
  }
}

/** Read the file if its bytes are not there yet, hash them if asked, then decode and `processSource`. */
export function processRaw(raw: RawSource, config: ResolvedConfig, hash = false): HashedResult {
  let bytes = raw.bytes;
  if (bytes === undefined) {
    const read = readPostFile(raw.abs, raw.path);
    if ('problem' in read) return { diagnostics: [read.problem] };
    bytes = read.bytes;
  }
  const decoded = decodeEntry(raw, bytes);
  const result: ProcessedSource = decoded.file
    ? withDiagnostics(processSource(raw.assets ? { ...decoded.file, assets: raw.assets } : decoded.file, config), decoded.diagnostics)
    : { diagnostics: decoded.diagnostics };
  return hash ? { ...result, hash: contentHash(raw, bytes) } : result;
}
