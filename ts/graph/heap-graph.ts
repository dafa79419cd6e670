// The heap graph of one dump: nodes, CSR out-edges, roots, and the derived columns
// (dominators with reachability, retained sizes, distances), each computed once on first use.
//
// Node numbering, fixed:
//   [0, objectCount)                       objects, in address order (objectIndex = table row)
//   [objectCount, objectCount + rootCount) root nodes (ts/graph/roots.ts), rootIndex + objectCount
//   nodeCount - 1                          the virtual root, which points at every root node
// Edges follow ARCHITECTURE.md: an object's pointer word is an edge when its value lies inside
// some object (interior pointers count); a root that lands in no object is dropped.
//
// Memory: besides the tables, about 4 B per edge (targets) and 24 B per node (first edge,
// dominator, retained bytes and count) stay; the slot offset of an object's edge is looked up
// again from the tables when asked for, so it costs nothing per edge.

import type { DumpTables, ObjectTable, PointerWords } from '../tables/dump-tables';
import { u32Column, u8Column } from '../tables/columns';
import { selectBackend } from '../decode/select';
import { JsPointerResolver, type PointerResolver } from './address-index';
import { dominators, type Csr, type DominatorResult } from './dominators';
import { retainedSums, type RetainedColumns } from './retained';
import { RootKind, type RootTable } from './roots';

export const NO_DISTANCE = -1;
/** Offsets of edges that are not pointer slots (goroutine → frame, virtual root, finalizer function). */
export const NO_OFFSET = 0xffffffff;

export type GraphStage = 'addressIndex' | 'edges' | 'dominators' | 'retained';

export interface GraphOptions {
  /** Makes the pointer lookup for an objects table (default: that of the backend that decoded the tables). */
  createResolver?: (objects: ObjectTable) => PointerResolver;
  /** Computes immediate dominators (default: the decoding backend's, else ts/graph/dominators.ts). */
  dominators?: (graph: Csr, root: number) => DominatorResult;
  /** Told when each stage ends, with its wall time, for benchmarks and progress. */
  onStage?: (stage: GraphStage, seconds: number) => void;
}

/** The backend that decoded the tables does the lookups too (native, wasm and js agree). */
function defaultResolver(tables: DumpTables): (objects: ObjectTable) => PointerResolver {
  const backend = selectBackend(tables.backend);
  return (objects) => backend.createResolver(objects);
}

function defaultDominators(tables: DumpTables): (graph: Csr, root: number) => DominatorResult {
  const backend = selectBackend(tables.backend);
  return backend.dominators?.bind(backend) ?? dominators;
}

