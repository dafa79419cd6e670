// One function per record kind, in tag order and named as in native/core/decoder.cc, each
// reading the record's body as docs/decoder-abi.md ("Record grammar per header version") says
// and appending it to the outputs ("Outputs"). The tag has been read and checked; for stream
// records the header [tag, offsetLo, offsetHi] is written and the fixed part of the body has
// room. Every function returns as soon as stopStatus is set; index.ts takes the record back.

import {
  fieldCapacity, fieldOffsetStart, fieldValueHiStart, fieldValueLoStart, stateStart,
} from './layout';
import {
  appendField, appendObject, emitAbsentString, emitU64, emitWord, fieldCount, fieldRoom,
  objectRoom, setFieldCount, streamCursor, streamRoom,
} from './output';
import {
  bigEndian, blobLength, blobStart, cursor, fileOffset, ptrSize, readBlob, readUvarint, readWord,
  setCursor, setPointerFormat, stop, stopStatus, windowEnd, wordHi, wordLo,
} from './reader';
import {
  BAD_FIELD_KIND, BAD_PTR_SIZE, BAD_TYPE_NAME, FIELD_OUT_OF_BOUNDS, HCHAN_SIZE_LIMIT,
  LENGTH_TOO_LARGE, MAX_BLOB_LENGTH, MEMSTATS_FIELD_COUNT, NEED_MORE_BLOB, QUIRK_NAME_LIMIT,
  STATE_BIG_ENDIAN, STATE_PARAMS_SEEN, STATE_PTR_SIZE, STATE_TYPE_FIELDS, THECHAR_MIN,
} from './status';

/** Header version (13–17) and Params-derived state of the current call. */
export let headerVersion: i32 = 0;
export let paramsSeen: bool = false;
export let typeFields: bool = false;

/** Sets the header version and Params state at the start of a call (from the decoder state). */
export function setHeaderState(version: i32, seen: bool, withTypeFields: bool): void {
  headerVersion = version;
  paramsSeen = seen;
  typeFields = withTypeFields;
}

// Who owns a pointer-word list: frames drop words past their contents, the others fail.
// @ts-ignore: decorator
@inline const OWNER_OBJECT: i32 = 0;
// @ts-ignore: decorator
@inline const OWNER_SEGMENT: i32 = 1;
// @ts-ignore: decorator
@inline const OWNER_FRAME: i32 = 2;

/** Stream words of one pointer word in a `P` list: offset, valueLo, valueHi. */
// @ts-ignore: decorator
@inline const POINTER_WORD_WORDS: u32 = 3;
/** Stream words of one go1.3 type field: kind word, offset lo, offset hi. */
// @ts-ignore: decorator
@inline const TYPE_FIELD_WORDS: u32 = 3;
/** Stream words of one MemProf frame: function (3), file (3), line (2). */
// @ts-ignore: decorator
@inline const MEMPROF_FRAME_WORDS: u32 = 8;
/** Stream words after the MemProf frames: allocs, frees. */
// @ts-ignore: decorator
@inline const MEMPROF_TAIL_WORDS: u32 = 4;

// ---- body primitives: read one value and append it to the stream ----

/** `u`: a uvarint as two words. */
// @ts-ignore: decorator
@inline function u(): bool {
  let value = readUvarint();
  if (stopStatus) return false;
  emitU64(value);
  return true;
}

/** `b`: a bool as one word, 0 or 1. */
// @ts-ignore: decorator
@inline function b(): bool {
  let value = readUvarint();
  if (stopStatus) return false;
  emitWord(value != 0 ? 1 : 0);
  return true;
}

/** `s`: a string or blob as (offsetLo, offsetHi, length); blobStart/blobLength name it. */
// @ts-ignore: decorator
@inline function s(): bool {
  readBlob();
  if (stopStatus) return false;
  emitU64(fileOffset(blobStart));
  emitWord(blobLength);
  return true;
}

/** How many pointer words a field of `kind` has (0: the kind is not defined). */
// @ts-ignore: decorator
@inline function pointerWordsOfKind(kind: u64): u32 {
  if (headerVersion == 13) {
    if (kind >= 1 && kind <= 3) return 1; // Ptr, String (data word), Slice (data word)
    if (kind == 4 || kind == 5) return 2; // Iface, Eface
    return 0;
  }
  if (kind == 1) return 1; // Ptr
  if (kind == 2 || kind == 3) return 2; // Iface, Eface
  return 0;
}

/**
 * Reads a field list `(u kind, u offset)* 0` describing the blob at `start` of `length` bytes
 * and appends each pointer word: to the field columns for an object, else to the stream.
 * Returns the number of words appended.
 */
