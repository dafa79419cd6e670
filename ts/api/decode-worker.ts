// Worker thread entry: decodes one dump with decodeDump and posts the tables back, their
// buffers transferred. The input is a path (opened here), bytes (copied in by the post) or a
// stream the main thread forwards chunk by chunk when this side asks for more. Every backend
// runs here, so building the tables (copying columns, sorting objects by address) never holds
// the main thread either.

import { Readable } from 'stream';
import { parentPort, workerData } from 'worker_threads';
import { decodeDump, type DecodeProgress } from '../decode/decode';
import type { BackendChoice } from '../decode/select';
import { describeError } from './errors';
import { checkTableBytes } from './table-limit';
import { packTables } from './table-transfer';

export type DecodeInput = { kind: 'path'; path: string } | { kind: 'bytes'; bytes: Uint8Array } | { kind: 'stream' };

export interface DecodeJob {
  input: DecodeInput;
  backend: BackendChoice;
  windowSize?: number;
  salvage?: boolean;
  maxTableBytes?: number;
}

/** Events this worker posts besides its result. */
export type DecodeEvent = { kind: 'progress'; progress: DecodeProgress } | { kind: 'pull' };

/** Messages the main thread sends a worker reading a stream. */
export type StreamMessage = { type: 'chunk'; bytes: Uint8Array } | { type: 'end' } | { type: 'error'; message: string };

/**
 * The main thread's request to stop, for a worker inside the native decoder (which must not be
 * terminated, see worker-host.ts): the decode stops after its current window.
 */
export interface StopMessage {
  type: 'abort';
}

const port = parentPort!;
const job = workerData as DecodeJob;
const stop = new AbortController();

function post(message: unknown, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

/** A stream fed by the main thread, one chunk per read() (each read asks once). */
function streamFromMainThread(): { stream: Readable; take: (message: StreamMessage) => void } {
  const stream = new Readable({
    read() {
      post({ type: 'event', event: { kind: 'pull' } });
    },
  });
  let ended = false;
  const take = (message: StreamMessage) => {
    // Answers to asks made just before the end may still arrive.
    if (ended || stream.destroyed) return;
    ended = message.type !== 'chunk';
    if (message.type === 'chunk') stream.push(message.bytes);
    else if (message.type === 'end') stream.push(null);
    else stream.destroy(new Error(message.message));
  };
  return { stream, take };
}

async function run(): Promise<void> {
  const { input } = job;
  const fed = input.kind === 'stream' ? streamFromMainThread() : null;
  const onMessage = (message: StreamMessage | StopMessage) => {
    if (message.type === 'abort') stop.abort();
    else fed?.take(message);
  };
  port.on('message', onMessage);
  const source = input.kind === 'path' ? input.path : input.kind === 'bytes' ? input.bytes : fed!.stream;
  try {
    const tables = await decodeDump(source, {
      backend: job.backend,
      windowSize: job.windowSize,
      salvage: job.salvage,
      signal: stop.signal,
      onProgress: (progress) => {
        if (job.maxTableBytes !== undefined) checkTableBytes(progress, job.maxTableBytes);
        post({ type: 'event', event: { kind: 'progress', progress } });
      },
    });
    const { packed, transfer } = packTables(tables);
    post({ type: 'result', result: packed }, transfer);
  } catch (error) {
    post({ type: 'error', error: describeError(error) });
  } finally {
    // Stops listening to the main thread, so the thread can end.
    port.off('message', onMessage);
    fed?.stream.destroy();
  }
}

void run();
