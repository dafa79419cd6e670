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

/**
 * Gives `graph` dominator columns computed elsewhere. HeapGraph computes them lazily into
 * private fields and has no public setter; this is the one place that reaches in (bracket
 * access keeps the field names type-checked).
 */
function adoptDominators(graph: HeapGraph, columns: DominatorColumns): void {
  graph['idom'] = columns.immediateDominator;
  graph['retained'] = { bytes: columns.retainedBytes, count: columns.retainedCount };
}

export async function buildGraph(tables: DumpTables, signal?: AbortSignal,
                                 inThreadNodeLimit = IN_THREAD_NODE_LIMIT): Promise<HeapGraph> {
  if (signal?.aborted) throw abortError(signal);
  const graph = new HeapGraph(tables);
  if (graph.nodeCount < inThreadNodeLimit) {
    graph.immediateDominator();
    return graph;
  }
  const job: DominatorJob = {
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
    adoptDominators(graph, columns);
  } catch (error) {
    graph.close();
    throw error;
  }
  return graph;
}
