// The largest retainers among objects and among roots, and how roots are named.

import { NO_DISTANCE, type HeapGraph } from '../graph/heap-graph';
import { RootKind, ROOT_KIND_NAMES } from '../graph/roots';
import { goroutineStatusName } from './summary';

export interface ObjectRetainer {
  objectIndex: number;
  address: bigint;
  size: number;
  retainedBytes: number;
  retainedCount: number;
}

export interface RootRetainer {
  rootIndex: number;
  kind: string;
  name: string;
  retainedBytes: number;
  retainedCount: number;
}

export interface RetainerReport {
  reachable: { count: number; bytes: number };
  garbage: { count: number; bytes: number };
  objects: ObjectRetainer[];
  roots: RootRetainer[];
  /** How many objects and roots there were to choose from. */
  objectCandidates: number;
  rootCandidates: number;
}

/** The `limit` largest of `count` candidates by retained bytes, ties by lower key. */
function largest(count: number, bytes: (i: number) => number, key: (i: number) => bigint | number,
                 keep: (i: number) => boolean, limit: number): number[] {
  const chosen: number[] = [];
  for (let i = 0; i < count; i++) if (keep(i)) chosen.push(i);
  chosen.sort((a, b) => bytes(b) - bytes(a) || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return chosen.slice(0, limit);
}

/** A name for a root node that a person can find in their program. */
export function rootName(graph: HeapGraph, rootIndex: number): string {
  const { tables, roots } = graph;
  const source = roots.source[rootIndex];
  const hex = (value: bigint) => `0x${value.toString(16)}`;
  switch (roots.kind[rootIndex] as RootKind) {
    case RootKind.Goroutine: {
      const g = tables.goroutines;
      const reason = tables.strings.get(g.waitReason[source]);
      return `goroutine ${g.id[source]} (${goroutineStatusName(g.status[source])}${reason ? `: ${reason}` : ''})`;
    }
    case RootKind.StackFrame: {
      const f = tables.stackFrames;
      const g = f.goroutineIndex[source];
      const owner = g >= 0 ? `goroutine ${tables.goroutines.id[g]} ` : '';
      return `${owner}frame ${f.depth[source]} ${tables.strings.get(f.name[source])}`;
    }
    case RootKind.Data:
      return `data ${hex(tables.data.address[source] + BigInt(roots.offset[rootIndex]))}`
        + ` (+0x${roots.offset[rootIndex].toString(16)})`;
    case RootKind.Bss:
      return `bss ${hex(tables.bss.address[source] + BigInt(roots.offset[rootIndex]))}`
        + ` (+0x${roots.offset[rootIndex].toString(16)})`;
    case RootKind.OtherRoot:
      return tables.strings.get(tables.otherRoots.description[source]);
    case RootKind.Finalizer:
      return `finalizer of ${hex(tables.finalizers.object[source])}`;
    case RootKind.QueuedFinalizer:
      return `queued finalizer of ${hex(tables.queuedFinalizers.object[source])}`;
  }
}

export function topRetainers(graph: HeapGraph, limit = 20): RetainerReport {
  const retainedBytes = graph.retainedBytes();
  const retainedCount = graph.retainedCount();
  const distance = graph.rootDistance();
  const reach = graph.reachability();
  const objectCount = graph.objectCount;
  const objects = largest(objectCount, (i) => retainedBytes[i], (i) => graph.address(i),
    (i) => distance[i] !== NO_DISTANCE, limit).map((i) => ({
    objectIndex: i,
    address: graph.address(i),
    size: graph.index.size[i],
    retainedBytes: retainedBytes[i],
    retainedCount: retainedCount[i],
  }));
  // Roots that hold nothing are left out.
  const roots = largest(graph.roots.count, (r) => retainedBytes[objectCount + r], (r) => r,
    (r) => retainedBytes[objectCount + r] > 0, limit).map((r) => ({
    rootIndex: r,
    kind: ROOT_KIND_NAMES[graph.roots.kind[r] as RootKind],
    name: rootName(graph, r),
    retainedBytes: retainedBytes[objectCount + r],
    retainedCount: retainedCount[objectCount + r],
  }));
  return {
    reachable: { count: reach.reachableCount, bytes: reach.reachableBytes },
    garbage: { count: reach.garbageCount, bytes: reach.garbageBytes },
    objects,
    roots,
    objectCandidates: reach.reachableCount,
    rootCandidates: graph.roots.count,
  };
}
