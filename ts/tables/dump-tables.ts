// The columnar tables of one decoded dump. Every table is a frozen object of equal-length
// typed arrays plus `count`; CSR lists are `first<Thing>Index` (count + 1 entries). Exact
// 64-bit values are BigUint64Array, or `…Lo`/`…Hi` u32 pairs in the large object tables.
// Strings are indexes into `strings`. Record layouts come from docs/decoder-abi.md.

import type { BackendName } from '../decode/backend';
import type { RecordName } from '../decode/status';
import type { StringTable } from './strings';

/** Column kinds of the record stream: see docs/decoder-abi.md. */
export type ColumnKind =
  | 'u' // uvarint: BigUint64Array
  | 'b' // bool: Uint8Array
  | 's' // string: Uint32Array of string-table indexes
  | 'o' // blob file offset: Float64Array (exact below 2^53)
  | 'n'; // blob length: Uint32Array

type ArrayOf<K extends ColumnKind> =
  K extends 'u' ? BigUint64Array :
  K extends 'b' ? Uint8Array :
  K extends 'o' ? Float64Array :
  Uint32Array;

export type RecordSpec = readonly (readonly [string, ColumnKind])[];

export type TableOf<S extends RecordSpec> =
  { readonly count: number } & { readonly [E in S[number] as E[0]]: ArrayOf<E[1]> };

/** A CSR list of pointer words read from a blob: offset in the blob and the word's value. */
export interface PointerWords {
  readonly firstFieldIndex: Uint32Array;
  readonly fieldOffset: Uint32Array;
  readonly fieldValueLo: Uint32Array;
  readonly fieldValueHi: Uint32Array;
}

/** The columns each record kind keeps, in stream order. */
export const SPECS = {
  otherRoot: [['description', 's'], ['pointer', 'u']],
  type: [['address', 'u'], ['size', 'u'], ['name', 's'], ['ptrData', 'b'], ['nameRepaired', 'b']],
  goroutine: [
    ['address', 'u'], ['sp', 'u'], ['id', 'u'], ['goPc', 'u'], ['status', 'u'], ['isSystem', 'b'],
    ['isBackground', 'b'], ['waitSince', 'u'], ['waitReason', 's'], ['ctxt', 'u'], ['m', 'u'],
    ['deferAddress', 'u'], ['panicAddress', 'u'],
  ],
  stackFrame: [
    ['sp', 'u'], ['depth', 'u'], ['childSp', 'u'], ['contentOffset', 'o'], ['contentSize', 'n'],
    ['entryPc', 'u'], ['pc', 'u'], ['continuationPc', 'u'], ['name', 's'],
  ],
  finalizer: [['object', 'u'], ['fn', 'u'], ['pc', 'u'], ['fint', 'u'], ['ot', 'u']],
  itab: [['address', 'u'], ['typeAddress', 'u']],
  osThread: [['address', 'u'], ['id', 'u'], ['procId', 'u']],
  segment: [['address', 'u'], ['contentOffset', 'o'], ['contentSize', 'n']],
  defer: [['address', 'u'], ['goroutine', 'u'], ['sp', 'u'], ['pc', 'u'], ['fn', 'u'], ['code', 'u'], ['link', 'u']],
  panic: [['address', 'u'], ['goroutine', 'u'], ['argType', 'u'], ['argData', 'u'], ['defer', 'u'], ['link', 'u']],
  memProf: [['bucket', 'u'], ['size', 'u']],
  memProfCounts: [['allocs', 'u'], ['frees', 'u']],
  allocSample: [['object', 'u'], ['bucket', 'u']],
} as const;

export type FormatVersion = '1.3' | '1.4' | '1.5' | '1.6' | '1.7';

export interface DumpParams {
  /** The header line without its newline, e.g. "go1.7 heap dump". */
  readonly header: string;
  readonly formatVersion: FormatVersion;
  readonly bigEndian: boolean;
  readonly ptrSize: 4 | 8;
  /** Channel header size (go1.3 only, else 0). */
  readonly hchanSize: number;
  readonly heapStart: bigint;
  readonly heapEnd: bigint;
  /** GOARCH: the dump's string, or the name of its old toolchain letter (thechar). */
  readonly goarch: string;
  /** The old toolchain letter as a number (Go 1.3–1.6), 0 when the dump names GOARCH. */
  readonly thechar: number;
  /** Go 1.17+: the runtime version (e.g. "go1.24.5"); older dumps: "" (see experiment). */
  readonly goVersion: string;
  /** The raw second Params string: GOEXPERIMENT before Go 1.17, the version string since. */
  readonly experiment: string;
  readonly ncpu: number;
}

/**
 * The heap objects, sorted by address (ties, which only a corrupt dump has, keep dump order).
 * A row number here is the objectIndex of the heap graph.
 */
