import matter from 'gray-matter';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { diagnostic, type Diagnostic, type Position } from './diagnostics.js';
import type { SourceFile } from './sources.js';

/** A source split into its front matter (parsed, with key positions) and its Markdown body. */
export interface ParsedSource {
  readonly file: SourceFile;
  readonly data: Readonly<Record<string, unknown>>;
  /** Position of each top-level key, in file coordinates. */
  readonly keys: ReadonlyMap<string, Position>;
  readonly body: string;
  /** 1-based file line on which `body` starts. */
  readonly bodyLine: number;
}

// gray-matter only splits the file here: YAML is parsed by `yaml` (YAML 1.2 core schema, so `2024-01-02`
// stays text we can validate, duplicate keys are errors, and every node knows its source position).
const SPLIT_ONLY = { engines: { yaml: { parse: (): object => ({}), stringify: (): string => '' } } };

/** Split and parse front matter; YAML problems are reported at their line and column in the `.md` file. */
export function parseFrontMatter(file: SourceFile): { source?: ParsedSource; diagnostics: Diagnostic[] } {
  const text = file.text;
  if (!/^---[ \t]*(\n|$)/.test(text)) {
    return { diagnostics: [diagnostic(file.path, 'error', 'missing-front-matter',
      `no front matter: the file must start with a line "---", then YAML such as "title: …" and "date: 2024-01-31", then "---"; found "${firstLine(text)}"`,
      { line: 1, column: 1 })] };
  }
  if (!/\n---[ \t]*(\n|$)/.test(text.slice(3))) {
    return { diagnostics: [diagnostic(file.path, 'error', 'unclosed-front-matter',
      'the front matter opened on line 1 is never closed: add a line "---" after the last YAML line', { line: 1, column: 1 })] };
  }
  // gray-matter's `matter` starts with the rest of the opening line, so YAML line N is file line N.
  const split = matter(text, SPLIT_ONLY);
  const yamlText = split.matter;
  const body = split.content;
  const bodyLine = text.slice(0, text.length - body.length).split('\n').length;

  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, schema: 'core', uniqueKeys: true, prettyErrors: false });
  const problems: Diagnostic[] = doc.errors.map((e) => {
    const pos = e.linePos?.[0];
    return diagnostic(file.path, 'error', 'yaml-syntax', `invalid YAML in the front matter: ${yamlMessage(e.message)}`,
      pos ? { line: pos.line, column: pos.col } : { line: 1, column: 1 });
  });
  if (problems.length > 0) return { diagnostics: problems };

  const keys = new Map<string, Position>();
  if (doc.contents !== null && !isMap(doc.contents)) {
    const range = (doc.contents as { range?: [number, number, number] }).range;
    const pos = range ? lineCounter.linePos(range[0]) : { line: 2, col: 1 };
    return { diagnostics: [diagnostic(file.path, 'error', 'front-matter-type',
      'the front matter must be a mapping of keys to values (title: …, date: …)', { line: pos.line, column: pos.col })] };
  }
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      if (isScalar(pair.key) && pair.key.range) {
        const { line, col } = lineCounter.linePos(pair.key.range[0]);
        keys.set(String(pair.key.value), { line, column: col });
      }
    }
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { diagnostics: [diagnostic(file.path, 'error', 'yaml-syntax', `invalid YAML in the front matter: ${(error as Error).message}`, { line: 2, column: 1 })] };
  }
  return {
    diagnostics: [],
    source: { file, data: (data ?? {}) as Record<string, unknown>, keys, body, bodyLine },
  };
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 40 ? `${line.slice(0, 40)}…` : line;
}

/** yaml's messages end with "at line L, column C"; we print the position ourselves. */
function yamlMessage(message: string): string {
  return message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
}
