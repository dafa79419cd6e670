// Type recovery (ts/types): the interface-word rule on synthetic dumps, then the fixtures'
// interface values, malloc headers and globals with and without the program's binary.
import { decodeDump } from '../ts/decode/decode';
import { HeapGraph } from '../ts/graph/heap-graph';
import { RootKind } from '../ts/graph/roots';
import { rootName } from '../ts/analysis/retainers';
import { ElfFormatError } from '../ts/types/elf';
import { BinaryMismatchError, GoBinary } from '../ts/types/go-binary';
import { objectTypeName, recoverTypes } from '../ts/types/recover';
import { EVIDENCE_MASK, TypeEvidence } from '../ts/types/type-names';
import { DumpWriter } from './support/dump-writer';
import { writeElf } from './support/elf-writer';
import { ElfFile } from '../ts/types/elf';
import { fixtureLabel, listFixtures, parseAddress } from './support/fixtures';
import {
  expectedObjectType, freshWithBinary, GO_INSTALLED, GO_TITLE, openTyped, typeCounts,
} from './support/typed-fixtures';

const HEAP = 0x10000000n;
const TYPE_T = 0x500000n;
const TYPE_PTR = 0x520000n;
const ITAB_T = 0x510000n;
const ITAB_PTR = 0x530000n;

interface Layout { ptrSize: 4 | 8; bigEndian: boolean }

/** Objects at HEAP + 0x100·k; holders carry (itab or type, data) pairs like Go interfaces. */
function interfaceDump({ ptrSize, bigEndian }: Layout, itabWordListed: boolean): Uint8Array {
  const w = new DumpWriter({ version: 17, ptrSize, bigEndian });
  const p = ptrSize;
  const at = (k: number) => HEAP + BigInt(0x100 * k);
  w.header().params({ heapStart: HEAP, heapEnd: HEAP + 0x100000n, ncpu: 1, experiment: 'go1.26.0' });
  w.type({ address: TYPE_T, size: 2 * p, name: 'main.T', ptrData: false });
  w.type({ address: TYPE_PTR, size: p, name: 'main.', ptrData: true });
  w.itab({ address: ITAB_T, type: TYPE_T });
  w.itab({ address: ITAB_PTR, type: TYPE_PTR });
  const pair = (first: number, typeWord: bigint, data: bigint) => [
    { offset: first, value: typeWord }, { offset: first + p, value: data }];
  const listed = (first: number) => (itabWordListed ? [first, first + p] : [first + p]);
  // Holder 0: a struct {x int; s Shape} with s = T value (itab, pointer to a heap copy of T).
  w.object({ address: at(0), contents: { size: 4 * p, words: pair(p, ITAB_T, at(1)) }, pointerOffsets: listed(p) });
  w.object({ address: at(1), contents: { size: 2 * p } , pointerOffsets: [] });
  // Holder 2: an empty interface holding a T (type word, pointer).
  w.object({ address: at(2), contents: { size: 2 * p, words: pair(0, TYPE_T, at(3)) }, pointerOffsets: listed(0) });
  w.object({ address: at(3), contents: { size: 2 * p }, pointerOffsets: [] });
  // Holder 4: a pointer-shaped *main.? through an itab: the target is the pointee.
  w.object({ address: at(4), contents: { size: 2 * p, words: pair(0, ITAB_PTR, at(5)) }, pointerOffsets: listed(0) });
  w.object({ address: at(5), contents: { size: 4 * p }, pointerOffsets: [] });
  // Holder 6: an interior pointer after an itab word never types the object around it.
  w.object({ address: at(6), contents: { size: 2 * p, words: pair(0, ITAB_T, at(7) + BigInt(p)) }, pointerOffsets: listed(0) });
  w.object({ address: at(7), contents: { size: 4 * p }, pointerOffsets: [] });
  // Holder 8: a pointer after a word that is no itab or type types nothing.
  w.object({ address: at(8), contents: { size: 2 * p, words: pair(0, 0x12345n, at(9)) }, pointerOffsets: listed(0) });
  w.object({ address: at(9), contents: { size: 2 * p }, pointerOffsets: [] });
  // A global interface in bss: (itab, pointer to object 10).
  w.object({ address: at(10), contents: { size: 2 * p }, pointerOffsets: [] });
  w.bss({ address: 0x600000n, contents: { size: 4 * p, words: pair(2 * p, ITAB_T, at(10)) },
    fields: (itabWordListed ? [2 * p, 3 * p] : [3 * p]).map((o) => [1, o] as const) });
  return w.eof().bytes();
}

