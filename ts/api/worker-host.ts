// Starting goheap's worker threads and talking to them. A worker entry is a module in this
// folder; from dist/ it is the compiled .js, from the TypeScript sources (jest) a small loader
// compiles the .ts files as the worker requires them, with the `typescript` package.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { abortError, errorFrom, type ErrorMessage } from './errors';

export type WorkerEntry = 'decode-worker' | 'dominator-worker' | 'batch-worker';

/** Workers started here that have not exited yet (tests check that aborts leave none). */
let liveWorkers = 0;

export function liveWorkerCount(): number {
  return liveWorkers;
}

// Compiled files are cached by path, size and mtime in the temp folder: every worker would
// otherwise compile the same modules again (about a second per worker).
const TS_LOADER = `
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const ts = require(process.env.GOHEAP_TS_COMPILER);
const cacheDir = process.env.GOHEAP_TS_CACHE;
require.extensions['.ts'] = (module, filename) => {
  const stat = fs.statSync(filename);
  const key = crypto.createHash('sha1').update(filename + ':' + stat.size + ':' + stat.mtimeMs + ':' + ts.version).digest('hex');
  const cached = path.join(cacheDir, key + '.js');
  let code;
  try {
    code = fs.readFileSync(cached, 'utf8');
  } catch {
    code = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      const temporary = cached + '.' + process.pid + '.' + require('worker_threads').threadId;
      fs.writeFileSync(temporary, code);
      fs.renameSync(temporary, cached);
    } catch {}
  }
  module._compile(code, filename);
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
      GOHEAP_TS_CACHE: path.join(os.tmpdir(), 'goheap-ts-workers'),
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
  /**
   * How an abort stops the worker (default: terminate it). A worker inside the native addon
   * must not be terminated (the addon aborts the process when its call outlives the thread);
   * such a worker is asked to stop and is waited for.
   */
  stop?: (worker: Worker) => void;
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
    const halt = () => {
      if (options.stop !== undefined) options.stop(worker);
      else void worker.terminate();
    };
    const onAbort = () => {
      if (outcome === null) outcome = { ok: false, error: abortError(signal) };
      halt();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (reply: WorkerReply<Result, Event>) => {
      if (outcome !== null) return;
      if (reply.type === 'event') {
        try {
          options.onEvent?.(reply.event, worker);
        } catch (error) {
          // The caller's handler failed (an onProgress that throws): stop and report that.
          outcome = { ok: false, error };
          halt();
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
