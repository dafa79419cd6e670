// The tables a decoder must build for a dump written by DumpWriter, derived from the writer's
// log (what was written, where) rather than from the bytes, and a jest assertion that compares
// every column of DumpTables with them.

import type { DumpTables } from '../../ts/tables/dump-tables';
import {
  DumpWriter, HEADERS, toBigInt, type Field, type RecordKind, type U64, type WrittenRecord,
} from './dump-writer';

const FORMAT_VERSIONS = { 13: '1.3', 14: '1.4', 15: '1.5', 16: '1.6', 17: '1.7' } as const;

/** Old toolchain letters (FORMAT.md §4 Params) and the GOARCH the tables name for them. */
export const THECHAR_GOARCH: Readonly<Record<number, string>> = {
  0x35: 'arm', 0x36: 'amd64', 0x37: 'arm64', 0x38: '386', 0x39: 'ppc64', 0x30: 'mips64', 0x7a: 's390x',
};

/** Pointer words of one kind, as word indexes from the field offset (docs/decoder-abi.md). */
export function pointerWordsOfKind(kind: number, headerVersion: number): number {
  if (headerVersion === 13) {
    if (kind >= 1 && kind <= 3) return 1;
    if (kind === 4 || kind === 5) return 2;
    return 0;
  }
  if (kind === 1) return 1;
  if (kind === 2 || kind === 3) return 2;
  return 0;
}

/** Reads the pointer-sized word at `offset` of `bytes`. */
export function readWord(bytes: Uint8Array, offset: number, ptrSize: 4 | 8, bigEndian: boolean): bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return ptrSize === 8 ? view.getBigUint64(offset, !bigEndian) : BigInt(view.getUint32(offset, !bigEndian));
}

interface Words {
  offset: number[];
  lo: number[];
  hi: number[];
}

function lo32(value: U64): number {
  return Number(toBigInt(value) & 0xffffffffn);
}

function hi32(value: U64): number {
  return Number(toBigInt(value) >> 32n);
}

const u = (value: U64 | boolean): bigint => (typeof value === 'boolean' ? (value ? 1n : 0n) : toBigInt(value));
const b = (value: U64 | boolean): number => (u(value) !== 0n ? 1 : 0);

/** The pointer words a field list names in a blob (frames drop the ones past the blob). */
function wordsOf(w: DumpWriter, bytes: Uint8Array, fields: readonly Field[], dropPastEnd: boolean, into: Words): number {
  let count = 0;
  for (const [kind, offset] of fields) {
    const words = pointerWordsOfKind(Number(kind), w.version);
    if (words === 0) throw new Error(`the model has no valid dump with field kind ${kind}`);
    for (let i = 0; i < words; i++) {
      const at = Number(offset) + i * w.ptrSize;
      if (at + w.ptrSize > bytes.length) {
        if (dropPastEnd) continue;
        throw new Error(`the model has no valid dump with a field past its blob (offset ${at})`);
      }
      const value = readWord(bytes, at, w.ptrSize, w.bigEndian);
      into.offset.push(at);
      into.lo.push(lo32(value));
      into.hi.push(hi32(value));
      count++;
    }
  }
  return count;
}

function csr(): { first: number[]; words: Words } {
  return { first: [0], words: { offset: [], lo: [], hi: [] } };
}

