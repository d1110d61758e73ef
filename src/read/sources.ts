import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { sep } from 'node:path';
import { decodeUtf8 } from './text.js';
import { listBundleAssets, translatedName } from './assets.js';
import { diagnostic, type Diagnostic } from '../common/diagnostics.js';
import { leadsOutside } from './symlinks.js';
import { describeAssets, mediaType, type AssetInfo } from './media-info.js';
import { readPostFile } from './read-post.js';
import { fileSlug } from '../common/slug.js';
import { compareStrings } from '../common/util.js';
import { FORBIDDEN_IN_XML, HAS_FORBIDDEN_IN_XML, hasForbiddenInXml } from '../common/xml.js';

/** One post's source text, decoded and normalised. */
export interface SourceFile {
  /** Path shown to users, relative to the project, with `/` (e.g. `posts/2024-01-01-hello.md`). */
  readonly path: string;
  /** Slug from the file name (date prefix removed; see `fileSlug`). */
  readonly stem: string;
  /** `YYYY-MM-DD` from a Jekyll-style name (`2024-01-31-hello.md`, or a bundle folder so named), if there is one. */
  readonly nameDate?: string;
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
  /** Slug from the file name (see `SourceFile.stem`). */
  readonly stem: string;
  /** Date from the file name (see `SourceFile.nameDate`). */
  readonly nameDate?: string;
  /** For a bundle (`<folder>/index.md`): the folder on disk and as shown to users, and its index file's name. */
  readonly bundle?: { readonly abs: string; readonly path: string; readonly index: string };
  /**
   * Reached through a symbolic link (the file, or a folder above it inside the posts folder): a change to it is
   * made at the link's target, where a watcher of the posts folder does not see it (read/source-view.ts).
   */
  readonly linked?: true;
}

/** Decodes a file name whatever its bytes (an invalid sequence becomes U+FFFD), for names that are only compared or shown. */
const LOSSY = new TextDecoder('utf-8');

/** Why a file under the posts folder is not a post (see `listSources`). */
export type SkipReason = 'section-index' | 'translation' | 'readme' | 'mdx' | 'not-markdown' | 'hidden' | 'link-loop' | 'link-outside';

/** A file (or hidden folder) under the posts folder that is not a post and not a bundle file. */
export interface SkippedFile {
  /** Path shown to users (see `SourceFile.path`). */
  readonly path: string;
  readonly reason: SkipReason;
}

