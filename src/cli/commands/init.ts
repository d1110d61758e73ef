import { appendFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { USAGE, type Io } from '../io.js';
import { toIsoDay } from '../../post/dates.js';
import { isPlainObject } from '../../common/util.js';
import { checkOutDir } from '../../output/out-dir.js';
import {
  configPlace, DEFAULT_PATHS, examplePost, gitignoreLines, INIT_CONFIG, INIT_SCRIPTS, initScripts, NEW_FLAGS, pathFlags, UNQUOTABLE, workflow, type InitPaths,
} from './init-files.js';
import type { CliValues } from './context.js';

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
 * reports every path it created, updated or left alone. With `--posts DIR`, `--out DIR` or `--config FILE` every
 * command it writes (npm scripts, workflow, the hints it prints) carries them: the example post goes into the posts
 * folder, the workflow publishes the output folder and .gitignore ignores it, and the config is written into FILE
 * (a JSON file of its own) rather than into package.json.
 */
export async function init(args: readonly string[], values: CliValues, io: Io): Promise<number> {
  if (args.length > 0) {
    io.stderr(`feedwright: "init" takes no arguments; it sets up the current folder\n\n${USAGE}`);
    return 2;
  }
  const root = io.cwd;
  const paths = initPaths(root, values);
  if ('problem' in paths) {
    io.stderr(`feedwright: ${paths.problem}; nothing was changed\n`);
    return 2;
  }
  const flags = pathFlags(paths);
  const pkg = await packageJson(root, paths);
  if (typeof pkg === 'string') {
    io.stderr(`feedwright: ${pkg}; nothing was changed\n`);
    return 1;
  }
  const steps: Step[] = [pkg.step];
  if (pkg.write !== undefined) await writeFile(join(root, 'package.json'), pkg.write, { flag: pkg.step.did === 'created' ? 'wx' : 'w' });
  if (paths.config !== DEFAULT_PATHS.config) {
    steps.push(await createFile(root, paths.config, `${JSON.stringify(INIT_CONFIG, null, 2)}\n`, 'the feedwright config (set "url"!), read with --config'));
  }
  steps.push(await examplePostStep(root, io.now(), paths));
  steps.push(await createFile(root, 'static/.gitkeep', '', 'static files (favicon, CNAME, images) go in static/'));
  steps.push(await workflowStep(root, paths));
  steps.push(await gitignore(root, paths.out));

  for (const s of steps) io.stdout(`${s.did === 'left' ? 'left   ' : s.did === 'created' ? 'created' : 'updated'} ${s.path}: ${s.why}\n`);
  // The hints name the npm script where it is the one init writes (`dev` shows drafts, so `new`'s draft appears).
  const ours = initScripts(paths);
  const hints = [
    [`npx feedwright new "Title"${pathFlags(paths, NEW_FLAGS)}`, 'start a post (a draft until you remove "draft: true")'],
    [pkg.scripts?.dev === ours.dev ? 'npm run dev' : `npx feedwright dev --drafts --future${flags}`, 'preview at http://127.0.0.1:8080/ with drafts, rebuilt on every save'],
    [pkg.scripts?.build === ours.build ? 'npm run build' : `npx feedwright build${flags}`, `write the feeds and pages into ${paths.out}/`],
  ] as const;
  const width = Math.max(...hints.map(([command]) => command.length)) + 3;
  io.stdout(`
Next:
${hints.map(([command, what]) => `  ${command.padEnd(width)}${what}\n`).join('')}Before the first real build, set "url" in ${configPlace(paths)} to the address the site
will be served from (the GitHub Pages workflow builds with the Pages URL when it deploys).
`);
  return 0;
}

/**
 * The paths `--posts`, `--out` and `--config` name, as init writes them into commands: relative to the current
 * folder with `/` separators (the defaults when not given), or why init cannot use them. `--out` is refused where
 * `build` would refuse it; `--config` must be package.json or a file of its own, which init can create.
 */
function initPaths(root: string, values: CliValues): InitPaths | { problem: string } {
  const posts = pathOf(root, 'posts', values.posts, 'folder', 'the posts folder');
  if (typeof posts !== 'string') return posts;
  const out = pathOf(root, 'out', values.out, 'folder', 'the output folder');
  if (typeof out !== 'string') return out;
  const outProblem = checkOutDir(root, posts, out);
  if (outProblem !== undefined) return { problem: outProblem };
  const config = pathOf(root, 'config', values.config, 'file', 'the config file');
  if (typeof config !== 'string') return config;
  if (config !== DEFAULT_PATHS.config && basename(config) === 'package.json') {
    return { problem: `--config ${values.config}: init writes the config into the "feedwright" field of this folder's package.json, or into a JSON file of its own such as feedwright.json; not into another package.json` };
  }
  const inside = (folder: string): boolean => config === folder || config.startsWith(`${folder}/`);
  if (inside(out)) return { problem: `--config ${values.config} is inside the output folder ${out}, which every build replaces; give a file outside it` };
  if (inside(posts)) return { problem: `--config ${values.config} is inside the posts folder ${posts}; give a file outside it` };
  return { posts, out, config };
}

/** One path flag's value, relative to the project with `/` separators, or why init cannot write it into a command. */
function pathOf(root: string, key: keyof InitPaths, given: string | undefined, kind: 'folder' | 'file', what: string): string | { problem: string } {
  if (given === undefined) return DEFAULT_PATHS[key];
  const rel = relative(root, resolve(root, given));
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    return { problem: `--${key} ${given}: init writes ${what} into the npm scripts and the workflow, which run in this folder; give a ${kind} inside it` };
  }
  if (UNQUOTABLE.test(rel)) return { problem: `--${key} ${JSON.stringify(given)}: a ${kind} name with " $ \` \\ % ! or a control character cannot be written into a command that every shell reads alike; rename the ${kind}` };
  return rel.split(sep).join('/');
}

