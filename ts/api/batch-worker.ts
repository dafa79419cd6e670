// Worker thread entry of `goheap batch`: one dump, decoded and analysed here, one row back.
// While the native decoder runs, the thread must not be terminated (see worker-host.ts), so an
// abort arrives as a message and stops the decode after its current window.

import { parentPort, workerData } from 'worker_threads';
import { selectBackend } from '../decode/select';
import { reportOnDump, type BatchReportOptions } from './batch-report';
import { describeError } from './errors';

export interface BatchJob extends BatchReportOptions {
  path: string;
}

/** Tells the main thread whether terminating this thread is safe right now. */
export interface BatchEvent {
  kind: 'phase';
  nativeRunning: boolean;
}

/** The main thread's request to stop. */
export interface BatchStopMessage {
  type: 'abort';
}

const port = parentPort!;
const job = workerData as BatchJob;
const stop = new AbortController();
const onMessage = (message: BatchStopMessage) => {
  if (message.type === 'abort') stop.abort();
};
port.on('message', onMessage);

function phase(nativeRunning: boolean): void {
  const event: BatchEvent = { kind: 'phase', nativeRunning };
  port.postMessage({ type: 'event', event });
}

async function run(): Promise<void> {
  try {
    phase(selectBackend(job.backend).name === 'native');
    const result = await reportOnDump(job.path, { ...job, signal: stop.signal, onDecoded: () => phase(false) });
    port.postMessage({ type: 'result', result });
  } catch (error) {
    port.postMessage({ type: 'error', error: describeError(error) });
  } finally {
    port.off('message', onMessage);
  }
}

void run();
