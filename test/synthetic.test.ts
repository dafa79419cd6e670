// Synthetic dumps of every format version, 32-bit and big-endian, written by
// test/support/dump-writer.ts: every column of DumpTables must hold what was written.
// The backend comes from GOHEAP_BACKEND (one jest project per backend).

import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Readable } from 'stream';
import { gzipSync } from 'zlib';
import { decodeDump } from '../ts/decode/decode';
import type { DumpTables } from '../ts/tables/dump-tables';
import {
  DumpWriter, GO13_ITABS_IN_MIXED_DUMPS, KIND13, KIND14, randomDump, sampleMemStats, type HeaderVersion, type ParamsLayout,
} from './support/dump-writer';
import { expectSameTables, expectTables, plainTable } from './support/expect-tables';

const BIG = 1n << 53n; // values at and above this are not exact as numbers
const HIGH = 0xffff_8000_0000_0000n; // an address above 2^53

interface Config {
  name: string;
  version: HeaderVersion;
  ptrSize: 4 | 8;
  bigEndian: boolean;
  layout?: ParamsLayout;
}

export const CONFIGS: Config[] = [
  { name: 'go1.3', version: 13, ptrSize: 8, bigEndian: false },
  { name: 'go1.3 32-bit big-endian', version: 13, ptrSize: 4, bigEndian: true },
  { name: 'go1.3 header, 1.4-dev params', version: 13, ptrSize: 8, bigEndian: false, layout: 'go1.4-dev' },
  { name: 'gccgo go1.3', version: 13, ptrSize: 8, bigEndian: false, layout: 'gccgo-1.3' },
  { name: 'go1.4', version: 14, ptrSize: 8, bigEndian: false },
  { name: 'go1.4 32-bit', version: 14, ptrSize: 4, bigEndian: false },
  { name: 'go1.4 big-endian', version: 14, ptrSize: 8, bigEndian: true },
  { name: 'go1.5', version: 15, ptrSize: 8, bigEndian: false },
  { name: 'go1.5 32-bit big-endian', version: 15, ptrSize: 4, bigEndian: true },
  { name: 'go1.6', version: 16, ptrSize: 8, bigEndian: false },
  { name: 'go1.7', version: 17, ptrSize: 8, bigEndian: false },
  { name: 'go1.7 32-bit', version: 17, ptrSize: 4, bigEndian: false },
  { name: 'go1.7 big-endian', version: 17, ptrSize: 8, bigEndian: true },
  { name: 'go1.7 32-bit big-endian', version: 17, ptrSize: 4, bigEndian: true },
  { name: 'go1.7 early thechar', version: 17, ptrSize: 8, bigEndian: false, layout: 'go1.7-thechar' },
];

/** A pointer value that fits the target (32-bit targets get 32-bit pointers). */
function ptr(config: { ptrSize: 4 | 8 }, low: number, high = 0xc8n): bigint {
  return config.ptrSize === 8 ? (high << 32n) | BigInt(low >>> 0) : BigInt((0x1000_0000 + low) >>> 0);
}

/**
 * Writes a dump with every record kind the version's runtime writes, several of each, in the
 * order the runtime writes them, u64 fields above 2^32 and 2^53.
 */
