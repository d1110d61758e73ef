import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { validateWorkflow } from '@action-validator/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * The workflow is linted with @action-validator/core: the npm build of mpalmer/action-validator, which checks
 * a workflow against the SchemaStore JSON schema GitHub's own editor tooling uses, plus cross-references such
 * as `needs`. It ships its WebAssembly in the package (nothing is downloaded), has no dependencies, and runs
 * on any Node. The assertions below then pin down what this project needs from the workflow.
 */

const root = resolve(import.meta.dirname, '..');
const exec = promisify(execFile);
const text = await readFile(resolve(root, '.github/workflows/feeds.yml'), 'utf8');

interface Step { readonly uses?: string; readonly run?: string; readonly id?: string; readonly with?: Record<string, unknown>; readonly env?: Record<string, string> }
interface Job {
  readonly if?: string;
  readonly needs?: string | string[];
  readonly container?: string;
  readonly permissions?: Record<string, string>;
  readonly environment?: { name: string; url: string };
  readonly steps: Step[];
}
const workflow = parse(text) as { on: Record<string, { branches?: string[] } | null>; permissions: Record<string, string>; jobs: Record<string, Job> };
const job = (name: string): Job => {
  const found = workflow.jobs[name];
  if (!found) throw new Error(`no job ${name}`);
  return found;
};

