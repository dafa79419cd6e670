// The wasm decoder's exports: numbers only (docs/decoder-abi.md, layout in layout.ts).
// Per window JS calls `reserve(windowLength)`, copies the window to `windowPointer()`,
// writes the decoder state at `statePointer()`, calls `decodeWindow`, then reads the status
// block at `statusPointer()` and the column prefixes at `columnPointer(column)`.
// An instance may serve a pointer resolver instead (resolve.ts); it then never decodes.

import {
  COLUMN_COUNT, STATUS_CODE, STATUS_CONSUMED, STATUS_ERROR_OFFSET, STATUS_ERROR_TAG,
  STATUS_FIELD_COUNT, STATUS_OBJECT_COUNT, STATUS_RECORD_OFFSET, STATUS_STREAM_LENGTH,
  columnStart, growGroup, reserveWindow, setOutputLimits, stateStart, statusStart, windowStart,
} from './layout';
import {
  fieldCount, fullGroup, fullNeeded, objectCount, resetOutput, rollBack, streamCursor,
  streamLength, streamRoom, emitU64, emitWord,
} from './output';
import {
  beginWindow, cursor, fileOffset, readUvarint, setCursor, setPointerFormat, stop, stopAt,
  stopStatus,
} from './reader';
import {
  decodeAllocSample, decodeDefer, decodeFinalizer, decodeObjectGo13, decodeGoroutine,
  decodeItab, decodeMemProf, decodeMemStats, decodeObject, decodeOSThread, decodeOtherRoot,
  decodePanic, decodeParams, decodeSegment, decodeStackFrame, decodeType, headerVersion,
  paramsSeen, setHeaderState,
} from './records';
import {
  BAD_TAG, DONE, DUPLICATE_PARAMS, OUTPUT_FULL, PARAMS_NOT_FIRST, STATE_BIG_ENDIAN,
  STATE_EOF_SEEN, STATE_HEADER_VERSION, STATE_PARAMS_SEEN, STATE_PTR_SIZE, STATE_TYPE_FIELDS,
  TAG_COUNT, TAG_EOF, TAG_OBJECT, TAG_PARAMS, WINDOW_END,
} from './status';

/**
 * Not an ABI status: `decodeWindow` returns it when the output columns had to grow for a
 * single record and linear memory could not (wasm32 stops at 4 GiB).
 */
// @ts-ignore: decorator
@inline const MEMORY_EXHAUSTED: i32 = -1;

// Stream words of each record's header and fixed body, by tag (Object: the go1.3 form).
// Variable parts (P and T lists, MemProf frames) make room as they go.
const FIXED_WORDS = memory.data<u32>([
  3,   // EOF
  14,  // Object (go1.3): 3 u, s, u firstWord
  8,   // OtherRoot: s, u
  13,  // Type: 2 u, s, b, b, count
  28,  // Goroutine: 5 u, 2 b, u, s, 4 u
  22,  // StackFrame: 3 u, s, 3 u, s, count
  22,  // Params: b, 5 u, 2 s, u
  13,  // Finalizer: 5 u
  7,   // Itab: 2 u
  9,   // OSThread: 3 u
  565, // MemStats: 281 u
  13,  // QueuedFinalizer: 5 u
  9,   // Data: u, s, count
  9,   // BSS: u, s, count
  17,  // Defer: 7 u
  15,  // Panic: 6 u
  9,   // MemProf: 3 u (frames and tail make their own room)
  7,   // AllocSample: 2 u
]);

// ---- exports ----

export {
  indexObjects, loadObjects, reserveResolver, resolveBatch, resolverBatchPointer,
  resolverBatchRows,
} from './resolve';

/** Address of the status block (layout.ts STATUS_*). */
export function statusPointer(): usize {
  return statusStart;
}

/** Address of the decoder state, an Int32Array(8) JS copies in before and out after a call. */
export function statePointer(): usize {
  return stateStart;
}

/** Address of the window bytes. */
export function windowPointer(): usize {
  return windowStart;
}

/** Address of output column `column` (layout.ts COLUMN_*), valid until the generation changes. */
export function columnPointer(column: u32): usize {
  return column < COLUMN_COUNT ? columnStart(column) : 0;
}

/**
 * Makes room for a window of `windowBytes` (and outputs to match); memory may grow, so JS
 * rebuilds its views afterwards. Returns 0 when wasm32 memory cannot hold it, else 1.
 */
export function reserve(windowBytes: u32): u32 {
  return reserveWindow(windowBytes) ? 1 : 0;
}

/**
 * Fixes the output capacities (rows; 0 restores the default for that group) from the next
 * `reserve` on. Tests use it to force OUTPUT_FULL and column growth with tiny columns.
 */
export function limitOutput(objectRows: u32, fieldRows: u32, streamWords: u32): void {
  setOutputLimits(objectRows, fieldRows, streamWords);
}

