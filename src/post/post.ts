import { describe, parseAuthor, type Author, type ResolvedConfig } from '../config/config.js';
import { parseDate } from './dates.js';
import { diagnostic, type Diagnostic, type Position } from '../common/diagnostics.js';
import { ALIASES, QUIET_KEYS, READ_KEYS, TAG_KEYS, TAXONOMY_TAG_KEYS } from './front-matter-keys.js';
import { scalarPath, type ParsedSource } from '../read/frontmatter.js';
import { startsToml } from '../read/frontmatter-toml.js';
import { startsJson } from '../read/frontmatter-json.js';
import { finishHtml, htmlToText } from './html.js';
import { siteLinks, type BodyLink } from './links.js';
import { renderMarkdown } from './markdown.js';
import { templateTagMessage, templateTagPosition } from './template-tags.js';
import { MAX_BLOCK_NESTING, MAX_INLINE_NESTING, tooDeep } from './nesting.js';
import type { Attachment } from './media/attachment.js';
import { readPostMedia, type ImageInfo } from './media/front-matter.js';
import { PERMALINK_KEYS } from '../config/permalink.js';
import { postPath } from './permalink.js';
import type { EpisodeInfo } from './podcast/episode.js';
import { isSafeSlug, tagSlug } from '../common/slug.js';
import { isPlainObject } from '../common/util.js';
import { feedContentBytes, xmlSafe } from '../common/xml.js';

/** A validated, rendered post: every later stage trusts these fields. */
export interface Post {
  /** Source path, for messages. */
  readonly source: string;
  /** NFC, URL-safe, unique. */
  readonly slug: string;
  /** Permanent id: the permalink unless front matter `id` overrides it. Always an absolute URI. */
  readonly id: string;
  /** Absolute permalink, `<site>/posts/<slug>/` unless the config's `permalink` says otherwise. */
  readonly url: string;
  /** The post's folder in the output, relative to its root, ending in `/`: `posts/<slug>/` by default. */
  readonly path: string;
  readonly title: string;
  /** Publication instant, ms since the epoch. */
  readonly date: number;
  /** Last substantive change; equals `date` when the post was never updated. */
  readonly updated: number;
  /**
   * Plain text, never empty: absent when the front matter gives none and the body has no text to take one from
   * (a post that is only an image, a list or code); every format then leaves its summary out.
   */
  readonly summary?: string;
  readonly tags: readonly string[];
  readonly authors: readonly Author[];
  /** Sanitized HTML with absolute URLs, without any character XML 1.0 forbids (the feeds rely on it). */
  readonly html: string;
  /** Most UTF-8 bytes `html` takes in any feed format (see `feedContentBytes`): archives are closed by bytes with it. */
  readonly contentBytes: number;
  /** Absolute cover image URL. */
  readonly image?: string;
  /** Media type, size and pixel size of the cover image, when it is a file in the post bundle. */
  readonly imageInfo?: ImageInfo;
  /** Links and images in the body that point into the site (body-links.ts); absent when there are none. */
  readonly links?: readonly BodyLink[];
  /** Files attached with `audio`, `video` or `enclosure`, in that order; absent when there are none. */
  readonly attachments?: readonly Attachment[];
  /** Podcast episode details given in the front matter. */
  readonly episode?: EpisodeInfo;
  readonly draft: boolean;
  /**
   * Hugo's `expiryDate` (ms since the epoch): once the reference time is past it, the post is left out unless
   * `--expired`, as Hugo leaves out expired content unless `--buildExpired`.
   */
  readonly expires?: number;
}

/** Every top-level key feedwright reads, under any of its names (see front-matter-keys.ts). */
export const FRONT_MATTER_KEYS = READ_KEYS;

const MAX_SLUG_BYTES = 200;
/** Most tags a post may have (see `readAllTags`); documented in the README's limits. */
export const MAX_TAGS_PER_POST = 50;

/** What `toPost` makes of a source: the post, every problem with it, and the keys it did not know. */
export interface PostResult {
  readonly post?: Post;
  readonly diagnostics: Diagnostic[];
  /**
   * Top-level keys neither read nor known from another generator, in file order. They are reported once per
   * build over all posts (build.ts), not once per file. Absent when there are none.
   */
  readonly unknownKeys?: string[];
}

