import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { listBundleAssets } from './assets.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { leadsOutside, realTarget } from './links.js';
import { describeAssets, type AssetInfo } from './media/info.js';
import { readPostFile } from './read-post.js';
import { compareStrings } from './util.js';
import { FORBIDDEN_IN_XML, HAS_FORBIDDEN_IN_XML, hasForbiddenInXml } from './xml.js';

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

/** A post file found in the posts folder, not read yet. */
export interface SourceEntry {
  /** Path on disk (its bytes are the name as found, so names are never re-encoded). */
  readonly abs: string;
  /** Path shown to users (see `SourceFile.path`). */
  readonly path: string;
  /** Slug candidate from the file name (see `SourceFile.stem`). */
  readonly stem: string;
  /** For `posts/<bundle>/index.md`: the bundle folder, on disk and as shown to users. */
  readonly bundle?: { readonly abs: string; readonly path: string };
}

/** List and read every post (see `listSources` and `readSource`). */
export async function readSources(dir: string, shownDir: string): Promise<SourcesResult> {
  const listing = await listSources(dir, shownDir);
  const read = listing.entries.map(readSource);
  return {
    files: read.flatMap((r) => (r.file ? [r.file] : [])),
    diagnostics: [...listing.diagnostics, ...read.flatMap((r) => r.diagnostics)],
  };
}

/**
 * Lists `posts/*.md` and `posts/<bundle>/index.md`, sorted by path so nothing depends on directory order.
 * @param dir absolute path of the posts folder
 * @param shownDir how that folder is named in messages (e.g. `posts`)
 */
