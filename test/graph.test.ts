// Heap graph semantics (ARCHITECTURE.md): edges, roots, reachability, dominators, retained
// sizes and paths, on real dumps against brute force and on synthetic shapes with known answers.

import { decodeDump } from '../ts/decode/decode';
import { HeapGraph, NO_DISTANCE } from '../ts/graph/heap-graph';
import { RootKind } from '../ts/graph/roots';
import { topRetainers } from '../ts/analysis/retainers';
import { DumpWriter } from './support/dump-writer';
import { bruteForceRetained } from './support/brute-force';
import { listFixtures, PUBLIC_SAMPLE } from './support/fixtures';

const HEAP = 0xc000000000n;
const DATA = 0x500000n;
const NODE_SIZE = 32;

/** A go1.7 dump with the given objects and data-segment pointers. */
function writeDump(build: (w: DumpWriter) => void): Uint8Array {
  const w = new DumpWriter({ version: 17 });
  w.header().params({ heapStart: HEAP, heapEnd: HEAP + 0x4000000n, ncpu: 2, experiment: 'go1.26.0' });
  build(w);
  return w.eof().bytes();
}

async function graphOf(bytes: Uint8Array | string): Promise<HeapGraph> {
  return new HeapGraph(await decodeDump(bytes));
}

/** Checks the invariants every graph must hold, and brute force when small. */
function checkInvariants(graph: HeapGraph, bruteForce: boolean): void {
  const idom = graph.immediateDominator();
  const distance = graph.rootDistance();
  const retained = graph.retainedBytes();
  const { reachableBytes } = graph.reachability();
  let childrenOfRoot = 0;
  for (let node = 0; node < graph.virtualRoot; node++) {
    // (Plain checks: an expect() per node is slow on 100,000 nodes.)
    if (distance[node] === NO_DISTANCE) {
      if (idom[node] !== -1 || retained[node] !== 0) throw new Error(`unreachable node ${node} has a dominator or retains`);
      continue;
    }
    // Exactly one immediate dominator, itself reachable.
    if (idom[node] < 0 || distance[idom[node]] === NO_DISTANCE) throw new Error(`node ${node}: bad dominator ${idom[node]}`);
    if (idom[node] === graph.virtualRoot) childrenOfRoot += retained[node];
  }
  expect(childrenOfRoot).toBe(reachableBytes);
  expect(retained[graph.virtualRoot]).toBe(reachableBytes);
  if (bruteForce) {
    const expected = bruteForceRetained(graph);
    for (let node = 0; node < graph.virtualRoot; node++) {
      if (expected[node] !== retained[node]) {
        throw new Error(`node ${node}: retained ${retained[node]}, brute force ${expected[node]}`);
      }
    }
  }
}

describe('heap graph on real dumps', () => {
  test('the public go1.5.1 sample: retained sizes equal brute force', async () => {
    const graph = await graphOf(PUBLIC_SAMPLE);
    expect(graph.objectCount).toBe(3057);
    checkInvariants(graph, true);
    const top = topRetainers(graph, 5);
    expect(top.reachable.bytes + top.garbage.bytes).toBe(696544);
    expect(top.objects[0].retainedBytes).toBeGreaterThanOrEqual(top.objects[1].retainedBytes);
  });

  for (const fixture of listFixtures()) {
    test(`fixture ${fixture.name} (${fixture.goVersion}${fixture.fresh ? ', fresh' : ''})`, async () => {
      const graph = await graphOf(fixture.path);
      checkInvariants(graph, graph.objectCount <= 12000);
      // Every path to a reachable object is a real chain of edges from a root.
      const distance = graph.rootDistance();
      for (let node = 0; node < graph.objectCount; node += Math.max(1, graph.objectCount >> 6)) {
        const path = graph.pathTo(node);
        if (distance[node] === NO_DISTANCE) {
          expect(path).toBeNull();
          continue;
        }
        expect(path).toHaveLength(distance[node]);
        expect(graph.edgeTarget[path![path!.length - 1]]).toBe(node);
      }
    });
  }
});

