import fc from 'fast-check';
import matter from 'gray-matter';
import { describe, expect, it } from 'vitest';
import { splitFrontMatter } from '../src/frontmatter.js';

/** splitFrontMatter replaced gray-matter's split; it must cut every file the way gray-matter did. */

// gray-matter, told not to parse: what frontmatter.ts used to call.
const SPLIT_ONLY = { engines: { yaml: { parse: (): object => ({}), stringify: (): string => '' } } };

const PIECES = ['---', '----', '--- x', '---\t', ' ---', '\n', '\r\n', '\r', 'title: a', 'date: 2024-01-01', '# c', '...', '', ' ', 'ü', '-', '\n---\n'];
const line = fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 6 }));
/** A file that passes parseFrontMatter's first checks: it opens with a "---" line. */
const file = fc.tuple(fc.constantFrom('', ' ', '\t', ' \t '), fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n', ''))
  .map(([blank, lines, end]) => `---${blank}\n${lines.join('\n')}${end}`);

describe('splitFrontMatter', () => {
  it('cuts generated files exactly as gray-matter', () => {
    fc.assert(fc.property(file, (text) => {
      const theirs = matter(text, SPLIT_ONLY);
      expect(splitFrontMatter(text)).toEqual({ yamlText: theirs.matter, body: theirs.content });
    }), { numRuns: 3000 });
  });

  it('keeps the rest of the opening line, so YAML line N is file line N', () => {
    expect(splitFrontMatter('--- \ntitle: a\n---\nBody\n')).toEqual({ yamlText: ' \ntitle: a', body: 'Body\n' });
    expect(splitFrontMatter('---\na: 1\n---\r\n\nBody')).toEqual({ yamlText: '\na: 1', body: '\nBody' });
    expect(splitFrontMatter('---\na: 1\n----\nBody')).toEqual({ yamlText: '\na: 1', body: '-\nBody' });
  });
});
