import type { ResolvedConfig } from '../config/config.js';
import { diagnostic, type Diagnostic, type Position } from '../common/diagnostics.js';
import { mediaType, readImageSize } from '../read/media-info.js';
import type { StaticFile } from '../read/static-files.js';

/** What the build read from an image file: its media type and pixel size, where they could be told. */
export interface ImageInfo {
  readonly type?: string;
  readonly width?: number;
  readonly height?: number;
}

/**
 * The config's `icon` and `logo`, when they are files of the static folder: the feeds and pages state their
 * type and size where a format carries them (RSS `<image>` width and height, `<link rel="icon" type sizes>`,
 * `og:image:type`/`width`/`height`). An image given as a full URL is not read (nothing is fetched).
 */
export interface SiteImages {
  readonly icon?: ImageInfo;
  readonly logo?: ImageInfo;
}

/** Where a config key is written, for messages: the config file and the key's line. */
export type ConfigLocator = (key: string) => { readonly file: string; readonly at?: Position };

/**
 * Check that a relative `icon`/`logo` names a file of the static folder (an error at its config line otherwise:
 * the feeds would point readers at a file nobody publishes), and read its type and size.
 */
export function siteImages(config: ResolvedConfig, files: readonly StaticFile[], locate: ConfigLocator): { images: SiteImages; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const byPath = new Map(files.map((f) => [f.path, f]));
  const read = (key: 'icon' | 'logo', path: string | undefined): ImageInfo | undefined => {
    if (path === undefined) return undefined;
    const file = byPath.get(path);
    // (Looked up only for a message: finding a key's line parses the config text with the YAML library.)
    if (!file) {
      const where = locate(key);
      diagnostics.push(diagnostic(where.file, 'error', 'config-file-missing',
        `"${key}" names ${path}, which is not in the static folder: add ${config.static}/${path} (its files are published at the site URL, so it is served as ${key === 'icon' ? config.icon : config.logo}), or give a full https:// URL`, where.at));
      return undefined;
    }
    const type = mediaType(path);
    if (type !== undefined && !type.startsWith('image/')) {
      const where = locate(key);
      diagnostics.push(diagnostic(where.file, 'error', 'config-image-type', `"${key}" must be an image, found ${file.shown} (${type})`, where.at));
      return undefined;
    }
    const size = type !== undefined && file.size > 0 ? readImageSize(file.file, file.size) : undefined;
    return { ...(type !== undefined && { type }), ...size };
  };
  const icon = read('icon', config.iconFile);
  const logo = read('logo', config.logoFile);
  return { images: { ...(icon && { icon }), ...(logo && { logo }) }, diagnostics };
}
