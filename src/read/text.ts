/* Small helpers about text and names that the CLI and the config loader need without loading the posts reader
   (sources.ts and what it loads: the up-to-date check of a build that has nothing to do needs none of it). */

/** The posts folder as messages name it: as given, with `/` separators and no trailing `/`. */
export function shownPostsDir(postsDir: string): string {
  return postsDir.replace(/\\/g, '/').replace(/\/+$/, '') || '.';
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }); // drops a leading BOM

/** Strict UTF-8 (a leading BOM dropped); the byte offset of the first malformed sequence otherwise. */
export function decodeUtf8(bytes: Uint8Array): string | { offset: number } {
  try {
    return decoder.decode(bytes);
  } catch {
    return { offset: firstInvalidUtf8Offset(bytes) };
  }
}

/** Byte offset of the first malformed UTF-8 sequence, found by decoding growing prefixes (binary search). */
function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  const valid = (end: number): boolean => {
    try {
      // streaming mode accepts a prefix that ends inside a character, so validity only shrinks as `end` grows
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  let lo = 0, hi = bytes.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (valid(mid)) lo = mid;
    else hi = mid - 1;
  }
  // The first `lo` bytes decode; if they end inside a character, the bad sequence starts at its lead byte.
  let lead = lo - 1;
  while (lead > 0 && ((bytes[lead] ?? 0) & 0xc0) === 0x80) lead--;
  const b = bytes[lead] ?? 0;
  const length = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
  return lead >= 0 && lead + length > lo ? lead : lo;
}
