import { didYouMean, isPlainObject } from '../common/util.js';
import { readCategories, type PodcastCategory } from './podcast-categories.js';
import { podcastGuid, UUID } from './podcast-guid.js';

/** Podcast mode, validated: every field Apple Podcasts and Podcast Index need is present. */
export interface PodcastConfig {
  /** Absolute URL of the show's artwork (Apple: square JPEG or PNG, 1400–3000 px). */
  readonly image: string;
  /** At least one; Apple uses the first. */
  readonly categories: readonly PodcastCategory[];
  readonly explicit: boolean;
  /** `itunes:author`: the people or company shown as the show's author. */
  readonly author: string;
  /** `itunes:owner`: who Apple contacts about the show. */
  readonly owner: { readonly name: string; readonly email: string };
  /** `itunes:type`: `episodic` (newest first) or `serial` (in order). */
  readonly type: 'episodic' | 'serial';
  /** Podcasting 2.0 `podcast:guid`: as configured, else derived from the RSS feed URL. */
  readonly guid: string;
}

/** What the podcast settings are resolved against. */
export interface PodcastContext {
  /** Site root URL (ends with `/`); relative `image` paths resolve against it. */
  readonly siteUrl: string;
  /** Absolute URL of the RSS feed, the seed of the derived `podcast:guid`. */
  readonly rssUrl: string;
  /** The site's author: the default `author`, and the default `owner` when it has an e-mail. */
  readonly author: { readonly name: string; readonly email?: string };
}

/** Reports a problem at a key path below `podcast` (an empty path means the `podcast` key itself). */
export type PodcastReport = (path: readonly string[], code: string, message: string) => void;

export const PODCAST_KEYS = ['image', 'category', 'explicit', 'author', 'owner', 'type', 'guid'] as const;

/** Validate the `podcast` config object; undefined (after reporting) when anything required is missing or wrong. */
export function resolvePodcast(value: unknown, ctx: PodcastContext, report: PodcastReport): PodcastConfig | undefined {
  if (!isPlainObject(value)) {
    report([], 'config-type', `"podcast" must be an object such as {"image": "cover.jpg", "category": "Technology", "explicit": false, "owner": {"name": "…", "email": "…"}}, found ${kind(value)}`);
    return undefined;
  }
  let ok = true;
  const fail = (path: readonly string[], code: string, message: string): undefined => {
    ok = false;
    report(path, code, message);
    return undefined;
  };
  for (const key of Object.keys(value)) {
    if (!(PODCAST_KEYS as readonly string[]).includes(key)) {
      const guess = didYouMean(key, PODCAST_KEYS);
      fail([key], 'config-unknown-key', `unknown podcast key "${key}"${guess ? `; did you mean "${guess}"?` : `; known keys: ${PODCAST_KEYS.join(', ')}`}`);
    }
  }
  const missing = (key: string, example: string): undefined =>
    fail([], 'podcast-missing-field', `podcast mode needs "${key}" (Apple Podcasts requires it): add e.g. ${example} to "podcast"`);

  const image = value.image === undefined
    ? missing('image', '"image": "podcast-cover.jpg" (a square JPEG or PNG, 1400 to 3000 pixels)')
    : resolveImage(value.image, ctx.siteUrl) ?? fail(['image'], 'config-url', `podcast "image" must be an http(s) URL or a path relative to the site URL, found ${kind(value.image)}`);

  const categories = value.category === undefined
    ? missing('category', '"category": "Technology" or "category": ["Society & Culture > Documentary"]')
    : readCategories(value.category, (message) => fail(['category'], 'podcast-category', message));

  let explicit: boolean | undefined;
  if (value.explicit === undefined) missing('explicit', '"explicit": false');
  else if (typeof value.explicit === 'boolean') explicit = value.explicit;
  else fail(['explicit'], 'config-type', `podcast "explicit" must be true or false, found ${kind(value.explicit)}`);

  let author = ctx.author.name;
  if (value.author !== undefined) {
    if (typeof value.author === 'string' && value.author.trim() !== '') author = value.author.trim();
    else fail(['author'], 'config-type', `podcast "author" must be a non-empty name, found ${kind(value.author)}`);
  }

  const owner = readOwner(value.owner, ctx, fail);

  let type: 'episodic' | 'serial' = 'episodic';
  if (value.type !== undefined) {
    if (value.type === 'episodic' || value.type === 'serial') type = value.type;
    else fail(['type'], 'config-type', `podcast "type" must be "episodic" (newest first) or "serial" (listen in order), found ${kind(value.type)}`);
  }

  let guid = podcastGuid(ctx.rssUrl);
  if (value.guid !== undefined) {
    if (typeof value.guid === 'string' && UUID.test(value.guid.trim())) guid = value.guid.trim().toLowerCase();
    else fail(['guid'], 'podcast-guid', `podcast "guid" must be a UUID such as "${guid}" (keep the one the show already has), found ${kind(value.guid)}`);
  }

  if (!ok || image === undefined || categories === undefined || explicit === undefined || owner === undefined) return undefined;
  return { image, categories, explicit, author, owner, type, guid };
}

function readOwner(value: unknown, ctx: PodcastContext, fail: (path: readonly string[], code: string, message: string) => undefined): PodcastConfig['owner'] | undefined {
  if (value === undefined) {
    if (ctx.author.email) return { name: ctx.author.name, email: ctx.author.email };
    return fail([], 'podcast-missing-field', 'podcast mode needs an "owner" with a name and an e-mail address (Apple writes to it to verify the show): add "owner": {"name": "Jane Doe", "email": "jane@example.com"} to "podcast", or give the site "author" an "email"');
  }
  if (!isPlainObject(value)) return fail(['owner'], 'config-type', `podcast "owner" must be {"name": "…", "email": "…"}, found ${kind(value)}`);
  const { name, email, ...rest } = value;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) return fail(['owner', extra], 'config-unknown-key', `unknown podcast owner field "${extra}"; known fields: name, email`);
  if (typeof name !== 'string' || name.trim() === '') return fail(['owner'], 'podcast-missing-field', `podcast "owner" needs a non-empty "name", found ${kind(name)}`);
  if (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
    return fail(['owner'], 'podcast-missing-field', `podcast "owner" needs an "email" such as "jane@example.com", found ${kind(email)}`);
  }
  return { name: name.trim(), email };
}

function resolveImage(value: unknown, base: string): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  try {
    const u = new URL(value.trim(), base);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

function kind(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
