// Retained sizes from the dominator tree: each node's subtree, itself included.

export interface RetainedColumns {
  /** Bytes each node keeps alive; 0 for unreachable nodes. */
  bytes: Float64Array;
  /** Objects each node keeps alive. */
  count: Uint32Array;
}

/**
 * Sums object sizes up the dominator tree. `preorder` lists the reachable nodes with every
 * node after its dominator (the root first); nodes below `objectCount` are objects.
 */
export function retainedSums(immediateDominator: Int32Array, preorder: Uint32Array, nodeCount: number,
                             objectCount: number, objectSize: Uint32Array): RetainedColumns {
  const bytes = new Float64Array(nodeCount);
  const count = new Uint32Array(nodeCount);
  for (let i = 0; i < preorder.length; i++) {
    const node = preorder[i];
    if (node < objectCount) {
      bytes[node] = objectSize[node];
      count[node] = 1;
    }
  }
  // A reverse sweep completes each subtree before adding it into its dominator.
  for (let i = preorder.length - 1; i > 0; i--) {
    const node = preorder[i];
    const dominator = immediateDominator[node];
    bytes[dominator] += bytes[node];
    count[dominator] += count[node];
  }
  return { bytes, count };
}