export function fullDump(config: Config): DumpWriter {
  const w = new DumpWriter({ version: config.version, ptrSize: config.ptrSize, bigEndian: config.bigEndian });
  const layout = config.layout;
  const gccgo = layout === 'gccgo-1.3';
  const devSnapshot = layout === 'go1.4-dev';
  const v = config.version;
  const ps = config.ptrSize;
  w.header().params({
    layout,
    heapStart: 0xc820000000n,
    heapEnd: 0xc820200000n,
    thechar: gccgo ? 0 : config.bigEndian ? 0x39 : ps === 4 ? 0x38 : 0x36,
    goarch: ps === 4 ? '386' : config.bigEndian ? 's390x' : 'amd64',
    hchanSize: 88,
    experiment: v === 17 ? 'go1.24.5 X:nocoverageredesign' : gccgo ? '' : 'fieldtrack',
    ncpu: 12,
  });

  // Itabs (and for go1.7 the concrete type first).
  const kinds = v === 13 ? KIND13 : KIND14;
  // go1.3 itabs also have their own test (below); see GO13_ITABS_IN_MIXED_DUMPS.
  for (let i = 0; i < 3; i++) {
    if (!gccgo && (v !== 13 || GO13_ITABS_IN_MIXED_DUMPS)) {
      if (v !== 13) w.type({ address: 0x4a0000n + BigInt(i * 0x40), size: 8 * (i + 1), name: `*main.T${i}`, ptrData: true });
      w.itab({ address: 0x4b0000n + BigInt(i * 0x20), type: 0x4a0000n + BigInt(i * 0x40), pointer: i !== 1 });
    }
  }

  // Objects, each preceded by its type in go1.3 / go1.4.
  const objectCount = 6;
  for (let i = 0; i < objectCount; i++) {
    const address = i === 5 && ps === 8 ? HIGH + 0x40n : ptr(config, 0x1000 * (i + 1));
    const size = [16, 32, 48, 8, 4096 + 64, 24][i];
    const words = [
      { offset: 0, value: ptr(config, 0x2000 + i) },
      { offset: ps, value: ps === 8 ? 0x1122_3344_5566_7788n : 0x11223344n },
    ].filter((word) => word.offset + ps <= size);
    if (size > 100) words.push({ offset: size - ps, value: ptr(config, 0xfff0) });
    if (v === 13) {
      const typeAddress = devSnapshot ? 0 : 0x4c0000 + i * 0x40;
      if (!devSnapshot) {
        w.type({
          address: typeAddress, size: 16, name: `main.S${i}`, ptrData: i % 2 === 0,
          fields: gccgo ? null : [[kinds.ptr, 0], [KIND13.string, 8]],
        });
      }
      w.object({
        address, contents: { size, words, fill: i }, typeAddress,
        kind: devSnapshot ? 0 : [0, 1, 2, 127, 0, 1][i],
      });
    } else {
      if (v === 14 && i === 2) w.type({ address: 0x4d0000, size: 16, name: 'main.E', ptrData: true });
      const fields: [number, number][] = words.map((word) => [1, word.offset]);
      if (v === 14 && size >= 4 * ps) fields.splice(1, 1, [KIND14.iface, ps]);
      w.object({ address, contents: { size, words, fill: 0 }, fields });
    }
  }
  if (v === 15 || v === 16) {
    w.typeCorruptName({ address: 0x4e0000, size: 48, declaredLength: 0x7cb6d1, ptrData: true });
    w.object({ address: ptr(config, 0x9000), contents: { size: 16, words: [{ offset: 0, value: ptr(config, 1) }] } });
  }

  // Goroutines with frames, defers and panics.
  for (let g = 0; g < 3; g++) {
    const sp = ptr(config, 0x7000 + g * 0x1000, 0xc4n);
    w.goroutine({
      address: ptr(config, 0x5000 + g * 0x100), sp, id: g + 1, goPc: 0x401000 + g, status: [1, 3, 4][g],
      isSystem: g === 1, isBackground: v === 13 && g === 2, waitSince: g === 2 ? BIG + 12345n : 0,
      waitReason: ['', 'chan receive', 'dumping heap'][g], ctxt: g === 0 ? 0 : ptr(config, 0x6000),
      m: g === 2 ? ptr(config, 0x6100) : 0, deferAddress: g === 0 ? ptr(config, 0x8000) : 0,
      panicAddress: g === 0 ? ptr(config, 0x8800) : 0,
    });
    if (!gccgo) {
      for (let depth = 0; depth < g + 1; depth++) {
        const frameSize = 8 * ps;
        const frameFields: [number, number][] = [[1, 0], [1, 2 * ps]];
        if (v === 13) frameFields.push([KIND13.eface, 4 * ps]);
        else if (v === 14) frameFields.push([KIND14.eface, 4 * ps]);
        frameFields.push([1, 6 * ps], [1, 7 * ps]);
        if (depth === g) frameFields.push([1, frameSize], [1, frameSize + 3 * ps]); // past the frame
        w.stackFrame({
          sp: sp + BigInt(depth * frameSize), depth, childSp: depth === 0 ? 0 : sp + BigInt((depth - 1) * frameSize),
          contents: {
            size: frameSize,
            words: [0, 1, 2, 3, 4, 5, 6, 7].map((k) => ({ offset: k * ps, value: ptr(config, 0x100 * depth + k) })),
          },
          entryPc: 0x401000 + depth * 0x100, pc: 0x401010 + depth * 0x100, continuationPc: depth === 0 ? 0 : 0x401020,
          name: depth === g ? 'runtime.goexit' : `main.f${depth}`, fields: frameFields,
        });
      }
    }
    if (g === 0) {
      w.defer({ address: ptr(config, 0x8000), goroutine: ptr(config, 0x5000), sp, pc: 0x402000, fn: ptr(config, 0x4f00), code: 0x403000, link: ptr(config, 0x8100) });
      w.defer({ address: ptr(config, 0x8100), goroutine: ptr(config, 0x5000), sp: sp + 64n, pc: 0x402100, fn: 0, code: 0, link: 0 });
      w.panic({ address: ptr(config, 0x8800), goroutine: ptr(config, 0x5000), argType: 0x4a0040, argData: ptr(config, 0x9000), defer: v === 13 ? ptr(config, 0x8000) : 0, link: 0 });
      w.panic({ address: ptr(config, 0x8900), goroutine: ptr(config, 0x5000), argType: HIGH, argData: 0, defer: 0, link: ptr(config, 0x8800) });
    }
  }

  for (let t = 0; t < 3; t++) {
    w.osThread({ address: t === 0 ? 0x5a0000 : ptr(config, 0xa000 + t * 0x400), id: t, procId: t === 2 ? 0xffff_ffff_ffff_fff0n : 1000 + t });
  }

  if (!gccgo) {
    const segmentWords = (base: number) =>
      [0, 1, 3, 6].map((k) => ({ offset: k * ps, value: ptr({ ptrSize: ps }, base + k) }));
    const segmentFields = (): [number, number][] => {
      if (v === 13) return [[KIND13.ptr, 0], [KIND13.slice, ps], [KIND13.iface, 3 * ps], [KIND13.string, 6 * ps]];
      if (v === 14) return [[KIND14.ptr, 0], [KIND14.eface, 1 * ps], [KIND14.iface, 5 * ps]];
      return [[1, 0], [1, ps], [1, 3 * ps], [1, 6 * ps]];
    };
    w.data({ address: 0x5a0000, contents: { size: 8 * ps + 3, words: segmentWords(0xb000) }, fields: segmentFields() });
    w.bss({ address: 0x5b0000, contents: { size: 10 * ps, words: segmentWords(0xc000) }, fields: segmentFields() });
  }

  if (v === 13) {
    w.otherRoot({ description: 'runtime type info', pointer: ptr(config, 0xd000) });
    w.otherRoot({ description: '', pointer: HIGH });
  }
  for (let f = 0; f < 2; f++) {
    w.finalizer({ object: ptr(config, 0x1000 * (f + 1)), fn: 0x4f1000 + f, pc: 0x404000 + f, fint: 0x4a0000, ot: BIG + BigInt(f) });
  }
  for (let f = 0; f < 3; f++) {
    w.queuedFinalizer({ object: ptr(config, 0x3000 + f * 16), fn: 0x4f2000, pc: 0x405000, fint: HIGH + BigInt(f), ot: 0x4a0000 });
  }
  w.memStats(sampleMemStats(v));
  w.memProf({
    bucket: 0xc000100000n, size: 4096, allocs: BIG + 7n, frees: 0xffff_ffff_ffff_ffffn,
    frames: [
      { function: 'main.alloc', file: '/src/main.go', line: 42 },
      { function: 'runtime.main', file: '/go/src/runtime/proc.go', line: 0x1_0000_0001n },
      { function: v >= 15 ? '(0x0)' : '4A3F20', file: '?', line: 0 },
    ],
  });
  w.memProf({ bucket: 0xc000100100n, size: 0, allocs: 0, frees: 0, frames: [] });
  w.memProf({ bucket: HIGH, size: 32, allocs: 3, frees: 1, frames: [{ function: 'main.alloc', file: '/src/main.go', line: 43 }] });
  w.allocSample({ object: ptr(config, 0x1000), bucket: 0xc000100000n });
  w.allocSample({ object: ptr(config, 0x2000), bucket: HIGH });
  return w.eof();
}

