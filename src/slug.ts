/**
 * Slugs made from human text (tag names, titles for `feedwright new`): NFC, lower-case, every run of
 * characters other than letters, combining marks, digits and `_` turned into one `-`, no `-` at either end.
 * The same text always gives the same slug, whatever else is on the site, so tag URLs stay stable.
 * Dots are dropped too, so a slug can never be `.`/`..` or look like a file name (`tags/index.html/`).
 */
export function slugify(text: string): string {
  // Lower-casing can decompose (e.g. `İ` → `i̇`), so normalise on both sides of it.
  return text
    .normalize('NFC')
    .toLowerCase()
    .normalize('NFC')
    .replace(/[^\p{L}\p{M}\p{N}_]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}

/** A slug cut to at most `max` characters at a `-` boundary where there is one (file names from long titles). */
export function shortSlug(text: string, max = 60): string {
  const slug = slugify(text);
  if (slug.length <= max) return slug;
  const cut = slug.slice(0, max + 1);
  const boundary = cut.lastIndexOf('-');
  // Without a boundary cut by code points, never inside a surrogate pair.
  return (boundary > 0 ? cut.slice(0, boundary) : Array.from(slug).slice(0, max).join('')).replace(/-+$/, '');
}
