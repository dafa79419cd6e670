// The string table: every name, file and description of a dump, each distinct byte string
// stored once in one byte pool and decoded to a JavaScript string only when asked for.

import { Column, u32Column } from './columns';

export class StringTable {
  private readonly decoded: (string | undefined)[];
  private readonly decoder = new TextDecoder('utf-8');

  constructor(
    /** All string bytes, back to back. */
    readonly bytes: Uint8Array,
    /** String i is bytes[start[i], start[i + 1]). */
    readonly start: Uint32Array,
  ) {
    this.decoded = new Array(start.length - 1);
  }

  get count(): number {
    return this.start.length - 1;
  }

  get(index: number): string {
    let text = this.decoded[index];
    if (text === undefined) {
      text = this.decoder.decode(this.bytes.subarray(this.start[index], this.start[index + 1]));
      this.decoded[index] = text;
    }
    return text;
  }

  /** The raw bytes of string `index` (names need not be valid UTF-8). */
  raw(index: number): Uint8Array {
    return this.bytes.subarray(this.start[index], this.start[index + 1]);
  }
}

export class StringTableBuilder {
  private readonly pool = new Column(Uint8Array, 4096);
  private readonly start = u32Column();
  private readonly index = new Map<string, number>();

  constructor() {
    this.start.push(0);
  }

  /** Adds window[at, at + length) and returns its index; equal byte strings share one. */
  add(window: Uint8Array, at: number, length: number): number {
    const bytes = window.subarray(at, at + length);
    const key = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
    const known = this.index.get(key);
    if (known !== undefined) return known;
    const id = this.start.length - 1;
    this.pool.append(bytes);
    this.start.push(this.pool.length);
    this.index.set(key, id);
    return id;
  }

  finish(): StringTable {
    return new StringTable(this.pool.finish(), this.start.finish());
  }
}
