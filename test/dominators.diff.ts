// The native dominators (native/core/graph.cc) against the TypeScript reference
// (ts/graph/dominators.ts) on random graphs of several shapes and on every fixture's graph.

import { decodeDump } from '../ts/decode/decode';
import { loadNativeBackend } from '../ts/decode/native';
import { dominators, type Csr } from '../ts/graph/dominators';
import { HeapGraph } from '../ts/graph/heap-graph';
import { seededRandom } from './support/dump-writer';
import { listFixtures } from './support/fixtures';

const native = loadNativeBackend().backend;

function randomGraph(seed: number, nodeCount: number, edgesPerNode: number, local: number): Csr {
  const random = seededRandom(seed);
  const firstEdgeIndex = new Uint32Array(nodeCount + 1);
  const targets: number[] = [];
  for (let node = 0; node < nodeCount; node++) {
    const n = Math.floor(random() * edgesPerNode * 2);
    for (let i = 0; i < n; i++) {
      // Mostly nearby nodes (heap-like), some anywhere, some back edges (cycles).
      const near = node + Math.floor((random() - 0.3) * local);
      targets.push(random() < 0.8 ? Math.min(nodeCount - 1, Math.max(0, near)) : Math.floor(random() * nodeCount));
    }
    firstEdgeIndex[node + 1] = targets.length;
  }
  return { nodeCount, firstEdgeIndex, edgeTarget: Uint32Array.from(targets) };
}

describe('native dominators equal the TypeScript reference', () => {
  test('the native backend is available (not skipped)', () => {
    expect(native).not.toBeNull();
    expect(native!.dominators).toBeDefined();
  });

  test('200 random graphs', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const nodeCount = 1 + (seed * 37) % 3000;
      const graph = randomGraph(seed, nodeCount, 1 + (seed % 4), 2 + (seed % 50));
      const root = seed % nodeCount;
      const expected = dominators(graph, root);
      const actual = native!.dominators!(graph, root);
      expect(Buffer.compare(Buffer.from(actual.immediateDominator.buffer), Buffer.from(expected.immediateDominator.buffer))).toBe(0);
      expect(Array.from(actual.preorder)).toEqual(Array.from(expected.preorder));
    }
  });

  test('bad graphs are refused with an error, not a crash', () => {
    const good = randomGraph(7, 100, 2, 10);
    expect(() => native!.dominators!({ ...good, edgeTarget: Uint32Array.of(...good.edgeTarget.subarray(0, -1), 1000) }, 0)).toThrow(/edge target/);
    const first = good.firstEdgeIndex.slice();
    first[50] = first[51] + 1;
    expect(() => native!.dominators!({ ...good, firstEdgeIndex: first }, 0)).toThrow(/CSR/);
    expect(() => native!.dominators!(good, 100)).toThrow(/root/);
  });

  for (const fixture of listFixtures().filter((f) => !f.fresh)) {
    test(`fixture ${fixture.name} (${fixture.goVersion})`, async () => {
      const graph = new HeapGraph(await decodeDump(fixture.path, { backend: 'js' }));
      const expected = dominators(graph, graph.virtualRoot);
      const actual = native!.dominators!(graph, graph.virtualRoot);
      expect(Array.from(actual.immediateDominator)).toEqual(Array.from(expected.immediateDominator));
    });
  }
});
