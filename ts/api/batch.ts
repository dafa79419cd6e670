// Many dumps at once: each in its own worker thread, at most `jobs` at a time. A dump that
// cannot be read gives a failure row and the others go on. Rows are handed over in the order
// of the paths, each as soon as it and those before it are done.

import { availableParallelism } from 'os';
import type { BackendChoice } from '../decode/select';
import type { BatchDumpFailure, BatchRow } from './batch-report';
import type { BatchEvent, BatchJob, BatchStopMessage } from './batch-worker';
import { abortError, describeError } from './errors';
import { runInWorker } from './worker-host';

export interface BatchOptions {
  /** Dumps processed at the same time (default: the number of CPUs, at most the number of dumps). */
  jobs?: number;
  /** Default: GOHEAP_BACKEND, else auto. */
  backend?: BackendChoice;
  salvage?: boolean;
  /** Retainers per dump (default 3). */
  limit?: number;
  /** Stops starting dumps and terminates the running ones; the promise rejects with AbortError. */
  signal?: AbortSignal;
  /** Each row, in path order. */
  onRow?: (row: BatchRow, index: number) => void;
}

export function defaultJobs(dumpCount: number): number {
  return Math.max(1, Math.min(availableParallelism(), dumpCount));
}

export async function runBatch(paths: readonly string[], options: BatchOptions = {}): Promise<BatchRow[]> {
  const { signal } = options;
  if (signal?.aborted) throw abortError(signal);
  const jobs = options.jobs ?? defaultJobs(paths.length);
  if (!Number.isInteger(jobs) || jobs < 1) throw new TypeError(`runBatch: jobs must be a positive whole number, not ${jobs}`);
  const rows: (BatchRow | undefined)[] = new Array(paths.length);
  let delivered = 0;
  let next = 0;

  const deliver = () => {
    while (delivered < paths.length && rows[delivered] !== undefined) {
      options.onRow?.(rows[delivered]!, delivered);
      delivered++;
    }
  };

  const one = async (index: number): Promise<void> => {
    const path = paths[index];
    const started = process.hrtime.bigint();
    const job: BatchJob = { path, backend: options.backend, salvage: options.salvage, limit: options.limit };
    // Until the worker says otherwise, assume the native decoder may be running in it.
    let nativeRunning = true;
    try {
      rows[index] = await runInWorker<BatchRow, BatchEvent>('batch-worker', job, {
        signal,
        onEvent: (event) => {
          nativeRunning = event.nativeRunning;
        },
        stop: (worker) => {
          if (nativeRunning) worker.postMessage({ type: 'abort' } satisfies BatchStopMessage);
          else void worker.terminate();
        },
      });
    } catch (error) {
      if (signal?.aborted) throw abortError(signal);
      const failure: BatchDumpFailure = {
        path, ok: false, error: describeError(error), seconds: Number(process.hrtime.bigint() - started) / 1e9,
      };
      rows[index] = failure;
    }
    deliver();
  };

  const lane = async (): Promise<void> => {
    while (next < paths.length) {
      if (signal?.aborted) throw abortError(signal);
      await one(next++);
    }
  };
  // Every lane settles (its worker has exited) before an abort rejects.
  const lanes = await Promise.allSettled(Array.from({ length: Math.min(jobs, paths.length) }, lane));
  const stopped = lanes.find((result) => result.status === 'rejected');
  if (stopped !== undefined) throw (stopped as PromiseRejectedResult).reason;
  return rows as BatchRow[];
}
