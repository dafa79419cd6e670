// openDump: decodes a dump in a worker thread and wraps the tables in a Dump whose methods
// compute the graph and the analyses on first use. The native backend runs in the worker too:
// it decodes each window off the main thread anyway, but building the tables (copying columns,
// sorting by address) would otherwise hold it. Nothing is shared between two opened dumps
// but read-only code.

import { goroutineReport, type GoroutineReport } from '../analysis/goroutines';
import { allocationSites } from '../analysis/alloc-sites';
import { groupByRoot, groupByShape, groupBySite, groupByType, type Grouping } from '../analysis/groupings';
import { histogram, type Histogram } from '../analysis/histogram';
import { rootName, topRetainers, type RetainerReport, type RootNaming } from '../analysis/retainers';
import { summarize, type DumpSummary, type SummaryOptions } from '../analysis/summary';
import type { BackendName } from '../decode/backend';
import { BACKEND_CHOICES, selectBackend } from '../decode/select';
import type { DumpSource } from '../decode/source';
import { NO_OFFSET, type HeapGraph } from '../graph/heap-graph';
import type { DumpTables } from '../tables/dump-tables';
import { groupShapes } from '../types/shapes';
import { objectTypeName, recoverTypes, type TypeRecovery } from '../types/recover';
import type { DecodeEvent, DecodeInput, DecodeJob, StopMessage, StreamMessage } from './decode-worker';
import { abortError } from './errors';
import { buildGraph } from './graph-build';
import { checkFinishedTables } from './table-limit';
import { unpackTables, type PackedTables } from './table-transfer';
import type {
  Dump, DumpHistogramOptions, DumpObject, GraphWorkOptions, HistogramGrouping, OpenDump, OpenDumpOptions,
} from './types';
import { runInWorker } from './worker-host';

const OPTION_NAMES = ['backend', 'signal', 'onProgress', 'windowSize', 'salvage', 'maxTableBytes'];
const GROUPINGS: readonly HistogramGrouping[] = ['type', 'shape', 'site', 'root'];

/** Checks openDump's options; each message names the option. */
function checkOptions(options: OpenDumpOptions): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('openDump: options must be an object');
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.includes(key)) throw new TypeError(`openDump: unknown option "${key}" (known: ${OPTION_NAMES.join(', ')})`);
  }
  const { backend, signal, onProgress, windowSize, salvage, maxTableBytes } = options;
  if (backend !== undefined && !BACKEND_CHOICES.includes(backend)) {
    throw new TypeError(`openDump: backend must be one of ${BACKEND_CHOICES.join(', ')}, not ${JSON.stringify(backend)}`);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError('openDump: signal must be an AbortSignal');
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new TypeError('openDump: onProgress must be a function');
  if (windowSize !== undefined && !(Number.isFinite(windowSize) && windowSize > 0)) {
    throw new TypeError('openDump: windowSize must be a positive number of bytes');
  }
  if (salvage !== undefined && typeof salvage !== 'boolean') throw new TypeError('openDump: salvage must be true or false');
  if (maxTableBytes !== undefined && !(Number.isFinite(maxTableBytes) && maxTableBytes > 0)) {
    throw new TypeError('openDump: maxTableBytes must be a positive number of bytes');
  }
}

function isByteArray(source: DumpSource): source is Uint8Array {
  return source instanceof Uint8Array;
}

/**
 * decodeDump in a worker thread, the tables transferred back. An abort terminates the worker,
 * except while the native decoder runs in it: then it is asked to stop after its current
 * window (terminating a thread under the addon aborts the process).
 */