/** Turn a parsed source into a Post, or explain every problem with it. */
export function toPost(src: ParsedSource, config: ResolvedConfig): PostResult {
  const { file, data, keys } = src;
  const problems: Diagnostic[] = [];
  const where = (key: string): Position => keys.get(key) ?? { line: 1, column: 1 };
  const error = (key: string, code: string, message: string): void => {
    problems.push(diagnostic(file.path, 'error', code, message, where(key)));
  };
  const warn = (key: string, code: string, message: string, at?: Position): void => {
    problems.push(diagnostic(file.path, 'warning', code, message, at ?? where(key)));
  };
  const permalinkKeys = config.permalink?.frontMatter ? PERMALINK_KEYS : [];
  const unknownKeys = Object.keys(data).filter((key) => !READ_KEYS.includes(key) && !QUIET_KEYS.has(key) && !permalinkKeys.includes(key));
  // Scalars YAML did not read as text, as they were written (`title: 1.10` is "1.10", not "1.1").
  const text = (value: unknown, ...path: (string | number)[]): unknown =>
    (typeof value === 'number' || typeof value === 'boolean') ? src.scalars?.get(scalarPath(...path)) ?? String(value) : value;

  // Hints are written the way the file's front matter is: YAML, TOML (`+++`) or JSON.
  const language: FrontMatterLanguage = startsToml(file.text) ? 'toml' : startsJson(file.text) ? 'json' : 'yaml';
  const title = requiredText(text(data.title, 'title'), 'title', language, error);

  // `published: false` (Jekyll) is a flag, `published: 2024-01-31` (Hugo) a date.
  const isFlag = (key: string): boolean => key === 'published' && typeof data[key] === 'boolean';
  const dateKey = firstPresent(data, ALIASES.date.filter((k) => !isFlag(k)));
  let date: number | undefined;
  if (dateKey === undefined && file.nameDate !== undefined) {
    // A Jekyll-style name (2024-01-31-hello.md) dates a post whose front matter does not: read like `date: 2024-01-31`.
    date = readDate(file.nameDate, 'date', config, (_key, code, message) => error('date', code,
      `${message.replace('"date" is', 'the date in the file name is')}; rename the file or add a "date"`), warn);
  } else if (dateKey === undefined) {
    const hint = language === 'toml' ? '"date = 2024-01-31" or "date = 2024-01-31T09:00:00+01:00"'
      : language === 'json' ? 'a member "date": "2024-01-31" or "date": "2024-01-31T09:00:00+01:00"'
      : '"date: 2024-01-31" or "date: 2024-01-31T09:00:00+01:00"';
    error('date', 'missing-date', `missing "date": add e.g. ${hint}`);
  } else {
    date = readDate(data[dateKey], dateKey, config, error, warn);
  }
  const updatedKey = firstPresent(data, ALIASES.updated);
  let updated: number | undefined;
  if (updatedKey !== undefined) {
    updated = readDate(data[updatedKey], updatedKey, config, error, warn);
    if (updated !== undefined && date !== undefined && updated < date) {
      warn(updatedKey, 'updated-before-date', `"${updatedKey}" is earlier than "${dateKey ?? 'date'}"; readers will show the later of the two as the change date`);
    }
  }
  const expiresKey = firstPresent(data, ALIASES.expires);
  const expires = expiresKey === undefined ? undefined : readDate(data[expiresKey], expiresKey, config, error, warn);

  const before = problems.length;
  const slug = readSlug(text(data.slug, 'slug'), file.stem, error);
  // An unsafe slug is reported once, as a slug: its path is then never made.
  const path = problems.length === before ? postPath(config, { slug, date, data, error }) : `posts/${slug}/`;
  const url = new URL(path, config.url).href;

  let id = url;
  if (data.id !== undefined) {
    if (typeof data.id === 'string' && isAbsoluteUri(data.id)) id = data.id.trim();
    else error('id', 'invalid-id', `"id" must be a permanent absolute URI such as "https://example.com/old/path/" or "tag:example.com,2024:post-1", found ${describe(data.id)}; allowed schemes: ${ID_SCHEMES.join(', ')}`);
  }

  const tags = readAllTags(data, text, error, inJekyllPosts(file.path));
  if (typeof data.tags === 'string' && data.tags.includes(',')) {
    warn('tags', 'tags-as-text', `"tags" is one piece of text, so "${data.tags}" is a single tag; write a list to get several: tags: [${data.tags.split(',').map((t) => t.trim()).filter(Boolean).join(', ')}]`);
  }
  const authors = readAuthors(data, config, text, error);

  // Never published unless --drafts: `draft: true` (Hugo, Zola, Astro) and `published: false` (Jekyll, Hexo).
  let draft = false;
  for (const [key, means] of [['draft', true], ['published', false]] as const) {
    const value = data[key];
    if (value === undefined || value === null || (key === 'published' && typeof value !== 'boolean')) continue;
    if (typeof value === 'boolean') draft ||= value === means;
    else error(key, 'wrong-type', `"${key}" must be true or false, found ${describe(value)}`);
  }
  // What the other generator writes no page for or keeps out of every list (so out of its feed) is left out the
  // same way: Eleventy's `permalink: false` and `eleventyExcludeFromCollections: true`, Hugo's `headless: true` and
  // `build: {list: never}`.
  const build = data.build;
  if (data.permalink === false || data.eleventyExcludeFromCollections === true || data.headless === true
    || (isPlainObject(build) && (build.list === 'never' || build.list === false))) draft = true;

  const media = readPostMedia({ data, postUrl: url, source: file.path, assets: file.assets, podcast: config.podcast !== undefined }, error, warn);

  const summaryKey = firstPresent(data, ALIASES.summary);
  let summaryText: string | undefined;
  if (summaryKey !== undefined) {
    const value = text(data[summaryKey], summaryKey);
    if (typeof value === 'string') summaryText = value.replace(/\s+/g, ' ').trim() || undefined;
    else error(summaryKey, 'wrong-type', `"${summaryKey}" must be text, found ${describe(value)}`);
  }

  if (src.body.trim() === '') {
    warn('body', 'empty-body', 'the post has no body text; feeds will carry only its title and summary', { line: src.bodyLine, column: 1 });
  }
  if (problems.some((p) => p.severity === 'error') || title === undefined || date === undefined) {
    return { diagnostics: problems, unknownKeys };
  }

  // Measured before marked parses it: marked recurses once per level and would overflow the stack.
  const deep = tooDeep(src.body);
  if (deep) {
    problems.push(diagnostic(file.path, 'error', 'post-too-deep', deep.kind === 'block'
      ? `block quotes and lists nest ${deep.depth} levels deep here; at most ${MAX_BLOCK_NESTING} are allowed`
      : `emphasis (*, _) nests ${deep.depth} levels deep in this paragraph; at most ${MAX_INLINE_NESTING} are allowed`,
    { line: src.bodyLine + deep.line - 1, column: 1 }));
    return { diagnostics: problems, unknownKeys };
  }
  // Markdown without raw HTML is rendered straight to safe HTML; the rest goes through the sanitizer.
  // (the excerpt is made only for a post without a summary of its own: it is only ever its summary's text)
  const separator = excerptSeparator(data, warn);
  const rendered = renderMarkdown(src.body, config.allowRawHtml ? undefined : { base: url, sizes: media.imageSizes },
    summaryText !== undefined ? { none: true } : { ...(separator !== undefined && { separator }) });
  // Free of characters XML 1.0 forbids (a character reference such as `&#1;` decodes to one), once, here: the
  // feeds then carry it as it is, without scanning it again in every format.
  const html = xmlSafe(rendered.finished ? rendered.html : finishHtml(rendered.html, url, config.allowRawHtml, media.imageSizes));
  // (a blank `summary:` counts as none written)
  const summary = summaryText || htmlToText(rendered.excerptHtml) || undefined;
  const links = siteLinks(rendered.links, { source: file.path, body: src.body, bodyLine: src.bodyLine, postUrl: url, siteUrl: config.url });
  if (rendered.templateTag) {
    // Once per post, at the first tag: a Jekyll post with one usually has several.
    warn('body', 'template-tag', templateTagMessage(rendered.templateTag.text), templateTagPosition(src.body, src.bodyLine, rendered.templateTag.offset));
  }
  if (summary !== undefined && summary.length > config.summaryLength) {
    warn('summary', 'long-summary', `the summary is ${summary.length} characters, over the configured ${config.summaryLength}; readers may cut it off`,
      (summaryKey !== undefined ? keys.get(summaryKey) : undefined) ?? { line: src.bodyLine, column: 1 });
  }
  return {
    diagnostics: problems,
    unknownKeys,
    post: {
      source: file.path, slug, path, id, url, title, date, updated: Math.max(updated ?? date, date), tags, authors, html, contentBytes: feedContentBytes(html), draft,
      ...(summary !== undefined && { summary }),
      ...(links.length > 0 && { links }),
      ...(media.image !== undefined && { image: media.image }),
      ...(media.imageInfo !== undefined && { imageInfo: media.imageInfo }),
      ...(media.attachments.length > 0 && { attachments: media.attachments }),
      ...(media.episode !== undefined && { episode: media.episode }),
      ...(expires !== undefined && { expires }),
    },
  };
}

