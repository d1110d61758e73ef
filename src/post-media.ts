import { posix } from 'node:path';
import { describe } from './config.js';
import type { AssetInfo } from './media-info.js';
import { mediaType } from './media-info.js';
import { isPlainObject } from './util.js';

/**
 * The media part of a post's front matter: the cover `image`, files attached with `enclosure`, `audio` or
 * `video`, and podcast episode details. Pure: what is known about the bundle's files arrives as data
 * (`AssetInfo`, gathered while reading the posts), so `toPost` never touches the disk.
 */

export const MEDIA_KEYS = ['enclosure', 'audio', 'video', 'duration', 'episode', 'season', 'episodeType', 'explicit'] as const;

/**
 * A file attached to a post: RSS `enclosure` (the first one only), Atom `link rel="enclosure"`, JSON Feed
 * `attachments`. Posts list `audio`, then `video`, then `enclosure` files.
 */
export interface Attachment {
  /** Absolute URL. */
  readonly url: string;
  /** Media type, e.g. `audio/mpeg`. */
  readonly type: string;
  /** Size in bytes, always known and positive (read from the file, or given for remote files). */
  readonly length: number;
  /** Playing time in seconds. */
  readonly duration?: number;
  readonly title?: string;
}

/** What is known about the cover image besides its URL (local images only). */
export interface ImageInfo {
  readonly type?: string;
  readonly length?: number;
  readonly width?: number;
  readonly height?: number;
}

/** Podcast episode details for the `itunes:` item tags; each only when the front matter gives it. */
export interface EpisodeInfo {
  readonly episode?: number;
  readonly season?: number;
  readonly episodeType?: 'full' | 'trailer' | 'bonus';
  readonly explicit?: boolean;
}

/** Pixel size of a local image, keyed by its absolute URL, for `width`/`height` on `<img>` in the content. */
export type ImageSizes = ReadonlyMap<string, { readonly width: number; readonly height: number }>;

export interface PostMedia {
  readonly image?: string;
  readonly imageInfo?: ImageInfo;
  readonly attachments: readonly Attachment[];
  readonly episode?: EpisodeInfo;
  readonly imageSizes: ImageSizes;
}

/** Reports a problem at a front-matter key. */
export type MediaReport = (key: string, code: string, message: string) => void;

export interface MediaInput {
  readonly data: Readonly<Record<string, unknown>>;
  /** The post's absolute URL: relative paths resolve against it, as bundle files are published beside the page. */
  readonly postUrl: string;
  /** Source path, for messages. */
  readonly source: string;
  /** Files in the post's bundle; undefined for a single-file post. */
  readonly assets: readonly AssetInfo[] | undefined;
  /** Whether the config turns on podcast mode. */
  readonly podcast: boolean;
}

