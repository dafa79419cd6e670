// Turns the outputs of window calls into DumpTables. The object columns are copied in bulk;
// the record stream (docs/decoder-abi.md) is read word by word, one record at a time.

import type { BackendName, WindowOutput } from '../decode/backend';
import { MEMSTATS_FIELD_COUNT, RECORD_NAMES, RecordTag, TAG_COUNT, type RecordName } from '../decode/status';
import { Column, f64Column, i32Column, U64Column, u32Column, u8Column } from './columns';
import {
  SPECS, type DumpParams, type DumpTables, type FormatVersion, type ObjectTable, type PointerWords,
  type RecordSpec, type SalvageReport, type TableOf,
} from './dump-tables';
import { go13PointerWords, type Go13Type } from './go13-layout';
import { addressOrder, permuted, permutedCsr } from './object-order';
import { StringTableBuilder } from './strings';

const TWO_POW_32 = 4294967296;

/** Old toolchain letters (Params "thechar") and the GOARCH they stand for. */
const THECHAR_ARCH: Record<number, string> = {
  0x35: 'arm', 0x36: 'amd64', 0x37: 'arm64', 0x38: '386', 0x39: 'ppc64', 0x30: 'mips64', 0x7a: 's390x',
};

/** Reads the words of one record out of the stream; strings go to the string table. */
class StreamCursor {
  stream = new Uint32Array(0);
  at = 0;
  window = new Uint8Array(0);
  windowOffset = 0;

  constructor(readonly strings: StringTableBuilder) {}

  word(): number {
    return this.stream[this.at++];
  }

  /** A uvarint as a number (exact below 2^53). */
  number(): number {
    const lo = this.stream[this.at];
    const hi = this.stream[this.at + 1];
    this.at += 2;
    return hi * TWO_POW_32 + lo;
  }

  bigint(): bigint {
    const lo = this.stream[this.at];
    const hi = this.stream[this.at + 1];
    this.at += 2;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** A file offset as a number. */
  offset(): number {
    return this.number();
  }

  // Absent strings (docs/decoder-abi.md) are offset 0, length 0: never look them up in the window.
  string(): number {
    const offset = this.offset();
    const length = this.word();
    return this.strings.add(this.window, length === 0 ? 0 : offset - this.windowOffset, length);
  }

  text(): string {
    const offset = this.offset();
    const length = this.word();
    if (length === 0) return '';
    const at = offset - this.windowOffset;
    return Buffer.from(this.window.buffer, this.window.byteOffset + at, length).toString('utf8');
  }
}

/** Builds one table from a RecordSpec. */
class SpecTable<S extends RecordSpec> {
  private readonly columns: (U64Column | Column<Uint8Array> | Column<Uint32Array> | Column<Float64Array>)[];
  count = 0;

  constructor(private readonly spec: S) {
    this.columns = spec.map(([, kind]) => {
      switch (kind) {
        case 'u': return new U64Column();
        case 'b': return u8Column();
        case 'o': return f64Column();
        default: return u32Column();
      }
    });
  }

  read(cursor: StreamCursor): void {
    const spec = this.spec;
    const stream = cursor.stream;
    for (let i = 0; i < spec.length; i++) {
      const column = this.columns[i];
      switch (spec[i][1]) {
        case 'u':
          (column as U64Column).push(stream[cursor.at], stream[cursor.at + 1]);
          cursor.at += 2;
          break;
        case 'b':
        case 'n':
          (column as Column<Uint8Array>).push(cursor.word());
          break;
        case 'o': {
          // A blob: its offset here, its length in the next column.
          (column as Column<Float64Array>).push(cursor.offset());
          break;
        }
        case 's':
          (column as Column<Uint32Array>).push(cursor.string());
          break;
      }
    }
    this.count++;
  }

  finish(): TableOf<S> {
    const table: Record<string, unknown> = { count: this.count };
    this.spec.forEach(([name], i) => {
      table[name] = this.columns[i].finish();
    });
    return table as TableOf<S>;
  }
}

/** Pointer-word lists of stream records (frames, data, bss), CSR. */
class PointerWordsBuilder {
  readonly first = u32Column();
  readonly offset = u32Column();
  readonly valueLo = u32Column();
  readonly valueHi = u32Column();

