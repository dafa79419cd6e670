// The heap graph of one dump: nodes, CSR out-edges, roots, and the derived columns
// (reachability and distances, dominators, retained sizes), each computed once on first use.
//
// Node numbering, fixed:
//   [0, objectCount)                       objects, in address order (objectIndex)
//   [objectCount, objectCount + rootCount) root nodes (ts/graph/roots.ts), rootIndex + objectCount
//   nodeCount - 1                          the virtual root, which points at every root node
// Edges follow ARCHITECTURE.md: an object's pointer word is an edge when its value lies inside
// some object (interior pointers count); a root that lands in no object is dropped.

import type { DumpTables, PointerWords } from '../tables/dump-tables';
import { buildAddressIndex, resolvePointersJs, type AddressIndex } from './address-index';
import { dominators, type DominatorResult } from './dominators';
import { RootKind, type RootTable } from './roots';
import { Column, u32Column, u8Column } from '../tables/columns';

/** Resolves a batch of pointer values to objectIndex or -1 (js, wasm or native). */
export type PointerResolver = (index: AddressIndex, valueLo: Uint32Array, valueHi: Uint32Array, out: Int32Array) => void;

export const NO_DISTANCE = -1;
/** Offsets of edges that are not pointer slots (goroutine → frame, finalizer function). */
export const NO_OFFSET = 0xffffffff;

export interface GraphOptions {
  /** The pointer lookup to use (default: the js one). */
  resolve?: PointerResolver;
  /** Told when each building stage ends, with its wall time, for benchmarks and progress. */
  onStage?: (stage: 'addressIndex' | 'edges', seconds: number) => void;
}

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

/** Collects edges node by node, in node order. */
class EdgeBuilder {
  readonly firstEdgeIndex: Column<Uint32Array>;
  readonly target = u32Column();
  readonly offset = u32Column();

  constructor() {
    this.firstEdgeIndex = u32Column();
    this.firstEdgeIndex.push(0);
  }

  add(target: number, offset: number): void {
    this.target.push(target);
    this.offset.push(offset);
  }

  /** Ends the current node. */
  endNode(): void {
    this.firstEdgeIndex.push(this.target.length);
  }
}

function resolveAll(index: AddressIndex, words: PointerWords, resolve: PointerResolver): Int32Array {
  const out = new Int32Array(words.fieldValueLo.length);
  resolve(index, words.fieldValueLo, words.fieldValueHi, out);
  return out;
}

function resolveOne(index: AddressIndex, lo: number, hi: number, resolve: PointerResolver): number {
  const out = new Int32Array(1);
  resolve(index, Uint32Array.of(lo), Uint32Array.of(hi), out);
  return out[0];
}

function split(value: bigint): [number, number] {
  return [Number(value & 0xffffffffn), Number(value >> 32n)];
}

export class HeapGraph {
  readonly index: AddressIndex;
  readonly objectCount: number;
  readonly roots: RootTable;
  readonly nodeCount: number;
  readonly virtualRoot: number;
  readonly firstEdgeIndex: Uint32Array;
  readonly edgeTarget: Uint32Array;
  /** Byte offset of the pointer slot in the source object, frame or segment (or NO_OFFSET). */
  readonly edgeOffset: Uint32Array;

  private distances: Int32Array | null = null;
  private dominatorResult: DominatorResult | null = null;
  private retained: { bytes: Float64Array; count: Uint32Array } | null = null;
  private reverse: { firstReferrerIndex: Uint32Array; referrerEdge: Uint32Array; edgeSource: Uint32Array } | null = null;