function secondsSince(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function split(value: bigint): [number, number] {
  return [Number(value & 0xffffffffn), Number((value >> 32n) & 0xffffffffn)];
}

export class HeapGraph {
  readonly objects: ObjectTable;
  readonly objectCount: number;
  readonly roots: RootTable;
  readonly nodeCount: number;
  readonly virtualRoot: number;
  readonly firstEdgeIndex: Uint32Array;
  readonly edgeTarget: Uint32Array;
  /** Edges from this index on leave root nodes (and the virtual root). */
  readonly firstRootEdge: number;
  /** Slot offsets of the root-node edges (edge - firstRootEdge), or NO_OFFSET. */
  private readonly rootEdgeOffset: Uint32Array;
  /** The backend's fast lookup while building; then a plain binary search (rare lookups). */
  private resolver: PointerResolver;

  private idom: Int32Array | null = null;
  private retained: RetainedColumns | null = null;
  private distances: Int32Array | null = null;
  private reverse: { firstReferrerIndex: Uint32Array; referrerEdge: Uint32Array; edgeSource: Uint32Array } | null = null;

  constructor(readonly tables: DumpTables, private readonly options: GraphOptions = {}) {
    const objects = tables.objects;
    this.objects = objects;
    const objectCount = objects.count;
    this.objectCount = objectCount;

    let started = process.hrtime.bigint();
    const resolver = (options.createResolver ?? defaultResolver(tables))(objects);
    this.resolver = resolver;
    options.onStage?.('addressIndex', secondsSince(started));
    started = process.hrtime.bigint();

    // Object edges: resolve every pointer word once, then count and fill (CSR).
    const fields = tables.objectFields;
    const fieldTarget = this.resolveAll(fields);
    const fieldFirst = fields.firstFieldIndex;
    const { stackFrames, goroutines, otherRoots, finalizers, queuedFinalizers } = tables;
    const frameTarget = this.resolveAll(stackFrames);
    const dataTarget = this.resolveAll(tables.data);
    const bssTarget = this.resolveAll(tables.bss);

    // Root nodes, in a fixed order; their edges are collected as they are made.
    const rootKind = u8Column();
    const rootSource = u32Column();
    const rootOffset = u32Column();
    const rootEdgeCount = u32Column();
    const rootTargets = u32Column();
    const rootTargetOffset = u32Column();
    let pending = 0;
    const edge = (target: number, offset: number) => {
      rootTargets.push(target);
      rootTargetOffset.push(offset);
      pending++;
    };
    const addRoot = (kind: RootKind, source: number, offset: number) => {
      rootKind.push(kind);
      rootSource.push(source);
      rootOffset.push(offset);
      rootEdgeCount.push(pending);
      pending = 0;
    };
    const objectEdges = (object: number) => {
      for (let f = fieldFirst[object]; f < fieldFirst[object + 1]; f++) {
        if (fieldTarget[f] >= 0) edge(fieldTarget[f], fields.fieldOffset[f]);
      }
    };

    // Goroutine nodes point at their frame nodes, which follow all goroutine nodes.
    const framesOf: number[][] = Array.from({ length: goroutines.count }, () => []);
    for (let frame = 0; frame < stackFrames.count; frame++) {
      const g = stackFrames.goroutineIndex[frame];
      if (g >= 0) framesOf[g].push(frame);
    }
    const firstFrameNode = objectCount + goroutines.count;
    for (let g = 0; g < goroutines.count; g++) {
      for (const frame of framesOf[g]) edge(firstFrameNode + frame, NO_OFFSET);
      addRoot(RootKind.Goroutine, g, 0);
    }
    for (let frame = 0; frame < stackFrames.count; frame++) {
      for (let f = stackFrames.firstFieldIndex[frame]; f < stackFrames.firstFieldIndex[frame + 1]; f++) {
        if (frameTarget[f] >= 0) edge(frameTarget[f], stackFrames.fieldOffset[f]);
      }
      addRoot(RootKind.StackFrame, frame, 0);
    }
    for (const [kind, segments, target] of [[RootKind.Data, tables.data, dataTarget], [RootKind.Bss, tables.bss, bssTarget]] as const) {
      for (let segment = 0; segment < segments.count; segment++) {
        for (let f = segments.firstFieldIndex[segment]; f < segments.firstFieldIndex[segment + 1]; f++) {
          if (target[f] < 0) continue;
          edge(target[f], segments.fieldOffset[f]);
          addRoot(kind, segment, segments.fieldOffset[f]);
        }
      }
    }
    for (let i = 0; i < otherRoots.count; i++) {
      const target = this.resolveOne(otherRoots.pointer[i]);
      if (target >= 0) edge(target, NO_OFFSET);
      addRoot(RootKind.OtherRoot, i, 0);
    }
    for (let i = 0; i < finalizers.count; i++) {
      // The function value, and everything the object points to; not the object itself.
      const fn = this.resolveOne(finalizers.fn[i]);
      if (fn >= 0) edge(fn, NO_OFFSET);
      const object = this.resolveOne(finalizers.object[i]);
      if (object >= 0) objectEdges(object);
      addRoot(RootKind.Finalizer, i, 0);
    }
    for (let i = 0; i < queuedFinalizers.count; i++) {
      const object = this.resolveOne(queuedFinalizers.object[i]);
      if (object >= 0) edge(object, NO_OFFSET);
      const fn = this.resolveOne(queuedFinalizers.fn[i]);
      if (fn >= 0) edge(fn, NO_OFFSET);
      addRoot(RootKind.QueuedFinalizer, i, 0);
    }
    // The virtual root points at every root node except frames that belong to a goroutine.
    const rootCount = rootKind.length;
    for (let r = 0; r < rootCount; r++) {
      if (rootKind.data[r] === RootKind.StackFrame && stackFrames.goroutineIndex[rootSource.data[r]] >= 0) continue;
      edge(objectCount + r, NO_OFFSET);
    }
    const virtualRootEdges = pending;

    // Assemble the CSR: object edges first, then the root nodes' and the virtual root's.
    const nodeCount = objectCount + rootCount + 1;
    const firstEdgeIndex = new Uint32Array(nodeCount + 1);
    for (let object = 0; object < objectCount; object++) {
      let n = 0;
      for (let f = fieldFirst[object]; f < fieldFirst[object + 1]; f++) if (fieldTarget[f] >= 0) n++;
      firstEdgeIndex[object + 1] = firstEdgeIndex[object] + n;
    }
    const firstRootEdge = firstEdgeIndex[objectCount];
    for (let r = 0; r < rootCount; r++) {
      firstEdgeIndex[objectCount + r + 1] = firstEdgeIndex[objectCount + r] + rootEdgeCount.data[r];
    }
    firstEdgeIndex[nodeCount] = firstEdgeIndex[nodeCount - 1] + virtualRootEdges;
    const edgeTarget = new Uint32Array(firstEdgeIndex[nodeCount]);
    let next = 0;
    for (let f = 0; f < fieldTarget.length; f++) if (fieldTarget[f] >= 0) edgeTarget[next++] = fieldTarget[f];
    edgeTarget.set(rootTargets.finish(), firstRootEdge);

    this.roots = { count: rootCount, kind: rootKind.finish(), source: rootSource.finish(), offset: rootOffset.finish() };
    this.nodeCount = nodeCount;
    this.virtualRoot = nodeCount - 1;
    this.firstEdgeIndex = firstEdgeIndex;
    this.edgeTarget = edgeTarget;
    this.firstRootEdge = firstRootEdge;
    this.rootEdgeOffset = rootTargetOffset.finish();
    resolver.close();
    this.resolver = new JsPointerResolver(objects, { buckets: false });
    options.onStage?.('edges', secondsSince(started));
  }

  private resolveAll(words: PointerWords): Int32Array {
    const out = new Int32Array(words.fieldValueLo.length);
    this.resolver.resolve(words.fieldValueLo, words.fieldValueHi, out);
    return out;
  }

  private resolveOne(value: bigint): number {
    const [lo, hi] = split(value);
    const out = new Int32Array(1);
    this.resolver.resolve(Uint32Array.of(lo), Uint32Array.of(hi), out);
    return out[0];
  }

  get edgeCount(): number {
    return this.edgeTarget.length;
  }

  /** The objectIndex of the object containing `address`, or -1. */
  objectAt(address: bigint): number {
    return this.resolveOne(address);
  }

  /** The address of an object, exact. */
  address(objectIndex: number): bigint {
    return (BigInt(this.objects.addressHi[objectIndex]) << 32n) | BigInt(this.objects.addressLo[objectIndex]);
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

  /** Byte offset of the pointer slot an edge comes from, or NO_OFFSET. */
  edgeOffset(edge: number): number {
    if (edge >= this.firstRootEdge) return this.rootEdgeOffset[edge - this.firstRootEdge];
    const source = this.edgeSourceOf(edge);
    return this.edgeOffsets(source)[edge - this.firstEdgeIndex[source]];
  }

  /**
   * The slot offsets of all edges leaving `node`, in edge order. For an object they are found
   * again from its pointer words (the k-th edge is the k-th word that lands in an object).
   */
  edgeOffsets(node: number): Uint32Array {
    const first = this.firstEdgeIndex[node];
    const end = this.firstEdgeIndex[node + 1];
    if (first >= this.firstRootEdge) return this.rootEdgeOffset.subarray(first - this.firstRootEdge, end - this.firstRootEdge);
    const fields = this.tables.objectFields;
    const firstField = fields.firstFieldIndex[node];
    const endField = fields.firstFieldIndex[node + 1];
    const targets = new Int32Array(endField - firstField);
    this.resolver.resolve(fields.fieldValueLo.subarray(firstField, endField), fields.fieldValueHi.subarray(firstField, endField), targets);
    const offsets = new Uint32Array(end - first);
    let k = 0;
    for (let i = 0; i < targets.length; i++) if (targets[i] >= 0) offsets[k++] = fields.fieldOffset[firstField + i];
    return offsets;
  }

  /** node → immediate dominator node; -1 for unreachable nodes and for the virtual root. */
  immediateDominator(): Int32Array {
    if (this.idom === null) this.computeDominators();
    return this.idom!;
  }

  /** Dominators by SEMI-NCA, and retained sizes summed up the dominator tree in one go. */
  private computeDominators(): void {
    let started = process.hrtime.bigint();
    const compute = this.options.dominators ?? defaultDominators(this.tables);
    const { immediateDominator, preorder } = compute(this, this.virtualRoot);
    this.options.onStage?.('dominators', secondsSince(started));
    started = process.hrtime.bigint();
    const retained = retainedSums(immediateDominator, preorder, this.nodeCount, this.objectCount, this.objects.size);
    this.idom = immediateDominator;
    this.retained = retained;
    this.options.onStage?.('retained', secondsSince(started));
  }

  /**
   * The dominator tree: immediate dominators, and the reachable nodes in an order where every
   * node comes after its dominator (the virtual root first). The order is built on demand.
   */
  dominatorTree(): { immediateDominator: Int32Array; preorder: Uint32Array } {
    const idom = this.immediateDominator();
    const nodeCount = this.nodeCount;
    const firstChild = new Uint32Array(nodeCount + 1);
    for (let node = 0; node < nodeCount; node++) if (idom[node] >= 0) firstChild[idom[node] + 1]++;
    for (let node = 0; node < nodeCount; node++) firstChild[node + 1] += firstChild[node];
    const fill = firstChild.slice(0, nodeCount);
    const children = new Uint32Array(firstChild[nodeCount]);
    for (let node = 0; node < nodeCount; node++) if (idom[node] >= 0) children[fill[idom[node]]++] = node;
    // Breadth-first over the tree: a node is appended only after its dominator.
    const order = new Uint32Array(children.length + 1);
    order[0] = this.virtualRoot;
    let tail = 1;
    for (let head = 0; head < tail; head++) {
      const node = order[head];
      for (let c = firstChild[node]; c < firstChild[node + 1]; c++) order[tail++] = children[c];
    }
    return { immediateDominator: idom, preorder: order };
  }

  /**
   * Gives the graph dominator columns computed elsewhere (a worker thread) from this graph's
   * own edges, instead of computing them here on first use.
   */
  adoptDominators(immediateDominator: Int32Array, retained: RetainedColumns): void {
    if (immediateDominator.length !== this.nodeCount || retained.bytes.length !== this.nodeCount) {
      throw new RangeError('adoptDominators: columns of another graph');
    }
    this.idom = immediateDominator;
    this.retained = retained;
  }

  /** Bytes each node keeps alive (itself included); 0 for unreachable nodes. */
  retainedBytes(): Float64Array {
    if (this.retained === null) this.computeDominators();
    return this.retained!.bytes;
  }

  /** Objects each node keeps alive (itself included). */
  retainedCount(): Uint32Array {
    if (this.retained === null) this.computeDominators();
    return this.retained!.count;
  }

  isReachable(node: number): boolean {
    return node === this.virtualRoot || this.immediateDominator()[node] >= 0;
  }

  /** Reachable objects and their bytes, and the garbage (unreachable) ones. */
  reachability(): { reachableCount: number; reachableBytes: number; garbageCount: number; garbageBytes: number } {
    const idom = this.immediateDominator();
    let reachableCount = 0;
    let reachableBytes = 0;
    let garbageBytes = 0;
    const size = this.objects.size;
    for (let i = 0; i < this.objectCount; i++) {
      if (idom[i] >= 0) {
        reachableCount++;
        reachableBytes += size[i];
      } else {
        garbageBytes += size[i];
      }
    }
    return { reachableCount, reachableBytes, garbageCount: this.objectCount - reachableCount, garbageBytes };
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

  /** Reverse edges, CSR: referrerEdge lists edge indexes by target; edgeSource by edge. */
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

  /** Shortest path from the virtual root to `node`, as edge indexes (the first leaves the virtual root). */
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


  /** Frees what the pointer lookup holds; lookups keep working (by binary search). */
  close(): void {
    this.resolver.close();
  }
}

export type { PointerResolver };
