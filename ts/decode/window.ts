// The read window: the part of the dump a backend sees at once. It starts at a record
// boundary; when the record at its start does not fit, the window grows (doubling, and only
// ever filled with real input, so a huge declared length cannot make it allocate), otherwise
// what is left of it moves to the front and more input is read behind it.

import type { ByteSource } from './source';

/** No record may need a window larger than this (blobs are < 2 GiB; a few fields besides). */
export const MAX_WINDOW_SIZE = 2 ** 31 + (1 << 20);
export const MIN_WINDOW_SIZE = 64;

export class DumpWindow {
  private bytes: Uint8Array;
  private start = 0;
  private filled = 0;
  /** Dump offset of bytes[0]. */
  private offset = 0;
  /** True once the input has no more bytes. */
  ended = false;

  private constructor(private readonly input: ByteSource, capacity: number) {
    this.bytes = new Uint8Array(Math.max(MIN_WINDOW_SIZE, Math.floor(capacity)));
  }

  /** A window of `capacity` bytes, filled from the start of the input. */
  static async open(input: ByteSource, capacity: number): Promise<DumpWindow> {
    const window = new DumpWindow(input, capacity);
    await window.fill();
    return window;
  }

  /** The bytes not consumed yet. Valid until the next refill(). */
  view(): Uint8Array {
    return this.bytes.subarray(this.start, this.filled);
  }

  /** Dump offset of view()[0]. */
  get viewOffset(): number {
    return this.offset + this.start;
  }

  /** Dump offset just past the bytes read so far. */
  get readOffset(): number {
    return this.offset + this.filled;
  }

  /** Marks `bytes` of the view as decoded. */
  consume(bytes: number): void {
    this.start += bytes;
  }

  /**
   * Makes room for more input (moving the unconsumed bytes to the front, or doubling when they
   * already fill the window) and reads. Returns false, reading nothing, when the window would
   * have to grow past MAX_WINDOW_SIZE.
   */
  async refill(): Promise<boolean> {
    if (this.start === 0 && this.filled === this.bytes.length) {
      if (this.bytes.length >= MAX_WINDOW_SIZE) return false;
      const grown = new Uint8Array(Math.min(this.bytes.length * 2, MAX_WINDOW_SIZE));
      grown.set(this.bytes.subarray(0, this.filled));
      this.bytes = grown;
    } else if (this.start > 0) {
      this.bytes.copyWithin(0, this.start, this.filled);
      this.filled -= this.start;
      this.offset += this.start;
      this.start = 0;
    }
    await this.fill();
    return true;
  }

  private async fill(): Promise<void> {
    const room = this.bytes.length - this.filled;
    const read = await this.input.read(this.bytes, this.filled, room);
    this.filled += read;
    this.ended = read < room;
  }
}
