// Real dumps: the public Go 1.5.1 sample, the shipped sample and every fixture (committed,
// and freshly built where Go is installed) decode to their EOF record, and what they hold
// matches what the program that wrote them created.

import { readFileSync } from 'fs';
import { gunzipSync } from 'zlib';
import { decodeDump } from '../ts/decode/decode';
import { memStat, type DumpTables } from '../ts/tables/dump-tables';
import { HeapGraph } from '../ts/graph/heap-graph';
import { listFixtures, PACKAGE_SAMPLE, PUBLIC_SAMPLE, type Fixture } from './support/fixtures';

function dumpLength(path: string): number {
  const raw = readFileSync(path);
  return path.endsWith('.gz') ? gunzipSync(raw).length : raw.length;
}

function sum(values: Uint32Array): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total;
}

function hexSet(values: BigUint64Array): Set<string> {
  return new Set(Array.from(values, (v) => `0x${v.toString(16)}`));
}

describe('the public go1.5.1 darwin/amd64 sample', () => {
  let tables: DumpTables;
  beforeAll(async () => {
    tables = await decodeDump(PUBLIC_SAMPLE);
  });

  test('decodes to its EOF record with the counts FORMAT.md §9 lists', () => {
    expect(tables.salvage).toBeNull();
    expect(tables.dumpBytes).toBe(1_130_129);
    expect(tables.params.formatVersion).toBe('1.5');
    expect(tables.params.goarch).toBe('amd64');
    expect(tables.params.ncpu).toBe(8);
    expect(tables.params.heapStart).toBe(0xc820000000n);
    expect(tables.params.heapEnd).toBe(0xc820200000n);
    expect(tables.objects.count).toBe(3057);
    expect(sum(tables.objects.size)).toBe(696_544);
    expect(tables.objectFields.fieldOffset.length).toBe(40_913);
    expect(tables.recordCounts).toMatchObject({
      type: 45, itab: 49, goroutine: 8, stackFrame: 44, defer: 6, osThread: 6, finalizer: 6,
      memProf: 1, allocSample: 1, panic: 0, queuedFinalizer: 0, otherRoot: 0, data: 1, bss: 1, eof: 1,
    });
    expect(tables.data.contentSize[0]).toBe(45_448);
    expect(tables.bss.contentSize[0]).toBe(161_176);
  });

  test('the three corrupt go1.5 type names are repaired', () => {
    const repaired = Array.from(tables.types.nameRepaired).filter((flag) => flag === 1);
    expect(repaired).toHaveLength(3);
  });

  test('objects and bytes equal MemStats HeapObjects and HeapAlloc', () => {
    expect(memStat(tables.memStats!, 'HeapObjects')).toBe(3057n);
    expect(memStat(tables.memStats!, 'HeapAlloc')).toBe(696_544n);
  });
});

test('the sample shipped in testdata/ decodes to its EOF record', async () => {
  const tables = await decodeDump(PACKAGE_SAMPLE);
  expect(tables.salvage).toBeNull();
  expect(tables.dumpBytes).toBe(dumpLength(PACKAGE_SAMPLE));
  expect(tables.objects.count).toBeGreaterThan(100);
});

const fixtures = listFixtures();

test('there are fixtures from two Go generations', () => {
  const versions = new Set(fixtures.map((f) => f.goVersion.split('.').slice(0, 2).join('.')));
  expect(versions.size).toBeGreaterThanOrEqual(2);
});

describe.each(fixtures.map((f): [string, Fixture] => [`${f.name} ${f.goVersion}${f.fresh ? ' (fresh)' : ''}`, f]))(
  'fixture %s', (_label, fixture) => {
    const { manifest } = fixture;
    let tables: DumpTables;
    beforeAll(async () => {
      tables = await decodeDump(fixture.path);
    });

    test('decodes to its EOF record; params match the program', () => {
      expect(tables.salvage).toBeNull();
      expect(tables.dumpBytes).toBe(dumpLength(fixture.path));
      expect(tables.params.header).toBe(manifest.dumpHeader);
      expect(tables.params.goVersion).toBe(manifest.goVersion);
      expect(tables.params.goarch).toBe(manifest.goarch);
      expect(tables.params.ptrSize).toBe(manifest.ptrSize);
      expect(tables.params.bigEndian).toBe(manifest.bigEndian);
      expect(tables.objects.count).toBeGreaterThanOrEqual(manifest.expect.minObjects);
      expect(tables.goroutines.count).toBeGreaterThanOrEqual(manifest.expect.minGoroutines);
      expect(tables.recordCounts.memStats).toBe(1);
    });

    test('objects against MemStats', () => {
      const objects = tables.objects.count;
      const bytes = sum(tables.objects.size);
      const heapObjects = Number(memStat(tables.memStats!, 'HeapObjects'));
      const heapAlloc = Number(memStat(tables.memStats!, 'HeapAlloc'));
      if (manifest.expect.objectsVsMemStats === 'equal') {
        expect(objects).toBe(heapObjects);
        expect(bytes).toBe(heapAlloc);
      } else {
        expect(objects).toBeGreaterThanOrEqual(heapObjects);
        expect(bytes).toBeGreaterThanOrEqual(heapAlloc);
      }
    });

    test('memory profiling records are present when the program sampled', () => {
      if (!manifest.expect.memProf) return;
      expect(tables.recordCounts.memProf).toBeGreaterThan(0);
      expect(tables.recordCounts.allocSample).toBeGreaterThan(0);
      // Every sample names a bucket the dump has.
      const buckets = hexSet(tables.memProf.bucket);
      for (const bucket of hexSet(tables.allocSamples.bucket)) expect(buckets.has(bucket)).toBe(true);
    });

    test('the goroutines the program blocked are there, with their wait reasons and frames', () => {
      for (const g of manifest.goroutines ?? []) {
        const row = Array.from(tables.goroutines.id).findIndex((id) => id === BigInt(g.id));
        expect(row).toBeGreaterThanOrEqual(0);
        expect(tables.strings.get(tables.goroutines.waitReason[row])).toBe(g.waitReason);
        const functions = [];
        for (let f = 0; f < tables.stackFrames.count; f++) {
          if (tables.stackFrames.goroutineIndex[f] === row) functions.push(tables.strings.get(tables.stackFrames.name[f]));
        }
        expect(functions).toContain(g.function);
      }
    });

    test('registered and queued finalizers', () => {
      const finalizers = manifest.finalizers;
      if (finalizers === undefined) return;
      for (const [set, table] of [[finalizers.registered, tables.finalizers], [finalizers.queued, tables.queuedFinalizers]] as const) {
        const present = hexSet(table.object);
        const found = set.addresses.filter((a) => present.has(a)).length;
        expect(found).toBeGreaterThanOrEqual(set.min);
        expect(found).toBeLessThanOrEqual(set.max);
      }
    });

    test('large objects', () => {
      const expected = manifest.expect.largeObjects;
      if (expected === undefined) return;
      const large = Array.from(tables.objects.size).filter((size) => size > 32 * 1024).length;
      expect(large).toBeGreaterThanOrEqual(expected);
    });

    test('the structures the program built retain the bytes its allocations imply', () => {
      const retained = manifest.expect.retained ?? [];
      if (retained.length === 0) return;
      const graph = new HeapGraph(tables);
      const bytes = graph.retainedBytes();
      for (const r of retained) {
        const object = graph.objectAt(BigInt(r.address));
        expect({ what: r.what, object: object >= 0, bytes: bytes[object] }).toEqual({ what: r.what, object: true, bytes: r.bytes });
      }
    });
  });
