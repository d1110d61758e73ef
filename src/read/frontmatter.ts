import matter from 'gray-matter';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { diagnostic, type Diagnostic, type Position } from '../common/diagnostics.js';
import { parseJsonFrontMatter, startsJson } from './frontmatter-json.js';
import { parseTomlFrontMatter, startsToml } from './frontmatter-toml.js';
import type { SourceFile } from './sources.js';
import { FORBIDDEN_IN_XML, HAS_FORBIDDEN_IN_XML } from '../common/xml.js';

/** A source split into its front matter (parsed, with key positions) and its Markdown body. */
export interface ParsedSource {
  readonly file: SourceFile;
  readonly data: Readonly<Record<string, unknown>>;
  /** Position of each top-level key, in file coordinates. */
  readonly keys: ReadonlyMap<string, Position>;
  readonly body: string;
  /** 1-based file line on which `body` starts. */
  readonly bodyLine: number;
  /**
   * How plain scalars that YAML read as numbers or booleans were written (`title: 1.10` is the number 1.1),
   * by `scalarPath` of the key (and list index, or nested key) leading to them: where text is expected, the
   * text as written is taken. Absent for front matter without such scalars (and for TOML and JSON).
   */
  readonly scalars?: ReadonlyMap<string, string>;
}

/** The key of a value in `ParsedSource.scalars`: its keys and list indexes from the top, e.g. `tags`, 0. */
export function scalarPath(...parts: readonly (string | number)[]): string {
  return parts.join('\0');
}

// gray-matter only splits the file here: YAML is parsed by `yaml` (YAML 1.2 core schema, so `2024-01-02`
// stays text we can validate, duplicate keys are errors, and every node knows its source position).
const SPLIT_ONLY = { engines: { yaml: { parse: (): object => ({}), stringify: (): string => '' } } };

/**
 * Split and parse front matter: YAML between `---` lines, TOML between `+++` lines (frontmatter-toml.ts) or a
 * JSON object starting the file (frontmatter-json.ts). Problems are reported at their line and column in the file.
 */
