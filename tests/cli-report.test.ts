import { mkdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject, post, removeProjects, REPO, runCli, snapshotTree } from './helpers/cli-project.js';
import { report, reportText, type Io } from '../src/cli/io.js';
import { diagnostic, formatDiagnostic, formatGithubAnnotation, sortDiagnostics, type Diagnostic } from '../src/common/diagnostics.js';

/** How a run reports: everything at once, a count, exit codes, --strict, GitHub annotations, check = build. */

const messy = {
  'posts/a.md': '---\ntitle: A\ndate: 2023-02-30\ntags: {a: 1}\n---\n\nBody\n',
  'posts/b.md': '---\ntitel: B\ndate: 2024-01-31\n---\n\nBody\n',
  'posts/c.md': post('C'),
};

afterAll(removeProjects);

describe('reporting', () => {
  it('reports every problem of every file, sorted, then the count, and exits 1', async () => {
    const root = await makeProject(messy);
    const run = await runCli(root, ['build']);
    expect(run.lines).toEqual([
      'posts/a.md:3:1 error "date" is not a real date: "2023-02-30": day 30 does not exist in 2023-02 (it has 28 days) [invalid-date]',
      'posts/a.md:4:1 error "tags" must be a list of words such as [film, news], found a mapping [wrong-type]',
      'posts/b.md:1:1 error missing "title": add a line such as "title: My first post" to the front matter [missing-title]',
      'posts/b.md:2:1 warning unknown front-matter key "titel"; did you mean "title"? [unknown-key]',
      '✖ 3 errors, 1 warning in 2 files',
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(Object.keys(await snapshotTree(root))).not.toContain('dist');
  });

  it('a broken config does not hide the posts\' problems: both are reported in one run', async () => {
    const root = await makeProject(messy, { url: 'https://example.com/', languag: 'en', summaryLength: 5 });
    const run = await runCli(root, ['check']);
    expect(run.lines[0]).toMatch(/^package\.json:5:5 error unknown config key "languag"; did you mean "language"\?/);
    expect(run.lines.slice(1)).toEqual([
      'posts/a.md:3:1 error "date" is not a real date: "2023-02-30": day 30 does not exist in 2023-02 (it has 28 days) [invalid-date]',
      'posts/a.md:4:1 error "tags" must be a list of words such as [film, news], found a mapping [wrong-type]',
      'posts/b.md:1:1 error missing "title": add a line such as "title: My first post" to the front matter [missing-title]',
      'posts/b.md:2:1 warning unknown front-matter key "titel"; did you mean "title"? [unknown-key]',
      // the config's valid keys still apply (summaryLength 5)
      'posts/c.md:5:1 warning the summary is 10 characters, over the configured 5; readers may cut it off [long-summary]',
      '✖ 4 errors, 2 warnings in 4 files',
    ]);
    expect(run.code).toBe(1);
  });

  it('warnings alone do not fail the build; with --strict they do, and nothing is written', async () => {
    const root = await makeProject({ 'posts/b.md': '---\ntitel: x\ntitle: B\ndate: 2024-01-31\n---\n\nBody\n' });
    const strict = await runCli(root, ['build', '--strict']);
    expect([strict.code, strict.lines.at(-1)]).toEqual([1, '⚠ 0 errors, 1 warning in 1 file']);
    expect(Object.keys(await snapshotTree(root))).not.toContain('dist');
    const lax = await runCli(root, ['build']);
    expect([lax.code, lax.lines.at(-1)]).toEqual([0, '⚠ 0 errors, 1 warning in 1 file']);
    expect(lax.stdout).toMatch(/^Built 1 post into dist\/: \d+ files in \d+ ms\n$/);
  });

  it('under GitHub Actions each problem is also a workflow command on stdout', async () => {
    const root = await makeProject(messy);
    const run = await runCli(root, ['check'], { GITHUB_ACTIONS: 'true' });
    expect(run.stdout.split('\n').filter(Boolean)).toEqual([
      '::error file=posts/a.md,line=3,col=1,title=invalid-date::"date" is not a real date: "2023-02-30": day 30 does not exist in 2023-02 (it has 28 days)',
      '::error file=posts/a.md,line=4,col=1,title=wrong-type::"tags" must be a list of words such as [film, news], found a mapping',
      '::error file=posts/b.md,line=1,col=1,title=missing-title::missing "title": add a line such as "title: My first post" to the front matter',
      '::warning file=posts/b.md,line=2,col=1,title=unknown-key::unknown front-matter key "titel"; did you mean "title"?',
    ]);
    expect(run.lines).toHaveLength(5); // the plain lines are still printed
    expect((await runCli(root, ['check'])).stdout).toBe('');
  });
});

describe('check is build without writing', () => {
  const projects: [string, Record<string, string>, string[]][] = [
    ['errors and warnings', messy, []],
    ['warnings only', { 'posts/b.md': '---\ntitel: x\ntitle: B\ndate: 2024-01-31\n---\n\n' }, []],
    ['warnings only, strict', { 'posts/b.md': '---\ntitel: x\ntitle: B\ndate: 2024-01-31\n---\n\n' }, ['--strict']],
    ['clean', { 'posts/c.md': post('C') }, []],
    ['no posts folder', {}, ['--posts', 'missing']],
  ];
  it.each(projects)('%s: same diagnostics and exit code, and check leaves every byte as it was', async (_name, files, flags) => {
    const root = await makeProject(files);
    const before = await snapshotTree(root);
    const check = await runCli(root, ['check', ...flags]);
    expect(await snapshotTree(root)).toEqual(before);
    const build = await runCli(root, ['build', ...flags]);
    expect(check.lines).toEqual(build.lines);
    expect(check.code).toBe(build.code);
    expect(check.stdout).toMatch(/^(Checked \d+ posts?: \d+ files rendered in memory in \d+ ms, nothing written\n)?$/);
  });

  it('npm run check runs the same command', async () => {
    const pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.check).toBe('node src/cli/run.mjs check'); // the compiled CLI (src/cli/run.mjs imports dist-cli/cli/bin.js)
  });
});

describe('--out is refused where replacing it would lose files (exit 2, for build and check alike)', () => {
  it.each([
    ['posts', 'overlaps the posts folder posts'],
    ['posts/out', 'overlaps the posts folder posts'],
    ['.', 'is the project folder or one of its parents'],
    ['..', 'is the project folder or one of its parents'],
    ['/', 'is the project folder or one of its parents'],
    ['link-to-root', 'is the project folder or one of its parents'],
    ['link-to-root/dist/..', 'is the project folder or one of its parents'],
  ])('--out %s', async (out, why) => {
    const root = await makeProject({ 'posts/c.md': post('C') });
    await symlink(root, join(root, 'link-to-root'));
    const before = await snapshotTree(root);
    for (const command of ['build', 'check']) {
      const run = await runCli(root, [command, '--out', out]);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`feedwright: --out ${out} ${why}; choose a folder of its own such as dist\n`);
    }
    expect(await snapshotTree(root)).toEqual(before);
  });

  it('a posts folder inside the output folder is refused too', async () => {
    const root = await makeProject({ 'site/posts/c.md': post('C') });
    await mkdir(join(root, 'site'), { recursive: true });
    const run = await runCli(root, ['build', '--posts', 'site/posts', '--out', 'site']);
    expect([run.code, run.stderr]).toEqual([2, 'feedwright: --out site overlaps the posts folder site/posts; choose a folder of its own such as dist\n']);
  });
});

