import { parentPort, workerData } from 'node:worker_threads';
import type { ResolvedConfig } from '../config/config.js';
import { StageError } from '../common/errors.js';
import { processRaw } from '../post/stage.js';
import type { BatchReply, BatchRequest } from './render-pool.js';

// A worker thread of the render pool: runs the pure per-post stage on the batches it is sent.
const config = workerData as ResolvedConfig;
const port = parentPort;
if (port === null) throw new Error('render-worker.js runs as a worker thread of feedwright');
port.on('message', (request: BatchRequest) => {
  let reply: BatchReply;
  let current = '';
  try {
    reply = { id: request.id, results: request.files.map((raw) => ((current = raw.path), processRaw(raw, config, request.hash))) };
  } catch (error) {
    // A bug, not the input's fault: send back where it happened; the pool rethrows it as a StageError.
    const staged = error instanceof StageError;
    const cause = staged ? error.cause : error;
    reply = {
      id: request.id,
      failure: {
        stage: staged ? error.stage : 'rendering', file: (staged ? error.file : undefined) ?? current,
        message: cause instanceof Error ? cause.message : String(cause), stack: cause instanceof Error ? cause.stack ?? '' : '',
      },
    };
  }
  port.postMessage(reply);
});
