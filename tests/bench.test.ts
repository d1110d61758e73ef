import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchReport } from './bench/bench.js';
import { compiledCli, REPO, removeCompiledCli } from './helpers/cli-project.js';

const exec = promisify(execFile);
afterAll(removeCompiledCli);

describe('npm run bench', () => {
  // Proves the benchmark works end to end at a small size; it times nothing (CI machines vary too much).
  it('builds a synthetic blog next to the floor and reports both, as a table and as JSON', async () => {
    // Compiled inside the repository (tests/.artifacts is git-ignored) so it finds gray-matter and marked.
    await mkdir(join(REPO, 'tests', '.artifacts'), { recursive: true });
    const out = await mkdtemp(join(REPO, 'tests', '.artifacts', 'bench-'));
    await exec(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(REPO, 'tests/bench/tsconfig.json'), '--outDir', join(out, 'bench')]);
    const json = join(out, 'results.json');
    const { stdout } = await exec(process.execPath, [join(out, 'bench', 'bench.js'), '--sizes', '200', '--settle', '0', '--cli', await compiledCli(), '--json', json], { cwd: REPO });
    expect(stdout).toMatch(/^\| posts \| floor \| cold build \|/);
    expect(stdout).toMatch(/\n\| 200 \| [\d.]+ s \| [\d.]+ s \| [\d.]+× \|/);
    const report = JSON.parse(await readFile(json, 'utf8')) as BenchReport;
    const [result] = report.results;
    expect(report.results).toHaveLength(1);
    expect(result?.posts).toBe(200);
    for (const run of [result?.floor, result?.cold, result?.rebuild]) {
      expect(run?.wallMs).toBeGreaterThan(0);
      expect(run?.peakMb).toBeGreaterThan(0);
    }
    expect(result?.largestArchiveBytes).toBeGreaterThan(0);
    expect(result?.outputFiles).toBeGreaterThan(200);
    await rm(out, { recursive: true, force: true });
  }, 120_000);
});
