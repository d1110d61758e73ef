/** Public API: build feeds from code. */
export { build, feedDocs, render, type BuildOptions, type BuildResult } from './build.js';
export { archivePaths, pageFeed, type Paging } from './feeds/archive.js';
export { DiskCache } from './cache.js';
export { DamagedCacheError, StageError } from './errors.js';
export type { FeedDoc, FeedHistory } from './feeds/doc.js';
export { tagFeeds } from './feeds/tags.js';
export { collectTags, tagSlug, type Tag } from './tags.js';
export { main, type Io } from './cli.js';
export { resolveConfig, type Author, type ResolvedConfig, type ConfigSource } from './config.js';
export { formatDiagnostic, type Diagnostic, type Severity } from './diagnostics.js';
export { loadConfigSource } from './load-config.js';
export type { PermalinkConfig } from './permalink.js';
export type { Post } from './post.js';
export type { Site } from './site.js';
export { writeOutput, type OutputFile, type OutputManifest, type WriteOptions } from './write.js';
