// Histograms: reachable objects grouped by type, shape, allocation site or root, with count,
// self bytes and retained bytes per group. A group's retained bytes count an object's
// retained size only when no object above it in the dominator tree belongs to the same
// group (DevTools' calculateClassesRetainedSize), so a list of nodes of one type is not
// counted once per node. Garbage (unreachable objects) is reported apart, never grouped.

import type { HeapGraph } from '../graph/heap-graph';
import { NO_TYPE } from '../types/type-names';
import { dominatorChildren } from './dominator-children';

export interface HistogramGroup {
  name: string;
  count: number;
  /** Self bytes (slot sizes) of the group's objects. */
  bytes: number;
  /** Bytes that would be freed if every object of the group went away. */
  retainedBytes: number;
}

export interface Histogram {
  groups: HistogramGroup[];
  /** Reachable objects and bytes (the whole of the histogram before the limit). */
  totalCount: number;
  totalBytes: number;
  /** Bytes of the groups shown, and how many groups were left out by the limit. */
  shownBytes: number;
  droppedRowCount: number;
  garbage: { count: number; bytes: number };
  /** Share of reachable bytes whose type is known (0…1). */
  typedBytesShare: number;
}

export interface HistogramOptions {
  /** Groups shown, largest retained first (default all). */
  limit?: number;
  /** objectTypeIndex from type recovery, for typedBytesShare (omitted: 0). */
  objectTypeIndex?: Int32Array;
  /** Name of the group of objects whose group index is negative (default "(unknown)"). */
  unknownName?: string;
  /** Sort by self bytes instead of retained bytes. */
  sortBySelf?: boolean;
}

/**
 * Groups reachable objects by `groupOf` (objectIndex → index into `names`, negative for the
 * unknown group).
 */
export function histogram(graph: HeapGraph, groupOf: Int32Array, names: readonly string[],
                          options: HistogramOptions = {}): Histogram {
  const { objectCount } = graph;
  const size = graph.objects.size;
  const idom = graph.immediateDominator();
  const unknown = names.length;
  const groupCount = names.length + 1;
  const count = new Float64Array(groupCount);
  const bytes = new Float64Array(groupCount);
  const retained = new Float64Array(groupCount);
  const group = (objectIndex: number) => (groupOf[objectIndex] < 0 ? unknown : groupOf[objectIndex]);

  let totalCount = 0;
  let totalBytes = 0;
  let typedBytes = 0;
  let garbageCount = 0;
  let garbageBytes = 0;
  for (let objectIndex = 0; objectIndex < objectCount; objectIndex++) {
    if (idom[objectIndex] < 0) {
      garbageCount++;
      garbageBytes += size[objectIndex];
      continue;
    }
    const g = group(objectIndex);
    count[g]++;
    bytes[g] += size[objectIndex];
    totalCount++;
    totalBytes += size[objectIndex];
    if (options.objectTypeIndex !== undefined && options.objectTypeIndex[objectIndex] !== NO_TYPE) typedBytes += size[objectIndex];
  }
  addRetained(graph, group, retained, groupCount);

  const rows: HistogramGroup[] = [];
  for (let g = 0; g < groupCount; g++) {
    if (count[g] === 0) continue;
    rows.push({ name: g === unknown ? options.unknownName ?? '(unknown)' : names[g], count: count[g], bytes: bytes[g],
      retainedBytes: retained[g] });
  }
  rows.sort(options.sortBySelf
    ? (a, b) => b.bytes - a.bytes || b.retainedBytes - a.retainedBytes || a.name.localeCompare(b.name)
    : (a, b) => b.retainedBytes - a.retainedBytes || b.bytes - a.bytes || a.name.localeCompare(b.name));
  const shown = options.limit === undefined ? rows : rows.slice(0, options.limit);
  return {
    groups: shown,
    totalCount,
    totalBytes,
    shownBytes: shown.reduce((sum, row) => sum + row.bytes, 0),
    droppedRowCount: rows.length - shown.length,
    garbage: { count: garbageCount, bytes: garbageBytes },
    typedBytesShare: totalBytes === 0 ? 0 : typedBytes / totalBytes,
  };
}

/**
 * Walks the dominator tree depth first, keeping per group how many of the current node's
 * dominators belong to it; an object adds its retained size to its group only when that count
 * is zero. Iterative, over the tree's children lists.
 */
function addRetained(graph: HeapGraph, group: (objectIndex: number) => number, retained: Float64Array,
                     groupCount: number): void {
  const { firstChildIndex, children, preorder } = dominatorChildren(graph);
  const retainedBytes = graph.retainedBytes();
  const { objectCount, virtualRoot } = graph;

  const active = new Uint32Array(groupCount);
  const stackNode = new Uint32Array(preorder.length + 1);
  const stackCursor = new Uint32Array(preorder.length + 1);
  let depth = 0;
  stackNode[0] = virtualRoot;
  stackCursor[0] = firstChildIndex[virtualRoot];
  while (depth >= 0) {
    const node = stackNode[depth];
    if (stackCursor[depth] < firstChildIndex[node + 1]) {
      const child = children[stackCursor[depth]++];
      if (child < objectCount) {
        const g = group(child);
        if (active[g] === 0) retained[g] += retainedBytes[child];
        active[g]++;
      }
      depth++;
      stackNode[depth] = child;
      stackCursor[depth] = firstChildIndex[child];
    } else {
      if (node < objectCount) active[group(node)]--;
      depth--;
    }
  }
}