function decodeFieldList(start: usize, length: u32, owner: i32): u32 {
  let size = ptrSize;
  let appended: u32 = 0;
  while (true) {
    let kindAt = cursor;
    let kind = readUvarint();
    if (stopStatus) return 0;
    if (kind == 0) return appended;
    let words = pointerWordsOfKind(kind);
    if (words == 0) { stop(BAD_FIELD_KIND, kindAt); return 0; }
    let offsetAt = cursor;
    let offset = readUvarint();
    if (stopStatus) return 0;
    for (let word: u32 = 0; word < words; word++) {
      // In bounds when offset + (word + 1) · size <= length, computed without overflow.
      let wordEnd = <u64>(word + 1) * <u64>size;
      if (wordEnd > <u64>length || offset > <u64>length - wordEnd) {
        if (owner == OWNER_FRAME) continue;
        stop(FIELD_OUT_OF_BOUNDS, offsetAt);
        return 0;
      }
      let wordOffset = <u32>offset + word * size;
      readWord(start + <usize>wordOffset);
      if (owner == OWNER_OBJECT) {
        if (!fieldRoom()) return 0;
        appendField(wordOffset, wordLo, wordHi);
      } else {
        if (!streamRoom(POINTER_WORD_WORDS)) return 0;
        emitWord(wordOffset);
        emitWord(wordLo);
        emitWord(wordHi);
      }
      appended++;
    }
  }
  return appended;
}

/**
 * `decodeFieldList` for an object's field list in the common case: 8-byte little-endian
 * words, headerVersion 14–17, one-byte kinds and offsets below 2^14, in bounds, with room.
 * Keeps the cursor and the field columns in locals; at the first entry that is anything else
 * it hands over to `decodeFieldList` at that entry, which then decides (errors included).
 */
function decodeObjectFieldList64(start: usize, length: u32): u32 {
  let at = cursor;
  let end = windowEnd;
  let first = fieldCount;
  let row = first;
  let capacity = fieldCapacity;
  while (true) {
    // Kind byte plus up to two offset bytes must be in the window.
    if (end - at < 3) break;
    let kind = <u32>load<u8>(at);
    if (kind == 0) {
      cursor = at + 1;
      setFieldCount(row);
      return row - first;
    }
    if (kind > 3) break; // not Ptr/Iface/Eface (or a multi-byte kind): the general path
    let offset = <u32>load<u8>(at, 1);
    let next = at + 2;
    if (offset >= 0x80) {
      let high = <u32>load<u8>(at, 2);
      if (high >= 0x80) break;
      offset = (offset & 0x7f) | (high << 7);
      next = at + 3;
    }
    let words: u32 = kind == 1 ? 1 : 2;
    if (offset + (words << 3) > length || row + words > capacity) break;
    let word = load<u64>(start + <usize>offset);
    let cell = <usize>row << alignof<u32>();
    store<u32>(fieldOffsetStart + cell, offset);
    store<u32>(fieldValueLoStart + cell, <u32>word);
    store<u32>(fieldValueHiStart + cell, <u32>(word >> 32));
    if (words == 2) {
      word = load<u64>(start + <usize>offset, 8);
      cell += sizeof<u32>();
      store<u32>(fieldOffsetStart + cell, offset + 8);
      store<u32>(fieldValueLoStart + cell, <u32>word);
      store<u32>(fieldValueHiStart + cell, <u32>(word >> 32));
    }
    row += words;
    at = next;
  }
  setCursor(at);
  setFieldCount(row);
  let rest = decodeFieldList(start, length, OWNER_OBJECT);
  return row - first + rest;
}

/** `P`: a pointer-word list in the stream, count first. */
function pointerWordList(start: usize, length: u32, owner: i32): void {
  let countAt = streamCursor;
  emitWord(0);
  let count = decodeFieldList(start, length, owner);
  if (stopStatus) return;
  store<u32>(countAt, count);
}

// ---- records (tag order) ----

/** Object, headerVersion 14–17: `u address, s contents, fieldlist` into the object columns. */
export function decodeObject(): void {
  let address = readUvarint();
  if (stopStatus) return;
  readBlob();
  if (stopStatus) return;
  let start = blobStart;
  let length = blobLength;
  let fields = ptrSize == 8 && !bigEndian
    ? decodeObjectFieldList64(start, length)
    : decodeFieldList(start, length, OWNER_OBJECT);
  if (stopStatus) return;
  if (!objectRoom()) return;
  let firstLo: u32 = 0;
  let firstHi: u32 = 0;
  if (length >= ptrSize) {
    readWord(start);
    firstLo = wordLo;
    firstHi = wordHi;
  }
  appendObject(address, length, <f64>fileOffset(start), firstLo, firstHi, fields);
}