/** package.json with the config and scripts added where missing; `write` is undefined when nothing changes. */
async function packageJson(root: string, paths: InitPaths): Promise<{ step: Step; write?: string; scripts?: Record<string, unknown> } | string> {
  const ours = initScripts(paths);
  // With --config FILE the config is written there, and the commands read it from there only.
  const field = paths.config === DEFAULT_PATHS.config;
  const path = join(root, 'package.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return `cannot read package.json: ${(error as Error).message}`;
    const name = basename(root).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+|-+$/g, '') || 'blog';
    const fresh = { name, private: true, scripts: ours, ...(field && { feedwright: INIT_CONFIG }) };
    const why = `${field ? 'the "feedwright" config (set "url"!) and ' : ''}npm scripts build, check, dev`;
    return { step: { path: 'package.json', did: 'created', why }, write: `${JSON.stringify(fresh, null, 2)}\n`, scripts: ours };
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
  if (!field) {
    if (next.feedwright !== undefined) kept.push(`its "feedwright" field (not read: the commands say --config ${paths.config})`);
  } else if (next.feedwright === undefined) {
    next.feedwright = INIT_CONFIG;
    added.push('the "feedwright" config (set "url"!)');
  } else kept.push('its "feedwright" field');
  const scripts = isPlainObject(next.scripts) ? { ...next.scripts } : next.scripts === undefined ? {} : undefined;
  if (scripts === undefined) kept.push('"scripts" (not an object)');
  else {
    const free = Object.entries(ours).filter(([name]) => scripts[name] === undefined);
    for (const [name, command] of free) scripts[name] = command;
    if (free.length > 0) {
      next.scripts = scripts;
      added.push(`npm script${free.length === 1 ? '' : 's'} ${free.map(([n]) => n).join(', ')}`);
    }
    const taken = Object.keys(INIT_SCRIPTS).filter((name) => !free.some(([n]) => n === name));
    if (taken.length > 0) kept.push(`the scripts ${taken.join(', ')} (use ${taken.map((name) => `npx feedwright ${name}${pathFlags(paths)}`).join(', ')})`);
  }
  const why = [...(added.length > 0 ? [`added ${added.join(' and ')}`] : []), ...(kept.length > 0 ? [`kept ${kept.join(' and ')} as they were`] : [])].join('; ');
  const finalScripts = isPlainObject(next.scripts) ? next.scripts : undefined;
  if (added.length === 0) return { step: { path: 'package.json', did: 'left', why }, ...(finalScripts && { scripts: finalScripts }) };
  // Same indentation and line ending as the file had; every existing field keeps its value and place.
  const indent = /^[ \t]+(?=")/m.exec(text)?.[0] ?? '  ';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const json = JSON.stringify(next, null, indent).replace(/\n/g, eol);
  return { step: { path: 'package.json', did: 'updated', why }, write: `${json}${eol}`, ...(finalScripts && { scripts: finalScripts }) };
}

/** The posts folder with one example post, unless it already holds something. */
async function examplePostStep(root: string, now: number, paths: InitPaths): Promise<Step> {
  const dir = paths.posts;
  const existing = await readdir(join(root, dir)).catch(() => undefined);
  if (existing !== undefined && existing.length > 0) return { path: `${dir}/`, did: 'left', why: 'it already holds files, so no example post was added' };
  const day = toIsoDay(now, 'UTC');
  return createFile(root, `${dir}/${day}-hello-feeds.md`, examplePost(day, paths), 'an example post (edit or delete it)');
}

/** The workflow, created for `paths`; one that exists is left, with a word when it does not say the flags init was given. */
async function workflowStep(root: string, paths: InitPaths): Promise<Step> {
  const path = '.github/workflows/feeds.yml';
  const step = await createFile(root, path, workflow(paths), 'checks posts on pull requests, builds and deploys to GitHub Pages from main');
  const given = (['posts', 'out', 'config'] as const).filter((key) => paths[key] !== DEFAULT_PATHS[key]);
  if (step.did !== 'left' || given.length === 0) return step;
  const text = await readFile(join(root, path), 'utf8').catch(() => '');
  const missing = given.filter((key) => !text.includes(`--${key}`));
  if (missing.length === 0) return step;
  const out = missing.includes('out') ? ` and publish ${paths.out}` : '';
  return { ...step, why: `it exists, and no command in it says ${missing.map((k) => `--${k}`).join(' or ')}: add${pathFlags(paths, missing)} to its feedwright commands${out}` };
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

/** .gitignore with the output folder `out` and node_modules/ ignored: created, or the missing lines appended. */
async function gitignore(root: string, out: string): Promise<Step> {
  const lines = gitignoreLines(out);
  const path = join(root, '.gitignore');
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return createFile(root, '.gitignore', `${lines.join('\n')}\n`, `ignores ${lines.join(' and ')}`);
  // `dist`, `/dist`, `dist/` and `/dist/` all ignore the folder.
  const have = new Set(text.split(/\r?\n/).map((l) => l.trim().replace(/^\//, '').replace(/\/$/, '')));
  const missing = lines.filter((line) => !have.has(line.replace(/\/$/, '')));
  if (missing.length === 0) return { path: '.gitignore', did: 'left', why: `it already ignores ${lines.join(' and ')}` };
  await appendFile(path, `${text === '' || text.endsWith('\n') ? '' : '\n'}${missing.join('\n')}\n`);
  return { path: '.gitignore', did: 'updated', why: `appended ${missing.join(', ')}` };
}