  constructor() {
    this.first.push(0);
  }

  read(cursor: StreamCursor): void {
    const count = cursor.word();
    const stream = cursor.stream;
    for (let i = 0; i < count; i++) {
      this.offset.push(stream[cursor.at]);
      this.valueLo.push(stream[cursor.at + 1]);
      this.valueHi.push(stream[cursor.at + 2]);
      cursor.at += 3;
    }
    this.first.push(this.offset.length);
  }

  finish(): PointerWords {
    return {
      firstFieldIndex: this.first.finish(),
      fieldOffset: this.offset.finish(),
      fieldValueLo: this.valueLo.finish(),
      fieldValueHi: this.valueHi.finish(),
    };
  }
}

/** The objects table and its pointer words with rows taken in `order`. */
function inAddressOrder(objects: ObjectTable, fields: PointerWords, order: Uint32Array): [ObjectTable, PointerWords] {
  const [firstFieldIndex, [fieldOffset, fieldValueLo, fieldValueHi]] = permutedCsr(
    fields.firstFieldIndex, [fields.fieldOffset, fields.fieldValueLo, fields.fieldValueHi], order);
  return [{
    count: objects.count,
    addressLo: permuted(objects.addressLo, order),
    addressHi: permuted(objects.addressHi, order),
    size: permuted(objects.size, order),
    contentOffset: permuted(objects.contentOffset, order),
    firstWordLo: permuted(objects.firstWordLo, order),
    firstWordHi: permuted(objects.firstWordHi, order),
    typeAddress: permuted(objects.typeAddress, order),
    kind: permuted(objects.kind, order),
  }, { firstFieldIndex, fieldOffset, fieldValueLo, fieldValueHi }];
}

const FORMAT_VERSIONS: Record<number, FormatVersion> = { 13: '1.3', 14: '1.4', 15: '1.5', 16: '1.6', 17: '1.7' };

export class TableBuilder {
  private readonly strings = new StringTableBuilder();
  private readonly cursor = new StreamCursor(this.strings);
  private readonly recordCounts = new Float64Array(TAG_COUNT);
  private params: DumpParams | null = null;

  // Objects.
  private readonly addressLo = u32Column();
  private readonly addressHi = u32Column();
  private readonly size = u32Column();
  private readonly contentOffset = f64Column();
  private readonly firstWordLo = u32Column();
  private readonly firstWordHi = u32Column();
  private readonly objectTypeAddress = new U64Column();
  private readonly objectKind = u8Column();
  private readonly firstFieldIndex = u32Column();
  private readonly fieldOffset = u32Column();
  private readonly fieldValueLo = u32Column();
  private readonly fieldValueHi = u32Column();

  private readonly types = new SpecTable(SPECS.type);
  private readonly typeFieldFirst = u32Column();
  private readonly typeFieldKind = u32Column();
  private readonly typeFieldOffset = new U64Column();
  private readonly goroutines = new SpecTable(SPECS.goroutine);
  private readonly frames = new SpecTable(SPECS.stackFrame);
  private readonly frameWords = new PointerWordsBuilder();
  private readonly frameGoroutine = i32Column();
  private readonly defers = new SpecTable(SPECS.defer);
  private readonly deferGoroutine = i32Column();
  private readonly panics = new SpecTable(SPECS.panic);
  private readonly panicGoroutine = i32Column();
  private readonly osThreads = new SpecTable(SPECS.osThread);
  private readonly data = new SpecTable(SPECS.segment);
  private readonly dataWords = new PointerWordsBuilder();
  private readonly bss = new SpecTable(SPECS.segment);
  private readonly bssWords = new PointerWordsBuilder();
  private readonly finalizers = new SpecTable(SPECS.finalizer);
  private readonly queuedFinalizers = new SpecTable(SPECS.finalizer);
  private readonly itabs = new SpecTable(SPECS.itab);
  private readonly otherRoots = new SpecTable(SPECS.otherRoot);
  private memStats: BigUint64Array | null = null;
  private readonly memProf = new SpecTable(SPECS.memProf);
  private readonly memProfCounts = new SpecTable(SPECS.memProfCounts);
  private readonly memProfFirstFrame = u32Column();
  private readonly memProfFunction = u32Column();
  private readonly memProfFile = u32Column();
  private readonly memProfLine = new U64Column();
  private readonly allocSamples = new SpecTable(SPECS.allocSample);

