import { describe } from '../../config/config.js';

/** Podcast episode details for the `itunes:` item tags; each only when the front matter gives it. */
export interface EpisodeInfo {
  readonly episode?: number;
  readonly season?: number;
  readonly episodeType?: 'full' | 'trailer' | 'bonus';
  readonly explicit?: boolean;
}

export const EPISODE_KEYS = ['episode', 'season', 'episodeType', 'explicit'] as const;

/** `episode`, `season`, `episodeType` and `explicit` from the front matter; undefined when none is given. */
export function readEpisode(data: Readonly<Record<string, unknown>>, error: (key: string, code: string, message: string) => void): EpisodeInfo | undefined {
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
