import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixture, removeTempDirs } from './helpers/blog.js';

// Whole outputs of the fixture blog, reviewed as files. After an intended change: `npm run test:update`,
// then read the diff of tests/golden/ as a feed reader would.
describe('golden files for the fixture blog', () => {
  let out = '';
  beforeAll(async () => {
    ({ out } = await buildFixture());
  });
  afterAll(removeTempDirs);

  const files = ['rss.xml', 'atom.xml', 'feed.json', 'index.html', 'posts/hostile-text/index.html', 'posts/links-and-images/index.html'];
  for (const file of files) {
    it(file, async () => {
      const text = await readFile(join(out, file), 'utf8');
      await expect(text).toMatchFileSnapshot(`./golden/blog/${file}`);
    });
  }
});