type Report = (key: string, code: string, message: string) => void;

/**
 * The post's own summary marker (Jekyll's `excerpt_separator`), when it is one feedwright can find: an HTML comment
 * on a line of its own, as `<!--more-->` is. Jekyll's default, a blank line, means what feedwright does without
 * one (the first paragraph); any other text is warned about, and the first paragraph is the summary.
 */
function excerptSeparator(data: Readonly<Record<string, unknown>>, warn: Report): string | undefined {
  const value = data.excerpt_separator;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const marker = value.trim();
  if (/^<!--[^]*-->$/.test(marker)) return marker;
  warn('excerpt_separator', 'excerpt-separator', `"excerpt_separator" ${JSON.stringify(value)} is not an HTML comment, which is the only marker feedwright finds (on a line of its own, as <!--more-->); the summary is the first paragraph. Write an HTML comment such as <!--more--> where the summary ends, or a "summary" key`);
  return undefined;
}

/** The language of a post's front matter, which hints are written in. */
type FrontMatterLanguage = 'yaml' | 'toml' | 'json';

/** Text that must be there; `value` has been through `AsText`, so a number or boolean here was never written. */
function requiredText(value: unknown, key: string, language: FrontMatterLanguage, error: Report): string | undefined {
  if (value === undefined || value === null) {
    const add = language === 'toml' ? `a line such as ${key} = "My first post"`
      : language === 'json' ? `a member such as "${key}": "My first post"`
      : `a line such as "${key}: My first post"`;
    error(key, `missing-${key}`, `missing "${key}": add ${add} to the front matter`);
    return undefined;
  }
  if (typeof value !== 'string') {
    // A list or mapping has no one way to be written as text (String() of one can even throw: `title: {toString: []}`).
    const how = language === 'toml' ? `write it as a string, e.g. ${key} = "My first post"`
      : language === 'json' ? `write it as a string, e.g. "${key}": "My first post"`
      : `write it on one line after "${key}:", e.g. ${key}: "My first post"`;
    error(key, 'wrong-type', `"${key}" must be text, found ${describe(value)}; ${how}`);
    return undefined;
  }
  const text = value.replace(/\s+/g, ' ').trim();
  if (text === '') error(key, `missing-${key}`, `"${key}" is empty; give the post a ${key}`);
  return text === '' ? undefined : text;
}