export interface ObjectTable {
  readonly count: number;
  readonly addressLo: Uint32Array;
  readonly addressHi: Uint32Array;
  /** Contents length: the size-class slot (FORMAT.md §7.11). */
  readonly size: Uint32Array;
  /** File offset of the contents (after decompression). */
  readonly contentOffset: Float64Array;
  readonly firstWordLo: Uint32Array;
  readonly firstWordHi: Uint32Array;
  /** go1.3 only (else empty): the object's type address and kind (0, 1, 2 or 127). */
  readonly typeAddress: BigUint64Array;
  readonly kind: Uint8Array;
}

export type TypeTable = TableOf<typeof SPECS.type> & {
  /** go1.3 only: CSR of the type's field list, kinds as written (1–5). */
  readonly firstFieldIndex: Uint32Array;
  readonly fieldKind: Uint32Array;
  readonly fieldOffset: BigUint64Array;
};
export type GoroutineTable = TableOf<typeof SPECS.goroutine>;
/** Frames, defers and panics belong to the goroutine record before them (-1 if none). */
export type StackFrameTable = TableOf<typeof SPECS.stackFrame> & PointerWords & {
  readonly goroutineIndex: Int32Array;
};
export type SegmentTable = TableOf<typeof SPECS.segment> & PointerWords;
export type FinalizerTable = TableOf<typeof SPECS.finalizer>;
export type ItabTable = TableOf<typeof SPECS.itab>;
export type OSThreadTable = TableOf<typeof SPECS.osThread>;
export type OtherRootTable = TableOf<typeof SPECS.otherRoot>;
export type DeferTable = TableOf<typeof SPECS.defer> & { readonly goroutineIndex: Int32Array };
export type PanicTable = TableOf<typeof SPECS.panic> & { readonly goroutineIndex: Int32Array };
export type MemProfTable = TableOf<typeof SPECS.memProf> & TableOf<typeof SPECS.memProfCounts> & {
  /** CSR of the bucket's stack, innermost first. */
  readonly firstFrameIndex: Uint32Array;
  readonly frameFunction: Uint32Array;
  readonly frameFile: Uint32Array;
  readonly frameLine: BigUint64Array;
};
export type AllocSampleTable = TableOf<typeof SPECS.allocSample>;

/** Where a salvaged decode stopped, and why. */
export interface SalvageReport {
  readonly code: string;
  readonly offset: number;
  readonly message: string;
  /** Bytes of whole records kept (the header included). */
  readonly keptBytes: number;
}

export interface DumpTables {
  readonly params: DumpParams;
  readonly objects: ObjectTable;
  /**
   * Object pointer words, CSR by object (objects.count + 1 entries). go1.3 objects have no
   * field list of their own: theirs come from their type (ts/tables/go13-layout.ts).
   */
  readonly objectFields: PointerWords;
  readonly types: TypeTable;
  readonly itabs: ItabTable;
  readonly goroutines: GoroutineTable;
  readonly stackFrames: StackFrameTable;
  readonly defers: DeferTable;
  readonly panics: PanicTable;
  readonly osThreads: OSThreadTable;
  readonly data: SegmentTable;
  readonly bss: SegmentTable;
  readonly finalizers: FinalizerTable;
  readonly queuedFinalizers: FinalizerTable;
  readonly otherRoots: OtherRootTable;
  /** The 281 MemStats values (FORMAT.md §4 Tag 10), or null when the dump has none. */
  readonly memStats: BigUint64Array | null;
  readonly memProf: MemProfTable;
  readonly allocSamples: AllocSampleTable;
  readonly strings: StringTable;
  /** Records of each kind, by record name. */
  readonly recordCounts: Readonly<Record<RecordName, number>>;
  /** Bytes decoded, header and EOF record included (the whole dump unless salvaged). */
  readonly dumpBytes: number;
  readonly backend: BackendName;
  /** Set when a broken dump was opened with `salvage`. */
  readonly salvage: SalvageReport | null;
}

/** Names of the MemStats values, in record order (PauseNs is 256 values). */
export const MEMSTATS_NAMES = [
  'Alloc', 'TotalAlloc', 'Sys', 'Lookups', 'Mallocs', 'Frees', 'HeapAlloc', 'HeapSys', 'HeapIdle',
  'HeapInuse', 'HeapReleased', 'HeapObjects', 'StackInuse', 'StackSys', 'MSpanInuse', 'MSpanSys',
  'MCacheInuse', 'MCacheSys', 'BuckHashSys', 'GCSys', 'OtherSys', 'NextGC', 'LastGC',
  'PauseTotalNs',
] as const;
export type MemStatName = (typeof MEMSTATS_NAMES)[number] | 'NumGC';
export const PAUSE_NS_INDEX = 24;
export const NUM_GC_INDEX = 280;

/** One named MemStats value. */
export function memStat(values: BigUint64Array, name: MemStatName): bigint {
  return values[name === 'NumGC' ? NUM_GC_INDEX : MEMSTATS_NAMES.indexOf(name)];
}
