import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject, post, removeProjects, runCli } from './helpers/cli-project.js';

/**
 * Symbolic links never lead the build out of the posts folder: a linked bundle folder elsewhere is not
 * published (it was, whole, private keys included), a linked post elsewhere is not read (its first line was
 * quoted in an error), and a linked folder inside a bundle is not followed out of it.
 */

afterAll(removeProjects);

const SECRET = 'NPM_TOKEN=npm_s3cr3t0123456789abcdefghijklmnop';

/** Every file under `dir`, relative, sorted (the output folder's contents). */
async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name).slice(dir.length + 1));
  }
  return out.sort();
}

describe('symbolic links out of the posts folder', () => {
  it('a linked bundle folder elsewhere is refused, naming the link, and nothing of it is published', async () => {
    const root = await makeProject({
      'home/project/index.md': post('Leak'),
      'home/project/PRIVATE-KEY': '-----BEGIN PRIVATE KEY-----\n',
      'posts/own.md': post('Own'),
    });
    await symlink(join(root, 'home/project'), join(root, 'posts/leak'));
    for (const command of ['check', 'build']) {
      const run = await runCli(root, [command]);
      expect(run.code).toBe(1);
      expect(run.lines).toEqual([
        'posts/leak error this symbolic link leads outside the posts folder posts/, so it is not read (a linked folder would be published whole): move the bundle into posts/, or link to a place inside it [link-outside-posts]',
        '✖ 1 error, 0 warnings in 1 file',
      ]);
    }
    // (no output: the error stops the build; and with it fixed, the key is nowhere near the output either)
    await expect(readdir(join(root, 'dist'))).rejects.toThrow();
  });

  it('a linked post elsewhere is refused and its contents are never quoted', async () => {
    const root = await makeProject({ 'secrets/.npmrc': `${SECRET}\n`, 'posts/own.md': post('Own') });
    await symlink(join(root, 'secrets/.npmrc'), join(root, 'posts/env.md'));
    await symlink('/proc/self/environ', join(root, 'posts/environ.md'));
    const run = await runCli(root, ['check'], { FEEDWRIGHT_TEST_SECRET: SECRET });
    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain('s3cr3t');
    expect(run.stderr).not.toContain('FEEDWRIGHT_TEST_SECRET');
    expect(run.lines.map((l) => l.replace(/ error .* \[/, ' ['))).toEqual([
      'posts/env.md [link-outside-posts]', 'posts/environ.md [link-outside-posts]', '✖ 2 errors, 0 warnings in 2 files',
    ]);
  });

  it('a linked folder or file inside a bundle that leads out of it is not published, with a warning naming the link', async () => {
    const root = await makeProject({
      'elsewhere/keys/PRIVATE-KEY': 'secret',
      'elsewhere/notes.txt': 'secret notes',
      'posts/trip/index.md': post('Trip'),
      'posts/trip/photos/a.png': 'png',
    });
    await symlink(join(root, 'elsewhere/keys'), join(root, 'posts/trip/keys'));
    await symlink(join(root, 'elsewhere/notes.txt'), join(root, 'posts/trip/notes.txt'));
    await symlink(join(root, 'posts/trip/photos'), join(root, 'posts/trip/same-photos')); // inside: not walked twice
    const run = await runCli(root, ['build']);
    expect(run.code).toBe(0);
    expect(run.lines.filter((l) => l.includes('asset-outside-bundle')).map((l) => l.split(' ')[0])).toEqual(['posts/trip/keys', 'posts/trip/notes.txt']);
    const out = await files(join(root, 'dist/posts/trip'));
    expect(out).toEqual(['index.html', 'photos/a.png']);
  });

  it('links to posts inside the posts folder are read', async () => {
    const root = await makeProject({ 'posts/own.md': post('Own') });
    await mkdir(join(root, 'posts/.drafts/b'), { recursive: true });
    await writeFile(join(root, 'posts/.drafts/b/index.md'), post('Bundle'));
    await symlink(join(root, 'posts/.drafts/b'), join(root, 'posts/b'));
    const run = await runCli(root, ['build']);
    expect([run.code, run.lines]).toEqual([0, []]);
  });
});
