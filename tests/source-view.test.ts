import { mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DISK_VIEW, WatchedSources } from '../src/read/source-view.js';

/**
 * dev's view of the posts folder (read/source-view.ts): what the watcher did not name is not looked at again,
 * what it named is, and what it cannot see (no path, files through symbolic links) always is.
 */

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function blog(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'fw-view-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return join(root, 'posts');
}

/** Rewrite a file with another size and an mtime a minute later, as a save does. */
function save(path: string, text: string): void {
  writeFileSync(path, text);
  const later = new Date(Date.now() + 60_000);
  utimesSync(path, later, later);
}

/** The listed paths and each one's size, as a build through `view` sees them. */
async function seen(view: WatchedSources, dir: string): Promise<[string, number | undefined][]> {
  const listing = await view.listing(dir, 'posts');
  return listing.entries.map((e) => [e.path, view.stamp(e)?.[0]]);
}

describe('WatchedSources', () => {
  it('the first build looks at everything; later ones stat only what the watcher named', async () => {
    const dir = blog({ 'posts/a.md': 'a', 'posts/b.md': 'bb' });
    const view = new WatchedSources();
    expect(await seen(view, dir)).toEqual([['posts/a.md', 1], ['posts/b.md', 2]]);
    save(join(dir, 'a.md'), 'aaa');
    save(join(dir, 'b.md'), 'bbbb');
    view.changed(join(dir, 'b.md'), 'change');
    // a.md changed on disk but no event named it: its last stamp stands (the watcher names every save)
    expect(await seen(view, dir)).toEqual([['posts/a.md', 1], ['posts/b.md', 4]]);
    view.changed(join(dir, 'a.md'), 'change');
    expect(await seen(view, dir)).toEqual([['posts/a.md', 3], ['posts/b.md', 4]]);
    // and the disk's own view always sees both
    const listing = await DISK_VIEW.listing(dir, 'posts');
    expect(listing.entries.map((e) => DISK_VIEW.stamp(e)?.[0])).toEqual([3, 4]);
  });

  it('the folder is listed again after a file is made, deleted or renamed, and only then', async () => {
    const dir = blog({ 'posts/a.md': 'a' });
    const view = new WatchedSources();
    expect(await seen(view, dir)).toEqual([['posts/a.md', 1]]);
    writeFileSync(join(dir, 'b.md'), 'bb');
    view.changed(join(dir, 'a.md'), 'change');
    expect((await seen(view, dir)).map(([p]) => p)).toEqual(['posts/a.md']);
    view.changed(join(dir, 'b.md'), 'rename');
    expect(await seen(view, dir)).toEqual([['posts/a.md', 1], ['posts/b.md', 2]]);
  });

  it('a change under a named folder is looked at (a bundle folder renamed, an event naming the folder)', async () => {
    const dir = blog({ 'posts/trip/index.md': 'trip', 'posts/other.md': 'o' });
    const view = new WatchedSources();
    expect(await seen(view, dir)).toEqual([['posts/other.md', 1], ['posts/trip/index.md', 4]]);
    save(join(dir, 'trip/index.md'), 'trip, longer');
    view.changed(join(dir, 'trip'), 'change');
    expect(await seen(view, dir)).toEqual([['posts/other.md', 1], ['posts/trip/index.md', 12]]);
  });

  it('a change without a path makes the next build look at everything', async () => {
    const dir = blog({ 'posts/a.md': 'a' });
    const view = new WatchedSources();
    await seen(view, dir);
    save(join(dir, 'a.md'), 'aaa');
    writeFileSync(join(dir, 'c.md'), 'c');
    view.changed(undefined, 'rename');
    expect(await seen(view, dir)).toEqual([['posts/a.md', 3], ['posts/c.md', 1]]);
  });

  it('files reached through a symbolic link are stat\'ed on every build (their changes happen where no watcher looks)', async () => {
    const dir = blog({ 'posts/a.md': 'a', 'elsewhere/real.md': 'r', 'posts/shared/x.md': 'x' });
    symlinkSync(join(dir, 'shared', 'x.md'), join(dir, 'linked.md'));
    symlinkSync(join(dir, 'shared'), join(dir, 'also'));
    const view = new WatchedSources();
    expect(await seen(view, dir)).toEqual([['posts/a.md', 1], ['posts/also/x.md', 1], ['posts/linked.md', 1], ['posts/shared/x.md', 1]]);
    save(join(dir, 'shared', 'x.md'), 'xxxxx');
    view.changed(join(dir, 'a.md'), 'change');
    // the file itself is looked at only when named; both ways to it through links always
    expect(await seen(view, dir)).toEqual([['posts/a.md', 1], ['posts/also/x.md', 5], ['posts/linked.md', 5], ['posts/shared/x.md', 1]]);
  });

  it('a change reported while a build runs is left for the next build', async () => {
    const dir = blog({ 'posts/a.md': 'a' });
    const view = new WatchedSources();
    await seen(view, dir);
    save(join(dir, 'a.md'), 'aa');
    view.changed(join(dir, 'a.md'), 'change');
    const listing = await view.listing(dir, 'posts'); // the build starts: it takes the change
    save(join(dir, 'a.md'), 'aaaa');
    view.changed(join(dir, 'a.md'), 'change'); // reported while it runs
    expect(listing.entries.map((e) => view.stamp(e)?.[0])).toEqual([4]); // (named in this build: stat'ed now)
    const next = await view.listing(dir, 'posts');
    save(join(dir, 'a.md'), 'aaaaaaaa'); // not reported: the next build keeps what it stat'ed
    expect(next.entries.map((e) => view.stamp(e)?.[0])).toEqual([8]);
    expect(await seen(view, dir)).toEqual([['posts/a.md', 8]]);
  });
});
