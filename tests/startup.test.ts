import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Start-up is part of every build (a one-post blog's build is mostly start-up), and loading the Markdown, YAML
 * and HTML libraries is a good part of it. The CLI's modules load them only where they are needed: the per-post
 * stage is imported when a post is rendered in the main thread, and the rest on first use. These tests read the
 * module graph the CLI loads before it runs a line (its static, non-type imports) with the TypeScript parser.
 */

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

interface Imports {
  /** Modules loaded with the importing one (not `import type`, not `import()`). */
  readonly eager: string[];
  /** Modules loaded by `import()` when the code gets there. */
  readonly lazy: string[];
}

function importsOf(file: string): Imports {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const eager: string[] = [];
  const lazy: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const typeOnly = clause !== undefined && (clause.isTypeOnly
        || (clause.name === undefined && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) eager.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier) && !node.isTypeOnly) {
      eager.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteral(arg)) lazy.push(arg.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { eager, lazy };
}

/** Every module (our files as paths under src/, packages by name) loaded with `entry`, before any of it runs. */
function eagerGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const walk = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of importsOf(file).eager) {
      if (spec.startsWith('.')) walk(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (!spec.startsWith('node:')) seen.add(spec);
    }
  };
  walk(entry);
  return seen;
}

const HEAVY = ['marked', 'marked-footnote', 'yaml', 'gray-matter', 'htmlparser2', 'sanitize-html', 'image-size'];

describe('start-up', () => {
  it('the CLI loads none of the Markdown, YAML, HTML or image libraries before it needs them', () => {
    const graph = eagerGraph(join(SRC, 'cli/cli.ts'));
    expect(graph.has(join(SRC, 'engine/up-to-date.ts'))).toBe(true); // the walk does follow the CLI's modules
    expect(HEAVY.filter((name) => graph.has(name))).toEqual([]);
    expect(graph.has(join(SRC, 'post/stage.ts'))).toBe(false);
    // nor the posts reader and its media types (a build with nothing to do only stamps files)
    expect(graph.has(join(SRC, 'read/sources.ts'))).toBe(false);
    expect(graph.has('mime')).toBe(false);
    // The build's pipeline itself is loaded only once the up-to-date check finds there is a build to do.
    expect(graph.has(join(SRC, 'build.ts'))).toBe(false);
    expect(importsOf(join(SRC, 'cli/cli.ts')).lazy).toContain('../build.js');
    const build = eagerGraph(join(SRC, 'build.ts'));
    expect(build.has(join(SRC, 'feeds/doc.ts'))).toBe(true);
    expect(HEAVY.filter((name) => build.has(name))).toEqual([]);
  });

  it('the per-post stage, which does load them, is imported where posts are rendered', () => {
    expect(importsOf(join(SRC, 'engine/load-posts.ts')).lazy).toContain('../post/stage.js');
    expect(importsOf(join(SRC, 'engine/render-worker.ts')).eager).toContain('../post/stage.js');
    const stage = eagerGraph(join(SRC, 'post/stage.ts'));
    expect(['marked', 'yaml', 'gray-matter'].filter((name) => !stage.has(name))).toEqual([]);
    // htmlparser2 (for summaries taken from the post's text) and sanitize-html (for raw HTML) load on first use.
    expect(['htmlparser2', 'sanitize-html'].filter((name) => stage.has(name))).toEqual([]);
  });
});
