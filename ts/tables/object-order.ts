// Objects are kept in address order: the runtime writes them span by span (allspans order,
// not address order), and every lookup from a pointer value to its object wants them sorted.
// Sorting the table itself, once, saves the graph a second copy of the address columns.

const RADIX_BITS = 11;
const RADIX = 1 << RADIX_BITS;
const RADIX_MASK = RADIX - 1;

/**
 * Row numbers sorted by the 64-bit key (hi, lo), stable: an LSD radix sort in 11-bit digits
 * that skips the digits every row shares (most of the high word, in a real heap).
 * Returns null when the rows are already in order.
 */
export function addressOrder(lo: Uint32Array, hi: Uint32Array): Uint32Array | null {
  const count = lo.length;
  let sorted = true;
  for (let i = 1; i < count && sorted; i++) {
    sorted = hi[i - 1] < hi[i] || (hi[i - 1] === hi[i] && lo[i - 1] <= lo[i]);
  }
  if (sorted) return null;
  let order = new Uint32Array(count);
  let scratch = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  const histogram = new Uint32Array(RADIX);
  // Six passes cover 64 bits: three over the low word (11 + 11 + 10 bits), three over the high.
  for (let pass = 0; pass < 6; pass++) {
    const word = pass < 3 ? lo : hi;
    const shift = (pass % 3) * RADIX_BITS;
    histogram.fill(0);
    for (let i = 0; i < count; i++) histogram[(word[i] >>> shift) & RADIX_MASK]++;
    if (histogram[(word[0] >>> shift) & RADIX_MASK] === count) continue;
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

type Column = Uint8Array | Uint32Array | Float64Array | BigUint64Array;

/** column[order[i]] for every i, as a new column of the same type. */
export function permuted<T extends Column>(column: T, order: Uint32Array): T {
  if (column.length === 0) return column;
  const out = new (column.constructor as { new (n: number): T })(order.length);
  for (let i = 0; i < order.length; i++) out[i] = column[order[i]];
  return out;
}

/**
 * A CSR list (first index per row + parallel value columns) with its rows taken in `order`.
 * Returns the new first-index column and the new value columns.
 */
export function permutedCsr(first: Uint32Array, columns: Uint32Array[], order: Uint32Array): [Uint32Array, Uint32Array[]] {
  const rows = order.length;
  const nextFirst = new Uint32Array(rows + 1);
  for (let i = 0; i < rows; i++) nextFirst[i + 1] = nextFirst[i] + (first[order[i] + 1] - first[order[i]]);
  // Plain loops: a subarray per row would allocate tens of millions of views.
  const nextColumns = columns.map((column) => {
    const out = new Uint32Array(column.length);
    let to = 0;
    for (let i = 0; i < rows; i++) {
      const row = order[i];
      for (let from = first[row], end = first[row + 1]; from < end; from++) out[to++] = column[from];
    }
    return out;
  });
  return [nextFirst, nextColumns];
}
