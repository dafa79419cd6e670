// A synthetic heap dump writer for tests: writes every record of every format version the way
// the runtime does (FORMAT.md §4, §6), plus raw primitives for crafting broken forms.
//
// Every method appends to the dump and returns the writer, so a dump reads as a chain:
//
//   const bytes = new DumpWriter({ version: 17 }).header().params({...}).object({...}).eof().bytes();
//
// The writer also logs what it wrote: `records` (tag, start and end offset, the spec as given
// and the file offsets of its blobs) and `items` (every varint and blob with its byte range), so
// tests can derive the tables a decoder must produce and the exact offset of any cut or error.

/** A u64 value: a number (exact below 2^53) or a bigint (any 64-bit value). */
export type U64 = number | bigint;

/** Header versions as in docs/decoder-abi.md (STATE_HEADER_VERSION). */
export type HeaderVersion = 13 | 14 | 15 | 16 | 17;

export const HEADERS: Readonly<Record<HeaderVersion, string>> = {
  13: 'go1.3 heap dump\n',
  14: 'go1.4 heap dump\n',
  15: 'go1.5 heap dump\n',
  16: 'go1.6 heap dump\n',
  17: 'go1.7 heap dump\n',
};

/**
 * Params record layouts (FORMAT.md §4 Params):
 * - `go1.3`: b, u ptrSize, u hchanSize, u heapStart, u heapEnd, u thechar, s experiment, u ncpu
 * - `go1.4-dev`: 1.4 development snapshots under a go1.3 header (no hchanSize)
 * - `gccgo-1.3`: the go1.3 layout with thechar 0 and experiment ""
 * - `thechar`: go1.4–1.6: b, u ptrSize, u heapStart, u heapEnd, u thechar, s experiment, u ncpu
 * - `goarch`: go1.7+: b, u ptrSize, u heapStart, u heapEnd, s goarch, s experiment, u ncpu
 * - `go1.7-thechar`: early go1.7 builds that still wrote a thechar
 */
export type ParamsLayout = 'go1.3' | 'go1.4-dev' | 'gccgo-1.3' | 'thechar' | 'goarch' | 'go1.7-thechar';

/** The layout the runtime of each header version writes. */
export const DEFAULT_PARAMS_LAYOUT: Readonly<Record<HeaderVersion, ParamsLayout>> = {
  13: 'go1.3', 14: 'thechar', 15: 'thechar', 16: 'thechar', 17: 'goarch',
};

/** Record tags, as in the runtime's heapdump.go. */
export const TAG = {
  eof: 0, object: 1, otherRoot: 2, type: 3, goroutine: 4, stackFrame: 5, params: 6, finalizer: 7,
  itab: 8, osThread: 9, memStats: 10, queuedFinalizer: 11, data: 12, bss: 13, defer: 14, panic: 15,
  memProf: 16, allocSample: 17,
} as const;
export type RecordKind = keyof typeof TAG;
export const RECORD_KINDS = Object.keys(TAG) as RecordKind[];

/** Field kinds (FORMAT.md §2): go1.3 numbering and go1.4+ numbering. */
export const KIND13 = { ptr: 1, string: 2, slice: 3, iface: 4, eface: 5 } as const;
export const KIND14 = { ptr: 1, iface: 2, eface: 3 } as const;

export interface WriterOptions {
  version: HeaderVersion;
  /** Target pointer size for blob contents (default 8). */
  ptrSize?: 4 | 8;
  /** Target byte order for blob contents (default little-endian). */
  bigEndian?: boolean;
}

/** A pointer-sized word placed in blob contents. */
export interface ContentWord {
  offset: number;
  value: U64;
}

/**
 * Blob contents: raw bytes, or `size` bytes (filled with `fill`, default 0) with pointer-sized
 * `words` written at their offsets in the target byte order and pointer size.
 */
export type Contents = Uint8Array | { size: number; words?: readonly ContentWord[]; fill?: number };

