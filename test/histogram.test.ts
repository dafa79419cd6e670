// Histograms (ts/analysis/histogram.ts) and their groupings: by type with and without the
// binary, by shape, by allocation site, by root; retained bytes without double counting.
import * as fs from 'fs';
import * as path from 'path';
import { allocationSites } from '../ts/analysis/alloc-sites';
import { groupByRoot, groupByShape, groupByType } from '../ts/analysis/groupings';
import { histogram } from '../ts/analysis/histogram';
import { main } from '../ts/cli/main';
import { decodeDump } from '../ts/decode/decode';
import { HeapGraph } from '../ts/graph/heap-graph';
import { groupShapes } from '../ts/types/shapes';
import { DumpWriter } from './support/dump-writer';
import { fixtureLabel, listFixtures, parseAddress, REPO_ROOT } from './support/fixtures';
import { expectedObjectType, freshWithBinary, GO_INSTALLED, GO_TITLE, openTyped } from './support/typed-fixtures';

const HEAP = 0x10000000n;

async function runCli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => { out += `${t}\n`; }, err: (t) => { err += `${t}\n`; } });
  return { code, out, err };
}

describe('retained bytes per group (synthetic)', () => {
  // bss → A → B → C, and bss → D; sizes 16, 32, 64, 128.
  async function chain(): Promise<HeapGraph> {
    const w = new DumpWriter({ version: 17 });
    w.header().params({ heapStart: HEAP, heapEnd: HEAP + 0x100000n, ncpu: 1, experiment: 'go1.20.0' });
    const at = (k: number) => HEAP + BigInt(0x1000 * k);
    w.object({ address: at(0), contents: { size: 16, words: [{ offset: 0, value: at(1) }] } });
    w.object({ address: at(1), contents: { size: 32, words: [{ offset: 0, value: at(2) }] } });
    w.object({ address: at(2), contents: { size: 64 }, pointerOffsets: [] });
    w.object({ address: at(3), contents: { size: 128 }, pointerOffsets: [] });
    w.bss({ address: 0x600000n, contents: { size: 16, words: [{ offset: 0, value: at(0) }, { offset: 8, value: at(3) }] } });
    return new HeapGraph(await decodeDump(w.eof().bytes()));
  }

  test('members nested under a member of the same group are counted once', async () => {
    const graph = await chain();
    const groupOf = new Int32Array(graph.objectCount);
    const objectOf = (k: number) => graph.objectAt(HEAP + BigInt(0x1000 * k));
    groupOf[objectOf(0)] = 0;
    groupOf[objectOf(1)] = 1;
    groupOf[objectOf(2)] = 0;
    groupOf[objectOf(3)] = -1;
    const report = histogram(graph, groupOf, ['outer', 'middle']);
    const row = (name: string) => report.groups.find((g) => g.name === name)!;
    expect(row('outer')).toEqual({ name: 'outer', count: 2, bytes: 80, retainedBytes: 112 });
    expect(row('middle')).toEqual({ name: 'middle', count: 1, bytes: 32, retainedBytes: 96 });
    expect(row('(unknown)')).toEqual({ name: '(unknown)', count: 1, bytes: 128, retainedBytes: 128 });
    expect(report.totalBytes).toBe(240);
    // One group for all: retained = everything, once.
    const all = histogram(graph, new Int32Array(graph.objectCount), ['all']);
    expect(all.groups).toEqual([{ name: 'all', count: 4, bytes: 240, retainedBytes: 240 }]);
  });
});

