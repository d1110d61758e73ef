import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import mime from 'mime';
import type { BundleAsset } from './assets.js';

/**
 * What the build knows about a bundle file without reading it whole: its real byte length, its media type
 * (from the `mime` library, which knows `.mp3` is audio/mpeg, `.m4a` audio/mp4 and `.jpg` image/jpeg) and,
 * for images, the pixel size read from the file header. Plain data, so `toPost` stays a pure function of it.
 */
export interface AssetInfo {
  /** Path inside the bundle, `/`-separated, NFC. */
  readonly path: string;
  /** Size in bytes, from the file system. */
  readonly size: number;
  /** Media type, when the extension is a known one. */
  readonly type?: string;
  /** Display width and height in CSS pixels (EXIF rotation applied), for images whose header could be read. */
  readonly width?: number;
  readonly height?: number;
}

/** The media type registered for a file name's extension (case-insensitive), or undefined. */
export function mediaType(name: string): string | undefined {
  return mime.getType(name) ?? undefined;
}

/** Look up types and image sizes for a bundle's files (synchronously, for the reason given in assets.ts). */
export function describeAssets(assets: readonly BundleAsset[]): AssetInfo[] {
  return assets.map((asset) => {
    const type = mediaType(asset.path);
    const info: AssetInfo = { path: asset.path, size: asset.size, ...(type !== undefined && { type }) };
    const size = type?.startsWith('image/') && asset.size > 0 ? readImageSize(asset.file, asset.size) : undefined;
    return size ? { ...info, ...size } : info;
  });
}

// Most formats state their size in the first few hundred bytes; a JPEG's frame header can sit behind a large
// EXIF block (embedded thumbnail), so read a little first and more only when that was not enough. Bytes read
// are what costs (1,000 images: 20 ms reading 4 KB each, 570 ms reading 64 KB each, on the CI machine).
const READS = [4 * 1024, 64 * 1024, 512 * 1024];

/** Width and height from the file header, or undefined when the format is unknown or the header is damaged. */
export function readImageSize(file: string, size: number): { width: number; height: number } | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    for (const limit of READS) {
      const length = Math.min(size, limit);
      const buffer = new Uint8Array(length);
      const bytesRead = readSync(fd, buffer, 0, length, 0);
      const result = measure(buffer.subarray(0, bytesRead));
      if (result) return result;
      if (size <= limit) break;
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function measure(bytes: Uint8Array): { width: number; height: number } | undefined {
  let result;
  try {
    result = imageSizeOf(bytes);
  } catch {
    return undefined;
  }
  const { width, height, orientation } = result;
  if (!(width > 0 && height > 0)) return undefined;
  // EXIF orientations 5–8 are rotated by a quarter turn: browsers show the image with the sides swapped.
  return orientation !== undefined && orientation >= 5 && orientation <= 8 ? { width: height, height: width } : { width, height };
}

let loaded: typeof import('image-size').imageSize | undefined;

/** image-size, loaded on first use: most builds have no images in bundles, and every build starts the CLI. */
function imageSizeOf(bytes: Uint8Array): ReturnType<typeof import('image-size').imageSize> {
  loaded ??= (createRequire(import.meta.url)('image-size') as typeof import('image-size')).imageSize;
  return loaded(bytes);
}