export async function listSources(dir: string, shownDir: string): Promise<{ entries: SourceEntry[]; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  let entries: Dirent<Buffer>[];
  try {
    // Names as bytes: a name that is not UTF-8 would otherwise come back with U+FFFD in it and then not open.
    entries = await readdir(dir, { withFileTypes: true, encoding: 'buffer' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    diagnostics.push(diagnostic(shownDir, 'error', 'posts-folder', code === 'ENOENT'
      ? `the posts folder does not exist (expected Markdown files in ${shownDir}/)`
      : `cannot read the posts folder: ${(error as Error).message}`));
    return { entries: [], diagnostics };
  }
  const candidates: SourceEntry[] = [];
  // The posts folder's real path, found when the first link needs checking (most folders have none).
  let root: string | undefined;
  for (const entry of entries) {
    const decoded = decodeUtf8(entry.name);
    if (typeof decoded !== 'string') {
      const lossy = new TextDecoder('utf-8').decode(entry.name);
      if (!/\.md$/i.test(lossy) && !(await kindOf(joinBytes(dir, entry.name))).dir) continue;
      diagnostics.push(diagnostic(`${shownDir}/${lossy}`, 'error', 'invalid-file-name',
        `the file name is not valid UTF-8 (byte 0x${hex(entry.name[decoded.offset])} at byte offset ${decoded.offset}); rename it`));
      continue;
    }
    const name = decoded.normalize('NFC');
    if (name.startsWith('.')) continue;
    const full = joinBytes(dir, entry.name);
    // Symbolic links are followed for reading (stat, not the entry's own type) when they stay inside the posts
    // folder (links.ts); nothing is ever written here.
    const kind = entry.isSymbolicLink() ? await kindOf(full) : { file: entry.isFile(), dir: entry.isDirectory() };
    if (entry.isSymbolicLink() && leadsOutside(full, (root ??= realTarget(dir) ?? dir))) {
      const post = name.toLowerCase().endsWith('.md') ? kind.file : kind.dir && (await kindOf(Buffer.concat([full, Buffer.from('/index.md')]))).file;
      if (post) {
        diagnostics.push(diagnostic(`${shownDir}/${name}`, 'error', 'link-outside-posts',
          `this symbolic link leads outside the posts folder ${shownDir}/, so it is not read${kind.dir ? ' (a linked folder would be published whole)' : ''}: move the ${kind.dir ? 'bundle' : 'post'} into ${shownDir}/, or link to a place inside it`));
      }
      continue;
    }
    if (name.toLowerCase().endsWith('.md') && (kind.file || kind.missing)) {
      candidates.push({ abs: full.toString(), path: `${shownDir}/${name}`, stem: stripDatePrefix(name.slice(0, -3)) });
    } else if (kind.dir) {
      const index = Buffer.concat([full, Buffer.from('/index.md')]);
      if ((await kindOf(index)).file) {
        candidates.push({
          abs: index.toString(), path: `${shownDir}/${name}/index.md`, stem: stripDatePrefix(name),
          bundle: { abs: join(dir, decoded), path: `${shownDir}/${decoded.normalize('NFC')}` },
        });
      }
      // any other file or folder (images, notes, a folder without index.md) is not a post and is left alone
    }
  }
  candidates.sort((a, b) => compareStrings(a.path, b.path));
  return { entries: candidates, diagnostics };
}

/**
 * Read and decode one listed post, with its bundle's assets. Synchronous on purpose: for thousands of small
 * files one system call each is several times cheaper than the thread-pool round trips of async reads.
 */
export function readSource(entry: SourceEntry): { file?: SourceFile; diagnostics: Diagnostic[] } {
  const read = readPostFile(entry.abs, entry.path);
  if ('problem' in read) return { diagnostics: [read.problem] };
  const decoded = decodeEntry(entry, read.bytes);
  if (!decoded.file) return decoded;
  const bundle = bundleAssets(entry);
  return {
    file: bundle.assets ? { ...decoded.file, assets: bundle.assets } : decoded.file,
    diagnostics: [...decoded.diagnostics, ...bundle.diagnostics],
  };
}

/** Decode the bytes of a listed post into a `SourceFile` without assets (or the reason it cannot be one). */
export function decodeEntry(entry: Pick<SourceEntry, 'path' | 'stem'>, bytes: Uint8Array): { file?: SourceFile; diagnostics: Diagnostic[] } {
  const decoded = decodeSource(bytes, entry.path);
  return decoded.text === undefined
    ? { diagnostics: decoded.diagnostics }
    : { file: { path: entry.path, stem: entry.stem, text: decoded.text }, diagnostics: decoded.diagnostics };
}

/** For a bundle: the files beside its `index.md`, described (sizes, media types, image dimensions). */
export function bundleAssets(entry: SourceEntry): { assets?: readonly AssetInfo[]; diagnostics: Diagnostic[] } {
  if (!entry.bundle) return { diagnostics: [] };
  const listed = listBundleAssets(entry.bundle.abs, entry.bundle.path);
  return { assets: describeAssets(listed.assets), diagnostics: listed.diagnostics };
}

/** What a path is once links are followed; `missing` for a dangling link. */
async function kindOf(path: Buffer): Promise<{ file: boolean; dir: boolean; missing?: boolean }> {
  try {
    const s = await stat(path);
    return { file: s.isFile(), dir: s.isDirectory() };
  } catch {
    return { file: false, dir: false, missing: true };
  }
}

function joinBytes(dir: string, name: Buffer): Buffer {
  return Buffer.concat([Buffer.from(dir.endsWith(sep) ? dir : `${dir}${sep}`), name]);
}

function hex(byte: number | undefined): string {
  return (byte ?? 0).toString(16).padStart(2, '0');
}

/** `2024-01-02-hello` → `hello`; names without a date prefix are kept whole. */
export function stripDatePrefix(stem: string): string {
  const m = /^\d{4}-\d{2}-\d{2}-(.+)$/.exec(stem);
  return m?.[1] ?? stem;
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }); // drops a leading BOM

/** Strict UTF-8 (a leading BOM dropped); the byte offset of the first malformed sequence otherwise. */
export function decodeUtf8(bytes: Uint8Array): string | { offset: number } {
  try {
    return decoder.decode(bytes);
  } catch {
    return { offset: firstInvalidUtf8Offset(bytes) };
  }
}

/** Strict UTF-8 decoding, BOM and CRLF handling, and removal of characters XML 1.0 forbids (with a warning each line). */
export function decodeSource(bytes: Uint8Array, shown: string): { text?: string; diagnostics: Diagnostic[] } {
  let text = decodeUtf8(bytes);
  if (typeof text !== 'string') {
    // Never decode leniently: U+FFFD replacement characters would be published as if the author wrote them.
    const { offset } = text;
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, offset));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    return {
      diagnostics: [diagnostic(shown, 'error', 'invalid-utf8',
        `the file is not valid UTF-8: byte 0x${hex(bytes[offset])} at byte offset ${offset} cannot start or continue a character; save the file as UTF-8`,
        { line, column })],
    };
  }
  text = text.replace(/\r\n?/g, '\n');
  const diagnostics: Diagnostic[] = [];
  if (hasForbiddenInXml(text)) {
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