describe('interface words (synthetic)', () => {
  const layouts: [string, Layout][] = [['64-bit little-endian', { ptrSize: 8, bigEndian: false }],
    ['32-bit big-endian', { ptrSize: 4, bigEndian: true }]];
  describe.each(layouts)('%s', (_title, layout) => {
    test.each([false, true])('itab word listed as a pointer field: %s', async (listed) => {
      const bytes = interfaceDump(layout, listed);
      const graph = new HeapGraph(await decodeDump(bytes));
      const recovery = recoverTypes(graph, { dump: bytes });
      const typeAt = (k: number) => objectTypeName(recovery, graph.objectAt(HEAP + BigInt(0x100 * k)));
      const evidenceAt = (k: number) => recovery.typeEvidence[graph.objectAt(HEAP + BigInt(0x100 * k))] & EVIDENCE_MASK;
      expect(typeAt(1)).toBe('main.T');
      expect(evidenceAt(1)).toBe(TypeEvidence.Itab);
      expect(typeAt(3)).toBe('main.T');
      expect(evidenceAt(3)).toBe(TypeEvidence.TypeWord);
      expect(typeAt(5)).toBe('main.?');
      expect(typeAt(7)).toBeNull();
      expect(typeAt(9)).toBeNull();
      expect(typeAt(10)).toBe('main.T');
      // Holders themselves stay unknown.
      for (const k of [0, 2, 4, 6, 8]) expect(typeAt(k)).toBeNull();
    });
  });

  test('the same rule works on gzipped dump bytes', async () => {
    const bytes = interfaceDump({ ptrSize: 8, bigEndian: false }, false);
    const gz = new Uint8Array(require('zlib').gzipSync(bytes));
    const graph = new HeapGraph(await decodeDump(gz));
    const recovery = recoverTypes(graph, { dump: gz });
    expect(objectTypeName(recovery, graph.objectAt(HEAP + 0x100n))).toBe('main.T');
  });
});

describe('malloc headers (synthetic, go1.26)', () => {
  test('a mid-size pointerful object whose first word is a non-heap address is grouped by it', async () => {
    const w = new DumpWriter({ version: 17 });
    w.header().params({ heapStart: HEAP, heapEnd: HEAP + 0x100000n, ncpu: 1, experiment: 'go1.26.0' });
    w.type({ address: TYPE_T, size: 16, name: 'main.T', ptrData: true });
    for (let k = 0; k < 3; k++) {
      w.object({ address: HEAP + BigInt(0x1000 * k), contents: { size: 1024, words: [{ offset: 0, value: k < 2 ? TYPE_T : 0x700000n }] },
        pointerOffsets: [16, 32] });
    }
    // Small (≤ 512 B) and large (> 32 KiB) objects have no header.
    w.object({ address: HEAP + 0x10000n, contents: { size: 512, words: [{ offset: 0, value: TYPE_T }] }, pointerOffsets: [16] });
    w.object({ address: HEAP + 0x20000n, contents: { size: 40960, words: [{ offset: 0, value: TYPE_T }] }, pointerOffsets: [16] });
    const graph = new HeapGraph(await decodeDump(w.eof().bytes()));
    const recovery = recoverTypes(graph, {});
    const typeAt = (address: bigint) => objectTypeName(recovery, graph.objectAt(address));
    expect(typeAt(HEAP)).toBe('main.T');
    expect(typeAt(HEAP + 0x1000n)).toBe('main.T');
    expect(typeAt(HEAP + 0x2000n)).toBe('type@0x700000');
    expect(typeAt(HEAP + 0x10000n)).toBeNull();
    expect(typeAt(HEAP + 0x20000n)).toBeNull();
  });
});

describe('go1.3 object types (synthetic)', () => {
  test('each object record names its type; kind 1 is an array, kind 2 a channel', async () => {
    const w = new DumpWriter({ version: 13 });
    w.header().params({ heapStart: HEAP, heapEnd: HEAP + 0x100000n, ncpu: 1 });
    w.type({ address: TYPE_T, size: 16, name: 'main.T', ptrData: false });
    w.object({ address: HEAP, contents: { size: 16 }, typeAddress: TYPE_T, kind: 0 });
    w.object({ address: HEAP + 0x100n, contents: { size: 64 }, typeAddress: TYPE_T, kind: 1 });
    w.object({ address: HEAP + 0x200n, contents: { size: 128 }, typeAddress: TYPE_T, kind: 2 });
    w.object({ address: HEAP + 0x300n, contents: { size: 16 }, typeAddress: 0, kind: 127 });
    w.object({ address: HEAP + 0x400n, contents: { size: 16 }, typeAddress: 0x777000, kind: 0 });
    const bytes = w.eof().bytes();
    const graph = new HeapGraph(await decodeDump(bytes));
    const recovery = recoverTypes(graph, { dump: bytes });
    const typeAt = (address: bigint) => objectTypeName(recovery, graph.objectAt(address));
    expect([HEAP, HEAP + 0x100n, HEAP + 0x200n, HEAP + 0x300n, HEAP + 0x400n].map(typeAt))
      .toEqual(['main.T', '[]main.T', 'chan main.T', null, 'type@0x777000']);
    expect(recovery.typeEvidence[graph.objectAt(HEAP)] & EVIDENCE_MASK).toBe(TypeEvidence.Go13);
  });
});

