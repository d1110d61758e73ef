#!/usr/bin/env node
import { main } from './cli.js';

// The only module that touches `process`. Ctrl+C ends long-running commands (`dev`) cleanly.
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.once('SIGTERM', () => stop.abort());

process.exitCode = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrBytes: (bytes) => process.stderr.write(bytes),
  now: () => Date.now(),
  isTTY: process.stderr.isTTY === true,
  signal: stop.signal,
});

