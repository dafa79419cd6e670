// decodeDump: reads a dump through a window, hands each window to the selected backend and
// builds the tables. The window starts at `windowSize` bytes and grows (doubling, filled with
// real input only) just enough to hold one whole record.

import { DumpFormatError } from '../errors';
import { TableBuilder } from '../tables/builder';
import type { DumpTables, SalvageReport } from '../tables/dump-tables';
import type { BackendName, WindowResult } from './backend';
import { endOfInputError, recordTooLargeError, statusError } from './errors';
import { readHeader } from './header';
import { selectBackend, type BackendChoice } from './select';
import { openSource, type DumpSource } from './source';
import { DecodeStatus, STATE_LENGTH, StateIndex } from './status';
import { DumpWindow, MAX_WINDOW_SIZE } from './window';

export { MAX_WINDOW_SIZE };

export interface DecodeProgress {
  /** Input bytes read so far (compressed bytes for a gzip file). */
  bytesRead: number;
  /** Input size when known (a file), else null. */
  bytesTotal: number | null;
  /** Dump bytes decoded so far. */
  bytesDecoded: number;
  /** Bytes the object columns of the tables hold so far (TableBuilder.objectColumnBytes). */
  tableBytes: number;
}

export interface DecodeOptions {
  /** Which decoder runs; default GOHEAP_BACKEND, else auto (native, then wasm, then js). */
  backend?: BackendChoice;
  /** Initial window size in bytes (default 8 MiB, at least 64 bytes). */
  windowSize?: number;
  /** Keep the whole records before a broken or cut-off part instead of failing. */
  salvage?: boolean;
  /** Called after each window. */
  onProgress?: (progress: DecodeProgress) => void;
  /** Aborts the decode; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
}

export const DEFAULT_WINDOW_SIZE = 8 << 20;
export interface DecodeResult {
  tables: DumpTables;
  backend: BackendName;
  seconds: number;
}

export async function decodeDump(source: DumpSource, options: DecodeOptions = {}): Promise<DumpTables> {
  const backend = selectBackend(options.backend);
  const signal = options.signal;
  signal?.throwIfAborted();
  const input = await openSource(source);
  const decoder = backend.createDecoder();
  try {
    const window = await DumpWindow.open(input, options.windowSize ?? DEFAULT_WINDOW_SIZE);
    const header = readHeader(window.view());
    window.consume(header.length);
    const state = new Int32Array(STATE_LENGTH);
    state[StateIndex.HeaderVersion] = header.version;
    const tables = new TableBuilder(header.text, header.version);
    let salvage: SalvageReport | null = null;
    let firstWindow = true;

    for (;;) {
      signal?.throwIfAborted();
      const view = window.view();
      const viewOffset = window.viewOffset;
      const out = await decoder.decodeWindow(view, viewOffset, state);
      tables.append(out, view, viewOffset);
      window.consume(out.consumed);
      if (firstWindow && input.dumpBytes !== null) tables.reserveLike(window.viewOffset, input.dumpBytes);
      firstWindow = false;
      options.onProgress?.(progressOf(input.progress(), window.viewOffset, tables.objectColumnBytes));

      const status = out.status as DecodeStatus;
      if (status === DecodeStatus.Done) break;
      if (status === DecodeStatus.OutputFull) continue;
      // Otherwise the window ended (inside a record or between two): read more, unless the
      // input is over, the record cannot fit any window, or the dump is broken here.
      let failure: DumpFormatError | null = null;
      if (status >= DecodeStatus.BadTag) failure = statusError(out);
      else if (window.ended) failure = endOfInputError(out, window.readOffset);
      else if (!(await window.refill())) failure = recordTooLargeError(out, MAX_WINDOW_SIZE);
      if (failure === null) continue;
      // Salvage keeps whole records, but a dump cut before its Params record has none to keep.
      if (!options.salvage || !tables.hasParams) throw failure;
      salvage = {
        code: failure.code,
        offset: failure.offset,
        message: failure.message,
        keptBytes: window.viewOffset,
      };
      break;
    }
    return tables.finish(backend.name, window.viewOffset, salvage);
  } finally {
    decoder.close();
    await input.close();
  }
}

function progressOf(read: { done: number; total: number | null }, bytesDecoded: number,
                    tableBytes: number): DecodeProgress {
  return { bytesRead: read.done, bytesTotal: read.total, bytesDecoded, tableBytes };
}

/** Decodes and times it. */
export async function decodeTimed(source: DumpSource, options: DecodeOptions = {}): Promise<DecodeResult> {
  const started = process.hrtime.bigint();
  const tables = await decodeDump(source, options);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { tables, backend: tables.backend, seconds };
}

export type { WindowResult };
