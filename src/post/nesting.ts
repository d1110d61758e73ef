/**
 * How deeply a Markdown body nests, measured before marked parses it. marked recurses once per level of
 * block quote, list and emphasis: 2,000 `>` or 50,000 `- ` overflow the stack, and 3,000 nested list levels ran
 * for minutes until memory ran out. A cheap scan of the text finds the deepest point first, so such a post is
 * an error at its line (`post-too-deep`) instead of a crash.
 *
 * The scan over-estimates on purpose (it never reads fences or code blocks, so a deeply indented `- ` in a code
 * block counts as a list), so that no input it lets through nests deeper than the limit; the limits are far above
 * what prose uses. It looks at each line's start, and at `*`/`_` runs only in lines that have one, so a normal
 * post costs about one pass of a regular expression over its text.
 */

/** Deepest block nesting (block quotes and list items, counted together) a post may have. As markdown-it's `maxNesting`. */
export const MAX_BLOCK_NESTING = 100;
/** Deepest emphasis nesting (`*`, `_`) a paragraph may have; marked's time grows with its square. */
export const MAX_INLINE_NESTING = 100;

/** Where a body first nests deeper than allowed. */
export interface TooDeep {
  /** 1-based line in the body. */
  readonly line: number;
  /** The depth found on that line (at least), and which kind of nesting it is. */
  readonly depth: number;
  readonly kind: 'block' | 'emphasis';
}

// Leading container markers: `>` (white space after it optional), or a list marker (`-`, `+`, `*`, `1.`, `1)`)
// followed by white space or the line's end, each with the white space after it. At line starts only.
const CONTAINERS = /^[ \t]*(?:>[ \t]*|(?:[-+*]|\d{1,9}[.)])(?:[ \t]+|$))+/gm;
const MARKER = />|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)/g;
// A run of emphasis delimiters with what is just before and after it.
const DELIMITERS = /[*_]+/g;
const BLANK_LINE = /\n[ \t]*\n/g;
const SPACE = /\s/;

/** The first line where `body` nests deeper than the limits, or undefined. */
export function tooDeep(body: string, maxBlock = MAX_BLOCK_NESTING, maxInline = MAX_INLINE_NESTING): TooDeep | undefined {
  // Most posts are ruled out by a quick look: no line starts with more than `maxBlock` characters that can
  // make up containers (each level takes at least one), and closing `maxInline` levels of emphasis takes twice
  // as many delimiters. Only then is the body scanned (10,000 posts of 6 KB: ~30 ms in all, against ~350 ms
  // for the scans themselves).
  const block = mayNest(body, maxBlock) ? blockDepth(body, maxBlock) : undefined;
  if (block) return block;
  return count(body, '*', 2 * maxInline) + count(body, '_', 2 * maxInline) > 2 * maxInline ? inlineDepth(body, maxInline) : undefined;
}

/**
 * Whether some line starts with more than `max` characters that markers and indentation are made of. Such a run
 * covers every position modulo `max + 1`, so it is enough to look at every (max + 1)th character and, where one
 * is of that kind, at the run around it: a hundredth of the text, instead of every line.
 */
function mayNest(body: string, max: number): boolean {
  const step = max + 1;
  for (let p = 0; p < body.length; p += step) {
    if (!isPrefixChar(body.charCodeAt(p))) continue;
    let start = p;
    while (start > 0 && isPrefixChar(body.charCodeAt(start - 1))) start--;
    let end = p + 1;
    while (end < body.length && isPrefixChar(body.charCodeAt(end))) end++;
    if (end - start >= step && (start === 0 || body.charCodeAt(start - 1) === 10)) return true;
    p = end - (end % step); // the next multiple of step after the run (the loop adds one step)
  }
  return false;
}

