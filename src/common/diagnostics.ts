/** How bad a problem is: errors fail the build, warnings only fail it under `--strict`. */
export type Severity = 'error' | 'warning';

/** One problem found in the input, pointing at the file (and line/column where known). */
export interface Diagnostic {
  /** Path as the user wrote it or relative to the project root, with `/` separators. */
  readonly file: string;
  /** 1-based line in `file`. */
  readonly line?: number;
  /** 1-based column in `file`. */
  readonly column?: number;
  readonly severity: Severity;
  /** Stable, kebab-case code, e.g. `missing-title`, documented in the README. */
  readonly code: string;
  /** What was found and what is expected. */
  readonly message: string;
}

/** A position inside a file. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Convenience constructor that keeps call sites short. */
export function diagnostic(
  file: string,
  severity: Severity,
  code: string,
  message: string,
  at?: Position,
): Diagnostic {
  return at ? { file, line: at.line, column: at.column, severity, code, message } : { file, severity, code, message };
}

/**
 * Keep only the first diagnostic with `code` (in list order) and drop the others, adding to its message in how
 * many files it was found: for a warning that a blog moved from another generator may have in every post.
 */
export function foldRepeated(list: readonly Diagnostic[], code: string): Diagnostic[] {
  const files = new Set(list.filter((d) => d.code === code).map((d) => d.file));
  if (files.size < 2) return [...list];
  let first = true;
  return list.flatMap((d) => {
    if (d.code !== code) return [d];
    if (!first) return [];
    first = false;
    return [{ ...d, message: `${d.message} (in ${files.size} files; first here)` }];
  });
}

/** Sort by file, then line, then column, so output never depends on discovery order. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

/** `posts/a.md:3:1 error message [code]` */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line === undefined ? d.file : `${d.file}:${d.line}:${d.column ?? 1}`;
  return `${where} ${d.severity} ${d.message} [${d.code}]`;
}

/** GitHub Actions workflow command, so the problem shows on the pull request's lines. */
export function formatGithubAnnotation(d: Diagnostic): string {
  const props = [`file=${escapeProperty(d.file)}`];
  if (d.line !== undefined) props.push(`line=${d.line}`);
  if (d.column !== undefined) props.push(`col=${d.column}`);
  props.push(`title=${escapeProperty(d.code)}`);
  return `::${d.severity} ${props.join(',')}::${escapeData(d.message)}`;
}

/** `✖ 3 errors, 1 warning in 2 files` (or an empty string when there is nothing to say). */
export function formatSummary(list: readonly Diagnostic[]): string {
  if (list.length === 0) return '';
  const errors = list.filter((d) => d.severity === 'error').length;
  const warnings = list.length - errors;
  const files = new Set(list.map((d) => d.file)).size;
  const parts = [plural(errors, 'error'), plural(warnings, 'warning')];
  return `${errors > 0 ? '✖' : '⚠'} ${parts.join(', ')} in ${plural(files, 'file')}`;
}

export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === 'error');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
