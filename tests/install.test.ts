import { execFile } from 'node:child_process';
import { access, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from './helpers/cli-project.js';

const exec = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

/**
 * feedwright as a tool in someone else's repository: `npm pack` makes the tarball (compiled JavaScript only), a
 * temporary site installs it with `npm install` (from npm's cache: its dependencies are there after `npm ci`, and
 * `--prefer-offline` asks the registry only for what is missing), then runs `init`, `new`, `check` and `build`
 * through `npx`, as the README's "Add feeds to an existing site" says.
 */
let work = '';
let tarball = '';
let site = '';
const env: Record<string, string | undefined> = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
// What the test runner sets would leak into the site's runs (FEEDWRIGHT_SITE_URL, SOURCE_DATE_EPOCH).
delete env.FEEDWRIGHT_SITE_URL;
delete env.SOURCE_DATE_EPOCH;

async function inSite(file: string, args: string[], extra: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(file, args, { cwd: site, env: { ...env, ...extra } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'feedwright-install-'));
  // `prepare` runs first (it compiles src/ only if dist-cli/ is older), so the tarball holds the current code.
  const { stdout } = await exec(npm, ['pack', '--json', '--pack-destination', work], { cwd: REPO, env });
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  if (!packed) throw new Error('npm pack printed no result');
  tarball = join(work, packed.filename);
  site = join(work, 'my-site');
  await exec('mkdir', [site]);
  await writeFile(join(site, 'package.json'), `${JSON.stringify({ name: 'my-site', private: true, scripts: { build: 'echo my own build' } }, null, 2)}\n`);
  await exec(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: site, env });
}, 240_000);
afterAll(() => rm(work, { recursive: true, force: true }));

describe('installed from a packed tarball', () => {
  it('the tarball holds the compiled CLI and package files only, and installs without TypeScript', async () => {
    const { stdout } = await exec('tar', ['-tzf', tarball]);
    const files = stdout.trim().split('\n').sort();
    expect(files).toContain('package/dist-cli/cli/bin.js');
    expect(files).toContain('package/dist-cli/cli/commands/init.js');
    expect(files).toEqual(expect.arrayContaining(['package/package.json', 'package/README.md']));
    expect(files.filter((f) => /^package\/(src|tests|posts|scripts|\.github|\.ci)\//.test(f))).toEqual([]);
    const installed = await readdir(join(site, 'node_modules'));
    expect(installed).toContain('feedwright');
    expect(installed).not.toContain('typescript');
    const pkg = JSON.parse(await readFile(join(site, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies.feedwright).toMatch(/^file:.*feedwright-\d+\.\d+\.\d+\.tgz$/);
  });

  it('npx feedwright init, new, check and build work in the site', async () => {
    const init = await inSite(npx, ['--no-install', 'feedwright', 'init']);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('updated package.json: added the "feedwright" config (set "url"!) and npm scripts check, dev; kept the scripts build (use npx feedwright build) as they were');
    for (const path of ['.github/workflows/feeds.yml', 'static/.gitkeep', '.gitignore']) await access(join(site, path));
    const pkg = JSON.parse(await readFile(join(site, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toBe('echo my own build');

    const made = await inSite(npx, ['--no-install', 'feedwright', 'new', 'Second post']);
    expect([made.code, made.stderr]).toEqual([0, '']);
    expect(made.stdout).toMatch(/^Created posts\/\d{4}-\d{2}-\d{2}-second-post\.md \(a draft/);

    const check = await inSite(npx, ['--no-install', 'feedwright', 'check']);
    expect(check.code).toBe(0);
    expect(check.stderr).toContain('warning the site URL https://your-name.github.io/your-blog/ is a placeholder');
    expect((await inSite(npx, ['--no-install', 'feedwright', 'check', '--strict'])).code).toBe(1);
    const strict = await inSite(npm, ['run', '--silent', 'check', '--', '--strict'], { FEEDWRIGHT_SITE_URL: 'https://jane.github.io/my-site/' });
    expect([strict.code, strict.stderr]).toEqual([0, '']);

    const build = await inSite(npx, ['--no-install', 'feedwright', 'build', '--drafts'], { FEEDWRIGHT_SITE_URL: 'https://jane.github.io/my-site/' });
    expect([build.code, build.stderr]).toEqual([0, '']);
    expect(build.stdout).toMatch(/^Built 2 posts into dist\//);
    const rss = new XMLParser().parse(await readFile(join(site, 'dist/rss.xml'), 'utf8')) as { rss: { channel: { link: string; item: { title: string }[] } } };
    expect(rss.rss.channel.link).toBe('https://jane.github.io/my-site/');
    expect(rss.rss.channel.item.map((i) => i.title).sort()).toEqual(['Hello, feeds', 'Second post']);
  }, 240_000); // eight npx runs: about 1 s each on a quiet machine, 4-8 s when CI shares two cores with other jobs
});
