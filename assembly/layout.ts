// Linear memory of one decoder instance: one window of dump bytes and that window's outputs.
// JS copies a window in, calls `decodeWindow`, then reads the status block and the column
// prefixes through typed-array views (rebuilt whenever the buffer or the layout generation
// changes) and copies them out before the next call.
//
//  statusStart ─► ┌──────────────────────────────────────────────────────────────────┐
//   (__heap_base  │ STATUS  48 B   written by decodeWindow, read by JS               │
//    rounded up   │   +0  code i32          +4  consumed u32      +8  errorTag i32   │
//    to 16)       │   +12 objectCount u32   +16 fieldCount u32    +20 streamLength u32│
//                 │   +24 generation u32    +28 (zero)                              │
//                 │   +32 errorOffset f64   +40 recordOffset f64                     │
//                 ├──────────────────────────────────────────────────────────────────┤
//                 │ STATE   32 B   the Int32Array(8) decoder state, JS copies it     │
//                 │                in before and out after every call               │
//  windowStart ─► ├──────────────────────────────────────────────────────────────────┤
//                 │ WINDOW  windowCapacity B of dump bytes + WINDOW_PADDING zero B    │
//  objectsStart ► ├──────────────────────────────────────────────────────────────────┤
//   (8-aligned)   │ objectContentOffset   f64 × objectCapacity                       │
//                 │ objectAddressLo, objectAddressHi, objectSize,                    │
//                 │ objectFirstWordLo, objectFirstWordHi, objectFieldCount           │
//                 │                       u32 × objectCapacity each                  │
//  fieldsStart ─► ├──────────────────────────────────────────────────────────────────┤
//                 │ fieldOffset, fieldValueLo, fieldValueHi   u32 × fieldCapacity    │
//  streamStart ─► ├──────────────────────────────────────────────────────────────────┤
//                 │ stream                u32 × streamCapacity                       │
//  layoutEnd ───► └──────────────────────────────────────────────────────────────────┘
//
// The window sits below the outputs, so output columns can be laid out again (when one
// record does not fit into empty columns) without moving the window's bytes. Every
// re-layout bumps `generation`; JS compares it to rebuild its views.

// @ts-ignore: decorator
@inline export const STATUS_CODE: usize = 0;
// @ts-ignore: decorator
@inline export const STATUS_CONSUMED: usize = 4;
// @ts-ignore: decorator
@inline export const STATUS_ERROR_TAG: usize = 8;
// @ts-ignore: decorator
@inline export const STATUS_OBJECT_COUNT: usize = 12;
// @ts-ignore: decorator
@inline export const STATUS_FIELD_COUNT: usize = 16;
// @ts-ignore: decorator
@inline export const STATUS_STREAM_LENGTH: usize = 20;
// @ts-ignore: decorator
@inline export const STATUS_GENERATION: usize = 24;
// @ts-ignore: decorator
@inline export const STATUS_ERROR_OFFSET: usize = 32;
// @ts-ignore: decorator
@inline export const STATUS_RECORD_OFFSET: usize = 40;
// @ts-ignore: decorator
@inline export const STATUS_BYTES: usize = 48;

// @ts-ignore: decorator
@inline export const STATE_BYTES: usize = 8 * sizeof<i32>();

/** Zero bytes after the window's capacity (a guard: every read is checked against the window). */
// @ts-ignore: decorator
@inline export const WINDOW_PADDING: usize = 16;

// Column numbers for `columnPointer` (mirrored in ts/decode/wasm.ts).
// @ts-ignore: decorator
@inline export const COLUMN_OBJECT_ADDRESS_LO: u32 = 0;
// @ts-ignore: decorator
@inline export const COLUMN_OBJECT_ADDRESS_HI: u32 = 1;
// @ts-ignore: decorator
@inline export const COLUMN_OBJECT_SIZE: u32 = 2;
// @ts-ignore: decorator
@inline export const COLUMN_OBJECT_CONTENT_OFFSET: u32 = 3;
// @ts-ignore: decorator
@inline export const COLUMN_OBJECT_FIRST_WORD_LO: u32 = 4;
// @ts-ignore: decorator
@inline export const COLUMN_OBJECT_FIRST_WORD_HI: u32 = 5;
// @ts-ignore: decorator
@inline export const COLUMN_OBJECT_FIELD_COUNT: u32 = 6;
// @ts-ignore: decorator
@inline export const COLUMN_FIELD_OFFSET: u32 = 7;
// @ts-ignore: decorator
@inline export const COLUMN_FIELD_VALUE_LO: u32 = 8;
// @ts-ignore: decorator
@inline export const COLUMN_FIELD_VALUE_HI: u32 = 9;
// @ts-ignore: decorator
@inline export const COLUMN_STREAM: u32 = 10;
// @ts-ignore: decorator
@inline export const COLUMN_COUNT: u32 = 11;