describe('heap graph on synthetic shapes', () => {
  test('a doubly linked list of 100,000 nodes held from both ends', async () => {
    const count = 100_000;
    const address = (i: number) => HEAP + BigInt(i * NODE_SIZE);
    const dump = writeDump((w) => {
      for (let i = 0; i < count; i++) {
        const words = [];
        if (i + 1 < count) words.push({ offset: 0, value: address(i + 1) });
        if (i > 0) words.push({ offset: 8, value: address(i - 1) });
        w.object({ address: address(i), contents: { size: NODE_SIZE, words }, pointerOffsets: [0, 8] });
      }
      w.data({ address: DATA, contents: { size: 16, words: [{ offset: 0, value: address(0) }, { offset: 8, value: address(count - 1) }] } });
    });
    const graph = await graphOf(dump);
    const idom = graph.immediateDominator();
    const retained = graph.retainedBytes();
    for (let i = 0; i < count; i++) {
      if (idom[i] !== graph.virtualRoot) throw new Error(`node ${i} dominated by ${idom[i]}`);
      if (retained[i] !== NODE_SIZE) throw new Error(`node ${i} retains ${retained[i]}`);
    }
    checkInvariants(graph, false);
  });

  test('a singly linked list: the head retains it all, paths follow the list', async () => {
    const count = 1000;
    const address = (i: number) => HEAP + BigInt(i * NODE_SIZE);
    const dump = writeDump((w) => {
      // Written in reverse address order: the graph sorts by address.
      for (let i = count - 1; i >= 0; i--) {
        const words = i + 1 < count ? [{ offset: 8, value: address(i + 1) + 16n }] : []; // interior pointer
        w.object({ address: address(i), contents: { size: NODE_SIZE, words }, pointerOffsets: [8] });
      }
      w.data({ address: DATA, contents: { size: 8, words: [{ offset: 0, value: address(0) }] } });
    });
    const graph = await graphOf(dump);
    expect(graph.retainedBytes()[0]).toBe(count * NODE_SIZE);
    expect(graph.retainedCount()[0]).toBe(count);
    expect(graph.retainedBytes()[count - 1]).toBe(NODE_SIZE);
    const root = graph.objectCount; // the only root node: the data slot
    expect(graph.roots.kind[0]).toBe(RootKind.Data);
    expect(graph.retainedBytes()[root]).toBe(count * NODE_SIZE);
    const path = graph.pathTo(count - 1)!;
    expect(path).toHaveLength(count + 1);
    expect(graph.edgeOffset(path[1])).toBe(0); // the data slot's offset
    expect(graph.edgeOffset(path[2])).toBe(8); // the field that links node 0 to node 1
    checkInvariants(graph, true);
  });

  test('pointers outside every object are not edges; garbage is kept apart', async () => {
    const dump = writeDump((w) => {
      w.object({ address: HEAP, contents: { size: 32, words: [{ offset: 0, value: HEAP + 0x1000n }, { offset: 8, value: HEAP + 32n }] }, pointerOffsets: [0, 8] });
      w.object({ address: HEAP + 64n, contents: { size: 64 } }); // unreachable
      w.data({ address: DATA, contents: { size: 8, words: [{ offset: 0, value: HEAP + 8n }] } });
    });
    const graph = await graphOf(dump);
    expect(graph.edgeCount).toBe(2); // data slot → object 0, virtual root → data slot
    expect(graph.reachability()).toEqual({ reachableCount: 1, reachableBytes: 32, garbageCount: 1, garbageBytes: 64 });
    checkInvariants(graph, true);
  });

  test('finalizers: a registered finalizer roots what its object points to, not the object', async () => {
    const a = HEAP;
    const b = HEAP + 32n;
    const c = HEAP + 64n;
    const fn = HEAP + 96n;
    const d = HEAP + 128n;
    const dump = writeDump((w) => {
      w.object({ address: a, contents: { size: 32, words: [{ offset: 0, value: b }] }, pointerOffsets: [0] });
      w.object({ address: b, contents: { size: 32 } });
      w.object({ address: c, contents: { size: 32 } });
      w.object({ address: fn, contents: { size: 32 } });
      w.object({ address: d, contents: { size: 32 } });
      w.finalizer({ object: a, fn, pc: 0x401000, fint: 0x500000, ot: 0x500000 });
      w.queuedFinalizer({ object: c, fn: 0x1, pc: 0x401000, fint: 0x500000, ot: 0x500000 });
    });
    const graph = await graphOf(dump);
    const distance = graph.rootDistance();
    const at = (address: bigint) => graph.objectAt(address);
    expect(distance[at(a)]).toBe(NO_DISTANCE); // the finalizer's own object is not a root
    expect(distance[at(b)]).not.toBe(NO_DISTANCE); // what it points to is
    expect(distance[at(fn)]).not.toBe(NO_DISTANCE); // and its function value
    expect(distance[at(c)]).not.toBe(NO_DISTANCE); // a queued finalizer's object is a root
    expect(distance[at(d)]).toBe(NO_DISTANCE);
    checkInvariants(graph, true);
  });

  test('go1.3 objects take their pointer words from their type, by kind (single, array, channel, conservative)', async () => {
    const T = 0x400000n; // type: 24 bytes, a Ptr at 0 and an Eface at 8 (words 8 and 16)
    const A = HEAP;
    const B = HEAP + 0x100n;
    const C = HEAP + 0x200n;
    const D = HEAP + 0x300n;
    const E = HEAP + 0x400n;
    const F = HEAP + 0x500n;
    const w = new DumpWriter({ version: 13 });
    w.header().params({ heapStart: HEAP, heapEnd: HEAP + 0x1000n, ncpu: 1, hchanSize: 32 });
    w.type({ address: T, size: 24, name: 'main.T', ptrData: true, fields: [[1, 0], [5, 8]] });
    // A: one T whose Ptr holds B and whose Eface data word holds C (its type word is not heap).
    w.object({ address: A, typeAddress: T, kind: 0, contents: { size: 24, words: [{ offset: 0, value: B }, { offset: 8, value: T }, { offset: 16, value: C }] } });
    // B: an array of two T; only the second element's Ptr points somewhere (at D).
    w.object({ address: B, typeAddress: T, kind: 1, contents: { size: 48, words: [{ offset: 24, value: D }] } });
    w.object({ address: C, typeAddress: 0, kind: 0, contents: { size: 16 } });
    // D: a channel of T: a 32-byte header, then one element whose Ptr holds E.
    w.object({ address: D, typeAddress: T, kind: 2, contents: { size: 56, words: [{ offset: 32, value: E }] } });
    // E: no type information but scannable: every word is a pointer word (F at 8).
    w.object({ address: E, typeAddress: 0, kind: 127, contents: { size: 16, words: [{ offset: 8, value: F }] } });
    w.object({ address: F, typeAddress: 0, kind: 0, contents: { size: 16 } });
    w.otherRoot({ description: 'test root', pointer: A });
    const tables = await decodeDump(w.eof().bytes());
    const { firstFieldIndex, fieldOffset } = tables.objectFields;
    const offsetsOf = (row: number) => Array.from(fieldOffset.subarray(firstFieldIndex[row], firstFieldIndex[row + 1]));
    expect([0, 1, 2, 3, 4, 5].map(offsetsOf)).toEqual([[0, 8, 16], [0, 8, 16, 24, 32, 40], [], [32, 40, 48], [0, 8], []]);
    const graph = new HeapGraph(tables);
    expect(graph.reachability()).toMatchObject({ reachableCount: 6, garbageCount: 0 });
    expect(graph.retainedBytes()[0]).toBe(24 + 48 + 16 + 56 + 16 + 16);
    checkInvariants(graph, true);
  });

  test('goroutine and frame roots retain what only their frames hold', async () => {
    const dump = writeDump((w) => {
      w.object({ address: HEAP, contents: { size: 48 } });
      w.object({ address: HEAP + 48n, contents: { size: 16 } });
      w.goroutine({ address: 0xc000100000n, sp: 0xc000200000n, id: 7, goPc: 0x401000, status: 4, isSystem: false,
        isBackground: false, waitSince: 0, waitReason: 'chan receive', ctxt: 0, m: 0, deferAddress: 0, panicAddress: 0 });
      w.stackFrame({ sp: 0xc000200000n, depth: 0, childSp: 0, contents: { size: 16, words: [{ offset: 8, value: HEAP }] },
        entryPc: 0x401000, pc: 0x401010, continuationPc: 0x401010, name: 'main.worker' });
      w.stackFrame({ sp: 0xc000200010n, depth: 1, childSp: 0xc000200000n, contents: { size: 8, words: [{ offset: 0, value: HEAP + 48n }] },
        entryPc: 0x402000, pc: 0x402010, continuationPc: 0x402010, name: 'main.main' });
    });
    const graph = await graphOf(dump);
    const retained = graph.retainedBytes();
    const goroutineNode = graph.objectCount;
    expect(graph.roots.kind[0]).toBe(RootKind.Goroutine);
    expect(retained[goroutineNode]).toBe(64);
    expect(retained[goroutineNode + 1]).toBe(48); // frame 0
    expect(retained[goroutineNode + 2]).toBe(16); // frame 1
    const report = topRetainers(graph, 10);
    expect(report.roots[0].name).toBe('goroutine 7 (waiting: chan receive)');
    checkInvariants(graph, true);
  });
});
