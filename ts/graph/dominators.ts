// Immediate dominators by SEMI-NCA (Georgiadis, "Linear-Time Algorithms for Dominators and
// Related Problems", 2005; measured against Lengauer–Tarjan in Georgiadis, Tarjan and Werneck,
// "Finding Dominators in Practice", 2006). Semidominators come from Lengauer–Tarjan's EVAL
// with path compression; each immediate dominator is then the nearest ancestor of the
// vertex's DFS parent, on the dominator chain, whose number is at most its semidominator.
// Iterative throughout (a long list would overflow the call stack), typed arrays only, and
// never the Cooper–Harvey–Kennedy iteration, which is quadratic on doubly linked lists.
//
// Vertices are numbered 1…n in DFS preorder (0 means "not reached"); the paper's names are kept:
// `parent`, `semi`, `label`, `ancestor`, `idom`, all indexed by preorder number.

export interface Csr {
  readonly nodeCount: number;
  readonly firstEdgeIndex: Uint32Array;
  readonly edgeTarget: Uint32Array;
}

export interface DominatorResult {
  /** node → its immediate dominator's node, -1 for unreachable nodes and for the root. */
  immediateDominator: Int32Array;
  /** Reachable nodes in DFS preorder (the root first); parents come before children. */
  preorder: Uint32Array;
}

/** Depth-first preorder from `root`; returns [preorder nodes, number by node, parent by number]. */
function depthFirst(graph: Csr, root: number): [Uint32Array, Uint32Array, Uint32Array] {
  const { nodeCount, firstEdgeIndex, edgeTarget } = graph;
  const number = new Uint32Array(nodeCount);
  const vertex = new Uint32Array(nodeCount + 1);
  const parent = new Uint32Array(nodeCount + 1);
  const stackNode = new Uint32Array(nodeCount);
  const stackEdge = new Uint32Array(nodeCount);
  let n = 0;
  number[root] = ++n;
  vertex[n] = root;
  let depth = 0;
  stackNode[0] = root;
  stackEdge[0] = firstEdgeIndex[root];
  while (depth >= 0) {
    const node = stackNode[depth];
    const edge = stackEdge[depth];
    if (edge === firstEdgeIndex[node + 1]) {
      depth--;
      continue;
    }
    stackEdge[depth] = edge + 1;
    const target = edgeTarget[edge];
    if (number[target] !== 0) continue;
    number[target] = ++n;
    vertex[n] = target;
    parent[n] = number[node];
    depth++;
    stackNode[depth] = target;
    stackEdge[depth] = firstEdgeIndex[target];
  }
  return [vertex.slice(1, n + 1), number, parent];
}

/** Predecessors in preorder-number space, reachable ones only: CSR over numbers 1…n. */
function predecessors(graph: Csr, number: Uint32Array, n: number): [Uint32Array, Uint32Array] {
  const { nodeCount, firstEdgeIndex, edgeTarget } = graph;
  const first = new Uint32Array(n + 2);
  // Each edge's target number, looked up once (the lookups are the random, slow part).
  const targetNumber = new Uint32Array(edgeTarget.length);
  for (let node = 0; node < nodeCount; node++) {
    if (number[node] === 0) continue;
    for (let e = firstEdgeIndex[node]; e < firstEdgeIndex[node + 1]; e++) {
      const w = number[edgeTarget[e]]; // > 0: every target of a reached node is reached
      targetNumber[e] = w;
      first[w + 1]++;
    }
  }
  for (let w = 1; w <= n + 1; w++) first[w] += first[w - 1];
  const fill = first.slice(0, n + 1);
  const pred = new Uint32Array(first[n + 1]);
  for (let node = 0; node < nodeCount; node++) {
    const v = number[node];
    if (v === 0) continue;
    for (let e = firstEdgeIndex[node]; e < firstEdgeIndex[node + 1]; e++) {
      pred[fill[targetNumber[e]]++] = v; // a reached node's targets are reached: w > 0
    }
  }
  return [first, pred];
}

export function dominators(graph: Csr, root: number): DominatorResult {
  const [preorder, number, parent] = depthFirst(graph, root);
  const n = preorder.length;
  const [firstPred, pred] = predecessors(graph, number, n);

  const semi = new Uint32Array(n + 1);
  const label = new Uint32Array(n + 1);
  const ancestor = new Uint32Array(n + 1); // 0: not yet linked into the forest
  const stack = new Uint32Array(n + 1);
  for (let v = 1; v <= n; v++) {
    semi[v] = v;
    label[v] = v;
  }

  // For each vertex in reverse preorder: semi(w) = min over predecessors v of semi(EVAL(v)),
  // then LINK(parent(w), w). EVAL(v) is v itself while v is not yet linked (the common case,
  // tested inline); otherwise the forest path above v is compressed, iteratively (walk up,
  // then fix labels top-down), and label(v) holds the vertex of least semidominator on it.
  for (let w = n; w >= 2; w--) {
    let least = semi[w];
    for (let p = firstPred[w]; p < firstPred[w + 1]; p++) {
      const v = pred[p];
      let u = v;
      if (ancestor[v] !== 0) {
        if (ancestor[ancestor[v]] !== 0) {
          let top = 0;
          let x = v;
          while (ancestor[ancestor[x]] !== 0) {
            stack[top++] = x;
            x = ancestor[x];
          }
          while (top > 0) {
            const y = stack[--top];
            const a = ancestor[y];
            if (semi[label[a]] < semi[label[y]]) label[y] = label[a];
            ancestor[y] = ancestor[a];
          }
        }
        u = label[v];
      }
      if (semi[u] < least) least = semi[u];
    }
    semi[w] = least;
    ancestor[w] = parent[w];
  }

  // NCA step: idom(w) is the first vertex on parent(w)'s dominator chain numbered <= semi(w).
  const idom = ancestor; // reuse: the forest is no longer needed
  idom[1] = 0;
  for (let w = 2; w <= n; w++) {
    let d = parent[w];
    while (d > semi[w]) d = idom[d];
    idom[w] = d;
  }

  const immediateDominator = new Int32Array(graph.nodeCount).fill(-1);
  for (let w = 2; w <= n; w++) immediateDominator[preorder[w - 1]] = preorder[idom[w] - 1];
  return { immediateDominator, preorder };
}
