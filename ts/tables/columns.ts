// Growable typed-array columns. A builder doubles its capacity when full and `finish()` trims
// it, so memory follows what was decoded. 64-bit columns are written as two u32 halves into
// the buffer of a BigUint64Array (little-endian hosts only), which avoids a BigInt per value.

import { endianness } from 'os';

if (endianness() !== 'LE') {
  throw new Error('goheap: 64-bit columns assume a little-endian host');
}

type Growable = Uint8Array | Int32Array | Uint32Array | Float64Array;
type Constructor<T> = { new (length: number): T };

const INITIAL_CAPACITY = 256;

export class Column<T extends Growable> {
  length = 0;
  data: T;

  constructor(private readonly type: Constructor<T>, capacity = INITIAL_CAPACITY) {
    this.data = new type(Math.max(capacity, 1));
  }

  /** Makes room for `extra` more values. */
  reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.data.length) return;
    let capacity = this.data.length * 2;
    while (capacity < needed) capacity *= 2;
    const next = new this.type(capacity);
    next.set(this.data.subarray(0, this.length) as never);
    this.data = next;
  }

  push(value: number): void {
    if (this.length === this.data.length) this.reserve(1);
    this.data[this.length++] = value;
  }

  append(values: T): void {
    this.reserve(values.length);
    this.data.set(values as never, this.length);
    this.length += values.length;
  }

  /** The values, trimmed to length (a copy only when the capacity is larger). */
  finish(): T {
    return this.length === this.data.length ? this.data : (this.data.slice(0, this.length) as T);
  }
}

/** A column of exact unsigned 64-bit values, fed as 32-bit halves. */
export class U64Column {
  private readonly halves = new Column(Uint32Array);

  get length(): number {
    return this.halves.length >>> 1;
  }

  push(lo: number, hi: number): void {
    this.halves.reserve(2);
    const data = this.halves.data;
    data[this.halves.length] = lo;
    data[this.halves.length + 1] = hi;
    this.halves.length += 2;
  }

  finish(): BigUint64Array {
    const halves = this.halves.finish();
    return new BigUint64Array(halves.buffer, halves.byteOffset, halves.length >>> 1);
  }
}

export const u8Column = (): Column<Uint8Array> => new Column(Uint8Array);
export const i32Column = (): Column<Int32Array> => new Column(Int32Array);
export const u32Column = (): Column<Uint32Array> => new Column(Uint32Array);
export const f64Column = (): Column<Float64Array> => new Column(Float64Array);
