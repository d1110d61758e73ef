import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from './helpers/cli-project.js';

const exec = promisify(execFile);
const made: string[] = [];
afterAll(() => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));

/**
 * `npm run build|check|dev` go through src/cli/run.mjs: the compiled CLI, compiled again only when src/ is newer.
 * Tried on a stand-in checkout (the real script, a two-file src/ and a dist-cli/cli/bin.js that records its arguments),
 * so the test neither compiles the real project nor touches its dist-cli/.
 */
async function standIn(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'feedwright-scripts-'));
  made.push(dir);
  await mkdir(join(dir, 'src/cli/dev'), { recursive: true });
  await copyFile(join(REPO, 'src/cli/run.mjs'), join(dir, 'src/cli/run.mjs'));
  await symlink(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  await writeFile(join(dir, 'package.json'), '{"type": "module"}\n');
  await writeFile(join(dir, 'tsconfig.json'), '{"compilerOptions": {"target": "ES2022", "module": "NodeNext", "strict": true, "skipLibCheck": true, "types": ["node"]}}\n');
  await writeFile(join(dir, 'src/tsconfig.json'), '{"extends": "../tsconfig.json", "compilerOptions": {"outDir": "../dist-cli", "rootDir": "."}, "include": ["."]}\n');
  await writeFile(join(dir, 'src/cli/bin.ts'), "import { writeFileSync } from 'node:fs';\nimport { mark } from './dev/mark.js';\nwriteFileSync('ran.txt', `${mark}:${process.argv.slice(2).join(' ')}`);\n");
  await writeFile(join(dir, 'src/cli/dev/mark.ts'), "export const mark: string = 'one';\n");
  return dir;
}

async function runScript(dir: string, args: string[]): Promise<{ stderr: string; ran: string }> {
  const { stderr } = await exec(process.execPath, ['src/cli/run.mjs', ...args], { cwd: dir });
  return { stderr, ran: await readFile(join(dir, 'ran.txt'), 'utf8') };
}

describe('npm run build/check/dev (src/cli/run.mjs)', () => {
  it('are what package.json runs, with no compile step of their own', async () => {
    const pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toBe('node src/cli/run.mjs build');
    expect(pkg.scripts.check).toBe('node src/cli/run.mjs check');
    expect(pkg.scripts.dev).toBe('node src/cli/run.mjs dev --drafts --future');
    expect(pkg.scripts.prepare).toBe('node src/cli/run.mjs --compile-only'); // compiled once, at install (npm ci, npm pack, a git install)
  });

  it('compile when dist-cli/ is missing or a source is newer, and otherwise run the compiled CLI as it is', async () => {
    const dir = await standIn();
    const first = await runScript(dir, ['build', '--drafts']);
    expect(first.stderr).toBe('feedwright: dist-cli/cli/bin.js is missing; compiling src/ first\n');
    expect(first.ran).toBe('one:build --drafts');

    // Unchanged: no compile. Proof beyond the silence: a compiled file edited by hand survives.
    await writeFile(join(dir, 'dist-cli/cli/dev/mark.js'), "export const mark = 'hand-edited';\n");
    const again = await runScript(dir, ['check']);
    expect(again).toEqual({ stderr: '', ran: 'hand-edited:check' });

    // A source newer than its output (in a sub-folder): compiled again.
    await writeFile(join(dir, 'src/cli/dev/mark.ts'), "export const mark: string = 'two';\n");
    const future = new Date(Date.now() + 5_000);
    await utimes(join(dir, 'src/cli/dev/mark.ts'), future, future);
    const edited = await runScript(dir, ['dev']);
    expect(edited.stderr).toBe('feedwright: src/cli/dev/mark.ts changed since the last compile; compiling src/ first\n');
    expect(edited.ran).toBe('two:dev');
  }, 180_000); // two runs of the TypeScript compiler: seconds each on a quiet machine, far more on a shared one

  it('prepare (--compile-only) compiles and runs nothing; without TypeScript it says how to install instead', async () => {
    const dir = await standIn();
    const { stderr } = await exec(process.execPath, ['src/cli/run.mjs', '--compile-only'], { cwd: dir });
    expect(stderr).toBe('feedwright: dist-cli/cli/bin.js is missing; compiling src/ first\n');
    await readFile(join(dir, 'dist-cli/cli/bin.js'));
    await expect(readFile(join(dir, 'ran.txt'))).rejects.toThrow();

    // An unbuilt clone installed by its path: npm links it and runs prepare there, with no dev dependencies.
    const bare = await standIn();
    await rm(join(bare, 'node_modules'));
    const failed = await exec(process.execPath, ['src/cli/run.mjs', '--compile-only'], { cwd: bare }).then(() => undefined, (error: { code: number; stderr: string }) => error);
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('feedwright: cannot compile src/ (dist-cli/cli/bin.js is missing): TypeScript is not installed in');
    expect(failed?.stderr).toContain('install it from a git URL (npm install git+https://…/feedwright.git)');
  }, 180_000);

  it('stop with the compiler\'s errors, and run nothing, when src/ does not compile', async () => {
    const dir = await standIn();
    await writeFile(join(dir, 'src/cli/dev/mark.ts'), 'export const mark: number = "not a number";\n');
    const failed = await exec(process.execPath, ['src/cli/run.mjs', 'build'], { cwd: dir }).then(() => undefined, (error: { code: number; stdout: string }) => error);
    expect(failed?.code).toBe(2);
    expect(failed?.stdout).toContain("src/cli/dev/mark.ts(1,14): error TS2322: Type 'string' is not assignable to type 'number'.");
    await expect(readFile(join(dir, 'ran.txt'))).rejects.toThrow();
  }, 180_000);
});

describe('.gitignore of this repository', () => {
  it("ignores the tarball `npm pack` writes (<name>-<version>.tgz), so it is not committed by accident", async () => {
    const pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { name: string; version: string };
    const tarball = `${pkg.name}-${pkg.version}.tgz`;
    // Asked of git in a repository of its own holding only this .gitignore (the suite also runs in copies of the
    // project that are not repositories: a fork's first CI run is one). git check-ignore exits 0 when the path is
    // ignored (the file need not exist), 1 when it is not.
    const repo = await mkdtemp(join(tmpdir(), 'feedwright-gitignore-'));
    try {
      await exec('git', ['init', '-q'], { cwd: repo });
      await copyFile(join(REPO, '.gitignore'), join(repo, '.gitignore'));
      const { stdout } = await exec('git', ['check-ignore', '--no-index', '-v', tarball], { cwd: repo });
      expect(stdout).toMatch(/^\.gitignore:\d+:\/\*\.tgz\t/); // (any name: a fork may rename the package)
      await expect(exec('git', ['check-ignore', '--no-index', 'README.md'], { cwd: repo })).rejects.toMatchObject({ code: 1 });
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  });
});
