import { MEDIA_KEYS } from './media/front-matter.js';

/**
 * Which front-matter keys feedwright reads, under which names other generators write them, and which keys it
 * accepts without reading (they only matter to another generator's templates). One table, so the README, the
 * unknown-key warning and `toPost` agree.
 */

/**
 * Keys read for each field, in precedence order: when several are present the first one wins and the others are
 * ignored without a word (generators write them side by side on purpose: Hugo's `description` is for search
 * engines and `summary` for lists; its `publishDate` can differ from `date`).
 */
export const ALIASES = {
  date: ['date', 'pubDate', 'pubdate', 'publishDate', 'publishdate', 'published', 'pubDatetime'],
  updated: ['updated', 'lastmod', 'lastMod', 'last_modified_at', 'updatedDate', 'modified', 'modDatetime'],
  summary: ['summary', 'description', 'excerpt', 'spoiler'],
  /** Hugo's expiry date (its names for it; Hugo reads front-matter keys in any letter case). */
  expires: ['expiryDate', 'expirydate', 'unpublishDate', 'unpublishdate'],
} as const;

/** Keys whose values are all taken as tags, merged in this order (duplicates dropped, letter case ignored). */
export const TAG_KEYS = ['tags', 'categories', 'category'] as const;

/** Zola's `[taxonomies]` table: these of its lists are tags too. */
export const TAXONOMY_TAG_KEYS = ['tags', 'categories'] as const;

/** Every top-level key feedwright reads (`permalink` and `url` only when the config asks; see config.ts). */
export const READ_KEYS: readonly string[] = [
  'title', ...ALIASES.date, ...ALIASES.updated, ...ALIASES.expires, 'slug', ...ALIASES.summary, ...TAG_KEYS, 'taxonomies',
  'author', 'authors', 'draft', 'id', 'image', 'excerpt_separator', ...MEDIA_KEYS,
];

/** The names shown in messages as "the keys feedwright reads": one per field, not every alias. */
export const CANONICAL_KEYS: readonly string[] = [
  'title', 'date', 'updated', 'slug', 'summary', 'tags', 'author', 'authors', 'draft', 'id', 'image', ...MEDIA_KEYS,
];

/**
 * Keys that only matter to other generators (their templates, redirects, menus, search, ordering), gathered
 * from the front-matter documentation of Jekyll (and its common plugins and themes), Hugo, Zola, Eleventy,
 * Astro's blog template, Hexo and Docusaurus. Accepted without a warning and without effect.
 */
export const QUIET_KEYS: ReadonlySet<string> = new Set([
  // Jekyll and its plugins (jekyll-seo-tag, jekyll-redirect-from, Minimal Mistakes, Chirpy)
  'layout', 'permalink', 'render_with_liquid', 'redirect_from', 'redirect_to', 'canonical_url',
  'comments', 'toc', 'toc_label', 'toc_sticky', 'math', 'mermaid', 'pin', 'hidden', 'sitemap', 'header', 'classes',
  'author_profile', 'read_time', 'related', 'share', 'show_date', 'sidebar', 'feature_image', 'featured', 'seo', 'lang',
  // Hugo (and PaperMod-style themes)
  'aliases', 'build', 'cascade', 'headless', 'images', 'isCJKLanguage',
  'keywords', 'linkTitle', 'markup', 'menu', 'menus', 'outputs', 'params', 'resources', 'series',
  'translationKey', 'type', 'url', 'videos', 'weight', 'showToc', 'TocOpen', 'cover', 'canonicalURL', 'disableShare',
  'hidemeta', 'searchHidden', 'ShowReadingTime', 'ShowBreadCrumbs', 'ShowPostNavLinks', 'featured_image', 'subtitle',
  // Zola
  'path', 'template', 'in_search_index', 'extra',
  // Eleventy
  'pagination', 'eleventyExcludeFromCollections', 'eleventyComputed', 'eleventyNavigation', 'eleventyImport',
  'templateEngineOverride', 'dynamicPermalink', 'permalinkBypassOutputDir',
  // Astro's blog template and themes, Starlight, Docusaurus, Hexo
  'heroImage', 'hero', 'ogImage', 'tableOfContents', 'lastUpdated', 'prev', 'next', 'editUrl', 'head', 'banner',
  'pagefind', 'minutesRead', 'timezone', 'hideEditPost', 'hide_table_of_contents', 'unlisted', 'last_update',
  'sidebar_label', 'sidebar_position', 'toc_min_heading_level', 'toc_max_heading_level', 'thumbnail', 'disableNunjucks',
]);
