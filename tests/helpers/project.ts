import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import { main, type Io } from '../../src/cli/cli.js';

/** The config every fixture project starts from; tests override what they need. */
export const BASE_CONFIG = {
  title: 'Fixture news',
  url: 'https://example.org/blog/',
  description: 'A fixture site for tests.',
  language: 'en',
  author: { name: 'Ada Fixture', email: 'ada@example.org' },
  timeZone: 'UTC',
};

/** A real temp project: package.json with a feedwright config, plus the given files (paths relative to it). */
export async function makeProject(files: Record<string, string | Uint8Array>, config: Record<string, unknown> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'feedwright-test-'));
  const pkg = { name: 'fixture', private: true, feedwright: { ...BASE_CONFIG, ...config } };
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  await mkdir(join(dir, 'posts'), { recursive: true });
  for (const [path, contents] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), contents);
  }
  return dir;
}

/** A post file's text. */
export function post(front: Record<string, string>, body = 'Some text.'): string {
  return `---\n${Object.entries(front).map(([k, v]) => `${k}: ${v}`).join('\n')}\n---\n\n${body}\n`;
}

export type TestIo = Io & { out: string[]; err: string[]; readonly stdoutText: string; readonly stderrText: string };

/** A fake Io writing into arrays; the clock is fixed unless given. */
export function fakeIo(cwd: string, extra: Partial<Io> = {}): TestIo {
  const out: string[] = [];
  const err: string[] = [];
  return {
    cwd, env: {}, stdout: (t) => out.push(t), stderr: (t) => err.push(t), now: () => Date.UTC(2026, 0, 1), ...extra, out, err,
    get stdoutText() { return out.join(''); },
    get stderrText() { return err.join(''); },
  };
}

/** Run the CLI in `cwd`; returns the exit code and what it printed. */
export async function run(cwd: string, args: string[], extra: Partial<Io> = {}): Promise<{ code: number; io: TestIo }> {
  const io = fakeIo(cwd, extra);
  const code = await main(args, io);
  return { code, io };
}

/** A real PNG (RGB, a diagonal gradient) of the given size, so browsers decode it and report its width. */
export function png(width: number, height: number): Buffer {
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) rows.set([40 + (x * 180) / width, 90 + (y * 120) / height, 200 - (x * 100) / width], row + 1 + x * 3);
  }
  return pngOf(width, height, rows);
}

/**
 * A PNG file of RGB `rows` (each row a filter byte, 0, then three bytes a pixel), compressed at `level` (0 stores
 * the data as it is, so images of one size have one byte length whatever their colours).
 */
export function pngOf(width: number, height: number, rows: Buffer, level = 6): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([head, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per channel, truecolour, no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(rows, { level })), chunk('IEND', Buffer.alloc(0))]);
}

/** A package.json whose `feedwright` field is `config`, pretty-printed so keys have their own lines. */
export function packageJson(config: Record<string, unknown>): string {
  return `${JSON.stringify({ name: 'fixture', private: true, feedwright: config }, null, 2)}\n`;
}
