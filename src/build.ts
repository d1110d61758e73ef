import { resolve } from 'node:path';
import { bundleFiles } from './site/bundle-files.js';
import type { ConfigSource, ResolvedConfig } from './config/config.js';
import { COPY_SCRIPT } from './pages/copy-script.js';
import { diagnostic, foldRepeated, hasErrors, sortDiagnostics, type Diagnostic } from './common/diagnostics.js';
import { atStage, atStageAsync } from './common/errors.js';
import { pageFeed } from './feeds/archive.js';
import { ARCHIVE_BYTES, ArchiveScale } from './feeds/budget.js';
import { ItemTexts } from './feeds/chunks.js';
import { mainFeed, type FeedDoc } from './feeds/doc.js';
import { tagDir, tagFeeds } from './feeds/tags.js';
import { FORMATS, feedFiles } from './feeds/files.js';
import { pageOf } from './pages/page-of.js';
import { keying, withInput, type Inputs, type Keying, type PostKeys } from './engine/fingerprint.js';
import { headerRules, headersFile } from './pages/hosting.js';
import { listPagePath, listPages } from './site/listing.js';
import { indexPage, notFoundPage, postPage, STYLESHEET } from './pages/pages.js';
import { loadPosts, type PostCache } from './engine/load-posts.js';
import type { ProcessedSource } from './post/result.js';
import type { Post } from './post/post.js';
import type { PoolOptions } from './engine/render-pool.js';
import { buildSite, type Site } from './site/site.js';
import { PostLinks } from './site/links.js';
import { robotsTxt, sitemapFiles } from './pages/sitemap.js';
import type { SkippedFile, SourceEntry } from './read/sources.js';
import { shownPostsDir } from './read/text.js';
import { DISK_VIEW, type SourceView } from './read/source-view.js';
import { tagPage, tagsIndexPage } from './pages/tag-pages.js';
import { unknownKeyWarnings, type UnknownKeysOf } from './post/unknown-keys.js';
import { collectTags, type Tag } from './site/tags.js';
import { outputConflicts } from './output/paths.js';
import { siteImages, type ConfigLocator } from './site/images.js';
import { staticFolderProblems } from './output/out-dir.js';
import { listStaticFiles, staticOutput } from './read/static-files.js';
import { locateJsonKey } from './common/util.js';
import type { OutputFile, OutputOrigin } from './output/write.js';

export interface BuildOptions {
  readonly config: ResolvedConfig;
  /** Project root; `postsDir` is resolved against it. */
  readonly root: string;
  /** Posts folder as given (relative to root, or absolute); also how files are named in messages. */
  readonly postsDir: string;
  readonly drafts: boolean;
  readonly future: boolean;
  /** Publish posts whose expiry date has passed (see site.ts). */
  readonly expired?: boolean;
  /** Reference instant for future and expired posts (ms since the epoch). */
  readonly now: number;
  /** Called once per post as the build works through them (the CLI draws progress on a terminal with it). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Worker threads for rendering posts (see `render-pool.ts`); default: one per CPU, for big enough sites. */
  readonly pool?: PoolOptions;
  /** Stage results from earlier builds (the CLI passes the disk cache, `cache.ts`); without one every post is rendered. */
  readonly cache?: PostCache;
  /** Where the config was read from, so problems with its values (a missing `icon` file) point at their lines. */
  readonly configSource?: ConfigSource;
  /** The output folder (relative to root, or absolute), when there is one: the static folder must not overlap it. */
  readonly outDir?: string;
  /** How the posts folder is looked at (default: listed and every post stat'ed, DISK_VIEW; `dev` passes its watcher's view). */
  readonly sources?: SourceView;
  /** Say how the outputs were made from the posts (BuildResult.made), for the plan the CLI keeps (cli/patch.ts). */
  readonly describe?: boolean;
}

export interface BuildResult {
  /** Every output file, in a stable order; empty when there are errors. */
  readonly files: OutputFile[];
  readonly diagnostics: Diagnostic[];
  readonly site?: Site;
  /** How many post files there were, and how many had to be rendered (the rest came from the cache). */
  readonly stats: { readonly sources: number; readonly rendered: number };
  /** Files under the posts folder that are not posts (nor bundle files), with why (see `listSources`). */
  readonly skipped: readonly SkippedFile[];
  /** How the outputs were made from the posts, when a cache keyed them (what the next build's patch starts from: cli/patch.ts). */
  readonly made?: MadeFrom;
}

