// Compares two DumpTables column by column and says where the first difference is.

import type { DumpTables } from '../../ts/tables/dump-tables';
import { DumpFormatError } from '../../ts/errors';

type Outcome = { tables: DumpTables } | { error: DumpFormatError };

function isTyped(value: unknown): value is ArrayBufferView {
  return ArrayBuffer.isView(value);
}

function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.constructor !== b.constructor || a.byteLength !== b.byteLength) return false;
  return Buffer.compare(
    Buffer.from(a.buffer, a.byteOffset, a.byteLength),
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  ) === 0;
}

/** The path of the first difference between two table trees, or null when equal. */
export function firstDifference(a: unknown, b: unknown, path = 'tables'): string | null {
  if (isTyped(a) || isTyped(b)) {
    if (!isTyped(a) || !isTyped(b) || !sameBytes(a, b)) return path;
    return null;
  }
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    return Object.is(a, b) ? null : `${path} (${String(a)} vs ${String(b)})`;
  }
  if (path === 'tables.strings') {
    const sa = a as DumpTables['strings'];
    const sb = b as DumpTables['strings'];
    if (!sameBytes(sa.bytes, sb.bytes) || !sameBytes(sa.start, sb.start)) return path;
    return null;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    if (path === 'tables' && key === 'backend') continue;
    const diff = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
    if (diff !== null) return diff;
  }
  return null;
}

/** The same for decode outcomes: equal tables, or errors with equal code, offsets and record. */
export function outcomeDifference(a: Outcome, b: Outcome): string | null {
  if ('error' in a || 'error' in b) {
    if (!('error' in a) || !('error' in b)) {
      return `one decode failed: ${'error' in a ? a.error.message : (b as { error: Error }).error.message}`;
    }
    const ea = a.error;
    const eb = b.error;
    if (ea.code !== eb.code || ea.offset !== eb.offset || ea.record !== eb.record || ea.recordOffset !== eb.recordOffset) {
      return `errors differ: ${ea.message} / ${eb.message}`;
    }
    return null;
  }
  return firstDifference(a.tables, b.tables);
}

export async function outcomeOf(run: () => Promise<DumpTables>): Promise<Outcome> {
  try {
    return { tables: await run() };
  } catch (error) {
    if (error instanceof DumpFormatError) return { error };
    throw error;
  }
}
