// Byte sources: a path, a Buffer/Uint8Array or a readable stream, gzip or not (detected by
// its magic bytes). A source fills a caller's buffer, so the dump is never held whole.

import { createReadStream, promises as fs } from 'fs';
import { Readable } from 'stream';
import { createGunzip } from 'zlib';

export type DumpSource = string | Uint8Array | NodeJS.ReadableStream;

export interface ByteSource {
  /** Fills buffer[at, at + max) as far as it can; 0 means the input has ended. */
  read(buffer: Uint8Array, at: number, max: number): Promise<number>;
  /** Bytes of input consumed so far and in all, for progress (compressed bytes for gzip). */
  progress(): { done: number; total: number | null };
  /** The dump's size when known before reading it all (a plain file or buffer), else null. */
  readonly dumpBytes: number | null;
  close(): Promise<void>;
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1;
}

/** Reads a plain file straight into the caller's buffer. */
class FileSource implements ByteSource {
  private position = 0;
  readonly dumpBytes: number;
  constructor(private readonly file: fs.FileHandle, private readonly size: number) {
    this.dumpBytes = size;
  }

  async read(buffer: Uint8Array, at: number, max: number): Promise<number> {
    let total = 0;
    while (total < max) {
      const { bytesRead } = await this.file.read(buffer, at + total, max - total, this.position);
      if (bytesRead === 0) break;
      this.position += bytesRead;
      total += bytesRead;
    }
    return total;
  }

  progress() {
    return { done: this.position, total: this.size };
  }

  close(): Promise<void> {
    return this.file.close();
  }
}

/** Copies from a byte array already in memory. */
class MemorySource implements ByteSource {
  private position = 0;
  readonly dumpBytes: number;
  constructor(private readonly bytes: Uint8Array) {
    this.dumpBytes = bytes.length;
  }

  async read(buffer: Uint8Array, at: number, max: number): Promise<number> {
    const count = Math.min(max, this.bytes.length - this.position);
    buffer.set(this.bytes.subarray(this.position, this.position + count), at);
    this.position += count;
    return count;
  }

  progress() {
    return { done: this.position, total: this.bytes.length };
  }

  async close(): Promise<void> {}
}

/** Pulls chunks from a stream (async iteration applies the stream's back-pressure). */
class StreamSource implements ByteSource {
  private readonly chunks: AsyncIterator<Uint8Array>;
  private pending: Uint8Array | null = null;
  private ended = false;
  readonly dumpBytes = null;

  constructor(
    private readonly stream: Readable,
    private readonly measure: () => { done: number; total: number | null },
  ) {
    this.chunks = stream[Symbol.asyncIterator]();
  }

  async read(buffer: Uint8Array, at: number, max: number): Promise<number> {
    let total = 0;
    while (total < max) {
      if (this.pending === null) {
        if (this.ended) break;
        let next: IteratorResult<Uint8Array>;
        try {
          next = await this.chunks.next();
        } catch (error) {
          // A cut-off or damaged gzip stream ends the input where it broke; the decoder then
          // reports the dump as truncated there (or salvages what came before).
          if (!isZlibError(error)) throw error;
          this.ended = true;
          break;
        }
        if (next.done) {
          this.ended = true;
          break;
        }
        this.pending = toBytes(next.value);
        continue;
      }
      const count = Math.min(max - total, this.pending.length);
      buffer.set(this.pending.subarray(0, count), at + total);
      total += count;
      this.pending = count === this.pending.length ? null : this.pending.subarray(count);
    }
    return total;
  }

  progress() {
    return this.measure();
  }

  async close(): Promise<void> {
    this.stream.destroy();
  }
}

function gunzipOf(raw: Readable): Readable {
  const gunzip = createGunzip();
  raw.on('error', (error) => gunzip.destroy(error));
  raw.pipe(gunzip);
  return gunzip;
}

/** The chunks of an iterator, with the one already taken put back in front, counted. */
async function* counted(first: Uint8Array, rest: AsyncIterator<unknown>, count: (n: number) => void) {
  count(first.length);
  yield first;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    const chunk = toBytes(next.value);
    count(chunk.length);
    yield chunk;
  }
}

function isZlibError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

function toBytes(chunk: unknown): Uint8Array {
  return typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array);
}

export async function openSource(source: DumpSource): Promise<ByteSource> {
  if (typeof source === 'string') {
    const file = await fs.open(source, 'r');
    let gzip = false;
    try {
      const { size } = await file.stat();
      const head = new Uint8Array(2);
      await file.read(head, 0, 2, 0);
      gzip = isGzip(head);
      if (!gzip) return new FileSource(file, size);
    } finally {
      if (gzip) await file.close();
    }
    const { size } = await fs.stat(source);
    const raw = createReadStream(source, { highWaterMark: 1 << 20 });
    return new StreamSource(gunzipOf(raw), () => ({ done: raw.bytesRead, total: size }));
  }
  if (source instanceof Uint8Array) {
    if (!isGzip(source)) return new MemorySource(source);
    return new StreamSource(gunzipOf(Readable.from([source])), () => ({ done: 0, total: null }));
  }
  const iterator = (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  // Gather at least the two magic bytes, however small the first chunks are.
  let head = new Uint8Array(0);
  while (head.length < 2) {
    const next = await iterator.next();
    if (next.done) break;
    head = Buffer.concat([head, toBytes(next.value)]);
  }
  let done = 0;
  const chunks = Readable.from(counted(head, iterator, (n) => { done += n; }));
  const measure = () => ({ done, total: null });
  return new StreamSource(isGzip(head) ? gunzipOf(chunks) : chunks, measure);
}
