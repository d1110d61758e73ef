import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../src/cli/cli.js';
import { PLAIN_POSTS, PLAIN_TITLE, plainPackageJson } from './helpers/plain-blog.js';

function fakeIo(cwd: string): Io & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { cwd, env: {}, stdout: (t) => out.push(t), stderr: (t) => err.push(t), now: () => Date.UTC(2026, 0, 1), out, err };
}

describe('a plain blog (the tests\' own, never the repository\'s posts)', () => {
  it('builds into three well-formed feeds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'feedwright-smoke-'));
    await writeFile(join(dir, 'package.json'), plainPackageJson());
    for (const [path, text] of Object.entries(PLAIN_POSTS)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    const out = join(dir, 'dist');
    const io = fakeIo(dir);
    const code = await main(['build', '--out', out], io);
    expect(io.err.join('')).toBe('');
    expect(code).toBe(0);
    const rss = await readFile(join(out, 'rss.xml'), 'utf8');
    const atom = await readFile(join(out, 'atom.xml'), 'utf8');
    expect(XMLValidator.validate(rss)).toBe(true);
    expect(XMLValidator.validate(atom)).toBe(true);
    const json = JSON.parse(await readFile(join(out, 'feed.json'), 'utf8')) as { version: string; items: { title: string }[] };
    expect(json.version).toBe('https://jsonfeed.org/version/1.1');
    expect(json.items.map((i) => i.title)).toContain(PLAIN_TITLE);
  });
});
