// goheap goroutines (ts/analysis/goroutines.ts) on the goroutines fixture: status, wait reason,
// stacks, retained bytes per goroutine, identical stacks grouped.
import { goroutineReport } from '../ts/analysis/goroutines';
import { main } from '../ts/cli/main';
import { decodeDump } from '../ts/decode/decode';
import { HeapGraph } from '../ts/graph/heap-graph';
import * as fs from 'fs';
import * as path from 'path';
import { GoBinary } from '../ts/types/go-binary';
import { frameLocation, LineTable } from '../ts/types/pclntab';
import { fixtureLabel, listFixtures, REPO_ROOT } from './support/fixtures';
import { freshWithBinary, GO_INSTALLED, GO_TITLE } from './support/typed-fixtures';

describe('goroutines', () => {
  const fixtures = listFixtures({ name: 'goroutines' });
  test('goroutines fixtures exist', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  for (const fixture of fixtures) {
    test(`${fixtureLabel(fixture)}: each goroutine of the manifest with its wait, stack and retained bytes`, async () => {
      const graph = new HeapGraph(await decodeDump(fixture.path));
      const report = goroutineReport(graph);
      expect(report.goroutines.length).toBe(graph.tables.goroutines.count);
      for (const expected of fixture.manifest.goroutines ?? []) {
        const row = report.goroutines.find((g) => g.id === BigInt(expected.id));
        expect(row).toBeDefined();
        expect([expected.id, row!.status, row!.waitReason]).toEqual([expected.id, 'waiting', expected.waitReason]);
        const own = row!.frames.filter((f) => f.function === expected.function).length;
        expect([expected.id, own]).toEqual([expected.id, expected.recursionDepth + 1]);
        expect(row!.retainedBytes).toBeGreaterThanOrEqual(expected.payloadRetainedBytes);
      }
      // Groups: identical stacks together, every goroutine in exactly one group.
      expect(report.groups.reduce((sum, g) => sum + g.count, 0)).toBe(report.goroutines.length);
      const key = (frames: { function: string }[]) => frames.map((f) => f.function).join('\n');
      expect(new Set(report.groups.map((g) => key(g.frames))).size).toBe(report.groups.length);
      for (const group of report.groups) {
        for (const id of group.ids) {
          expect(key(report.goroutines.find((g) => g.id === id)!.frames)).toBe(key(group.frames));
        }
      }
      const receivers = (fixture.manifest.goroutines ?? []).filter((g) => g.kind === 'chan-receive');
      const receiverGroup = report.groups.find((g) => g.ids.includes(BigInt(receivers[0].id)))!;
      expect(receiverGroup.count).toBeGreaterThanOrEqual(receivers.filter((r) => r.recursionDepth === receivers[0].recursionDepth).length);
    });

    test(`${fixtureLabel(fixture)}: goheap goroutines --json`, async () => {
      let out = '';
      const code = await main(['goroutines', fixture.path, '--json'], { out: (t) => { out += t; }, err: () => undefined });
      expect(code).toBe(0);
      const json = JSON.parse(out) as { goroutines: { id: number; retainedBytes: number; frames: unknown[] }[]; groups: unknown[] };
      expect(json.goroutines.length).toBeGreaterThanOrEqual(fixture.manifest.expect.minGoroutines);
      expect(json.groups.length).toBeGreaterThan(0);
    });
  }

  describe(`with the binary: file:line of each frame (${GO_TITLE})`, () => {
    test('fresh goroutines fixtures with binaries exist where Go is installed', () => {
      if (GO_INSTALLED) expect(freshWithBinary('goroutines').length).toBeGreaterThan(0);
    });
    const source = fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'go', 'goroutines', 'main.go'), 'utf8').split('\n');
    for (const { fixture, binary } of freshWithBinary('goroutines')) {
      test(`${fixtureLabel(fixture)}: receivers block at the channel receive in main.go`, async () => {
        const graph = new HeapGraph(await decodeDump(fixture.path));
        const program = GoBinary.open(binary);
        program.matchDump(graph.tables);
        const lines = LineTable.open(program.elf)!;
        expect(lines).not.toBeNull();
        const report = goroutineReport(graph, { location: (pc) => frameLocation(lines, pc, false) });
        const receiver = (fixture.manifest.goroutines ?? []).find((g) => g.kind === 'chan-receive')!;
        const row = report.goroutines.find((g) => g.id === BigInt(receiver.id))!;
        const frames = row.frames.filter((f) => f.function === 'main.receiveForever');
        const innermost = frames[0].location!;
        expect(innermost).toMatch(/main\.go:\d+$/);
        const line = Number(innermost.slice(innermost.lastIndexOf(':') + 1));
        expect(source[line - 1]).toContain('<-neverSent');
        expect(frames[1].location).toMatch(/main\.go:\d+$/);
        expect(source[Number(frames[1].location!.split(':').pop()) - 1]).toContain('receiveForever(id, depth-1)');
      });
    }
  });
});