async function decode(source: Parameters<typeof decodeDump>[0], windowSize?: number): Promise<DumpTables> {
  return decodeDump(source, windowSize === undefined ? {} : { windowSize });
}

describe.each(CONFIGS)('$name: every record kind', (config) => {
  const writer = fullDump(config);
  const bytes = writer.bytes();
  let tables: DumpTables;

  beforeAll(async () => {
    tables = await decode(bytes);
  });

  test('every column of DumpTables holds what was written', () => {
    expectTables(tables, writer);
  });

  test('params', () => {
    const p = tables.params;
    expect(p.ptrSize).toBe(config.ptrSize);
    expect(p.bigEndian).toBe(config.bigEndian);
    expect(p.heapStart).toBe(0xc820000000n);
    if (config.layout === 'gccgo-1.3') {
      expect(p.goarch).toBe('');
      expect(p.thechar).toBe(0);
    } else if (config.version === 17 && config.layout !== 'go1.7-thechar') {
      expect(p.goarch).toBe(config.ptrSize === 4 ? '386' : config.bigEndian ? 's390x' : 'amd64');
      expect(p.goVersion).toBe('go1.24.5 X:nocoverageredesign');
    } else {
      expect(p.goarch).toBe(config.bigEndian ? 'ppc64' : config.ptrSize === 4 ? '386' : 'amd64');
      expect(p.goVersion).toBe(config.version === 17 ? 'go1.24.5 X:nocoverageredesign' : '');
    }
    expect(p.hchanSize).toBe(config.version === 13 && config.layout !== 'go1.4-dev' ? 88 : 0);
  });

  test('memStats keeps values above 2^53 exact', () => {
    expect(tables.memStats!.length).toBe(281);
    expect(tables.memStats![22]).toBe(1_754_621_333_684_076_000n + BigInt(config.version));
    expect(tables.memStats![200]).toBe(0xffff_ffff_ffff_ffffn);
  });

  test('frames, defers and panics belong to the goroutine before them', () => {
    const frames = config.layout === 'gccgo-1.3' ? [] : [0, 1, 1, 2, 2, 2];
    expect(Array.from(tables.stackFrames.goroutineIndex)).toEqual(frames);
    expect(Array.from(tables.defers.goroutineIndex)).toEqual([0, 0]);
    expect(Array.from(tables.panics.goroutineIndex)).toEqual([0, 0]);
  });

  test('the record counts', () => {
    const counts = tables.recordCounts;
    expect(counts.params).toBe(1);
    expect(counts.eof).toBe(1);
    expect(counts.goroutine).toBe(3);
    expect(counts.memStats).toBe(1);
    expect(counts.memProf).toBe(3);
    expect(counts.object).toBe(config.version === 15 || config.version === 16 ? 7 : 6);
    expect(tables.dumpBytes).toBe(bytes.length);
  });

  test('the same tables through tiny windows', async () => {
    for (const windowSize of [1, 64, 67, 100, 251]) { // below 64 is taken as 64
      expectSameTables(await decode(bytes, windowSize), tables);
    }
  });
});

describe('random valid dumps', () => {
  // Seeded: a failure names its seed; randomDump(seed) rebuilds the dump anywhere.
  const seeds = Array.from({ length: 150 }, (_, i) => 1000 + i);
  test.each(seeds)('seed %d: every column, through a random window', async (seed) => {
    const w = randomDump(seed);
    const windowSize = 64 + ((seed * 7919) % 300);
    expectTables(await decode(w.bytes(), windowSize), w);
  });
});

describe('many records', () => {
  // Enough rows to fill any fixed output space a backend has (OUTPUT_FULL, then drained).
  test('12,000 objects, 48,000 pointer words, 1,500 goroutines with frames', async () => {
    const w = new DumpWriter({ version: 17, ptrSize: 8 });
    w.header().params({ heapStart: 0xc000000000n, heapEnd: 0xc004000000n, ncpu: 8 });
    for (let i = 0; i < 12_000; i++) {
      const words = [0, 8, 16, 24].map((offset) => ({ offset, value: 0xc000000000n + BigInt(i * 32 + offset) }));
      w.object({ address: 0xc000000000n + BigInt(i * 32), contents: { size: 32, words } });
    }
    for (let g = 0; g < 1_500; g++) {
      w.goroutine({ ...goroutineSpec(g), waitReason: ['select', 'chan receive', 'sleep'][g % 3] });
      for (let depth = 0; depth < 2; depth++) {
        w.stackFrame({ sp: 0xc000100000n + BigInt(g * 1024 + depth * 64), depth, childSp: 0, entryPc: 1, pc: 2, continuationPc: 3,
          name: `main.f${g % 50}`, contents: { size: 16, words: [{ offset: 8, value: BigInt(g) }] } });
      }
    }
    w.memStats(sampleMemStats(9)).eof();
    const bytes = w.bytes();
    const t = await decode(bytes);
    expectTables(t, w);
    expect(t.objects.count).toBe(12_000);
    expect(t.objectFields.fieldOffset.length).toBe(48_000);
    expect(t.strings.count).toBeLessThan(60); // names stored once
    expectSameTables(await decode(bytes, 4096), t);
  });
});

