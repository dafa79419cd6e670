// Reading object, frame and segment bytes back from the dump by file offset. The tables keep
// only `contentOffset` (ARCHITECTURE.md "Data flow"); type recovery needs a few words of
// contents, read here. Plain files are read in blocks through one file descriptor; a gzipped
// dump is decompressed once into memory, bounded by the decoded length the tables recorded
// (`dumpBytes`), so a lying gzip stream cannot make it allocate more.

import * as fs from 'fs';
import * as zlib from 'zlib';

/** Bytes read per block from a plain file; type recovery walks objects in file order. */
const BLOCK_BYTES = 1 << 20;

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

export interface DumpContents {
  /** The pointer-sized word at file offset `offset`, exact; null past the end of the dump. */
  word(offset: number): bigint | null;
  /** `length` bytes at `offset` (a view that may be reused by the next read), or null. */
  bytes(offset: number, length: number): Uint8Array | null;
  close(): void;
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1;
}

class MemoryContents implements DumpContents {
  private readonly view: DataView;

  constructor(private readonly data: Uint8Array, private readonly ptrSize: 4 | 8,
              private readonly bigEndian: boolean) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  word(offset: number): bigint | null {
    if (offset < 0 || offset + this.ptrSize > this.data.length) return null;
    return this.ptrSize === 8
      ? this.view.getBigUint64(offset, !this.bigEndian)
      : BigInt(this.view.getUint32(offset, !this.bigEndian));
  }

  bytes(offset: number, length: number): Uint8Array | null {
    if (offset < 0 || offset + length > this.data.length) return null;
    return this.data.subarray(offset, offset + length);
  }

  close(): void {}
}

class FileContents implements DumpContents {
  private readonly block = new Uint8Array(BLOCK_BYTES);
  private blockStart = -1;
  private blockLength = 0;
  private readonly view = new DataView(this.block.buffer);
  private readonly fileBytes: number;

  constructor(private readonly fd: number, private readonly ptrSize: 4 | 8, private readonly bigEndian: boolean) {
    this.fileBytes = fs.fstatSync(fd).size;
  }

  /** Loads the block holding [offset, offset + length); false when it runs past the file. */
  private load(offset: number, length: number): boolean {
    if (offset < 0 || length > BLOCK_BYTES || offset + length > this.fileBytes) return false;
    if (this.blockStart >= 0 && offset >= this.blockStart && offset + length <= this.blockStart + this.blockLength) {
      return true;
    }
    this.blockLength = fs.readSync(this.fd, this.block, 0, BLOCK_BYTES, offset);
    this.blockStart = offset;
    return offset + length <= offset + this.blockLength;
  }

  word(offset: number): bigint | null {
    if (!this.load(offset, this.ptrSize)) return null;
    const at = offset - this.blockStart;
    return this.ptrSize === 8
      ? this.view.getBigUint64(at, !this.bigEndian)
      : BigInt(this.view.getUint32(at, !this.bigEndian));
  }

  bytes(offset: number, length: number): Uint8Array | null {
    if (!this.load(offset, length)) return null;
    const at = offset - this.blockStart;
    return this.block.subarray(at, at + length);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

export interface ContentsOptions {
  ptrSize: 4 | 8;
  bigEndian: boolean;
  /** The decoded dump's length (DumpTables.dumpBytes): the bound for decompression. */
  dumpBytes: number;
}

/** Opens the dump a table set was decoded from (a path or the bytes themselves). */
export function openDumpContents(source: string | Uint8Array, options: ContentsOptions): DumpContents {
  const { ptrSize, bigEndian, dumpBytes } = options;
  const inflate = (bytes: Uint8Array) => zlib.gunzipSync(bytes, { maxOutputLength: Math.max(dumpBytes, 1) });
  if (typeof source !== 'string') {
    return new MemoryContents(isGzip(source) ? inflate(source) : source, ptrSize, bigEndian);
  }
  const fd = fs.openSync(source, 'r');
  const magic = new Uint8Array(2);
  fs.readSync(fd, magic, 0, 2, 0);
  if (!isGzip(magic)) return new FileContents(fd, ptrSize, bigEndian);
  try {
    return new MemoryContents(inflate(fs.readFileSync(fd)), ptrSize, bigEndian);
  } catch (error) {
    // A dump salvaged from a cut gzip stream: keep what inflates.
    const partial = zlib.gunzipSync(fs.readFileSync(source), { finishFlush: zlib.constants.Z_SYNC_FLUSH,
      maxOutputLength: Math.max(dumpBytes, 1) });
    if (partial.length === 0) throw error;
    return new MemoryContents(partial, ptrSize, bigEndian);
  } finally {
    fs.closeSync(fd);
  }
}
