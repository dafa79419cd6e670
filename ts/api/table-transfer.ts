// Moving DumpTables between threads. The typed arrays travel by transfer (no copy); the string
// table, a class instance, travels as its two arrays and is rebuilt on arrival.

import type { DumpTables } from '../tables/dump-tables';
import { StringTable } from '../tables/strings';

/** DumpTables as a worker posts them: plain data, strings as their bytes and starts. */
export type PackedTables = Omit<DumpTables, 'strings'> & { strings: { bytes: Uint8Array; start: Uint32Array } };

/** Adds the buffer of every typed array under `value` to `buffers`. */
function collectBuffers(value: unknown, buffers: Set<ArrayBuffer>): void {
  if (ArrayBuffer.isView(value)) {
    // A view over shared memory, or over a wasm memory, is never moved; structured clone copies it.
    if (value.buffer instanceof ArrayBuffer) buffers.add(value.buffer);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const item of Object.values(value)) collectBuffers(item, buffers);
}

/**
 * The tables as a message and the buffers to transfer with it. After posting, the sender's
 * arrays are detached (empty): the tables belong to the receiver.
 */
export function packTables(tables: DumpTables): { packed: PackedTables; transfer: ArrayBuffer[] } {
  const packed: PackedTables = { ...tables, strings: { bytes: tables.strings.bytes, start: tables.strings.start } };
  const buffers = new Set<ArrayBuffer>();
  collectBuffers(packed, buffers);
  return { packed, transfer: [...buffers] };
}

export function unpackTables(packed: PackedTables): DumpTables {
  return { ...packed, strings: new StringTable(packed.strings.bytes, packed.strings.start) };
}

/** Bytes held by every typed array of the tables (a view's own bytes, not its whole buffer). */
export function tableBytes(tables: DumpTables): number {
  let total = 0;
  const add = (value: unknown): void => {
    if (ArrayBuffer.isView(value)) {
      total += value.byteLength;
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const item of Object.values(value)) add(item);
  };
  add({ ...tables, strings: { bytes: tables.strings.bytes, start: tables.strings.start } });
  return total;
}
