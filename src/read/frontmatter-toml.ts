import { createRequire } from 'node:module';
import type * as SmolToml from 'smol-toml';
import { diagnostic, type Diagnostic, type Position } from '../common/diagnostics.js';
import type { SourceFile } from './sources.js';

/**
 * TOML front matter (Hugo, Zola): a line `+++`, TOML 1.0, a line `+++`. Parsed by `smol-toml`; its error
 * positions and the positions of top-level keys are given in file coordinates (TOML line N is file line N + 1).
 */

/** Front matter split from its body and parsed into plain values, with key positions (see `ParsedSource`). */
export interface SplitFrontMatter {
  readonly data: Readonly<Record<string, unknown>>;
  readonly keys: ReadonlyMap<string, Position>;
  readonly body: string;
  readonly bodyLine: number;
}

let loaded: typeof SmolToml | undefined;

/**
 * smol-toml, loaded on first use (its CommonJS build, which a synchronous parse can load): most blogs have no TOML
 * front matter, and every render thread, and a small blog's CLI, would load it before its first post.
 */
function smolToml(): typeof SmolToml {
  return (loaded ??= createRequire(import.meta.url)('smol-toml') as typeof SmolToml);
}

/** Whether the file opens with TOML front matter. */
export function startsToml(text: string): boolean {
  return /^\+\+\+[ \t]*(\n|$)/.test(text);
}

/** Split and parse a file that starts with `+++`. */
export function parseTomlFrontMatter(file: SourceFile): { split?: SplitFrontMatter; diagnostics: Diagnostic[] } {
  const text = file.text;
  const start = text.indexOf('\n') + 1;
  const closing = /^\+\+\+[ \t]*$/gm;
  closing.lastIndex = start;
  const close = start === 0 ? null : closing.exec(text);
  if (!close) {
    return { diagnostics: [diagnostic(file.path, 'error', 'unclosed-front-matter',
      'the TOML front matter opened with "+++" on line 1 is never closed: add a line "+++" after the last TOML line', { line: 1, column: 1 })] };
  }
  const toml = text.slice(start, close.index);
  let data: Record<string, unknown>;
  const { parse, TomlError } = smolToml();
  try {
    data = parse(toml) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const message = (error.message.split('\n', 1)[0] ?? '').replace(/^Invalid TOML document: /, '');
    return { diagnostics: [diagnostic(file.path, 'error', 'toml-syntax', `invalid TOML in the front matter: ${message}`,
      { line: error.line + 1, column: error.column })] };
  }
  let bodyStart = close.index + close[0].length;
  if (text[bodyStart] === '\n') bodyStart++;
  return {
    diagnostics: [],
    split: { data: plain(data) as Record<string, unknown>, keys: tomlKeys(toml), body: text.slice(bodyStart), bodyLine: lineAt(text, bodyStart) },
  };
}

/** TOML dates become the text they stand for (`2024-01-31`, `2024-01-31T09:00:00+01:00`), as YAML's core schema leaves them. */
function plain(value: unknown): unknown {
  if (value instanceof smolToml().TomlDate) return value.toISOString().replace(/\.000(?=$|Z|[+-])/, '');
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    // (fromEntries defines own properties: a "__proto__" key stays a key)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/**
 * Where each top-level key is: `key = …` or `key.sub = …` lines before the first table header, and the first
 * header of each table (`[taxonomies]`, `[[extra.links]]`). Lines inside multi-line strings are passed over.
 */
function tomlKeys(toml: string): Map<string, Position> {
  const keys = new Map<string, Position>();
  const key = String.raw`(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')`;
  const assignment = new RegExp(String.raw`^(\s*)(${key})\s*[.=]`);
  const header = new RegExp(String.raw`^(\s*)\[\[?\s*(${key})`);
  let inTable = false;
  let inString = false;
  toml.split('\n').forEach((line, i) => {
    const wasInString = inString;
    // An odd number of """ or ''' opens or closes a multi-line string.
    if (((line.match(/"""|'''/g) ?? []).length % 2) === 1) inString = !inString;
    if (wasInString) return;
    const h = header.exec(line);
    const m = h ?? (inTable ? null : assignment.exec(line));
    if (h) inTable = true;
    if (!m) return;
    const raw = m[2] ?? '';
    const name = raw.startsWith('"') ? unquote(raw) : raw.startsWith("'") ? raw.slice(1, -1) : raw;
    if (!keys.has(name)) keys.set(name, { line: i + 2, column: (m[1] ?? '').length + 1 });
  });
  return keys;
}

function unquote(raw: string): string {
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw.slice(1, -1); // a TOML-only escape (\UXXXXXXXX): the position is only for messages
  }
}

/** 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