/**
 * Decodes the whole records at the start of the window (`windowLength` bytes at
 * windowPointer(), file offset offsetHi · 2^32 + offsetLo), reading and updating the state,
 * and writes the status block. Returns the status, or -1 when memory is exhausted.
 */
export function decodeWindow(windowLength: u32, offsetLo: u32, offsetHi: u32): i32 {
  let offset = (<u64>offsetHi << 32) | <u64>offsetLo;
  beginWindow(windowLength, offset);
  resetOutput();
  setHeaderState(
    stateAt(STATE_HEADER_VERSION), stateAt(STATE_PARAMS_SEEN) != 0,
    stateAt(STATE_TYPE_FIELDS) != 0,
  );
  setPointerFormat(<u32>stateAt(STATE_PTR_SIZE), stateAt(STATE_BIG_ENDIAN) != 0);

  let status: i32 = WINDOW_END;
  let tag: i32 = -1;
  let recordStart: usize = windowStart;
  while (true) {
    recordStart = cursor;
    if (recordStart == windowStart + <usize>windowLength) {
      status = WINDOW_END;
      break;
    }
    let objects = objectCount;
    let fields = fieldCount;
    let streamAt = streamCursor;
    tag = decodeRecord();
    if (stopStatus) {
      rollBack(objects, fields, streamAt);
      if (stopStatus == OUTPUT_FULL && recordStart == windowStart) {
        // One record does not fit into empty columns: grow them and decode it again.
        if (!growGroup(fullGroup, fullNeeded)) return MEMORY_EXHAUSTED;
        resetOutput();
        stop(0, 0);
        setCursor(recordStart);
        continue;
      }
      status = stopStatus;
      break;
    }
    if (tag == <i32>TAG_EOF) {
      store<i32>(stateStart + (<usize>STATE_EOF_SEEN << alignof<i32>()), 1);
      recordStart = cursor;
      status = DONE;
      break;
    }
  }

  let consumed = recordStart - windowStart;
  let stopped = status != DONE && status != WINDOW_END && status != OUTPUT_FULL;
  store<i32>(statusStart, status, STATUS_CODE);
  store<u32>(statusStart, <u32>consumed, STATUS_CONSUMED);
  store<i32>(statusStart, stopped ? tag : -1, STATUS_ERROR_TAG);
  store<u32>(statusStart, objectCount, STATUS_OBJECT_COUNT);
  store<u32>(statusStart, fieldCount, STATUS_FIELD_COUNT);
  store<u32>(statusStart, streamLength(), STATUS_STREAM_LENGTH);
  store<f64>(statusStart, <f64>fileOffset(stopped ? stopAt : recordStart), STATUS_ERROR_OFFSET);
  store<f64>(statusStart, <f64>fileOffset(recordStart), STATUS_RECORD_OFFSET);
  return status;
}

// ---- internals ----

/** Element `index` (STATE_*) of the decoder state. */
// @ts-ignore: decorator
@inline function stateAt(index: i32): i32 {
  return load<i32>(stateStart + (<usize>index << alignof<i32>()));
}

/**
 * Decodes one record at the cursor. Returns its tag, or -1 when the tag could not be read
 * or is not a record tag; stopStatus says whether it completed.
 */
function decodeRecord(): i32 {
  let recordAt = cursor;
  let tagValue = readUvarint();
  if (stopStatus) return -1;
  if (tagValue >= <u64>TAG_COUNT) { stop(BAD_TAG, recordAt); return -1; }
  let tag = <u32>tagValue;
  if (!paramsSeen) {
    if (tag != TAG_PARAMS) { stop(PARAMS_NOT_FIRST, recordAt); return <i32>tag; }
  } else if (tag == TAG_PARAMS) {
    stop(DUPLICATE_PARAMS, recordAt);
    return <i32>tag;
  }
  if (tag == TAG_OBJECT && headerVersion != 13) {
    decodeObject();
    return <i32>tag;
  }
  if (!streamRoom(load<u32>(FIXED_WORDS + (<usize>tag << alignof<u32>())))) return <i32>tag;
  emitWord(tag);
  emitU64(fileOffset(recordAt));
  switch (tag) {
    case 0: break; // EOF
    case 1: decodeObjectGo13(); break;
    case 2: decodeOtherRoot(); break;
    case 3: decodeType(); break;
    case 4: decodeGoroutine(); break;
    case 5: decodeStackFrame(); break;
    case 6: decodeParams(); break;
    case 7: decodeFinalizer(); break;
    case 8: decodeItab(); break;
    case 9: decodeOSThread(); break;
    case 10: decodeMemStats(); break;
    case 11: decodeFinalizer(); break; // QueuedFinalizer
    case 12: decodeSegment(); break; // Data
    case 13: decodeSegment(); break; // BSS
    case 14: decodeDefer(); break;
    case 15: decodePanic(); break;
    case 16: decodeMemProf(); break;
    case 17: decodeAllocSample(); break;
  }
  return <i32>tag;
}