// Output groups, named when one runs out of room (`fullGroup`).
// @ts-ignore: decorator
@inline export const GROUP_NONE: i32 = 0;
// @ts-ignore: decorator
@inline export const GROUP_OBJECTS: i32 = 1;
// @ts-ignore: decorator
@inline export const GROUP_FIELDS: i32 = 2;
// @ts-ignore: decorator
@inline export const GROUP_STREAM: i32 = 3;

// Output capacities follow the window: typical dumps need about one object row per 16 window
// bytes, one pointer word per 8 and one stream word per 4. They stay between a floor (small
// windows still decode many tiny records per call) and a ceiling (a 2 GiB window for one huge
// object must not ask for gigabytes of columns); OUTPUT_FULL covers whatever does not fit.
// @ts-ignore: decorator
@inline const OBJECT_BYTES_PER_ROW: u32 = 16;
// @ts-ignore: decorator
@inline const FIELD_BYTES_PER_ROW: u32 = 8;
// @ts-ignore: decorator
@inline const STREAM_BYTES_PER_WORD: u32 = 4;
// @ts-ignore: decorator
@inline const MIN_ROWS: u32 = 4096;
// @ts-ignore: decorator
@inline const MAX_DEFAULT_ROWS: u32 = 1 << 21;

/** Bytes of one object row over all seven object columns. */
// @ts-ignore: decorator
@inline const OBJECT_ROW_BYTES: u64 = sizeof<f64>() + 6 * sizeof<u32>();
/** Bytes of one pointer-word row over the three field columns. */
// @ts-ignore: decorator
@inline const FIELD_ROW_BYTES: u64 = 3 * sizeof<u32>();
// @ts-ignore: decorator
@inline const PAGE_BITS: u64 = 16;
/** wasm32 linear memory stops at 65536 pages of 64 KiB. */
// @ts-ignore: decorator
@inline const MAX_PAGES: u64 = 65536;

export const statusStart: usize = (__heap_base + 15) & ~(<usize>15);
export const stateStart: usize = statusStart + STATUS_BYTES;
export const windowStart: usize = stateStart + STATE_BYTES;

export let windowCapacity: u32 = 0;
export let objectCapacity: u32 = 0;
export let fieldCapacity: u32 = 0;
export let streamCapacity: u32 = 0;
/** Capacities set by `limitOutput` (tests force tiny columns through it); 0 = the default. */
export let objectCapacityLimit: u32 = 0;
export let fieldCapacityLimit: u32 = 0;
export let streamCapacityLimit: u32 = 0;

export let objectContentOffsetStart: usize = 0;
export let objectAddressLoStart: usize = 0;
export let objectAddressHiStart: usize = 0;
export let objectSizeStart: usize = 0;
export let objectFirstWordLoStart: usize = 0;
export let objectFirstWordHiStart: usize = 0;
export let objectFieldCountStart: usize = 0;
export let fieldOffsetStart: usize = 0;
export let fieldValueLoStart: usize = 0;
export let fieldValueHiStart: usize = 0;
export let streamStart: usize = 0;
/** One past the stream column: the stream is full when the write cursor reaches it. */
export let streamLimit: usize = 0;
export let generation: u32 = 0;

/** Rows for a column group of a window of `windowBytes`, or the test limit when one is set. */
function defaultRows(windowBytes: u32, bytesPerRow: u32, limit: u32): u32 {
  if (limit != 0) return limit;
  let rows = windowBytes / bytesPerRow;
  if (rows < MIN_ROWS) rows = MIN_ROWS;
  if (rows > MAX_DEFAULT_ROWS) rows = MAX_DEFAULT_ROWS;
  return rows;
}

/** Grows linear memory to hold `end` bytes; false when wasm32 cannot. */
export function ensureMemory(end: u64): bool {
  let pages = (end + ((<u64>1 << PAGE_BITS) - 1)) >> PAGE_BITS;
  if (pages > MAX_PAGES) return false;
  let current = <u64>memory.size();
  if (pages <= current) return true;
  return memory.grow(<i32>(pages - current)) >= 0;
}

