import { resolve } from 'node:path';
import { bundleFiles } from './bundle-files.js';
import type { ResolvedConfig } from './config.js';
import { COPY_SCRIPT } from './copy-script.js';
import { hasErrors, sortDiagnostics, type Diagnostic, type Position } from './diagnostics.js';
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
  const sources = await readSources(resolve(options.root, options.postsDir), shownDir);
  const diagnostics: Diagnostic[] = [...sources.diagnostics];
  const posts: Post[] = [];
  const tagsAt = new Map<string, Position>();
  for (const [i, file] of sources.files.entries()) {
    const parsed = parseFrontMatter(file);
    diagnostics.push(...parsed.diagnostics);
    options.onProgress?.(i + 1, sources.files.length);
    if (!parsed.source) continue;
    const at = parsed.source.keys.get('tags');
    if (at) tagsAt.set(file.path, at);
    const result = toPost(parsed.source, config);
    diagnostics.push(...result.diagnostics);
    if (result.post) posts.push(result.post);
  }
  const { site, diagnostics: siteProblems } = buildSite(posts, config, options);
  diagnostics.push(...siteProblems);
  const tagged = collectTags(site.posts, (source) => tagsAt.get(source));
  diagnostics.push(...tagged.diagnostics);
  const assets = await bundleFiles(resolve(options.root, options.postsDir), shownDir, site.posts);
  diagnostics.push(...assets.diagnostics);
  const sorted = sortDiagnostics(diagnostics);
  if (hasErrors(sorted)) return { files: [], diagnostics: sorted, site };
  return { files: [...render(site, tagged.tags), ...assets.files], diagnostics: sorted, site };
}

/** Every feed document of the site: the main feed first, then one per tag (for `ping` and the pages). */
export function feedDocs(site: Site, tags: readonly Tag[] = collectTags(site.posts).tags): FeedDoc[] {
  return [mainFeed(site), ...tagFeeds(site, tags)];
}

/** Serialize the site: the feeds (main and per tag), the pages, and what static hosts read. */
export function render(site: Site, tags: readonly Tag[] = collectTags(site.posts).tags): OutputFile[] {
  const main = mainFeed(site);
  const byTag = tagFeeds(site, tags);
  const feeds = [main, ...byTag].flatMap((doc) => [
    { path: doc.paths.rss, contents: rss(doc) },
    { path: doc.paths.atom, contents: atom(doc) },
    { path: doc.paths.json, contents: jsonFeed(doc) },
  ]);
  return [
    ...feeds,
    { path: 'index.html', contents: indexPage(site, main) },
    { path: '404.html', contents: notFoundPage(site, main) },
    { path: 'style.css', contents: STYLESHEET },
    { path: 'copy.js', contents: COPY_SCRIPT },
    { path: 'robots.txt', contents: robotsTxt(site.config) },
    { path: 'sitemap.xml', contents: sitemap(site, tags) },
    { path: '_headers', contents: headersFile(headerRules(site.config)) },
    ...site.posts.map((post) => ({ path: `posts/${post.slug}/index.html`, contents: postPage(site, post, main) })),
    { path: 'tags/index.html', contents: tagsIndexPage(site, tags, main) },
    ...tags.map((tag, i) => ({ path: `tags/${tag.slug}/index.html`, contents: tagPage(site, tag, byTag[i] ?? main, main) })),
  ];
}
