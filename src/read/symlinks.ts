import { realpathSync } from 'node:fs';
import { isWithin } from '../common/util.js';

/**
 * Symbolic links in the posts folder. A link is followed only when it leads to a place inside the posts folder:
 * a link to a folder elsewhere would publish that folder whole (a bundle linked to a home directory publishes its
 * private keys), and a link to a file elsewhere would read it as a post and quote its first line in an error
 * (`/proc/self/environ`, a token in `.npmrc`). Inside the posts folder, links are the owner's own arrangement.
 */

/** The real path a link (or any path) leads to, or undefined when it leads nowhere (dangling, a loop). */
export function realTarget(path: string | Buffer): string | undefined {
  try {
    return realpathSync(path).toString();
  } catch {
    return undefined;
  }
}

/**
 * Whether the link at `path` leads outside `root` (a real path, e.g. the posts folder's). A dangling link leads
 * nowhere, not outside: reading it reports that it is missing.
 */
export function leadsOutside(path: string | Buffer, root: string): boolean {
  const target = realTarget(path);
  return target !== undefined && !isWithin(root, target);
}