describe('.github/workflows/feeds.yml', () => {
  it('passes the workflow linter', () => {
    expect(validateWorkflow(text).errors).toEqual([]);
  });

  it('is checked by a linter that does catch mistakes', () => {
    const broken = text.replace('needs: build', 'needs: biuld').replace('runs-on: ubuntu-latest', 'runs-on: [');
    expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
    expect(validateWorkflow(text.replace('needs: build', 'needs: biuld')).errors.map((e) => e.code)).toContain('unresolved_job');
  });

  it('checks the content on every pull request and push, in a fast job of its own (no browser), with warnings failing', () => {
    expect(Object.keys(workflow.on)).toEqual(['pull_request', 'push', 'workflow_dispatch']);
    expect(workflow.on.push?.branches).toEqual(['main']);
    const check = job('check');
    expect(check.if).toBeUndefined();
    expect(check.needs).toBeUndefined();
    expect(check.container).toBeUndefined();
    const runs = check.steps.flatMap((s) => (s.run ? [s.run] : []));
    expect(runs).toEqual(['npm ci', 'npm run check -- --strict']);
    // The checked-in url is a placeholder (an error under --strict) until the owner sets theirs: a stand-in is given.
    const step = check.steps.find((s) => s.run === 'npm run check -- --strict');
    expect(step?.env?.FEEDWRIGHT_SITE_URL).toBe('https://${{ github.repository_owner }}.github.io/${{ github.event.repository.name }}/');
  });

  it('runs the full suite (Chromium, nginx) only when the tool changed', async () => {
    const changes = job('changes') as Job & { outputs: Record<string, string> };
    expect(changes.outputs.tool).toBe('${{ steps.diff.outputs.tool }}');
    const diff = changes.steps.find((s) => s.id === 'diff');
    expect(diff?.run).toBe('echo "tool=$(.ci/tool-changed "$BASE")" >> "$GITHUB_OUTPUT"');
    expect(diff?.env?.BASE).toContain('github.event.pull_request.base.sha');
    expect(diff?.env?.BASE).toContain('github.event.before');
    expect(changes.steps[0]?.with?.['fetch-depth']).toBe(0);

    const test = job('test');
    expect(test.needs).toBe('changes');
    expect(test.if).toBe("needs.changes.outputs.tool == 'true'");
    expect(test.container).toMatch(/^node:20/);
    const runs = test.steps.flatMap((s) => (s.run ? [s.run] : []));
    expect(runs.filter((r) => r.startsWith('npm'))).toEqual(['npm ci', 'npm test']);
    expect(runs.some((r) => r.includes('apt-get install') && r.includes('chromium') && r.includes('nginx'))).toBe(true);
    const pkg = JSON.parse(await readFile(resolve(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(['test', 'check', 'build']));
  });

  it('on pushes to main builds after the check and the suite (or its skip) with the Pages URL, and deploys with least privilege', () => {
    const build = job('build');
    expect(build.needs).toEqual(['check', 'test']);
    for (const part of ['!cancelled()', "github.ref == 'refs/heads/main'", "github.event_name != 'pull_request'", "needs.check.result == 'success'", "needs.test.result == 'success' || needs.test.result == 'skipped'"]) {
      expect(build.if).toContain(part);
    }
    // configure-pages reads the Pages site through the API: a private repository's token needs pages: read for it.
    expect(build.permissions).toEqual({ contents: 'read', pages: 'read' });
    const pages = build.steps.find((s) => s.uses?.startsWith('actions/configure-pages@'));
    expect(pages?.id).toBe('pages');
    const buildStep = build.steps.find((s) => s.run === 'npm run build');
    expect(buildStep?.env?.FEEDWRIGHT_SITE_URL).toBe('${{ steps.pages.outputs.base_url }}');
    const upload = build.steps.find((s) => s.uses?.startsWith('actions/upload-pages-artifact@'));
    expect(upload?.with?.path).toBe('dist');
    expect(build.steps.indexOf(pages as Step)).toBeLessThan(build.steps.indexOf(buildStep as Step));

    const deploy = job('deploy');
    expect(deploy.needs).toBe('build');
    expect(deploy.permissions).toEqual({ pages: 'write', 'id-token': 'write' });
    expect(deploy.environment?.name).toBe('github-pages');
    expect(deploy.steps.map((s) => s.uses)).toEqual([expect.stringMatching(/^actions\/deploy-pages@v\d+$/)]);
    expect(workflow.permissions).toEqual({ contents: 'read' });
    for (const name of ['check', 'changes', 'test']) expect(job(name).permissions, name).toBeUndefined();
  });
});

describe('.ci/tool-changed (which changes need the full suite)', () => {
  const git = (dir: string, ...args: string[]): Promise<{ stdout: string }> => exec('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir });
  const pkg = (feedwright: object, deps: object = { marked: '^18' }): string => `${JSON.stringify({ name: 'blog', dependencies: deps, feedwright }, null, 2)}\n`;

  it('says false for content (posts, the feedwright config, README), true for the tool or an unknown base', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'feedwright-changed-'));
    try {
      await git(dir, 'init', '-q');
      await mkdir(join(dir, 'posts'));
      await mkdir(join(dir, 'src'));
      await writeFile(join(dir, 'package.json'), pkg({ url: 'https://a.example/' }));
      await writeFile(join(dir, 'posts/a.md'), 'a');
      await writeFile(join(dir, 'src/a.ts'), 'a');
      await git(dir, 'add', '-A');
      await git(dir, 'commit', '-qm', 'base');
      const base = (await git(dir, 'rev-parse', 'HEAD')).stdout.trim();
      const changed = async (edit: () => Promise<void>): Promise<string> => {
        await git(dir, 'checkout', '-q', base);
        await edit();
        await git(dir, 'add', '-A');
        await git(dir, 'commit', '-qm', 'edit');
        return (await exec(resolve(root, '.ci/tool-changed'), [base], { cwd: dir })).stdout.trim();
      };
      expect(await changed(() => writeFile(join(dir, 'posts/b.md'), 'b'))).toBe('false');
      expect(await changed(() => writeFile(join(dir, 'README.md'), 'r'))).toBe('false');
      expect(await changed(() => writeFile(join(dir, 'package.json'), pkg({ url: 'https://mine.example/', title: 'Mine' })))).toBe('false');
      expect(await changed(() => writeFile(join(dir, 'package.json'), pkg({ url: 'https://a.example/' }, { marked: '^19' })))).toBe('true');
      expect(await changed(() => writeFile(join(dir, 'src/a.ts'), 'b'))).toBe('true');
      expect(await changed(() => mkdir(join(dir, 'tests')).then(() => writeFile(join(dir, 'tests/t.ts'), 't')))).toBe('true');
      for (const unknown of ['', '0000000000000000000000000000000000000000', 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef']) {
        expect((await exec(resolve(root, '.ci/tool-changed'), [unknown], { cwd: dir })).stdout.trim(), unknown).toBe('true');
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
