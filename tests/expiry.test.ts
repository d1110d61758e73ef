import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject, readFeeds, removeProjects, runCli } from './helpers/cli-project.js';

/**
 * Hugo's expiry date (`expiryDate`, also written `expirydate` and `unpublishdate`): Hugo leaves out content whose
 * expiry date is before now unless `--buildExpired`; so does feedwright, unless `--expired`, with "now" the
 * reference time future posts use (SOURCE_DATE_EPOCH when set).
 */

afterAll(removeProjects);

const NOW = { SOURCE_DATE_EPOCH: String(Date.UTC(2025, 0, 1) / 1000) };

/** A Hugo blog's content/posts: YAML and TOML front matter, a page bundle, and each name Hugo reads for the date. */
async function hugoBlog(extra: Record<string, string> = {}): Promise<string> {
  return makeProject({
    'content/posts/evergreen.md': '---\ntitle: "Evergreen"\ndate: 2023-05-01T10:00:00Z\n---\n\nStill true. The [spring sale](spring-sale.md) is over.\n',
    'content/posts/spring-sale.md': '---\ntitle: "Spring sale"\ndate: 2024-03-01T10:00:00Z\nexpiryDate: 2024-04-01T00:00:00Z\n---\n\nTen percent off.\n',
    'content/posts/meetup/index.md': '+++\ntitle = "Summer meetup"\ndate = 2024-06-01T10:00:00Z\nexpirydate = 2024-06-30T18:00:00Z\n+++\n\nSee you there.\n',
    'content/posts/old-offer.md': '---\ntitle: "Old offer"\ndate: 2024-01-10T10:00:00Z\nunpublishdate: 2024-02-01T00:00:00Z\n---\n\nGone now.\n',
    'content/posts/talk.md': '---\ntitle: "Talk"\ndate: 2024-12-01T10:00:00Z\nexpiryDate: 2025-01-01T00:00:00Z\n---\n\nExpires exactly now: Hugo still publishes it.\n',
    'content/posts/next-event.md': '---\ntitle: "Next event"\ndate: 2024-12-15T10:00:00Z\nexpiryDate: 2026-01-01T00:00:00Z\n---\n\nNext year.\n',
    ...extra,
  });
}

const titles = async (root: string): Promise<string[]> => (await readFeeds(root)).json.items.map((i) => i.title ?? '');

describe('expired posts (Hugo expiryDate)', () => {
  it('are left out of every feed and page, counted on the success line, unless --expired', async () => {
    const root = await hugoBlog();
    const built = await runCli(root, ['build', '--posts', 'content/posts'], NOW);
    expect(built.code).toBe(0);
    expect(built.stdout).toMatch(/^Built 3 posts into dist\/: \d+ files in \d+ ms; left out: 3 expired posts \(--expired to include\)\n$/m);
    expect(await titles(root)).toEqual(['Next event', 'Talk', 'Evergreen']);
    const feeds = await readFeeds(root);
    for (const gone of ['Spring sale', 'Summer meetup', 'Old offer']) {
      expect(feeds.rss).not.toContain(gone);
      expect(feeds.atom).not.toContain(gone);
    }
    for (const slug of ['spring-sale', 'meetup', 'old-offer']) expect(existsSync(join(root, 'dist/posts', slug))).toBe(false);
    expect(existsSync(join(root, 'dist/posts/talk/index.html'))).toBe(true);
    // the keys are read, not unknown; a link to an expired post is a link to a post that is not published
    expect(built.lines).toEqual([
      'content/posts/evergreen.md:6:17 warning link to https://example.com/blog/posts/spring-sale/ points into the site, but the post content/posts/spring-sale.md it links to is not published (a draft, dated in the future or expired); fix the link or add what it points to [broken-link]',
      '⚠ 0 errors, 1 warning in 1 file',
    ]);

    const all = await runCli(root, ['build', '--posts', 'content/posts', '--expired'], NOW);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^Built 6 posts into dist\/: \d+ files in \d+ ms\n$/m);
    expect(await titles(root)).toEqual(['Next event', 'Talk', 'Summer meetup', 'Spring sale', 'Old offer', 'Evergreen']);
    expect(all.lines).toEqual([]);

    // `check` leaves out the same; a year later the next event has expired too
    const checked = await runCli(root, ['check', '--posts', 'content/posts'], NOW);
    expect(checked.stdout).toMatch(/^Checked 3 posts: .*; left out: 3 expired posts \(--expired to include\)\n$/m);
    const later = await runCli(root, ['build', '--posts', 'content/posts'], { SOURCE_DATE_EPOCH: String(Date.UTC(2026, 0, 2) / 1000) });
    expect(later.stdout).toMatch(/; left out: 5 expired posts \(--expired to include\)\n$/m);
    expect(await titles(root)).toEqual(['Evergreen']);
  });

  it('an expiry date that is not a date is an error at its line, as any date', async () => {
    const root = await hugoBlog({ 'content/posts/bad.md': '---\ntitle: "Bad"\ndate: 2024-01-01\nexpiryDate: next week\n---\n\nText.\n' });
    const built = await runCli(root, ['build', '--posts', 'content/posts'], NOW);
    expect(built.code).toBe(1);
    expect(built.lines[0]).toMatch(/^content\/posts\/bad\.md:4:1 error "expiryDate" is not a real date: "next week": .* \[invalid-date\]$/);
  });
});
