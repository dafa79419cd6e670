// The address index: objects in address order, and the batch lookup from a pointer value to
// the object that contains it (interior pointers count). objectIndex everywhere in ts/graph
// means a position in this order.

import type { ObjectTable } from '../tables/dump-tables';

export interface AddressIndex {
  readonly objectCount: number;
  /** objectIndex → row of the objects table. */
  readonly objectRow: Uint32Array;
  /** Start address of each object, in address order (low and high 32 bits). */
  readonly addressLo: Uint32Array;
  readonly addressHi: Uint32Array;
  /** Size of each object in bytes, in address order. */
  readonly size: Uint32Array;
}

const RADIX_BITS = 11;
const RADIX = 1 << RADIX_BITS;
const RADIX_MASK = RADIX - 1;

/**
 * Rows sorted by (hi, lo), stable: an LSD radix sort in 11-bit digits, skipping digits that
 * are the same for every row (most of the high word is, in a real heap).
 */
export function sortByAddress(lo: Uint32Array, hi: Uint32Array): Uint32Array {
  const count = lo.length;
  let order = new Uint32Array(count);
  let scratch = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  const histogram = new Uint32Array(RADIX);
  // Six passes cover 64 bits: three over the low word (11 + 11 + 10), three over the high.
  for (let pass = 0; pass < 6; pass++) {
    const word = pass < 3 ? lo : hi;
    const shift = (pass % 3) * RADIX_BITS;
    histogram.fill(0);
    for (let i = 0; i < count; i++) histogram[(word[i] >>> shift) & RADIX_MASK]++;
    if (count === 0 || histogram[(word[0] >>> shift) & RADIX_MASK] === count) continue;
    let sum = 0;
    for (let digit = 0; digit < RADIX; digit++) {
      const n = histogram[digit];
      histogram[digit] = sum;
      sum += n;
    }
    for (let i = 0; i < count; i++) {
      const row = order[i];
      scratch[histogram[(word[row] >>> shift) & RADIX_MASK]++] = row;
    }
    const swap = order;
    order = scratch;
    scratch = swap;
  }
  return order;
}

export function buildAddressIndex(objects: ObjectTable): AddressIndex {
  const objectRow = sortByAddress(objects.addressLo, objects.addressHi);
  const count = objects.count;
  const addressLo = new Uint32Array(count);
  const addressHi = new Uint32Array(count);
  const size = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const row = objectRow[i];
    addressLo[i] = objects.addressLo[row];
    addressHi[i] = objects.addressHi[row];
    size[i] = objects.size[row];
  }
  return { objectCount: count, objectRow, addressLo, addressHi, size };
}

/**
 * For each pointer value (valueLo[i], valueHi[i]), the objectIndex of the object whose
 * [address, address + size) holds it, or -1. When objects overlap (only in a corrupt dump)
 * the one with the highest start at or below the value is the only one considered.
 * This is the hot lookup of graph building; the native and wasm backends implement the same
 * function, and the differential tests hold them to this one.
 */
export function resolvePointersJs(index: AddressIndex, valueLo: Uint32Array, valueHi: Uint32Array,
                                  out: Int32Array): void {
  const { addressLo, addressHi, size, objectCount } = index;
  for (let i = 0; i < valueLo.length; i++) {
    const lo = valueLo[i];
    const hi = valueHi[i];
    // The last object whose start is <= value.
    let low = 0;
    let high = objectCount;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const midHi = addressHi[mid];
      if (midHi < hi || (midHi === hi && addressLo[mid] <= lo)) low = mid + 1;
      else high = mid;
    }
    const candidate = low - 1;
    let target = -1;
    if (candidate >= 0) {
      // value - start, exactly, as long as it is below 2^32 (sizes are u32).
      const startHi = addressHi[candidate];
      const startLo = addressLo[candidate];
      let delta = -1;
      if (hi === startHi) delta = lo - startLo;
      else if (hi === startHi + 1) delta = lo + 4294967296 - startLo;
      if (delta >= 0 && delta < size[candidate]) target = candidate;
    }
    out[i] = target;
  }
}
