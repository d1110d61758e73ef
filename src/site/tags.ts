import { diagnostic, type Diagnostic, type Position } from '../common/diagnostics.js';
import type { Post } from '../post/post.js';
import { tagSlug } from '../common/slug.js';

// Tag slugs are made in slug.ts, beside the slugs of file names that follow the same rule.
export { tagSlug };
import { compareStrings } from '../common/util.js';

/** One tag of the site: its page is `tags/<slug>/`, its feeds `tags/<slug>/{rss.xml,atom.xml,feed.json}`. */
export interface Tag {
  /** The name as shown (the most used spelling when posts differ only in letter case). */
  readonly name: string;
  /** URL segment: NFC, lower-case, URL-safe, a pure function of the name (see `slugify`). */
  readonly slug: string;
  /** Published posts with this tag, in site order (newest first). */
  readonly posts: readonly Post[];
}

export interface TagsResult {
  /** Every tag, sorted by slug. Tags whose slug is empty or collides are left out (and diagnosed). */
  readonly tags: Tag[];
  readonly diagnostics: Diagnostic[];
}

/** Where a post's `tags:` key is, so messages can point at its line. */
export type TagPosition = (source: string) => Position | undefined;

/**
 * Group published posts by tag slug. Two different names that reach the same slug are never merged silently:
 * names that differ only in letter case (`Film`, `film`) share a page with a warning; any other pair
 * (`c++`, `c#` → `c`) is an error, because one page would mix two topics.
 */
export function collectTags(posts: readonly Post[], where: TagPosition = () => undefined): TagsResult {
  const diagnostics: Diagnostic[] = [];
  const bySlug = new Map<string, Map<string, Post[]>>();
  const postsBySlug = new Map<string, Post[]>();
  // A blog has a few hundred tag names over tens of thousands of uses: each name is made a slug once.
  const slugs = new Map<string, string>();
  for (const post of posts) {
    for (const name of post.tags) {
      let slug = slugs.get(name);
      if (slug === undefined) slugs.set(name, (slug = tagSlug(name)));
      let names = bySlug.get(slug);
      if (!names) bySlug.set(slug, (names = new Map()));
      const users = names.get(name);
      if (users) users.push(post);
      else names.set(name, [post]);
      // `posts` is in site order, so each tag's list is too; a post naming two spellings is listed once.
      let list = postsBySlug.get(slug);
      if (!list) postsBySlug.set(slug, (list = []));
      if (list[list.length - 1] !== post) list.push(post);
    }
  }
  const tags: Tag[] = [];
  for (const slug of [...bySlug.keys()].sort(compareStrings)) {
    const names = bySlug.get(slug) ?? new Map<string, Post[]>();
    const spellings = [...names.keys()].sort(compareStrings);
    const caseOnly = new Set(spellings.map((n) => n.toLowerCase())).size === 1;
    if (spellings.length > 1 && !caseOnly) {
      for (const [name, users] of names) {
        const others = spellings.filter((n) => n !== name).map((n) => `"${n}" (${sources(names.get(n) ?? [])})`).join(', ');
        for (const post of users) {
          diagnostics.push(diagnostic(post.source, 'error', 'tag-slug-collision',
            `tag "${name}" and ${others} would share the page tags/${slug}/; rename one of them so each tag keeps its own page and feeds`,
            where(post.source)));
        }
      }
      continue;
    }
    // The most used spelling wins; ties go to the first in code-unit order, so the choice never depends on input order.
    const name = spellings.reduce((best, n) => ((names.get(n)?.length ?? 0) > (names.get(best)?.length ?? 0) ? n : best));
    for (const variant of spellings.filter((n) => n !== name)) {
      for (const post of names.get(variant) ?? []) {
        diagnostics.push(diagnostic(post.source, 'warning', 'tag-variant',
          `tag "${variant}" is written "${name}" in ${sources(names.get(name) ?? [])}; both are listed on tags/${slug}/ as "${name}": write it one way`,
          where(post.source)));
      }
    }
    tags.push({ name, slug, posts: postsBySlug.get(slug) ?? [] });
  }
  return { tags, diagnostics };
}

function sources(posts: readonly Post[]): string {
  return [...new Set(posts.map((p) => p.source))].sort(compareStrings).join(', ');
}