/** What `listSources` found: the posts, what was skipped, and problems with names or folders. */
export interface Listing {
  /** Sorted by path. */
  readonly entries: SourceEntry[];
  /** Sorted by path. */
  readonly skipped: SkippedFile[];
  readonly diagnostics: Diagnostic[];
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

/** `.md` and `.markdown` (RFC 7763), in any letter case, are Markdown posts. */
const MARKDOWN = /\.(md|markdown)$/i;

/** Media types any bundle publishes as they are (bundle-policy.ts), SVG aside (it is checked for scripts). */
const PLAIN_MEDIA = /^(?:image\/(?!svg)|audio\/|video\/)/;

/** A linked folder holding one of these would be a bundle or a section. */
const INDEXES = ['index.md', '_index.md'];

/**
 * Lists the posts at any depth under the posts folder, sorted by path so nothing depends on directory order.
 * - `*.md` and `*.markdown` files are posts, except a `README.md` (it describes its folder).
 * - A folder with `_index.md` is a section (Hugo, Zola): the index is not a post. A folder with `index.md` is a
 *   section too when it holds other posts (beside it or in sub-folders); otherwise it is a bundle: `index.md`
 *   is the post and every other file in the folder belongs to it (assets.ts). The posts folder's own index is
 *   a section index. A translation of an index without the index is read as the index: `_index.es.md` always,
 *   `index.ca.md` when it is the only one. A folder named after its only post (`x/x.md`) that holds nothing else
 *   but images, audio and video is that post's bundle (Eleventy publishes `x/x.md` at `x/`).
 * - Everything else (hidden files, `.mdx`, images outside bundles…) is listed in `skipped` with the reason, so
 *   nothing is left out without a word. Symbolic links are followed for reading; a link to a folder that is
 *   already being listed (a loop) is skipped.
 * The folders a post is in never reach its slug: slugs come from the file (or bundle folder) name alone.
 * Synchronous calls inside, for the reason given in assets.ts (many tiny metadata calls).
 * @param dir absolute path of the posts folder
 * @param shownDir how that folder is named in messages (e.g. `posts`)
 */
export async function listSources(dir: string, shownDir: string): Promise<Listing> {
  const diagnostics: Diagnostic[] = [];
  let root: string;
  try {
    root = realpathSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    diagnostics.push(diagnostic(shownDir, 'error', 'posts-folder', code === 'ENOENT'
      ? `the posts folder does not exist (expected Markdown files in ${shownDir}/)`
      : `cannot read the posts folder: ${(error as Error).message}`));
    return { entries: [], skipped: [], diagnostics };
  }
  const found = walkFolder({ abs: Buffer.from(dir), shown: shownDir, real: root, top: { real: root, shown: shownDir }, ancestors: new Set([root]) }, true, diagnostics);
  const entries = found?.posts ?? [];
  entries.sort((a, b) => compareStrings(a.path, b.path));
  const skipped = found?.skipped ?? [];
  skipped.sort((a, b) => compareStrings(a.path, b.path));
  return { entries, skipped, diagnostics };
}

/** A folder being listed: on disk (as bytes), as shown, its real path and those of the folders above it. */
interface Folder {
  readonly abs: Buffer;
  readonly shown: string;
  readonly real: string;
  /** The posts folder: its real path (links are followed only inside it, links.ts) and how it is shown. */
  readonly top: { readonly real: string; readonly shown: string };
  readonly ancestors: ReadonlySet<string>;
  /** Reached through a symbolic link to a folder (see `SourceEntry.linked`). */
  readonly linked?: true;
}

/** The posts and skipped files of one folder and everything below it; undefined when it cannot be listed. */
function walkFolder(folder: Folder, isRoot: boolean, diagnostics: Diagnostic[]): { posts: SourceEntry[]; skipped: SkippedFile[] } | undefined {
  let entries: Dirent<Buffer>[];
  try {
    // Names as bytes: a name that is not UTF-8 would otherwise come back with U+FFFD in it and then not open.
    entries = readdirSync(folder.abs, { withFileTypes: true, encoding: 'buffer' });
  } catch (error) {
    diagnostics.push(isRoot
      ? diagnostic(folder.shown, 'error', 'posts-folder', `cannot read the posts folder: ${(error as Error).message}`)
      : diagnostic(folder.shown, 'error', 'read-failed', `cannot list this folder of posts: ${(error as Error).message}`));
    return undefined;
  }
  const posts: SourceEntry[] = [];
  const skipped: SkippedFile[] = [];
  // Hidden files found in sub-folders: skipped whether the folder turns out to be a bundle or a section.
  const hiddenBelow: SkippedFile[] = [];
  const indexes: string[] = [];
  /** Index files that are symbolic links (see `SourceEntry.linked`). */
  const linkedIndexes = new Set<string>();
  // Links that lead out of the posts folder: an error when they would be posts, unless this folder is a bundle.
  const outside: { path: string; postLike: boolean; dir: boolean }[] = [];
  let sectionMark = isRoot;
  // Zola's and Hugo's translations (`index.ca.md`, `_index.es.md`, `post.fr.md`) beside their original (`index.md`,
  // `post.md`): feedwright builds one language, the original's, so they are skipped and named.
  const markdownNames = new Set<string>();
  // Translations of the folder's `index.md` found without it: one alone is read as the index would be (tabi's
  // `projects/ramu/index.ca.md`, a page in Catalan only: a bundle named after its folder, `ramu`, not a post named
  // `index.ca`); several, with no original to tell which is the page, stay posts of their own names.
  let indexTranslations = 0;
  for (const entry of entries) {
    const name = LOSSY.decode(entry.name).normalize('NFC');
    if (!MARKDOWN.test(name)) continue;
    markdownNames.add(name.replace(MARKDOWN, '').toLowerCase());
    if (translatedName(name)?.toLowerCase() === 'index') indexTranslations++;
  }
  const translations: SkippedFile[] = [];
  // Whether everything in the folder but its Markdown files (and hidden ones) is images, audio and video, and how
  // many: a folder named after its only post is then that post's bundle (see below).
  let onlyMedia = true;
  let media = 0;
  for (const entry of entries) {
    const full = joinBytes(folder.abs, entry.name);
    const decoded = decodeUtf8(entry.name);
    if (typeof decoded !== 'string') {
      onlyMedia = false;
      const lossy = LOSSY.decode(entry.name);
      if (MARKDOWN.test(lossy) || kindOf(full).dir) {
        diagnostics.push(diagnostic(`${folder.shown}/${lossy}`, 'error', 'invalid-file-name',
          `the file name is not valid UTF-8 (byte 0x${hex(entry.name[decoded.offset])} at byte offset ${decoded.offset}); rename it`));
      } else {
        skipped.push({ path: `${folder.shown}/${lossy}`, reason: 'not-markdown' });
      }
      continue;
    }
    const name = decoded.normalize('NFC');
    const shown = `${folder.shown}/${name}`;
    if (name.startsWith('.')) {
      // A hidden folder (.git, .obsidian) is named once, not walked.
      hiddenBelow.push({ path: shown, reason: 'hidden' });
      continue;
    }
    // Symbolic links are followed for reading (stat, not the entry's own type) when they stay inside the posts
    // folder (links.ts); nothing is ever written here.
    const kind = entry.isSymbolicLink() ? kindOf(full) : { file: entry.isFile(), dir: entry.isDirectory() };
    if (entry.isSymbolicLink() || kind.dir) onlyMedia = false;
    if (entry.isSymbolicLink() && leadsOutside(full, folder.top.real)) {
      // Nothing of the target is read (a bundle's own links are its files: assets.ts warns about those).
      const postLike = MARKDOWN.test(name) ? kind.file : kind.dir && INDEXES.some((i) => kindOf(joinBytes(full, Buffer.from(i))).file);
      outside.push({ path: shown, postLike, dir: kind.dir });
      continue;
    }
    if (kind.dir) {
      const real = entry.isSymbolicLink() ? realOf(full) : `${folder.real}${sep}${decoded}`;
      if (real === undefined || folder.ancestors.has(real)) {
        skipped.push({ path: shown, reason: 'link-loop' });
        continue;
      }
      const sub = walkFolder({ abs: full, shown, real, top: folder.top, ancestors: new Set([...folder.ancestors, real]),
        ...((folder.linked || entry.isSymbolicLink()) && { linked: true as const }) }, false, diagnostics);
      if (!sub) continue;
      posts.push(...sub.posts);
      for (const s of sub.skipped) (s.reason === 'hidden' ? hiddenBelow : skipped).push(s);
      continue;
    }
    const lower = name.toLowerCase();
    if (MARKDOWN.test(name) && (kind.file || kind.missing)) {
      const original = translatedName(name)?.toLowerCase();
      if (original !== undefined && markdownNames.has(original)) {
        translations.push({ path: shown, reason: 'translation' });
        continue;
      }
      const base = name.replace(MARKDOWN, '');
      // (a section index's translation without it, `_index.es.md`, is a section index all the same)
      const baseLower = original === '_index' || (original === 'index' && indexTranslations === 1) ? original : base.toLowerCase();
      if ((baseLower === '_index' || baseLower === 'index') && entry.isSymbolicLink()) linkedIndexes.add(name);
      if (baseLower === '_index') {
        sectionMark = true;
        indexes.push(name);
      } else if (baseLower === 'index') {
        indexes.push(name);
      } else if (baseLower === 'readme') {
        onlyMedia = false;
        skipped.push({ path: shown, reason: 'readme' });
      } else {
        posts.push({ abs: full.toString(), path: shown, ...nameParts(base), ...((folder.linked || entry.isSymbolicLink()) && { linked: true as const }) });
      }
    } else {
      if (kind.file && PLAIN_MEDIA.test(mediaType(name) ?? '')) media++;
      else onlyMedia = false;
      skipped.push({ path: shown, reason: lower.endsWith('.mdx') ? 'mdx' : 'not-markdown' });
    }
  }
  const folderName = folder.shown.slice(folder.shown.lastIndexOf('/') + 1);
  const only = posts.length === 1 ? posts[0] : undefined;
  const onlyName = only?.path.slice(folder.shown.length + 1);
  if (!isRoot && !sectionMark && indexes.length === 0 && onlyMedia && media > 0 && only && onlyName !== undefined
    && !onlyName.includes('/') && onlyName.replace(MARKDOWN, '') === folderName) {
    // Eleventy reads a file named after its folder as the folder's index (`fourthpost/fourthpost.md` is published at
    // `fourthpost/`, eleventy-base-blog's `possum.png` beside it): when the folder holds only that post and images,
    // audio and video (files any bundle publishes), it is that post's bundle, as with an `index.md`. Anything else
    // beside it (a data file, a script, another post, a sub-folder) leaves the post a file of its own, as before.
    return {
      posts: [{ ...only, bundle: { abs: folder.abs.toString(), path: folder.shown, index: onlyName } }],
      skipped: [...translations, ...hiddenBelow],
    };
  }
  const index = indexes.length === 1 ? indexes[0] : undefined;
  if (!sectionMark && index && posts.length === 0) {
    // A bundle: its index is the post, every other file (however deep) belongs to it; only hidden ones are skipped.
    // (index names are ASCII, so the name as shown is the name on disk)
    return {
      posts: [{
        abs: joinBytes(folder.abs, Buffer.from(index)).toString(), path: `${folder.shown}/${index}`, ...nameParts(folderName),
        bundle: { abs: folder.abs.toString(), path: folder.shown, index }, ...((folder.linked || linkedIndexes.has(index)) && { linked: true as const }),
      }],
      skipped: [...translations, ...hiddenBelow],
    };
  }
  for (const i of indexes) skipped.push({ path: `${folder.shown}/${i}`, reason: 'section-index' });
  for (const link of outside) {
    if (!link.postLike) skipped.push({ path: link.path, reason: 'link-outside' });
    else {
      diagnostics.push(diagnostic(link.path, 'error', 'link-outside-posts',
        `this symbolic link leads outside the posts folder ${folder.top.shown}/, so it is not read${link.dir ? ' (a linked folder would be published whole)' : ''}: move the ${link.dir ? 'bundle' : 'post'} into ${folder.top.shown}/, or link to a place inside it`));
    }
  }
  return { posts, skipped: [...skipped, ...translations, ...hiddenBelow] };
}

/** The slug and the date a file (or bundle folder) name gives: `2024-01-31-Hello World` → `hello-world`, `2024-01-31`. */
function nameParts(base: string): { stem: string; nameDate?: string } {
  const m = /^(\d{4}-\d{2}-\d{2})-(.+)$/.exec(base);
  return m ? { stem: fileSlug(m[2] ?? ''), nameDate: m[1] ?? '' } : { stem: fileSlug(base) };
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
export function decodeEntry(entry: Pick<SourceEntry, 'path' | 'stem' | 'nameDate'>, bytes: Uint8Array): { file?: SourceFile; diagnostics: Diagnostic[] } {
  const decoded = decodeSource(bytes, entry.path);
  if (decoded.text === undefined) return { diagnostics: decoded.diagnostics };
  const file = { path: entry.path, stem: entry.stem, text: decoded.text, ...(entry.nameDate !== undefined && { nameDate: entry.nameDate }) };
  return { file, diagnostics: decoded.diagnostics };
}

/** For a bundle: the files beside its `index.md`, described (sizes, media types, image dimensions). */
export function bundleAssets(entry: SourceEntry): { assets?: readonly AssetInfo[]; diagnostics: Diagnostic[] } {
  if (!entry.bundle) return { diagnostics: [] };
  const listed = listBundleAssets(entry.bundle.abs, entry.bundle.path, entry.bundle.index);
  return { assets: describeAssets(listed.assets), diagnostics: listed.diagnostics };
}

/** What a path is once links are followed; `missing` for a dangling link. */
function kindOf(path: Buffer): { file: boolean; dir: boolean; missing?: boolean } {
  const s = statSync(path, { throwIfNoEntry: false });
  return s ? { file: s.isFile(), dir: s.isDirectory() } : { file: false, dir: false, missing: true };
}

function realOf(path: Buffer): string | undefined {
  try {
    return realpathSync(path.toString());
  } catch {
    return undefined;
  }
}

function joinBytes(dir: Buffer, name: Buffer): Buffer {
  return Buffer.concat([dir, dir.at(-1) === sep.charCodeAt(0) ? Buffer.alloc(0) : Buffer.from(sep), name]);
}

function hex(byte: number | undefined): string {
  return (byte ?? 0).toString(16).padStart(2, '0');
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