/** How a build made its outputs from its posts (see BuildResult.made). */
export interface MadeFrom {
  /** Every post file listed, its stage result, and the key it is cached under, in the listing's order. */
  readonly entries: readonly SourceEntry[];
  readonly results: readonly ProcessedSource[];
  readonly cacheKeys: readonly (string | undefined)[];
  /** Each entry's post as the outputs show it (links to other posts' files relinked), when it made one. */
  readonly posts: readonly (Post | undefined)[];
  /** The keys the outputs were made with (see fingerprint.ts). */
  readonly keys: PostKeys;
  /** Whether each entry's post links another post's file (its HTML and key then depend on the other posts). */
  readonly linksPosts: readonly boolean[];
  /** The `broken-link` warnings of the posts' links, in the order found. */
  readonly broken: readonly Diagnostic[];
}

/** Run every stage in memory: no console, no process, no writes. */
export async function build(options: BuildOptions): Promise<BuildResult> {
  const { config } = options;
  const shownDir = shownPostsDir(options.postsDir);
  const listing = await atStageAsync('reading', shownDir, () => (options.sources ?? DISK_VIEW).listing(resolve(options.root, options.postsDir), shownDir));
  const loaded = await atStageAsync('reading', shownDir, () => loadPosts(listing.entries, config, {
    ...(options.cache && { cache: options.cache }), ...(options.pool && { pool: options.pool }),
    ...(options.onProgress && { onProgress: options.onProgress }), ...(options.sources && { view: options.sources }),
  }));
  const diagnostics: Diagnostic[] = [...listing.diagnostics, ...unicodeTwins(listing.entries)];
  const read: Post[] = [];
  // Front-matter key positions, for messages: looked up (and, from the cache, unpacked) only when there is one.
  const keys = new Map<string, ProcessedSource>();
  const unknown: UnknownKeysOf[] = [];
  loaded.results.forEach((result, i) => {
    diagnostics.push(...result.diagnostics);
    const entry = listing.entries[i];
    if (entry) keys.set(entry.path, result);
    if (entry && result.unknownKeys) unknown.push({ file: entry.path, unknownKeys: result.unknownKeys, ...(result.keys && { keys: result.keys }) });
    if (result.post) read.push(result.post);
  });
  diagnostics.push(...unknownKeyWarnings(unknown));
  // Said once for the whole blog, not once per post: dates without an offset are usual in some generators' posts
  // (Jekyll's `2025-01-29 18:15`), a blog moved in often has long first paragraphs (the summary without one), and
  // Jekyll's own posts use Liquid tags in a third of them.
  const folded = ['date-without-offset', 'long-summary', 'template-tag'].reduce((list, code) => foldRepeated(list, code), diagnostics);
  diagnostics.splice(0, diagnostics.length, ...folded);
  // Links to other posts' files become their permalinks (site-links.ts), in the HTML and in the output keys.
  const links = new PostLinks(read, shownDir, config.url);
  const relinked = atStage('linking the posts', undefined, () => links.relink(read, loaded.keys));
  const posts = relinked.posts;
  const { site, diagnostics: siteProblems } = atStage('collecting the posts', undefined,
    () => buildSite(posts, config, options, (file, key) => keys.get(file)?.keys?.[key]));
  diagnostics.push(...siteProblems);
  const tagged = atStage('collecting the tags', undefined, () => collectTags(site.posts, (source) => keys.get(source)?.keys?.tags));
  diagnostics.push(...tagged.diagnostics);
  const folders = new Map(listing.entries.flatMap((e) => (e.bundle ? [[e.path, e.bundle] as const] : [])));
  const assets = await atStageAsync('reading the bundle files in', shownDir, () => bundleFiles(site.posts, folders, config.allowAnyBundleFile === true));
  diagnostics.push(...assets.diagnostics);
  // A static folder that holds the output or the posts is not read (each build would publish the last one).
  const overlap = staticFolderProblems(options.root, options.postsDir, options.outDir, config, options.configSource);
  diagnostics.push(...overlap);
  const statics = overlap.length > 0 ? { files: [], diagnostics: [] }
    : atStage('reading the static files in', config.static, () => listStaticFiles(resolve(options.root, config.static), config.static));
  diagnostics.push(...statics.diagnostics);
  const images = atStage('reading the icon and logo in', config.static, () => siteImages(config, statics.files, configLocator(options.configSource)));
  diagnostics.push(...images.diagnostics);
  const withImages: Site = Object.keys(images.images).length > 0 ? { ...site, images: images.images } : site;
  // Every page and feed shows the icon: its type and size are among their inputs (not the posts', so an edited
  // icon rewrites the outputs without rendering a post again).
  const outputKeys = relinked.keys && withImages.images ? withInput(relinked.keys, JSON.stringify(withImages.images)) : relinked.keys;
  // Generated files first, then what users add: a conflict is reported at the later one (output-paths.ts).
  const files = [...atStage('planning the output', undefined, () => render(withImages, tagged.tags, keying(outputKeys))), ...assets.files, ...statics.files.map(staticOutput)];
  // What is already reported (two posts with one slug) is not reported again as two pages at one path.
  const reported = new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.file));
  diagnostics.push(...outputConflicts(files.filter((f) => f.origin?.file === undefined || !reported.has(f.origin.file))));
  const sorted = sortDiagnostics(diagnostics);
  const stats = { sources: listing.entries.length, rendered: loaded.rendered };
  if (hasErrors(sorted)) return { files: [], diagnostics: sorted, site: withImages, stats, skipped: listing.skipped };
  // Every link into the site must point at something written: a generated file, a bundle file or a static file
  // (contents are made when read: listing the paths is cheap).
  const broken = atStage('checking the links', undefined, () => links.check(site.posts, files.map((f) => f.path)));
  const made = options.describe === true && outputKeys && madeFrom(listing.entries, loaded.results, loaded.keys, read, posts, outputKeys, broken);
  return {
    files, diagnostics: broken.length > 0 ? sortDiagnostics([...sorted, ...broken]) : sorted, site: withImages, stats, skipped: listing.skipped,
    ...(made && { made }),
  };
}

