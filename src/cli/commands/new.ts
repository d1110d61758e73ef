import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { report, USAGE, type Io } from '../io.js';
import { toIsoDay, zoneOffset } from '../../post/dates.js';
import { hasErrors } from '../../common/diagnostics.js';
import { shortSlug } from '../../common/slug.js';
import { loadConfig, type CliValues } from './context.js';

/**
 * `feedwright new "Title"`: writes `posts/<date>-<slug>.md` dated now (the injected clock) in the configured
 * time zone, as a draft, and never replaces an existing file.
 */
export async function newPost(args: readonly string[], values: CliValues, io: Io): Promise<number> {
  const title = args[0]?.replace(/\s+/g, ' ').trim() ?? '';
  if (args.length !== 1 || title === '') {
    io.stderr(`feedwright: "new" takes one argument, the post's title in quotes: feedwright new "My first post"\n\n${USAGE}`);
    return 2;
  }
  const slug = shortSlug(title);
  if (slug === '') {
    io.stderr(`feedwright: the title "${title}" has no letters or digits to make a file name from; choose another title\n`);
    return 2;
  }
  // A new post needs the time zone, never the site URL: a placeholder stands in, so `new` works before it is set.
  const { config, diagnostics } = await loadConfig(io, values, 'https://new-post.invalid/');
  if (!config || hasErrors(diagnostics)) {
    report(diagnostics, io);
    return 1;
  }
  const now = io.now();
  const postsDir = values.posts ?? 'posts';
  const name = `${toIsoDay(now, config.timeZone)}-${slug}.md`;
  const shown = `${postsDir.replace(/\\/g, '/').replace(/\/+$/, '')}/${name}`;
  await mkdir(resolve(io.cwd, postsDir), { recursive: true });
  try {
    // `wx`: fail instead of replacing, even if the file appears between a check and the write.
    await writeFile(join(resolve(io.cwd, postsDir), name), template(title, zonedDateTime(now, config.timeZone)), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    io.stderr(`feedwright: ${shown} already exists; it was left as it was. Pick another title or edit that file\n`);
    return 1;
  }
  io.stdout(`Created ${shown} (a draft: remove "draft: true" to publish it)\n`);
  return 0;
}

/** The new post's text. JSON string syntax is valid YAML, so any title (quotes, colons, emoji) survives. */
export function template(title: string, date: string): string {
  return `---
title: ${JSON.stringify(title)}
date: ${date}
tags: []
draft: true
---

Write the post here, in Markdown. The first paragraph is the summary readers see, unless you add a
\`summary:\` line above or end the summary part with a line \`<!-- more -->\`.
`;
}

/** RFC 3339 wall time in `timeZone` with its offset, to the second: `2024-05-01T18:30:00+09:30`. */
export function zonedDateTime(ms: number, timeZone: string): string {
  const seconds = Math.floor(ms / 1000) * 1000;
  const offset = zoneOffset(seconds, timeZone);
  const wall = new Date(seconds + offset).toISOString().slice(0, 19);
  if (offset === 0) return `${wall}Z`;
  const minutes = Math.abs(offset) / 60_000;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${wall}${offset < 0 ? '-' : '+'}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}
