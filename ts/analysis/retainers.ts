// The largest retainers among objects and among roots, and how roots are named.

import type { HeapGraph } from '../graph/heap-graph';
import { RootKind, ROOT_KIND_NAMES } from '../graph/roots';
import { goroutineStatusName } from './summary';

/** Names for what a dump leaves unnamed: globals behind data/bss slots, object types. */
export interface RootNaming {
  /** The global variable holding `address`, and the offset inside it (from the binary's symbols). */
  globalAt?(address: bigint): { name: string; offset: number } | null;
  /** The recovered type name of an object, or null. */
  objectType?(objectIndex: number): string | null;
}

export interface ObjectRetainer {
  objectIndex: number;
  address: bigint;
  size: number;
  /** Recovered type name, null when unknown (or no naming was given). */
  type: string | null;
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

/**
 * The `limit` largest of `count` candidates by retained bytes, ties by lower index (objects
 * are in address order, so that is the lower address). One pass keeping a short sorted list:
 * no sort of millions of candidates.
 */
function largest(count: number, bytes: (i: number) => number, keep: (i: number) => boolean,
                 limit: number): number[] {
  const chosen: number[] = [];
  for (let i = 0; i < count; i++) {
    if (!keep(i)) continue;
    const b = bytes(i);
    if (chosen.length === limit && b <= bytes(chosen[limit - 1])) continue;
    let at = chosen.length;
    while (at > 0 && bytes(chosen[at - 1]) < b) at--;
    chosen.splice(at, 0, i);
    if (chosen.length > limit) chosen.pop();
  }
  return chosen;
}

/** A name for a root node that a person can find in their program. */
export function rootName(graph: HeapGraph, rootIndex: number, naming?: RootNaming): string {
  const { tables, roots } = graph;
  const source = roots.source[rootIndex];
  const hex = (value: bigint) => `0x${value.toString(16)}`;
  const kind = roots.kind[rootIndex] as RootKind;
  if ((kind === RootKind.Data || kind === RootKind.Bss) && naming?.globalAt !== undefined) {
    const segment = kind === RootKind.Data ? tables.data : tables.bss;
    const global = naming.globalAt(segment.address[source] + BigInt(roots.offset[rootIndex]));
    if (global !== null) return global.offset === 0 ? global.name : `${global.name}+0x${global.offset.toString(16)}`;
  }
  switch (kind) {
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

export function topRetainers(graph: HeapGraph, limit = 20, naming?: RootNaming): RetainerReport {
  const retainedBytes = graph.retainedBytes();
  const retainedCount = graph.retainedCount();
  const idom = graph.immediateDominator();
  const reach = graph.reachability();
  const objectCount = graph.objectCount;
  const objects = largest(objectCount, (i) => retainedBytes[i],
    (i) => idom[i] >= 0, limit).map((i) => ({
    objectIndex: i,
    address: graph.address(i),
    size: graph.objects.size[i],
    type: naming?.objectType?.(i) ?? null,
    retainedBytes: retainedBytes[i],
    retainedCount: retainedCount[i],
  }));
  // Roots that hold nothing are left out.
  const roots = largest(graph.roots.count, (r) => retainedBytes[objectCount + r],
    (r) => retainedBytes[objectCount + r] > 0, limit).map((r) => ({
    rootIndex: r,
    kind: ROOT_KIND_NAMES[graph.roots.kind[r] as RootKind],
    name: rootName(graph, r, naming),
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