/** See MadeFrom: each entry's result, keys and post as shown (undefined when the keys cannot be told apart). */
function madeFrom(entries: readonly SourceEntry[], results: readonly ProcessedSource[], loadedKeys: PostKeys | undefined, read: readonly Post[],
  shown: readonly Post[], keys: PostKeys, broken: readonly Diagnostic[]): MadeFrom | undefined {
  if (!loadedKeys) return undefined;
  const cacheKeys: (string | undefined)[] = [];
  const posts: (Post | undefined)[] = [];
  const linksPosts: boolean[] = [];
  let k = 0;
  for (const result of results) {
    const post = result.post;
    cacheKeys.push(post && loadedKeys.posts.get(post));
    // (`read` holds the posts in the results' order, and `shown` the same posts relinked)
    posts.push(post && shown[k]);
    linksPosts.push(post !== undefined && shown[k] !== read[k]);
    if (post) k++;
  }
  return { entries, results, cacheKeys, posts, keys, linksPosts, broken };
}

/** Where config keys are written, when the config file is known (its messages then point at lines). */
function configLocator(source: ConfigSource | undefined): ConfigLocator {
  if (!source) return () => ({ file: 'the feedwright config' });
  return (key) => {
    const at = locateJsonKey(source.text, [...source.keyPath, key]);
    return { file: source.file, ...(at && { at }) };
  };
}

/**
 * Two posts whose names are one once normalized to NFC (`café.md` saved on macOS and elsewhere): they are shown,
 * cached and looked up by that one name, and a bundle's files would be taken from either folder.
 */