describe('report, with thousands of problems', () => {
  // Thousands of warnings (a blog with broken image links, printed by `dev` after every save) are written some
  // kilobytes at a time: the same text, whole lines per write, far fewer writes than lines.
  const many: Diagnostic[] = Array.from({ length: 3000 }, (_, i) => diagnostic(`posts/p-${(i * 7919) % 1000}.md`, i % 5 === 0 ? 'error' : 'warning',
    'broken-link', `image to https://example.org/i/${i}.png points into the site, but the build writes nothing there`, { line: 1 + (i % 3), column: 1 + i }));
  const fake = (env: Record<string, string> = {}): Io & { log: [string, string][] } => {
    const log: [string, string][] = [];
    return { cwd: '/', env, now: () => 0, stdout: (t) => log.push(['out', t]), stderr: (t) => log.push(['err', t]), log };
  };

  it('prints every line, sorted, then the count, in whole lines', () => {
    const io = fake();
    report(many, io);
    const expected = `${sortDiagnostics(many).map((d) => `${formatDiagnostic(d)}\n`).join('')}✖ 600 errors, 2400 warnings in 1000 files\n`;
    expect(io.log.filter(([to]) => to === 'out')).toEqual([]);
    const writes = io.log.map(([, text]) => text);
    expect(writes.join('')).toBe(expected);
    expect(writes.every((text) => text.endsWith('\n'))).toBe(true);
    expect(writes.length).toBeLessThan(many.length / 10);
  });

  it('reportText is what it prints, as one string (what the up-to-date check records and prints again)', () => {
    const io = fake();
    report(many, io);
    expect(reportText(many)).toBe(io.log.map(([, text]) => text).join(''));
    expect(reportText([])).toBe('');
  });

  it('under GitHub Actions each annotation still follows its own line', () => {
    const io = fake({ GITHUB_ACTIONS: 'true' });
    report(many, io);
    const sorted = sortDiagnostics(many);
    expect(io.log).toEqual([
      ...sorted.flatMap((d): [string, string][] => [['err', `${formatDiagnostic(d)}\n`], ['out', `${formatGithubAnnotation(d)}\n`]]),
      ['err', '✖ 600 errors, 2400 warnings in 1000 files\n'],
    ]);
  });
});