/** Object, headerVersion 13: `u address, u typeAddress, u kind, s contents, u firstWord`. */
export function decodeObjectGo13(): void {
  if (!u() || !u() || !u() || !s()) return;
  if (blobLength >= ptrSize) {
    readWord(blobStart);
    emitWord(wordLo);
    emitWord(wordHi);
  } else {
    emitU64(0);
  }
}

/** OtherRoot: `s description, u pointer`. */
export function decodeOtherRoot(): void {
  if (!s()) return;
  u();
}

/** Type: `u address, u size, s name, b ptrData, b nameRepaired, T fields`. */
export function decodeType(): void {
  if (!u() || !u()) return;
  let lengthAt = cursor;
  let length = readUvarint();
  if (stopStatus) return;
  if ((headerVersion == 15 || headerVersion == 16) && length > QUIRK_NAME_LIMIT) {
    if (!decodeRepairedTypeName(lengthAt)) return;
  } else {
    if (length >= MAX_BLOB_LENGTH) { stop(LENGTH_TOO_LARGE, lengthAt); return; }
    let nameAt = cursor;
    if (<u64>(windowEnd - nameAt) < length) { stop(NEED_MORE_BLOB, lengthAt); return; }
    emitU64(fileOffset(nameAt));
    emitWord(<u32>length);
    setCursor(nameAt + <usize>length);
    if (!b()) return;
    emitWord(0); // nameRepaired
  }
  let countAt = streamCursor;
  emitWord(0);
  if (!typeFields) return;
  let count: u32 = 0;
  while (true) {
    let kind = readUvarint();
    if (stopStatus) return;
    if (kind == 0) break;
    if (!streamRoom(TYPE_FIELD_WORDS)) return;
    emitWord(<u32>kind);
    if (!u()) return;
    count++;
  }
  store<u32>(countAt, count);
}

/**
 * The go1.5/go1.6 corrupt type name (FORMAT.md §7.2): the length is garbage; the name runs
 * from the cursor to the first '.' followed by a ptrData byte (0 or 1) and the next record's
 * tag (1, 3 or 8), within QUIRK_NAME_LIMIT bytes. Appends name, ptrData and nameRepaired = 1.
 */
function decodeRepairedTypeName(lengthAt: usize): bool {
  let scanStart = cursor;
  let p = scanStart;
  while (true) {
    if (<u64>(p - scanStart) >= QUIRK_NAME_LIMIT) { stop(BAD_TYPE_NAME, lengthAt); return false; }
    if (p + 2 >= windowEnd) { stop(NEED_MORE_BLOB, lengthAt); return false; }
    if (load<u8>(p) == 0x2e && load<u8>(p, 1) <= 1) {
      let next = load<u8>(p, 2);
      if (next == 1 || next == 3 || next == 8) break;
    }
    p++;
  }
  emitU64(fileOffset(scanStart));
  emitWord(<u32>(p + 1 - scanStart));
  emitWord(<u32>load<u8>(p, 1));
  emitWord(1); // nameRepaired
  setCursor(p + 2);
  return true;
}

/** Goroutine: 5 u, 2 b, u waitSince, s waitReason, 4 u. */
export function decodeGoroutine(): void {
  if (!u() || !u() || !u() || !u() || !u()) return;
  if (!b() || !b()) return;
  if (!u() || !s()) return;
  if (!u() || !u() || !u()) return;
  u();
}

/** StackFrame: `u sp, u depth, u childSp, s contents, u entryPc, u pc, u continuationPc, s name, P`. */
export function decodeStackFrame(): void {
  if (!u() || !u() || !u() || !s()) return;
  let start = blobStart;
  let length = blobLength;
  if (!u() || !u() || !u() || !s()) return;
  pointerWordList(start, length, OWNER_FRAME);
}