export function parseFrontMatter(file: SourceFile): { source?: ParsedSource; diagnostics: Diagnostic[] } {
  const text = file.text;
  const other = startsToml(text) ? parseTomlFrontMatter(file) : startsJson(text) ? parseJsonFrontMatter(file) : undefined;
  if (other) {
    if (!other.split) return { diagnostics: other.diagnostics };
    const { data, keys, body, bodyLine } = other.split;
    const cleaned = cleanStrings(file, data, keys, startsToml(text) ? 'a TOML' : 'a JSON');
    return { diagnostics: cleaned.diagnostics, source: { file, data: cleaned.data, keys, body, bodyLine } };
  }
  const tagged = /^---[ \t]*([A-Za-z][\w-]*)[ \t]*(?:\n|$)/.exec(text)?.[1];
  if (tagged !== undefined) {
    // Eleventy (and gray-matter) name the front matter's language after the dashes: "---js", "---json", "---yaml".
    const lang = tagged.toLowerCase();
    const fix = lang === 'js' || lang === 'javascript'
      ? 'JavaScript front matter (Eleventy\'s) is code, which feedwright does not run: write its values as YAML between plain "---" lines (title: "…", date: 2024-01-31, draft: true)'
      : lang === 'yaml' || lang === 'yml'
        ? 'feedwright reads YAML between plain "---" lines: write line 1 as "---"'
        : lang === 'json'
          ? 'feedwright reads JSON front matter as an object that starts the file, without "---" lines: remove line 1 and the closing "---"'
          : 'feedwright reads YAML between plain "---" lines, TOML between "+++" lines, or a JSON object that starts the file';
    return { diagnostics: [diagnostic(file.path, 'error', 'missing-front-matter',
      `the front matter is marked "---${tagged}", a language after the dashes: ${fix}`, { line: 1, column: 1 })] };
  }
  if (!/^---[ \t]*(\n|$)/.test(text)) {
    return { diagnostics: [diagnostic(file.path, 'error', 'missing-front-matter',
      `no front matter: the file must start with a line "---", then YAML such as "title: …" and "date: 2024-01-31", then "---" (or TOML between "+++" lines, or a JSON object); found "${firstLine(text)}"`,
      { line: 1, column: 1 })] };
  }
  if (!/\n---[ \t]*(\n|$)/.test(text.slice(3))) {
    return { diagnostics: [diagnostic(file.path, 'error', 'unclosed-front-matter',
      'the front matter opened on line 1 is never closed: add a line "---" after the last YAML line', { line: 1, column: 1 })] };
  }
  // gray-matter's `matter` starts with the rest of the opening line, so YAML line N is file line N. It is given the
  // file up to the "\n---" that closes the front matter (its own search, from the opening line): given the whole
  // file, it also copies it into a Buffer and hashes it for its cache, a good part of its time on a long post. The
  // body is then what it would have given: the rest, after one line break.
  const close = text.indexOf('\n---', 3) + '\n---'.length;
  const yamlText = matter(text.slice(0, close), SPLIT_ONLY).matter;
  const body = text.slice(close).replace(/^\r?\n?/, '');
  const bodyLine = text.slice(0, text.length - body.length).split('\n').length;

  let read = readYaml(yamlText);
  // Tabs are not YAML indentation, but people type them (`tags:` then a tab and `- film`): read each
  // leading tab as two spaces, which keeps the line structure, and report only what is still wrong.
  if (read.doc.errors.some((e) => e.code === 'TAB_AS_INDENT')) {
    read = readInstead(read, yamlText.replace(/^[ \t]+/gm, (indent) => indent.replace(/\t/g, '  ')));
  }
  // A quoted value that goes on at the start of the next line (`description: "one` then `two."`) is read by libyaml
  // (Jekyll) and Go's yaml (Hugo), though YAML 1.2 wants the line indented: read it so, when that is all that is wrong.
  if (read.doc.errors.length > 0) read = readInstead(read, indentQuotedContinuations(yamlText));
  const { doc, lineCounter } = read;
  const problems: Diagnostic[] = doc.errors.map((e) => {
    // `yaml` only fills `linePos` with prettyErrors, so map the character offset ourselves.
    const { line, col } = lineCounter.linePos(e.pos[0]);
    return diagnostic(file.path, 'error', 'yaml-syntax', `invalid YAML in the front matter: ${yamlMessage(e.message)}`,
      { line, column: col });
  });
  if (problems.length > 0) return { diagnostics: problems };

  const keys = new Map<string, Position>();
  if (doc.contents !== null && !isMap(doc.contents)) {
    const range = (doc.contents as { range?: [number, number, number] }).range;
    const pos = range ? lineCounter.linePos(range[0]) : { line: 2, col: 1 };
    return { diagnostics: [diagnostic(file.path, 'error', 'front-matter-type',
      'the front matter must be a mapping of keys to values (title: …, date: …)', { line: pos.line, column: pos.col })] };
  }
  const scalars = new Map<string, string>();
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      if (isScalar(pair.key) && pair.key.range) {
        const { line, col } = lineCounter.linePos(pair.key.range[0]);
        keys.set(String(pair.key.value), { line, column: col });
        collectScalars(pair.value as Node | null, String(pair.key.value), 2, scalars);
      }
    }
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { diagnostics: [diagnostic(file.path, 'error', 'yaml-syntax', `invalid YAML in the front matter: ${(error as Error).message}`, { line: 2, column: 1 })] };
  }
  const cleaned = cleanStrings(file, (data ?? {}) as Record<string, unknown>, keys, 'a YAML');
  return { diagnostics: cleaned.diagnostics, source: { file, data: cleaned.data, keys, body, bodyLine, ...(scalars.size > 0 && { scalars }) } };
}

/**
 * Escapes ("\0", "\x07", "\u0007") can spell characters XML forbids that were not in the file as such: remove
 * them too, with a warning at the key that held them.
 */
function cleanStrings(file: SourceFile, data: Readonly<Record<string, unknown>>, keys: ReadonlyMap<string, Position>, format: string):
{ data: Record<string, unknown>; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  // (fromEntries defines own properties: a "__proto__" key stays a key and never becomes the prototype)
  const clean = Object.fromEntries(Object.entries(data).map(([key, value]) => {
    let first: number | undefined;
    const cleaned = stripForbidden(value, (cp) => { first ??= cp; });
    if (first !== undefined) {
      diagnostics.push(diagnostic(file.path, 'warning', 'forbidden-character',
        `removed character U+${first.toString(16).toUpperCase().padStart(4, '0')} (written as ${format} escape) from "${key}", which XML 1.0 does not allow`,
        keys.get(key) ?? { line: 1, column: 1 }));
    }
    return [key, cleaned];
  }));
  return { data: clean, diagnostics };
}

