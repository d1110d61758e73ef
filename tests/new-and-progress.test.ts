import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { zonedDateTime } from '../src/cli/commands/new.js';
import { makeProject, post, run } from './helpers/project.js';

// 2026-03-31T23:45:10Z: already April 1st in Adelaide (+10:30), still March 31st in UTC and New York.
const CLOCK = () => Date.UTC(2026, 2, 31, 23, 45, 10, 500);

describe('feedwright new', () => {
  it('creates posts/<date>-<slug>.md dated by the injected clock in the configured zone, as a draft', async () => {
    const dir = await makeProject({}, { timeZone: 'Australia/Adelaide' });
    const { code, io } = await run(dir, ['new', 'Alita: Battle Angel 2 — "officially" in the works!'], { now: CLOCK });
    expect(io.stderrText).toBe('');
    expect(code).toBe(0);
    const name = '2026-04-01-alita-battle-angel-2-officially-in-the-works.md';
    expect(io.stdoutText).toBe(`Created posts/${name} (a draft: remove "draft: true" to publish it)\n`);
    const text = await readFile(join(dir, 'posts', name), 'utf8');
    expect(text).toMatch(/^---\ntitle: "Alita: Battle Angel 2 — \\"officially\\" in the works!"\ndate: 2026-04-01T10:15:10\+10:30\ntags: \[\]\ndraft: true\n---\n/);
  });

  it('writes a post the build reads back with the exact title and instant, and no warnings', async () => {
    const dir = await makeProject({}, { timeZone: 'America/New_York' });
    const title = 'Ünïcode: quotes " and \\ backslash # not a comment';
    expect((await run(dir, ['new', title], { now: CLOCK })).code).toBe(0);
    const [name] = await readdir(join(dir, 'posts'));
    expect(name).toBe('2026-03-31-ünïcode-quotes-and-backslash-not-a-comment.md');
    const { code, io } = await run(dir, ['build', '--drafts'], { now: () => CLOCK() + 1000 });
    expect(io.stderrText).toBe('');
    expect(code).toBe(0);
    const feed = JSON.parse(await readFile(join(dir, 'dist/feed.json'), 'utf8')) as { items: { title: string; date_published: string }[] };
    expect(feed.items[0]?.title).toBe(title);
    expect(feed.items[0]?.date_published).toBe('2026-03-31T23:45:10Z');
  });

  it('refuses to overwrite an existing post', async () => {
    const dir = await makeProject({});
    await writeFile(join(dir, 'posts/2026-03-31-hello.md'), 'mine\n');
    const { code, io } = await run(dir, ['new', 'Hello'], { now: CLOCK });
    expect(code).toBe(1);
    expect(io.stderrText).toContain('posts/2026-03-31-hello.md already exists; it was left as it was');
    expect(await readFile(join(dir, 'posts/2026-03-31-hello.md'), 'utf8')).toBe('mine\n');
  });

  it('is a usage error without a title or with one that has nothing to make a file name from', async () => {
    const dir = await makeProject({});
    expect((await run(dir, ['new'])).code).toBe(2);
    expect((await run(dir, ['new', 'a', 'b'])).code).toBe(2);
    const { code, io } = await run(dir, ['new', '!!!']);
    expect(code).toBe(2);
    expect(io.stderrText).toContain('no letters or digits');
  });

  it('writes the offset of the zone at that instant, including half hours and UTC as Z', () => {
    expect(zonedDateTime(CLOCK(), 'UTC')).toBe('2026-03-31T23:45:10Z');
    expect(zonedDateTime(CLOCK(), 'America/New_York')).toBe('2026-03-31T19:45:10-04:00');
    expect(zonedDateTime(Date.UTC(2026, 0, 1), 'Asia/Kolkata')).toBe('2026-01-01T05:30:00+05:30');
  });
});

describe('build progress', () => {
  const posts = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`posts/p${i}.md`, post({ title: `P${i}`, date: '2024-01-01' })]));

  it('draws a counter on a terminal and clears it before the summary', async () => {
    const dir = await makeProject(posts);
    const { code, io } = await run(dir, ['build'], { isTTY: true });
    expect(code).toBe(0);
    expect(io.err).toEqual([...[1, 2, 3, 4, 5].map((n) => `\rRendering posts ${n}/5`), '\r\x1b[K']);
  });

  it('prints nothing extra when not on a terminal, or in CI', async () => {
    const dir = await makeProject(posts);
    expect((await run(dir, ['build'], { isTTY: false })).io.err).toEqual([]);
    expect((await run(dir, ['build'], { isTTY: true, env: { CI: 'true' } })).io.err).toEqual([]);
  });
});
