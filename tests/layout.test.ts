import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The source layout the README shows: one folder per stage, no import cycles. Imports are read with TypeScript's
 * own pre-processor (type-only imports count: a cycle through types still ties two modules together).
 */
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const STAGES = ['cli', 'config', 'read', 'post', 'engine', 'site', 'feeds', 'pages', 'output', 'common'];

function modules(): string[] {
  return readdirSync(SRC, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|mjs)$/.test(e.name))
    .map((e) => relative(SRC, join(e.parentPath, e.name)))
    .sort();
}

/** Each module's relative imports, as module paths under src/. */
function graph(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of modules()) {
    const info = ts.preProcessFile(readFileSync(join(SRC, file), 'utf8'), true, true);
    out.set(file, info.importedFiles.map((i) => i.fileName).filter((name) => name.startsWith('.'))
      .map((name) => relative(SRC, resolve(SRC, dirname(file), name)).replace(/\.js$/, '.ts')));
  }
  return out;
}

/** Strongly connected components of more than one module (Tarjan), each sorted. */
function cycles(edges: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    for (const w of edges.get(v) ?? []) {
      if (!edges.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop(); w !== undefined; w = w === v ? undefined : stack.pop()) component.push(w);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('source layout', () => {
  it('holds one folder per stage, with only build.ts and index.ts beside them', () => {
    const top = readdirSync(SRC, { withFileTypes: true });
    expect(top.filter((e) => e.isDirectory()).map((e) => e.name).sort()).toEqual([...STAGES].sort());
    expect(top.filter((e) => e.isFile()).map((e) => e.name).sort()).toEqual(['build.ts', 'index.ts', 'tsconfig.json']);
  });

  it('has no import cycles', () => {
    const edges = graph();
    expect(edges.size).toBeGreaterThan(60); // the walk does see the modules
    expect(edges.get('build.ts')).toContain('engine/load-posts.ts'); // and their imports
    expect(cycles(edges)).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself)', () => {
    expect(cycles(new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['a.ts']]]))).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it('each stage imports only the stages before it', () => {
    // The order data flows in, except output/: the OutputFile type and the atomic write are named by every stage
    // that plans files, so it sits right after common/. build.ts runs the stages; index.ts (the library's entry
    // point) and cli/ sit on top of everything.
    const ORDER = ['common', 'output', 'read', 'config', 'post', 'engine', 'site', 'feeds', 'pages', 'build.ts', 'cli', 'index.ts'];
    const rank = (file: string): number => ORDER.indexOf(file.includes('/') ? (file.split('/')[0] ?? '') : file);
    expect(modules().filter((file) => !file.endsWith('tsconfig.json') && rank(file) < 0)).toEqual([]);
    const upward = [...graph()].flatMap(([file, deps]) => deps.filter((dep) => rank(dep) > rank(file)).map((dep) => `${file} -> ${dep}`));
    expect(upward).toEqual([]);
  });

  it('commands take what they share from a module below the command line, not from cli.ts', () => {
    const edges = graph();
    const importers = [...edges].filter(([, deps]) => deps.includes('cli/cli.ts')).map(([file]) => file);
    expect(importers).toEqual(['cli/bin.ts', 'index.ts']); // the program, and the library's entry point (it exports main)
  });
});