describe('fixtures without the binary', () => {
  for (const fixture of listFixtures({ name: 'ifaces' })) {
    test(`${fixtureLabel(fixture)}: shapes separate the struct kinds`, async () => {
      const graph = new HeapGraph(await decodeDump(fixture.path));
      const shapes = groupShapes(graph);
      const shapeOf = new Map<string, number>();
      for (const name of ['circles', 'squares', 'triangles', 'points', 'celsiusValues']) {
        const group = fixture.manifest.groups.find((g) => g.name === name)!;
        const seen = new Set(group.addresses!.map((a) => shapes.objectShape[graph.objectAt(parseAddress(a))]));
        expect([name, seen.size]).toEqual([name, 1]);
        shapeOf.set(name, [...seen][0]);
      }
      expect(new Set(shapeOf.values()).size).toBe(shapeOf.size);
      const report = histogram(graph, groupByShape(shapes).groupOf, shapes.names);
      expect(report.groups.find((g) => g.name === shapes.names[shapeOf.get('triangles')!])!.count).toBeGreaterThanOrEqual(150);
    });

    test(`${fixtureLabel(fixture)}: allocation sites point at the fixture's source lines`, async () => {
      const graph = new HeapGraph(await decodeDump(fixture.path));
      const sites = allocationSites(graph);
      expect(sites.sampledObjects).toBeGreaterThan(0);
      const source = fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'go', 'ifaces', 'main.go'), 'utf8').split('\n');
      const tokens: Record<string, string> = {
        circles: 'circle{', squares: 'sq', triangles: 'triangle{', points: '&point{', celsiusValues: 'celsius{',
        adderClosures: 'func(v int64)', scalerClosures: 'func(v int64)',
      };
      for (const [name, token] of Object.entries(tokens)) {
        const group = fixture.manifest.groups.find((g) => g.name === name)!;
        const found = new Set<number>();
        for (const address of group.addresses!) {
          const site = sites.objectSite[graph.objectAt(parseAddress(address))];
          if (site >= 0) found.add(site);
        }
        expect([name, found.size]).toEqual([name, 1]);
        const site = sites.sites[[...found][0]];
        expect(site.file.endsWith('main.go')).toBe(true);
        expect([name, site.name, source[site.line - 1].includes(token)]).toEqual([name, site.name, true]);
      }
    });

    test(`${fixtureLabel(fixture)}: type histogram and typedBytesShare`, async () => {
      const typed = await openTyped(fixture, null);
      const report = histogram(typed.graph, typed.recovery.objectTypeIndex, typed.recovery.typeNames.names,
        { objectTypeIndex: typed.recovery.objectTypeIndex });
      expect(report.typedBytesShare).toBeGreaterThan(0);
      expect(report.typedBytesShare).toBeLessThan(1);
      for (const [name, count] of Object.entries(fixture.manifest.expect.interfaces ?? {})) {
        const row = report.groups.find((g) => g.name === expectedObjectType(name, fixture, false));
        expect([name, row?.count]).toEqual([name, count]);
      }
    });
  }
});

describe(`fixtures with the binary (${GO_TITLE})`, () => {
  test('fresh ifaces fixtures with binaries exist where Go is installed', () => {
    if (GO_INSTALLED) expect(freshWithBinary('ifaces').length).toBeGreaterThan(0);
  });

  for (const { fixture, binary } of freshWithBinary('ifaces')) {
    test(`${fixtureLabel(fixture)}: goheap histogram --by type --json counts every stored type`, async () => {
      const { code, out } = await runCli(['histogram', fixture.path, '--by', 'type', '--binary', binary, '--json']);
      expect(code).toBe(0);
      const json = JSON.parse(out) as { groups: { name: string; count: number; bytes: number; retainedBytes: number }[];
        typedBytesShare: number };
      expect(json.typedBytesShare).toBeGreaterThan(0.1);
      expect(json.typedBytesShare).toBeLessThanOrEqual(1);
      for (const group of json.groups) {
        expect(typeof group.bytes).toBe('number');
        expect(group.retainedBytes).toBeGreaterThanOrEqual(group.bytes);
      }
      for (const [name, count] of Object.entries(fixture.manifest.expect.interfaces ?? {})) {
        const row = json.groups.find((g) => g.name === expectedObjectType(name, fixture, true));
        expect([name, row?.count]).toEqual([name, count]);
      }
      // Values that only went into []any have no itab, but the binary names their type word.
      expect(json.groups.find((g) => g.name === 'main.celsius')?.count).toBe(120);
      expect(json.groups.some((g) => g.name === '[]main.Shape' || g.name === 'main.Shape')).toBe(fixture.manifest.mallocHeaders);
    });

    test(`${fixtureLabel(fixture)}: --by root names the globals that retain the most`, async () => {
      const typed = await openTyped(fixture, binary);
      const grouping = groupByRoot(typed.graph, { globalAt: (a) => typed.binary!.globalAt(a) });
      const report = histogram(typed.graph, grouping.groupOf, grouping.names, { unknownName: grouping.unknownName });
      const shapes = report.groups.find((g) => g.name === 'main.shapes');
      expect(shapes).toBeDefined();
      const stored = ['circles', 'squares', 'triangles'].map((n) => fixture.manifest.groups.find((g) => g.name === n)!.count)
        .reduce((a, b) => a + b, 0);
      expect(shapes!.count).toBeGreaterThan(stored);
      const top = await runCli(['top', fixture.path, '--binary', binary, '--json', '--limit', '10']);
      const roots = (JSON.parse(top.out) as { roots: { name: string }[] }).roots.map((r) => r.name);
      expect(roots).toEqual(expect.arrayContaining(['main.shapes', 'main.callbacks', 'main.things']));
      const byType = histogram(typed.graph, groupByType(typed.recovery).groupOf, typed.recovery.typeNames.names);
      expect(byType.groups.find((g) => g.name === 'main.circle')?.count).toBe(150);
    });
  }
});
