// The errors the embedding API adds, and how errors cross a worker boundary: a worker posts a
// plain description, the main side builds the same class again so `instanceof` keeps working.

import { BackendUnavailableError, DumpFormatError, type DumpErrorCode } from '../errors';
import type { RecordName } from '../decode/status';

/** Where a decode stood when the memory cap was passed. */
export interface TableMemoryUse {
  /** The cap that was given (`maxTableBytes`). */
  maxTableBytes: number;
  /** Bytes the tables held when the cap was passed. */
  tableBytes: number;
  /** Dump bytes decoded by then (after decompression). */
  bytesDecoded: number;
  /** Input bytes read by then and in all (compressed bytes for gzip); total null when unknown. */
  bytesRead: number;
  bytesTotal: number | null;
}

/** The tables of a dump would need more memory than `maxTableBytes` allows. */
export class TableMemoryError extends Error {
  override readonly name = 'TableMemoryError';
  readonly code = 'TABLE_MEMORY_LIMIT';

  constructor(readonly use: TableMemoryUse) {
    const input = use.bytesTotal === null ? '' : ` (input read: ${use.bytesRead} of ${use.bytesTotal} bytes)`;
    super(`the tables of this dump need more than maxTableBytes = ${use.maxTableBytes} bytes: they held `
      + `${use.tableBytes} bytes after decoding ${use.bytesDecoded} dump bytes${input}; raise maxTableBytes `
      + 'or open the dump where more memory is free');
  }
}

/** What Node's own APIs reject with when a signal aborts them. */
export function abortError(signal?: AbortSignal): DOMException {
  const error = new DOMException('The operation was aborted', 'AbortError');
  if (signal?.reason !== undefined) Object.defineProperty(error, 'cause', { value: signal.reason, configurable: true });
  return error;
}

/** An error as a worker posts it (structured clone keeps no class). */
export type ErrorMessage =
  | { kind: 'DumpFormatError'; code: DumpErrorCode; offset: number; record: RecordName | null; recordOffset: number; message: string }
  | { kind: 'TableMemoryError'; use: TableMemoryUse }
  | { kind: 'BackendUnavailableError'; message: string }
  | { kind: 'Error'; name: string; message: string; code: string | undefined; stack: string | undefined };

export function describeError(error: unknown): ErrorMessage {
  if (error instanceof DumpFormatError) {
    const { code, offset, record, recordOffset, message } = error;
    return { kind: 'DumpFormatError', code, offset, record, recordOffset, message };
  }
  if (error instanceof TableMemoryError) {
    return { kind: 'TableMemoryError', use: error.use };
  }
  if (error instanceof BackendUnavailableError) return { kind: 'BackendUnavailableError', message: error.message };
  const e = error instanceof Error ? error : new Error(String(error));
  return { kind: 'Error', name: e.name, message: e.message, code: (e as NodeJS.ErrnoException).code, stack: e.stack };
}

export function errorFrom(description: ErrorMessage): Error {
  switch (description.kind) {
    case 'DumpFormatError':
      return new DumpFormatError(description.code, description.offset, description.record, description.recordOffset,
        description.message);
    case 'TableMemoryError':
      return new TableMemoryError(description.use);
    case 'BackendUnavailableError':
      return new BackendUnavailableError(description.message);
    case 'Error': {
      const error = new Error(description.message);
      error.name = description.name;
      if (description.code !== undefined) (error as NodeJS.ErrnoException).code = description.code;
      if (description.stack !== undefined) error.stack = description.stack;
      return error;
    }
  }
}