/**
 * Places the window and the output columns for the given capacities and grows memory to
 * hold them. Only called while the outputs are empty. False (and nothing changed) when
 * memory cannot grow that far.
 */
function layOut(windowBytes: u32, objects: u32, fields: u32, words: u32): bool {
  let objectsAt = (<u64>windowStart + <u64>windowBytes + <u64>WINDOW_PADDING + 7) & ~(<u64>7);
  let fieldsAt = objectsAt + <u64>objects * OBJECT_ROW_BYTES;
  let streamAt = fieldsAt + <u64>fields * FIELD_ROW_BYTES;
  let end = streamAt + <u64>words * sizeof<u32>();
  if (!ensureMemory(end)) return false;
  // Zero the padding after the window (earlier, larger layouts may have left bytes there).
  memory.fill(windowStart + <usize>windowBytes, 0, WINDOW_PADDING);

  windowCapacity = windowBytes;
  objectCapacity = objects;
  fieldCapacity = fields;
  streamCapacity = words;

  let at = <usize>objectsAt;
  objectContentOffsetStart = at; at += <usize>objects << alignof<f64>();
  objectAddressLoStart = at; at += <usize>objects << alignof<u32>();
  objectAddressHiStart = at; at += <usize>objects << alignof<u32>();
  objectSizeStart = at; at += <usize>objects << alignof<u32>();
  objectFirstWordLoStart = at; at += <usize>objects << alignof<u32>();
  objectFirstWordHiStart = at; at += <usize>objects << alignof<u32>();
  objectFieldCountStart = at; at += <usize>objects << alignof<u32>();
  fieldOffsetStart = at; at += <usize>fields << alignof<u32>();
  fieldValueLoStart = at; at += <usize>fields << alignof<u32>();
  fieldValueHiStart = at; at += <usize>fields << alignof<u32>();
  streamStart = at; at += <usize>words << alignof<u32>();
  streamLimit = at;
  generation++;
  store<u32>(statusStart, generation, STATUS_GENERATION);
  return true;
}

/** True until the first layout, and after the output limits change. */
let layoutStale = true;

/**
 * Makes room for a window of `windowBytes` and outputs to match. Called from JS before a
 * window is copied in (outputs of the previous call have been copied out by then).
 */
export function reserveWindow(windowBytes: u32): bool {
  if (!layoutStale && windowBytes <= windowCapacity) return true;
  let window = windowBytes > windowCapacity ? windowBytes : windowCapacity;
  let objects = defaultRows(window, OBJECT_BYTES_PER_ROW, objectCapacityLimit);
  let fields = defaultRows(window, FIELD_BYTES_PER_ROW, fieldCapacityLimit);
  let words = defaultRows(window, STREAM_BYTES_PER_WORD, streamCapacityLimit);
  // Columns that grew for one big record keep their size.
  if (objects < objectCapacity) objects = objectCapacity;
  if (fields < fieldCapacity) fields = fieldCapacity;
  if (words < streamCapacity) words = streamCapacity;
  if (!layOut(window, objects, fields, words)) return false;
  layoutStale = false;
  return true;
}

/**
 * Sets (nonzero) or clears (0) fixed output capacities. The next reserve lays the columns out
 * again from these limits (or the defaults), forgetting any earlier growth.
 */
export function setOutputLimits(objects: u32, fields: u32, words: u32): void {
  objectCapacityLimit = objects;
  fieldCapacityLimit = fields;
  streamCapacityLimit = words;
  objectCapacity = 0;
  fieldCapacity = 0;
  streamCapacity = 0;
  layoutStale = true;
}

/**
 * Doubles the capacity of `group` (at least to hold `needed` more of its rows), while every
 * output column is empty. False when memory cannot grow.
 */
export function growGroup(group: i32, needed: u32): bool {
  let objects = objectCapacity;
  let fields = fieldCapacity;
  let words = streamCapacity;
  if (group == GROUP_OBJECTS) objects = doubled(objects, needed);
  else if (group == GROUP_FIELDS) fields = doubled(fields, needed);
  else words = doubled(words, needed);
  return layOut(windowCapacity, objects, fields, words);
}

