// Broken dumps: every broken form must give a DumpFormatError with the code, the byte offset
// (docs/decoder-abi.md, "errorOffset") and the record that docs/decoder-abi.md name; a cut
// anywhere opens in salvage mode with exactly the whole records before the cut.
// The backend comes from GOHEAP_BACKEND (one jest project per backend).

import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Readable } from 'stream';
import { gzipSync } from 'zlib';
import { decodeDump, type DecodeOptions } from '../ts/decode/decode';
import { DumpFormatError } from '../ts/errors';
import type { DumpTables } from '../ts/tables/dump-tables';
import {
  DumpWriter, HEADERS, KIND13, KIND14, randomDump, sampleMemStats, seededRandom, type HeaderVersion, type ParamsLayout,
  type RecordKind, type WrittenRecord,
} from './support/dump-writer';
import { expectedTables, expectSameTables, plainTable, TABLE_NAMES } from './support/expect-tables';

interface ExpectedError {
  code: string;
  offset: number;
  record: RecordKind | null;
  recordOffset: number;
}

async function failure(bytes: Uint8Array, options: DecodeOptions = {}): Promise<DumpFormatError> {
  let tables: DumpTables | undefined;
  try {
    tables = await decodeDump(bytes, options);
  } catch (error) {
    if (!(error instanceof DumpFormatError)) {
      throw new Error(`expected a DumpFormatError, got ${(error as Error)?.stack ?? error}`);
    }
    return error;
  }
  throw new Error(`expected a DumpFormatError, decoded ${tables.dumpBytes} bytes instead`);
}

async function failureOf(source: string | Readable, options: DecodeOptions = {}): Promise<DumpFormatError> {
  const error = await decodeDump(source, options).then(() => null, (e: unknown) => e);
  if (!(error instanceof DumpFormatError)) throw new Error(`expected a DumpFormatError, got ${(error as Error)?.stack ?? error}`);
  return error;
}

function chunks(data: Uint8Array, size: number): Readable {
  const list: Buffer[] = [];
  for (let at = 0; at < data.length; at += size) list.push(Buffer.from(data.subarray(at, at + size)));
  return Readable.from(list);
}

function fields(error: DumpFormatError): ExpectedError {
  return { code: error.code, offset: error.offset, record: error.record as RecordKind | null, recordOffset: error.recordOffset };
}

/** Asserts the error through the default window and through tiny ones. */
async function expectError(bytes: Uint8Array, expected: ExpectedError, windowSizes = [undefined, 64, 77]): Promise<void> {
  for (const windowSize of windowSizes) {
    const error = await failure(bytes, windowSize === undefined ? {} : { windowSize });
    expect({ windowSize, ...fields(error) }).toEqual({ windowSize, ...expected });
    expect(error.message).toContain(`${expected.offset}`);
    expect(error.message).toContain(expected.code);
    if (expected.record !== null) expect(error.message).toContain(`${expected.record} record at offset ${expected.recordOffset}`);
  }
}

function writer(version: HeaderVersion = 17, options: { ptrSize?: 4 | 8; bigEndian?: boolean; layout?: ParamsLayout } = {}): DumpWriter {
  const w = new DumpWriter({ version, ptrSize: options.ptrSize, bigEndian: options.bigEndian });
  return w.header().params({ layout: options.layout, heapStart: 0xc000000000n, heapEnd: 0xc004000000n, ncpu: 4, thechar: 0x36, goarch: 'amd64' });
}

const goroutine = {
  address: 0xc000001000n, sp: 0xc000100000n, id: 1, goPc: 0x401000, status: 4, isSystem: false,
  isBackground: false, waitSince: 0, waitReason: 'chan receive', ctxt: 0, m: 0, deferAddress: 0, panicAddress: 0,
};

// ---- truncation at every byte ----

interface SmallDump {
  name: string;
  version: HeaderVersion;
  ptrSize: 4 | 8;
  bigEndian: boolean;
  layout?: ParamsLayout;
}

const SMALL_DUMPS: SmallDump[] = [
  { name: 'go1.7', version: 17, ptrSize: 8, bigEndian: false },
  { name: 'go1.3 32-bit big-endian', version: 13, ptrSize: 4, bigEndian: true },
  { name: 'go1.4', version: 14, ptrSize: 8, bigEndian: false },
  { name: 'go1.5 with a corrupt type name', version: 15, ptrSize: 8, bigEndian: false },
  { name: 'go1.7 early thechar, big-endian', version: 17, ptrSize: 8, bigEndian: true, layout: 'go1.7-thechar' },
];