/** Expected tables in plain arrays: u64 columns as bigint[], strings as JS strings. */
export function expectedTables(w: DumpWriter) {
  const eofIndex = w.records.findIndex((r) => r.kind === 'eof');
  const records = eofIndex < 0 ? w.records : w.records.slice(0, eofIndex + 1);
  const of = (kind: RecordKind): WrittenRecord[] => records.filter((r) => r.kind === kind);
  const recordCounts: Record<string, number> = {};
  for (const kind of Object.keys(HEADERS_BY_TAG)) recordCounts[kind] = 0;
  for (const r of records) recordCounts[r.kind]++;

  const paramsRecord = of('params')[0];
  const p = paramsRecord.spec;
  const layout = p.layout;
  const hasThechar = layout !== 'goarch';
  const thechar = hasThechar ? Number(p.thechar) : 0;
  const goarch = !hasThechar ? p.goarch
    : (THECHAR_GOARCH[thechar] ?? (thechar === 0 ? '' : `thechar ${thechar}`));
  const params = {
    header: HEADERS[w.version].slice(0, -1),
    formatVersion: FORMAT_VERSIONS[w.version],
    bigEndian: b(p.bigEndian) === 1,
    ptrSize: Number(p.ptrSize),
    hchanSize: layout === 'go1.3' || layout === 'gccgo-1.3' ? Number(p.hchanSize) : 0,
    heapStart: u(p.heapStart),
    heapEnd: u(p.heapEnd),
    goarch,
    thechar,
    goVersion: /^(go1\.|devel)/.test(p.experiment) ? p.experiment : '',
    experiment: p.experiment,
    ncpu: Number(p.ncpu),
  };

  // Objects and their pointer words.
  const objects = {
    count: 0, addressLo: [] as number[], addressHi: [] as number[], size: [] as number[],
    contentOffset: [] as number[], firstWordLo: [] as number[], firstWordHi: [] as number[],
    typeAddress: [] as bigint[], kind: [] as number[],
  };
  const objectFields = csr();
  // go1.3 objects: pointer words from the last Type record of their type, laid over the
  // contents by the object's kind (the rule of ts/tables/go13-layout.ts, modelled here on its own).
  const go13Words = new Map<WrittenRecord, Words>();
  if (w.version === 13) {
    const layouts = new Map<bigint, { size: number; fields: [number, number][] }>();
    const p = w.ptrSize;
    for (const r of records) {
      if (r.kind === 'type') {
        const fields = r.typeFields && r.spec.fields ? (r.spec.fields as Field[]).map(([k, o]): [number, number] => [Number(k), Number(o)]) : [];
        layouts.set(u(r.spec.address), { size: Number(u(r.spec.size)), fields });
      }
      if (r.kind !== 'object') continue;
      const bytes: Uint8Array = r.spec.bytes;
      const words: Words = { offset: [], lo: [], hi: [] };
      go13Words.set(r, words);
      let budget = Math.ceil(bytes.length / p);
      const add = (at: number): boolean => {
        if (budget === 0) return false;
        if (at + p > bytes.length) return true;
        budget--;
        const value = readWord(bytes, at, p, w.bigEndian);
        words.offset.push(at);
        words.lo.push(lo32(value));
        words.hi.push(hi32(value));
        return true;
      };
      const kind = Number(u(r.spec.kind ?? 0));
      const layout = layouts.get(u(r.spec.typeAddress ?? 0));
      if (kind === 127) {
        for (let at = 0; at + p <= bytes.length && add(at); at += p);
        continue;
      }
      if (layout === undefined || kind > 2) continue;
      const base = kind === 2 ? params.hchanSize : 0;
      let elements = 1;
      if (kind !== 0) elements = layout.size === 0 || bytes.length < base ? 0 : Math.floor((bytes.length - base) / layout.size);
      elementLoop: for (let e = 0; e < elements; e++) {
        for (const [fieldKind, offset] of layout.fields) {
          const n = pointerWordsOfKind(fieldKind, 13);
          if (n === 0 || offset + n * p > layout.size) continue;
          for (let i = 0; i < n; i++) if (!add(base + e * layout.size + offset + i * p)) break elementLoop;
        }
      }
    }
  }

  // The tables keep objects in address order (a stable sort of the dump's order).
  const byAddress = of('object').map((r, i) => ({ r, i, address: toBigInt((r.spec as { address: U64 }).address) & 0xffff_ffff_ffff_ffffn }));
  byAddress.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : a.i - b.i));
  for (const { r } of byAddress) {
    const s = r.spec;
    const bytes: Uint8Array = s.bytes;
    objects.count++;
    objects.addressLo.push(lo32(s.address));
    objects.addressHi.push(hi32(s.address));
    objects.size.push(bytes.length);
    objects.contentOffset.push(r.blobOffsets[0]);
    const first = bytes.length >= w.ptrSize ? readWord(bytes, 0, w.ptrSize, w.bigEndian) : 0n;
    objects.firstWordLo.push(lo32(first));
    objects.firstWordHi.push(hi32(first));
    if (w.version === 13) {
      objects.typeAddress.push(u(s.typeAddress));
      objects.kind.push(Number(s.kind) & 0xff);
      const words = go13Words.get(r)!;
      objectFields.words.offset.push(...words.offset);
      objectFields.words.lo.push(...words.lo);
      objectFields.words.hi.push(...words.hi);
    } else {
      wordsOf(w, bytes, s.fields, false, objectFields.words);
    }
    objectFields.first.push(objectFields.words.offset.length);
  }

  const types = {
    count: 0, address: [] as bigint[], size: [] as bigint[], name: [] as string[], ptrData: [] as number[],
    nameRepaired: [] as number[], firstFieldIndex: [0], fieldKind: [] as number[], fieldOffset: [] as bigint[],
  };
  const decoder = new TextDecoder();
  for (const r of of('type')) {
    const s = r.spec;
    types.count++;
    types.address.push(u(s.address));
    types.size.push(u(s.size));
    types.name.push(decoder.decode(r.repairedName ?? s.nameBytes));
    types.ptrData.push(b(s.ptrData));
    types.nameRepaired.push(r.repairedName !== undefined ? 1 : 0);
    if (r.typeFields && s.fields) {
      for (const [kind, offset] of s.fields as Field[]) {
        types.fieldKind.push(Number(kind));
        types.fieldOffset.push(u(offset));
      }
    }
    types.firstFieldIndex.push(types.fieldKind.length);
  }

  const itabs = {
    count: 0, address: [] as bigint[], typeAddress: [] as bigint[],
  };
  for (const r of of('itab')) {
    itabs.count++;
    itabs.address.push(u(r.spec.address));
    itabs.typeAddress.push(w.version === 13 ? BigInt(b(r.spec.pointer)) : u(r.spec.type));
  }

  const goroutineKeys = ['address', 'sp', 'id', 'goPc', 'status', 'waitSince', 'ctxt', 'm', 'deferAddress', 'panicAddress'];
  const goroutines = table(of('goroutine'), goroutineKeys, ['isSystem', 'isBackground'], ['waitReason']);

  // Frames, defers and panics attach to the goroutine record right before their run; any
  // other record but an object ends the run.
  const attachment = new Map<WrittenRecord, number>();
  let current = -1;
  let goroutineCount = 0;
  for (const r of records) {
    if (r.kind === 'goroutine') current = goroutineCount++;
    else if (r.kind === 'stackFrame' || r.kind === 'defer' || r.kind === 'panic') attachment.set(r, current);
    else if (r.kind !== 'object') current = -1;
  }

  const frameRecords = of('stackFrame');
  const stackFrames = {
    ...table(frameRecords, ['sp', 'depth', 'childSp', 'entryPc', 'pc', 'continuationPc'], [], ['name']),
    contentOffset: frameRecords.map((r) => r.blobOffsets[0]),
    contentSize: frameRecords.map((r) => r.spec.bytes.length),
    goroutineIndex: frameRecords.map((r) => attachment.get(r)!),
    ...pointerWordsOf(w, frameRecords, true),
  };
  const deferRecords = of('defer');
  const defers = {
    ...table(deferRecords, ['address', 'goroutine', 'sp', 'pc', 'fn', 'code', 'link']),
    goroutineIndex: deferRecords.map((r) => attachment.get(r)!),
  };
  const panicRecords = of('panic');
  const panics = {
    ...table(panicRecords, ['address', 'goroutine', 'argType', 'argData', 'defer', 'link']),
    goroutineIndex: panicRecords.map((r) => attachment.get(r)!),
  };
  const osThreads = table(of('osThread'), ['address', 'id', 'procId']);
  const segment = (kind: 'data' | 'bss') => {
    const rs = of(kind);
    return {
      ...table(rs, ['address']),
      contentOffset: rs.map((r) => r.blobOffsets[0]),
      contentSize: rs.map((r) => r.spec.bytes.length),
      ...pointerWordsOf(w, rs, false),
    };
  };
  const finalizerKeys = ['object', 'fn', 'pc', 'fint', 'ot'];
  const memStatsRecord = of('memStats')[0];
  const memProfRecords = of('memProf');
  const memProf = {
    ...table(memProfRecords, ['bucket', 'size', 'allocs', 'frees']),
    firstFrameIndex: [0] as number[],
    frameFunction: [] as string[],
    frameFile: [] as string[],
    frameLine: [] as bigint[],
  };
  for (const r of memProfRecords) {
    for (const frame of r.spec.frames) {
      memProf.frameFunction.push(frame.function);
      memProf.frameFile.push(frame.file);
      memProf.frameLine.push(u(frame.line));
    }
    memProf.firstFrameIndex.push(memProf.frameFunction.length);
  }

  return {
    params,
    objects,
    objectFields: {
      firstFieldIndex: objectFields.first,
      fieldOffset: objectFields.words.offset,
      fieldValueLo: objectFields.words.lo,
      fieldValueHi: objectFields.words.hi,
    },
    types,
    itabs,
    goroutines,
    stackFrames,
    defers,
    panics,
    osThreads,
    data: segment('data'),
    bss: segment('bss'),
    finalizers: table(of('finalizer'), finalizerKeys),
    queuedFinalizers: table(of('queuedFinalizer'), finalizerKeys),
    otherRoots: table(of('otherRoot'), ['pointer'], [], ['description']),
    memStats: memStatsRecord === undefined ? null : (memStatsRecord.spec.values as bigint[]),
    memProf,
    allocSamples: table(of('allocSample'), ['object', 'bucket']),
    recordCounts,
    dumpBytes: eofIndex < 0 ? null : w.records[eofIndex].end,
  };
}