function doubled(capacity: u32, needed: u32): u32 {
  let next = <u64>capacity << 1;
  if (next < <u64>needed) next = <u64>needed;
  if (next > <u64>u32.MAX_VALUE) next = <u64>u32.MAX_VALUE;
  return <u32>next;
}

/** Start of output column `column` (COLUMN_*); 0 for an unknown column. */
export function columnStart(column: u32): usize {
  switch (column) {
    case COLUMN_OBJECT_ADDRESS_LO: return objectAddressLoStart;
    case COLUMN_OBJECT_ADDRESS_HI: return objectAddressHiStart;
    case COLUMN_OBJECT_SIZE: return objectSizeStart;
    case COLUMN_OBJECT_CONTENT_OFFSET: return objectContentOffsetStart;
    case COLUMN_OBJECT_FIRST_WORD_LO: return objectFirstWordLoStart;
    case COLUMN_OBJECT_FIRST_WORD_HI: return objectFirstWordHiStart;
    case COLUMN_OBJECT_FIELD_COUNT: return objectFieldCountStart;
    case COLUMN_FIELD_OFFSET: return fieldOffsetStart;
    case COLUMN_FIELD_VALUE_LO: return fieldValueLoStart;
    case COLUMN_FIELD_VALUE_HI: return fieldValueHiStart;
    case COLUMN_STREAM: return streamStart;
  }
  return 0;
}

// ---- resolver instances ----
//
// An instance that serves a pointer resolver (resolve.ts; ts/decode/wasm.ts gives each
// resolver an instance of its own, never used to decode) lays the same memory out another way:
//
//  resolverStart ─► ┌────────────────────────────────────────────────────────────────┐
//   (= statusStart) │ BATCH   3 columns × RESOLVE_BATCH_ROWS u32, JS copies in/out:   │
//                   │   while loading objects: addressLo │ addressHi │ size          │
//                   │   while resolving:       valueLo   │ valueHi   │ out (i32)     │
//  entriesStart ──► ├────────────────────────────────────────────────────────────────┤
//   (16-aligned)    │ ENTRIES  RESOLVE_ENTRY_BYTES × objectCount, address order:      │
//                   │   +0 address u64      +8 size u32      +12 (zero)              │
//                   │ (one entry per 16 B: the start and size a lookup checks share   │
//                   │ a cache line)                                                  │
//  bucketsStart ──► ├────────────────────────────────────────────────────────────────┤
//                   │ BUCKETS  bucketFirst u32 × (bucketCount + 1): objects starting  │
//                   │          below each bucket's first address                     │
//                   └────────────────────────────────────────────────────────────────┘
//
// Memory grows once, when the objects are reserved; values pass through BATCH in chunks, so
// a resolver holds 20 B per object plus RESOLVE_BATCH_BYTES, whatever the batch sizes.

/** Rows of each BATCH column: values resolved per call, objects loaded per call. */
// @ts-ignore: decorator
@inline export const RESOLVE_BATCH_ROWS: u32 = 1 << 16;
// @ts-ignore: decorator
@inline export const RESOLVE_BATCH_COLUMNS: u32 = 3;
// @ts-ignore: decorator
@inline export const RESOLVE_BATCH_BYTES: usize =
  <usize>RESOLVE_BATCH_COLUMNS * <usize>RESOLVE_BATCH_ROWS * sizeof<u32>();
// @ts-ignore: decorator
@inline export const RESOLVE_ENTRY_ADDRESS: usize = 0;
// @ts-ignore: decorator
@inline export const RESOLVE_ENTRY_SIZE: usize = 8;
/** log2 of the entry size (16 B), for `objectIndex << RESOLVE_ENTRY_BITS`. */
// @ts-ignore: decorator
@inline export const RESOLVE_ENTRY_BITS: usize = 4;
// @ts-ignore: decorator
@inline export const RESOLVE_ENTRY_BYTES: usize = 1 << RESOLVE_ENTRY_BITS;

export const resolverStart: usize = statusStart;
/** BATCH column `column` (0, 1 or 2). */
// @ts-ignore: decorator
@inline export function resolveBatchColumn(column: u32): usize {
  return resolverStart + ((<usize>column * <usize>RESOLVE_BATCH_ROWS) << alignof<u32>());
}
export const entriesStart: usize =
  (resolverStart + RESOLVE_BATCH_BYTES + (RESOLVE_ENTRY_BYTES - 1)) & ~(RESOLVE_ENTRY_BYTES - 1);