async function decodeInWorker(source: DumpSource, backend: BackendName, options: OpenDumpOptions): Promise<DumpTables> {
  let input: DecodeInput;
  let chunks: AsyncIterator<unknown> | null = null;
  if (typeof source === 'string') input = { kind: 'path', path: source };
  else if (isByteArray(source)) input = { kind: 'bytes', bytes: source }; // copied by the post
  else {
    input = { kind: 'stream' };
    chunks = (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  }
  const job: DecodeJob = {
    input, backend, windowSize: options.windowSize, salvage: options.salvage, maxTableBytes: options.maxTableBytes,
  };
  // Stream chunks are read one at a time, when the worker asks, and moved (not shared) to it.
  let feeding = Promise.resolve();
  const feed = (worker: import('worker_threads').Worker) => {
    feeding = feeding.then(async () => {
      let message: StreamMessage;
      try {
        const next = await chunks!.next();
        if (next.done) message = { type: 'end' };
        else {
          const chunk = next.value;
          // A copy of its own: a chunk may sit in a shared pool buffer, which must not move.
          const bytes = new Uint8Array(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array));
          worker.postMessage({ type: 'chunk', bytes }, [bytes.buffer as ArrayBuffer]);
          return;
        }
      } catch (error) {
        message = { type: 'error', message: (error as Error).message };
      }
      worker.postMessage(message);
    });
  };
  try {
    const packed = await runInWorker<PackedTables, DecodeEvent>('decode-worker', job, {
      signal: options.signal,
      onEvent: (event, worker) => {
        if (event.kind === 'pull') feed(worker);
        else options.onProgress?.(event.progress);
      },
      stop: (worker) => {
        if (backend === 'native') worker.postMessage({ type: 'abort' } satisfies StopMessage);
        else void worker.terminate();
      },
    });
    return unpackTables(packed);
  } finally {
    if (chunks !== null) await chunks.return?.();
  }
}

export const openDump: OpenDump = async (source, options = {}) => {
  checkOptions(options);
  const { signal } = options;
  if (signal?.aborted) throw abortError(signal);
  const backend = selectBackend(options.backend).name;
  const tables = await decodeInWorker(source, backend, options);
  if (options.maxTableBytes !== undefined) checkFinishedTables(tables, options.maxTableBytes);
  if (signal?.aborted) throw abortError(signal);
  const contents = typeof source === 'string' || isByteArray(source) ? source : undefined;
  return new OpenedDump(tables, contents);
};

function parseAddress(address: bigint | string): bigint {
  if (typeof address === 'bigint') return address;
  if (typeof address === 'string' && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(address)) return BigInt(address);
  throw new TypeError(`object: expected an address (a bigint or a string such as "0xc000012345"), not ${JSON.stringify(address)}`);
}

const hex = (value: bigint) => `0x${value.toString(16)}`;

function closedError(): Error {
  return new Error('goheap: this dump was closed');
}

class OpenedDump implements Dump {
  private current: DumpTables | null;
  private pendingGraph: { promise: Promise<HeapGraph>; stop: AbortController } | null = null;
  private types: TypeRecovery | null = null;
  private summaryCache: DumpSummary | null = null;

  constructor(tables: DumpTables, private readonly contents: string | Uint8Array | undefined) {
    this.current = tables;
  }

  get tables(): DumpTables {
    if (this.current === null) throw closedError();
    return this.current;
  }

  get backend(): BackendName {
    return this.tables.backend;
  }

  summary(options?: SummaryOptions): DumpSummary {
    if (options !== undefined) return summarize(this.tables, options);
    this.summaryCache ??= summarize(this.tables);
    return this.summaryCache;
  }