const HEADERS_BY_TAG = {
  eof: 0, object: 1, otherRoot: 2, type: 3, goroutine: 4, stackFrame: 5, params: 6, finalizer: 7,
  itab: 8, osThread: 9, memStats: 10, queuedFinalizer: 11, data: 12, bss: 13, defer: 14, panic: 15,
  memProf: 16, allocSample: 17,
};

function table(records: WrittenRecord[], uKeys: string[], bKeys: string[] = [], sKeys: string[] = []) {
  const out: Record<string, unknown[]> & { count: number } = { count: records.length } as never;
  for (const key of uKeys) out[key] = records.map((r) => u(r.spec[key]));
  for (const key of bKeys) out[key] = records.map((r) => b(r.spec[key]));
  for (const key of sKeys) out[key] = records.map((r) => r.spec[key]);
  return out;
}

function pointerWordsOf(w: DumpWriter, records: WrittenRecord[], dropPastEnd: boolean) {
  const list = csr();
  for (const r of records) {
    wordsOf(w, r.spec.bytes, r.spec.fields, dropPastEnd, list.words);
    list.first.push(list.words.offset.length);
  }
  return {
    firstFieldIndex: list.first,
    fieldOffset: list.words.offset,
    fieldValueLo: list.words.lo,
    fieldValueHi: list.words.hi,
  };
}