  constructor(readonly tables: DumpTables, options: GraphOptions = {}) {
    const resolve = options.resolve ?? resolvePointersJs;
    let started = process.hrtime.bigint();
    const index = buildAddressIndex(tables.objects);
    options.onStage?.('addressIndex', seconds(started));
    started = process.hrtime.bigint();
    this.index = index;
    const objectCount = index.objectCount;
    this.objectCount = objectCount;
    const edges = new EdgeBuilder();

    // Objects, in address order.
    const fields = tables.objectFields;
    const fieldTarget = resolveAll(index, fields, resolve);
    const objectTargets = (row: number, each: (target: number, offset: number) => void) => {
      for (let f = fields.firstFieldIndex[row]; f < fields.firstFieldIndex[row + 1]; f++) {
        if (fieldTarget[f] >= 0) each(fieldTarget[f], fields.fieldOffset[f]);
      }
    };
    edges.target.reserve(fieldTarget.length);
    edges.offset.reserve(fieldTarget.length);
    edges.firstEdgeIndex.reserve(objectCount);
    for (let objectIndex = 0; objectIndex < objectCount; objectIndex++) {
      objectTargets(index.objectRow[objectIndex], (target, offset) => edges.add(target, offset));
      edges.endNode();
    }

    // Root nodes.
    const rootKind = u8Column();
    const rootSource = u32Column();
    const rootOffset = u32Column();
    const addRoot = (kind: RootKind, source: number, offset: number) => {
      rootKind.push(kind);
      rootSource.push(source);
      rootOffset.push(offset);
    };
    const { goroutines, stackFrames } = tables;
    const frameTarget = resolveAll(index, stackFrames, resolve);
    // Goroutine nodes point at their frame nodes, which follow all goroutine nodes.
    const framesOf: number[][] = Array.from({ length: goroutines.count }, () => []);
    for (let frame = 0; frame < stackFrames.count; frame++) {
      const g = stackFrames.goroutineIndex[frame];
      if (g >= 0) framesOf[g].push(frame);
    }
    const firstFrameNode = objectCount + goroutines.count;
    for (let g = 0; g < goroutines.count; g++) {
      addRoot(RootKind.Goroutine, g, 0);
      for (const frame of framesOf[g]) edges.add(firstFrameNode + frame, NO_OFFSET);
      edges.endNode();
    }
    for (let frame = 0; frame < stackFrames.count; frame++) {
      addRoot(RootKind.StackFrame, frame, 0);
      for (let f = stackFrames.firstFieldIndex[frame]; f < stackFrames.firstFieldIndex[frame + 1]; f++) {
        if (frameTarget[f] >= 0) edges.add(frameTarget[f], stackFrames.fieldOffset[f]);
      }
      edges.endNode();
    }
    for (const [kind, segments] of [[RootKind.Data, tables.data], [RootKind.Bss, tables.bss]] as const) {
      const target = resolveAll(index, segments, resolve);
      for (let segment = 0; segment < segments.count; segment++) {
        for (let f = segments.firstFieldIndex[segment]; f < segments.firstFieldIndex[segment + 1]; f++) {
          if (target[f] < 0) continue;
          addRoot(kind, segment, segments.fieldOffset[f]);
          edges.add(target[f], segments.fieldOffset[f]);
          edges.endNode();
        }
      }
    }
    const { otherRoots, finalizers, queuedFinalizers } = tables;
    for (let i = 0; i < otherRoots.count; i++) {
      addRoot(RootKind.OtherRoot, i, 0);
      const target = resolveOne(index, ...split(otherRoots.pointer[i]), resolve);
      if (target >= 0) edges.add(target, NO_OFFSET);
      edges.endNode();
    }
    for (let i = 0; i < finalizers.count; i++) {
      // The function value, and everything the object points to; not the object itself.
      addRoot(RootKind.Finalizer, i, 0);
      const fn = resolveOne(index, ...split(finalizers.fn[i]), resolve);
      if (fn >= 0) edges.add(fn, NO_OFFSET);
      const object = resolveOne(index, ...split(finalizers.object[i]), resolve);
      if (object >= 0) objectTargets(index.objectRow[object], (target, offset) => edges.add(target, offset));
      edges.endNode();
    }
    for (let i = 0; i < queuedFinalizers.count; i++) {
      addRoot(RootKind.QueuedFinalizer, i, 0);
      const object = resolveOne(index, ...split(queuedFinalizers.object[i]), resolve);
      if (object >= 0) edges.add(object, NO_OFFSET);
      const fn = resolveOne(index, ...split(queuedFinalizers.fn[i]), resolve);
      if (fn >= 0) edges.add(fn, NO_OFFSET);
      edges.endNode();
    }

    // The virtual root points at every root node except frames that belong to a goroutine.
    const rootCount = rootKind.length;
    const kinds = rootKind.data;
    for (let r = 0; r < rootCount; r++) {
      if (kinds[r] === RootKind.StackFrame && stackFrames.goroutineIndex[rootSource.data[r]] >= 0) continue;
      edges.add(objectCount + r, NO_OFFSET);
    }
    edges.endNode();

    this.roots = { count: rootCount, kind: rootKind.finish(), source: rootSource.finish(), offset: rootOffset.finish() };
    this.nodeCount = objectCount + rootCount + 1;
    this.virtualRoot = this.nodeCount - 1;
    this.firstEdgeIndex = edges.firstEdgeIndex.finish();
    this.edgeTarget = edges.target.finish();
    this.edgeOffset = edges.offset.finish();
    options.onStage?.('edges', seconds(started));
  }

  get edgeCount(): number {
    return this.edgeTarget.length;
  }

  /** Breadth-first hops from the virtual root; NO_DISTANCE for unreachable nodes. */
  rootDistance(): Int32Array {
    if (this.distances !== null) return this.distances;
    const distance = new Int32Array(this.nodeCount).fill(NO_DISTANCE);
    const queue = new Uint32Array(this.nodeCount);
    const { firstEdgeIndex, edgeTarget } = this;
    let head = 0;
    let tail = 0;
    distance[this.virtualRoot] = 0;
    queue[tail++] = this.virtualRoot;
    while (head < tail) {
      const node = queue[head++];
      const next = distance[node] + 1;
      for (let e = firstEdgeIndex[node]; e < firstEdgeIndex[node + 1]; e++) {
        const target = edgeTarget[e];
        if (distance[target] !== NO_DISTANCE) continue;
        distance[target] = next;
        queue[tail++] = target;
      }
    }
    this.distances = distance;
    return distance;
  }

