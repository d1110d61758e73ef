import { createHash } from 'node:crypto';

/**
 * Podcasting 2.0 `<podcast:guid>`: a UUIDv5 (RFC 9562 §5.5) of the feed URL with its scheme and trailing
 * slashes removed, in the namespace the podcast namespace defines
 * (https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/tags/guid.md).
 */

/** The "podcast" namespace UUID from the Podcasting 2.0 specification. */
export const PODCAST_NAMESPACE = 'ead4c236-bf58-58c6-a2c6-a6b28d128cb6';

/** `https://example.com/feed.xml/` → `example.com/feed.xml`: the seed the specification hashes. */
export function podcastGuidSeed(feedUrl: string): string {
  return feedUrl.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/+$/, '');
}

/** The podcast:guid a feed gets at `feedUrl` when it does not carry one already. */
export function podcastGuid(feedUrl: string): string {
  return uuidV5(podcastGuidSeed(feedUrl), PODCAST_NAMESPACE);
}

/** Name-based UUID, version 5 (SHA-1). */
export function uuidV5(name: string, namespace: string): string {
  const hash = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50; // version 5
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** 36 characters, four hyphens, as the specification's regular expression. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
