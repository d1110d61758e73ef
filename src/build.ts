import { resolve } from 'node:path';
import type { ResolvedConfig } from './config.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { atom } from './feeds/atom.js';
import { mainFeed } from './feeds/doc.js';
import { jsonFeed } from './feeds/json.js';
import { rss } from './feeds/rss.js';
import { parseFrontMatter } from './frontmatter.js';
import { indexPage, postPage, STYLESHEET } from './pages.js';
import { toPost, type Post } from './post.js';
import { buildSite, type Site } from './site.js';
import { readSources } from './sources.js';
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
  for (const file of sources.files) {
    const parsed = parseFrontMatter(file);
    diagnostics.push(...parsed.diagnostics);
    if (!parsed.source) continue;
    const result = toPost(parsed.source, config);
    diagnostics.push(...result.diagnostics);
    if (result.post) posts.push(result.post);
  }
  const { site, diagnostics: siteProblems } = buildSite(posts, config, options);
  diagnostics.push(...siteProblems);
  const sorted = sortDiagnostics(diagnostics);
  if (hasErrors(sorted)) return { files: [], diagnostics: sorted, site };
  return { files: render(site), diagnostics: sorted, site };
}

/** Serialize the site: three feeds, the pages and the stylesheet. */
export function render(site: Site): OutputFile[] {
  const feed = mainFeed(site);
  return [
    { path: feed.paths.rss, contents: rss(feed) },
    { path: feed.paths.atom, contents: atom(feed) },
    { path: feed.paths.json, contents: jsonFeed(feed) },
    { path: 'index.html', contents: indexPage(site) },
    { path: 'style.css', contents: STYLESHEET },
    ...site.posts.map((post) => ({ path: `posts/${post.slug}/index.html`, contents: postPage(site, post) })),
  ];
}
