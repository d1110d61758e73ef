import { describe } from '../../config/config.js';
import { EPISODE_KEYS, readEpisode, type EpisodeInfo } from '../podcast/episode.js';
import { parseDuration, readAttachment, type Attachment } from './attachment.js';
import { assetUrl, bundleLookup, httpUrl, imageSizes, isLocalPath, type ImageSizes, type LocalLookup, type MediaReport } from './bundle.js';
import type { AssetInfo } from '../../read/media-info.js';
import { isPlainObject } from '../../common/util.js';

/**
 * The media part of a post's front matter: the cover `image`, files attached with `audio`, `video` or
 * `enclosure`, and podcast episode details. Pure: what is known about the bundle's files arrives as data
 * (`AssetInfo`, gathered while reading the posts), so `toPost` never touches the disk.
 */

export const MEDIA_KEYS = ['audio', 'video', 'enclosure', 'duration', ...EPISODE_KEYS] as const;

/** What is known about the cover image besides its URL (local images only). */
export interface ImageInfo {
  readonly type?: string;
  readonly length?: number;
  readonly width?: number;
  readonly height?: number;
}

export interface PostMedia {
  readonly image?: string;
  readonly imageInfo?: ImageInfo;
  readonly attachments: readonly Attachment[];
  readonly episode?: EpisodeInfo;
  /** Sizes of the bundle's images, for `<img>` in the content. */
  readonly imageSizes: ImageSizes;
}

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
  const { data, postUrl } = input;
  const local = bundleLookup(input.assets, input.source, error);
  const cover = readCover(data.image, postUrl, local, error);

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
  applyDuration(data.duration, attachments, error, warn);

  const episode = readEpisode(data, error);
  if (!input.podcast && episode) {
    const key = Object.keys(episode)[0] ?? 'episode';
    warn(key, 'podcast-field-unused', `"${key}" is only used in podcast mode: add a "podcast" section to the feedwright config, or remove it`);
  }
  if (input.podcast && !attachments.some((a) => a.type.startsWith('audio/') || a.type.startsWith('video/'))) {
    warn('title', 'podcast-episode-without-media', 'the feed is a podcast, but this post has no "audio" or "video": podcast apps will skip it');
  }
  return {
    ...cover,
    attachments,
    ...(episode !== undefined && { episode }),
    imageSizes: imageSizes(input.assets, postUrl),
  };
}

/** The cover: a bundle image (with its type, size and pixel size) or an http(s) URL. */
function readCover(written: unknown, postUrl: string, local: LocalLookup, error: MediaReport): { image?: string; imageInfo?: ImageInfo } {
  if (written === undefined || written === null) return {};
  // Jekyll themes (Chirpy and others) write the cover as a mapping, `image: {path: …, alt: …}`.
  const value = isPlainObject(written) ? [written.path, written.src, written.url].find((v) => typeof v === 'string') ?? written : written;
  const invalid = (): { image?: string } => {
    error('image', 'invalid-image', `"image" must be an http(s) URL or the name of an image file in the post bundle, found ${describe(value)}`);
    return {};
  };
  if (typeof value !== 'string' || value.trim() === '') return invalid();
  if (!isLocalPath(value)) {
    const image = httpUrl(value, postUrl);
    return image === undefined ? invalid() : { image };
  }
  const file = local('image', value.trim());
  if (!file) return {};
  if (!file.type?.startsWith('image/')) {
    error('image', 'media-type-mismatch', `"image" file "${file.path}" is ${file.type ?? 'of an unknown media type'}, not an image`);
    return {};
  }
  return {
    image: assetUrl(file.path, postUrl),
    imageInfo: {
      type: file.type, length: file.size,
      ...(file.width !== undefined && { width: file.width, height: file.height }),
    },
  };
}

/** A top-level `duration` is the playing time of the first attachment (the episode). */
function applyDuration(value: unknown, attachments: Attachment[], error: MediaReport, warn: MediaReport): void {
  if (value === undefined || value === null) return;
  const seconds = parseDuration(value);
  const first = attachments[0];
  if (seconds === undefined) {
    error('duration', 'invalid-duration', `"duration" must be seconds (3723) or hours:minutes:seconds ("1:02:03"), found ${describe(value)}`);
  } else if (!first) {
    warn('duration', 'duration-without-media', '"duration" is the playing time of the post\'s audio or video, but the post has no "audio", "video" or "enclosure"; it is ignored');
  } else if (first.duration !== undefined) {
    error('duration', 'invalid-duration', '"duration" is given twice: at the top and inside the first attachment; keep one');
  } else {
    attachments[0] = { ...first, duration: seconds };
  }
}
