#!/usr/bin/env node
/**
 * `npm run bench:scripts`: what `npm run build` costs on a one-post blog against the compiled CLI it runs
 * (`node dist-cli/cli/bin.js build`), and how much of the difference is npm's own start-up (an `npm run` of a script
 * that does nothing). Runs alternate, 10 of each by default; medians are printed. A measurement, not a test.
 *   node tests/bench/npm-scripts.mjs [--runs N] [--with-compile]
 * --with-compile also times the old script once (`npm run compile && node dist-cli/cli/bin.js build`).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] ?? 10) || 10;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// A one-post blog whose `build` script is this repository's, pointed at this repository's files.
const dir = mkdtempSync(join(tmpdir(), 'feedwright-bench-npm-'));
const ours = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const abs = (script) => script.replaceAll('src/cli/run.mjs', join(repo, 'src/cli/run.mjs')).replaceAll('dist-cli/', join(repo, 'dist-cli/'));
writeFileSync(join(dir, 'package.json'), JSON.stringify({
  name: 'bench-one-post', private: true,
  scripts: { build: abs(ours.scripts.build), nothing: 'true', old: `${npm} --prefix ${repo} run compile && node ${join(repo, 'dist-cli/cli/bin.js')} build` },
  feedwright: { title: 'Bench', url: 'https://bench.example.org/' },
}));
mkdirSync(join(dir, 'posts'));
writeFileSync(join(dir, 'posts/2024-01-01-one.md'), '---\ntitle: One\ndate: 2024-01-01\n---\n\nOne post, so that start-up is most of the build.\n');

const time = (file, argv) => {
  const start = process.hrtime.bigint();
  execFileSync(file, argv, { cwd: dir, stdio: 'ignore' });
  return Number(process.hrtime.bigint() - start) / 1e6;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cases = {
  direct: () => time(process.execPath, [join(repo, 'dist-cli/cli/bin.js'), 'build']),
  'npm run build': () => time(npm, ['run', '--silent', 'build']),
  'npm run (nothing)': () => time(npm, ['run', '--silent', 'nothing']),
};
const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
cases.direct(); // warm the file cache and the output folder
for (let i = 0; i < runs; i++) for (const [name, run] of Object.entries(cases)) samples[name].push(run());
const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
const npmOwn = m['npm run (nothing)'];
console.log(`one-post build, median of ${runs} (ms):`);
console.log(`  node dist-cli/cli/bin.js build   ${m.direct.toFixed(0)}`);
console.log(`  npm run build                ${m['npm run build'].toFixed(0)}   ratio ${(m['npm run build'] / m.direct).toFixed(2)}×`);
console.log(`  npm run of a no-op script    ${npmOwn.toFixed(0)}   (npm's own start-up)`);
console.log(`  npm run build − npm's start-up: ${(m['npm run build'] - npmOwn).toFixed(0)} ms, ratio ${((m['npm run build'] - npmOwn) / m.direct).toFixed(2)}× the direct run`);
if (args.includes('--with-compile')) console.log(`  old script (npm run compile && node dist-cli/cli/bin.js build), once: ${time(npm, ['run', '--silent', 'old']).toFixed(0)}`);
rmSync(dir, { recursive: true, force: true });