describe('the writer itself', () => {
  test('writes pointer words in the target byte order and size', () => {
    const value = 0x0102030405060708n;
    const cases: [4 | 8, boolean, number[]][] = [
      [8, false, [8, 7, 6, 5, 4, 3, 2, 1]],
      [8, true, [1, 2, 3, 4, 5, 6, 7, 8]],
      [4, false, [8, 7, 6, 5]],
      [4, true, [5, 6, 7, 8]],
    ];
    for (const [ptrSize, bigEndian, expected] of cases) {
      const w = new DumpWriter({ version: 17, ptrSize, bigEndian });
      expect(Array.from(w.contents({ size: ptrSize, words: [{ offset: 0, value }] }))).toEqual(expected);
    }
  });

  test('writes uvarints as Go does', () => {
    const w = new DumpWriter({ version: 17 });
    w.uvarint(0).uvarint(127).uvarint(128).uvarint(0xffff_ffff_ffff_ffffn);
    expect(Array.from(w.bytes())).toEqual([0, 0x7f, 0x80, 0x01, ...Array(9).fill(0xff), 0x01]);
  });
});

describe('pointer words read in the right byte order', () => {
  test.each([
    [8, false], [8, true], [4, false], [4, true],
  ] as const)('ptrSize %d bigEndian %s', async (ptrSize, bigEndian) => {
    const value = ptrSize === 8 ? 0x0102_0304_0506_0708n : 0x0102_0304n;
    const w = new DumpWriter({ version: 17, ptrSize, bigEndian });
    w.header().params({ heapStart: 0, heapEnd: 0, ncpu: 1 })
      .object({ address: HIGH, contents: { size: 3 * ptrSize, words: [{ offset: 0, value }, { offset: 2 * ptrSize, value: 0xaabbccddn }] } })
      .data({ address: 1, contents: { size: 2 * ptrSize, words: [{ offset: ptrSize, value }] } })
      .eof();
    const t = await decode(w.bytes());
    expect([t.objects.firstWordLo[0], t.objects.firstWordHi[0]]).toEqual(ptrSize === 8 ? [0x05060708, 0x01020304] : [0x01020304, 0]);
    expect(Array.from(t.objectFields.fieldValueLo)).toEqual([ptrSize === 8 ? 0x05060708 : 0x01020304, 0xaabbccdd]);
    expect(Array.from(t.objectFields.fieldValueHi)).toEqual([ptrSize === 8 ? 0x01020304 : 0, 0]);
    expect([t.objects.addressLo[0], t.objects.addressHi[0]]).toEqual([0, 0xffff8000]);
    expect(Array.from(t.data.fieldOffset)).toEqual([ptrSize]);
    expect(Array.from(t.data.fieldValueLo)).toEqual([ptrSize === 8 ? 0x05060708 : 0x01020304]);
    expectTables(t, w);
  });
});

describe('field kinds per family expand to the pointer words of docs/decoder-abi.md', () => {
  test('go1.3: Ptr, String and Slice are one word, Iface and Eface two', async () => {
    const w = new DumpWriter({ version: 13 });
    const words = Array.from({ length: 12 }, (_, k) => ({ offset: k * 8, value: 0x100n + BigInt(k) }));
    const fields: [number, number][] = [
      [KIND13.ptr, 0], [KIND13.string, 8], [KIND13.slice, 24], [KIND13.iface, 48], [KIND13.eface, 64],
    ];
    w.header().params({ heapStart: 0, heapEnd: 0, ncpu: 1 })
      .type({ address: 0x10, size: 96, name: 'main.All', ptrData: true, fields })
      .data({ address: 0x1000, contents: { size: 96, words }, fields })
      .bss({ address: 0x2000, contents: { size: 96, words }, fields })
      .goroutine(goroutineSpec(1))
      .stackFrame({ sp: 0x3000, depth: 0, childSp: 0, contents: { size: 96, words }, entryPc: 1, pc: 2, continuationPc: 3, name: 'f', fields })
      .eof();
    const t = await decode(w.bytes());
    const expectedOffsets = [0, 8, 24, 48, 56, 64, 72];
    for (const segment of [t.data, t.bss, t.stackFrames]) {
      expect(Array.from(segment.fieldOffset)).toEqual(expectedOffsets);
      expect(Array.from(segment.fieldValueLo)).toEqual(expectedOffsets.map((o) => 0x100 + o / 8));
    }
    expect(Array.from(t.types.fieldKind)).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(t.types.fieldOffset)).toEqual([0n, 8n, 24n, 48n, 64n]);
    expectTables(t, w);
  });

  test('go1.4: Ptr is one word, Iface and Eface two', async () => {
    const w = new DumpWriter({ version: 14, ptrSize: 4, bigEndian: true });
    const words = Array.from({ length: 8 }, (_, k) => ({ offset: k * 4, value: 0x100n + BigInt(k) }));
    const fields: [number, number][] = [[KIND14.ptr, 0], [KIND14.iface, 4], [KIND14.eface, 16]];
    w.header().params({ heapStart: 0, heapEnd: 0, ncpu: 1 })
      .object({ address: 0x1000, contents: { size: 32, words }, fields })
      .data({ address: 0x2000, contents: { size: 32, words }, fields })
      .bss({ address: 0x3000, contents: { size: 32, words }, fields })
      .goroutine(goroutineSpec(1))
      .stackFrame({ sp: 0x3000, depth: 0, childSp: 0, contents: { size: 32, words }, entryPc: 1, pc: 2, continuationPc: 3, name: 'f', fields })
      .eof();
    const t = await decode(w.bytes());
    const expectedOffsets = [0, 4, 8, 16, 20];
    for (const list of [t.objectFields, t.data, t.bss, t.stackFrames]) {
      expect(Array.from(list.fieldOffset)).toEqual(expectedOffsets);
      expect(Array.from(list.fieldValueLo)).toEqual(expectedOffsets.map((o) => 0x100 + o / 4));
    }
    expectTables(t, w);
  });

  test.each([15, 16, 17] as const)('header version %s: Iface and Eface kinds still expand to two words', async (version) => {
    const w = new DumpWriter({ version: version as HeaderVersion });
    const words = Array.from({ length: 6 }, (_, k) => ({ offset: k * 8, value: BigInt(k + 1) }));
    w.header().params({ heapStart: 0, heapEnd: 0, ncpu: 1 })
      .object({ address: 0x1000, contents: { size: 48, words }, fields: [[2, 8], [3, 32]] })
      .eof();
    const t = await decode(w.bytes());
    expect(Array.from(t.objectFields.fieldOffset)).toEqual([8, 16, 32, 40]);
    expect(Array.from(t.objectFields.fieldValueLo)).toEqual([2, 3, 5, 6]);
  });
});

