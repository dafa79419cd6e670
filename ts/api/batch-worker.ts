// Worker thread entry of `goheap batch`: one dump, decoded and analysed here, one row back.

import { parentPort, workerData } from 'worker_threads';
import { reportOnDump, type BatchReportOptions } from './batch-report';
import { describeError } from './errors';

export interface BatchJob extends BatchReportOptions {
  path: string;
}

const port = parentPort!;
const job = workerData as BatchJob;

reportOnDump(job.path, job).then(
  (result) => port.postMessage({ type: 'result', result }),
  (error: unknown) => port.postMessage({ type: 'error', error: describeError(error) }),
);
