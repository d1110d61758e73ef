import { createRequire } from 'node:module';
import type { Node } from 'yaml';
import type { Position } from './diagnostics.js';
import { isAbsolute, relative, sep } from 'node:path';

/** A non-null, non-array object. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Line and column of a key inside a JSON (or YAML) text, following `path` through nested mappings.
 * JSON is YAML 1.2, so the YAML parser gives us exact source ranges without a hand-written scanner.
 */
export function locateJsonKey(text: string, path: readonly string[]): Position | undefined {
  // Loaded on first use: only a config with a problem needs it, and it is a good part of the CLI's start-up.
  const { isMap, isScalar, LineCounter, parseDocument } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: false });
  let node: Node | null | undefined = doc.contents as Node | null;
  let found: Position | undefined;
  for (const key of path) {
    if (!isMap(node)) return found;
    const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
    if (!pair || !isScalar(pair.key) || !pair.key.range) return found;
    const { line, col } = lineCounter.linePos(pair.key.range[0]);
    found = { line, column: col };
    node = pair.value as Node | null;
  }
  return found;
}

/** Compare strings by UTF-16 code units: stable across locales and machines. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The candidate closest to `word` by edit distance, if it is close enough to be a likely typo. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/**
 * Whether `child` is `parent` or lies below it, by path arithmetic only (resolve links first where they matter).
 * The one containment rule behind every "never outside the output / posts / bundle folder" check.
 */
export function isWithin(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
