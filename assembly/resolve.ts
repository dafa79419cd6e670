// The pointer lookup of graph building: pointer value → objectIndex of the object that holds
// it (interior pointers count), over an objects table in address order. Same answers as
// JsPointerResolver (ts/graph/address-index.ts): the candidate is the last object whose start
// is at or below the value, and it holds the value when value − start < size, all in exact u64
// arithmetic (addresses near 2^64 included). Overlapping objects (a corrupt dump) therefore
// resolve to the one with the highest start at or below the value, never an earlier one.
//
// A bucket index over the address range narrows each binary search to the objects that start
// inside one bucket (usually one or two). Memory layout and sizes: layout.ts, "resolver
// instances". JS calls, once per resolver: `reserveResolver(objectCount)`, then for each chunk
// of objects `loadObjects`, then `indexObjects`; then `resolveBatch` per chunk of values.

import {
  RESOLVE_BATCH_COLUMNS, RESOLVE_BATCH_ROWS, RESOLVE_ENTRY_ADDRESS, RESOLVE_ENTRY_BITS, RESOLVE_ENTRY_SIZE,
  ensureMemory, entriesStart, resolveBatchColumn,
} from './layout';

/** Smallest bucket: 16 B, Go's smallest size class with a pointer in it. */
// @ts-ignore: decorator
@inline const MIN_BUCKET_SHIFT: u64 = 4;
/** At most about this many buckets per object, and never fewer than MIN_BUCKETS. */
// @ts-ignore: decorator
@inline const BUCKETS_PER_OBJECT: u64 = 1;
// @ts-ignore: decorator
@inline const MIN_BUCKETS: u64 = 1024;
/** `out` for a value no object holds. */
// @ts-ignore: decorator
@inline const NO_OBJECT: i32 = -1;

let objectCount: u32 = 0;
let bucketsStart: usize = 0;
/** Buckets of the index; bucketFirst has one entry more. */
let bucketCount: u64 = 0;
/** Bytes of a bucket, as a shift. */
let bucketShift: u64 = MIN_BUCKET_SHIFT;
/** Address of object 0: offsets into the index are taken from it. */
let firstAddress: u64 = 0;

/** The most buckets an index over `count` objects can have. */
function bucketTarget(count: u32): u64 {
  let target = <u64>count * BUCKETS_PER_OBJECT;
  return target > MIN_BUCKETS ? target : MIN_BUCKETS;
}

/** Start of object `objectIndex`; callers keep it below objectCount. */
// @ts-ignore: decorator
@inline function entryAddress(objectIndex: u32): u64 {
  return load<u64>(entriesStart + (<usize>objectIndex << RESOLVE_ENTRY_BITS), RESOLVE_ENTRY_ADDRESS);
}

/** Size of object `objectIndex`; callers keep it below objectCount. */
// @ts-ignore: decorator
@inline function entrySize(objectIndex: u32): u32 {
  return load<u32>(entriesStart + (<usize>objectIndex << RESOLVE_ENTRY_BITS), RESOLVE_ENTRY_SIZE);
}

/** bucketFirst[bucket]: objects starting below the bucket's first address; bucket ≤ bucketCount. */
// @ts-ignore: decorator
@inline function bucketFirst(bucket: usize): u32 {
  return load<u32>(bucketsStart + (bucket << alignof<u32>()));
}

/**
 * Lays out entries and the largest bucket index `objectCount` objects can need, and grows
 * memory to hold them. Called once per instance, from JS. False when wasm32 memory cannot
 * (about 200 million objects).
 */
export function reserveResolver(count: u32): bool {
  let bucketsAt = <u64>entriesStart + (<u64>count << <u64>RESOLVE_ENTRY_BITS);
  let end = bucketsAt + ((bucketTarget(count) + 1) << <u64>alignof<u32>());
  if (!ensureMemory(end)) return false;
  objectCount = count;
  bucketsStart = <usize>bucketsAt;
  bucketCount = 0;
  return true;
}

/**
 * Copies objects [firstObject, firstObject + rows) from the BATCH columns (addressLo,
 * addressHi, size; rows ≤ RESOLVE_BATCH_ROWS) into their entries.
 */
export function loadObjects(firstObject: u32, rows: u32): void {
  let addressLo = resolveBatchColumn(0);
  let addressHi = resolveBatchColumn(1);
  let size = resolveBatchColumn(2);
  let entry = entriesStart + (<usize>firstObject << RESOLVE_ENTRY_BITS);
  for (let row: usize = 0; row < <usize>rows; row++) {
    let at = row << alignof<u32>();
    let address = (<u64>load<u32>(addressHi + at) << 32) | <u64>load<u32>(addressLo + at);
    store<u64>(entry, address, RESOLVE_ENTRY_ADDRESS);
    store<u64>(entry, <u64>load<u32>(size + at), RESOLVE_ENTRY_SIZE); // size, then the zero word
    entry += 1 << RESOLVE_ENTRY_BITS;
  }
}

/**
 * Builds the bucket index once every object is loaded: buckets of 2^bucketShift bytes from
 * the first object's address to the last one's, no more than bucketTarget of them.
 */
