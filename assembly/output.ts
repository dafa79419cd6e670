// Appending to the output columns laid out in layout.ts. Callers make room first
// (`streamRoom`, `objectRoom`, `fieldRoom`); the appends themselves never check.
// When a column is full the record stops with OUTPUT_FULL and `fullGroup` / `fullNeeded`
// say which group ran out and how many of its rows the record needed so far.

import {
  GROUP_FIELDS, GROUP_OBJECTS, GROUP_STREAM, fieldCapacity, fieldOffsetStart, fieldValueHiStart,
  fieldValueLoStart, objectAddressHiStart, objectAddressLoStart, objectCapacity,
  objectContentOffsetStart, objectFieldCountStart, objectFirstWordHiStart,
  objectFirstWordLoStart, objectSizeStart, streamLimit, streamStart,
} from './layout';
import { stop } from './reader';
import { OUTPUT_FULL } from './status';

/** Address of the next stream word. */
export let streamCursor: usize = 0;
export let objectCount: u32 = 0;
export let fieldCount: u32 = 0;
export let fullGroup: i32 = 0;
export let fullNeeded: u32 = 0;

/** Empties every column (start of a call, or after the columns were laid out again). */
export function resetOutput(): void {
  streamCursor = streamStart;
  objectCount = 0;
  fieldCount = 0;
  fullGroup = 0;
  fullNeeded = 0;
}

/** Sets the pointer-word row count after a caller appended rows itself (see records.ts). */
// @ts-ignore: decorator
@inline export function setFieldCount(count: u32): void {
  fieldCount = count;
}

/** Takes back everything appended since the counts were `objects`, `fields`, `streamAt`. */
// @ts-ignore: decorator
@inline export function rollBack(objects: u32, fields: u32, streamAt: usize): void {
  objectCount = objects;
  fieldCount = fields;
  streamCursor = streamAt;
}

/** Words in the stream so far. */
// @ts-ignore: decorator
@inline export function streamLength(): u32 {
  return <u32>((streamCursor - streamStart) >> alignof<u32>());
}

function full(group: i32, needed: u32): void {
  fullGroup = group;
  fullNeeded = needed;
  stop(OUTPUT_FULL, 0);
}

/** True when `words` more stream words fit; otherwise stops the record with OUTPUT_FULL. */
// @ts-ignore: decorator
@inline export function streamRoom(words: u32): bool {
  if (<usize>(streamLimit - streamCursor) >= (<usize>words << alignof<u32>())) return true;
  full(GROUP_STREAM, streamLength() + words);
  return false;
}

/** True when one more object row fits; otherwise stops the record with OUTPUT_FULL. */
// @ts-ignore: decorator
@inline export function objectRoom(): bool {
  if (objectCount < objectCapacity) return true;
  full(GROUP_OBJECTS, objectCount + 1);
  return false;
}

/** True when one more pointer-word row fits; otherwise stops the record with OUTPUT_FULL. */
// @ts-ignore: decorator
@inline export function fieldRoom(): bool {
  if (fieldCount < fieldCapacity) return true;
  full(GROUP_FIELDS, fieldCount + 1);
  return false;
}

// @ts-ignore: decorator
@inline export function emitWord(word: u32): void {
  store<u32>(streamCursor, word);
  streamCursor += sizeof<u32>();
}

/** A 64-bit value as two stream words, low then high (wasm stores little-endian). */
// @ts-ignore: decorator
@inline export function emitU64(value: u64): void {
  store<u64>(streamCursor, value);
  streamCursor += sizeof<u64>();
}

/** An absent string: offset 0, length 0. */
// @ts-ignore: decorator
@inline export function emitAbsentString(): void {
  store<u32>(streamCursor, 0);
  store<u64>(streamCursor, 0, sizeof<u32>());
  streamCursor += 3 * sizeof<u32>();
}

/** One pointer word: (offset, valueLo, valueHi) in the field columns. */
// @ts-ignore: decorator
@inline export function appendField(offset: u32, valueLo: u32, valueHi: u32): void {
  let at = <usize>fieldCount << alignof<u32>();
  store<u32>(fieldOffsetStart + at, offset);
  store<u32>(fieldValueLoStart + at, valueLo);
  store<u32>(fieldValueHiStart + at, valueHi);
  fieldCount++;
}

/** One object row. */
// @ts-ignore: decorator
@inline export function appendObject(
  address: u64, size: u32, contentOffset: f64, firstWordLo: u32, firstWordHi: u32, fields: u32,
): void {
  let row = <usize>objectCount;
  let at = row << alignof<u32>();
  store<u32>(objectAddressLoStart + at, <u32>address);
  store<u32>(objectAddressHiStart + at, <u32>(address >> 32));
  store<u32>(objectSizeStart + at, size);
  store<f64>(objectContentOffsetStart + (row << alignof<f64>()), contentOffset);
  store<u32>(objectFirstWordLoStart + at, firstWordLo);
  store<u32>(objectFirstWordHiStart + at, firstWordHi);
  store<u32>(objectFieldCountStart + at, fields);
  objectCount++;
}