function readDate(raw: unknown, key: string, config: ResolvedConfig, error: Report, warn: Report): number | undefined {
  // TOML has dates of its own (smol-toml's TomlDate writes them back as they were written: local or with offset).
  const value = raw instanceof Date && !Number.isNaN(raw.getTime()) ? raw.toISOString() : raw;
  if (typeof value !== 'string') {
    error(key, 'invalid-date', `"${key}" must be a date such as 2024-01-31 or 2024-01-31T09:00:00+01:00, found ${describe(value)}`);
    return undefined;
  }
  if (/^\s*(?:git\s+)?(?:last\s+modified|created)\s*$/i.test(value)) {
    // Eleventy's dates taken from the file system (a checkout gives every file new times, so the feeds would change
    // with no post changing) or from git.
    const from = /git/i.test(value) ? "the file's git history, which feedwright does not read" : "the file's times on disk, which change with every checkout";
    error(key, 'invalid-date', `"${key}" is "${value.trim()}", Eleventy's date from ${from}: write the date, such as ${key}: 2024-01-31`);
    return undefined;
  }
  const parsed = parseDate(value, config.timeZone);
  if ('problem' in parsed) {
    error(key, 'invalid-date', `"${key}" is not a real date: "${value}": ${parsed.problem}`);
    return undefined;
  }
  if (parsed.hasTime && !parsed.hasOffset) {
    warn(key, 'date-without-offset', `"${key}" ${value} has no UTC offset; it was read in the configured time zone ${config.timeZone}. Add "Z" or an offset such as "+01:00" to be explicit`);
  }
  return parsed.ms;
}

