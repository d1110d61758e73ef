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

/**
 * Slug of a tag name; the one function both pages and feeds use, so links and files always agree. A tag with no
 * letters or digits at all (`🎬`, `]]>`) still gets a stable, URL-safe slug from its code points (`tag-1f3ac`).
 */
export function tagSlug(name: string): string {
  const slug = slugify(name);
  if (slug !== '') return slug;
  return `tag-${Array.from(name.normalize('NFC'), (c) => (c.codePointAt(0) ?? 0).toString(16)).join('-')}`;
}

/** A URL path segment feedwright accepts as it is: letters, digits, `-`, `_`, `.`, `~`, no leading dot, no `..`. */
export function isSafeSlug(slug: string): boolean {
  return SAFE_SLUG.test(slug) && !slug.includes('..');
}

const SAFE_SLUG = /^[\p{L}\p{M}\p{N}_~-][\p{L}\p{M}\p{N}._~-]*$/u;

/**
 * The slug a post gets from its file name (without the extension and a `YYYY-MM-DD-` prefix), a pure function of
 * that name: NFC, and kept exactly as it is when it is already a safe URL segment (`hello`, `Hello-World`,
 * `v1.2`), so the URLs and ids of existing posts never change; any other name (spaces, `&`, emoji, `?`) is made
 * into a slug the way tags are (`tagSlug`): `My Trip & Co 🎉` → `my-trip-co`.
 */
export function fileSlug(name: string): string {
  const nfc = name.normalize('NFC');
  return isSafeSlug(nfc) ? nfc : tagSlug(nfc);
}
