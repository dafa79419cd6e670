// The heap graph of an opened dump: edges are built here, the dominator tree (the heavy part,
// superlinear and one long loop) in a worker thread, so the event loop keeps running.

import { HeapGraph } from '../graph/heap-graph';
import type { DumpTables } from '../tables/dump-tables';
import type { DominatorColumns, DominatorJob } from './dominator-worker';
import { abortError } from './errors';
import { runInWorker } from './worker-host';

/**
 * Graphs with fewer nodes get their dominators on this thread: a few milliseconds of work,
 * less than starting a worker.
 */
export const IN_THREAD_NODE_LIMIT = 50_000;

export async function buildGraph(tables: DumpTables, signal?: AbortSignal,
                                 inThreadNodeLimit = IN_THREAD_NODE_LIMIT): Promise<HeapGraph> {
  if (signal?.aborted) throw abortError(signal);
  const graph = new HeapGraph(tables);
  if (graph.nodeCount < inThreadNodeLimit) {
    graph.immediateDominator();
    return graph;
  }
  const job: DominatorJob = {
    backend: tables.backend,
    nodeCount: graph.nodeCount,
    objectCount: graph.objectCount,
    virtualRoot: graph.virtualRoot,
    firstEdgeIndex: graph.firstEdgeIndex,
    edgeTarget: graph.edgeTarget,
    objectSize: graph.objects.size,
  };
  try {
    // The job's arrays are copied into the worker; the graph keeps its own.
    const columns = await runInWorker<DominatorColumns>('dominator-worker', { kind: 'dominators', job }, { signal });
    graph.adoptDominators(columns.immediateDominator, { bytes: columns.retainedBytes, count: columns.retainedCount });
  } catch (error) {
    graph.close();
    throw error;
  }
  return graph;
}