  isReachable(node: number): boolean {
    return this.rootDistance()[node] !== NO_DISTANCE;
  }

  dominatorTree(): DominatorResult {
    if (this.dominatorResult === null) this.dominatorResult = dominators(this, this.virtualRoot);
    return this.dominatorResult;
  }

  /** node → immediate dominator node (-1: unreachable, or the virtual root itself). */
  immediateDominator(): Int32Array {
    return this.dominatorTree().immediateDominator;
  }

  private retainedColumns(): { bytes: Float64Array; count: Uint32Array } {
    if (this.retained !== null) return this.retained;
    const { immediateDominator, preorder } = this.dominatorTree();
    const bytes = new Float64Array(this.nodeCount);
    const count = new Uint32Array(this.nodeCount);
    const size = this.index.size;
    for (let i = 0; i < preorder.length; i++) {
      const node = preorder[i];
      if (node < this.objectCount) {
        bytes[node] = size[node];
        count[node] = 1;
      }
    }
    // Children come after their dominator in preorder, so a reverse sweep adds each subtree
    // into its dominator once it is complete.
    for (let i = preorder.length - 1; i > 0; i--) {
      const node = preorder[i];
      const dominator = immediateDominator[node];
      bytes[dominator] += bytes[node];
      count[dominator] += count[node];
    }
    this.retained = { bytes, count };
    return this.retained;
  }

  /** Bytes each node keeps alive (itself included); 0 for unreachable nodes. */
  retainedBytes(): Float64Array {
    return this.retainedColumns().bytes;
  }

  /** Objects each node keeps alive (itself included). */
  retainedCount(): Uint32Array {
    return this.retainedColumns().count;
  }

  /** Reverse edges, CSR: referrerEdge lists edge indexes into edgeTarget/edgeOffset by target. */
  referrers(): { firstReferrerIndex: Uint32Array; referrerEdge: Uint32Array; edgeSource: Uint32Array } {
    if (this.reverse === null) {
      const edgeSource = new Uint32Array(this.edgeCount);
      for (let node = 0; node < this.nodeCount; node++) {
        for (let e = this.firstEdgeIndex[node]; e < this.firstEdgeIndex[node + 1]; e++) edgeSource[e] = node;
      }
      const first = new Uint32Array(this.nodeCount + 1);
      for (let e = 0; e < this.edgeCount; e++) first[this.edgeTarget[e] + 1]++;
      for (let node = 0; node < this.nodeCount; node++) first[node + 1] += first[node];
      const fill = first.slice(0, this.nodeCount);
      const referrerEdge = new Uint32Array(this.edgeCount);
      for (let e = 0; e < this.edgeCount; e++) referrerEdge[fill[this.edgeTarget[e]]++] = e;
      this.reverse = { firstReferrerIndex: first, referrerEdge, edgeSource };
    }
    return this.reverse;
  }

  /** Reachable objects and their bytes, and the garbage (unreachable) ones. */
  reachability(): { reachableCount: number; reachableBytes: number; garbageCount: number; garbageBytes: number } {
    const distance = this.rootDistance();
    let reachableCount = 0;
    let reachableBytes = 0;
    let garbageBytes = 0;
    const size = this.index.size;
    for (let i = 0; i < this.objectCount; i++) {
      if (distance[i] !== NO_DISTANCE) {
        reachableCount++;
        reachableBytes += size[i];
      } else {
        garbageBytes += size[i];
      }
    }
    return { reachableCount, reachableBytes, garbageCount: this.objectCount - reachableCount, garbageBytes };
  }

  /** The objectIndex of the object containing `address`, or -1. */
  objectAt(address: bigint): number {
    const out = new Int32Array(1);
    const [lo, hi] = split(address);
    resolvePointersJs(this.index, Uint32Array.of(lo), Uint32Array.of(hi), out);
    return out[0];
  }

  /** The address of an object, exact. */
  address(objectIndex: number): bigint {
    return (BigInt(this.index.addressHi[objectIndex]) << 32n) | BigInt(this.index.addressLo[objectIndex]);
  }

  /** Shortest path from the virtual root to `node`, as edge indexes (first edge leaves the virtual root). */
  pathTo(node: number): number[] | null {
    const distance = this.rootDistance();
    if (distance[node] === NO_DISTANCE) return null;
    const { firstReferrerIndex, referrerEdge, edgeSource } = this.referrers();
    const path: number[] = [];
    let current = node;
    while (current !== this.virtualRoot) {
      // Any referrer one hop closer to the root lies on a shortest path; take the first.
      let chosen = -1;
      for (let r = firstReferrerIndex[current]; r < firstReferrerIndex[current + 1]; r++) {
        const e = referrerEdge[r];
        if (distance[edgeSource[e]] === distance[current] - 1) {
          chosen = e;
          break;
        }
      }
      path.push(chosen);
      current = edgeSource[chosen];
    }
    return path.reverse();
  }

  /** The source node of an edge. */
  edgeSourceOf(edge: number): number {
    let low = 0;
    let high = this.nodeCount;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.firstEdgeIndex[mid + 1] <= edge) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
