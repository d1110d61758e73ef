import type { SkippedFile, SkipReason } from '../read/sources.js';

/** How each reason is said in the summary line, in the order the line lists them. */
const REASONS: readonly (readonly [SkipReason, string])[] = [
  ['section-index', 'section indexes (they head a folder of posts)'],
  ['translation', 'translations (Zola, Hugo: x.fr.md beside x.md; only the original is built)'],
  ['readme', 'READMEs (they describe a folder)'],
  ['mdx', 'MDX (JSX in Markdown, not read)'],
  ['not-markdown', 'not Markdown (.md, .markdown)'],
  ['hidden', 'hidden'],
  ['link-loop', 'links to a folder already listed'],
  ['link-outside', 'links leading outside the posts folder (not read)'],
];

/** How many names each reason shows before "and N more". */
const SHOWN = 3;

/**
 * The one line that names every file under the posts folder that is not a post or a bundle file, grouped by
 * reason, paths relative to the posts folder; empty when there is none. E.g. `Skipped 3 files in posts/ that are
 * not posts: READMEs (they describe a folder) (1): README.md; MDX (JSX in Markdown, not read) (2): a.mdx, b.mdx`.
 */
export function formatSkipped(skipped: readonly SkippedFile[], shownDir: string): string {
  if (skipped.length === 0) return '';
  const prefix = `${shownDir}/`;
  const groups = REASONS.flatMap(([reason, said]) => {
    const paths = skipped.filter((s) => s.reason === reason).map((s) => (s.path.startsWith(prefix) ? s.path.slice(prefix.length) : s.path));
    if (paths.length === 0) return [];
    const more = paths.length > SHOWN ? ` and ${paths.length - SHOWN} more` : '';
    return [`${said} (${paths.length}): ${paths.slice(0, SHOWN).join(', ')}${more}`];
  });
  return `Skipped ${skipped.length} file${skipped.length === 1 ? '' : 's'} in ${prefix} that ${skipped.length === 1 ? 'is' : 'are'} not posts: ${groups.join('; ')}\n`;
}
