// Starting goheap's worker threads and talking to them. A worker entry is a module in this
// folder; from dist/ it is the compiled .js, from the TypeScript sources (jest) a small loader
// compiles the .ts files as the worker requires them, with the `typescript` package.

import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { abortError, errorFrom, type ErrorMessage } from './errors';

export type WorkerEntry = 'decode-worker' | 'dominator-worker' | 'batch-worker';

/** Workers started here that have not exited yet (tests check that aborts leave none). */
let liveWorkers = 0;

export function liveWorkerCount(): number {
  return liveWorkers;
}

const TS_LOADER = `
const fs = require('fs');
const ts = require(process.env.GOHEAP_TS_COMPILER);
require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const output = ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  module._compile(output.outputText, filename);
};
require(process.env.GOHEAP_WORKER_ENTRY);
`;

export function startWorker(entry: WorkerEntry, workerData: unknown): Worker {
  const compiled = path.join(__dirname, `${entry}.js`);
  let worker: Worker;
  if (fs.existsSync(compiled)) {
    worker = new Worker(compiled, { workerData });
  } else {
    const env = {
      ...process.env,
      GOHEAP_TS_COMPILER: require.resolve('typescript'),
      GOHEAP_WORKER_ENTRY: path.join(__dirname, `${entry}.ts`),
    };
    worker = new Worker(TS_LOADER, { eval: true, workerData, env });
  }
  liveWorkers++;
  worker.once('exit', () => {
    liveWorkers--;
  });
  return worker;
}

/** Messages every worker entry posts: progress-like events, then one result or one error. */
export type WorkerReply<Result, Event> =
  | { type: 'event'; event: Event }
  | { type: 'result'; result: Result }
  | { type: 'error'; error: ErrorMessage };

export interface RunOptions<Event> {
  signal?: AbortSignal;
  onEvent?: (event: Event, worker: Worker) => void;
  /** Called once the worker is running, e.g. to feed it input. */
  onStart?: (worker: Worker) => void;
}

/**
 * Runs one job in a fresh worker and resolves to its result. Aborting terminates the worker
 * and rejects with an AbortError once it has exited; so does a worker that dies.
 */
export function runInWorker<Result, Event = never>(entry: WorkerEntry, workerData: unknown,
                                                   options: RunOptions<Event> = {}): Promise<Result> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise<Result>((resolve, reject) => {
    const worker = startWorker(entry, workerData);
    let outcome: { ok: true; result: Result } | { ok: false; error: unknown } | null = null;
    const onAbort = () => {
      if (outcome === null) outcome = { ok: false, error: abortError(signal) };
      void worker.terminate();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (reply: WorkerReply<Result, Event>) => {
      if (outcome !== null) return;
      if (reply.type === 'event') {
        try {
          options.onEvent?.(reply.event, worker);
        } catch (error) {
          outcome = { ok: false, error };
          void worker.terminate();
        }
      } else if (reply.type === 'result') {
        outcome = { ok: true, result: reply.result };
      } else {
        outcome = { ok: false, error: errorFrom(reply.error) };
      }
    });
    worker.on('error', (error) => {
      if (outcome === null) outcome = { ok: false, error };
    });
    // Settle on exit only, so that a rejection means the worker is gone.
    worker.once('exit', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (outcome === null) outcome = { ok: false, error: new Error(`goheap: the ${entry} thread stopped (exit code ${code})`) };
      if (outcome.ok) resolve(outcome.result);
      else reject(outcome.error);
    });
    options.onStart?.(worker);
  });
}