/** A small dump with one or more records of every kind the version writes. */
function smallDump(d: SmallDump): DumpWriter {
  const w = writer(d.version, d);
  const ps = d.ptrSize;
  const v = d.version;
  if (v !== 13) w.type({ address: 0x4a0000, size: 8, name: '*main.T', ptrData: true });
  if (v === 15) w.typeCorruptName({ address: 0x4a0040, size: 16, declaredLength: 0x7cb6d1, ptrData: true });
  if (v !== 13) w.itab({ address: 0x4b0000, type: 0x4a0000 });
  if (v === 13) w.type({ address: 0x4a0000, size: 16, name: 'main.T', ptrData: true, fields: [[KIND13.ptr, 0], [KIND13.eface, 8]] });
  w.object({
    address: 0xc000002000n, contents: { size: 4 * ps, words: [{ offset: 0, value: 0x1234 }, { offset: ps, value: 0x5678 }] },
    fields: v === 14 ? [[KIND14.iface, 0]] : v === 13 ? undefined : [[1, 0], [1, ps]], typeAddress: 0x4a0000, kind: 1,
  });
  w.object({ address: 0xc000002100n, contents: new Uint8Array(0) });
  w.goroutine(goroutine);
  w.stackFrame({
    sp: 0xc000100000n, depth: 0, childSp: 0, contents: { size: 2 * ps, words: [{ offset: ps, value: 0xc000002000n }] },
    entryPc: 0x401000, pc: 0x401010, continuationPc: 0x401020, name: 'main.main', fields: [[1, ps], [1, 4 * ps]],
  });
  w.defer({ address: 1, goroutine: 2, sp: 3, pc: 4, fn: 5, code: 6, link: 0 });
  w.panic({ address: 1, goroutine: 2, argType: 3, argData: 4, defer: 0, link: 0 });
  w.osThread({ address: 0x5a0000, id: 0, procId: 77 });
  w.data({ address: 0x5a0000, contents: { size: 2 * ps, words: [{ offset: 0, value: 9 }] } });
  w.bss({ address: 0x5b0000, contents: { size: ps, words: [{ offset: 0, value: 10 }] } });
  if (v === 13) w.otherRoot({ description: 'runtime type info', pointer: 0x1234 });
  w.finalizer({ object: 1, fn: 2, pc: 3, fint: 4, ot: 5 });
  w.queuedFinalizer({ object: 1, fn: 2, pc: 3, fint: 4, ot: 5 });
  w.memStats(Array.from({ length: 281 }, (_, i) => (i === 22 ? 1_754_621_333_684_076_000n : i % 100)));
  w.memProf({ bucket: 0xc000300000n, size: 64, frames: [{ function: 'main.f', file: 'a.go', line: 3 }, { function: '', file: '', line: 0 }], allocs: 1, frees: 0 });
  w.allocSample({ object: 0xc000002000n, bucket: 0xc000300000n });
  return w.eof();
}

/** Where a record really ends for the decoder: a corrupt go1.5 name needs the next tag byte. */
function neededEnd(r: WrittenRecord): number {
  return r.repairedName !== undefined ? r.end + 1 : r.end;
}

/** The error of the dump `w` cut to its first `cut` bytes (cut >= header length). */
function cutError(w: DumpWriter, cut: number): ExpectedError {
  const record = w.records.find((r) => neededEnd(r) > cut);
  if (record === undefined) throw new Error('cut past the dump');
  if (cut === record.start) return { code: 'NO_EOF', offset: cut, record: null, recordOffset: cut };
  const index = w.records.indexOf(record);
  const items = w.items.filter((item) => item.record === index);
  // A corrupt go1.5 name is only complete once the tag byte after the record is there.
  const name = record.repairedName !== undefined ? items.find((it) => it.payload === record.blobOffsets[0]) : undefined;
  const item = items.find((it) => (it === name ? neededEnd(record) : it.end) > cut)!;
  const code = item.payload !== undefined && cut >= item.payload ? 'LENGTH_PAST_END' : 'TRUNCATED';
  return { code, offset: item.start, record: record.kind, recordOffset: record.start };
}

/** A writer holding only the first `count` records of `w` (for the tables a salvage keeps). */
function prefixOf(w: DumpWriter, count: number): DumpWriter {
  return Object.assign(Object.create(DumpWriter.prototype), w, { records: w.records.slice(0, count) });
}

