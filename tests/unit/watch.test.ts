import { appendFileSync, mkdirSync, renameSync, rmSync, symlinkSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { watchPaths, type PathChange, type PathWatcher } from '../../src/cli/dev/watch.js';
import { removeTempDirs, tempDir } from '../helpers/blog.js';

/** Counts onChange calls, and waits (without a clock: the test's own timeout is the only one) for the next. */
function counter() {
  let calls = 0;
  let waiters: (() => void)[] = [];
  return {
    onChange: (): void => {
      calls++;
      for (const w of waiters.splice(0)) w();
    },
    get calls(): number {
      return calls;
    },
    reset(): void {
      calls = 0;
    },
    /** Runs `action`, then waits until onChange is called after it. */
    async after(action: () => void): Promise<void> {
      calls = 0;
      const called = new Promise<void>((resolve) => {
        waiters = [resolve];
      });
      action();
      await called;
    },
  };
}

let barriers = 0;
/**
 * Waits until every file-system event made before it has been delivered: writes a file into `dir` and waits for a
 * watcher of its own to see it. Node's watchers on Linux read one queue of events in order, and hand each event to
 * every watcher of that folder before the next, so all earlier events have reached the watcher under test by then.
 */
async function barrier(dir: string): Promise<void> {
  const name = `.barrier-${barriers++}`;
  const sentinel = watch(dir);
  const seen = new Promise<void>((resolve) => sentinel.on('change', (_type, file) => file === name && resolve()));
  writeFileSync(join(dir, name), '');
  await seen;
  sentinel.close();
}

describe('watchPaths', () => {
  const open: PathWatcher[] = [];
  const start = (paths: string[], onChange: (change?: PathChange) => void): PathWatcher => {
    const w = watchPaths(paths, onChange);
    open.push(w);
    return w;
  };
  afterEach(async () => {
    for (const w of open.splice(0)) await w.close();
  });
  afterAll(removeTempDirs);

  it('sees a file edited in a watched folder, and a file saved by renaming another over it', async () => {
    const dir = await tempDir();
    mkdirSync(join(dir, 'posts'));
    writeFileSync(join(dir, 'posts/a.md'), 'one\n');
    const changes = counter();
    start([join(dir, 'posts')], changes.onChange);
    await changes.after(() => appendFileSync(join(dir, 'posts/a.md'), 'two\n'));
    await changes.after(() => {
      writeFileSync(join(dir, 'posts/.a.md.tmp'), 'three\n');
      renameSync(join(dir, 'posts/.a.md.tmp'), join(dir, 'posts/a.md'));
    });
    await changes.after(() => appendFileSync(join(dir, 'posts/a.md'), 'four\n'));
  });

  it('names the path that changed, and whether an entry was made, deleted or renamed (dev stats only that)', async () => {
    const dir = await tempDir();
    mkdirSync(join(dir, 'posts/sub'), { recursive: true });
    writeFileSync(join(dir, 'posts/sub/a.md'), 'one\n');
    const seen: (PathChange | undefined)[] = [];
    start([join(dir, 'posts')], (change) => seen.push(change));
    appendFileSync(join(dir, 'posts/sub/a.md'), 'two\n');
    await barrier(join(dir, 'posts/sub'));
    writeFileSync(join(dir, 'posts/b.md'), 'new\n');
    await barrier(join(dir, 'posts'));
    renameSync(join(dir, 'posts/b.md'), join(dir, 'posts/c.md'));
    await barrier(join(dir, 'posts'));
    const distinct = [...new Set(seen.map((c) => (c ? `${c.kind} ${c.path}` : 'anything')))].filter((line) => !line.includes('.barrier-'));
    expect(distinct).toEqual([
      `change ${join(dir, 'posts/sub/a.md')}`,
      // a file made: the entry, then its contents (Linux's inotify; renamed away, the old name is a rename again)
      `rename ${join(dir, 'posts/b.md')}`, `change ${join(dir, 'posts/b.md')}`,
      `rename ${join(dir, 'posts/c.md')}`,
    ]);
  });

  it('watches a folder made later inside a watched one, with the folders made inside it, and one made again', async () => {
    const dir = await tempDir();
    mkdirSync(join(dir, 'posts'));
    const changes = counter();
    start([join(dir, 'posts')], changes.onChange);
    // A new bundle folder, then a file in it: an event in the new folder, which the folder above never sees.
    await changes.after(() => mkdirSync(join(dir, 'posts/trip')));
    await changes.after(() => writeFileSync(join(dir, 'posts/trip/index.md'), 'x\n'));
    // Folders made together (a bundle copied in): all of them are walked.
    await changes.after(() => mkdirSync(join(dir, 'posts/2024/trip/images'), { recursive: true }));
    await barrier(join(dir, 'posts')); // the walk of the new folders is over
    await changes.after(() => writeFileSync(join(dir, 'posts/2024/trip/images/pic.png'), 'x'));
    // Deleted and made again at the same path: the new folder is watched, not the deleted one.
    await changes.after(() => {
      rmSync(join(dir, 'posts/trip'), { recursive: true });
      mkdirSync(join(dir, 'posts/trip'));
    });
    await barrier(join(dir, 'posts'));
    await changes.after(() => writeFileSync(join(dir, 'posts/trip/index.md'), 'y\n'));
  });

  it('waits for a folder that does not exist yet, and watches it once it does', async () => {
    const dir = await tempDir();
    const changes = counter();
    start([join(dir, 'static'), join(dir, 'site/assets')], changes.onChange);
    await changes.after(() => mkdirSync(join(dir, 'static')));
    await changes.after(() => writeFileSync(join(dir, 'static/robots.txt'), 'x\n'));
    // Two levels missing: the folder on the way is no change, the one asked for is.
    await barrier(dir);
    changes.reset();
    mkdirSync(join(dir, 'site'));
    await barrier(dir);
    expect(changes.calls).toBe(0);
    await changes.after(() => mkdirSync(join(dir, 'site/assets')));
    await changes.after(() => writeFileSync(join(dir, 'site/assets/a.css'), 'x\n'));
  });

  it('watches a watched folder deleted and made again', async () => {
    const dir = await tempDir();
    mkdirSync(join(dir, 'posts/sub'), { recursive: true });
    const changes = counter();
    start([join(dir, 'posts')], changes.onChange);
    await changes.after(() => rmSync(join(dir, 'posts'), { recursive: true }));
    await changes.after(() => mkdirSync(join(dir, 'posts')));
    await changes.after(() => writeFileSync(join(dir, 'posts/a.md'), 'x\n'));
  });

  it('counts only events naming a watched file in its folder, across saves that rename over it', async () => {
    const dir = await tempDir();
    writeFileSync(join(dir, 'package.json'), '{}\n');
    const changes = counter();
    start([join(dir, 'package.json')], changes.onChange);
    writeFileSync(join(dir, 'other.txt'), 'x\n');
    renameSync(join(dir, 'other.txt'), join(dir, 'moved.txt'));
    mkdirSync(join(dir, 'dist'));
    await barrier(dir);
    expect(changes.calls).toBe(0);
    await changes.after(() => {
      writeFileSync(join(dir, 'package.json.tmp'), '{"a":1}\n');
      renameSync(join(dir, 'package.json.tmp'), join(dir, 'package.json'));
    });
    // The file now there is another one (another inode): still seen.
    await changes.after(() => writeFileSync(join(dir, 'package.json'), '{"a":2}\n'));
    await changes.after(() => rmSync(join(dir, 'package.json')));
    await changes.after(() => writeFileSync(join(dir, 'package.json'), '{}\n'));
  });

  it('does not follow a symbolic link to a folder elsewhere', async () => {
    const dir = await tempDir();
    mkdirSync(join(dir, 'posts'));
    mkdirSync(join(dir, 'elsewhere'));
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'posts/link'));
    const changes = counter();
    start([join(dir, 'posts')], changes.onChange);
    writeFileSync(join(dir, 'elsewhere/a.md'), 'x\n');
    await barrier(join(dir, 'elsewhere'));
    expect(changes.calls).toBe(0);
  });

  it('calls nothing once closed', async () => {
    const dir = await tempDir();
    mkdirSync(join(dir, 'posts/sub'), { recursive: true });
    const changes = counter();
    const w = start([join(dir, 'posts'), join(dir, 'package.json'), join(dir, 'static')], changes.onChange);
    await changes.after(() => writeFileSync(join(dir, 'posts/sub/a.md'), 'x\n'));
    await w.close();
    const before = changes.calls;
    writeFileSync(join(dir, 'posts/a.md'), 'x\n');
    writeFileSync(join(dir, 'posts/sub/a.md'), 'y\n');
    writeFileSync(join(dir, 'package.json'), '{}\n');
    mkdirSync(join(dir, 'static'));
    await barrier(join(dir, 'posts'));
    await barrier(dir);
    expect(changes.calls).toBe(before);
  });
});
