import { posix } from 'node:path';
import type { ImageSizeLookup } from '../html.js';
import type { AssetInfo } from '../../read/media-info.js';

/**
 * How front matter names media: a path without a scheme (`cover.jpg`, `audio/ep1.mp3`) is a file in the post's
 * bundle, published beside the post's page; anything else is a URL, resolved against the post's URL.
 */

/** Reports a problem at a front-matter key. */
export type MediaReport = (key: string, code: string, message: string) => void;

/** Finds the bundle file a front-matter value names, or reports why there is none. */
export type LocalLookup = (key: string, value: string) => AssetInfo | undefined;

/** A lookup over one post's bundle files (`assets` is undefined for a single-file post). */
export function bundleLookup(assets: readonly AssetInfo[] | undefined, source: string, error: MediaReport): LocalLookup {
  const files = new Map((assets ?? []).map((a) => [a.path, a]));
  return (key, value) => {
    const path = bundlePath(value);
    if (path === undefined) {
      error(key, 'invalid-media', `"${key}" path "${value}" leaves the post bundle; name a file beside index.md or give an absolute URL`);
      return undefined;
    }
    if (assets === undefined) {
      error(key, 'missing-media', `"${key}" names a local file "${value}", but ${source} is a single-file post: make it a bundle (posts/<slug>/index.md with ${path} beside it) or give an absolute https:// URL`);
      return undefined;
    }
    const file = files.get(path) ?? files.get(safeDecode(path));
    if (!file) {
      const near = [...files.keys()].filter((p) => posix.extname(p).toLowerCase() === posix.extname(path).toLowerCase());
      error(key, 'missing-media', `"${key}" file "${value}" was not found beside ${source}${near.length > 0 ? ` (files there with that extension: ${near.join(', ')})` : ''}`);
    }
    return file;
  };
}

/** Pixel size of a local image, keyed by its absolute URL, for `width`/`height` on `<img>` in the content. */
export type ImageSizes = ImageSizeLookup;

/** The sizes of a bundle's images, by the URLs the post's HTML will use for them once made absolute. */
export function imageSizes(assets: readonly AssetInfo[] | undefined, postUrl: string): ImageSizes {
  const sizes = new Map<string, { width: number; height: number }>();
  for (const a of assets ?? []) {
    if (a.width !== undefined && a.height !== undefined) sizes.set(assetUrl(a.path, postUrl), { width: a.width, height: a.height });
  }
  return sizes;
}

/** No scheme and not root-relative: a file in the post bundle. */
export function isLocalPath(value: string): boolean {
  const v = value.trim();
  return !/^[a-z][a-z0-9+.-]*:/i.test(v) && !v.startsWith('/') && !v.startsWith('\\');
}

/** Absolute URL of a bundle file: bundle files are published beside the post's page. */
export function assetUrl(path: string, postUrl: string): string {
  return new URL(path.split('/').map(encodeURIComponent).join('/'), postUrl).href;
}

/** An absolute http(s) URL resolved against `base`, or undefined. */
export function httpUrl(value: string, base: string): string | undefined {
  try {
    const u = new URL(value.trim(), base);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** `./audio/ep1.mp3` → `audio/ep1.mp3` (NFC); undefined when the path climbs out of the bundle. */
function bundlePath(value: string): string | undefined {
  const normalized = posix.normalize(value.replace(/\\/g, '/')).normalize('NFC');
  if (normalized === '..' || normalized.startsWith('../') || normalized === '.' || normalized.endsWith('/')) return undefined;
  return normalized;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
