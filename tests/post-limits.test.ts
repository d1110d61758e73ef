import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_BLOCK_NESTING, MAX_INLINE_NESTING, tooDeep } from '../src/post/nesting.js';
import { MAX_POST_BYTES, readPostFile } from '../src/read/read-post.js';
import { makeProject, run } from './helpers/project.js';

/**
 * Posts that nest too deeply or are too big are errors at the post (`post-too-deep`, `post-too-large`), never a
 * stack overflow reported as "a bug in feedwright", an out-of-memory crash, or a misleading "not UTF-8".
 */

const front = '---\ntitle: Deep\ndate: 2024-01-01\n---\n'; // the body starts on line 5
const FIRST_BODY_LINE = 5;

/** `check` and `build` on a project with one post; both must give the same report. */
async function both(body: string | Uint8Array): Promise<{ code: number; lines: string[] }> {
  const dir = await makeProject({ 'posts/deep.md': typeof body === 'string' ? `${front}${body}` : body });
  const checked = await run(dir, ['check']);
  const built = await run(dir, ['build']);
  expect(built.code).toBe(checked.code);
  const lines = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('posts/'));
  expect(lines(built.io.stderrText)).toEqual(lines(checked.io.stderrText));
  expect(built.io.stderrText).not.toContain('a bug in feedwright');
  return { code: built.code, lines: lines(built.io.stderrText) };
}

describe('post-too-deep', () => {
  it.each([
    ['2,000 nested block quotes', `Intro.\n\n${'>'.repeat(2000)} x\n`, 3],
    ['50,000 list markers on one line', `${'- '.repeat(50_000)}x\n`, 1],
    ['200 levels of indented lists', Array.from({ length: 200 }, (_, i) => `${'  '.repeat(i)}- x`).join('\n'), 101],
    ['block quotes and lists mixed', `${'> - '.repeat(1000)}x\n`, 1],
    ['50,000 emphasis delimiters', `a\n\n${'*'.repeat(50_000)}x${'*'.repeat(50_000)}\n`, 3],
    ['3,000 levels of emphasis', `${'*a '.repeat(3000)}x${' a*'.repeat(3000)}\n`, 1],
  ])('%s: an error at the line where the limit is crossed', async (_name, body, line) => {
    const { code, lines } = await both(body);
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^posts/deep\\.md:${FIRST_BODY_LINE + line - 1}:1 error .*at most 100 are allowed \\[post-too-deep\\]$`));
  });

  it('renders nesting up to the limit', async () => {
    const quotes = `${'>'.repeat(MAX_BLOCK_NESTING)} deepest\n`;
    const list = Array.from({ length: MAX_BLOCK_NESTING / 2 }, (_, i) => `${'  '.repeat(i)}- item ${i}`).join('\n');
    const emphasis = `${'*a '.repeat(MAX_INLINE_NESTING)}x${' a*'.repeat(MAX_INLINE_NESTING)}\n`;
    for (const body of [quotes, list, emphasis]) {
      expect(tooDeep(body)).toBeUndefined();
      expect((await both(body)).code).toBe(0);
    }
    expect(tooDeep(`${'>'.repeat(MAX_BLOCK_NESTING + 1)} x`)).toMatchObject({ line: 1, kind: 'block' });
    expect(tooDeep(`${'*a '.repeat(MAX_INLINE_NESTING + 1)}x${' a*'.repeat(MAX_INLINE_NESTING + 1)}`)).toMatchObject({ kind: 'emphasis' });
  });

  it('does not count what only looks deep: unmatched delimiters, code, separate paragraphs', () => {
    expect(tooDeep(`\`\`\`py\n${'f(**kwargs)\n def g(**kw): *args\n'.repeat(200)}\`\`\`\n`)).toBeUndefined();
    expect(tooDeep(`${'**bold** and _it_ '.repeat(500)}\n`)).toBeUndefined();
    expect(tooDeep(Array.from({ length: 300 }, () => '*a *b').join('\n\n'))).toBeUndefined(); // a paragraph each
    expect(tooDeep(`${'snake_case_name '.repeat(1000)}`)).toBeUndefined();
  });
});

describe('post-too-deep backstop', () => {
  afterEach(() => {
    vi.doUnmock('../src/markdown.js');
    vi.resetModules();
  });

  it('a stack overflow the scan did not foresee is still an error at the post, not a crash', async () => {
    vi.resetModules();
    vi.doMock('../src/post/markdown.js', () => ({
      renderMarkdown: () => {
        throw new RangeError('Maximum call stack size exceeded');
      },
    }));
    const { processSource } = await import('../src/post/stage.js');
    const { resolveConfig } = await import('../src/config/config.js');
    const config = resolveConfig({ file: 'c', text: '{}', data: { url: 'https://example.org/' }, keyPath: [] }).config;
    if (!config) throw new Error('config');
    const result = processSource({ path: 'posts/deep.md', stem: 'deep', text: `${front}x\n` }, config);
    expect(result.post).toBeUndefined();
    expect(result.diagnostics.map((d) => [d.code, d.line])).toEqual([['post-too-deep', FIRST_BODY_LINE]]);
    // Any other exception is still a bug, reported as one.
    vi.doMock('../src/post/markdown.js', () => ({
      renderMarkdown: () => {
        throw new TypeError('boom');
      },
    }));
    vi.resetModules();
    const again = await import('../src/post/stage.js');
    expect(() => again.processSource({ path: 'posts/deep.md', stem: 'deep', text: `${front}x\n` }, config)).toThrow(/boom/);
  });
});

describe('post-too-large', () => {
  it('a post over the limit is an error at the file, found without reading it', async () => {
    const { code, lines } = await both(Buffer.concat([Buffer.from(front), Buffer.alloc(MAX_POST_BYTES, 'a')]));
    expect(code).toBe(1);
    expect(lines).toEqual([`posts/deep.md error the post is ${MAX_POST_BYTES + front.length} bytes, over the limit of ${MAX_POST_BYTES} bytes (5 MiB) for one post; split it, or put big media in files beside it in a bundle [post-too-large]`]);
  });

  it('a post over 512 MiB (longer than any string) is too large, not "invalid UTF-8"', async () => {
    const dir = await makeProject({ 'posts/huge.md': front });
    const file = await open(join(dir, 'posts/huge.md'), 'r+');
    await file.truncate(600 * 1024 * 1024); // sparse: no disk used
    await file.close();
    const { code, io } = await run(dir, ['build']);
    expect(code).toBe(1);
    expect(io.stderrText).toMatch(/^posts\/huge\.md error the post is 629145600 bytes, over the limit .*\[post-too-large\]$/m);
    expect(io.stderrText).not.toContain('invalid-utf8');
  });

  it('a post at the limit is read', async () => {
    const dir = await makeProject({ 'posts/ten.md': '0123456789' });
    expect(readPostFile(join(dir, 'posts/ten.md'), 'posts/ten.md', 10)).toEqual({ bytes: Buffer.from('0123456789') });
    expect(readPostFile(join(dir, 'posts/ten.md'), 'posts/ten.md', 9)).toMatchObject({ problem: { code: 'post-too-large' } });
  });
});
