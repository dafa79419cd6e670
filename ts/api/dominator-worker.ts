// Worker thread entry: dominators and retained sizes of a heap graph, from copies of its CSR
// edges and object sizes; the three result columns are transferred back.

import { parentPort, workerData } from 'worker_threads';
import type { BackendName } from '../decode/backend';
import { selectBackend } from '../decode/select';
import { dominators } from '../graph/dominators';
import { retainedSums } from '../graph/retained';
import { describeError } from './errors';

export interface DominatorJob {
  /** The backend that decoded the dump: its dominators run here too (native is fastest). */
  backend: BackendName;
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

/** What HeapGraph computes on first use, here off the main thread. */
export function dominatorColumns(job: DominatorJob): DominatorColumns {
  const compute = selectBackend(job.backend).dominators ?? dominators;
  const { immediateDominator, preorder } = compute(job, job.virtualRoot);
  const { bytes, count } = retainedSums(immediateDominator, preorder, job.nodeCount, job.objectCount, job.objectSize);
  return { immediateDominator, retainedBytes: bytes, retainedCount: count };
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
