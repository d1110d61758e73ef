#!/usr/bin/env node
/**
 * `npm run build`, `npm run check`, `npm run dev` in this repository: run the compiled CLI (dist-cli/cli/bin.js), and
 * compile src/ first only when a source file is newer than its compiled file. `npm ci` compiles once (`prepare`),
 * so an unchanged checkout never pays for the TypeScript compiler (10–15 s here) on a build whose own work is
 * under half a second. One Node process: the CLI is imported here rather than started again.
 * Installed as a package, feedwright runs dist-cli/cli/bin.js directly (`npx feedwright`); this file is not shipped.
 * `node src/cli/run.mjs --compile-only` is `prepare`: what `npm ci`, `npm pack` and an install from a git URL run.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const src = join(root, 'src');
const out = join(root, 'dist-cli');

/** Why src/ must be compiled first (a source newer than its compiled .js, or none compiled yet), or undefined. */
function staleSource() {
  const mtime = (path) => {
    try {
      return statSync(path).mtimeMs;
    } catch {
      return undefined;
    }
  };
  const bin = mtime(join(out, 'cli', 'bin.js'));
  if (bin === undefined) return 'dist-cli/cli/bin.js is missing';
  for (const config of ['tsconfig.json', 'src/tsconfig.json']) if ((mtime(join(root, config)) ?? 0) > bin) return `${config} changed since the last compile`;
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const ts = join(entry.parentPath, entry.name);
    const js = join(out, relative(src, ts)).replace(/\.ts$/, '.js');
    const compiled = mtime(js);
    if (compiled === undefined || compiled < (mtime(ts) ?? 0)) return `${relative(root, ts).replaceAll('\\', '/')} changed since the last compile`;
  }
  return undefined;
}

const stale = staleSource();
if (stale !== undefined) {
  process.stderr.write(`feedwright: ${stale}; compiling src/ first\n`);
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    // Typically `npm install <path of an unbuilt clone>`: npm links the folder and runs `prepare` there, where no
    // dev dependencies were installed. Say what to do instead of "tsc: not found".
    process.stderr.write(`feedwright: cannot compile src/ (${stale}): TypeScript is not installed in ${root}.
  To use feedwright in another project, install it from a git URL (npm install git+https://…/feedwright.git)
  or from a tarball made with npm pack (npm install ./feedwright-0.1.0.tgz): neither needs TypeScript on your side.
  To install this clone by its path, run npm ci in it first.
`);
    process.exit(1);
  }
  const compiled = spawnSync(process.execPath, [tsc, '-p', join(src, 'tsconfig.json')], { stdio: 'inherit' });
  if (compiled.status !== 0) process.exit(compiled.status ?? 1);
}
// bin.js reads process.argv.slice(2): the same arguments this script was given.
if (process.argv[2] !== '--compile-only') await import(pathToFileURL(join(out, 'cli', 'bin.js')).href);