function goroutineSpec(id: number) {
  return {
    address: 0x5000 + id, sp: 0x3000, id, goPc: 1, status: 4, isSystem: false, isBackground: false,
    waitSince: 0, waitReason: 'select', ctxt: 0, m: 0, deferAddress: 0, panicAddress: 0,
  };
}

describe('stack frames drop pointer words past their contents', () => {
  test.each([[13, 8], [14, 4], [17, 8]] as const)('header version %s ptrSize %d', async (version, ptrSize) => {
    const w = new DumpWriter({ version: version as HeaderVersion, ptrSize });
    const iface = version === 13 ? KIND13.iface : KIND14.iface;
    w.header().params({ heapStart: 0, heapEnd: 0, ncpu: 1 })
      .goroutine(goroutineSpec(1))
      .stackFrame({
        sp: 0x3000, depth: 0, childSp: 0, entryPc: 1, pc: 2, continuationPc: 0, name: 'runtime.goexit',
        contents: { size: 2 * ptrSize, words: [{ offset: 0, value: 7 }, { offset: ptrSize, value: 9 }] },
        // in, half past (an Iface whose data word is past the end), one byte past, far past, past 2^32
        fields: [[1, 0], [iface, ptrSize], [1, ptrSize + 1], [1, 1000], [1, 2n ** 32n], [1, 2n ** 63n]],
      })
      .stackFrame({
        sp: 0x3010, depth: 1, childSp: 0x3000, entryPc: 1, pc: 2, continuationPc: 0, name: 'empty',
        contents: new Uint8Array(0), fields: [[1, 0]],
      })
      .eof();
    const t = await decode(w.bytes());
    expect(Array.from(t.stackFrames.fieldOffset)).toEqual([0, ptrSize]);
    expect(Array.from(t.stackFrames.fieldValueLo)).toEqual([7, 9]);
    expect(Array.from(t.stackFrames.firstFieldIndex)).toEqual([0, 2, 2]);
    expect(Array.from(t.stackFrames.contentSize)).toEqual([2 * ptrSize, 0]);
  });
});

describe('go1.5 corrupt type names (FORMAT.md §7.2)', () => {
  test.each([15, 16] as const)('header version %s: repaired to ".", nameRepaired = 1, decoding continues', async (version) => {
    const w = new DumpWriter({ version: version as HeaderVersion });
    w.header().params({ heapStart: 0xc820000000n, heapEnd: 0xc820200000n, thechar: 0x36, ncpu: 8 })
      .type({ address: 0x10, size: 8, name: '*main.T', ptrData: true })
      .typeCorruptName({ address: 0x20, size: 16, declaredLength: 0x7cb6d1, ptrData: true })
      .itab({ address: 0x30, type: 0x20 }) // tag 8 follows
      .typeCorruptName({ address: 0x40, size: 24, declaredLength: 0x799151, ptrData: false })
      .typeCorruptName({ address: 0x50, size: 32, declaredLength: 0x80000000n, ptrData: true }) // tag 3 follows
      .typeCorruptName({ address: 0x60, size: 40, declaredLength: HIGH, ptrData: true,
        garbage: new Uint8Array([0x2e, 0x02, 0x01, 0x41, 0x2e, 0x01, 0x07, 0x42]) }) // near misses
      .object({ address: 0x1000, contents: { size: 8 } }) // tag 1 follows
      .eof();
    const t = await decode(w.bytes());
    const names = Array.from(t.types.name, (i) => t.strings.get(i));
    expect(names).toEqual(['*main.T', '.', '.', '.', '.\u0002\u0001A.\u0001\u0007B.']);
    expect(Array.from(t.types.nameRepaired)).toEqual([0, 1, 1, 1, 1]);
    expect(Array.from(t.types.ptrData)).toEqual([1, 1, 0, 1, 1]);
    expect(Array.from(t.types.address)).toEqual([0x10n, 0x20n, 0x40n, 0x50n, 0x60n]);
    expect(t.recordCounts.itab).toBe(1);
    expect(t.recordCounts.object).toBe(1);
    expectTables(t, w);
    for (const windowSize of [64, 71]) expectSameTables(await decodeDump(w.bytes(), { windowSize }), t);
  });

  test('go1.7 names are never repaired: a 65537-byte name is read as it is', async () => {
    const w = new DumpWriter({ version: 17 });
    const name = 'x'.repeat(65537);
    w.header().params({ heapStart: 0, heapEnd: 0, ncpu: 1 })
      .type({ address: 1, size: 2, name, ptrData: true }).eof();
    const t = await decode(w.bytes());
    expect(t.strings.get(t.types.name[0])).toBe(name);
    expect(t.types.nameRepaired[0]).toBe(0);
  });

  test('go1.5 names up to 65536 bytes are read as they are', async () => {
    const w = new DumpWriter({ version: 15 });
    const name = 'y'.repeat(65536);
    w.header().params({ heapStart: 0, heapEnd: 0, ncpu: 1 })
      .type({ address: 1, size: 2, name, ptrData: true }).eof();
    const t = await decode(w.bytes());
    expect(t.strings.get(t.types.name[0])).toBe(name);
    expect(t.types.nameRepaired[0]).toBe(0);
  });
});