/** One field list entry: (kind, offset). */
export type Field = readonly [kind: U64, offset: U64];

export interface ParamsSpec {
  layout?: ParamsLayout;
  /** Defaults to the writer's byte order; a number is written as that varint. */
  bigEndian?: boolean | U64;
  /** Defaults to the writer's ptrSize; any value may be written to craft BAD_PTR_SIZE. */
  ptrSize?: U64;
  hchanSize?: U64;
  heapStart: U64;
  heapEnd: U64;
  /** `thechar` and `go1.3` layouts, and `go1.7-thechar` (default '6' = amd64). */
  thechar?: U64;
  /** `goarch` layout (default "amd64"). */
  goarch?: string;
  /** GOEXPERIMENT or, since Go 1.17, the version string. */
  experiment?: string;
  ncpu: U64;
}

export interface ObjectSpec {
  address: U64;
  contents: Contents;
  /** Modern form: the field list. Default: `pointerOffsets` as Ptr, else contents.words as Ptr. */
  fields?: readonly Field[];
  pointerOffsets?: readonly U64[];
  /** go1.3 form: the type descriptor address and kind (0 single, 1 array, 2 chan, 127 conservative). */
  typeAddress?: U64;
  kind?: U64;
  /** Which form to write; default: `go1.3` under a go1.3 header, else `modern`. */
  form?: 'go1.3' | 'modern';
}

export interface TypeSpec {
  address: U64;
  size: U64;
  name: string | Uint8Array;
  ptrData: boolean | U64;
  /**
   * The go1.3 field list: an array writes it, null writes none, undefined follows the Params
   * layout (go1.3 and go1.4-dev: a list, empty unless given; otherwise none).
   */
  fields?: readonly Field[] | null;
}

/** FORMAT.md §7.2: the go1.5 Type record with a huge declared name length. */
export interface CorruptTypeSpec {
  address: U64;
  size: U64;
  /** The declared (wrong) length, > 65536. */
  declaredLength: U64;
  /** Bytes a partly successful write left before the '.' (default none). */
  garbage?: Uint8Array;
  ptrData: boolean | U64;
}

export interface ItabSpec {
  address: U64;
  /** go1.4+: the type address. */
  type?: U64;
  /** go1.3: the bool "data word is a pointer". */
  pointer?: boolean;
}

export interface GoroutineSpec {
  address: U64;
  sp: U64;
  id: U64;
  goPc: U64;
  status: U64;
  /** Bools: a number is written as that varint (the decoder takes any non-zero as true). */
  isSystem: boolean | U64;
  isBackground: boolean | U64;
  waitSince: U64;
  waitReason: string;
  ctxt: U64;
  m: U64;
  deferAddress: U64;
  panicAddress: U64;
}

export interface StackFrameSpec {
  sp: U64;
  depth: U64;
  childSp: U64;
  contents: Contents;
  entryPc: U64;
  pc: U64;
  continuationPc: U64;
  name: string;
  /** Default: contents.words as Ptr. */
  fields?: readonly Field[];
}

export interface DeferSpec {
  address: U64; goroutine: U64; sp: U64; pc: U64; fn: U64; code: U64; link: U64;
}
export interface PanicSpec {
  address: U64; goroutine: U64; argType: U64; argData: U64; defer: U64; link: U64;
}
export interface OSThreadSpec {
  address: U64; id: U64; procId: U64;
}
export interface FinalizerSpec {
  object: U64; fn: U64; pc: U64; fint: U64; ot: U64;
}
export interface SegmentSpec {
  address: U64;
  contents: Contents;
  /** Default: contents.words as Ptr. */
  fields?: readonly Field[];
}
export interface OtherRootSpec {
  description: string;
  pointer: U64;
}
export interface MemProfFrame {
  function: string;
  file: string;
  line: U64;
}
export interface MemProfSpec {
  bucket: U64;
  size: U64;
  frames: readonly MemProfFrame[];
  allocs: U64;
  frees: U64;
}
export interface AllocSampleSpec {
  object: U64;
  bucket: U64;
}