/** Validate the media front matter; every problem is reported, nothing is thrown. */
export function readPostMedia(input: MediaInput, error: MediaReport, warn: MediaReport): PostMedia {
  const { data, postUrl, assets } = input;
  const files = new Map((assets ?? []).map((a) => [a.path, a]));
  const imageSizes = new Map<string, { width: number; height: number }>();
  for (const a of assets ?? []) {
    if (a.width !== undefined && a.height !== undefined) imageSizes.set(assetUrl(a.path, postUrl), { width: a.width, height: a.height });
  }

  /** A local path's bundle file, or a report of why there is none. */
  const local = (key: string, value: string): AssetInfo | undefined => {
    const path = bundlePath(value);
    if (path === undefined) {
      error(key, 'invalid-media', `"${key}" path "${value}" leaves the post bundle; name a file beside index.md or give an absolute URL`);
      return undefined;
    }
    if (assets === undefined) {
      error(key, 'missing-media', `"${key}" names a local file "${value}", but ${input.source} is a single-file post: make it a bundle (posts/<slug>/index.md with ${path} beside it) or give an absolute https:// URL`);
      return undefined;
    }
    const file = files.get(path) ?? files.get(safeDecode(path));
    if (!file) {
      const near = [...files.keys()].filter((p) => posix.extname(p).toLowerCase() === posix.extname(path).toLowerCase());
      error(key, 'missing-media', `"${key}" file "${value}" was not found beside ${input.source}${near.length > 0 ? ` (files there with that extension: ${near.join(', ')})` : ''}`);
    }
    return file;
  };

  let image: string | undefined;
  let imageInfo: ImageInfo | undefined;
  if (data.image !== undefined && data.image !== null) {
    if (typeof data.image !== 'string' || data.image.trim() === '') {
      error('image', 'invalid-image', `"image" must be an http(s) URL or the name of an image file in the post bundle, found ${describe(data.image)}`);
    } else if (isLocalPath(data.image)) {
      const file = local('image', data.image.trim());
      if (file && !file.type?.startsWith('image/')) {
        error('image', 'media-type-mismatch', `"image" file "${file.path}" is ${file.type ?? 'of an unknown media type'}, not an image`);
      } else if (file) {
        image = assetUrl(file.path, postUrl);
        imageInfo = {
          ...(file.type !== undefined && { type: file.type }), length: file.size,
          ...(file.width !== undefined && { width: file.width, height: file.height }),
        };
      }
    } else {
      image = httpUrl(data.image, postUrl);
      if (image === undefined) error('image', 'invalid-image', `"image" must be an http(s) URL or the name of an image file in the post bundle, found ${describe(data.image)}`);
    }
  }

  const attachments: Attachment[] = [];
  // Audio and video first: RSS carries only the first attachment, and for a podcast that must be the episode.
  for (const key of ['audio', 'video', 'enclosure'] as const) {
    const raw = data[key];
    if (raw === undefined || raw === null) continue;
    for (const entry of Array.isArray(raw) ? raw : [raw]) {
      const attachment = readAttachment(key, entry, { local, postUrl, error, warn });
      if (attachment) attachments.push(attachment);
    }
  }

  if (data.duration !== undefined && data.duration !== null) {
    const seconds = parseDuration(data.duration);
    const first = attachments[0];
    if (seconds === undefined) {
      error('duration', 'invalid-duration', `"duration" must be seconds (3723) or hours:minutes:seconds ("1:02:03"), found ${describe(data.duration)}`);
    } else if (!first) {
      warn('duration', 'duration-without-media', '"duration" is the playing time of the post\'s audio or video, but the post has no "audio", "video" or "enclosure"; it is ignored');
    } else if (first.duration !== undefined) {
      error('duration', 'invalid-duration', '"duration" is given twice: at the top and inside the first attachment; keep one');
    } else {
      attachments[0] = { ...first, duration: seconds };
    }
  }

  const episode = readEpisode(data, error);
  if (!input.podcast && episode) {
    const key = Object.keys(episode)[0] ?? 'episode';
    warn(key, 'podcast-field-unused', `"${key}" is only used in podcast mode: add a "podcast" section to the feedwright config, or remove it`);
  }
  if (input.podcast && !attachments.some((a) => a.type.startsWith('audio/') || a.type.startsWith('video/'))) {
    warn('title', 'podcast-episode-without-media', 'the feed is a podcast, but this post has no "audio" or "video": podcast apps will skip it');
  }

  return {
    attachments, imageSizes,
    ...(image !== undefined && { image }),
    ...(imageInfo !== undefined && { imageInfo }),
    ...(episode !== undefined && { episode }),
  };
}

interface AttachmentContext {
  readonly local: (key: string, value: string) => AssetInfo | undefined;
  readonly postUrl: string;
  readonly error: MediaReport;
  readonly warn: MediaReport;
}

const ATTACHMENT_FIELDS = ['url', 'type', 'length', 'duration', 'title'];

