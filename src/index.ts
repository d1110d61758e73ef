/** Public API: build feeds from code. */
export { build, feedDocs, render, type BuildOptions, type BuildResult } from './build.js';
export { archivePaths, pageFeed, type Paging } from './feeds/archive.js';
export { DiskCache } from './engine/cache.js';
export { DamagedCacheError, StageError } from './common/errors.js';
export type { FeedDoc, FeedHistory } from './feeds/doc.js';
export { tagFeeds } from './feeds/tags.js';
export { collectTags, tagSlug, type Tag } from './site/tags.js';
export { main, type Io } from './cli/cli.js';
export { resolveConfig, type Author, type ResolvedConfig, type ConfigSource } from './config/config.js';
export { formatDiagnostic, type Diagnostic, type Severity } from './common/diagnostics.js';
export { loadConfigSource } from './config/load.js';
export type { PermalinkConfig } from './config/permalink.js';
export type { Post } from './post/post.js';
export type { Site } from './site/site.js';
export { writeOutput, type OutputFile, type OutputManifest, type WriteOptions } from './output/write.js';
