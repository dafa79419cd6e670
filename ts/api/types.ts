// The embedding API, declared in one place: openDump's options, the Dump it resolves to, and
// what its methods return. ./open-dump.ts implements it (typed against these declarations).

import type { GoroutineReport } from '../analysis/goroutines';
import type { Histogram } from '../analysis/histogram';
import type { RetainerReport } from '../analysis/retainers';
import type { DumpSummary, SummaryOptions } from '../analysis/summary';
import type { BackendName } from '../decode/backend';
import type { DecodeProgress } from '../decode/decode';
import type { BackendChoice } from '../decode/select';
import type { DumpSource } from '../decode/source';
import type { HeapGraph } from '../graph/heap-graph';
import type { DumpTables } from '../tables/dump-tables';

export interface OpenDumpOptions {
  /** Which decoder runs: 'native', 'wasm', 'js' or 'auto' (default GOHEAP_BACKEND, else auto). */
  backend?: BackendChoice;
  /**
   * Stops the open: the worker thread is terminated, its memory freed, and the promise rejects
   * with a DOMException named 'AbortError' (the signal's reason as its `cause`).
   */
  signal?: AbortSignal;
  /** Called after each decoded window (on the calling thread). */
  onProgress?: (progress: DecodeProgress) => void;
  /** Initial decode window in bytes (default 8 MiB). */
  windowSize?: number;
  /** Keep the whole records before a broken or cut-off part instead of failing (see `Dump.tables.salvage`). */
  salvage?: boolean;
  /**
   * Memory cap for the tables, in bytes. The object columns are checked as they grow and the
   * finished tables once more; passing it rejects with a TableMemoryError giving the numbers.
   */
  maxTableBytes?: number;
}

/** Options of the graph-backed Dump methods. */
export interface GraphWorkOptions {
  /** Stops the dominator computation if it is still running (the graph is not kept then). */
  signal?: AbortSignal;
}

export type HistogramGrouping = 'type' | 'shape' | 'site' | 'root';

export interface DumpHistogramOptions extends GraphWorkOptions {
  /** How objects are grouped (default 'type', recovered types; the rest is one unknown group). */
  by?: HistogramGrouping;
  /** Groups shown, largest retained first (default all). */
  limit?: number;
  /** Sort by self bytes instead of retained bytes. */
  sortBySelf?: boolean;
}

export interface ObjectPointerField {
  /** Byte offset of the slot in the object. */
  offset: number;
  value: bigint;
  /** Address of the object the value points into, or null. */
  target: bigint | null;
}

export interface ObjectReferrer {
  /** The referring object's address, or null when the referrer is a root. */
  address: bigint | null;
  /** The object's address in hex, or the root's name ("goroutine 7 frame 2 main.worker"). */
  name: string;
  /** Slot offset in the referrer, or null when the edge is not a pointer slot. */
  offset: number | null;
}

/** One heap object, found by any address inside it. */
export interface DumpObject {
  objectIndex: number;
  address: bigint;
  size: number;
  /** File offset of its contents in the (decompressed) dump. */
  contentOffset: number;
  /** Recovered type name, or null. */
  type: string | null;
  reachable: boolean;
  retainedBytes: number;
  retainedCount: number;
  pointerFields: ObjectPointerField[];
  referrers: ObjectReferrer[];
  /** Dominators, nearest first, up to (not including) the virtual root: hex addresses or root names. */
  dominators: string[];
}

/** An opened dump. Its tables are immutable; derived results are computed once, on first use. */
export interface Dump {
  readonly tables: DumpTables;
  readonly backend: BackendName;
  /** What the dump is and holds (cheap: one pass over the objects). */
  summary(options?: SummaryOptions): DumpSummary;
  /** The heap graph with dominators and retained sizes computed (in a worker thread). */
  graph(options?: GraphWorkOptions): Promise<HeapGraph>;
  /** The largest retainers among objects and roots. */
  topRetainers(limit?: number, options?: GraphWorkOptions): Promise<RetainerReport>;
  histogram(options?: DumpHistogramOptions): Promise<Histogram>;
  goroutines(options?: GraphWorkOptions): Promise<GoroutineReport>;
  /** The object containing `address` (a bigint, or a "0x…" string), or null. */
  object(address: bigint | string, options?: GraphWorkOptions): Promise<DumpObject | null>;
  /** Stops graph work still running and lets go of the tables; later calls throw. */
  close(): void;
}

export type OpenDump = (source: DumpSource, options?: OpenDumpOptions) => Promise<Dump>;