// ---- turning DumpTables into the same plain shape ----

const STRING_COLUMNS: Record<string, readonly string[]> = {
  types: ['name'],
  goroutines: ['waitReason'],
  stackFrames: ['name'],
  otherRoots: ['description'],
  memProf: ['frameFunction', 'frameFile'],
};

/** A table of DumpTables with typed arrays as plain arrays and string indexes as strings. */
export function plainTable(tables: DumpTables, name: string): Record<string, unknown> {
  const source = (tables as unknown as Record<string, Record<string, unknown>>)[name];
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (ArrayBuffer.isView(value)) {
      const values = Array.from(value as unknown as ArrayLike<number | bigint>);
      out[key] = (STRING_COLUMNS[name] ?? []).includes(key)
        ? values.map((index) => tables.strings.get(Number(index)))
        : values;
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** The table names of DumpTables that are compared column by column. */
export const TABLE_NAMES = [
  'objects', 'objectFields', 'types', 'itabs', 'goroutines', 'stackFrames', 'defers', 'panics',
  'osThreads', 'data', 'bss', 'finalizers', 'queuedFinalizers', 'otherRoots', 'memProf', 'allocSamples',
] as const;

/** Asserts that every column of `tables` holds what `writer` wrote. */
export function expectTables(tables: DumpTables, writer: DumpWriter): void {
  const expected = expectedTables(writer);
  expect({ params: tables.params }).toEqual({ params: expected.params });
  for (const name of TABLE_NAMES) {
    expect({ [name]: plainTable(tables, name) }).toEqual({ [name]: (expected as Record<string, unknown>)[name] });
  }
  expect({ memStats: tables.memStats === null ? null : Array.from(tables.memStats) })
    .toEqual({ memStats: expected.memStats });
  expect({ recordCounts: tables.recordCounts }).toEqual({ recordCounts: expected.recordCounts });
  if (expected.dumpBytes !== null) expect({ dumpBytes: tables.dumpBytes }).toEqual({ dumpBytes: expected.dumpBytes });
  expect(tables.salvage).toBeNull();
}

/** Deep-compares two decodes of the same dump: every typed array, every string, every count. */
export function expectSameTables(actual: DumpTables, expected: DumpTables): void {
  expect(actual.params).toEqual(expected.params);
  for (const name of TABLE_NAMES) {
    expect({ [name]: plainTable(actual, name) }).toEqual({ [name]: plainTable(expected, name) });
  }
  expect(actual.memStats).toEqual(expected.memStats);
  expect(actual.recordCounts).toEqual(expected.recordCounts);
  expect(actual.dumpBytes).toBe(expected.dumpBytes);
  expect(actual.salvage).toEqual(expected.salvage);
  expect(Array.from(actual.strings.start)).toEqual(Array.from(expected.strings.start));
  expect(Buffer.from(actual.strings.bytes).equals(Buffer.from(expected.strings.bytes))).toBe(true);
}