describe.each(SMALL_DUMPS)('$name cut at every byte', (d) => {
  const w = smallDump(d);
  const bytes = w.bytes();
  const paramsEnd = w.records[0].end;

  test('the uncut dump decodes', async () => {
    const t = await decodeDump(bytes);
    expect(t.dumpBytes).toBe(bytes.length);
    expect(t.recordCounts.eof).toBe(1);
  });

  test('inside the header: BAD_HEADER at 0', async () => {
    for (let cut = 0; cut < w.headerLength; cut++) {
      const error = await failure(bytes.subarray(0, cut));
      expect({ cut, ...fields(error) }).toEqual({ cut, code: 'BAD_HEADER', offset: 0, record: null, recordOffset: 0 });
      const salvaged = await failure(bytes.subarray(0, cut), { salvage: true });
      expect({ cut, ...fields(salvaged) }).toEqual({ cut, code: 'BAD_HEADER', offset: 0, record: null, recordOffset: 0 });
    }
  });

  test('after the header: TRUNCATED, LENGTH_PAST_END or NO_EOF at the exact offset', async () => {
    const codes = new Set<string>();
    for (let cut = w.headerLength; cut < bytes.length; cut++) {
      const piece = bytes.subarray(0, cut);
      const expected = cutError(w, cut);
      codes.add(expected.code);
      const windowSize = [256, 64, 4096][cut % 3];
      const error = await failure(piece, { windowSize });
      expect({ cut, ...fields(error) }).toEqual({ cut, ...expected });
    }
    expect([...codes].sort()).toEqual(['LENGTH_PAST_END', 'NO_EOF', 'TRUNCATED']);
  });

  test('the same errors from a file and from a stream of small chunks', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'goheap-broken-'));
    try {
      for (let cut = w.headerLength; cut < bytes.length; cut += 7) {
        const piece = bytes.subarray(0, cut);
        const expected = { cut, ...cutError(w, cut) };
        const path = join(directory, `cut-${cut}.heapdump`);
        writeFileSync(path, piece);
        expect({ cut, ...fields(await failureOf(path, { windowSize: 64 })) }).toEqual(expected);
        expect({ cut, ...fields(await failureOf(chunks(piece, 3))) }).toEqual(expected);
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  test('salvage keeps exactly the whole records before the cut', async () => {
    for (let cut = paramsEnd; cut < bytes.length; cut++) {
      const piece = bytes.subarray(0, cut);
      const expected = cutError(w, cut);
      const kept = w.records.filter((r) => neededEnd(r) <= cut).length;
      const t = await decodeDump(piece, { salvage: true, windowSize: [64, 256, 4096][cut % 3] });
      const model = expectedTables(prefixOf(w, kept));
      expect({ cut, recordCounts: t.recordCounts }).toEqual({ cut, recordCounts: model.recordCounts });
      expect({ cut, code: t.salvage?.code, offset: t.salvage?.offset }).toEqual({ cut, code: expected.code, offset: expected.offset });
      const keptBytes = kept === 0 ? w.headerLength : w.records[kept - 1].end;
      expect({ cut, keptBytes: t.salvage?.keptBytes, dumpBytes: t.dumpBytes }).toEqual({ cut, keptBytes, dumpBytes: keptBytes });
      for (const name of TABLE_NAMES) {
        expect({ cut, [name]: plainTable(t, name) }).toEqual({ cut, [name]: (model as Record<string, unknown>)[name] });
      }
      expect(t.memStats === null ? null : Array.from(t.memStats)).toEqual(model.memStats);
      expect(t.params).toEqual(model.params);
    }
  });
});

test('salvage of a cut before Params is complete still fails with the cut\'s DumpFormatError', async () => {
  // Nothing whole is left, so there are no tables to keep; the error must stay the
  // DumpFormatError of the cut (code, offset), not a plain Error.
  const w = smallDump(SMALL_DUMPS[0]);
  const bytes = w.bytes();
  for (let cut = w.headerLength; cut < w.records[0].end; cut++) {
    const error = await failure(bytes.subarray(0, cut), { salvage: true });
    expect({ cut, ...fields(error) }).toEqual({ cut, ...cutError(w, cut) });
  }
});

describe('random valid dumps cut anywhere', () => {
  // Seeded: a failure names its seed; randomDump(seed) rebuilds the dump anywhere.
  const seeds = Array.from({ length: 60 }, (_, i) => 5000 + i);
  test.each(seeds)('seed %d: the error and the salvaged tables at 12 random cuts', async (seed) => {
    const w = randomDump(seed);
    const bytes = w.bytes();
    const random = seededRandom(seed);
    const paramsEnd = w.records[0].end;
    for (let i = 0; i < 12; i++) {
      const cut = paramsEnd + Math.floor(random() * (bytes.length - paramsEnd));
      const piece = bytes.subarray(0, cut);
      const windowSize = 64 + Math.floor(random() * 200);
      const expected = cutError(w, cut);
      expect({ seed, cut, ...fields(await failure(piece, { windowSize })) }).toEqual({ seed, cut, ...expected });
      const t = await decodeDump(piece, { salvage: true, windowSize });
      const kept = w.records.filter((r) => neededEnd(r) <= cut).length;
      const model = expectedTables(prefixOf(w, kept));
      expect({ seed, cut, code: t.salvage?.code, offset: t.salvage?.offset, recordCounts: t.recordCounts })
        .toEqual({ seed, cut, code: expected.code, offset: expected.offset, recordCounts: model.recordCounts });
      for (const name of TABLE_NAMES) {
        expect({ seed, cut, [name]: plainTable(t, name) }).toEqual({ seed, cut, [name]: (model as Record<string, unknown>)[name] });
      }
    }
  });
});

describe('random dumps with damaged bytes', () => {
  // Never a crash or a hang: every damaged dump decodes or fails with a DumpFormatError, in
  // salvage mode too; a salvaged decode keeps whole records only (its dumpBytes is a record end
  // of the undamaged prefix when the damage comes after it).
  const seeds = Array.from({ length: 80 }, (_, i) => 9000 + i);
  test.each(seeds)('seed %d', async (seed) => {
    const w = randomDump(seed, 25);
    const random = seededRandom(seed ^ 0x5bd1e995);
    for (let round = 0; round < 6; round++) {
      const bytes = w.bytes();
      const first = w.headerLength + Math.floor(random() * (bytes.length - w.headerLength));
      for (let flips = 1 + Math.floor(random() * 3), at = first; flips > 0; flips--, at += 1 + Math.floor(random() * 16)) {
        if (at < bytes.length) bytes[at] = [0x00, 0xff, 0x80, 0x2e, 0x01, Math.floor(random() * 256)][Math.floor(random() * 6)];
      }
      for (const options of [{ windowSize: 64 + Math.floor(random() * 100) }, { salvage: true }]) {
        const outcome = await decodeDump(bytes, options).then((t) => t, (e: unknown) => e);
        if (outcome instanceof Error) {
          expect({ seed, round, error: outcome instanceof DumpFormatError ? 'DumpFormatError' : String(outcome.stack) })
            .toEqual({ seed, round, error: 'DumpFormatError' });
        } else if (options.salvage && (outcome as DumpTables).salvage !== null) {
          const kept = (outcome as DumpTables).dumpBytes;
          if (kept <= first) expect(w.records.some((r) => r.end === kept)).toBe(true);
        }
      }
    }
  });
});

describe('a truncated gzip dump', () => {
  // ARCHITECTURE.md: a dump truncated mid-record gets an error naming the record and offset,
  // and opens in salvage mode with the whole records before the cut. A .gz cut short (a partial
  // download) is the same dump cut short, one layer down.
  const w = smallDump(SMALL_DUMPS[0]);
  const bytes = w.bytes();
  const gzipped = gzipSync(bytes);
  const cuts = [Math.floor(gzipped.length / 2), gzipped.length - 4];

  // Cutting only the gzip trailer (CRC and length) loses no dump bytes: the EOF record is in,
  // and the dump decodes whole. Any deeper cut loses records.
  test('fails with a DumpFormatError, not a zlib error, unless only the trailer was cut', async () => {
    for (const cut of cuts) {
      const outcome = await decodeDump(gzipped.subarray(0, cut)).then((t) => t, (e: unknown) => e);
      if (cut >= gzipped.length - 8 && !(outcome instanceof Error)) {
        expect((outcome as DumpTables).dumpBytes).toBe(bytes.length);
        continue;
      }
      expect({ cut, isDumpFormatError: outcome instanceof DumpFormatError, error: String(outcome) })
        .toMatchObject({ cut, isDumpFormatError: true });
      expect(['TRUNCATED', 'LENGTH_PAST_END', 'NO_EOF']).toContain((outcome as DumpFormatError).code);
    }
  });

  test('salvage keeps whole records of the part that was decompressed', async () => {
    for (const cut of cuts) {
      const t = await decodeDump(gzipped.subarray(0, cut), { salvage: true });
      if (cut >= gzipped.length - 8 && t.salvage === null) {
        expect(t.dumpBytes).toBe(bytes.length);
        continue;
      }
      expect(t.salvage).not.toBeNull();
      const kept = w.records.filter((r) => r.end <= t.dumpBytes).length;
      expect(t.recordCounts).toEqual(expectedTables(prefixOf(w, kept)).recordCounts);
    }
  });
});

// ---- other broken forms ----

describe('record tags', () => {
  test.each([
    ['18', [18]], ['127', [127]], ['128 (two bytes)', [0x80, 0x01]], ['2^32 + 1', [0x81, 0x80, 0x80, 0x80, 0x10]],
  ])('unknown tag %s: BAD_TAG at the tag, no record', async (_, tagBytes) => {
    const w = writer().osThread({ address: 1, id: 2, procId: 3 });
    const at = w.offset;
    w.raw(tagBytes).raw([0, 0, 0]).eof();
    await expectError(w.bytes(), { code: 'BAD_TAG', offset: at, record: null, recordOffset: at });
  });

  test('a bad tag is reported before Params is missed', async () => {
    const w = new DumpWriter({ version: 17 }).header().raw([18]);
    await expectError(w.bytes(), { code: 'BAD_TAG', offset: 16, record: null, recordOffset: 16 });
  });

  test('a tag varint of 11 bytes: VARINT_OVERFLOW, no record', async () => {
    const w = writer();
    const at = w.offset;
    w.raw([...Array(10).fill(0x80), 0x00]).eof();
    await expectError(w.bytes(), { code: 'VARINT_OVERFLOW', offset: at, record: null, recordOffset: at });
  });
});

describe('varints', () => {
  test.each([
    ['an 11th byte', [...Array(10).fill(0x80), 0x00]],
    ['an 11th byte after 0xff', [...Array(10).fill(0xff), 0x01]],
    ['a 10th byte of 2', [...Array(9).fill(0x80), 0x02]],
    ['a 10th byte of 0x7f', [...Array(9).fill(0xff), 0x7f]],
    ['a 10th byte with a continuation bit', [...Array(9).fill(0x80), 0x81]],
  ])('%s: VARINT_OVERFLOW at the varint\'s first byte', async (_, varint) => {
    const w = writer();
    const record = w.offset;
    w.tag('goroutine').uvarint(1).uvarint(2);
    const at = w.offset;
    w.raw(varint).raw(Array(20).fill(0)).eof();
    await expectError(w.bytes(), { code: 'VARINT_OVERFLOW', offset: at, record: 'goroutine', recordOffset: record });
  });

  test('a blob length varint that overflows is VARINT_OVERFLOW, not a length error', async () => {
    const w = writer();
    const record = w.offset;
    w.tag('object').uvarint(0x1000);
    const at = w.offset;
    w.varint10(2).eof();
    await expectError(w.bytes(), { code: 'VARINT_OVERFLOW', offset: at, record: 'object', recordOffset: record });
  });

  test('an overflowing pointer size is VARINT_OVERFLOW, not BAD_PTR_SIZE', async () => {
    const w = new DumpWriter({ version: 17 }).header().tag('params').bool(false);
    w.varint10(3).eof();
    await expectError(w.bytes(), { code: 'VARINT_OVERFLOW', offset: 18, record: 'params', recordOffset: 16 });
  });

  test('the largest 10-byte value (10th byte 1) is fine', async () => {
    const w = writer().tag('osThread').varint10(1, (1n << 63n) - 1n).uvarint(0).uvarint(0).eof();
    const t = await decodeDump(w.bytes());
    expect(t.osThreads.address[0]).toBe(0xffff_ffff_ffff_ffffn);
  });
});

describe('lengths', () => {
  test('a blob length past the end: LENGTH_PAST_END at the length varint', async () => {
    const w = writer();
    const record = w.offset;
    w.tag('object').uvarint(0x1000);
    const at = w.offset;
    w.uvarint(1000).raw(Array(10).fill(0)).uvarint(0).eof();
    await expectError(w.bytes(), { code: 'LENGTH_PAST_END', offset: at, record: 'object', recordOffset: record });
  });

  test('a string length past the end in a MemProf frame', async () => {
    const w = writer();
    const record = w.offset;
    w.tag('memProf').uvarint(1).uvarint(2).uvarint(2).string('main.f').string('a.go').uvarint(1);
    const at = w.offset;
    w.uvarint(100).raw('main.g').eof();
    await expectError(w.bytes(), { code: 'LENGTH_PAST_END', offset: at, record: 'memProf', recordOffset: record });
  });

  test.each([
    ['object contents', 'object'], ['stack frame contents', 'stackFrame'], ['data contents', 'data'],
    ['goroutine wait reason', 'goroutine'], ['type name (go1.7)', 'type'], ['other root description', 'otherRoot'],
    ['params experiment', 'params'],
  ] as const)('%s of 2^31 bytes: LENGTH_TOO_LARGE; 2^31 - 1 bytes: LENGTH_PAST_END', async (_, kind) => {
    for (const [length, code] of [
      [2n ** 31n, 'LENGTH_TOO_LARGE'], [2n ** 64n - 1n, 'LENGTH_TOO_LARGE'], [2n ** 32n, 'LENGTH_TOO_LARGE'],
      [2n ** 31n - 1n, 'LENGTH_PAST_END'],
    ] as const) {
      const w = kind === 'params' ? new DumpWriter({ version: 17 }).header() : writer();
      const record = w.offset;
      w.tag(kind);
      switch (kind) {
        case 'object': w.uvarint(1); break;
        case 'stackFrame': w.uvarint(1).uvarint(0).uvarint(0); break;
        case 'data': w.uvarint(1); break;
        case 'goroutine': w.uvarint(1).uvarint(2).uvarint(3).uvarint(4).uvarint(4).bool(false).bool(false).uvarint(0); break;
        case 'type': w.uvarint(1).uvarint(8); break;
        case 'otherRoot': break;
        case 'params': w.bool(false).uvarint(8).uvarint(0).uvarint(0).string('amd64'); break;
      }
      const at = w.offset;
      w.uvarint(length).raw(Array(40).fill(0x41)).eof();
      await expectError(w.bytes(), { code, offset: at, record: kind, recordOffset: record }, [undefined, 64]);
    }
  });
});

describe('pointer fields', () => {
  test.each([
    [17, 8, false], [17, 4, true], [14, 8, true], [13, 4, false],
  ] as const)('header version %s ptrSize %d big-endian %s: a field past the contents of an object, data, bss', async (version, ptrSize, bigEndian) => {
    const kinds: RecordKind[] = version === 13 ? ['data', 'bss'] : ['object', 'data', 'bss'];
    for (const kind of kinds) {
      for (const [offset, bad] of [
        [24 - ptrSize, false], [24 - ptrSize + 1, true], [24, true], [1000, true], [2n ** 32n, true], [2n ** 32n + 8n, true],
        [2n ** 64n - 1n, true],
      ] as const) {
        const w = writer(version as HeaderVersion, { ptrSize, bigEndian });
        const record = w.offset;
        w.tag(kind).uvarint(0x5000).string(new Uint8Array(24)).uvarint(1);
        const at = w.offset;
        w.uvarint(offset).uvarint(0).eof();
        if (bad) {
          await expectError(w.bytes(), { code: 'FIELD_OUT_OF_BOUNDS', offset: at, record: kind, recordOffset: record }, [undefined, 64]);
        } else {
          await expect(decodeDump(w.bytes())).resolves.toBeDefined();
        }
      }
    }
  });

  test('the second word of a go1.4 Iface past an object\'s contents', async () => {
    const w = writer(14);
    const record = w.offset;
    w.tag('object').uvarint(0x5000).string(new Uint8Array(16)).uvarint(KIND14.iface);
    const at = w.offset;
    w.uvarint(8).uvarint(0).eof();
    await expectError(w.bytes(), { code: 'FIELD_OUT_OF_BOUNDS', offset: at, record: 'object', recordOffset: record });
  });

  test('the second word of a go1.3 Eface past a data segment', async () => {
    const w = writer(13);
    const record = w.offset;
    w.tag('data').uvarint(0x5000).string(new Uint8Array(16)).uvarint(KIND13.ptr).uvarint(0).uvarint(KIND13.eface);
    const at = w.offset;
    w.uvarint(8).uvarint(0).eof();
    await expectError(w.bytes(), { code: 'FIELD_OUT_OF_BOUNDS', offset: at, record: 'data', recordOffset: record });
  });

  test('frames drop the words past their contents instead', async () => {
    const w = writer(17).goroutine(goroutine)
      .stackFrame({ sp: 1, depth: 0, childSp: 0, contents: { size: 16, words: [{ offset: 8, value: 5 }] }, entryPc: 1, pc: 2, continuationPc: 3, name: 'f',
        fields: [[1, 9], [1, 8], [1, 16], [3, 8], [1, 2n ** 40n]] })
      .eof();
    const t = await decodeDump(w.bytes());
    expect(Array.from(t.stackFrames.fieldOffset)).toEqual([8, 8]);
    expect(Array.from(t.stackFrames.fieldValueLo)).toEqual([5, 5]);
  });

  test.each([
    [17, 'object', 4], [17, 'object', 0x1_0000_0001n], [16, 'data', 4], [15, 'bss', 5], [14, 'object', 4], [14, 'stackFrame', 4],
    [13, 'data', 6], [13, 'bss', 127], [13, 'stackFrame', 6],
  ] as const)('header version %s %s field kind %s: BAD_FIELD_KIND at the kind', async (version, kind, fieldKind) => {
    const w = writer(version as HeaderVersion);
    if (kind === 'stackFrame') w.goroutine(goroutine);
    const record = w.offset;
    w.tag(kind);
    if (kind === 'stackFrame') {
      w.uvarint(1).uvarint(0).uvarint(0).string(new Uint8Array(16)).uvarint(1).uvarint(2).uvarint(3).string('f');
    } else {
      w.uvarint(0x5000).string(new Uint8Array(16));
    }
    w.uvarint(1).uvarint(0);
    const at = w.offset;
    // The kind is checked before the offset: an offset that would be out of bounds comes after.
    w.uvarint(fieldKind).uvarint(1000).uvarint(0).eof();
    await expectError(w.bytes(), { code: 'BAD_FIELD_KIND', offset: at, record: kind, recordOffset: record });
  });

  test('the kind is checked before the offset is read (a bad kind at the very end)', async () => {
    const w = writer(17);
    const record = w.offset;
    w.tag('object').uvarint(0x5000).string(new Uint8Array(16));
    const at = w.offset;
    w.uvarint(9);
    await expectError(w.bytes(), { code: 'BAD_FIELD_KIND', offset: at, record: 'object', recordOffset: record });
  });

  test('checks happen in byte order: the first problem wins', async () => {
    const w = writer(17);
    const record = w.offset;
    w.tag('object').uvarint(0x5000).string(new Uint8Array(16)).uvarint(1);
    const at = w.offset;
    w.uvarint(16).uvarint(7).uvarint(0).eof(); // out of bounds, then a bad kind
    await expectError(w.bytes(), { code: 'FIELD_OUT_OF_BOUNDS', offset: at, record: 'object', recordOffset: record });
  });
});

describe('params', () => {
  test.each([0, 1, 2, 3, 5, 16, 2n ** 32n + 8n, 2n ** 64n - 1n])('pointer size %s: BAD_PTR_SIZE at the pointer-size varint', async (ptrSize) => {
    for (const version of [13, 14, 17] as const) {
      const w = new DumpWriter({ version }).header();
      w.params({ ptrSize, heapStart: 0, heapEnd: 0, ncpu: 1 }).eof();
      await expectError(w.bytes(), { code: 'BAD_PTR_SIZE', offset: 18, record: 'params', recordOffset: 16 }, [undefined]);
    }
  });

  test.each(['object', 'type', 'eof', 'memStats', 'goroutine'] as const)('%s before Params: PARAMS_NOT_FIRST at that record', async (kind) => {
    const w = new DumpWriter({ version: 17 }).header();
    w.tag(kind).raw(Array(300).fill(0));
    await expectError(w.bytes(), { code: 'PARAMS_NOT_FIRST', offset: 16, record: kind, recordOffset: 16 });
  });

  test('a second Params: DUPLICATE_PARAMS at its start', async () => {
    for (const version of [13, 15, 17] as const) {
      const w = writer(version).osThread({ address: 1, id: 2, procId: 3 });
      const at = w.offset;
      w.params({ heapStart: 0, heapEnd: 0, ncpu: 1 }).eof();
      await expectError(w.bytes(), { code: 'DUPLICATE_PARAMS', offset: at, record: 'params', recordOffset: at });
    }
  });
});

describe('end of the dump', () => {
  test('no EOF record: NO_EOF at the end, no record', async () => {
    for (const version of [13, 14, 15, 16, 17] as const) {
      const w = writer(version).osThread({ address: 1, id: 2, procId: 3 }).memStats(sampleMemStats());
      await expectError(w.bytes(), { code: 'NO_EOF', offset: w.offset, record: null, recordOffset: w.offset });
    }
  });

  test('a dump of only a header: NO_EOF at the header\'s end', async () => {
    const w = new DumpWriter({ version: 17 }).header();
    await expectError(w.bytes(), { code: 'NO_EOF', offset: 16, record: null, recordOffset: 16 });
  });

  test('bytes after the EOF record are ignored', async () => {
    const w = writer(17).osThread({ address: 1, id: 2, procId: 3 }).eof();
    const clean = await decodeDump(w.bytes());
    const eofEnd = w.offset;
    const tails: number[][] = [
      [0], [18, 19, 20], [...Array(11).fill(0xff)], [6, 1, 3], [1, 0xff, 0xff, 0xff, 0xff, 0x0f],
      Array.from(writer(17).osThread({ address: 9, id: 9, procId: 9 }).eof().bytes()),
    ];
    for (const tail of tails) {
      const dirty = new DumpWriter({ version: 17 });
      dirty.raw(w.bytes()).raw(tail);
      for (const windowSize of [undefined, 64]) {
        const t = await decodeDump(dirty.bytes(), windowSize === undefined ? {} : { windowSize });
        expect(t.dumpBytes).toBe(eofEnd);
        expectSameTables(t, clean);
      }
    }
  });
});

describe('headers', () => {
  const cases: [string, Uint8Array][] = [
    ['empty input', new Uint8Array(0)],
    ['an unknown header', Buffer.from('go1.8 heap dump\n\x06\x00\x08')],
    ['an old header with a CR', Buffer.from('go1.7 heap dump\r\n')],
    ['a header without its newline', Buffer.from('go1.7 heap dump')],
    ['40 bytes without a newline', Buffer.alloc(40, 0x61)],
    ['a newline after 32 bytes', Buffer.from(`${'x'.repeat(33)}\ngo1.7 heap dump\n`)],
    ['a leading space', Buffer.from(' go1.7 heap dump\n')],
    ['binary garbage', Buffer.from([0x00, 0x01, 0x0a, 0x06])],
    ['a lone newline', Buffer.from('\n')],
  ];
  test.each(cases)('%s: BAD_HEADER at 0', async (_, bytes) => {
    await expectError(bytes, { code: 'BAD_HEADER', offset: 0, record: null, recordOffset: 0 });
    const salvaged = await failure(bytes, { salvage: true });
    expect(salvaged.code).toBe('BAD_HEADER');
  });

  test('an empty stream: BAD_HEADER at 0', async () => {
    const error = await failureOf(Readable.from([]));
    expect(fields(error)).toEqual({ code: 'BAD_HEADER', offset: 0, record: null, recordOffset: 0 });
  });

  test.each(Object.values(HEADERS))('%j is accepted', async (header) => {
    const version = (13 + Object.values(HEADERS).indexOf(header)) as HeaderVersion;
    const t = await decodeDump(writer(version).eof().bytes());
    expect(t.params.header).toBe(header.slice(0, -1));
  });
});

describe('go1.5 corrupt type names with no recoverable end', () => {
  function corrupt(version: 15 | 16, garbage: number[]): { w: DumpWriter; record: number; at: number } {
    const w = writer(version);
    const record = w.offset;
    w.tag('type').uvarint(0x4a0000).uvarint(16);
    const at = w.offset;
    w.uvarint(0x7cb6d1).raw(garbage);
    return { w, record, at };
  }

  test.each([15, 16] as const)('header version %s: no match within 65536 bytes: BAD_TYPE_NAME at the length', async (version) => {
    // Near misses: '.' followed by a bool and a non-tag, '.' followed by a non-bool.
    const garbage = Array.from({ length: 70000 }, (_, i) => [0x2e, 0x01, 0x02, 0x2e, 0x05, 0x01, 0x41][i % 7]);
    const { w, record, at } = corrupt(version, garbage);
    w.raw([0x2e, 0x01, 0x01]).raw(Array(10).fill(0)).eof();
    await expectError(w.bytes(), { code: 'BAD_TYPE_NAME', offset: at, record: 'type', recordOffset: record });
  });

  test('the dump ends before a match and before the limit: LENGTH_PAST_END at the length', async () => {
    const { w, record, at } = corrupt(15, Array(1000).fill(0x41));
    await expectError(w.bytes(), { code: 'LENGTH_PAST_END', offset: at, record: 'type', recordOffset: record });
  });

  test('the match must start less than 65536 bytes past the scan start', async () => {
    for (const [filler, ok] of [[65534, true], [65535, true], [65536, false]] as const) {
      const { w, record, at } = corrupt(15, Array(filler).fill(0x41));
      w.raw([0x2e, 0x01]).itab({ address: 1, type: 2 }).eof();
      if (ok) {
        const t = await decodeDump(w.bytes());
        expect({ filler, nameRepaired: t.types.nameRepaired[0], length: t.strings.raw(t.types.name[0]).length })
          .toEqual({ filler, nameRepaired: 1, length: filler + 1 });
      } else {
        await expectError(w.bytes(), { code: 'BAD_TYPE_NAME', offset: at, record: 'type', recordOffset: record }, [undefined, 64]);
      }
    }
  });

  test('a go1.5 name length of 2^31 or more takes the quirk path, not LENGTH_TOO_LARGE', async () => {
    const w = writer(15);
    w.typeCorruptName({ address: 1, size: 2, declaredLength: 2n ** 64n - 1n, ptrData: true }).itab({ address: 1, type: 2 }).eof();
    const t = await decodeDump(w.bytes());
    expect(t.types.nameRepaired[0]).toBe(1);
    expect(t.recordCounts.itab).toBe(1);
  });

  test('go1.4 and go1.7 have no quirk: a huge name length is a length error', async () => {
    for (const version of [14, 17] as const) {
      for (const [length, code] of [[0x7cb6d1, 'LENGTH_PAST_END'], [2n ** 40n, 'LENGTH_TOO_LARGE']] as const) {
        const w = writer(version);
        const record = w.offset;
        w.tag('type').uvarint(1).uvarint(2);
        const at = w.offset;
        w.uvarint(length).raw([0x2e, 0x01]).osThread({ address: 1, id: 2, procId: 3 }).eof();
        await expectError(w.bytes(), { code, offset: at, record: 'type', recordOffset: record });
      }
    }
  });
});

describe('salvage of broken records', () => {
  test('keeps the whole records before a BAD_TAG and reports it', async () => {
    const w = writer(17).osThread({ address: 1, id: 2, procId: 3 }).goroutine(goroutine);
    const at = w.offset;
    w.raw([40, 1, 2, 3]);
    const t = await decodeDump(w.bytes(), { salvage: true });
    expect(t.salvage).toMatchObject({ code: 'BAD_TAG', offset: at, keptBytes: at });
    expect(t.recordCounts).toMatchObject({ params: 1, osThread: 1, goroutine: 1, eof: 0 });
    expect(t.dumpBytes).toBe(at);
  });

  test('keeps the whole records before a FIELD_OUT_OF_BOUNDS object', async () => {
    const w = writer(17).object({ address: 0x1000, contents: { size: 16, words: [{ offset: 8, value: 1 }] } });
    const record = w.offset;
    w.tag('object').uvarint(0x2000).string(new Uint8Array(8)).uvarint(1);
    const at = w.offset;
    w.uvarint(8).uvarint(0).eof();
    const t = await decodeDump(w.bytes(), { salvage: true, windowSize: 64 });
    expect(t.salvage).toMatchObject({ code: 'FIELD_OUT_OF_BOUNDS', offset: at, keptBytes: record });
    expect(t.objects.count).toBe(1);
    expect(Array.from(t.objectFields.firstFieldIndex)).toEqual([0, 1]);
  });
});