describe('type records', () => {
  test('duplicate Type records are kept as records', async () => {
    const w = new DumpWriter({ version: 14 });
    w.header().params({ heapStart: 0, heapEnd: 0, ncpu: 1 });
    for (let i = 0; i < 3; i++) w.type({ address: 0x4a0000, size: 8, name: '*main.T', ptrData: true });
    w.type({ address: 0x4a0040, size: 8, name: '*main.T', ptrData: true }).eof();
    const t = await decode(w.bytes());
    expect(t.types.count).toBe(4);
    expect(t.recordCounts.type).toBe(4);
    expect(Array.from(t.types.address)).toEqual([0x4a0000n, 0x4a0000n, 0x4a0000n, 0x4a0040n]);
    expectTables(t, w);
  });

  test('go1.3 gccgo (thechar 0): Type records have no field list', async () => {
    const w = new DumpWriter({ version: 13 });
    w.header().params({ layout: 'gccgo-1.3', heapStart: 0, heapEnd: 0, ncpu: 1 })
      .type({ address: 1, size: 8, name: 'int', ptrData: false })
      .type({ address: 2, size: 8, name: '*int', ptrData: true })
      .eof();
    const t = await decode(w.bytes());
    expect(t.types.count).toBe(2);
    expect(Array.from(t.types.firstFieldIndex)).toEqual([0, 0, 0]);
    expectTables(t, w);
  });
});

describe('go1.3 itabs', () => {
  // docs/decoder-abi.md: Itab body "u address, u type (go1.3: the bool, as a `u` 0/1)". The Itab
  // is the last record before EOF here so that a stream desynchronised by it cannot loop.
  test('the bool is the itab\'s typeAddress column, 0 or 1', async () => {
    const w = new DumpWriter({ version: 13 });
    w.header().params({ heapStart: 0, heapEnd: 0, ncpu: 1 })
      .itab({ address: 0x4b0000, pointer: true })
      .itab({ address: 0x4b0020, pointer: false })
      .eof();
    const t = await decode(w.bytes());
    expect({ count: t.itabs.count, address: Array.from(t.itabs.address), typeAddress: Array.from(t.itabs.typeAddress) })
      .toEqual({ count: 2, address: [0x4b0000n, 0x4b0020n], typeAddress: [1n, 0n] });
    expect(t.recordCounts.eof).toBe(1);
    expectTables(t, w);
  });
});

describe('params layouts', () => {
  test.each([
    [0x35, 'arm'], [0x36, 'amd64'], [0x38, '386'], [0x39, 'ppc64'], [0x30, 'mips64'], [0x31, 'thechar 49'],
  ])('thechar %d names goarch %s', async (thechar, goarch) => {
    for (const version of [14, 15, 16] as const) {
      const w = new DumpWriter({ version });
      w.header().params({ heapStart: 1, heapEnd: 2, thechar, ncpu: 1, experiment: 'framepointer' }).eof();
      const t = await decode(w.bytes());
      expect(t.params.goarch).toBe(goarch);
      expect(t.params.thechar).toBe(thechar);
      expect(t.params.experiment).toBe('framepointer');
      expect(t.params.goVersion).toBe('');
    }
    const early = new DumpWriter({ version: 17 });
    early.header().params({ layout: 'go1.7-thechar', heapStart: 1, heapEnd: 2, thechar, ncpu: 1 }).eof();
    expect((await decode(early.bytes())).params.goarch).toBe(goarch);
  });

  test('go1.7: goarch strings of every length below 48, version strings', async () => {
    for (const [goarch, experiment, goVersion] of [
      ['', 'devel go1.26-abc', 'devel go1.26-abc'], ['arm64', 'go1.24.5', 'go1.24.5'],
      ['amd64p32', '', ''], ['x'.repeat(47), 'fieldtrack', ''],
    ]) {
      const w = new DumpWriter({ version: 17 });
      w.header().params({ heapStart: 0x14000000000n, heapEnd: 0x14004000000n, goarch, experiment, ncpu: 11 }).eof();
      const t = await decode(w.bytes());
      expect(t.params).toEqual({
        header: 'go1.7 heap dump', formatVersion: '1.7', bigEndian: false, ptrSize: 8, hchanSize: 0,
        heapStart: 0x14000000000n, heapEnd: 0x14004000000n, goarch, thechar: 0, goVersion, experiment, ncpu: 11,
      });
    }
  });

  test('go1.3 hchanSize up to 65535; 1.4-dev snapshots put the heap start there', async () => {
    const w = new DumpWriter({ version: 13 });
    w.header().params({ layout: 'go1.3', hchanSize: 65535, heapStart: 0xc208000000n, heapEnd: 0xc208100000n, thechar: 0x36, ncpu: 4 }).eof();
    expect((await decode(w.bytes())).params).toMatchObject({ hchanSize: 65535, heapStart: 0xc208000000n, goarch: 'amd64' });
    const dev = new DumpWriter({ version: 13 });
    dev.header().params({ layout: 'go1.4-dev', heapStart: 65536, heapEnd: 0xc208100000n, thechar: 0x38, ncpu: 4 }).eof();
    expect((await decode(dev.bytes())).params).toMatchObject({ hchanSize: 0, heapStart: 65536n, goarch: '386' });
  });

  test('heap bounds and ncpu above 2^53 are exact', async () => {
    const w = new DumpWriter({ version: 17 });
    w.header().params({ heapStart: HIGH, heapEnd: 0xffff_ffff_ffff_ffffn, ncpu: 64 }).eof();
    const t = await decode(w.bytes());
    expect(t.params.heapStart).toBe(HIGH);
    expect(t.params.heapEnd).toBe(0xffff_ffff_ffff_ffffn);
  });
});

