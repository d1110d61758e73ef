import { appendFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { USAGE, type Io } from '../io.js';
import { toIsoDay } from '../../post/dates.js';
import { isPlainObject } from '../../common/util.js';
import { examplePost, GITIGNORE_LINES, INIT_CONFIG, INIT_SCRIPTS, WORKFLOW } from './init-files.js';

/** What init did with one path: made it, added to it, or left it as it was (and why). */
interface Step {
  readonly path: string;
  readonly did: 'created' | 'updated' | 'left';
  readonly why: string;
}

/**
 * `feedwright init`: scaffold a blog in the current folder. It never overwrites or rewrites a file: it creates
 * what is missing (package.json, the example post, static/, the GitHub Pages workflow, .gitignore), adds the
 * `feedwright` field and free npm scripts to an existing package.json, appends missing lines to .gitignore, and
 * reports every path it created, updated or left alone.
 */
export async function init(args: readonly string[], io: Io): Promise<number> {
  if (args.length > 0) {
    io.stderr(`feedwright: "init" takes no arguments; it sets up the current folder\n\n${USAGE}`);
    return 2;
  }
  const root = io.cwd;
  const pkg = await packageJson(root);
  if (typeof pkg === 'string') {
    io.stderr(`feedwright: ${pkg}; nothing was changed\n`);
    return 1;
  }
  const steps: Step[] = [pkg.step];
  if (pkg.write !== undefined) await writeFile(join(root, 'package.json'), pkg.write, { flag: pkg.step.did === 'created' ? 'wx' : 'w' });
  steps.push(await examplePostStep(root, io.now()));
  steps.push(await createFile(root, 'static/.gitkeep', '', 'static files (favicon, CNAME, images) go in static/'));
  steps.push(await createFile(root, '.github/workflows/feeds.yml', WORKFLOW, 'checks posts on pull requests, builds and deploys to GitHub Pages from main'));
  steps.push(await gitignore(root));

  for (const s of steps) io.stdout(`${s.did === 'left' ? 'left   ' : s.did === 'created' ? 'created' : 'updated'} ${s.path}: ${s.why}\n`);
  io.stdout(`
Next:
  npx feedwright new "Title"   start a post (a draft until you remove "draft: true")
  npx feedwright dev           preview at http://127.0.0.1:8080/, rebuilt on every save
  npx feedwright build         write the feeds and pages into dist/
Before the first real build, set "url" in the "feedwright" field of package.json to the address the site
will be served from (the GitHub Pages workflow builds with the Pages URL when it deploys).
`);
  return 0;
}

/** package.json with the config and scripts added where missing; `write` is undefined when nothing changes. */
async function packageJson(root: string): Promise<{ step: Step; write?: string } | string> {
  const path = join(root, 'package.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return `cannot read package.json: ${(error as Error).message}`;
    const name = basename(root).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+|-+$/g, '') || 'blog';
    const fresh = { name, private: true, scripts: INIT_SCRIPTS, feedwright: INIT_CONFIG };
    return { step: { path: 'package.json', did: 'created', why: 'the "feedwright" config (set "url"!) and npm scripts build, check, dev' }, write: `${JSON.stringify(fresh, null, 2)}\n` };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return `package.json is not valid JSON (${(error as Error).message}); fix it and run init again`;
  }
  if (!isPlainObject(data)) return 'package.json does not hold a JSON object';
  const added: string[] = [];
  const kept: string[] = [];
  const next: Record<string, unknown> = { ...data };
  if (next.feedwright === undefined) {
    next.feedwright = INIT_CONFIG;
    added.push('the "feedwright" config (set "url"!)');
  } else kept.push('its "feedwright" field');
  const scripts = isPlainObject(next.scripts) ? { ...next.scripts } : next.scripts === undefined ? {} : undefined;
  if (scripts === undefined) kept.push('"scripts" (not an object)');
  else {
    const free = Object.entries(INIT_SCRIPTS).filter(([name]) => scripts[name] === undefined);
    for (const [name, command] of free) scripts[name] = command;
    if (free.length > 0) {
      next.scripts = scripts;
      added.push(`npm script${free.length === 1 ? '' : 's'} ${free.map(([n]) => n).join(', ')}`);
    }
    const taken = Object.keys(INIT_SCRIPTS).filter((name) => !free.some(([n]) => n === name));
    if (taken.length > 0) kept.push(`the scripts ${taken.join(', ')} (use npx feedwright ${taken.join(', npx feedwright ')})`);
  }
  const why = [...(added.length > 0 ? [`added ${added.join(' and ')}`] : []), ...(kept.length > 0 ? [`kept ${kept.join(' and ')} as they were`] : [])].join('; ');
  if (added.length === 0) return { step: { path: 'package.json', did: 'left', why } };
  // Same indentation and line ending as the file had; every existing field keeps its value and place.
  const indent = /^[ \t]+(?=")/m.exec(text)?.[0] ?? '  ';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const json = JSON.stringify(next, null, indent).replace(/\n/g, eol);
  return { step: { path: 'package.json', did: 'updated', why }, write: `${json}${eol}` };
}

/** posts/ with one example post, unless posts/ already holds something. */
async function examplePostStep(root: string, now: number): Promise<Step> {
  const existing = await readdir(join(root, 'posts')).catch(() => undefined);
  if (existing !== undefined && existing.length > 0) return { path: 'posts/', did: 'left', why: 'it already holds files, so no example post was added' };
  const day = toIsoDay(now, 'UTC');
  return createFile(root, `posts/${day}-hello-feeds.md`, examplePost(day), 'an example post (edit or delete it)');
}

/** Create `rel` with `text` unless it exists (never replaced, even if it appears meanwhile). */
async function createFile(root: string, rel: string, text: string, why: string): Promise<Step> {
  await mkdir(dirname(join(root, rel)), { recursive: true });
  try {
    await writeFile(join(root, rel), text, { flag: 'wx' });
    return { path: rel, did: 'created', why };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { path: rel, did: 'left', why: 'it exists' };
  }
}

/** .gitignore with the output and node_modules/ ignored: created, or the missing lines appended. */
async function gitignore(root: string): Promise<Step> {
  const path = join(root, '.gitignore');
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return createFile(root, '.gitignore', `${GITIGNORE_LINES.join('\n')}\n`, `ignores ${GITIGNORE_LINES.join(' and ')}`);
  // `dist`, `/dist`, `dist/` and `/dist/` all ignore the folder.
  const have = new Set(text.split(/\r?\n/).map((l) => l.trim().replace(/^\//, '').replace(/\/$/, '')));
  const missing = GITIGNORE_LINES.filter((line) => !have.has(line.replace(/\/$/, '')));
  if (missing.length === 0) return { path: '.gitignore', did: 'left', why: `it already ignores ${GITIGNORE_LINES.join(' and ')}` };
  await appendFile(path, `${text === '' || text.endsWith('\n') ? '' : '\n'}${missing.join('\n')}\n`);
  return { path: '.gitignore', did: 'updated', why: `appended ${missing.join(', ')}` };
}