function readSlug(value: unknown, stem: string, error: Report): string {
  const fromFile = value === undefined || value === null;
  if (!fromFile && typeof value !== 'string') {
    error('slug', 'invalid-slug', `"slug" must be text, found ${describe(value)}`);
    return stem;
  }
  const slug = (fromFile ? stem : String(value)).normalize('NFC');
  if (!isSafeSlug(slug)) {
    error('slug', 'invalid-slug', `${fromFile ? 'the slug taken from the file name' : '"slug"'} "${slug}" is not safe in a URL path: use letters, digits, "-", "_", "." and "~", with no "/", "\\", ".." or leading dot`);
  } else if (Buffer.byteLength(slug) > MAX_SLUG_BYTES) {
    // It becomes a folder name: most file systems stop at 255 bytes, and the error would only come at write time.
    error('slug', 'invalid-slug', `${fromFile ? 'the slug taken from the file name' : '"slug"'} is ${Buffer.byteLength(slug)} bytes long; keep it under ${MAX_SLUG_BYTES + 1} bytes`);
  }
  return slug;
}

/** Whether a post's file (as listed, `/`-separated) is in a `_posts` folder, where Jekyll reads its posts from. */
function inJekyllPosts(path: string): boolean {
  return /(?:^|\/)_posts\//.test(path);
}

/** Reads a value as text: scalars as written (see `toPost`), anything else as it is. */
type AsText = (value: unknown, ...path: (string | number)[]) => unknown;

/** The first of `keys` present with a value (a key written with nothing after it counts as absent). */
function firstPresent(data: Readonly<Record<string, unknown>>, keys: readonly string[]): string | undefined {
  return keys.find((k) => data[k] !== undefined && data[k] !== null);
}

/**
 * Tags from `tags`, `categories`, `category` and Zola's `[taxonomies]` tags and categories, in that order, each
 * kept once (letter case ignored: the first spelling stays). Jekyll splits a `categories` or `tags` line at spaces
 * (`categories: jekyll update`, `tags: ruby rails` are two each), so this does too for a post in a `_posts` folder
 * (`jekyll`: the only place Jekyll reads posts from); elsewhere such a line is one tag, as Eleventy and Hugo read it
 * (eleventy-base-blog's `tags: another tag`). `tags` text with a comma (`tags: film, alita`) is one tag, with a
 * `tags-as-text` warning, and `category` text is one tag.
 */
