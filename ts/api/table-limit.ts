// The memory cap of openDump (`maxTableBytes`): checked as the object columns grow, window by
// window, and once more on the finished tables.

import type { DecodeProgress } from '../decode/decode';
import type { DumpTables } from '../tables/dump-tables';
import { TableMemoryError } from './errors';
import { tableBytes } from './table-transfer';

/** Throws TableMemoryError when the columns decoded so far already pass the cap. */
export function checkTableBytes(progress: DecodeProgress, maxTableBytes: number): void {
  if (progress.tableBytes > maxTableBytes) {
    const { tableBytes, bytesDecoded, bytesRead, bytesTotal } = progress;
    throw new TableMemoryError({ maxTableBytes, tableBytes, bytesDecoded, bytesRead, bytesTotal });
  }
}

/** Throws TableMemoryError when the finished tables hold more than the cap. */
export function checkFinishedTables(tables: DumpTables, maxTableBytes: number): void {
  const bytes = tableBytes(tables);
  if (bytes > maxTableBytes) {
    const { dumpBytes } = tables;
    throw new TableMemoryError({ maxTableBytes, tableBytes: bytes, bytesDecoded: dumpBytes, bytesRead: dumpBytes, bytesTotal: null });
  }
}
