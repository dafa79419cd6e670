// The js reference decoder: docs/decoder-abi.md in plain code. The native and wasm backends
// are tested against it, so it favours being obviously right over being fast.

import type { Backend, WindowDecoder, WindowOutput } from '../backend';
import {
  DecodeStatus, HCHAN_SIZE_LIMIT, MAX_BLOB_LENGTH, MEMSTATS_FIELD_COUNT, QUIRK_NAME_LIMIT,
  RecordTag, StateIndex, TAG_COUNT, THECHAR_MIN,
} from '../status';
import { JsPointerResolver } from '../../graph/address-index';
import { pointerWordCount } from '../field-kinds';
import { OutputColumns } from './output';

const TWO_POW_32 = 4294967296;

/** Thrown inside a window to stop at the current record; caught once per window. */
class Stop {
  constructor(readonly status: DecodeStatus, readonly position: number) {}
}

/** What a pointer-word list belongs to: frames drop words past their contents, others fail. */
const enum Owner { Object, Segment, Frame }

class JsWindowDecoder implements WindowDecoder {
  private readonly out = new OutputColumns();
  private bytes = new Uint8Array(0);
  private view = new DataView(this.bytes.buffer);
  private end = 0;
  private pos = 0;
  private base = 0;
  private headerVersion = 0;
  private ptrSize = 0;
  private littleEndian = true;
  // The last varint read, as exact 32-bit halves.
  private lo = 0;
  private hi = 0;

  decodeWindow(window: Uint8Array, windowOffset: number, state: Int32Array): WindowOutput {
    const out = this.out;
    out.reset();
    this.bytes = window;
    this.view = new DataView(window.buffer, window.byteOffset, window.byteLength);
    this.end = window.length;
    this.pos = 0;
    this.base = windowOffset;
    this.headerVersion = state[StateIndex.HeaderVersion];

    for (;;) {
      const recordStart = this.pos;
      if (recordStart === this.end) {
        return this.finish(DecodeStatus.WindowEnd, recordStart, recordStart, -1);
      }
      const objects = out.objectCount;
      const fields = out.fieldCount;
      const words = out.streamLength;
      let tag = -1;
      try {
        this.varint();
        if (this.hi !== 0 || this.lo >= TAG_COUNT) throw new Stop(DecodeStatus.BadTag, recordStart);
        tag = this.lo;
        const paramsSeen = state[StateIndex.ParamsSeen] !== 0;
        if (!paramsSeen && tag !== RecordTag.Params) throw new Stop(DecodeStatus.ParamsNotFirst, recordStart);
        if (paramsSeen && tag === RecordTag.Params) throw new Stop(DecodeStatus.DuplicateParams, recordStart);
        this.ptrSize = state[StateIndex.PtrSize];
        this.littleEndian = state[StateIndex.BigEndian] === 0;
        if (tag === RecordTag.Object && this.headerVersion !== 13) {
          this.object();
        } else {
          this.beginRecord(tag, recordStart);
          this.recordBody(tag, state);
        }
      } catch (e) {
        if (!(e instanceof Stop)) throw e;
        out.objectCount = objects;
        out.fieldCount = fields;
        out.streamLength = words;
        return this.finish(e.status, recordStart, e.position, tag);
      }
      if (tag === RecordTag.Eof) {
        state[StateIndex.EofSeen] = 1;
        return this.finish(DecodeStatus.Done, this.pos, this.pos, -1);
      }
    }
  }

  close(): void {
    this.bytes = new Uint8Array(0);
  }

  private finish(status: DecodeStatus, consumed: number, position: number, tag: number): WindowOutput {
    const stopped = status !== DecodeStatus.Done && status !== DecodeStatus.WindowEnd;
    return this.out.view({
      status,
      consumed,
      errorOffset: this.base + position,
      errorTag: stopped ? tag : -1,
      recordOffset: this.base + consumed,
    });
  }

  // ---- primitives ----

