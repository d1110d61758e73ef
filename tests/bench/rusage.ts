import { writeFileSync } from 'node:fs';

// Preloaded into a measured process (`node --import`): on exit, record its CPU time and peak memory (all threads).
const file = process.env.FEEDWRIGHT_BENCH_RUSAGE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRssKb: usage.maxRSS, userUs: usage.userCPUTime, systemUs: usage.systemCPUTime }));
  });
}