/**
 * Record the source text of every plain scalar YAML did not read as text, in `node` and (to `depth` levels)
 * below it: `tags: [2024, true]`, `taxonomies: {tags: [2024]}`. Strings are skipped: they are already as written.
 */
function collectScalars(node: Node | null, path: string, depth: number, into: Map<string, string>): void {
  if (isScalar(node)) {
    if ((typeof node.value === 'number' || typeof node.value === 'boolean') && typeof node.source === 'string') into.set(path, node.source);
  } else if (depth > 0 && isSeq(node)) {
    node.items.forEach((item, i) => collectScalars(item as Node | null, scalarPath(path, i), depth - 1, into));
  } else if (depth > 0 && isMap(node)) {
    for (const pair of node.items) {
      if (isScalar(pair.key)) collectScalars(pair.value as Node | null, scalarPath(path, String(pair.key.value)), depth - 1, into);
    }
  }
}

/** A copy of a front-matter value with every string cleaned of characters XML 1.0 forbids. */
function stripForbidden(value: unknown, found: (codePoint: number) => void): unknown {
  if (typeof value === 'string') {
    const m = HAS_FORBIDDEN_IN_XML.exec(value);
    if (!m) return value;
    found(m[0].codePointAt(0) ?? 0);
    return value.replace(FORBIDDEN_IN_XML, '');
  }
  if (Array.isArray(value)) return value.map((v) => stripForbidden(v, found));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripForbidden(v, found)]));
  }
  return value;
}

/**
 * `text` with every line inside a quoted scalar (one that starts after `key:`, `- `, `[`, `{` or `,`, or a line's
 * indentation) that starts no further right than its first line moved right past it (the same lines, so every
 * position stays where it was; a quoted scalar's line breaks fold into spaces however far a line is indented), or
 * undefined when no line needed it.
 */
function indentQuotedContinuations(text: string): string | undefined {
  const lines = text.split('\n');
  let changed = false;
  let quote: string | undefined;
  let need = 0;
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n] ?? '';
    const indent = /^[ \t]*/.exec(line)?.[0].length ?? 0;
    if (quote !== undefined && indent < need && line.trim() !== '') {
      line = ' '.repeat(need - indent) + line;
      lines[n] = line;
      changed = true;
    }
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quote === '"') {
        if (c === '\\') i++;
        else if (c === '"') quote = undefined;
      } else if (quote === "'") {
        if (c === "'" && line[i + 1] === "'") i++;
        else if (c === "'") quote = undefined;
      } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) {
        break;
      } else if ((c === '"' || c === "'") && /(?:^|[:\-[{,?])\s*$/.test(line.slice(0, i))) {
        quote = c;
        need = indent + 2;
      }
    }
  }
  return changed ? lines.join('\n') : undefined;
}

/** YAML as read, with the line counter that maps its offsets to lines. */
interface ReadYaml {
  readonly doc: ReturnType<typeof parseDocument>;
  readonly lineCounter: LineCounter;
}

function readYaml(text: string): ReadYaml {
  const lineCounter = new LineCounter();
  return { doc: parseDocument(text, { lineCounter, schema: 'core', uniqueKeys: true, prettyErrors: false }), lineCounter };
}

/** A lenient reading (`text`, the same lines made valid YAML), taken instead of `read` only when it has no error. */
function readInstead(read: ReadYaml, text: string | undefined): ReadYaml {
  if (text === undefined) return read;
  const retry = readYaml(text);
  return retry.doc.errors.length === 0 ? retry : read;
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 40 ? `${line.slice(0, 40)}…` : line;
}

/** yaml's messages end with "at line L, column C"; we print the position ourselves. */
function yamlMessage(message: string): string {
  const text = message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
  // The most common cause by far is an unquoted value with ": " in it (title: Review: a film).
  return /compact mappings|Implicit map keys|Nested mappings/.test(text)
    ? `${text}; if the value contains ": ", put it in quotes, e.g. title: "Review: a film"`
    : text;
}