  /** Reads a uvarint into this.lo / this.hi (binary.Uvarint's rules). */
  private varint(): void {
    const bytes = this.bytes;
    const start = this.pos;
    let pos = start;
    let lo = 0;
    let hi = 0;
    for (let index = 0; ; index++) {
      if (pos >= this.end) throw new Stop(DecodeStatus.NeedMore, start);
      const b = bytes[pos++];
      if (index === 9) {
        if (b > 1) throw new Stop(DecodeStatus.VarintOverflow, start);
        hi |= b << 31;
        break;
      }
      const bits = b & 0x7f;
      const shift = 7 * index;
      if (shift < 32) {
        lo |= bits << shift;
        if (shift > 25) hi |= bits >>> (32 - shift);
      } else {
        hi |= bits << (shift - 32);
      }
      if (b < 0x80) break;
    }
    this.pos = pos;
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  private lastIsZero(): boolean {
    return this.lo === 0 && this.hi === 0;
  }

  /** Reads a uvarint and appends it to the stream as two words. */
  private u(): void {
    this.varint();
    this.out.word(this.lo);
    this.out.word(this.hi);
  }

  /** Reads a bool and appends 0 or 1. */
  private b(): void {
    this.varint();
    this.out.word(this.lo !== 0 || this.hi !== 0 ? 1 : 0);
  }

  private offsetWords(position: number): void {
    const absolute = this.base + position;
    this.out.word(absolute >>> 0);
    this.out.word(Math.floor(absolute / TWO_POW_32));
  }

  /** Reads a blob length and skips its bytes; returns the blob's window position. */
  private blob(): number {
    const lengthStart = this.pos;
    this.varint();
    if (this.hi !== 0 || this.lo >= MAX_BLOB_LENGTH) throw new Stop(DecodeStatus.LengthTooLarge, lengthStart);
    const length = this.lo;
    if (this.end - this.pos < length) throw new Stop(DecodeStatus.NeedMoreBlob, lengthStart);
    const start = this.pos;
    this.pos += length;
    return start;
  }

  /** Reads a string or blob and appends (offsetLo, offsetHi, length). */
  private s(): number {
    const start = this.blob();
    this.offsetWords(start);
    this.out.word(this.pos - start);
    return start;
  }

  private absentString(): void {
    this.out.word(0);
    this.out.word(0);
    this.out.word(0);
  }

  private beginRecord(tag: number, recordStart: number): void {
    this.out.word(tag);
    this.offsetWords(recordStart);
  }

  /** Reads the pointer-sized word at window position `at` into this.lo / this.hi. */
  private pointerWord(at: number): void {
    const view = this.view;
    if (this.ptrSize === 4) {
      this.lo = view.getUint32(at, this.littleEndian);
      this.hi = 0;
    } else if (this.littleEndian) {
      this.lo = view.getUint32(at, true);
      this.hi = view.getUint32(at + 4, true);
    } else {
      this.hi = view.getUint32(at, false);
      this.lo = view.getUint32(at + 4, false);
    }
  }

  /**
   * Reads a field list describing the blob at window position `blobStart` of `blobLength`
   * bytes and emits one (offset, valueLo, valueHi) per pointer word through `emit`.
   * Returns the number of words emitted.
   */
  private pointerWords(blobStart: number, blobLength: number, owner: Owner,
                       emit: (offset: number, lo: number, hi: number) => void): number {
    const ptrSize = this.ptrSize;
    let emitted = 0;
    for (;;) {
      const kindStart = this.pos;
      this.varint();
      if (this.lo === 0 && this.hi === 0) return emitted;
      const wordCount = this.hi === 0 ? pointerWordCount(this.lo, this.headerVersion) : 0;
      if (wordCount === 0) throw new Stop(DecodeStatus.BadFieldKind, kindStart);
      const offsetStart = this.pos;
      this.varint();
      // Offsets at or past 2^32 are past any blob (blobs are < 2^31 bytes).
      const first = this.hi === 0 ? this.lo : Infinity;
      for (let word = 0; word < wordCount; word++) {
        const offset = first + word * ptrSize;
        if (offset + ptrSize > blobLength) {
          if (owner === Owner.Frame) continue;
          throw new Stop(DecodeStatus.FieldOutOfBounds, offsetStart);
        }
        this.pointerWord(blobStart + offset);
        emit(offset, this.lo, this.hi);
        emitted++;
      }
    }
  }

  /** A pointer-word list appended to the stream: count, then (offset, lo, hi) each. */
  private P(blobStart: number, blobLength: number, owner: Owner): void {
    const out = this.out;
    const countAt = out.streamLength;
    out.word(0);
    const count = this.pointerWords(blobStart, blobLength, owner, (offset, lo, hi) => {
      out.word(offset);
      out.word(lo);
      out.word(hi);
    });
    out.stream[countAt] = count;
  }

  // ---- records ----

  /** An Object record of headerVersion 14–17: the object and field columns. */
  private object(): void {
    const out = this.out;
    this.varint();
    const addressLo = this.lo;
    const addressHi = this.hi;
    const start = this.blob();
    const length = this.pos - start;
    const count = this.pointerWords(start, length, Owner.Object, (offset, lo, hi) => out.pushField(offset, lo, hi));
    let firstLo = 0;
    let firstHi = 0;
    if (length >= this.ptrSize) {
      this.pointerWord(start);
      firstLo = this.lo;
      firstHi = this.hi;
    }
    out.reserveObject();
    const row = out.objectCount;
    out.objectAddressLo[row] = addressLo;
    out.objectAddressHi[row] = addressHi;
    out.objectSize[row] = length;
    out.objectContentOffset[row] = this.base + start;
    out.objectFirstWordLo[row] = firstLo;
    out.objectFirstWordHi[row] = firstHi;
    out.objectFieldCount[row] = count;
    out.objectCount = row + 1;
  }

  private recordBody(tag: number, state: Int32Array): void {
    switch (tag) {
      case RecordTag.Eof:
        return;
      case RecordTag.Object: { // go1.3 family only
        this.u();
        this.u();
        this.u();
        const start = this.s();
        const length = this.pos - start;
        if (length >= this.ptrSize) this.pointerWord(start);
        else this.lo = this.hi = 0;
        this.out.word(this.lo);
        this.out.word(this.hi);
        return;
      }
      case RecordTag.OtherRoot:
        this.s();
        this.u();
        return;
      case RecordTag.Type:
        return this.type(state);
      case RecordTag.Goroutine:
        this.u(); this.u(); this.u(); this.u(); this.u();
        this.b(); this.b();
        this.u();
        this.s();
        this.u(); this.u(); this.u(); this.u();
        return;
      case RecordTag.StackFrame: {
        this.u(); this.u(); this.u();
        const start = this.s();
        const length = this.pos - start;
        this.u(); this.u(); this.u();
        this.s();
        this.P(start, length, Owner.Frame);
        return;
      }
      case RecordTag.Params:
        return this.params(state);
      case RecordTag.Finalizer:
      case RecordTag.QueuedFinalizer:
        this.u(); this.u(); this.u(); this.u(); this.u();
        return;
      case RecordTag.Itab:
        this.u();
        if (this.headerVersion === 13) {
          this.b(); // go1.3: "data word is a pointer", kept as a u of 0 or 1
          this.out.word(0);
        } else {
          this.u();
        }
        return;
      case RecordTag.OSThread:
        this.u(); this.u(); this.u();
        return;
      case RecordTag.MemStats:
        for (let i = 0; i < MEMSTATS_FIELD_COUNT; i++) this.u();
        return;
      case RecordTag.Data:
      case RecordTag.BSS: {
        this.u();
        const start = this.s();
        this.P(start, this.pos - start, Owner.Segment);
        return;
      }
      case RecordTag.Defer:
        for (let i = 0; i < 7; i++) this.u();
        return;
      case RecordTag.Panic:
        for (let i = 0; i < 6; i++) this.u();
        return;
      case RecordTag.MemProf: {
        this.u(); this.u();
        this.u();
        // The frame count only bounds a loop that reads bytes; it never sizes anything.
        const frames = this.hi * TWO_POW_32 + this.lo;
        for (let i = 0; i < frames; i++) {
          this.s(); this.s(); this.u();
        }
        this.u(); this.u();
        return;
      }
      case RecordTag.AllocSample:
        this.u(); this.u();
        return;
    }
  }

  private type(state: Int32Array): void {
    const out = this.out;
    this.u();
    this.u();
    const lengthStart = this.pos;
    this.varint();
    const quirk = (this.headerVersion === 15 || this.headerVersion === 16)
      && (this.hi !== 0 || this.lo > QUIRK_NAME_LIMIT);
    if (quirk) {
      // FORMAT.md §7.2: the declared length is garbage; the name ends at a '.' followed by
      // the ptrData bool and the next record's tag.
      const scanStart = this.pos;
      const bytes = this.bytes;
      let p = scanStart;
      for (;; p++) {
        if (p - scanStart >= QUIRK_NAME_LIMIT) throw new Stop(DecodeStatus.BadTypeName, lengthStart);
        if (p + 2 >= this.end) throw new Stop(DecodeStatus.NeedMoreBlob, lengthStart);
        const next = bytes[p + 2];
        if (bytes[p] === 0x2e && bytes[p + 1] <= 1 && (next === 1 || next === 3 || next === 8)) break;
      }
      this.offsetWords(scanStart);
      out.word(p + 1 - scanStart);
      out.word(bytes[p + 1]);
      out.word(1);
      this.pos = p + 2;
    } else {
      if (this.hi !== 0 || this.lo >= MAX_BLOB_LENGTH) throw new Stop(DecodeStatus.LengthTooLarge, lengthStart);
      const length = this.lo;
      if (this.end - this.pos < length) throw new Stop(DecodeStatus.NeedMoreBlob, lengthStart);
      this.offsetWords(this.pos);
      out.word(length);
      this.pos += length;
      this.b();
      out.word(0);
    }
    const countAt = out.streamLength;
    out.word(0);
    if (state[StateIndex.TypeFields] === 0) return;
    let count = 0;
    for (;;) {
      this.varint();
      if (this.lo === 0 && this.hi === 0) break;
      out.word(this.lo);
      this.u();
      count++;
    }
    out.stream[countAt] = count;
  }

  private params(state: Int32Array): void {
    const out = this.out;
    this.b();
    const bigEndian = out.stream[out.streamLength - 1];
    const sizeStart = this.pos;
    this.varint();
    if (this.hi !== 0 || (this.lo !== 4 && this.lo !== 8)) throw new Stop(DecodeStatus.BadPtrSize, sizeStart);
    const ptrSize = this.lo;
    out.word(ptrSize);
    out.word(0);
    let typeFields = 0;
    if (this.headerVersion === 13) {
      this.varint();
      if (this.hi === 0 && this.lo < HCHAN_SIZE_LIMIT) {
        out.word(this.lo); out.word(0); // hchanSize
        this.u(); // heapStart
      } else {
        out.word(0); out.word(0); // no hchanSize in 1.4 development snapshots
        out.word(this.lo); out.word(this.hi); // heapStart
      }
      this.u(); // heapEnd
      this.u(); // thechar
      typeFields = this.lastIsZero() ? 0 : 1; // gccgo writes thechar 0 and no type fields
      this.absentString();
    } else if (this.headerVersion === 17) {
      out.word(0); out.word(0);
      this.u(); this.u();
      const archStart = this.pos;
      this.varint();
      if (this.hi !== 0 || this.lo >= THECHAR_MIN) {
        out.word(this.lo); out.word(this.hi); // thechar of early Go 1.7 builds
        this.absentString();
      } else {
        const length = this.lo;
        if (this.end - this.pos < length) throw new Stop(DecodeStatus.NeedMoreBlob, archStart);
        out.word(0); out.word(0);
        this.offsetWords(this.pos);
        out.word(length);
        this.pos += length;
      }
    } else {
      out.word(0); out.word(0);
      this.u(); this.u(); this.u();
      this.absentString();
    }
    this.s(); // experiment or version
    this.u(); // ncpu
    state[StateIndex.ParamsSeen] = 1;
    state[StateIndex.PtrSize] = ptrSize;
    state[StateIndex.BigEndian] = bigEndian;
    state[StateIndex.TypeFields] = typeFields;
  }
}

export const jsBackend: Backend = {
  name: 'js',
  createDecoder: () => new JsWindowDecoder(),
  createResolver: (objects) => new JsPointerResolver(objects),
};
