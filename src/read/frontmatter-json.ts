import { createRequire } from 'node:module';
import type * as JsoncParser from 'jsonc-parser';
import { diagnostic, type Diagnostic, type Position } from '../common/diagnostics.js';
import { lineAt, type SplitFrontMatter } from './frontmatter-toml.js';
import type { SourceFile } from './sources.js';

/**
 * JSON front matter as Hugo reads it: the file starts with `{`, and the object ends at its matching `}` (the rest
 * of that line must be blank); the body follows. Values come from `JSON.parse`; error and key positions from
 * `jsonc-parser` (with comments and trailing commas refused), because V8's messages often give no position.
 */

let loaded: typeof JsoncParser | undefined;

/** jsonc-parser, loaded on first use: most blogs have no JSON front matter (see frontmatter-toml.ts, smolToml). */
function jsonc(): typeof JsoncParser {
  return (loaded ??= createRequire(import.meta.url)('jsonc-parser') as typeof JsoncParser);
}

/** Whether the file opens with JSON front matter. */
export function startsJson(text: string): boolean {
  return text.startsWith('{');
}

/** Split and parse a file that starts with `{`. */
export function parseJsonFrontMatter(file: SourceFile): { split?: SplitFrontMatter; diagnostics: Diagnostic[] } {
  const text = file.text;
  const end = matchingBrace(text);
  const afterLine = end === undefined ? -1 : text.indexOf('\n', end + 1);
  const rest = end === undefined ? '' : text.slice(end + 1, afterLine === -1 ? text.length : afterLine);
  if (end === undefined || rest.trim() !== '') {
    return { diagnostics: [diagnostic(file.path, 'error', 'unclosed-front-matter', end === undefined
      ? 'the JSON front matter opened with "{" on line 1 is never closed: end it with a line "}" (check the quotes and braces)'
      : `the JSON front matter must end with "}" alone on its line; found "${rest.trim().slice(0, 40)}" after it`,
    end === undefined ? { line: 1, column: 1 } : at(text, end))] };
  }
  const json = text.slice(0, end + 1);
  const errors: JsoncParser.ParseError[] = [];
  const { parseTree, printParseErrorCode } = jsonc();
  const tree = parseTree(json, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first) {
    return { diagnostics: [diagnostic(file.path, 'error', 'json-syntax',
      `invalid JSON in the front matter: ${describeError(printParseErrorCode(first.error))}`, at(text, first.offset))] };
  }
  const keys = new Map<string, Position>();
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const property of tree?.children ?? []) {
    const key = property.children?.[0];
    if (!key || typeof key.value !== 'string') continue;
    if (seen.has(key.value)) {
      // JSON.parse would keep the last one silently; YAML front matter refuses duplicates too.
      diagnostics.push(diagnostic(file.path, 'error', 'json-syntax', `invalid JSON in the front matter: the key "${key.value}" appears twice`, at(text, key.offset)));
    }
    seen.add(key.value);
    if (!keys.has(key.value)) keys.set(key.value, at(text, key.offset));
  }
  if (diagnostics.length > 0) return { diagnostics };
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    return { diagnostics: [diagnostic(file.path, 'error', 'json-syntax', `invalid JSON in the front matter: ${(error as Error).message}`, { line: 1, column: 1 })] };
  }
  const bodyStart = afterLine === -1 ? text.length : afterLine + 1;
  return { diagnostics: [], split: { data: data as Record<string, unknown>, keys, body: text.slice(bodyStart), bodyLine: lineAt(text, bodyStart) } };
}

/** Offset of the `}` that closes the `{` at offset 0 (strings and their escapes skipped), if there is one. */
function matchingBrace(text: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"' && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
    } else if (c === '{' || c === '[') {
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return c === '}' ? i : undefined;
    }
  }
  return undefined;
}

/** `ValueExpected` → `a value is expected`. */
function describeError(code: string): string {
  const words = code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return {
    'value expected': 'a value is expected here',
    'property name expected': 'a key in double quotes is expected here',
    'colon expected': '":" is expected here',
    'comma expected': '"," is expected here (or the closing "}")',
    'invalid symbol': 'this is not JSON (text must be in double quotes)',
    'invalid comment token': 'JSON has no comments',
  }[words] ?? words;
}

function at(text: string, offset: number): Position {
  const line = lineAt(text, offset);
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return { line, column: offset - lineStart + 1 };
}