  /** go1.3 type layouts by address ("hi:lo"), for the pointer words of go1.3 objects. */
  private readonly go13Types = new Map<string, Go13Type>();

  /** The goroutine that frames, defers and panics attach to; -1 after any other record but an object. */
  private currentGoroutine = -1;

  constructor(private readonly header: string, private readonly headerVersion: number) {
    this.firstFieldIndex.push(0);
    this.typeFieldFirst.push(0);
    this.memProfFirstFrame.push(0);
  }

  /** Appends the outputs of one window call; `window` is the window that was decoded. */
  append(out: WindowOutput, window: Uint8Array, windowOffset: number): void {
    const objects = out.objectCount;
    if (objects > 0) {
      this.addressLo.append(out.objectAddressLo);
      this.addressHi.append(out.objectAddressHi);
      this.size.append(out.objectSize);
      this.contentOffset.append(out.objectContentOffset);
      this.firstWordLo.append(out.objectFirstWordLo);
      this.firstWordHi.append(out.objectFirstWordHi);
      const first = this.firstFieldIndex;
      first.reserve(objects);
      let next = first.data[first.length - 1];
      const counts = out.objectFieldCount;
      for (let i = 0; i < objects; i++) {
        next += counts[i];
        first.data[first.length++] = next;
      }
      if (next > 0xffffffff) throw new RangeError('goheap: more than 2^32 object pointer words');
      this.recordCounts[RecordTag.Object] += objects;
    }
    if (out.fieldCount > 0) {
      this.fieldOffset.append(out.fieldOffset);
      this.fieldValueLo.append(out.fieldValueLo);
      this.fieldValueHi.append(out.fieldValueHi);
    }
    const cursor = this.cursor;
    cursor.stream = out.stream;
    cursor.at = 0;
    cursor.window = window;
    cursor.windowOffset = windowOffset;
    while (cursor.at < out.streamLength) {
      const tag = cursor.word();
      cursor.at += 2; // record offset
      this.record(tag, cursor);
      this.recordCounts[tag]++;
    }
  }