function readAllTags(data: Readonly<Record<string, unknown>>, text: AsText, error: Report, jekyll: boolean): string[] {
  const found: string[] = [];
  const take = (value: unknown, key: string, path: readonly (string | number)[]): void => {
    if (value === undefined || value === null) return;
    const scalar = text(value, ...path);
    if (typeof scalar === 'string') {
      const words = jekyll && (key === 'categories' || (key === 'tags' && !scalar.includes(',')));
      found.push(...(words ? scalar.split(/\s+/) : [scalar]));
      return;
    }
    // Hexo writes nested lists for category paths ([[Diary, Life]]): one level is flattened.
    const words = Array.isArray(value)
      ? (value as unknown[]).flatMap((v, i) => (Array.isArray(v) ? (v as unknown[]).map((w, j) => text(w, ...path, i, j)) : [text(v, ...path, i)]))
      : undefined;
    if (words === undefined || words.some((w) => typeof w !== 'string')) {
      error(key, 'wrong-type', `"${path.join('.')}" must be a list of words such as [film, news], found ${describe(value)}`);
      return;
    }
    found.push(...(words as string[]));
  };
  for (const key of TAG_KEYS) take(data[key], key, [key]);
  const taxonomies = data.taxonomies;
  if (isPlainObject(taxonomies)) {
    for (const key of TAXONOMY_TAG_KEYS) take(taxonomies[key], 'taxonomies', ['taxonomies', key]);
  } else if (taxonomies !== undefined && taxonomies !== null) {
    error('taxonomies', 'wrong-type', `"taxonomies" must be a table of lists such as tags = ["film"], found ${describe(taxonomies)}`);
  }
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const raw of found) {
    const tag = raw.replace(/\s+/g, ' ').trim().normalize('NFC');
    if (tag === '' || seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    tags.push(tag);
  }
  // Every tag of a post gets feeds listing the post with all its tags: N tags write N² categories (1,000 tags
  // made 98 MB). A cap per post keeps the output linear in the number of posts.
  if (tags.length > MAX_TAGS_PER_POST) {
    error('tags', 'too-many-tags', `the post has ${tags.length} different tags; at most ${MAX_TAGS_PER_POST} are allowed per post (each tag gets its own page and feeds)`);
    return [];
  }
  for (const tag of tags) {
    // The slug becomes a folder name (tags/<slug>/): most file systems stop at 255 bytes, and that would only
    // fail when writing.
    const bytes = Buffer.byteLength(tagSlug(tag));
    if (bytes > MAX_SLUG_BYTES) {
      error('tags', 'tag-too-long', `the tag "${shorten(tag)}" gives a ${bytes}-byte folder name; keep tags under ${MAX_SLUG_BYTES + 1} bytes once made a slug`);
      return [];
    }
  }
  return tags;
}

/** At most 40 characters of `text` (whole code points), for messages. */
function shorten(text: string): string {
  const chars = Array.from(text);
  return chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : text;
}

/**
 * `author` or `authors`: a name, `Name <mail>`, a mapping `{name, email, url}` (other fields, such as a theme's
 * `twitter` or `avatar`, are ignored), or a list of these under either key.
 */
function readAuthors(data: Readonly<Record<string, unknown>>, config: ResolvedConfig, text: AsText, error: Report): Author[] {
  if (data.author !== undefined && data.authors !== undefined) {
    error('authors', 'wrong-type', 'use either "author" or "authors", not both');
    return [config.author];
  }
  const key = data.authors !== undefined ? 'authors' : 'author';
  const raw = data[key];
  if (raw === undefined || raw === null) return [config.author];
  const list = Array.isArray(raw) ? raw.map((item, i) => text(item, key, i)) : [text(raw, key)];
  const authors: Author[] = [];
  for (const item of list) {
    const parsed = parseAuthor(item, { otherFields: 'ignore' });
    if (typeof parsed === 'string') error(key, 'invalid-author', `"${key}": ${parsed}`);
    else authors.push(parsed);
  }
  if (list.length === 0) error(key, 'invalid-author', `"${key}" is an empty list; leave it out to use the site's author`);
  return authors;
}

/**
 * The schemes a post's `id` may use: web addresses, RFC 4151 tag URIs and URNs (`urn:uuid:…`). An allow-list, not
 * a deny-list: some readers turn ids into links, so `feed:javascript:alert(1)` or any scheme a browser or an
 * operating system might hand to a program must not get through. `mailto:` names a mailbox, not a post.
 */
export const ID_SCHEMES: readonly string[] = ['http', 'https', 'tag', 'urn'];

function isAbsoluteUri(value: string): boolean {
  const v = value.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\S+$/i.exec(v)?.[1]?.toLowerCase();
  if (scheme === undefined || !ID_SCHEMES.includes(scheme)) return false;
  // A tag URI is `tag:authority,date:specific`, a URN `urn:NID:NSS`; a web address must parse and name a host.
  if (scheme === 'tag') return /^tag:[^,:\s]+,\d{4}(?:-\d{2}(?:-\d{2})?)?:\S*$/i.test(v);
  if (scheme === 'urn') return /^urn:[a-z0-9][a-z0-9-]{0,31}:\S+$/i.test(v);
  try {
    return new URL(v).host !== '';
  } catch {
    return false;
  }
}
