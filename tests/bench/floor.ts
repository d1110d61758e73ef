import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import matter from 'gray-matter';
import { Marked } from 'marked';

/**
 * The floor: the bare cost of the work no build can skip, in one thread: read every post, split its front
 * matter with gray-matter, render its body with marked. Prints how many bytes of HTML that made.
 *
 * `node floor.js POSTS_DIR PACK OUT_DIR` is the floor that writes the same bytes: it also writes every file of a
 * cold build's output (packed by bench.ts into PACK.json, a list of [path, size], and PACK.bin, the bytes end to
 * end) into OUT_DIR, one file at a time. Loading the pack is not part of the floor: the process prints how long it
 * took (`loadMs`) and bench.ts takes it off the wall time.
 */
const [dir, pack, outDir] = process.argv.slice(2);
if (dir === undefined || (pack !== undefined && outDir === undefined)) throw new Error('usage: node floor.js POSTS_DIR [PACK OUT_DIR]');
let loadMs = 0;
let files: [string, Buffer][] = [];
if (pack !== undefined) {
  const started = performance.now();
  const index = JSON.parse(readFileSync(`${pack}.json`, 'utf8')) as [string, number][];
  const bytes = readFileSync(`${pack}.bin`);
  let at = 0;
  files = index.map(([path, size]) => {
    const slice = bytes.subarray(at, at + size);
    at += size;
    return [path, slice];
  });
  loadMs = performance.now() - started;
}

const marked = new Marked({ gfm: true, async: false });
let html = 0;
for (const name of readdirSync(dir).sort()) {
  if (!name.endsWith('.md')) continue;
  const text = readFileSync(join(dir, name), 'utf8');
  const { content } = matter(text, {});
  html += (marked.parse(content) as string).length;
}
let written = 0;
if (outDir !== undefined) {
  const made = new Set<string>();
  for (const [path, bytes] of files) {
    const folder = dirname(join(outDir, path));
    if (!made.has(folder)) {
      mkdirSync(folder, { recursive: true });
      made.add(folder);
    }
    writeFileSync(join(outDir, path), bytes);
    written += bytes.length;
  }
}
process.stdout.write(`${JSON.stringify({ html, loadMs, files: files.length, written })}\n`);