function readAttachment(key: 'enclosure' | 'audio' | 'video', entry: unknown, ctx: AttachmentContext): Attachment | undefined {
  const { error } = ctx;
  const fields: Record<string, unknown> = typeof entry === 'string' ? { url: entry } : isPlainObject(entry) ? entry : {};
  if (typeof entry !== 'string' && !isPlainObject(entry)) {
    error(key, 'invalid-media', `"${key}" must be a file name in the post bundle, an absolute URL, or {url, type, length, duration}, found ${describe(entry)}`);
    return undefined;
  }
  const unknown = Object.keys(fields).find((f) => !ATTACHMENT_FIELDS.includes(f));
  if (unknown !== undefined) {
    error(key, 'invalid-media', `unknown "${key}" field "${unknown}"; known fields: ${ATTACHMENT_FIELDS.join(', ')}`);
    return undefined;
  }
  const { url: rawUrl, type: rawType, length: rawLength, duration: rawDuration, title } = fields;
  if (typeof rawUrl !== 'string' || rawUrl.trim() === '') {
    error(key, 'invalid-media', `"${key}" needs a "url": a file name in the post bundle or an absolute URL, found ${describe(rawUrl)}`);
    return undefined;
  }
  if (rawType !== undefined && (typeof rawType !== 'string' || !/^[a-z]+\/[a-z0-9.+-]+$/i.test(rawType.trim()))) {
    error(key, 'invalid-media', `"${key}" "type" must be a media type such as audio/mpeg, found ${describe(rawType)}`);
    return undefined;
  }
  if (title !== undefined && typeof title !== 'string') {
    error(key, 'invalid-media', `"${key}" "title" must be text, found ${describe(title)}`);
    return undefined;
  }
  let duration: number | undefined;
  if (rawDuration !== undefined) {
    duration = parseDuration(rawDuration);
    if (duration === undefined) {
      error(key, 'invalid-duration', `"${key}" "duration" must be seconds (3723) or hours:minutes:seconds ("1:02:03"), found ${describe(rawDuration)}`);
      return undefined;
    }
  }
  const givenType = typeof rawType === 'string' ? rawType.trim().toLowerCase() : undefined;

  let url: string | undefined;
  let type: string | undefined;
  let length: number | undefined;
  if (isLocalPath(rawUrl)) {
    const file = ctx.local(key, rawUrl.trim());
    if (!file) return undefined;
    if (file.size === 0) {
      error(key, 'empty-media', `"${key}" file "${file.path}" is empty (0 bytes)`);
      return undefined;
    }
    url = assetUrl(file.path, ctx.postUrl);
    type = givenType ?? file.type;
    length = file.size;
    if (rawLength !== undefined && rawLength !== file.size) {
      ctx.warn(key, 'media-length-ignored', `"${key}" "length" ${String(rawLength)} is ignored: the file "${file.path}" is ${file.size} bytes, and feeds carry the real size`);
    }
    if (type === undefined) {
      error(key, 'unknown-media-type', `cannot tell the media type of "${file.path}" from its extension: write ${key}: {url: ${file.path}, type: audio/mpeg} with its real type`);
      return undefined;
    }
  } else {
    url = httpUrl(rawUrl, ctx.postUrl);
    if (url === undefined) {
      error(key, 'invalid-media', `"${key}" must be an http(s) URL or a file name in the post bundle, found ${describe(rawUrl)}`);
      return undefined;
    }
    // Remote files are never fetched at build time: their size must be written down, never guessed as 0.
    if (typeof rawLength !== 'number' || !Number.isSafeInteger(rawLength) || rawLength <= 0) {
      error(key, 'missing-media-length', `"${key}" ${url} is not in the post bundle, so its size in bytes must be given: ${key}: {url: ${url}, length: 12345678${givenType ? '' : ', type: audio/mpeg'}}${rawLength === undefined ? '' : `; found "length" ${describe(rawLength)}`}`);
      return undefined;
    }
    length = rawLength;
    type = givenType ?? mediaType(new URL(url).pathname);
    if (type === undefined) {
      error(key, 'unknown-media-type', `cannot tell the media type of ${url} from its name: add "type", e.g. ${key}: {url: …, length: ${length}, type: audio/mpeg}`);
      return undefined;
    }
  }
  if ((key === 'audio' || key === 'video') && !type.startsWith(`${key}/`)) {
    error(key, 'media-type-mismatch', `"${key}" must be ${key === 'audio' ? 'an audio' : 'a video'} file, but ${url} is ${type}; use "enclosure" for other files`);
    return undefined;
  }
  return {
    url, type, length,
    ...(duration !== undefined && { duration }),
    ...(typeof title === 'string' && title.trim() !== '' && { title: title.trim() }),
  };
}

function readEpisode(data: Readonly<Record<string, unknown>>, error: MediaReport): EpisodeInfo | undefined {
  const out: { episode?: number; season?: number; episodeType?: 'full' | 'trailer' | 'bonus'; explicit?: boolean } = {};
  for (const key of ['episode', 'season'] as const) {
    const v = data[key];
    if (v === undefined || v === null) continue;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) out[key] = v;
    else error(key, 'wrong-type', `"${key}" must be a whole number from 1 up, found ${describe(v)}`);
  }
  const t = data.episodeType;
  if (t !== undefined && t !== null) {
    if (t === 'full' || t === 'trailer' || t === 'bonus') out.episodeType = t;
    else error('episodeType', 'wrong-type', `"episodeType" must be full, trailer or bonus, found ${describe(t)}`);
  }
  const e = data.explicit;
  if (e !== undefined && e !== null) {
    if (typeof e === 'boolean') out.explicit = e;
    else error('explicit', 'wrong-type', `"explicit" must be true or false, found ${describe(e)}`);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Seconds from `3723`, `"3723"`, `"62:03"` or `"1:02:03"` (Apple's H:MM:SS and M:SS); undefined otherwise. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const parts = value.trim().split(':');
  if (parts.length > 3 || !parts.every((p, i) => (i === parts.length - 1 ? /^\d+(\.\d+)?$/ : /^\d+$/).test(p))) return undefined;
  const [s = 0, m = 0, h = 0] = parts.map(Number).reverse();
  if (parts.length > 1 && s >= 60) return undefined;
  if (parts.length === 3 && m >= 60) return undefined;
  const seconds = h * 3600 + m * 60 + s;
  return seconds > 0 ? seconds : undefined;
}

/** No scheme and not root-relative: a file in the post bundle. */
function isLocalPath(value: string): boolean {
  const v = value.trim();
  return !/^[a-z][a-z0-9+.-]*:/i.test(v) && !v.startsWith('/') && !v.startsWith('\\');
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

/** Absolute URL of a bundle file: bundle files are published beside the post's page. */
export function assetUrl(path: string, postUrl: string): string {
  return new URL(path.split('/').map(encodeURIComponent).join('/'), postUrl).href;
}

function httpUrl(value: string, base: string): string | undefined {
  try {
    const u = new URL(value.trim(), base);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}
