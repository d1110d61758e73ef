import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject, post, removeProjects, runCli } from './helpers/cli-project.js';

afterAll(removeProjects);

const PLACEHOLDER = 'the site URL https://example.github.io/feedwright/ is a placeholder, so every link in the feeds and pages would point there: set "url" in the feedwright config to the address the site will be served from, or pass --site-url or set FEEDWRIGHT_SITE_URL [placeholder-url]';
// package.json as makeProject writes it: line 1 "{", 2 "name", 3 "feedwright": {, 4 "title", 5 "url"
const config = (url: string): object => ({ title: 'T', url, timeZone: 'UTC' });

describe('a placeholder site URL', () => {
  it.each(['https://example.github.io/feedwright/', 'https://your-name.github.io/your-blog/'])('%s: a warning on build, an error under --strict', async (url) => {
    const root = await makeProject({ 'posts/a.md': post('A') }, config(url));
    const message = PLACEHOLDER.replace('https://example.github.io/feedwright/', url);
    const built = await runCli(root, ['build']);
    expect(built.code).toBe(0);
    expect(built.lines).toEqual([`package.json:5:5 warning ${message}`, '⚠ 0 errors, 1 warning in 1 file']);
    const strict = await runCli(root, ['check', '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.lines).toEqual([`package.json:5:5 error ${message}`, '✖ 1 error, 0 warnings in 1 file']);
  });

  it('is no problem once the deploy gives the real URL (FEEDWRIGHT_SITE_URL, --site-url), and any other URL is none', async () => {
    const root = await makeProject({ 'posts/a.md': post('A') }, config('https://example.github.io/feedwright/'));
    expect(await runCli(root, ['check', '--strict'], { FEEDWRIGHT_SITE_URL: 'https://jane.github.io/notes/' })).toMatchObject({ code: 0, stderr: '' });
    expect(await runCli(root, ['check', '--strict', '--site-url', 'https://notes.example.com/'])).toMatchObject({ code: 0, stderr: '' });
    const own = await makeProject({ 'posts/a.md': post('A') }, config('https://example.github.io/feedwright-fork/'));
    expect(await runCli(own, ['check', '--strict'])).toMatchObject({ code: 0, stderr: '' });
  });

  it('set through the environment, is reported as the environment variable', async () => {
    const root = await makeProject({ 'posts/a.md': post('A') });
    const run = await runCli(root, ['check', '--strict'], { FEEDWRIGHT_SITE_URL: 'https://example.github.io/feedwright/' });
    expect(run.lines[0]).toBe(`FEEDWRIGHT_SITE_URL error ${PLACEHOLDER}`);
  });
});

describe('FEEDWRIGHT_SITE_URL and --site-url', () => {
  it('an invalid value is reported as the environment variable or the flag, not as a line of package.json', async () => {
    const root = await makeProject({ 'posts/a.md': post('A') });
    const env = await runCli(root, ['build'], { FEEDWRIGHT_SITE_URL: 'jane.github.io/notes' });
    expect(env.code).toBe(1);
    expect(env.lines).toEqual([
      'FEEDWRIGHT_SITE_URL error the environment variable must be an absolute URL starting with https:// or http://, found "jane.github.io/notes" [config-url]',
      '✖ 1 error, 0 warnings in 1 file',
    ]);
    const flag = await runCli(root, ['build', '--site-url', 'ftp://example.com/']);
    expect(flag.lines[0]).toBe('--site-url error the flag must use https:// or http://, found "ftp://example.com/" [config-url]');
    expect(await readdir(root)).not.toContain('dist');
  });

  it.each(['', '  '])('an empty value (%j) is ignored, with a note, and the config\'s URL is used', async (value) => {
    const root = await makeProject({ 'posts/a.md': post('A') });
    const run = await runCli(root, ['build'], { FEEDWRIGHT_SITE_URL: value });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('feedwright: note: FEEDWRIGHT_SITE_URL is set but empty, so it was ignored; the site URL comes from the config\n');
    expect(await readFile(join(root, 'dist/rss.xml'), 'utf8')).toContain('<link>https://example.com/blog/</link>');
  });
});

describe('feedwright new', () => {
  it('works before a site URL is set (it only needs the time zone), and with a placeholder one', async () => {
    for (const cfg of [{ title: 'No URL yet', timeZone: 'Europe/Paris' }, config('https://example.github.io/feedwright/')]) {
      const root = await makeProject({}, cfg);
      const run = await runCli(root, ['new', 'Hello there']);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      const name = '2030-01-01-hello-there.md';
      expect(run.stdout).toBe(`Created posts/${name} (a draft: remove "draft: true" to publish it)\n`);
      expect(await readFile(join(root, 'posts', name), 'utf8')).toContain('title: "Hello there"');
    }
  });
});