/** Params: the layout depends on the header version; sets the decoder state when complete. */
export function decodeParams(): void {
  let bigEndianValue = readUvarint();
  if (stopStatus) return;
  let isBigEndian: u32 = bigEndianValue != 0 ? 1 : 0;
  emitWord(isBigEndian);
  let sizeAt = cursor;
  let size = readUvarint();
  if (stopStatus) return;
  if (size != 4 && size != 8) { stop(BAD_PTR_SIZE, sizeAt); return; }
  emitU64(size);
  let withTypeFields = false;
  if (headerVersion == 13) {
    let third = readUvarint();
    if (stopStatus) return;
    if (third < HCHAN_SIZE_LIMIT) {
      emitU64(third); // hchanSize
      if (!u()) return; // heapStart
    } else {
      emitU64(0); // 1.4 development snapshots: no hchanSize, this was heapStart
      emitU64(third);
    }
    if (!u()) return; // heapEnd
    let thechar = readUvarint();
    if (stopStatus) return;
    emitU64(thechar);
    withTypeFields = thechar != 0; // gccgo (thechar 0) writes no type fields
    emitAbsentString(); // goarch
  } else if (headerVersion == 17) {
    emitU64(0); // hchanSize
    if (!u() || !u()) return; // heapStart, heapEnd
    let archAt = cursor;
    let arch = readUvarint();
    if (stopStatus) return;
    if (arch >= THECHAR_MIN) {
      emitU64(arch); // thechar of early Go 1.7 builds
      emitAbsentString();
    } else {
      let goarchAt = cursor;
      if (<u64>(windowEnd - goarchAt) < arch) { stop(NEED_MORE_BLOB, archAt); return; }
      emitU64(0); // thechar
      emitU64(fileOffset(goarchAt));
      emitWord(<u32>arch);
      setCursor(goarchAt + <usize>arch);
    }
  } else {
    emitU64(0); // hchanSize
    if (!u() || !u() || !u()) return; // heapStart, heapEnd, thechar
    emitAbsentString(); // goarch
  }
  if (!s() || !u()) return; // experiment (or version), ncpu
  paramsSeen = true;
  typeFields = withTypeFields;
  setPointerFormat(<u32>size, isBigEndian != 0);
  store<i32>(stateStart + (<usize>STATE_PARAMS_SEEN << alignof<i32>()), 1);
  store<i32>(stateStart + (<usize>STATE_PTR_SIZE << alignof<i32>()), <i32>size);
  store<i32>(stateStart + (<usize>STATE_BIG_ENDIAN << alignof<i32>()), <i32>isBigEndian);
  store<i32>(stateStart + (<usize>STATE_TYPE_FIELDS << alignof<i32>()), withTypeFields ? 1 : 0);
}

/** Finalizer and QueuedFinalizer: `u object, u fn, u pc, u fint, u ot`. */
export function decodeFinalizer(): void {
  if (!u() || !u() || !u() || !u()) return;
  u();
}

/** Itab: `u address, u type`; headerVersion 13: `u address, b`, the bool appended as a `u`. */
export function decodeItab(): void {
  if (!u()) return;
  if (headerVersion == 13) {
    let value = readUvarint();
    if (stopStatus) return;
    emitU64(value != 0 ? 1 : 0);
  } else {
    u();
  }
}

/** OSThread: `u address, u id, u procId`. */
export function decodeOSThread(): void {
  if (!u() || !u()) return;
  u();
}

/** MemStats: 281 uvarints. */
export function decodeMemStats(): void {
  for (let i = 0; i < MEMSTATS_FIELD_COUNT; i++) {
    if (!u()) return;
  }
}

/** Data and BSS: `u address, s contents, P`. */
export function decodeSegment(): void {
  if (!u() || !s()) return;
  pointerWordList(blobStart, blobLength, OWNER_SEGMENT);
}

/** Defer: `u address, u goroutine, u sp, u pc, u fn, u code, u link`. */
export function decodeDefer(): void {
  for (let i = 0; i < 7; i++) {
    if (!u()) return;
  }
}

/** Panic: `u address, u goroutine, u argType, u argData, u defer, u link`. */
export function decodePanic(): void {
  for (let i = 0; i < 6; i++) {
    if (!u()) return;
  }
}

/**
 * MemProf: `u bucket, u size, u frameCount`, frameCount × `(s function, s file, u line)`,
 * `u allocs, u frees`. The frame count only bounds a loop that reads bytes.
 */
export function decodeMemProf(): void {
  if (!u() || !u()) return;
  let frames = readUvarint();
  if (stopStatus) return;
  emitU64(frames);
  for (let frame: u64 = 0; frame < frames; frame++) {
    if (!streamRoom(MEMPROF_FRAME_WORDS)) return;
    if (!s() || !s() || !u()) return;
  }
  if (!streamRoom(MEMPROF_TAIL_WORDS)) return;
  if (!u()) return;
  u();
}

/** AllocSample: `u object, u bucket`. */
export function decodeAllocSample(): void {
  if (!u()) return;
  u();
}
