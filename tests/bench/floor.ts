import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import matter from 'gray-matter';
import { Marked } from 'marked';

/**
 * The floor: the bare cost of the work no build can skip, in one thread: read every post, split its front
 * matter with gray-matter, render its body with marked. Prints how many bytes of HTML that made.
 */
const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: node floor.js POSTS_DIR');
const marked = new Marked({ gfm: true, async: false });
let html = 0;
for (const name of readdirSync(dir).sort()) {
  if (!name.endsWith('.md')) continue;
  const text = readFileSync(join(dir, name), 'utf8');
  const { content } = matter(text, {});
  html += (marked.parse(content) as string).length;
}
process.stdout.write(`${JSON.stringify({ html })}\n`);
