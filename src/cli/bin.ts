#!/usr/bin/env node
import { getEventListeners } from 'node:events';
import { main } from './cli.js';

// The only module that touches `process`. Ctrl+C ends long-running commands (`dev`) cleanly: they listen to the
// signal below. Any other command (a build) is ended at once, as a program without a handler is: a write under way
// is then left as a kill leaves it (the old output or the new, never a mix: see output/write.ts), and the next
// build cleans up.
const stop = new AbortController();
const interrupt = (name: NodeJS.Signals) => (): void => {
  if (getEventListeners(stop.signal, 'abort').length > 0) stop.abort();
  else {
    process.removeAllListeners(name);
    process.kill(process.pid, name);
  }
};
process.once('SIGINT', interrupt('SIGINT'));
process.once('SIGTERM', interrupt('SIGTERM'));

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
// whole of some commands (about 30 ms after a build with nothing to do, which takes 0.3 s). So end now, once stdout
// and stderr have handed all their text to the system: a pipe whose reader is slower than the build (a report of
// thousands of warnings, megabytes, read by CI or a bench) is written asynchronously, and an empty write's callback
// comes after every write before it.
process.exitCode = code;
const flushed = (stream: NodeJS.WriteStream): Promise<void> => new Promise((done) => {
  if (stream.writableLength === 0 || stream.destroyed) done();
  else stream.write('', () => done());
});
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit();