  private record(tag: number, cursor: StreamCursor): void {
    const goroutine = this.currentGoroutine;
    this.currentGoroutine = -1;
    switch (tag) {
      case RecordTag.Eof:
        return;
      case RecordTag.Object: {
        // Objects are not part of a goroutine's run of records in any version (go1.4+ objects
        // do not even pass through the stream), so they leave the attachment as it was.
        this.currentGoroutine = goroutine;
        this.addressLo.push(cursor.word());
        this.addressHi.push(cursor.word());
        const typeLo = cursor.word();
        const typeHi = cursor.word();
        this.objectTypeAddress.push(typeLo, typeHi);
        const kind = cursor.number();
        this.objectKind.push(kind);
        const contentOffset = cursor.offset();
        const size = cursor.word();
        this.contentOffset.push(contentOffset);
        this.size.push(size);
        this.firstWordLo.push(cursor.word());
        this.firstWordHi.push(cursor.word());
        const at = contentOffset - cursor.windowOffset;
        const params = this.params!;
        go13PointerWords(cursor.window.subarray(at, at + size), kind, this.go13Types.get(`${typeHi}:${typeLo}`),
          params.hchanSize, params.ptrSize, params.bigEndian, (offset, lo, hi) => {
            this.fieldOffset.push(offset);
            this.fieldValueLo.push(lo);
            this.fieldValueHi.push(hi);
          });
        this.firstFieldIndex.push(this.fieldOffset.length);
        return;
      }
      case RecordTag.OtherRoot:
        return this.otherRoots.read(cursor);
      case RecordTag.Type: {
        const stream = cursor.stream;
        const key = `${stream[cursor.at + 1]}:${stream[cursor.at]}`;
        const typeSize = stream[cursor.at + 3] * TWO_POW_32 + stream[cursor.at + 2];
        this.types.read(cursor);
        const count = cursor.word();
        const layout: Go13Type = { size: typeSize, kinds: [], offsets: [] };
        for (let i = 0; i < count; i++) {
          const kind = cursor.word();
          const lo = cursor.word();
          const hi = cursor.word();
          this.typeFieldKind.push(kind);
          this.typeFieldOffset.push(lo, hi);
          layout.kinds.push(kind);
          layout.offsets.push(hi * TWO_POW_32 + lo);
        }
        this.typeFieldFirst.push(this.typeFieldKind.length);
        // go1.3 objects take their pointer words from the last Type record of their type.
        if (this.headerVersion === 13) this.go13Types.set(key, layout);
        return;
      }
      case RecordTag.Goroutine:
        this.currentGoroutine = this.goroutines.count;
        return this.goroutines.read(cursor);
      case RecordTag.StackFrame:
        this.currentGoroutine = goroutine;
        this.frameGoroutine.push(goroutine);
        this.frames.read(cursor);
        return this.frameWords.read(cursor);
      case RecordTag.Params:
        this.params = this.readParams(cursor);
        return;
      case RecordTag.Finalizer:
        return this.finalizers.read(cursor);
      case RecordTag.QueuedFinalizer:
        return this.queuedFinalizers.read(cursor);
      case RecordTag.Itab:
        return this.itabs.read(cursor);
      case RecordTag.OSThread:
        return this.osThreads.read(cursor);
      case RecordTag.MemStats: {
        const values = new BigUint64Array(MEMSTATS_FIELD_COUNT);
        for (let i = 0; i < MEMSTATS_FIELD_COUNT; i++) values[i] = cursor.bigint();
        // A second MemStats record would be a writer bug; the first one stands.
        if (this.memStats === null) this.memStats = values;
        return;
      }
      case RecordTag.Data:
        this.data.read(cursor);
        return this.dataWords.read(cursor);
      case RecordTag.BSS:
        this.bss.read(cursor);
        return this.bssWords.read(cursor);
      case RecordTag.Defer:
        this.currentGoroutine = goroutine;
        this.deferGoroutine.push(goroutine);
        return this.defers.read(cursor);
      case RecordTag.Panic:
        this.currentGoroutine = goroutine;
        this.panicGoroutine.push(goroutine);
        return this.panics.read(cursor);
      case RecordTag.MemProf: {
        this.memProf.read(cursor);
        const frames = cursor.number();
        for (let i = 0; i < frames; i++) {
          this.memProfFunction.push(cursor.string());
          this.memProfFile.push(cursor.string());
          const lo = cursor.word();
          this.memProfLine.push(lo, cursor.word());
        }
        this.memProfFirstFrame.push(this.memProfFunction.length);
        return this.memProfCounts.read(cursor);
      }
      case RecordTag.AllocSample:
        return this.allocSamples.read(cursor);
    }
  }

  private readParams(cursor: StreamCursor): DumpParams {
    const bigEndian = cursor.word() !== 0;
    const ptrSize = cursor.number() as 4 | 8;
    const hchanSize = cursor.number();
    const heapStart = cursor.bigint();
    const heapEnd = cursor.bigint();
    const thechar = cursor.number();
    const goarchText = cursor.text();
    const experiment = cursor.text();
    const ncpu = cursor.number();
    const goarch = goarchText !== '' ? goarchText : (THECHAR_ARCH[thechar] ?? (thechar === 0 ? '' : `thechar ${thechar}`));
    const goVersion = /^(go1\.|devel)/.test(experiment) ? experiment : '';
    return {
      header: this.header,
      formatVersion: FORMAT_VERSIONS[this.headerVersion],
      bigEndian, ptrSize, hchanSize, heapStart, heapEnd, goarch, thechar, goVersion, experiment, ncpu,
    };
  }

  /**
   * Bytes the object and object-pointer-word columns hold so far (values, not spare capacity):
   * nearly all of a large dump's tables, which grow with the heap. For memory caps.
   */
  get objectColumnBytes(): number {
    let total = this.objectTypeAddress.length * 8;
    for (const column of [this.addressLo, this.addressHi, this.size, this.contentOffset, this.firstWordLo,
      this.firstWordHi, this.objectKind, this.firstFieldIndex, this.fieldOffset, this.fieldValueLo, this.fieldValueHi]) {
      total += column.length * column.data.BYTES_PER_ELEMENT;
    }
    return total;
  }

