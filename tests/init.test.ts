import { execFileSync } from 'node:child_process';
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

/**
 * The arguments a real shell passes to feedwright for `command` (an npm script, a workflow `run:` or a printed
 * hint): sh parses it, with `feedwright` and `npx` defined as functions that print their arguments.
 */
function shellArgs(command: string): string[] {
  const script = `feedwright() { printf '%s\\0' "$@"; }\nnpx() { shift; feedwright "$@"; }\n${command}\n`;
  return execFileSync('sh', ['-c', script], { encoding: 'utf8' }).split('\0').slice(0, -1);
}

interface WorkflowJob { readonly steps: { readonly run?: string }[] }
/** The feedwright commands a workflow runs, after a real YAML parse. */
function workflowCommands(text: string): string[] {
  const jobs = (parse(text) as { jobs: Record<string, WorkflowJob> }).jobs;
  return Object.values(jobs).flatMap((j) => j.steps.flatMap((s) => (s.run?.includes('feedwright') ? [s.run] : [])));
}

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
    expect(workflowCommands(workflow)).toEqual(['npx feedwright check --strict', 'npx feedwright build']);
    // The hint names the script that shows drafts, so the draft `new` writes is in the preview.
    expect(io.stdoutText.split('\nNext:\n')[1]?.split('\n').slice(0, 3)).toEqual([
      '  npx feedwright new "Title"   start a post (a draft until you remove "draft: true")',
      '  npm run dev                  preview at http://127.0.0.1:8080/ with drafts, rebuilt on every save',
      '  npm run build                write the feeds and pages into dist/',
    ]);

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

  it('--posts DIR (a Jekyll blog): every script, workflow command and hint says --posts DIR, and no example post is added', async () => {
    const dir = await folder({ '_posts/2020-01-01-old.md': '---\ntitle: Old\ncategories: ruby\n---\n\nKept.\n' });
    const { code, io } = await run(dir, ['init', '--posts', '_posts'], { now: () => NOW });
    expect([code, io.stderrText]).toEqual([0, '']);
    expect(io.stdoutText).toContain('left    _posts/: it already holds files, so no example post was added\n');
    expect(await readdir(dir)).not.toContain('posts');
    expect(await readdir(join(dir, '_posts'))).toEqual(['2020-01-01-old.md']);
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts).toEqual({ build: 'feedwright build --posts _posts', check: 'feedwright check --posts _posts', dev: 'feedwright dev --drafts --future --posts _posts' });
    const workflow = await readFile(join(dir, '.github/workflows/feeds.yml'), 'utf8');
    expect(validateWorkflow(workflow).errors).toEqual([]);
    expect(workflowCommands(workflow)).toEqual(['npx feedwright check --strict --posts _posts', 'npx feedwright build --posts _posts']);
    const next = io.stdoutText.split('\nNext:\n')[1]?.split('\n').slice(0, 3).map((l) => l.trim().split(/ {3,}/)[0] ?? '');
    expect(next).toEqual(['npx feedwright new "Title" --posts _posts', 'npm run dev', 'npm run build']);

    // What CI and the hints run reads the blog's post, and `new` writes into _posts/.
    const env = { FEEDWRIGHT_SITE_URL: 'https://jane.github.io/notes/' };
    for (const command of workflowCommands(workflow)) {
      const ran = await run(dir, shellArgs(command), { now: () => NOW, env });
      expect([command, ran.code, ran.io.stderrText]).toEqual([command, 0, '']);
      expect(ran.io.stdoutText).toMatch(/^(Built|Checked) 1 post[ :]/);
    }
    expect(await readFile(join(dir, 'dist/posts/old/index.html'), 'utf8')).toContain('Kept.');
    const made = await run(dir, shellArgs((next?.[0] ?? '').replace('"Title"', '"A new one"')), { now: () => NOW });
    expect([made.code, made.io.stdoutText]).toEqual([0, 'Created _posts/2026-03-14-a-new-one.md (a draft: remove "draft: true" to publish it)\n']);
    // `npm run dev` is `feedwright dev --drafts --future --posts _posts`: as a build, it has both posts.
    const devArgs = shellArgs(pkg.scripts.dev ?? '').map((a) => (a === 'dev' ? 'check' : a));
    expect((await run(dir, devArgs, { now: () => NOW, env })).io.stdoutText).toMatch(/^Checked 2 posts:/);
  });

  it('--posts DIR that is empty or missing gets the example post there; a name with a space is quoted for sh, npm and YAML', async () => {
    const dir = await folder();
    const { code, io } = await run(dir, ['init', '--posts', 'content/my posts/'], { now: () => NOW });
    expect([code, io.stderrText]).toEqual([0, '']);
    expect(await readdir(join(dir, 'content/my posts'))).toEqual(['2026-03-14-hello-feeds.md']);
    expect(await readdir(dir)).not.toContain('posts');
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toBe('feedwright build --posts "content/my posts"');
    const workflow = await readFile(join(dir, '.github/workflows/feeds.yml'), 'utf8');
    expect(validateWorkflow(workflow).errors).toEqual([]);
    for (const command of [...Object.values(pkg.scripts), ...workflowCommands(workflow)]) {
      const args = shellArgs(command);
      expect(args.slice(-2), command).toEqual(['--posts', 'content/my posts']);
    }
    const built = await run(dir, shellArgs(workflowCommands(workflow)[1] ?? ''), { now: () => NOW });
    expect([built.code, built.io.stdoutText]).toEqual([0, expect.stringMatching(/^Built 1 post into dist\//)]);
    expect(await readFile(join(dir, 'content/my posts/2026-03-14-hello-feeds.md'), 'utf8')).toContain('Every Markdown file in `content/my posts/` is a post');
  });

  it('--posts DIR: an existing workflow without --posts is left, with a word; taken scripts are named with --posts', async () => {
    const dir = await folder({ 'package.json': '{ "scripts": { "build": "jekyll build" } }\n', '.github/workflows/feeds.yml': 'name: mine\n', '_posts/a.md': 'x' });
    const { code, io } = await run(dir, ['init', '--posts', '_posts'], { now: () => NOW });
    expect(code).toBe(0);
    expect(io.stdoutText).toContain('kept the scripts build (use npx feedwright build --posts _posts) as they were');
    expect(io.stdoutText).toContain('left    .github/workflows/feeds.yml: it exists, and no command in it says --posts: add --posts _posts to its feedwright commands\n');
    expect(io.stdoutText).toMatch(/\n {2}npx feedwright build --posts _posts +write the feeds/);
  });

  it('--posts outside the folder, or with a character no quoting serves every shell, is wrong usage and changes nothing', async () => {
    for (const bad of ['../elsewhere', '/tmp', '.', 'a$b', 'say"hi"']) {
      const dir = await folder();
      const { code, io } = await run(dir, ['init', '--posts', bad], { now: () => NOW });
      expect([bad, code]).toEqual([bad, 2]);
      expect(io.stderrText).toMatch(/^feedwright: --posts .*; nothing was changed\n$/);
      expect(await readdir(dir)).toEqual([]);
    }
  });

  it('--out DIR and --config FILE: the config is written into FILE, every script, workflow command and hint says both, the workflow publishes DIR', async () => {
    const dir = await folder();
    const { code, io } = await run(dir, ['init', '--out', 'public/', '--config', 'feedwright.json'], { now: () => NOW });
    expect([code, io.stderrText]).toEqual([0, '']);
    expect(io.stdoutText.split('\n').slice(0, 6)).toEqual([
      'created package.json: npm scripts build, check, dev',
      'created feedwright.json: the feedwright config (set "url"!), read with --config',
      'created posts/2026-03-14-hello-feeds.md: an example post (edit or delete it)',
      'created static/.gitkeep: static files (favicon, CNAME, images) go in static/',
      'created .github/workflows/feeds.yml: checks posts on pull requests, builds and deploys to GitHub Pages from main',
      'created .gitignore: ignores node_modules/ and public/',
    ]);
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Record<string, unknown> & { scripts: Record<string, string> };
    expect(pkg.feedwright).toBeUndefined(); // one config, where the commands read it
    expect(JSON.parse(await readFile(join(dir, 'feedwright.json'), 'utf8'))).toMatchObject({ title: 'My blog', url: 'https://your-name.github.io/your-blog/' });
    expect(pkg.scripts).toEqual({
      build: 'feedwright build --out public --config feedwright.json',
      check: 'feedwright check --out public --config feedwright.json',
      dev: 'feedwright dev --drafts --future --out public --config feedwright.json',
    });
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toBe('node_modules/\npublic/\n');
    const workflow = await readFile(join(dir, '.github/workflows/feeds.yml'), 'utf8');
    expect(validateWorkflow(workflow).errors).toEqual([]);
    expect(workflowCommands(workflow)).toEqual(['npx feedwright check --strict --out public --config feedwright.json', 'npx feedwright build --out public --config feedwright.json']);
    const steps = (parse(workflow) as { jobs: { build: { steps: { uses?: string; with?: { path?: string } }[] } } }).jobs.build.steps;
    expect(steps.find((s) => s.uses?.startsWith('actions/upload-pages-artifact'))?.with?.path).toBe('public');
    const next = io.stdoutText.split('\nNext:\n')[1]?.split('\n') ?? [];
    expect(next.slice(0, 3).map((l) => l.trim().split(/ {3,}/))).toEqual([
      ['npx feedwright new "Title" --config feedwright.json', 'start a post (a draft until you remove "draft: true")'],
      ['npm run dev', 'preview at http://127.0.0.1:8080/ with drafts, rebuilt on every save'],
      ['npm run build', 'write the feeds and pages into public/'],
    ]);
    expect(next[3]).toBe('Before the first real build, set "url" in feedwright.json to the address the site');
    expect(await readFile(join(dir, 'posts/2026-03-14-hello-feeds.md'), 'utf8')).toContain('set `"url"` in `feedwright.json` to the address');

    // What CI runs reads feedwright.json and writes public/; the config's title is the one in the file.
    await writeFile(join(dir, 'feedwright.json'), JSON.stringify({ title: 'From the file', url: 'https://your-name.github.io/your-blog/' }));
    const env = { FEEDWRIGHT_SITE_URL: 'https://jane.github.io/notes/' };
    for (const command of workflowCommands(workflow)) {
      const ran = await run(dir, shellArgs(command), { now: () => NOW, env });
      expect([command, ran.code, ran.io.stderrText]).toEqual([command, 0, '']);
    }
    expect(await readdir(dir)).not.toContain('dist');
    expect(await readFile(join(dir, 'public/atom.xml'), 'utf8')).toContain('<title type="text">From the file</title>');
    // `new` as the hint says: dated in the config's zone, so it reads the config (a broken one would stop it)
    await writeFile(join(dir, 'feedwright.json'), JSON.stringify({ url: 'https://jane.github.io/notes/', timeZone: 'Pacific/Kiritimati' }));
    const made = await run(dir, shellArgs(next[0]?.trim().split(/ {3,}/)[0]?.replace('"Title"', '"Later"') ?? ''), { now: () => NOW });
    expect([made.code, made.io.stdoutText]).toEqual([0, 'Created posts/2026-03-15-later.md (a draft: remove "draft: true" to publish it)\n']);
  });

  it('--out and --config names with a space are quoted for sh, npm and YAML; with --posts, all three', async () => {
    const dir = await folder();
    const { code, io } = await run(dir, ['init', '--posts', '_posts', '--out', 'my site', '--config', 'conf/feed config.json'], { now: () => NOW });
    expect([code, io.stderrText]).toEqual([0, '']);
    expect(JSON.parse(await readFile(join(dir, 'conf/feed config.json'), 'utf8'))).toMatchObject({ title: 'My blog' });
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const workflow = await readFile(join(dir, '.github/workflows/feeds.yml'), 'utf8');
    expect(validateWorkflow(workflow).errors).toEqual([]);
    for (const command of [...Object.values(pkg.scripts), ...workflowCommands(workflow)]) {
      expect(shellArgs(command).slice(-6), command).toEqual(['--posts', '_posts', '--out', 'my site', '--config', 'conf/feed config.json']);
    }
    const steps = (parse(workflow) as { jobs: { build: { steps: { uses?: string; with?: { path?: string } }[] } } }).jobs.build.steps;
    expect(steps.find((s) => s.uses?.startsWith('actions/upload-pages-artifact'))?.with?.path).toBe('my site');
    const built = await run(dir, shellArgs(workflowCommands(workflow)[1] ?? ''), { now: () => NOW });
    expect([built.code, built.io.stdoutText]).toEqual([0, expect.stringMatching(/^Built 1 post into my site\//)]);
  });

  it('--config with a package.json of its own: its "feedwright" field is kept and said to be unread; an existing workflow gets a word for --out', async () => {
    const dir = await folder({ 'package.json': '{ "feedwright": { "url": "https://old.example/" } }\n', '.github/workflows/feeds.yml': 'run: feedwright build\n' });
    const { code, io } = await run(dir, ['init', '--out', 'public', '--config', 'site.json'], { now: () => NOW });
    expect(code).toBe(0);
    expect(io.stdoutText).toContain('updated package.json: added npm scripts build, check, dev; kept its "feedwright" field (not read: the commands say --config site.json) as they were\n');
    expect(io.stdoutText).toContain('left    .github/workflows/feeds.yml: it exists, and no command in it says --out or --config: add --out public --config site.json to its feedwright commands and publish public\n');
    expect(await readFile(join(dir, 'site.json'), 'utf8')).toContain('"url": "https://your-name.github.io/your-blog/"');
  });

  it('--out or --config that build could not use, or that init cannot write, is wrong usage and changes nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['--out', '.'], /^feedwright: --out \.: init writes the output folder into the npm scripts/],
      [['--out', '../site'], /^feedwright: --out \.\.\/site: init writes the output folder into the npm scripts/],
      [['--out', 'posts/site'], /^feedwright: --out posts\/site overlaps the posts folder posts/],
      [['--out', 'a$b'], /^feedwright: --out "a\$b": a folder name with/],
      [['--config', '../shared.json'], /^feedwright: --config \.\.\/shared\.json: init writes the config file into/],
      [['--config', 'site/package.json'], /^feedwright: --config site\/package\.json: init writes the config into the "feedwright" field of this folder's package\.json/],
      [['--config', 'dist/feedwright.json'], /^feedwright: --config dist\/feedwright\.json is inside the output folder dist, which every build replaces/],
      [['--config', 'say"hi".json'], /^feedwright: --config .*: a file name with/],
    ];
    for (const [flags, message] of cases) {
      const dir = await folder();
      const { code, io } = await run(dir, ['init', ...flags], { now: () => NOW });
      expect([flags, code]).toEqual([flags, 2]);
      expect(io.stderrText).toMatch(message);
      expect(io.stderrText).toMatch(/; nothing was changed\n$/);
      expect(await readdir(dir)).toEqual([]);
    }
  });

  it('takes no arguments', async () => {
    const dir = await folder();
    expect((await run(dir, ['init', 'blog'])).code).toBe(2);
    expect(await readdir(dir)).toEqual([]);
  });
});