/** One varint or blob the writer emitted. */
export interface WrittenItem {
  /** File offset of the first byte (of the length varint, for a blob). */
  start: number;
  /** File offset just past the item. */
  end: number;
  /** For a blob: the offset just past its length varint (the first payload byte). */
  payload?: number;
  /** Index into `records`, or -1 outside a record method. */
  record: number;
}

/** One record the writer emitted. */
export interface WrittenRecord {
  tag: number;
  kind: RecordKind;
  start: number;
  end: number;
  /** The spec as given (after defaults) — see each method. */
  spec: any;
  /** File offsets of the record's blob payloads, in write order. */
  blobOffsets: number[];
  /** The Params layout / the header version this record was written under. */
  layout: ParamsLayout;
  /** Whether a Type record carried a field list. */
  typeFields?: boolean;
  /** Corrupt go1.5 Type name: the name as a decoder recovers it. */
  repairedName?: Uint8Array;
}

const ENCODER = new TextEncoder();

export function toBigInt(value: U64): bigint {
  return typeof value === 'bigint' ? value : BigInt(value);
}

function toBytes(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? ENCODER.encode(value) : value;
}

/** Bytes of an unsigned LEB128 varint (Go's binary.PutUvarint). */
export function uvarintBytes(value: U64): number[] {
  let v = toBigInt(value);
  if (v < 0n || v >= 1n << 64n) throw new RangeError(`uvarint out of range: ${v}`);
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

export class DumpWriter {
  readonly version: HeaderVersion;
  readonly ptrSize: 4 | 8;
  readonly bigEndian: boolean;
  readonly records: WrittenRecord[] = [];
  readonly items: WrittenItem[] = [];
  /** The header length once written (0 before). */
  headerLength = 0;
  /** Params layout in force (set by params(); default from the version). */
  layout: ParamsLayout;

  private buffer = new Uint8Array(1024);
  private length = 0;
  private current = -1;

  constructor(options: WriterOptions) {
    this.version = options.version;
    this.ptrSize = options.ptrSize ?? 8;
    this.bigEndian = options.bigEndian ?? false;
    this.layout = DEFAULT_PARAMS_LAYOUT[this.version];
  }

  /** Bytes written so far: the file offset of the next byte. */
  get offset(): number {
    return this.length;
  }

  /** The dump written so far (a copy). */
  bytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  // ---- raw primitives ----

  /** Raw bytes, as they are. */
  raw(bytes: ArrayLike<number> | string): this {
    const data = typeof bytes === 'string' ? ENCODER.encode(bytes) : bytes;
    this.reserve(data.length);
    for (let i = 0; i < data.length; i++) this.buffer[this.length++] = data[i];
    return this;
  }

  /** The header line of the writer's version, or any text given (written as is). */
  header(text: string = HEADERS[this.version]): this {
    this.raw(text);
    this.headerLength = this.length;
    return this;
  }

  /** A uvarint in its shortest form. */
  uvarint(value: U64): this {
    const start = this.length;
    this.raw(uvarintBytes(value));
    this.item(start);
    return this;
  }

  /**
   * A uvarint of exactly `n` bytes (non-minimal: continuation bits on zero groups). The value
   * must fit in 7·n bits unless `n` is 10 (then the 10th byte is the value's top bits as is).
   */
  varintBytes(value: U64, n: number): this {
    let v = toBigInt(value);
    const out: number[] = [];
    for (let i = 0; i < n - 1; i++) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    if (v > 0x7fn && n < 10) throw new RangeError(`${value} does not fit in ${n} varint bytes`);
    out.push(Number(v & 0xffn));
    const start = this.length;
    this.raw(out);
    this.item(start);
    return this;
  }

  /**
   * A 10-byte varint whose 10th byte is `tenth` as given (0 or 1 are valid, anything else is
   * VARINT_OVERFLOW); the first nine bytes carry the low 63 bits of `low`.
   */
  varint10(tenth: number, low: U64 = 0): this {
    let v = toBigInt(low);
    const out: number[] = [];
    for (let i = 0; i < 9; i++) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(tenth & 0xff);
    const start = this.length;
    this.raw(out);
    this.item(start);
    return this;
  }

  /** A bool as the runtime writes it (a uvarint 0 or 1); a number is written as given. */
  bool(value: boolean | U64): this {
    return this.uvarint(typeof value === 'boolean' ? (value ? 1 : 0) : value);
  }

  /** A string or blob: uvarint length, then the bytes. Returns the payload offset via the log. */
  string(value: string | Uint8Array): this {
    const bytes = toBytes(value);
    const start = this.length;
    this.raw(uvarintBytes(bytes.length));
    const payload = this.length;
    this.raw(bytes);
    this.item(start, payload);
    if (this.current >= 0) this.records[this.current].blobOffsets.push(payload);
    return this;
  }

  /** A field list: (kind, offset) pairs, then kind 0. */
  fieldList(fields: readonly Field[]): this {
    for (const [kind, offset] of fields) this.uvarint(kind).uvarint(offset);
    return this.uvarint(0);
  }

  /** Builds blob contents in the writer's pointer size and byte order. */
  contents(contents: Contents): Uint8Array {
    if (contents instanceof Uint8Array) return contents;
    const bytes = new Uint8Array(contents.size).fill(contents.fill ?? 0);
    for (const word of contents.words ?? []) this.putWord(bytes, word.offset, word.value);
    return bytes;
  }

  /** Writes one pointer-sized word into `bytes` in the target byte order. */
  putWord(bytes: Uint8Array, offset: number, value: U64): void {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const v = toBigInt(value);
    if (this.ptrSize === 8) view.setBigUint64(offset, v, !this.bigEndian);
    else view.setUint32(offset, Number(v & 0xffffffffn), !this.bigEndian);
  }

  // ---- records ----

  /** The Params record; also sets the layout that Type and Itab follow. */
  params(spec: ParamsSpec): this {
    const layout = spec.layout ?? DEFAULT_PARAMS_LAYOUT[this.version];
    this.layout = layout;
    const full = {
      bigEndian: this.bigEndian,
      ptrSize: this.ptrSize,
      hchanSize: layout === 'go1.3' || layout === 'gccgo-1.3' ? 96 : 0,
      thechar: layout === 'gccgo-1.3' ? 0 : 0x36,
      goarch: layout === 'goarch' ? 'amd64' : '',
      experiment: '',
      ...spec,
      layout,
    };
    if (layout === 'gccgo-1.3') full.experiment = spec.experiment ?? '';
    return this.record('params', full, () => {
      this.bool(full.bigEndian).uvarint(full.ptrSize);
      if (layout === 'go1.3' || layout === 'gccgo-1.3') this.uvarint(full.hchanSize);
      this.uvarint(full.heapStart).uvarint(full.heapEnd);
      if (layout === 'goarch') this.string(full.goarch);
      else this.uvarint(full.thechar);
      this.string(full.experiment).uvarint(full.ncpu);
    });
  }

  /** An Object record: the go1.3 form (type, kind, contents) or the modern one (contents, fields). */
  object(spec: ObjectSpec): this {
    const form = spec.form ?? (this.version === 13 ? 'go1.3' : 'modern');
    const contents = this.contents(spec.contents);
    const fields = form === 'modern' ? this.defaultFields(spec.contents, spec.fields, spec.pointerOffsets) : [];
    const full = { typeAddress: 0, kind: 0, ...spec, form, fields, bytes: contents };
    return this.record('object', full, () => {
      this.uvarint(spec.address);
      if (form === 'go1.3') {
        this.uvarint(full.typeAddress).uvarint(full.kind).string(contents);
      } else {
        this.string(contents).fieldList(fields);
      }
    });
  }

  /** A Type record; the go1.3 field list follows the Params layout unless `fields` says. */
  type(spec: TypeSpec): this {
    const fields = spec.fields === undefined
      ? (this.layoutHasTypeFields() ? [] : null)
      : spec.fields;
    const full = { ...spec, fields, nameBytes: toBytes(spec.name) };
    return this.record('type', full, () => {
      this.uvarint(spec.address).uvarint(spec.size).string(full.nameBytes).bool(spec.ptrData);
      if (fields !== null) this.fieldList(fields);
    }, (record) => {
      record.typeFields = fields !== null;
    });
  }

  /** FORMAT.md §7.2: a go1.5 Type record whose name is a huge length, maybe garbage, then '.'. */
  typeCorruptName(spec: CorruptTypeSpec): this {
    const garbage = spec.garbage ?? new Uint8Array(0);
    const repaired = new Uint8Array(garbage.length + 1);
    repaired.set(garbage);
    repaired[garbage.length] = 0x2e;
    const full = { ...spec, garbage };
    return this.record('type', full, () => {
      this.uvarint(spec.address).uvarint(spec.size);
      const start = this.length;
      this.raw(uvarintBytes(spec.declaredLength));
      const payload = this.length;
      this.raw(repaired);
      this.item(start, payload);
      this.records[this.current].blobOffsets.push(payload);
      this.bool(spec.ptrData);
    }, (record) => {
      record.repairedName = repaired;
      record.typeFields = false;
    });
  }

  /** An Itab record: go1.3 writes (address, bool), later versions (address, type address). */
  itab(spec: ItabSpec): this {
    const full = { type: 0, pointer: true, ...spec };
    return this.record('itab', full, () => {
      this.uvarint(spec.address);
      if (this.version === 13) this.bool(full.pointer);
      else this.uvarint(full.type);
    });
  }

  goroutine(spec: GoroutineSpec): this {
    return this.record('goroutine', { ...spec }, () => {
      this.uvarint(spec.address).uvarint(spec.sp).uvarint(spec.id).uvarint(spec.goPc)
        .uvarint(spec.status).bool(spec.isSystem).bool(spec.isBackground).uvarint(spec.waitSince)
        .string(spec.waitReason).uvarint(spec.ctxt).uvarint(spec.m).uvarint(spec.deferAddress)
        .uvarint(spec.panicAddress);
    });
  }

  stackFrame(spec: StackFrameSpec): this {
    const contents = this.contents(spec.contents);
    const fields = this.defaultFields(spec.contents, spec.fields);
    const full = { ...spec, fields, bytes: contents };
    return this.record('stackFrame', full, () => {
      this.uvarint(spec.sp).uvarint(spec.depth).uvarint(spec.childSp).string(contents)
        .uvarint(spec.entryPc).uvarint(spec.pc).uvarint(spec.continuationPc).string(spec.name)
        .fieldList(fields);
    });
  }

  defer(spec: DeferSpec): this {
    return this.record('defer', { ...spec }, () => {
      this.uvarint(spec.address).uvarint(spec.goroutine).uvarint(spec.sp).uvarint(spec.pc)
        .uvarint(spec.fn).uvarint(spec.code).uvarint(spec.link);
    });
  }

  panic(spec: PanicSpec): this {
    return this.record('panic', { ...spec }, () => {
      this.uvarint(spec.address).uvarint(spec.goroutine).uvarint(spec.argType).uvarint(spec.argData)
        .uvarint(spec.defer).uvarint(spec.link);
    });
  }

  osThread(spec: OSThreadSpec): this {
    return this.record('osThread', { ...spec }, () => {
      this.uvarint(spec.address).uvarint(spec.id).uvarint(spec.procId);
    });
  }

  /** MemStats: exactly the 281 values given (a different count crafts a broken record). */
  memStats(values: readonly U64[]): this {
    return this.record('memStats', { values: values.map(toBigInt) }, () => {
      for (const value of values) this.uvarint(value);
    });
  }

  finalizer(spec: FinalizerSpec): this {
    return this.record('finalizer', { ...spec }, () => this.finalizerBody(spec));
  }

  queuedFinalizer(spec: FinalizerSpec): this {
    return this.record('queuedFinalizer', { ...spec }, () => this.finalizerBody(spec));
  }

  data(spec: SegmentSpec): this {
    return this.segment('data', spec);
  }

  bss(spec: SegmentSpec): this {
    return this.segment('bss', spec);
  }

  otherRoot(spec: OtherRootSpec): this {
    return this.record('otherRoot', { ...spec }, () => {
      this.string(spec.description).uvarint(spec.pointer);
    });
  }

  memProf(spec: MemProfSpec): this {
    return this.record('memProf', { ...spec }, () => {
      this.uvarint(spec.bucket).uvarint(spec.size).uvarint(spec.frames.length);
      for (const frame of spec.frames) this.string(frame.function).string(frame.file).uvarint(frame.line);
      this.uvarint(spec.allocs).uvarint(spec.frees);
    });
  }

  allocSample(spec: AllocSampleSpec): this {
    return this.record('allocSample', { ...spec }, () => {
      this.uvarint(spec.object).uvarint(spec.bucket);
    });
  }

  eof(): this {
    return this.record('eof', {}, () => undefined);
  }

  /** Just a record tag (for crafting records by hand with the primitives). */
  tag(kind: RecordKind | number): this {
    return this.uvarint(typeof kind === 'number' ? kind : TAG[kind]);
  }

  // ---- internals ----

  /** Whether Type records carry a field list under the current Params layout. */
  layoutHasTypeFields(): boolean {
    return this.version === 13 && (this.layout === 'go1.3' || this.layout === 'go1.4-dev');
  }

  private finalizerBody(spec: FinalizerSpec): void {
    this.uvarint(spec.object).uvarint(spec.fn).uvarint(spec.pc).uvarint(spec.fint).uvarint(spec.ot);
  }

  private segment(kind: 'data' | 'bss', spec: SegmentSpec): this {
    const contents = this.contents(spec.contents);
    const fields = this.defaultFields(spec.contents, spec.fields);
    const full = { ...spec, fields, bytes: contents };
    return this.record(kind, full, () => {
      this.uvarint(spec.address).string(contents).fieldList(fields);
    });
  }

  private defaultFields(contents: Contents, fields?: readonly Field[], pointerOffsets?: readonly U64[]): readonly Field[] {
    if (fields !== undefined) return fields;
    if (pointerOffsets !== undefined) return pointerOffsets.map((offset) => [1, offset] as const);
    if (contents instanceof Uint8Array) return [];
    return (contents.words ?? []).map((word) => [1, word.offset] as const);
  }

  private record(kind: RecordKind, spec: any, body: () => void, after?: (record: WrittenRecord) => void): this {
    if (this.current >= 0) throw new Error('records do not nest');
    const record: WrittenRecord = {
      tag: TAG[kind], kind, start: this.length, end: this.length, spec, blobOffsets: [], layout: this.layout,
    };
    this.records.push(record);
    this.current = this.records.length - 1;
    try {
      this.uvarint(TAG[kind]);
      body();
    } finally {
      this.current = -1;
    }
    record.end = this.length;
    after?.(record);
    return this;
  }

  private item(start: number, payload?: number): void {
    this.items.push({ start, end: this.length, payload, record: this.current });
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < this.length + extra) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }
}