  /**
   * Makes room, once, for the objects and pointer words a dump of `dumpBytes` will hold if the
   * rest of it is like the first `decodedBytes`, so that the big columns do not double their
   * way up (copying themselves each time). A wrong guess only costs the doubling again, or a
   * trim at finish(); the reserve is capped by the dump's size, so a hostile first window
   * cannot make it large.
   */
  reserveLike(decodedBytes: number, dumpBytes: number): void {
    if (decodedBytes <= 0 || dumpBytes <= decodedBytes) return;
    const scale = (dumpBytes / decodedBytes) * 1.05;
    // At least 4 dump bytes per object (tag, address, length, field-list end) and 2 per word.
    const objects = Math.min(Math.ceil(this.addressLo.length * scale), Math.ceil(dumpBytes / 4));
    const words = Math.min(Math.ceil(this.fieldOffset.length * scale), Math.ceil(dumpBytes / 2));
    for (const column of [this.addressLo, this.addressHi, this.size, this.contentOffset, this.firstWordLo,
      this.firstWordHi, this.firstFieldIndex]) {
      column.reserve(objects - column.length);
    }
    for (const column of [this.fieldOffset, this.fieldValueLo, this.fieldValueHi]) column.reserve(words - column.length);
  }

  get hasParams(): boolean {
    return this.params !== null;
  }

  finish(backend: BackendName, dumpBytes: number, salvage: SalvageReport | null): DumpTables {
    const params = this.params;
    if (params === null) throw new Error('goheap: no Params record was decoded');
    const counts = {} as Record<RecordName, number>;
    RECORD_NAMES.forEach((name, tag) => {
      counts[name] = this.recordCounts[tag];
    });
    const hasObjectTypes = this.headerVersion === 13;
    let objects: ObjectTable = {
      count: this.addressLo.length,
      addressLo: this.addressLo.finish(),
      addressHi: this.addressHi.finish(),
      size: this.size.finish(),
      contentOffset: this.contentOffset.finish(),
      firstWordLo: this.firstWordLo.finish(),
      firstWordHi: this.firstWordHi.finish(),
      typeAddress: hasObjectTypes ? this.objectTypeAddress.finish() : new BigUint64Array(0),
      kind: hasObjectTypes ? this.objectKind.finish() : new Uint8Array(0),
    };
    let objectFields: PointerWords = {
      firstFieldIndex: this.firstFieldIndex.finish(),
      fieldOffset: this.fieldOffset.finish(),
      fieldValueLo: this.fieldValueLo.finish(),
      fieldValueHi: this.fieldValueHi.finish(),
    };
    const order = addressOrder(objects.addressLo, objects.addressHi);
    if (order !== null) [objects, objectFields] = inAddressOrder(objects, objectFields, order);
    return {
      params,
      objects,
      objectFields,
      types: {
        ...this.types.finish(),
        firstFieldIndex: this.typeFieldFirst.finish(),
        fieldKind: this.typeFieldKind.finish(),
        fieldOffset: this.typeFieldOffset.finish(),
      },
      itabs: this.itabs.finish(),
      goroutines: this.goroutines.finish(),
      stackFrames: { ...this.frames.finish(), ...this.frameWords.finish(), goroutineIndex: this.frameGoroutine.finish() },
      defers: { ...this.defers.finish(), goroutineIndex: this.deferGoroutine.finish() },
      panics: { ...this.panics.finish(), goroutineIndex: this.panicGoroutine.finish() },
      osThreads: this.osThreads.finish(),
      data: { ...this.data.finish(), ...this.dataWords.finish() },
      bss: { ...this.bss.finish(), ...this.bssWords.finish() },
      finalizers: this.finalizers.finish(),
      queuedFinalizers: this.queuedFinalizers.finish(),
      otherRoots: this.otherRoots.finish(),
      memStats: this.memStats,
      memProf: {
        ...this.memProf.finish(),
        ...this.memProfCounts.finish(),
        firstFrameIndex: this.memProfFirstFrame.finish(),
        frameFunction: this.memProfFunction.finish(),
        frameFile: this.memProfFile.finish(),
        frameLine: this.memProfLine.finish(),
      },
      allocSamples: this.allocSamples.finish(),
      strings: this.strings.finish(),
      recordCounts: counts,
      dumpBytes,
      backend,
      salvage,
    };
  }
}
