import { describe } from '../../config/config.js';
import { isPlainObject } from '../../common/util.js';
import { assetUrl, httpUrl, isLocalPath, type LocalLookup, type MediaReport } from './bundle.js';
import { mediaType, type AssetInfo } from '../../read/media-info.js';

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

export type AttachmentKey = 'audio' | 'video' | 'enclosure';

export interface AttachmentContext {
  readonly local: LocalLookup;
  readonly postUrl: string;
  readonly error: MediaReport;
  readonly warn: MediaReport;
}

const FIELDS = ['url', 'type', 'length', 'duration', 'title'];

/** One `audio`/`video`/`enclosure` entry: a bundle file name, a URL, or `{url, type, length, duration, title}`. */
export function readAttachment(key: AttachmentKey, entry: unknown, ctx: AttachmentContext): Attachment | undefined {
  const fail = (code: string, message: string): undefined => {
    ctx.error(key, code, message);
    return undefined;
  };
  if (typeof entry !== 'string' && !isPlainObject(entry)) {
    return fail('invalid-media', `"${key}" must be a file name in the post bundle, an absolute URL, or {url, type, length, duration}, found ${describe(entry)}`);
  }
  const fields: Record<string, unknown> = typeof entry === 'string' ? { url: entry } : entry;
  const unknown = Object.keys(fields).find((f) => !FIELDS.includes(f));
  if (unknown !== undefined) return fail('invalid-media', `unknown "${key}" field "${unknown}"; known fields: ${FIELDS.join(', ')}`);
  const { url, type, length, duration: rawDuration, title } = fields;
  if (typeof url !== 'string' || url.trim() === '') {
    return fail('invalid-media', `"${key}" needs a "url": a file name in the post bundle or an absolute URL, found ${describe(url)}`);
  }
  if (type !== undefined && (typeof type !== 'string' || !/^[a-z]+\/[a-z0-9.+-]+$/i.test(type.trim()))) {
    return fail('invalid-media', `"${key}" "type" must be a media type such as audio/mpeg, found ${describe(type)}`);
  }
  if (title !== undefined && typeof title !== 'string') return fail('invalid-media', `"${key}" "title" must be text, found ${describe(title)}`);
  const duration = rawDuration === undefined ? undefined : parseDuration(rawDuration);
  if (rawDuration !== undefined && duration === undefined) {
    return fail('invalid-duration', `"${key}" "duration" must be seconds (3723) or hours:minutes:seconds ("1:02:03"), found ${describe(rawDuration)}`);
  }
  const given = { type: typeof type === 'string' ? type.trim().toLowerCase() : undefined, length };
  const file = isLocalPath(url) ? fromBundle(key, url.trim(), given, ctx) : fromUrl(key, url, given, ctx);
  if (!file) return undefined;
  if ((key === 'audio' || key === 'video') && !file.type.startsWith(`${key}/`)) {
    return fail('media-type-mismatch', `"${key}" must be ${key === 'audio' ? 'an audio' : 'a video'} file, but ${file.url} is ${file.type}; use "enclosure" for other files`);
  }
  return {
    ...file,
    ...(duration !== undefined && { duration }),
    ...(typeof title === 'string' && title.trim() !== '' && { title: title.trim() }),
  };
}

type Given = { readonly type: string | undefined; readonly length: unknown };
type Located = { url: string; type: string; length: number };

/** A bundle file: its real size, and its type from the media-type library unless `type` is given. */
function fromBundle(key: AttachmentKey, value: string, given: Given, ctx: AttachmentContext): Located | undefined {
  const file: AssetInfo | undefined = ctx.local(key, value);
  if (!file) return undefined;
  if (file.size === 0) {
    ctx.error(key, 'empty-media', `"${key}" file "${file.path}" is empty (0 bytes)`);
    return undefined;
  }
  if (given.length !== undefined && given.length !== file.size) {
    ctx.warn(key, 'media-length-ignored', `"${key}" "length" ${String(given.length)} is ignored: the file "${file.path}" is ${file.size} bytes, and feeds carry the real size`);
  }
  const type = given.type ?? file.type;
  if (type === undefined) {
    ctx.error(key, 'unknown-media-type', `cannot tell the media type of "${file.path}" from its extension: write ${key}: {url: ${file.path}, type: audio/mpeg} with its real type`);
    return undefined;
  }
  return { url: assetUrl(file.path, ctx.postUrl), type, length: file.size };
}

/** A remote file: never fetched at build time, so its size must be written down, never guessed as 0. */
function fromUrl(key: AttachmentKey, value: string, given: Given, ctx: AttachmentContext): Located | undefined {
  const url = httpUrl(value, ctx.postUrl);
  if (url === undefined) {
    ctx.error(key, 'invalid-media', `"${key}" must be an http(s) URL or a file name in the post bundle, found ${describe(value)}`);
    return undefined;
  }
  const { length } = given;
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length <= 0) {
    ctx.error(key, 'missing-media-length', `"${key}" ${url} is not in the post bundle, so its size in bytes must be given: ${key}: {url: ${url}, length: 12345678${given.type ? '' : ', type: audio/mpeg'}}${length === undefined ? '' : `; found "length" ${describe(length)}`}`);
    return undefined;
  }
  const type = given.type ?? mediaType(new URL(url).pathname);
  if (type === undefined) {
    ctx.error(key, 'unknown-media-type', `cannot tell the media type of ${url} from its name: add "type", e.g. ${key}: {url: …, length: ${length}, type: audio/mpeg}`);
    return undefined;
  }
  return { url, type, length };
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
