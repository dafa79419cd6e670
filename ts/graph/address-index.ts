// From a pointer value to the object that contains it (interior pointers count). The objects
// table is already in address order (ts/tables/object-order.ts); this adds a bucket index over
// the address range so that most lookups touch one or two objects instead of a binary search.

import type { ObjectTable } from '../tables/dump-tables';

const TWO_POW_32 = 4294967296;
/** Addresses at or above this are not exact as numbers; such dumps use the binary search. */
const EXACT_LIMIT = 2 ** 53;
const MIN_BUCKET_SHIFT = 4;
/** At most about this many buckets per object (and a floor for tiny heaps). */
const BUCKETS_PER_OBJECT = 1;
const MIN_BUCKETS = 1024;

/** A resolver prepared for one objects table; resolve() may be called for many batches. */
export interface PointerResolver {
  /**
   * For each value (valueLo[i], valueHi[i]) the objectIndex of the object whose
   * [address, address + size) holds it, or -1. When objects overlap (only in a corrupt dump)
   * the one with the highest start at or below the value is the only one considered.
   */
  resolve(valueLo: Uint32Array, valueHi: Uint32Array, out: Int32Array): void;
  /** Frees what the resolver holds. */
  close(): void;
}

/** The number of objects whose start is at or below the value, searched in [low, high). */
function countAtOrBelow(objects: ObjectTable, lo: number, hi: number, low: number, high: number): number {
  const { addressLo, addressHi } = objects;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const midHi = addressHi[mid];
    if (midHi < hi || (midHi === hi && addressLo[mid] <= lo)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Whether object `index` holds the value: value - start, computed exactly, is below its size. */
function holds(objects: ObjectTable, index: number, lo: number, hi: number): boolean {
  const startHi = objects.addressHi[index];
  const startLo = objects.addressLo[index];
  let delta = -1;
  if (hi === startHi) delta = lo - startLo;
  else if (hi === startHi + 1) delta = lo + TWO_POW_32 - startLo;
  return delta >= 0 && delta < objects.size[index];
}

export class JsPointerResolver implements PointerResolver {
  private bucketFirst: Uint32Array | null = null;
  private first = 0;
  private bucketBytes = 1;

  /** `buckets: false` skips the bucket index: slower lookups, no memory beyond the table. */
  constructor(private readonly objects: ObjectTable, options: { buckets?: boolean } = {}) {
    const count = objects.count;
    if (count === 0 || options.buckets === false) return;
    const first = objects.addressHi[0] * TWO_POW_32 + objects.addressLo[0];
    const last = objects.addressHi[count - 1] * TWO_POW_32 + objects.addressLo[count - 1];
    if (last >= EXACT_LIMIT) return;
    const target = Math.max(MIN_BUCKETS, count * BUCKETS_PER_OBJECT);
    let shift = MIN_BUCKET_SHIFT;
    while ((last - first) / 2 ** shift >= target) shift++;
    const bucketBytes = 2 ** shift;
    const buckets = Math.floor((last - first) / bucketBytes) + 1;
    // bucketFirst[b]: how many objects start below the start of bucket b.
    const bucketFirst = new Uint32Array(buckets + 1);
    let object = 0;
    for (let b = 0; b <= buckets; b++) {
      const bucketStart = first + b * bucketBytes;
      while (object < count && objects.addressHi[object] * TWO_POW_32 + objects.addressLo[object] < bucketStart) object++;
      bucketFirst[b] = object;
    }
    this.bucketFirst = bucketFirst;
    this.first = first;
    this.bucketBytes = bucketBytes;
  }

  resolve(valueLo: Uint32Array, valueHi: Uint32Array, out: Int32Array): void {
    const objects = this.objects;
    const count = objects.count;
    const bucketFirst = this.bucketFirst;
    const lastBucket = bucketFirst === null ? 0 : bucketFirst.length - 2;
    for (let i = 0; i < valueLo.length; i++) {
      const lo = valueLo[i];
      const hi = valueHi[i];
      let low = 0;
      let high = count;
      if (bucketFirst !== null) {
        const offset = hi * TWO_POW_32 + lo - this.first;
        if (offset < 0) {
          out[i] = -1;
          continue;
        }
        const bucket = Math.floor(offset / this.bucketBytes);
        if (bucket <= lastBucket) {
          low = bucketFirst[bucket];
          high = bucketFirst[bucket + 1];
        } else {
          low = count; // past the last start: only the last object can hold it
        }
      }
      const candidate = countAtOrBelow(objects, lo, hi, low, high) - 1;
      out[i] = candidate >= 0 && holds(objects, candidate, lo, hi) ? candidate : -1;
    }
  }

  close(): void {
    this.bucketFirst = null;
  }
}
