// Worker thread entry: dominators and retained sizes of a heap graph, from copies of its CSR
// edges and object sizes; the three result columns are transferred back.

import { parentPort, workerData } from 'worker_threads';
import { dominators } from '../graph/dominators';
import { describeError } from './errors';

export interface DominatorJob {
  nodeCount: number;
  objectCount: number;
  virtualRoot: number;
  firstEdgeIndex: Uint32Array;
  edgeTarget: Uint32Array;
  objectSize: Uint32Array;
}

export interface DominatorColumns {
  immediateDominator: Int32Array;
  retainedBytes: Float64Array;
  retainedCount: Uint32Array;
}

/** As HeapGraph sums them: each node's subtree of the dominator tree, itself included. */
export function dominatorColumns(job: DominatorJob): DominatorColumns {
  const { immediateDominator, preorder } = dominators(job, job.virtualRoot);
  const retainedBytes = new Float64Array(job.nodeCount);
  const retainedCount = new Uint32Array(job.nodeCount);
  const size = job.objectSize;
  for (let i = 0; i < preorder.length; i++) {
    const node = preorder[i];
    if (node < job.objectCount) {
      retainedBytes[node] = size[node];
      retainedCount[node] = 1;
    }
  }
  // Children come after their dominator in preorder: a reverse sweep completes each subtree
  // before adding it to its dominator.
  for (let i = preorder.length - 1; i > 0; i--) {
    const node = preorder[i];
    const dominator = immediateDominator[node];
    retainedBytes[dominator] += retainedBytes[node];
    retainedCount[dominator] += retainedCount[node];
  }
  return { immediateDominator, retainedBytes, retainedCount };
}

if (parentPort !== null && (workerData as { kind?: string } | null)?.kind === 'dominators') {
  const port = parentPort;
  try {
    const result = dominatorColumns((workerData as { job: DominatorJob }).job);
    port.postMessage({ type: 'result', result }, [
      result.immediateDominator.buffer, result.retainedBytes.buffer, result.retainedCount.buffer,
    ] as ArrayBuffer[]);
  } catch (error) {
    port.postMessage({ type: 'error', error: describeError(error) });
  }
}
