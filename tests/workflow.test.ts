import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
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

  it('runs npm ci, npm test and npm run check on pull requests, with Chromium for the browser tests', async () => {
    expect(Object.keys(workflow.on)).toContain('pull_request');
    expect(workflow.on.push?.branches).toEqual(['main']);
    const test = job('test');
    expect(test.if).toBeUndefined();
    expect(test.container).toMatch(/^node:20/);
    const runs = test.steps.flatMap((s) => (s.run ? [s.run] : []));
    expect(runs.filter((r) => r.startsWith('npm'))).toEqual(['npm ci', 'npm test', 'npm run check']);
    expect(runs.some((r) => r.includes('apt-get install') && r.includes('chromium') && r.includes('nginx'))).toBe(true);
    const pkg = JSON.parse(await readFile(resolve(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(['test', 'check', 'build']));
  });

  it('on pushes to main builds with the site URL from the Pages environment and deploys with the official actions', () => {
    const build = job('build');
    expect(build.needs).toBe('test');
    expect(build.if).toContain("github.ref == 'refs/heads/main'");
    expect(build.if).toContain("github.event_name != 'pull_request'");
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
  });
});
