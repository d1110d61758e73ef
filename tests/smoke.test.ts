import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../src/cli.js';

function fakeIo(cwd: string): Io & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { cwd, env: {}, stdout: (t) => out.push(t), stderr: (t) => err.push(t), now: () => Date.UTC(2026, 0, 1), out, err };
}

describe('the project itself', () => {
  it('builds its own posts into three well-formed feeds', async () => {
    const out = await mkdtemp(join(tmpdir(), 'feedwright-smoke-'));
    const io = fakeIo(resolve(import.meta.dirname, '..'));
    const code = await main(['build', '--out', out], io);
    expect(io.err.join('')).toBe('');
    expect(code).toBe(0);
    const rss = await readFile(join(out, 'rss.xml'), 'utf8');
    const atom = await readFile(join(out, 'atom.xml'), 'utf8');
    expect(XMLValidator.validate(rss)).toBe(true);
    expect(XMLValidator.validate(atom)).toBe(true);
    const json = JSON.parse(await readFile(join(out, 'feed.json'), 'utf8')) as { version: string; items: { title: string }[] };
    expect(json.version).toBe('https://jsonfeed.org/version/1.1');
    expect(json.items.map((i) => i.title)).toContain('Alita: Battle Angel 2 is officially in the works');
  });
});
