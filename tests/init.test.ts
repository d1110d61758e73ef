import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateWorkflow } from '@action-validator/core';
import { snapshotTree } from './helpers/cli-project.js';
import { run } from './helpers/project.js';

const made: string[] = [];
afterAll(() => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));

async function folder(files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'feedwright-init-'));
  made.push(dir);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

const NOW = Date.UTC(2026, 2, 14, 23, 30); // the example post is dated by the clock, in UTC

describe('feedwright init', () => {
  it('in an empty folder: package.json with the config and scripts, an example post, static/, the workflow, .gitignore', async () => {
    const dir = await folder();
    const { code, io } = await run(dir, ['init'], { now: () => NOW });
    expect(code).toBe(0);
    expect(io.stderrText).toBe('');
    expect(io.stdoutText.split('\n').slice(0, 5)).toEqual([
      'created package.json: the "feedwright" config (set "url"!) and npm scripts build, check, dev',
      'created posts/2026-03-14-hello-feeds.md: an example post (edit or delete it)',
      'created static/.gitkeep: static files (favicon, CNAME, images) go in static/',
      'created .github/workflows/feeds.yml: checks posts on pull requests, builds and deploys to GitHub Pages from main',
      'created .gitignore: ignores node_modules/ and dist/',
    ]);
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { name: string; scripts: Record<string, string>; feedwright: { url: string } };
    expect(pkg.name).toMatch(/^feedwright-init-/);
    expect(pkg.scripts).toEqual({ build: 'feedwright build', check: 'feedwright check', dev: 'feedwright dev --drafts --future' });
    expect(pkg.feedwright.url).toBe('https://your-name.github.io/your-blog/');
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toBe('node_modules/\ndist/\n');
    const workflow = await readFile(join(dir, '.github/workflows/feeds.yml'), 'utf8');
    expect(validateWorkflow(workflow).errors).toEqual([]);
    expect(Object.keys((parse(workflow) as { jobs: object }).jobs)).toEqual(['check', 'build', 'deploy']);

    // The scaffold builds as it is (with the placeholder warned about), and is clean with the real URL.
    const built = await run(dir, ['build'], { now: () => NOW });
    expect(built.code).toBe(0);
    expect(built.io.stderrText).toContain('[placeholder-url]');
    expect(built.io.stdoutText).toMatch(/^Built 1 post into dist\//);
    const strict = await run(dir, ['check', '--strict'], { now: () => NOW, env: { FEEDWRIGHT_SITE_URL: 'https://jane.github.io/notes/' } });
    expect([strict.code, strict.io.stderrText]).toEqual([0, '']);
  });

  it('run again, changes nothing and says what it left', async () => {
    const dir = await folder();
    expect((await run(dir, ['init'], { now: () => NOW })).code).toBe(0);
    const before = await snapshotTree(dir);
    const again = await run(dir, ['init'], { now: () => NOW + 86_400_000 });
    expect(again.code).toBe(0);
    expect(await snapshotTree(dir)).toEqual(before);
    expect(again.io.stdoutText.split('\n\nNext:')[0]?.split('\n')).toEqual([
      'left    package.json: kept its "feedwright" field and the scripts build, check, dev (use npx feedwright build, npx feedwright check, npx feedwright dev) as they were',
      'left    posts/: it already holds files, so no example post was added',
      'left    static/.gitkeep: it exists',
      'left    .github/workflows/feeds.yml: it exists',
      'left    .gitignore: it already ignores node_modules/ and dist/',
    ]);
  });

  it('in an existing site: adds the config and free scripts to package.json, keeping every other field, and appends to .gitignore', async () => {
    const original = '{\n    "name": "my-site",\n    "version": "2.1.0",\n    "scripts": {\n        "build": "vite build",\n        "test": "vitest"\n    },\n    "dependencies": {\n        "vite": "^6.0.0"\n    }\n}\n';
    const dir = await folder({
      'package.json': original,
      '.gitignore': '/dist\n.env', // no final newline
      '.github/workflows/feeds.yml': 'name: mine\n',
      'posts/old.md': '---\ntitle: Old\ndate: 2020-01-01\n---\n\nKept.\n',
    });
    const { code, io } = await run(dir, ['init'], { now: () => NOW });
    expect(code).toBe(0);
    expect(io.stdoutText).toContain('updated package.json: added the "feedwright" config (set "url"!) and npm scripts check, dev; kept the scripts build (use npx feedwright build) as they were\n');
    expect(io.stdoutText).toContain('updated .gitignore: appended node_modules/\n');
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(pkg)).toEqual(['name', 'version', 'scripts', 'dependencies', 'feedwright']);
    expect(pkg.scripts).toEqual({ build: 'vite build', test: 'vitest', check: 'feedwright check', dev: 'feedwright dev --drafts --future' });
    expect(pkg.dependencies).toEqual({ vite: '^6.0.0' });
    expect(await readFile(join(dir, 'package.json'), 'utf8')).toMatch(/^\{\n {4}"name": "my-site",\n {4}"version": "2.1.0",\n {4}"scripts": \{\n {8}"build": "vite build",/);
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toBe('/dist\n.env\nnode_modules/\n');
    expect(await readFile(join(dir, '.github/workflows/feeds.yml'), 'utf8')).toBe('name: mine\n');
    expect(await readdir(join(dir, 'posts'))).toEqual(['old.md']);
  });

  it('never overwrites an existing "feedwright" field, and stops without changing anything on a broken package.json', async () => {
    const mine = '{\n  "name": "b",\n  "feedwright": { "title": "Mine", "url": "https://b.example/" }\n}\n';
    const kept = await folder({ 'package.json': mine });
    await run(kept, ['init'], { now: () => NOW });
    expect(JSON.parse(await readFile(join(kept, 'package.json'), 'utf8'))).toEqual({ ...JSON.parse(mine), scripts: { build: 'feedwright build', check: 'feedwright check', dev: 'feedwright dev --drafts --future' } });

    const broken = await folder({ 'package.json': '{ "name": "b", }' });
    const { code, io } = await run(broken, ['init'], { now: () => NOW });
    expect(code).toBe(1);
    expect(io.stderrText).toMatch(/^feedwright: package\.json is not valid JSON \(.*\); fix it and run init again; nothing was changed\n$/);
    expect(await readdir(broken)).toEqual(['package.json']);
  });

  it('takes no arguments', async () => {
    const dir = await folder();
    expect((await run(dir, ['init', 'blog'])).code).toBe(2);
    expect(await readdir(dir)).toEqual([]);
  });
});
