import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { CACHE_DIR, main } from '../src/cli/cli.js';
import { formatDiagnostic } from '../src/common/diagnostics.js';
import { DiskCache } from '../src/engine/cache.js';
import { makeProject, removeProjects, runCli, SITE } from './helpers/cli-project.js';
import { fakeIo } from './helpers/project.js';
import { config } from './scale-fixtures.js';

/**
 * A blog brought from Jekyll with Liquid tags in its posts: every command says so once for the whole blog (a
 * `template-tag` warning at the first tag, with the number of files), builds all the same, and fails only under
 * `--strict`; a rebuild from the cache (on disk, and in `dev`'s memory) says it again.
 */

afterAll(removeProjects);

const front = (title: string, date: string): string =>
  `---\nlayout: post\ntitle: "${title}"\ndate: ${date}\ncategories: jekyll update\n---\n`;

const BLOG: Record<string, string> = {
  '_posts/2024-01-02-hello.markdown': `${front('Hello', '2024-01-02 10:00:00 +0100')}Some Ruby:\n\n{% highlight ruby %}\ndef hi\n  puts "Hi"\nend\n{% endhighlight %}\n`,
  '_posts/2024-01-05-links.md': `${front('Links', '2024-01-05 10:00:00 +0100')}As said [before]({% post_url 2024-01-02-hello %}).\n`,
  '_posts/2024-01-08-images.md': `${front('Images', '2024-01-08 10:00:00 +0100')}![A cat]({{ "/assets/cat.png" | relative_url }})\n\nA cat.\n`,
  // Liquid shown as code, as a post about Liquid writes it: nothing to say
  '_posts/2024-01-10-about-liquid.md': `${front('About Liquid', '2024-01-10 10:00:00 +0100')}Write \`{{ site.url }}\` or:\n\n\`\`\`liquid\n{% for post in site.posts %}{{ post.title }}{% endfor %}\n\`\`\`\n`,
};

const CONFIG = { ...SITE, permalink: '/:year/:month/:day/:title/' };

// `{% highlight ruby %}` is on line 9 of the first file by path: 6 lines of front matter, then "Some Ruby:", a blank line.
const WARNING = '_posts/2024-01-02-hello.markdown:9:1 warning the body has a Liquid tag (Jekyll), {% highlight ruby %}, which feedwright '
  + 'does not run: readers see it as written; write a fenced code block (```ruby) in place of {% highlight ruby %} … {% endhighlight %} '
  + '(in 3 files; first here) [template-tag]';
const SUMMARY = '⚠ 0 errors, 1 warning in 1 file';

describe('template tags in a blog moved from Jekyll', () => {
  it('build and check give one warning for the blog, succeed, and fail with --strict; a cached rebuild says it again', async () => {
    const root = await makeProject(BLOG, CONFIG);
    const posts = ['--posts', '_posts'];
    const first = await runCli(root, ['build', ...posts]);
    expect([first.code, first.lines]).toEqual([0, [WARNING, SUMMARY]]);
    // published as written (feedwright runs no templates): the warning changes nothing in the output
    const page = await readFile(join(root, 'dist/2024/01/05/links/index.html'), 'utf8');
    expect(page).toContain('As said [before]({% post_url 2024-01-02-hello %}).');

    // the posts come from the disk cache, their warnings with them
    const cached = await build({
      config: config(CONFIG), root, postsDir: '_posts', drafts: false, future: false, now: Date.UTC(2030, 0, 1),
      cache: DiskCache.open(join(root, CACHE_DIR)),
    });
    expect(cached.stats).toEqual({ sources: 4, rendered: 0 });
    expect(cached.diagnostics.map(formatDiagnostic)).toEqual([WARNING]);
    const again = await runCli(root, ['build', ...posts]);
    expect([again.code, again.lines]).toEqual([0, [WARNING, SUMMARY]]);
    expect((await runCli(root, ['check', ...posts])).lines).toEqual([WARNING, SUMMARY]);
    expect((await runCli(root, ['check', ...posts, '--no-cache'])).lines).toEqual([WARNING, SUMMARY]);

    const strict = await runCli(root, ['build', ...posts, '--strict']);
    expect([strict.code, strict.lines]).toEqual([1, [WARNING, SUMMARY]]);
    expect((await runCli(root, ['check', ...posts, '--strict'])).code).toBe(1);
  });

  it('a single post with a tag gets the warning without a count; code alone gets none', async () => {
    const root = await makeProject({
      'posts/a.md': '---\ntitle: A\ndate: 2024-01-02T00:00:00Z\n---\n\nWatch {{< youtube id="w7Ft2ymGmfc" >}} now.\n',
      'posts/b.md': '---\ntitle: B\ndate: 2024-01-03T00:00:00Z\n---\n\nShortcodes look like `{{< youtube id="x" >}}`.\n',
    });
    const run = await runCli(root, ['check']);
    expect([run.code, run.lines]).toEqual([0, [
      'posts/a.md:6:7 warning the body has a Hugo shortcode, {{< youtube id="w7Ft2ymGmfc" >}}, which feedwright does not run: readers see it as written; '
      + 'replace it with what it stood for (a link, an image, the code), or put it in a code span (`…`) to show it as text [template-tag]',
      '⚠ 0 errors, 1 warning in 1 file',
    ]]);
  });

  it('dev reports it on the first build and again after a save, with the unchanged posts from its memory', async () => {
    const root = await makeProject(BLOG, CONFIG);
    const stop = new AbortController();
    const io = fakeIo(root, { signal: stop.signal });
    const running = main(['dev', '--port', '0', '--posts', '_posts'], io);
    const count = (): number => io.stderrText.split('\n').filter((l) => l === WARNING).length;
    await expect.poll(count, { timeout: 30_000, interval: 50 }).toBe(1);
    await expect.poll(() => io.stdoutText.includes('Watching'), { timeout: 30_000, interval: 50 }).toBe(true);
    // another post saved: the three with tags come from memory, and are still reported
    await writeFile(join(root, '_posts/2024-01-10-about-liquid.md'), `${front('About Liquid', '2024-01-10 10:00:00 +0100')}Changed, and \`{{ x }}\`.\n`);
    await expect.poll(count, { timeout: 30_000, interval: 50 }).toBe(2);
    stop.abort();
    expect(await running).toBe(0);
  }, 60_000);
});
