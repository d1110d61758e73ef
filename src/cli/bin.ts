#!/usr/bin/env node
import { main } from './cli.js';

// The only module that touches `process`. Ctrl+C ends long-running commands (`dev`) cleanly.
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.once('SIGTERM', () => stop.abort());

const code = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrBytes: (bytes) => process.stderr.write(bytes),
  now: () => Date.now(),
  isTTY: process.stderr.isTTY === true,
  signal: stop.signal,
});

// `main` returns once all it started is done: what is left is Node tearing down the heap, which costs more than the
// whole of some commands (about 30 ms after a build with nothing to do, which takes 0.3 s). So end now, unless
// stdout or stderr still holds text not yet handed to the system (a pipe is written asynchronously on some systems).
process.exitCode = code;
if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit();