function unicodeTwins(entries: readonly { readonly path: string }[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  entries.forEach((entry, i) => {
    if (entry.path === entries[i - 1]?.path || entry.path === entries[i + 1]?.path) {
      out.push(diagnostic(entry.path, 'error', 'duplicate-file-name',
        'two posts have this name, spelled with different Unicode forms (NFC and NFD, as macOS and other systems write accented letters); rename or remove one'));
    }
  });
  return out;
}

/** Every feed document of the site: the main feed first, then one per tag (for `ping` and the pages). */
export function feedDocs(site: Site, tags: readonly Tag[] = collectTags(site.posts).tags): FeedDoc[] {
  return [mainFeed(site), ...tagFeeds(site, tags)];
}

/**
 * Serialize the site: the feeds (main and per tag, each with its RFC 5005 archives), the pages, and what
 * static hosts read. Contents are made when read, so a writer holds one file at a time however big the site
 * is. Each file is declared with what it is made from (engine/fingerprint.ts, Inputs): with the engine's keying
 * (from the cache) that gives every file its key, so that a write makes only the files whose inputs changed.
 */
export function render(site: Site, tags: readonly Tag[] = collectTags(site.posts).tags, engine?: Keying): OutputFile[] {
  const main = mainFeed(site);
  const byTag = tagFeeds(site, tags);
  // Paging needs each feed's whole history: all posts, or all of a tag's posts. The main feed's archives carry
  // every post's full content once; a tag's archives carry summaries (a post is in several tags: repeating its
  // full text in each tag's archives would multiply the site's size).
  // Archives close at ARCHIVE_BYTES as well as at `archiveSize` posts (feeds/budget.ts), the same split in every format.
  const scale = new ArchiveScale(FORMATS, ARCHIVE_BYTES, engine?.remembered);
  const feeds: [FeedDoc, string][] = [
    ...pageFeed({ ...main, items: site.posts }, site.config, 'full', scale).map((doc): [FeedDoc, string] => [doc, "the site's"]),
    ...byTag.flatMap((doc, i) => pageFeed({ ...doc, items: tags[i]?.posts ?? doc.items }, site.config, 'summary', scale)
      .map((d): [FeedDoc, string] => [d, `the tag "${tags[i]?.name ?? ''}"'s`])),
  ];
  // Shared by the feed files: each item's text is made once and dropped after the last document a writer plans to
  // make (OutputFile.plan).
  const items = new ItemTexts();
  const out = (path: string, make: () => string, origin: OutputOrigin, inputs: Inputs): OutputFile => made(path, make, origin, engine?.keyOf(inputs));
  return [
    ...feeds.flatMap(([doc, owner]) => feedFiles(doc, engine, items, owner)),
    // The lists show the posts' fields but not their HTML; the rest is config. A page of a list shows its own
    // posts' fields, where it is among the pages and how many posts there are.
    ...listPages(site.posts).map((page) => out(listPagePath('', page.number), () => indexPage(site, main, page), { what: page.number === 1 ? 'the list of posts' : `page ${page.number} of the list of posts` },
      { kind: `index\0${page.number}\0${page.count}\0${page.total}`, posts: page.posts, of: 'meta' })),
    out('404.html', () => notFoundPage(site, main), { what: 'the 404 page' }, { kind: '404', posts: [] }),
    out('style.css', () => STYLESHEET, { what: "the site's stylesheet" }, { kind: 'style', posts: [] }),
    out('copy.js', () => COPY_SCRIPT, { what: "the copy button's script" }, { kind: 'copy', posts: [] }),
    out('robots.txt', () => robotsTxt(site.config), { what: "the site's robots.txt" }, { kind: 'robots', posts: [] }),
    ...sitemapFiles(site, tags).map((file) => out(file.path, file.make, { what: "the site's sitemap" }, { kind: file.path, posts: site.posts, of: 'meta' })),
    out('_headers', () => headersFile(headerRules(site.config)), { what: "the hosting headers (_headers)" }, { kind: 'headers', posts: [] }),
    // A post page is made from the post and the config alone.
    ...site.posts.map((post) => {
      const page = pageOf(post);
      return out(page.path, () => postPage(site, post, main), page.origin, { kind: 'post', posts: [post] });
    }),
    out('tags/index.html', () => tagsIndexPage(site, tags, main), { what: 'the list of tags' }, { kind: 'tags', posts: site.posts, of: 'meta' }),
    ...tags.flatMap((tag, i) => listPages(tag.posts).map((page) => out(listPagePath(tagDir(tag), page.number),
      () => tagPage(site, tag, byTag[i] ?? main, main, page), { what: `${page.number === 1 ? 'the page' : `page ${page.number}`} of the tag "${tag.name}"` },
      // (the name too: it is the spelling most of the tag's posts use, those on other pages included)
      { kind: `tag\0${tag.slug}\0${tag.name}\0${page.number}\0${page.count}\0${page.total}`, posts: page.posts, of: 'meta' }))),
  ];
}

/**
 * An output file whose contents are made each time they are read. A bug in a serializer is reported with the
 * file it was making (or the post it came from).
 */
function made(path: string, make: () => string, origin: OutputOrigin, key?: string): OutputFile {
  return new MadeFile(path, make, origin, key);
}

/** See `made` (a class: a big blog plans some 12,000 of these on every rebuild, and few of them are ever made). */
class MadeFile implements OutputFile {
  declare readonly key?: string;

  constructor(readonly path: string, private readonly make: () => string, readonly origin: OutputOrigin, key: string | undefined) {
    if (key !== undefined) this.key = key;
  }

  get contents(): string {
    return atStage('serializing', this.origin.file !== undefined ? this.origin.what : this.path, this.make);
  }
}
