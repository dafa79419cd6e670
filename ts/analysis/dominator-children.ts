// The dominator tree as children lists, for walks that need a node's whole subtree (the
// histogram's "count each group's retained bytes once") or its place under the roots.

import type { HeapGraph } from '../graph/heap-graph';

export interface DominatorChildren {
  /** CSR: children of node n are children[firstChildIndex[n], firstChildIndex[n + 1]). */
  firstChildIndex: Uint32Array;
  children: Uint32Array;
  /** Reachable nodes depth first from the virtual root, each after its immediate dominator. */
  preorder: Uint32Array;
}

const cache = new WeakMap<HeapGraph, DominatorChildren>();

/** Built once per graph: count, prefix-sum, fill; then an iterative depth-first walk. */
export function dominatorChildren(graph: HeapGraph): DominatorChildren {
  const known = cache.get(graph);
  if (known !== undefined) return known;
  const idom = graph.immediateDominator();
  const { nodeCount, virtualRoot } = graph;
  const firstChildIndex = new Uint32Array(nodeCount + 1);
  for (let node = 0; node < nodeCount; node++) if (idom[node] >= 0) firstChildIndex[idom[node] + 1]++;
  for (let node = 0; node < nodeCount; node++) firstChildIndex[node + 1] += firstChildIndex[node];
  const fill = firstChildIndex.slice(0, nodeCount);
  const children = new Uint32Array(firstChildIndex[nodeCount]);
  for (let node = 0; node < nodeCount; node++) if (idom[node] >= 0) children[fill[idom[node]]++] = node;
  const preorder = new Uint32Array(children.length + 1);
  const stack = new Uint32Array(children.length + 1);
  let top = 0;
  let length = 0;
  stack[top++] = virtualRoot;
  while (top > 0) {
    const node = stack[--top];
    preorder[length++] = node;
    for (let c = firstChildIndex[node + 1]; c > firstChildIndex[node]; c--) stack[top++] = children[c - 1];
  }
  const result = { firstChildIndex, children, preorder: preorder.subarray(0, length) };
  cache.set(graph, result);
  return result;
}
