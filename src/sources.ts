import { access, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listBundleAssets } from './assets.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { describeAssets, type AssetInfo } from './media/info.js';
import { compareStrings } from './util.js';

/** One post's source text, decoded and normalised. */
export interface SourceFile {
  /** Path shown to users, relative to the project, with `/` (e.g. `posts/2024-01-01-hello.md`). */
  readonly path: string;
  /** Slug candidate from the file name (NFC, date prefix removed). */
  readonly stem: string;
  /** Text with BOM removed, CRLF turned into LF, and characters XML 1.0 forbids removed. */
  readonly text: string;
  /**
   * For a bundle (`posts/<slug>/index.md`): the files beside `index.md` with their sizes, media types and
   * image dimensions, gathered here so that `toPost` stays pure. Undefined for a single-file post.
   */
  readonly assets?: readonly AssetInfo[];
}

export interface SourcesResult {
  readonly files: SourceFile[];
  readonly diagnostics: Diagnostic[];
}

/**
 * Lists `posts/*.md` and `posts/<bundle>/index.md`, sorted by path so nothing depends on directory order.
 * @param dir absolute path of the posts folder
 * @param shownDir how that folder is named in messages (e.g. `posts`)
 */
export async function readSources(dir: string, shownDir: string): Promise<SourcesResult> {
  const diagnostics: Diagnostic[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    diagnostics.push(diagnostic(shownDir, 'error', 'posts-folder', code === 'ENOENT'
      ? `the posts folder does not exist (expected Markdown files in ${shownDir}/)`
      : `cannot read the posts folder: ${(error as Error).message}`));
    return { files: [], diagnostics };
  }
  const candidates: { rel: string; stem: string; bundle?: string }[] = [];
  for (const entry of entries) {
    const name = entry.name.normalize('NFC');
    if (entry.isFile() && name.toLowerCase().endsWith('.md') && !name.startsWith('.')) {
      candidates.push({ rel: entry.name, stem: name.slice(0, -3) });
    } else if (entry.isDirectory() && !name.startsWith('.')) {
      const index = join(dir, entry.name, 'index.md');
      try {
        await access(index);
        candidates.push({ rel: `${entry.name}/index.md`, stem: name, bundle: entry.name });
      } catch {
        // a folder without index.md is not a post bundle
      }
    }
  }
  candidates.sort((a, b) => compareStrings(a.rel.normalize('NFC'), b.rel.normalize('NFC')));
  const files = await Promise.all(candidates.map(async ({ rel, stem, bundle }) => {
    const shown = `${shownDir}/${rel.normalize('NFC')}`;
    const bytes = await readFile(join(dir, rel));
    const decoded = decodeSource(bytes, shown);
    diagnostics.push(...decoded.diagnostics);
    if (decoded.text === undefined) return undefined;
    const file: SourceFile = { path: shown, stem: stripDatePrefix(stem), text: decoded.text };
    if (bundle === undefined) return file;
    const listed = listBundleAssets(join(dir, bundle), `${shownDir}/${bundle.normalize('NFC')}`);
    diagnostics.push(...listed.diagnostics);
    return { ...file, assets: describeAssets(listed.assets) };
  }));
  return { files: files.filter((f): f is SourceFile => f !== undefined), diagnostics };
}

/** `2024-01-02-hello` → `hello`; names without a date prefix are kept whole. */
export function stripDatePrefix(stem: string): string {
  const m = /^\d{4}-\d{2}-\d{2}-(.+)$/.exec(stem);
  return m?.[1] ?? stem;
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }); // drops a leading BOM
// Everything XML 1.0 allows: tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF (no lone surrogates).
const FORBIDDEN_IN_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const HAS_FORBIDDEN_IN_XML = new RegExp(FORBIDDEN_IN_XML.source, 'u');

/** Strict UTF-8 decoding, BOM and CRLF handling, and removal of characters XML 1.0 forbids (with a warning each line). */
export function decodeSource(bytes: Uint8Array, shown: string): { text?: string; diagnostics: Diagnostic[] } {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8Offset(bytes);
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, offset));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    return {
      diagnostics: [diagnostic(shown, 'error', 'invalid-utf8',
        `the file is not valid UTF-8: byte 0x${(bytes[offset] ?? 0).toString(16).padStart(2, '0')} at byte offset ${offset} cannot start or continue a character; save the file as UTF-8`,
        { line, column })],
    };
  }
  text = text.replace(/\r\n?/g, '\n');
  const diagnostics: Diagnostic[] = [];
  if (HAS_FORBIDDEN_IN_XML.test(text)) {
    const lines = text.split('\n');
    lines.forEach((lineText, i) => {
      const m = HAS_FORBIDDEN_IN_XML.exec(lineText);
      if (m) {
        const cp = m[0].codePointAt(0) ?? 0;
        diagnostics.push(diagnostic(shown, 'warning', 'forbidden-character',
          `removed character U+${cp.toString(16).toUpperCase().padStart(4, '0')}, which XML 1.0 does not allow`,
          { line: i + 1, column: m.index + 1 }));
      }
    });
    text = text.replace(FORBIDDEN_IN_XML, '');
  }
  return { text, diagnostics };
}

/** Byte offset of the first malformed UTF-8 sequence, found by decoding growing prefixes (binary search). */
function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  const valid = (end: number): boolean => {
    try {
      // streaming mode accepts a prefix that ends inside a character, so validity only shrinks as `end` grows
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  let lo = 0, hi = bytes.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (valid(mid)) lo = mid;
    else hi = mid - 1;
  }
  // The first `lo` bytes decode; if they end inside a character, the bad sequence starts at its lead byte.
  let lead = lo - 1;
  while (lead > 0 && ((bytes[lead] ?? 0) & 0xc0) === 0x80) lead--;
  const b = bytes[lead] ?? 0;
  const length = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
  return lead >= 0 && lead + length > lo ? lead : lo;
}
