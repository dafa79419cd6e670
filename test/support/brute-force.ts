// Brute-force oracles for the graph: retained size as "reachable bytes minus reachable bytes
// with this node removed". Quadratic; for small dumps only.

import type { HeapGraph } from '../../ts/graph/heap-graph';

/** Bytes of objects reachable from the virtual root when `removed` is taken out (-1: none). */
export function reachableBytesWithout(graph: HeapGraph, removed: number, seen: Uint8Array, queue: Uint32Array): number {
  seen.fill(0);
  const { firstEdgeIndex, edgeTarget, objectCount } = graph;
  const size = graph.objects.size;
  let head = 0;
  let tail = 0;
  let bytes = 0;
  seen[graph.virtualRoot] = 1;
  queue[tail++] = graph.virtualRoot;
  if (removed >= 0) seen[removed] = 1;
  while (head < tail) {
    const node = queue[head++];
    if (node < objectCount) bytes += size[node];
    for (let e = firstEdgeIndex[node]; e < firstEdgeIndex[node + 1]; e++) {
      const target = edgeTarget[e];
      if (seen[target] === 0) {
        seen[target] = 1;
        queue[tail++] = target;
      }
    }
  }
  return bytes;
}

/** Retained bytes of every node by brute force (0 for unreachable nodes). */
export function bruteForceRetained(graph: HeapGraph): Float64Array {
  const seen = new Uint8Array(graph.nodeCount);
  const queue = new Uint32Array(graph.nodeCount);
  const total = reachableBytesWithout(graph, -1, seen, queue);
  const distance = graph.rootDistance();
  const retained = new Float64Array(graph.nodeCount);
  for (let node = 0; node < graph.virtualRoot; node++) {
    if (distance[node] < 0) continue;
    retained[node] = total - reachableBytesWithout(graph, node, seen, queue);
  }
  return retained;
}
