/**
 * A small, well-behaved blog the tests write for themselves: what a real post looks like (headings, a list, a
 * table, a link, a `<!-- more -->` excerpt, a summary with a colon in it), and nothing hostile. It stands where the
 * tests once read the repository's own `posts/` and config, which a fork replaces: the tool's tests must never
 * depend on the site kept in the same repository (`feedwright check --strict` checks that content in CI).
 */

/** The plain blog's site URL. */
export const PLAIN_SITE = 'https://plain.example.net/journal/';

/** Its config (the `feedwright` field of its package.json). */
export const PLAIN_CONFIG = {
  title: 'Plain journal',
  url: PLAIN_SITE,
  description: 'Notes about trains, bridges and the people who build them.',
  language: 'en',
  author: { name: 'Journal staff' },
  timeZone: 'UTC',
} as const;

/** The title of its first post (the one a reader sees in every format). */
export const PLAIN_TITLE = 'Night trains: the Vienna–Paris line is back';

/** Its posts, by path relative to the project. */
export const PLAIN_POSTS: Readonly<Record<string, string>> = {
  'posts/2023-01-10-night-trains.md': `---
title: "${PLAIN_TITLE}"
date: 2023-01-10T09:00:00Z
summary: "A sleeper train links Vienna and Paris again: three nights a week, with couchettes and private cabins."
tags: [trains, travel, europe]
author: Journal staff
---

After a pause of many years, a sleeper train runs between Vienna and Paris again. It leaves in the evening and
arrives the next morning, which saves a night in a hotel as well as a flight.

<!-- more -->

## What the train offers

- **Seats** for those who sleep anywhere.
- **Couchettes** with four or six berths.
- **Private cabins** with a washbasin, for one to three people.

## The timetable

| | Vienna → Paris | Paris → Vienna |
| --- | --- | --- |
| Departs | 19:40 | 20:10 |
| Arrives | 09:56 | 10:27 |
| Runs | Mon, Thu, Sat | Tue, Fri, Sun |

Tickets go on sale six months ahead; see [the operator's page](https://www.example.com/nightjet) for prices.

---

*Reported by the journal staff.*
`,
  'posts/2023-02-01-bridges.md': `---
title: "Five bridges worth the detour"
date: 2023-02-01T08:30:00Z
tags: [bridges, travel]
---

Some bridges are worth a detour on their own: here are five, from stone arches to a suspension span.

1. A Roman aqueduct that still carries water.
2. A covered wooden bridge with a roof of shingles.
3. A suspension bridge whose cables were spun in place.
4. A swing bridge that turns for ships twice a day.
5. A footbridge that lights up at night.

> A bridge is a road that forgot to stay on the ground.
`,
};

/** The package.json of the plain blog. */
export function plainPackageJson(): string {
  return `${JSON.stringify({ name: 'plain-journal', private: true, feedwright: PLAIN_CONFIG }, null, 2)}\n`;
}