/** 281 MemStats values with something in each (distinct, some above 2^32 and 2^53). */
export function sampleMemStats(seed = 1): bigint[] {
  const values: bigint[] = [];
  for (let i = 0; i < 281; i++) values.push(BigInt(seed) * 1000003n + BigInt(i) * 7919n);
  values[1] = 0x1_2345_6789n + BigInt(seed); // TotalAlloc above 2^32
  values[22] = 1_754_621_333_684_076_000n + BigInt(seed); // LastGC above 2^53
  values[280] = BigInt(seed); // NumGC
  values[200] = 0xffff_ffff_ffff_ffffn; // the largest u64
  return values;
}

// ---- random valid dumps (seeded), for property tests ----

/**
 * Whether mixed dumps (the full-dump and random-dump tests) include go1.3 Itab records. A
 * decoder that writes the go1.3 Itab bool as one stream word instead of the ABI's `u` (two
 * words) desynchronises every later record and can spin the table builder on garbage; if that
 * ever comes back, turn this off to keep the suite from hanging and let synthetic.test.ts
 * "go1.3 itabs" (which has the Itab last) show the failure.
 */
export const GO13_ITABS_IN_MIXED_DUMPS = true;

/** A small seeded PRNG (mulberry32): the same seed gives the same dump everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random valid dump: random version, pointer size, byte order and Params layout, then up to
 * `maxRecords` random records of the kinds that version has, then EOF. Values span every
 * magnitude (small, 32-bit, above 2^53, 2^64 - 1); strings are random bytes (not always UTF-8).
 */