describe('varints', () => {
  test('non-minimal encodings and 10-byte values decode', async () => {
    const w = new DumpWriter({ version: 17 });
    w.header().params({ heapStart: 0, heapEnd: 0, ncpu: 1 });
    // An OSThread written by hand: tag in 2 bytes, address 5 in 10 bytes, id 2^63 + 1, procId 2^64 - 1.
    w.varintBytes(9, 2).varintBytes(5, 10).varint10(1, 1).varint10(1, (1n << 63n) - 1n);
    w.eof();
    const t = await decode(w.bytes());
    expect(t.osThreads.count).toBe(1);
    expect(Array.from(t.osThreads.address)).toEqual([5n]);
    expect(Array.from(t.osThreads.id)).toEqual([(1n << 63n) + 1n]);
    expect(Array.from(t.osThreads.procId)).toEqual([0xffff_ffff_ffff_ffffn]);
  });
});

describe('odd but valid values', () => {
  test('go1.3 type field kinds are kept as written, not checked', async () => {
    const w = new DumpWriter({ version: 13 });
    w.header().params({ heapStart: 0, heapEnd: 0, ncpu: 1 })
      .type({ address: 1, size: 16, name: 'main.Odd', ptrData: true, fields: [[99, 0], [127, 2n ** 40n], [6, 8]] })
      .eof();
    const t = await decode(w.bytes());
    expect(Array.from(t.types.fieldKind)).toEqual([99, 127, 6]);
    expect(Array.from(t.types.fieldOffset)).toEqual([0n, 2n ** 40n, 8n]);
    expectTables(t, w);
  });

  test('unaligned pointer field offsets read the word at that byte', async () => {
    for (const [ptrSize, bigEndian] of [[8, false], [4, true]] as const) {
      const contents = Uint8Array.from({ length: 24 }, (_, i) => i + 1);
      const w = new DumpWriter({ version: 17, ptrSize, bigEndian });
      w.header().params({ heapStart: 0, heapEnd: 0, ncpu: 1 })
        .object({ address: 1, contents, fields: [[1, 3], [1, 13]] })
        .data({ address: 2, contents, fields: [[1, 1]] })
        .eof();
      const t = await decode(w.bytes());
      expect(Array.from(t.objectFields.fieldOffset)).toEqual([3, 13]);
      expect(t.objectFields.fieldValueLo[0]).toBe(ptrSize === 8 ? 0x07060504 : 0x04050607);
      expectTables(t, w);
    }
  });
});

describe('bools', () => {
  test('any non-zero bool is true (1)', async () => {
    const w = new DumpWriter({ version: 17, ptrSize: 8, bigEndian: true });
    w.header().params({ bigEndian: 5, heapStart: 0, heapEnd: 0, ncpu: 1 })
      .goroutine({ ...goroutineSpec(1), isSystem: 2n ** 40n, isBackground: 2 })
      .type({ address: 1, size: 1, name: 't', ptrData: 0xffff_ffff_ffff_ffffn })
      .object({ address: 1, contents: { size: 8, words: [{ offset: 0, value: 0x0102030405060708n }] } })
      .eof();
    const t = await decode(w.bytes());
    expect(t.params.bigEndian).toBe(true);
    expect([t.goroutines.isSystem[0], t.goroutines.isBackground[0], t.types.ptrData[0]]).toEqual([1, 1, 1]);
    expect([t.objects.firstWordHi[0], t.objects.firstWordLo[0]]).toEqual([0x01020304, 0x05060708]);
    expectTables(t, w);
  });
});

describe('memProf', () => {
  test('a huge frame count sizes nothing: the record just runs out of bytes', async () => {
    const w = new DumpWriter({ version: 17 });
    w.header().params({ heapStart: 0, heapEnd: 0, ncpu: 1 });
    const record = w.offset;
    w.tag('memProf').uvarint(1).uvarint(2).uvarint(2n ** 60n).string('f').string('f.go').uvarint(1);
    const at = w.offset;
    const error = await decodeDump(w.bytes()).then(() => null, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'TRUNCATED', offset: at, record: 'memProf', recordOffset: record });
  });

  test('frames with empty names, unresolved PCs and lines above 2^32', async () => {
    const w = new DumpWriter({ version: 16 });
    w.header().params({ heapStart: 0, heapEnd: 0, ncpu: 1 })
      .memProf({ bucket: 1, size: 2, allocs: 3, frees: 4, frames: [
        { function: '', file: '', line: 0 }, { function: '(0x4a3f20)', file: '?', line: 0 },
        { function: 'main.main', file: '/x/main.go', line: 2n ** 40n + 5n }, { function: 'main.main', file: '/x/main.go', line: 7 },
      ] })
      .allocSample({ object: HIGH, bucket: 1 })
      .allocSample({ object: 5, bucket: 0xdead }) // a bucket with no MemProf record
      .eof();
    const t = await decode(w.bytes());
    expect(Array.from(t.memProf.firstFrameIndex)).toEqual([0, 4]);
    expect(Array.from(t.memProf.frameLine)).toEqual([0n, 0n, 2n ** 40n + 5n, 7n]);
    expect(t.memProf.frameFunction[2]).toBe(t.memProf.frameFunction[3]); // one string, stored once
    expectTables(t, w);
  });
});