  graph(options: GraphWorkOptions = {}): Promise<HeapGraph> {
    if (this.current === null) return Promise.reject(closedError());
    const tables = this.current;
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (this.pendingGraph === null) {
      const stop = new AbortController();
      const promise = buildGraph(tables, stop.signal);
      const pending = { promise, stop };
      this.pendingGraph = pending;
      // A failed or stopped computation is forgotten, so a later call starts again.
      promise.catch(() => {
        if (this.pendingGraph === pending) this.pendingGraph = null;
      });
    }
    const { promise, stop } = this.pendingGraph;
    if (signal === undefined) return promise;
    return new Promise<HeapGraph>((resolve, reject) => {
      const onAbort = () => {
        stop.abort(signal.reason);
        reject(abortError(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /** Type recovery, once (interface words need the dump's bytes: a path or a buffer). */
  private typeRecovery(graph: HeapGraph): TypeRecovery {
    this.types ??= recoverTypes(graph, { dump: this.contents });
    return this.types;
  }

  private naming(graph: HeapGraph): RootNaming {
    const recovery = this.typeRecovery(graph);
    return { objectType: (objectIndex) => objectTypeName(recovery, objectIndex) };
  }

  async topRetainers(limit = 20, options?: GraphWorkOptions): Promise<RetainerReport> {
    const graph = await this.graph(options);
    return topRetainers(graph, limit, this.naming(graph));
  }

  async histogram(options: DumpHistogramOptions = {}): Promise<Histogram> {
    const by = options.by ?? 'type';
    if (!GROUPINGS.includes(by)) throw new TypeError(`histogram: by must be one of ${GROUPINGS.join(', ')}, not ${JSON.stringify(by)}`);
    const graph = await this.graph(options);
    const recovery = this.typeRecovery(graph);
    let grouping: Grouping;
    if (by === 'type') grouping = groupByType(recovery);
    else if (by === 'shape') grouping = groupByShape(groupShapes(graph));
    else if (by === 'site') grouping = groupBySite(allocationSites(graph));
    else grouping = groupByRoot(graph, this.naming(graph));
    return histogram(graph, grouping.groupOf, grouping.names, {
      limit: options.limit,
      sortBySelf: options.sortBySelf,
      objectTypeIndex: recovery.objectTypeIndex,
      unknownName: grouping.unknownName,
    });
  }

  async goroutines(options?: GraphWorkOptions): Promise<GoroutineReport> {
    return goroutineReport(await this.graph(options));
  }

  async object(address: bigint | string, options?: GraphWorkOptions): Promise<DumpObject | null> {
    const wanted = parseAddress(address);
    const graph = await this.graph(options);
    const node = graph.objectAt(wanted);
    if (node < 0) return null;
    const naming = this.naming(graph);
    const name = (n: number) => {
      if (n >= graph.objectCount) return rootName(graph, n - graph.objectCount, naming);
      const type = naming.objectType?.(n) ?? null;
      return type === null ? hex(graph.address(n)) : `${hex(graph.address(n))} ${type}`;
    };
    const fields = graph.tables.objectFields;
    const pointerFields = [];
    for (let f = fields.firstFieldIndex[node]; f < fields.firstFieldIndex[node + 1]; f++) {
      const value = (BigInt(fields.fieldValueHi[f]) << 32n) | BigInt(fields.fieldValueLo[f]);
      const target = value === 0n ? -1 : graph.objectAt(value);
      pointerFields.push({ offset: fields.fieldOffset[f], value, target: target >= 0 ? graph.address(target) : null });
    }
    const { firstReferrerIndex, referrerEdge, edgeSource } = graph.referrers();
    const referrers = [];
    for (let r = firstReferrerIndex[node]; r < firstReferrerIndex[node + 1]; r++) {
      const edge = referrerEdge[r];
      const source = edgeSource[edge];
      const offset = graph.edgeOffset(edge);
      referrers.push({
        address: source < graph.objectCount ? graph.address(source) : null,
        name: name(source),
        offset: offset === NO_OFFSET ? null : offset,
      });
    }
    const idom = graph.immediateDominator();
    const dominators: string[] = [];
    for (let d = idom[node]; d >= 0 && d !== graph.virtualRoot; d = idom[d]) dominators.push(name(d));
    return {
      objectIndex: node,
      address: graph.address(node),
      size: graph.objects.size[node],
      contentOffset: graph.objects.contentOffset[node],
      type: naming.objectType?.(node) ?? null,
      reachable: graph.isReachable(node),
      retainedBytes: graph.retainedBytes()[node],
      retainedCount: graph.retainedCount()[node],
      pointerFields,
      referrers,
      dominators,
    };
  }

  close(): void {
    if (this.current === null) return;
    const pending = this.pendingGraph;
    this.pendingGraph = null;
    if (pending !== null) {
      pending.stop.abort();
      pending.promise.then((graph) => graph.close(), () => undefined);
    }
    this.current = null;
    this.types = null;
    this.summaryCache = null;
  }
}
