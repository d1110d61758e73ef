import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/config.js';
import { loadPosts as loadInline } from '../src/engine/load-posts.js';
import { WARM_THRESHOLD } from '../src/engine/render-pool.js';
import { listSources } from '../src/read/sources.js';
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
    const compiled = join(dirname(dirname(await compiledCli())), 'engine');
    const threaded = (await import(pathToFileURL(join(compiled, 'load-posts.js')).href)) as typeof import('../src/engine/load-posts.js');
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
    // one warning for the key, however many files have it (and whichever thread rendered them), and the count
    expect(inThread.lines).toEqual([expect.stringMatching(/ warning unknown front-matter key "colour" \(in 3 files; first here\)/), expect.stringMatching(/^⚠ 0 errors, 1 warning/)]);
    expect(await snapshotTree(join(root, 'threaded'))).toEqual(await snapshotTree(join(root, 'single')));
  }, 60_000);

  // (A rebuild starts its worker only when there is a second CPU to run it.)
  it.skipIf(availableParallelism() < 2)('on a rebuild of a big blog, renders what changed in a worker and never loads the YAML and front-matter libraries in the main thread', async () => {
    const root = await tempProject('workers-warm');
    await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'blog', feedwright: { title: 'Threads', url: SITE, limit: 10, archiveSize: 25 } }));
    await writeTinyPosts(root, 0, WARM_THRESHOLD); // the fewest posts for a rebuild to start its worker at once
    const bin = await compiledCli();
    // Preloaded in every thread; the main thread writes down, as it exits, which libraries it loaded. yaml and
    // gray-matter are CommonJS, so whichever thread loads them has them in its own require.cache.
    const probe = join(root, 'probe.mjs');
    await writeFile(probe, [
      "import { createRequire } from 'node:module';",
      "import { writeFileSync } from 'node:fs';",
      "import { isMainThread } from 'node:worker_threads';",
      'const require = createRequire(import.meta.url);',
      `if (isMainThread) process.on('exit', () => writeFileSync(${JSON.stringify(join(root, 'loaded.json'))}, JSON.stringify(Object.keys(require.cache))));`,
    ].join('\n'));
    const env = { ...process.env, SOURCE_DATE_EPOCH: String(Date.UTC(2030, 0, 1) / 1000) };
    const buildProbed = async (): Promise<string[]> => {
      await exec(process.execPath, ['--import', pathToFileURL(probe).href, bin, 'build'], { cwd: root, env });
      return (JSON.parse(await readFile(join(root, 'loaded.json'), 'utf8')) as string[]).filter((p) => /[\\/]node_modules[\\/](yaml|gray-matter)[\\/]/.test(p));
    };
    // The first build renders every post in the main thread's pool: the probe sees nothing of them either, so
    // check it can see them at all with a small build in the main thread.
    const small = await tempProject('workers-warm-small');
    await writeFile(join(small, 'package.json'), JSON.stringify({ name: 'blog', feedwright: { title: 'Threads', url: SITE } }));
    await writeTinyPosts(small, 0, 3);
    await exec(process.execPath, ['--import', pathToFileURL(probe).href, bin, 'build'], { cwd: small, env });
    expect((JSON.parse(await readFile(join(root, 'loaded.json'), 'utf8')) as string[]).some((p) => p.includes('gray-matter'))).toBe(true);

    expect(await buildProbed()).toEqual([]);
    await writeFile(join(root, 'posts', tinyName(500)), tinyPost(500, ' Edited.'));
    expect(await buildProbed()).toEqual([]);
    const clean = await runCli(root, ['build', '--no-cache', '--out', 'clean']);
    expect(clean.code).toBe(0);
    expect(await snapshotTree(join(root, 'dist'))).toEqual(await snapshotTree(join(root, 'clean')));
    expect(await readFile(join(root, 'dist', 'posts', 'post-0500', 'index.html'), 'utf8')).toContain('Edited.');
  }, 90_000);
});