describe('goroutine attachment', () => {
  test('frames, defers and panics before any goroutine, or after another record, get -1', async () => {
    const w = new DumpWriter({ version: 17 });
    const frame = { sp: 1, depth: 0, childSp: 0, contents: new Uint8Array(0), entryPc: 1, pc: 1, continuationPc: 0, name: 'f' };
    const deferSpec = { address: 1, goroutine: 1, sp: 1, pc: 1, fn: 1, code: 1, link: 0 };
    const panicSpec = { address: 1, goroutine: 1, argType: 1, argData: 1, defer: 0, link: 0 };
    w.header().params({ heapStart: 0, heapEnd: 0, ncpu: 1 })
      .stackFrame(frame).defer(deferSpec)
      .goroutine(goroutineSpec(1)).stackFrame(frame).panic(panicSpec).defer(deferSpec).stackFrame(frame)
      .goroutine(goroutineSpec(2))
      .goroutine(goroutineSpec(3)).panic(panicSpec)
      .osThread({ address: 1, id: 1, procId: 1 }).stackFrame(frame).defer(deferSpec).panic(panicSpec)
      .eof();
    const t = await decode(w.bytes());
    expect(Array.from(t.stackFrames.goroutineIndex)).toEqual([-1, 0, 0, -1]);
    expect(Array.from(t.defers.goroutineIndex)).toEqual([-1, 0, -1]);
    expect(Array.from(t.panics.goroutineIndex)).toEqual([0, 2, -1]);
    expectTables(t, w);
  });

  test('an Object record between a goroutine and a frame does not end the goroutine\'s run, in any version', async () => {
    // tables builder: "the goroutine that frames, defers and panics attach to; -1 after any
    // other record but an object". go1.3 objects are stream records; go1.4+ objects are not;
    // both leave the attachment alone.
    for (const version of [13, 17] as const) {
      const w = new DumpWriter({ version });
      w.header().params({ heapStart: 0, heapEnd: 0, ncpu: 1 })
        .goroutine(goroutineSpec(1))
        .object({ address: 0x1000, contents: { size: 8 } })
        .stackFrame({ sp: 1, depth: 0, childSp: 0, contents: new Uint8Array(0), entryPc: 1, pc: 1, continuationPc: 0, name: 'f' })
        .eof();
      const t = await decode(w.bytes());
      expect({ version, goroutineIndex: Array.from(t.stackFrames.goroutineIndex) }).toEqual({ version, goroutineIndex: [0] });
    }
  });
});

describe('sources', () => {
  const config = CONFIGS.find((c) => c.name === 'go1.7 big-endian')!;
  const bytes = fullDump(config).bytes();
  const gzipped = gzipSync(bytes);
  let directory: string;
  let reference: DumpTables;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'goheap-synthetic-'));
    reference = await decode(bytes);
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  function chunked(data: Uint8Array, size: number): Readable {
    const chunks: Buffer[] = [];
    for (let at = 0; at < data.length; at += size) chunks.push(Buffer.from(data.subarray(at, at + size)));
    return Readable.from(chunks);
  }

  test('Buffer, Uint8Array, file path and stream decode the same', async () => {
    const path = join(directory, 'plain.heapdump');
    writeFileSync(path, bytes);
    expectSameTables(await decode(Buffer.from(bytes)), reference);
    expectSameTables(await decode(path), reference);
    expectSameTables(await decode(path, 64), reference);
    for (const size of [1, 7, 64, 1000, bytes.length]) {
      expectSameTables(await decode(chunked(bytes, size)), reference);
      expectSameTables(await decode(chunked(bytes, size), 97), reference);
    }
  });

  test('gzip input decodes the same (Buffer, file, stream)', async () => {
    const path = join(directory, 'dump.heapdump.gz');
    writeFileSync(path, gzipped);
    expectSameTables(await decode(gzipped), reference);
    expectSameTables(await decode(new Uint8Array(gzipped)), reference);
    expectSameTables(await decode(path), reference);
    expectSameTables(await decode(path, 64), reference);
    expectSameTables(await decode(chunked(gzipped, 2)), reference);
    expectSameTables(await decode(chunked(gzipped, 13), 131), reference);
  });

  test('a gzip stream whose first chunk is one byte', async () => {
    // The gzip magic is two bytes; a stream may deliver them in separate chunks.
    expectSameTables(await decode(chunked(gzipped, 1)), reference);
  });
});

describe('big records through tiny windows', () => {
  test('blobs far larger than the window', async () => {
    const w = new DumpWriter({ version: 17, ptrSize: 8 });
    w.header().params({ heapStart: 0, heapEnd: 0, ncpu: 1 });
    for (let i = 0; i < 5; i++) {
      const size = [100_000, 8, 70_000, 513, 8192][i];
      const words = Array.from({ length: 40 }, (_, k) => ({ offset: Math.floor((size - 8) * k / 40 / 8) * 8, value: HIGH + BigInt(k) }))
        .filter((word, k, all) => k === 0 || word.offset !== all[k - 1].offset);
      w.object({ address: 0xc000000000n + BigInt(i) * 0x100000n, contents: { size, words } });
    }
    w.data({ address: 0x5000, contents: { size: 200_003, words: [{ offset: 200_000 - 8, value: 1 }] } });
    w.memStats(sampleMemStats(3)).eof();
    const bytes = w.bytes();
    const reference = await decode(bytes);
    expectTables(reference, w);
    for (const windowSize of [64, 65, 333, 4096]) {
      expectSameTables(await decode(bytes, windowSize), reference);
    }
  });

  test('objects with no contents and contents shorter than a pointer', async () => {
    const w = new DumpWriter({ version: 17, ptrSize: 8 });
    w.header().params({ heapStart: 0, heapEnd: 0, ncpu: 1 })
      .object({ address: 1, contents: new Uint8Array(0) })
      .object({ address: 2, contents: new Uint8Array([1, 2, 3, 4, 5, 6, 7]) })
      .object({ address: 3, contents: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) })
      .eof();
    const t = await decode(w.bytes());
    expect(Array.from(t.objects.firstWordLo)).toEqual([0, 0, 0x04030201]);
    expect(Array.from(t.objects.size)).toEqual([0, 7, 8]);
    expectTables(t, w);
    expect(plainTable(t, 'objectFields').firstFieldIndex).toEqual([0, 0, 0, 0]);
  });
});