describe('--binary on synthetic ELF files', () => {
  const layouts: [string, 4 | 8, boolean, number, string][] = [
    ['64-bit little-endian amd64', 8, false, 62, 'amd64'], ['32-bit little-endian 386', 4, false, 3, '386'],
    ['64-bit big-endian s390x', 8, true, 22, 's390x'], ['32-bit big-endian mips', 4, true, 8, 'mips']];
  const DATA = 0x80000n;
  const BSS = 0x90000n;

  /** A dump whose data segment holds a pointer at +8 (inside main.config) and bss one at +0 (main.cache). */
  function dump(ptrSize: 4 | 8, bigEndian: boolean, goarch: string, shift = 0n, bssShift = shift): Uint8Array {
    const w = new DumpWriter({ version: 17, ptrSize, bigEndian });
    w.header().params({ heapStart: HEAP, heapEnd: HEAP + 0x100000n, ncpu: 1, goarch, experiment: 'go1.21.0' });
    w.object({ address: HEAP, contents: { size: 16 }, pointerOffsets: [] });
    w.object({ address: HEAP + 0x100n, contents: { size: 16 }, pointerOffsets: [] });
    w.data({ address: DATA + shift, contents: { size: 32, words: [{ offset: 8, value: HEAP }] } });
    w.bss({ address: BSS + bssShift, contents: { size: 16, words: [{ offset: 0, value: HEAP + 0x100n }] } });
    return w.eof().bytes();
  }
  function elf(ptrSize: 4 | 8, bigEndian: boolean, machine: number): ElfFile {
    return new ElfFile(writeElf({ ptrSize, bigEndian, machine, data: { address: DATA, size: 32 }, bss: { address: BSS, size: 16 },
      symbols: [{ name: 'main.config', value: DATA, size: 16, section: 'data' },
        { name: 'main.cache', value: BSS, size: 8, section: 'bss' }] }), 'prog');
  }

  test.each(layouts)('%s: globals name the data and bss roots', async (_title, ptrSize, bigEndian, machine, goarch) => {
    const file = elf(ptrSize, bigEndian, machine);
    expect([file.ptrSize, file.bigEndian, file.goarch.startsWith(goarch)]).toEqual([ptrSize, bigEndian, true]);
    const graph = new HeapGraph(await decodeDump(dump(ptrSize, bigEndian, goarch)));
    const binary = new GoBinary(file);
    binary.matchDump(graph.tables);
    expect(binary.warnings).toEqual([]);
    const naming = { globalAt: (a: bigint) => binary.globalAt(a) };
    const names = Array.from({ length: graph.roots.count }, (_, r) => rootName(graph, r, naming)).sort();
    expect(names).toEqual(['main.cache', 'main.config+0x8']);
  });

  test('another pointer size, byte order or architecture is refused', async () => {
    const tables = await decodeDump(dump(8, false, 'amd64'));
    expect(() => new GoBinary(elf(4, false, 3)).matchDump(tables)).toThrow(/32-bit but the dump has 8-byte pointers/);
    expect(() => new GoBinary(elf(8, true, 22)).matchDump(tables)).toThrow(BinaryMismatchError);
    expect(() => new GoBinary(elf(8, false, 183)).matchDump(tables)).toThrow(/GOARCH arm64 but the dump was written on amd64/);
  });

  test('data and bss moved by one offset: a PIE load offset, with a warning; by two: refused', async () => {
    const moved = await decodeDump(dump(8, false, 'amd64', 0x7f0000000000n));
    const binary = new GoBinary(elf(8, false, 62));
    binary.matchDump(moved);
    expect(binary.warnings.join()).toMatch(/load offset/);
    expect(binary.globalAt(BSS + 0x7f0000000000n)).toEqual({ name: 'main.cache', offset: 0 });
    const torn = await decodeDump(dump(8, false, 'amd64', 0x1000n, 0x2000n));
    expect(() => new GoBinary(elf(8, false, 62)).matchDump(torn)).toThrow(/differ from the dump's data and bss segments/);
    expect(() => new ElfFile(new Uint8Array(64))).toThrow(ElfFormatError);
  });
});

describe('fixtures without the binary', () => {
  for (const fixture of listFixtures({ name: 'ifaces' })) {
    test(`${fixtureLabel(fixture)}: interface values typed from itabs, counts as the manifest says`, async () => {
      const typed = await openTyped(fixture, null);
      const counts = typeCounts(typed);
      for (const [name, count] of Object.entries(fixture.manifest.expect.interfaces ?? {})) {
        expect([name, counts.get(expectedObjectType(name, fixture, false))]).toEqual([name, count]);
      }
    });
  }
  for (const fixture of listFixtures().filter((f) => f.manifest.mallocHeaders)) {
    test(`${fixtureLabel(fixture)}: malloc-header objects start with a type word`, async () => {
      const typed = await openTyped(fixture, null);
      expect(typed.recovery.typedBy.mallocHeader).toBeGreaterThan(0);
      // Manifest types that are pointerful and mid-size appear under their descriptor address.
      const names = new Set(typed.recovery.typeNames.names);
      expect([...names].some((n) => n.startsWith('type@0x'))).toBe(true);
    });
  }
});

describe(`fixtures with the binary (${GO_TITLE})`, () => {
  test('fresh fixtures and their binaries exist where Go is installed', () => {
    if (!GO_INSTALLED) return;
    for (const name of ['ifaces', 'tour', 'linked', 'goroutines']) expect([name, freshWithBinary(name).length > 0]).toEqual([name, true]);
  });

  for (const { fixture, binary } of freshWithBinary('ifaces')) {
    test(`${fixtureLabel(fixture)}: every group of the manifest is typed with its own name`, async () => {
      const typed = await openTyped(fixture, binary);
      const counts = typeCounts(typed);
      for (const [name, count] of Object.entries(fixture.manifest.expect.interfaces ?? {})) {
        expect([name, counts.get(expectedObjectType(name, fixture, true))]).toEqual([name, count]);
      }
      for (const group of fixture.manifest.groups) {
        const expected = group.typeName.includes('.func') ? `closure ${group.typeName}` : group.typeName;
        const names = new Set((group.addresses ?? []).map((a) => objectTypeName(typed.recovery, typed.graph.objectAt(parseAddress(a)))));
        expect([group.name, [...names]]).toEqual([group.name, [expected]]);
        expect([group.name, counts.get(expected)]).toEqual([group.name, group.count]);
      }
    });
  }

  for (const name of ['ifaces', 'tour', 'linked', 'goroutines', 'sizes']) {
    for (const { fixture, binary } of freshWithBinary(name)) {
      test(`${fixtureLabel(fixture)}: the globals appear by name among the roots`, async () => {
        const typed = await openTyped(fixture, binary);
        const { graph } = typed;
        const naming = { globalAt: (address: bigint) => typed.binary!.globalAt(address) };
        const names = new Set<string>();
        for (let r = 0; r < graph.roots.count; r++) {
          const kind = graph.roots.kind[r] as RootKind;
          if (kind === RootKind.Data || kind === RootKind.Bss) names.add(rootName(graph, r, naming));
        }
        let checked = 0;
        for (const global of fixture.manifest.globals) {
          if (graph.objectAt(parseAddress(global.value)) < 0) continue;
          expect([global.name, names.has(global.name)]).toEqual([global.name, true]);
          expect(typed.binary!.globalAt(parseAddress(global.address))).toEqual({ name: global.name, offset: 0 });
          checked++;
        }
        expect(checked).toBeGreaterThan(0);
      });
    }
  }

  const [first, second] = [freshWithBinary('ifaces'), freshWithBinary('linked')];
  if (first.length > 0) {
    test('a binary that did not write the dump is refused with a clear error', async () => {
      const tables = await decodeDump(first[0].fixture.path);
      const other = [...freshWithBinary('ifaces'), ...second].find((f) => f.fixture.goVersion !== first[0].fixture.goVersion);
      if (other !== undefined) {
        expect(() => GoBinary.open(other.binary).matchDump(tables)).toThrow(BinaryMismatchError);
      }
      expect(() => GoBinary.open(first[0].fixture.path)).toThrow(ElfFormatError);
      const sameVersionOther = second.find((f) => f.fixture.goVersion === first[0].fixture.goVersion);
      if (sameVersionOther !== undefined) {
        // Another program of the same toolchain: either refused or at least warned about.
        let warned = false;
        try {
          const binary = GoBinary.open(sameVersionOther.binary);
          binary.matchDump(tables);
          warned = binary.warnings.length > 0;
        } catch (error) {
          warned = error instanceof BinaryMismatchError;
        }
        expect(warned).toBe(true);
      }
    });
  }
});
