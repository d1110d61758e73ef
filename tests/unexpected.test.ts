import { afterAll, describe, expect, it, vi } from 'vitest';
import { makeProject, post, removeProjects, runCli, snapshotTree } from './helpers/cli-project.js';

/**
 * A bug inside a stage (simulated: the Markdown renderer throws on one post) must come out as one clear
 * line naming the stage and the file, exit 1, no stack trace unless FEEDWRIGHT_DEBUG=1, and no output.
 */
vi.mock('../src/post/markdown.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/post/markdown.js')>();
  return {
    ...real,
    renderMarkdown: (body: string) => {
      if (body.includes('TRIGGER-BUG')) throw new TypeError('Cannot read properties of undefined (reading \'type\')');
      return real.renderMarkdown(body);
    },
  };
});

afterAll(removeProjects);

describe('unexpected exceptions', () => {
  it('print one line naming the file, exit 1, write nothing', async () => {
    const root = await makeProject({ 'posts/fine.md': post('Fine'), 'posts/buggy.md': post('Buggy', undefined, 'TRIGGER-BUG') });
    const run = await runCli(root, ['build']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("feedwright: unexpected error while rendering posts/buggy.md: Cannot read properties of undefined (reading 'type') (a bug in feedwright, not in your posts; FEEDWRIGHT_DEBUG=1 shows the stack trace)\n");
    expect(run.stdout).toBe('');
    expect(Object.keys(await snapshotTree(root))).not.toContain('dist');
  });

  it('show the stack of the error and its cause with FEEDWRIGHT_DEBUG=1', async () => {
    const root = await makeProject({ 'posts/buggy.md': post('Buggy', undefined, 'TRIGGER-BUG') });
    const run = await runCli(root, ['check'], { FEEDWRIGHT_DEBUG: '1' });
    expect(run.code).toBe(1);
    const [first, ...rest] = run.stderr.split('\n');
    expect(first).toBe("feedwright: unexpected error while rendering posts/buggy.md: Cannot read properties of undefined (reading 'type')");
    expect(rest.join('\n')).toMatch(/^StageError: unexpected error while rendering posts\/buggy\.md[^]*\n\s+at [^]*\nCaused by: TypeError: Cannot read[^]*\n\s+at /);
  });
});
