// Reading the window: the cursor, uvarints, blobs and pointer-sized words. Positions are
// linear-memory addresses inside [windowStart, windowEnd); a problem sets `stopStatus` and
// `stopAt` (the address errorOffset will name) and the caller returns at once.

import { windowStart } from './layout';
import {
  LENGTH_TOO_LARGE, MAX_BLOB_LENGTH, NEED_MORE, NEED_MORE_BLOB, VARINT_OVERFLOW,
} from './status';

/** Next byte to read. */
export let cursor: usize = 0;
/** One past the window's last dump byte. */
export let windowEnd: usize = 0;
/** File offset of the window's first byte (< 2^53). */
export let windowOffset: u64 = 0;
/** 0 while the record decodes, else the status that stops it. */
export let stopStatus: i32 = 0;
/** Address the stop status points at (errorOffset). */
export let stopAt: usize = 0;

/** Pointer size and byte order from Params (the decoder state). */
export let ptrSize: u32 = 8;
export let bigEndian: bool = false;

/** The last pointer-sized word read by `readWord`, as 32-bit halves (hi = 0 for 4-byte words). */
export let wordLo: u32 = 0;
export let wordHi: u32 = 0;

/** Start address and length of the last blob read by `readBlob`. */
export let blobStart: usize = 0;
export let blobLength: u32 = 0;

/** Sets the window for one call: `length` bytes at windowStart, file offset `offset`. */
export function beginWindow(length: u32, offset: u64): void {
  cursor = windowStart;
  windowEnd = windowStart + <usize>length;
  windowOffset = offset;
  stopStatus = 0;
  stopAt = 0;
}

/** Moves the cursor to `at` (inside the window, checked by the caller). */
// @ts-ignore: decorator
@inline export function setCursor(at: usize): void {
  cursor = at;
}

/** Sets the pointer size (4 or 8) and byte order Params gave. */
export function setPointerFormat(size: u32, isBigEndian: bool): void {
  ptrSize = size;
  bigEndian = isBigEndian;
}

/** Stops the record with `status` pointing at `at`. */
export function stop(status: i32, at: usize): void {
  stopStatus = status;
  stopAt = at;
}

/** File offset of window address `at`. */
// @ts-ignore: decorator
@inline export function fileOffset(at: usize): u64 {
  return windowOffset + <u64>(at - windowStart);
}

/**
 * Reads the uvarint at the cursor as Go's binary.Uvarint does (bytes 0–8 carry 7 bits each,
 * the 10th must be 0 or 1). On success the cursor is one past it; otherwise stopStatus is
 * NEED_MORE or VARINT_OVERFLOW at its first byte and the result is 0.
 */
// @ts-ignore: decorator
@inline export function readUvarint(): u64 {
  let at = cursor;
  // One-byte values (tags, kinds, small offsets and lengths) are the common case.
  if (at < windowEnd) {
    let first = load<u8>(at);
    if (first < 0x80) {
      cursor = at + 1;
      return <u64>first;
    }
  }
  return readLongUvarint(at);
}

/** `readUvarint` for values of two bytes or more, or at the window's end. */
function readLongUvarint(at: usize): u64 {
  if (windowEnd - at >= 10) {
    // Ten bytes are there: no end checks.
    let value: u64 = <u64>(load<u8>(at) & 0x7f);
    let b = <u64>load<u8>(at, 1);
    value |= (b & 0x7f) << 7;
    if (b < 0x80) { cursor = at + 2; return value; }
    b = <u64>load<u8>(at, 2);
    value |= (b & 0x7f) << 14;
    if (b < 0x80) { cursor = at + 3; return value; }
    b = <u64>load<u8>(at, 3);
    value |= (b & 0x7f) << 21;
    if (b < 0x80) { cursor = at + 4; return value; }
    b = <u64>load<u8>(at, 4);
    value |= (b & 0x7f) << 28;
    if (b < 0x80) { cursor = at + 5; return value; }
    b = <u64>load<u8>(at, 5);
    value |= (b & 0x7f) << 35;
    if (b < 0x80) { cursor = at + 6; return value; }
    b = <u64>load<u8>(at, 6);
    value |= (b & 0x7f) << 42;
    if (b < 0x80) { cursor = at + 7; return value; }
    b = <u64>load<u8>(at, 7);
    value |= (b & 0x7f) << 49;
    if (b < 0x80) { cursor = at + 8; return value; }
    b = <u64>load<u8>(at, 8);
    value |= (b & 0x7f) << 56;
    if (b < 0x80) { cursor = at + 9; return value; }
    b = <u64>load<u8>(at, 9);
    if (b > 1) { stop(VARINT_OVERFLOW, at); return 0; }
    cursor = at + 10;
    return value | (b << 63);
  }
  // Fewer than ten bytes left: every byte is checked against the end.
  let value: u64 = 0;
  let shift: u64 = 0;
  let p = at;
  while (p < windowEnd) {
    let b = <u64>load<u8>(p);
    value |= (b & 0x7f) << shift;
    p++;
    if (b < 0x80) { cursor = p; return value; }
    shift += 7;
  }
  stop(NEED_MORE, at);
  return 0;
}

/**
 * Reads a string or blob: its length uvarint, then skips its bytes. Sets blobStart and
 * blobLength; on a problem stopStatus names the length varint.
 */
export function readBlob(): void {
  let lengthAt = cursor;
  let length = readUvarint();
  if (stopStatus) return;
  if (length >= MAX_BLOB_LENGTH) { stop(LENGTH_TOO_LARGE, lengthAt); return; }
  let start = cursor;
  if (<u64>(windowEnd - start) < length) { stop(NEED_MORE_BLOB, lengthAt); return; }
  blobStart = start;
  blobLength = <u32>length;
  cursor = start + <usize>length;
}

/** Reads the pointer-sized word at address `at` (in the window) into wordLo / wordHi. */
// @ts-ignore: decorator
@inline export function readWord(at: usize): void {
  if (ptrSize == 8) {
    let word = load<u64>(at);
    if (bigEndian) word = bswap<u64>(word);
    wordLo = <u32>word;
    wordHi = <u32>(word >> 32);
  } else {
    let word = load<u32>(at);
    wordLo = bigEndian ? bswap<u32>(word) : word;
    wordHi = 0;
  }
}