export function randomDump(seed: number, maxRecords = 40): DumpWriter {
  const random = seededRandom(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)];
  const version = pick([13, 14, 15, 16, 17] as const);
  const ptrSize = pick([4, 8] as const);
  const bigEndian = random() < 0.3;
  const w = new DumpWriter({ version, ptrSize, bigEndian });
  const u64 = (): bigint => {
    switch (int(5)) {
      case 0: return BigInt(int(128));
      case 1: return BigInt(int(2 ** 31)) * 2n + BigInt(int(2));
      case 2: return (BigInt(int(2 ** 21)) << 32n) | BigInt(int(2 ** 32));
      case 3: return (BigInt(int(2 ** 32)) << 32n) | BigInt(int(2 ** 32));
      default: return 0xffff_ffff_ffff_ffffn - BigInt(int(3));
    }
  };
  const text = (): Uint8Array => Uint8Array.from({ length: int(12) }, () => (random() < 0.8 ? 0x61 + int(26) : int(256)));
  const str = (): string => Buffer.from(text()).toString('latin1');
  const wordValue = (): bigint => (ptrSize === 4 ? u64() & 0xffffffffn : u64());
  const wordKinds: readonly (readonly [number, number])[] = version === 13
    ? [[1, 1], [2, 1], [3, 1], [4, 2], [5, 2]]
    : version === 14 ? [[1, 1], [2, 2], [3, 2]] : [[1, 1]];
  /** Contents with random words and a field list that stays inside (or, for frames, may not). */
  const blob = (pastEnd: boolean): { contents: Contents; fields: Field[] } => {
    const size = int(8) * ptrSize + (random() < 0.2 ? int(ptrSize) : 0);
    const words: ContentWord[] = [];
    for (let at = 0; at + ptrSize <= size; at += ptrSize) if (random() < 0.6) words.push({ offset: at, value: wordValue() });
    const fields: Field[] = [];
    for (let i = int(5); i > 0; i--) {
      const [kind, count] = pick(wordKinds);
      const room = size - count * ptrSize;
      if (pastEnd && random() < 0.3) fields.push([kind, Math.max(0, size - ptrSize + 1) + int(3 * ptrSize)]);
      else if (room >= 0) fields.push([kind, random() < 0.8 ? int(Math.floor(room / ptrSize) + 1) * ptrSize : int(room + 1)]);
    }
    return { contents: { size, words, fill: int(256) }, fields };
  };

  const layout: ParamsLayout = version === 13 ? pick(['go1.3', 'go1.4-dev', 'gccgo-1.3'] as const)
    : version === 17 ? pick(['goarch', 'go1.7-thechar'] as const) : 'thechar';
  w.header().params({
    // 1.4-dev snapshots are told from go1.3 by a heap start of 65536 or more there.
    layout, heapStart: layout === 'go1.4-dev' ? 65536n + u64() % (2n ** 63n) : u64(), heapEnd: u64(), ncpu: u64(), hchanSize: int(65536),
    thechar: layout === 'gccgo-1.3' ? 0 : 48 + int(80), goarch: str().slice(0, 9), experiment: str(),
  });
  const kinds: RecordKind[] = [
    'object', 'type', 'goroutine', 'stackFrame', 'finalizer', 'osThread', 'memStats', 'queuedFinalizer',
    'data', 'bss', 'defer', 'panic', 'memProf', 'allocSample', 'otherRoot',
  ];
  if (version !== 13 || GO13_ITABS_IN_MIXED_DUMPS) kinds.push('itab');
  const count = int(maxRecords);
  let forceTagged = false; // after a corrupt go1.5 name the next tag must be 1, 3 or 8
  for (let i = 0; i < count || forceTagged; i++) {
    const kind: RecordKind = forceTagged ? pick(['object', 'type'] as const) : pick(kinds);
    forceTagged = false;
    switch (kind) {
      case 'object': {
        const { contents, fields } = blob(false);
        w.object({ address: u64(), contents, fields, typeAddress: u64(), kind: pick([0, 1, 2, 127]) });
        break;
      }
      case 'type':
        if ((version === 15 || version === 16) && random() < 0.3) {
          w.typeCorruptName({ address: u64(), size: u64(), declaredLength: 65537n + u64() % (2n ** 40n), ptrData: int(2) });
          forceTagged = true;
        } else {
          w.type({
            address: u64(), size: u64(), name: text(), ptrData: random() < 0.5,
            fields: w.layoutHasTypeFields() ? Array.from({ length: int(4) }, () => [1 + int(5), u64()] as const) : undefined,
          });
        }
        break;
      case 'itab': w.itab({ address: u64(), type: u64() }); break;
      case 'goroutine':
        w.goroutine({
          address: u64(), sp: u64(), id: u64(), goPc: u64(), status: u64(), isSystem: int(3), isBackground: random() < 0.5,
          waitSince: u64(), waitReason: str(), ctxt: u64(), m: u64(), deferAddress: u64(), panicAddress: u64(),
        });
        break;
      case 'stackFrame': {
        const { contents, fields } = blob(true);
        w.stackFrame({ sp: u64(), depth: u64(), childSp: u64(), contents, fields, entryPc: u64(), pc: u64(), continuationPc: u64(), name: str() });
        break;
      }
      case 'finalizer': case 'queuedFinalizer':
        w[kind]({ object: u64(), fn: u64(), pc: u64(), fint: u64(), ot: u64() });
        break;
      case 'osThread': w.osThread({ address: u64(), id: u64(), procId: u64() }); break;
      case 'memStats': w.memStats(Array.from({ length: 281 }, u64)); break;
      case 'data': case 'bss': {
        const { contents, fields } = blob(false);
        w[kind]({ address: u64(), contents, fields });
        break;
      }
      case 'defer': w.defer({ address: u64(), goroutine: u64(), sp: u64(), pc: u64(), fn: u64(), code: u64(), link: u64() }); break;
      case 'panic': w.panic({ address: u64(), goroutine: u64(), argType: u64(), argData: u64(), defer: u64(), link: u64() }); break;
      case 'memProf':
        w.memProf({
          bucket: u64(), size: u64(), allocs: u64(), frees: u64(),
          frames: Array.from({ length: int(4) }, () => ({ function: str(), file: str(), line: u64() })),
        });
        break;
      case 'allocSample': w.allocSample({ object: u64(), bucket: u64() }); break;
      case 'otherRoot': w.otherRoot({ description: str(), pointer: u64() }); break;
    }
  }
  return w.eof();
}
