import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A deterministic synthetic blog: posts of 4–8 KB of realistic Markdown (headings, lists, code, links,
 * images, tables, quotes, a little non-ASCII text), so the benchmark measures the same work on every machine.
 */

/** Small, fast, seedable PRNG (mulberry32): the same seed always gives the same corpus. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the a of and to in is that it for on with as was by at from this be are or an which one have film story ' +
  'feed reader build post archive server cache index page render thread worker sequel studio director camera ' +
  'scene cut frame light sound music score editor draft release review critic audience festival premiere ' +
  'budget schedule script actor role character cyborg battle angel city sky river market signal network ' +
  'protocol format parser token stream buffer memory disk queue latency throughput benchmark profile ' +
  'careful quick slow bright quiet early late small large simple complex modern classic über café naïve'
).split(' ');
const TAGS = [
  'film', 'news', 'reviews', 'tech', 'feeds', 'rss', 'atom', 'json', 'web', 'performance', 'comics', 'anime',
  'sequels', 'interviews', 'festivals', 'music', 'design', 'typescript', 'node', 'markdown', 'caching', 'release',
  'tutorial', 'opinion', 'history', 'science fiction', 'animation', 'documentary', 'streaming', 'box office',
];
const LANGS = ['ts', 'js', 'sh', 'json', 'css', 'python', 'rust', ''];

/** One post's file name and text. */
export interface CorpusPost {
  readonly name: string;
  readonly text: string;
}

/** Post number `i` of the corpus (0 = oldest); the same `i` and seed always give the same bytes. */
export function makePost(i: number, seed = 1): CorpusPost {
  const r = random(seed * 1_000_003 + i);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
  const words = (n: number): string => Array.from({ length: n }, () => pick(WORDS)).join(' ');
  const sentence = (): string => {
    const s = words(6 + Math.floor(r() * 14));
    return `${s.charAt(0).toUpperCase()}${s.slice(1)}${pick(['.', '.', '.', '!', '?', ' — really.'])}`;
  };
  const paragraph = (): string => {
    const parts: string[] = [];
    const n = 3 + Math.floor(r() * 4);
    for (let k = 0; k < n; k++) {
      const roll = r();
      if (roll < 0.12) parts.push(`See [the ${pick(WORDS)} notes](https://example.org/${pick(WORDS)}/${k}) for more.`);
      else if (roll < 0.2) parts.push(`Read [our earlier post](../post-${Math.max(0, i - 1 - k)}/) on *${pick(WORDS)}*.`);
      else if (roll < 0.26) parts.push(`Use \`${pick(WORDS)}()\` with **${pick(WORDS)}** options.`);
      else parts.push(sentence());
    }
    return parts.join(' ');
  };
  // Two hours apart from 2000: 100,000 posts end in 2022, so every post of every size is published (none is in the
  // future, which a build leaves out).
  const day = Date.UTC(2000, 0, 1) + i * 2 * 3_600_000 + Math.floor(r() * 3_600) * 1000;
  const date = new Date(day).toISOString().replace('.000Z', 'Z');
  const title = `${words(3 + Math.floor(r() * 5))} #${i}`.replace(/^./, (c) => c.toUpperCase());
  const tags = [...new Set(Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(TAGS)))];
  const target = 4096 + Math.floor(r() * 4096);

  const front = [
    '---',
    `title: "${title}"`,
    `date: ${date}`,
    `tags: [${tags.map((t) => (t.includes(' ') ? `"${t}"` : t)).join(', ')}]`,
  ];
  if (r() < 0.3) front.push(`summary: "${sentence().replace(/"/g, '')}"`);
  if (r() < 0.2) front.push(`author: ${pick(['Ada Lovelace <ada@example.com>', 'Grace Hopper', 'Alan Kay'])}`);
  if (r() < 0.1) front.push(`updated: ${new Date(day + 86_400_000 * (1 + Math.floor(r() * 30))).toISOString().replace('.000Z', 'Z')}`);
  front.push('---', '');

  // A short opening paragraph, as most posts have: it is the summary when there is no `summary` key.
  const blocks: string[] = [`${sentence()} ${sentence()}`];
  if (r() < 0.5) blocks.push('<!-- more -->');
  let size = front.join('\n').length + blocks.join('\n\n').length;
  let section = 0;
  while (size < target) {
    const roll = r();
    let block: string;
    if (roll < 0.14) block = `## ${words(2 + Math.floor(r() * 4))} ${++section}`;
    else if (roll < 0.24) block = Array.from({ length: 3 + Math.floor(r() * 4) }, () => `- ${sentence()}`).join('\n');
    else if (roll < 0.3) block = Array.from({ length: 3 + Math.floor(r() * 3) }, (_, k) => `${k + 1}. ${sentence()}`).join('\n');
    else if (roll < 0.38) {
      const lines = Array.from({ length: 4 + Math.floor(r() * 8) }, () => `  ${pick(WORDS)}(${pick(WORDS)}, ${Math.floor(r() * 100)}); // ${words(3)}`);
      block = `\`\`\`${pick(LANGS)}\nfunction ${pick(WORDS)}() {\n${lines.join('\n')}\n}\n\`\`\``;
    } else if (roll < 0.44) {
      const rows = Array.from({ length: 2 + Math.floor(r() * 4) }, () => `| ${pick(WORDS)} | ${Math.floor(r() * 1000)} | ${words(3)} |`);
      block = `| name | count | note |\n| --- | ---: | --- |\n${rows.join('\n')}`;
    } else if (roll < 0.5) {
      block = r() < 0.5
        ? `![${words(3)}](images/${pick(WORDS)}-${i}.jpg "${words(2)}")`
        : `![${words(3)}](https://images.example.org/${pick(WORDS)}/${i}.png)`;
    } else if (roll < 0.55) block = `> ${sentence()} ${sentence()}`;
    else block = paragraph();
    blocks.push(block);
    size += block.length + 2;
  }
  const name = `${date.slice(0, 10)}-post-${i}.md`;
  return { name, text: `${front.join('\n')}${blocks.join('\n\n')}\n` };
}

/** Write posts `0 … count-1` into `dir`. */
export async function writeCorpus(dir: string, count: number, seed = 1): Promise<void> {
  await mkdir(dir, { recursive: true });
  const batch = 256;
  for (let start = 0; start < count; start += batch) {
    const writes: Promise<void>[] = [];
    for (let i = start; i < Math.min(count, start + batch); i++) {
      const post = makePost(i, seed);
      writes.push(writeFile(join(dir, post.name), post.text));
    }
    await Promise.all(writes);
  }
}