export function indexObjects(): void {
  let count = objectCount;
  if (count == 0) {
    bucketCount = 0;
    return;
  }
  firstAddress = entryAddress(0);
  let span = entryAddress(count - 1) - firstAddress;
  let target = bucketTarget(count);
  let shift = MIN_BUCKET_SHIFT;
  while ((span >> shift) >= target) shift++;
  bucketShift = shift;
  bucketCount = (span >> shift) + 1;
  // Bucket b starts at offset b << shift ≤ span, so no offset here wraps around 2^64.
  let object: u32 = 0;
  for (let bucket: u64 = 0; bucket < bucketCount; bucket++) {
    let bucketOffset = bucket << shift;
    while (object < count && entryAddress(object) - firstAddress < bucketOffset) object++;
    store<u32>(bucketsStart + (<usize>bucket << alignof<u32>()), object);
  }
  store<u32>(bucketsStart + (<usize>bucketCount << alignof<u32>()), count);
}

/**
 * Values are resolved in groups of GROUP_ROWS, in passes: first every value's bucket range,
 * then a load of the entry each search starts next to, then the searches. Within a pass the
 * loads of different values do not depend on each other, so the CPU overlaps their cache
 * misses (the tables of a large heap are far bigger than any cache); one value at a time, each
 * miss waited for the one before. On a 10 M-object heap this took resolving from 2.6 s to 1.8 s.
 */
// @ts-ignore: decorator
@inline const GROUP_ROWS: u32 = 32;
/** Per value of a group: the objectIndex range [low, high) its search covers. */
const groupLow = memory.data(<i32>GROUP_ROWS * sizeof<u32>(), alignof<u32>());
const groupHigh = memory.data(<i32>GROUP_ROWS * sizeof<u32>(), alignof<u32>());
/** What the warming loads read, kept so that the optimizer keeps them. */
let warmed: u64 = 0;

/** Element `k` (< GROUP_ROWS) of a group array. */
// @ts-ignore: decorator
@inline function groupAt(array: usize, k: u32): usize {
  return array + (<usize>k << alignof<u32>());
}

/**
 * Resolves the values in the BATCH columns (valueLo, valueHi; rows ≤ RESOLVE_BATCH_ROWS) into
 * the third column: the objectIndex holding each value, or -1.
 */
export function resolveBatch(rows: u32): void {
  let valueLo = resolveBatchColumn(0);
  let valueHi = resolveBatchColumn(1);
  let out = resolveBatchColumn(2);
  let count = objectCount;
  if (count == 0) {
    memory.fill(out, 0xff, <usize>rows << alignof<i32>()); // all -1
    return;
  }
  let first = firstAddress;
  let shift = bucketShift;
  let buckets = bucketCount;
  for (let groupStart: u32 = 0; groupStart < rows; groupStart += GROUP_ROWS) {
    let groupRows = rows - groupStart < GROUP_ROWS ? rows - groupStart : GROUP_ROWS;
    let groupValues = <usize>groupStart << alignof<u32>();

    // Pass 1: the range of objects to search. Objects below `low` start before the value's
    // bucket, so at or below the value; the search counts the ones in [low, high) that do too.
    for (let k: u32 = 0; k < groupRows; k++) {
      let at = groupValues + (<usize>k << alignof<u32>());
      let value = (<u64>load<u32>(valueHi + at) << 32) | <u64>load<u32>(valueLo + at);
      let low: u32 = 0; // below the first start: no object (low stays 0)
      let high: u32 = 0;
      if (value >= first) {
        let bucket = (value - first) >> shift;
        if (bucket < buckets) {
          low = bucketFirst(<usize>bucket);
          high = bucketFirst(<usize>bucket + 1);
        } else {
          // Past the last bucket (beyond the last start) only the last object can hold it.
          low = count;
          high = count;
        }
      }
      store<u32>(groupAt(groupLow, k), low);
      store<u32>(groupAt(groupHigh, k), high);
    }

    // Pass 2: warm the entry just below each range, where most searches end.
    let sum: u64 = 0;
    for (let k: u32 = 0; k < groupRows; k++) {
      let low = load<u32>(groupAt(groupLow, k));
      sum ^= entryAddress(low > 0 ? low - 1 : 0);
    }
    warmed ^= sum;

    // Pass 3: the searches, and whether the last start at or below the value holds it.
    for (let k: u32 = 0; k < groupRows; k++) {
      let at = groupValues + (<usize>k << alignof<u32>());
      let value = (<u64>load<u32>(valueHi + at) << 32) | <u64>load<u32>(valueLo + at);
      let low = load<u32>(groupAt(groupLow, k));
      let high = load<u32>(groupAt(groupHigh, k));
      while (low < high) {
        let middle = (low + high) >>> 1;
        if (entryAddress(middle) <= value) low = middle + 1;
        else high = middle;
      }
      let result = NO_OBJECT;
      if (low != 0) {
        let candidate = low - 1;
        if (value - entryAddress(candidate) < <u64>entrySize(candidate)) result = <i32>candidate;
      }
      store<i32>(out + at, result);
    }
  }
}

/** Rows of each BATCH column, for JS. */
export function resolverBatchRows(): u32 {
  return RESOLVE_BATCH_ROWS;
}

/** Address of BATCH column `column` (0, 1 or 2; 0 for any other), for JS. */
export function resolverBatchPointer(column: u32): usize {
  return column < RESOLVE_BATCH_COLUMNS ? resolveBatchColumn(column) : 0;
}
