import { resolve } from 'node:path';
import { bundleFiles } from './bundle-files.js';
import type { ResolvedConfig } from './config.js';
import { COPY_SCRIPT } from './copy-script.js';
import { hasErrors, sortDiagnostics, type Diagnostic, type Position } from './diagnostics.js';
import { atStage, atStageAsync } from './errors.js';
import { pageFeed } from './feeds/archive.js';
import { atom } from './feeds/atom.js';
import { mainFeed, type FeedDoc } from './feeds/doc.js';
import { jsonFeed } from './feeds/json.js';
import { rss } from './feeds/rss.js';
import { tagFeeds } from './feeds/tags.js';
import { parseFrontMatter } from './frontmatter.js';
import { headerRules, headersFile } from './hosting.js';
import { indexPage, notFoundPage, postPage, STYLESHEET } from './pages.js';
import { toPost, type Post } from './post.js';
import { buildSite, type Site } from './site.js';
import { robotsTxt, sitemap } from './sitemap.js';
import { readSources } from './sources.js';
import { tagPage, tagsIndexPage } from './tag-pages.js';
import { collectTags, type Tag } from './tags.js';
import type { OutputFile } from './write.js';

export interface BuildOptions {
  readonly config: ResolvedConfig;
  /** Project root; `postsDir` is resolved against it. */
  readonly root: string;
  /** Posts folder as given (relative to root, or absolute); also how files are named in messages. */
  readonly postsDir: string;
  readonly drafts: boolean;
  readonly future: boolean;
  /** Reference instant for future posts (ms since the epoch). */
  readonly now: number;
  /** Called once per post as the build works through them (the CLI draws progress on a terminal with it). */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface BuildResult {
  /** Every output file, in a stable order; empty when there are errors. */
  readonly files: OutputFile[];
  readonly diagnostics: Diagnostic[];
  readonly site?: Site;
}

/** Run every stage in memory: no console, no process, no writes. */
export async function build(options: BuildOptions): Promise<BuildResult> {
  const { config } = options;
  const shownDir = options.postsDir.replace(/\\/g, '/').replace(/\/+$/, '') || '.';
  const sources = await atStageAsync('reading', shownDir, () => readSources(resolve(options.root, options.postsDir), shownDir));
  const diagnostics: Diagnostic[] = [...sources.diagnostics];
  const posts: Post[] = [];
  const keys = new Map<string, ReadonlyMap<string, Position>>();
  for (const [i, file] of sources.files.entries()) {
    const parsed = atStage('parsing the front matter of', file.path, () => parseFrontMatter(file));
    diagnostics.push(...parsed.diagnostics);
    options.onProgress?.(i + 1, sources.files.length);
    if (!parsed.source) continue;
    const source = parsed.source;
    keys.set(file.path, source.keys);
    const result = atStage('rendering', file.path, () => toPost(source, config));
    diagnostics.push(...result.diagnostics);
    if (result.post) posts.push(result.post);
  }
  const { site, diagnostics: siteProblems } = atStage('collecting the posts', undefined,
    () => buildSite(posts, config, options, (file, key) => keys.get(file)?.get(key)));
  diagnostics.push(...siteProblems);
  const tagged = atStage('collecting the tags', undefined, () => collectTags(site.posts, (source) => keys.get(source)?.get('tags')));
  diagnostics.push(...tagged.diagnostics);
  const assets = await atStageAsync('reading the bundle files in', shownDir, () => bundleFiles(resolve(options.root, options.postsDir), shownDir, site.posts));
  diagnostics.push(...assets.diagnostics);
  const sorted = sortDiagnostics(diagnostics);
  if (hasErrors(sorted)) return { files: [], diagnostics: sorted, site };
  return { files: [...render(site, tagged.tags), ...assets.files], diagnostics: sorted, site };
}

/** Every feed document of the site: the main feed first, then one per tag (for `ping` and the pages). */
export function feedDocs(site: Site, tags: readonly Tag[] = collectTags(site.posts).tags): FeedDoc[] {
  return [mainFeed(site), ...tagFeeds(site, tags)];
}

/**
 * Serialize the site: the feeds (main and per tag, each with its RFC 5005 archives), the pages, and what
 * static hosts read.
 */
export function render(site: Site, tags: readonly Tag[] = collectTags(site.posts).tags): OutputFile[] {
  const main = mainFeed(site);
  const byTag = tagFeeds(site, tags);
  // Paging needs each feed's whole history: all posts, or all of a tag's posts.
  const feeds = [
    ...pageFeed({ ...main, items: site.posts }, site.config),
    ...byTag.flatMap((doc, i) => pageFeed({ ...doc, items: tags[i]?.posts ?? doc.items }, site.config)),
  ];
  return [
    ...feeds.flatMap(feedFiles),
    out('index.html', () => indexPage(site, main)),
    out('404.html', () => notFoundPage(site, main)),
    out('style.css', () => STYLESHEET),
    out('copy.js', () => COPY_SCRIPT),
    out('robots.txt', () => robotsTxt(site.config)),
    out('sitemap.xml', () => sitemap(site, tags)),
    out('_headers', () => headersFile(headerRules(site.config))),
    ...site.posts.map((post) => out(`posts/${post.slug}/index.html`, () => postPage(site, post, main), `the page of ${post.source}`)),
    out('tags/index.html', () => tagsIndexPage(site, tags, main)),
    ...tags.map((tag, i) => out(`tags/${tag.slug}/index.html`, () => tagPage(site, tag, byTag[i] ?? main, main))),
  ];
}

/** One feed document in all three formats. */
export function feedFiles(doc: FeedDoc): OutputFile[] {
  return [
    out(doc.paths.rss, () => rss(doc)),
    out(doc.paths.atom, () => atom(doc)),
    out(doc.paths.json, () => jsonFeed(doc)),
  ];
}

/** An output file; a bug in a serializer is reported with the file it was making (or the post it came from). */
function out(path: string, make: () => string, file?: string): OutputFile {
  return { path, contents: atStage('serializing', file ?? path, make) };
}