/** Space, tab, `>`, `+`, `*`, `-`, `.`, `)` and digits: what container prefixes are made of. */
function isPrefixChar(c: number): boolean {
  return c === 32 || c === 9 || c === 62 || c === 43 || c === 42 || c === 45 || c === 46 || c === 41 || (c >= 48 && c <= 57);
}

/** How often `char` occurs in `text`, counting no further than `limit + 1`. */
function count(text: string, char: string, limit: number): number {
  let n = 0;
  for (let i = text.indexOf(char); i !== -1 && n <= limit; i = text.indexOf(char, i + 1)) n++;
  return n;
}

/**
 * Block depth of a line: its container markers plus what its indentation can continue (a nested list item is
 * indented at least two columns more than its parent; a tab counts four). Block quotes must repeat `>` on every
 * line they hold a container on, so markers and indentation bound the depth from above.
 */
function blockDepth(body: string, max: number): TooDeep | undefined {
  CONTAINERS.lastIndex = 0;
  for (let m = CONTAINERS.exec(body); m !== null; m = CONTAINERS.exec(body)) {
    const prefix = m[0];
    // Every level takes at least one character (`>`) or two columns: a short prefix cannot be too deep.
    if (prefix.length <= max) continue;
    const markers = prefix.match(MARKER)?.length ?? 0;
    let columns = 0;
    for (const c of prefix) if (c === ' ') columns++; else if (c === '\t') columns += 4;
    const depth = markers + Math.floor(columns / 2);
    if (depth > max) return { line: lineOf(body, m.index), depth, kind: 'block' };
  }
  return undefined;
}

/**
 * Emphasis depth, per paragraph (a blank line ends one). A delimiter run after white space (or the line start)
 * and before a non-space can open; one after a non-space and before white space (or the end) can close, and
 * closes the nearest open runs first, as emphasis pairs. Runs between two non-spaces (`snake_case`, `2*3`) are
 * left out: they pair rather than nest. Only delimiters that are closed count, so unmatched ones (`**kwargs`,
 * `char *p` in code) never add up: they are literal text to marked too.
 */
function inlineDepth(body: string, max: number): TooDeep | undefined {
  // Runs of the current paragraph: + for what an opener opens and a closer later closes, − for what a closer closes.
  let runs: { index: number; open: number; matched: number; closes: number }[] = [];
  let stack: number[] = [];
  const measure = (): TooDeep | undefined => {
    let depth = 0;
    for (const run of runs) {
      depth += run.matched - run.closes;
      if (depth > max) return { line: lineOf(body, run.index), depth, kind: 'emphasis' };
    }
    return undefined;
  };
  BLANK_LINE.lastIndex = 0;
  let blank = BLANK_LINE.exec(body)?.index ?? Infinity;
  DELIMITERS.lastIndex = 0;
  for (let m = DELIMITERS.exec(body); m !== null; m = DELIMITERS.exec(body)) {
    if (m.index > blank) {
      const found = measure();
      if (found) return found;
      runs = [];
      stack = [];
      BLANK_LINE.lastIndex = m.index;
      blank = BLANK_LINE.exec(body)?.index ?? Infinity;
    }
    const length = m[0].length;
    const before = body[m.index - 1] ?? '\n';
    const after = body[m.index + length] ?? '\n';
    if (SPACE.test(before) && !SPACE.test(after)) {
      stack.push(runs.length);
      runs.push({ index: m.index, open: length, matched: 0, closes: 0 });
    } else if (!SPACE.test(before) && SPACE.test(after) && stack.length > 0) {
      let left = length;
      const run = { index: m.index, open: 0, matched: 0, closes: 0 };
      while (left > 0 && stack.length > 0) {
        const opener = runs[stack[stack.length - 1] ?? 0];
        if (!opener) break;
        const k = Math.min(left, opener.open - opener.matched);
        opener.matched += k;
        run.closes += k;
        left -= k;
        if (opener.matched === opener.open) stack.pop();
      }
      runs.push(run);
    }
  }
  return measure();
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
