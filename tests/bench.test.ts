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
  it('builds a synthetic blog next to the floor (and the floor that writes), rebuilds it, times dev saves, and reports all of it as a table and as JSON', async () => {
    // Compiled inside the repository (tests/.artifacts is git-ignored) so it finds gray-matter and marked.
    await mkdir(join(REPO, 'tests', '.artifacts'), { recursive: true });
    const out = await mkdtemp(join(REPO, 'tests', '.artifacts', 'bench-'));
    await exec(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(REPO, 'tests/bench/tsconfig.json'), '--outDir', join(out, 'bench')]);
    const json = join(out, 'results.json');
    const { stdout } = await exec(process.execPath, [join(out, 'bench', 'bench.js'), '--sizes', '200', '--settle', '0', '--cli', await compiledCli(), '--json', json, '--saves', '3,2'], { cwd: REPO });
    const header = /^\|(.*)\|$/m.exec(stdout)?.[1]?.split('|').map((cell) => cell.trim().replace(/ \(.*\)$/, ''));
    expect(header).toEqual(['posts', 'floor', 'floor+write', 'cold', 'cold/floor', 'cold/(floor+write)', 'no-change', 'one-edit', 'dev save median', 'dev title median', 'dev peak MB']);
    expect(stdout).toMatch(/\n\| 200 \| [\d.]+ s \| [\d.]+ s \| [\d.]+ s \| [\d.]+×( ✗)? \| [\d.]+× \| [\d.]+ s \([\d.]+ %( ✗)?\) \| [\d.]+ s \([\d.]+ %( ✗)?\) \| \d+ ms( ✗)? \(max \d+\) \| \d+ ms( ✗)? \(max \d+\) \| \d+ MB( ✗)? \|\n/);
    const report = JSON.parse(await readFile(json, 'utf8')) as BenchReport;
    const [result] = report.results;
    expect(report.results).toHaveLength(1);
    expect(result?.posts).toBe(200);
    for (const run of [result?.floor, result?.floorWrite, result?.cold, result?.noChange, result?.rebuild]) {
      expect(run?.wallMs).toBeGreaterThan(0);
      expect(run?.peakMb).toBeGreaterThan(0);
    }
    for (const share of [result?.ratio, result?.writeRatio, result?.noChangeShare, result?.rebuildShare]) expect(share).toBeGreaterThan(0);
    expect(result?.largestArchiveBytes).toBeGreaterThan(0);
    expect(result?.outputFiles).toBeGreaterThan(200);
    expect(result?.outputBytes).toBeGreaterThan(0);
    // Every save reloaded: 3 body saves and 2 title saves, each a positive time; the dev process's peak memory read.
    const dev = result?.dev;
    expect(dev?.missedReloads).toBe(0);
    expect(dev?.bodySavesMs).toHaveLength(3);
    expect(dev?.titleSavesMs).toHaveLength(2);
    for (const ms of [...dev?.bodySavesMs ?? [], ...dev?.titleSavesMs ?? [], dev?.bodyMedianMs, dev?.bodyMaxMs, dev?.titleMedianMs, dev?.titleMaxMs]) expect(ms).toBeGreaterThan(0);
    if (process.platform === 'linux') expect(dev?.peakMb).toBeGreaterThan(0); // VmHWM, from /proc
    expect(report.targets.devBodyMedianMs).toBe(300);
    await rm(out, { recursive: true, force: true });
  }, 120_000);
});
