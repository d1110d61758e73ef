import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.js';
import { loadPosts as loadInline } from '../src/load-posts.js';
import { listSources } from '../src/sources.js';
import { compiledCli, removeCompiledCli, runCli, snapshotTree } from './helpers/cli-project.js';
import { SITE, tempProject, tinyName, tinyPost, writeTinyPosts } from './scale-fixtures.js';

const exec = promisify(execFile);
afterAll(removeCompiledCli);

/** A blog big enough for the render threads, with a few posts that have warnings. */
async function bigBlog(): Promise<string> {
  const root = await tempProject('workers');
  await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'blog', feedwright: { title: 'Threads', url: SITE, limit: 10, archiveSize: 25 } }));
  await writeTinyPosts(root, 0, 450);
  for (const i of [3, 200, 449]) await writeFile(join(root, 'posts', tinyName(i)), tinyPost(i).replace('---\n\n', 'colour: blue\n---\n\n'));
  return root;
}

describe('rendering in worker threads', () => {
  it('gives the same results, in the same order, as rendering in this thread', async () => {
    const root = await bigBlog();
    // Worker threads need compiled JavaScript: use the compiled modules for the threaded run.
    const compiled = dirname(await compiledCli());
    const threaded = (await import(pathToFileURL(join(compiled, 'load-posts.js')).href)) as typeof import('../src/load-posts.js');
    const data = { title: 'Threads', url: SITE, limit: 10, archiveSize: 25 };
    const config = resolveConfig({ file: 'package.json', text: JSON.stringify(data), data, keyPath: [] }).config;
    if (!config) throw new Error('invalid test config');
    const { entries } = await listSources(join(root, 'posts'), 'posts');
    const inThread = await loadInline(entries, config);
    let reported = 0;
    const inWorkers = await threaded.loadPosts(entries, config, { pool: { threads: 2, threshold: 1 }, onProgress: (done) => (reported = done) });
    expect(JSON.parse(JSON.stringify(inWorkers.results))).toEqual(JSON.parse(JSON.stringify(inThread.results)));
    expect(inWorkers.rendered).toBe(450);
    expect(reported).toBe(450);
  });

  it('builds the same site with the same diagnostics as the in-thread build', async () => {
    const root = await bigBlog();
    const bin = await compiledCli();
    // 450 posts is above the threshold: the compiled CLI renders them in threads (and without the cache here).
    const child = await exec(process.execPath, [bin, 'build', '--no-cache', '--out', 'threaded'], { cwd: root, env: { ...process.env, SOURCE_DATE_EPOCH: String(Date.UTC(2030, 0, 1) / 1000) } });
    const inThread = await runCli(root, ['build', '--no-cache', '--out', 'single']);
    expect(inThread.code).toBe(0);
    expect(child.stderr).toBe(inThread.stderr);
    expect(inThread.lines).toHaveLength(4); // three unknown-key warnings and the count
    expect(await snapshotTree(join(root, 'threaded'))).toEqual(await snapshotTree(join(root, 'single')));
  }, 60_000);
});
