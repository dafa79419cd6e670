// What `goheap batch` reports for one dump: the summary headline and the largest retainers,
// as plain data (it crosses from a worker thread) with raw numbers; ts/cli formats it.

import { topRetainers } from '../analysis/retainers';
import { summarize } from '../analysis/summary';
import { decodeDump } from '../decode/decode';
import type { BackendChoice } from '../decode/select';
import { HeapGraph } from '../graph/heap-graph';
import { objectTypeName, recoverTypes } from '../types/recover';
import type { ErrorMessage } from './errors';

export interface BatchRetainer {
  /** 'object' or the root kind ('goroutine', 'stack frame', 'data', …). */
  kind: string;
  /** The object's address in hex (and type when recovered), or the root's name. */
  name: string;
  retainedBytes: number;
  retainedCount: number;
}

export interface BatchDumpReport {
  path: string;
  ok: true;
  backend: string;
  header: string;
  goVersion: string;
  formatVersion: string;
  goarch: string;
  dumpBytes: number;
  objects: { count: number; bytes: number };
  reachable: { count: number; bytes: number };
  garbage: { count: number; bytes: number };
  goroutineCount: number;
  /** Set when a broken dump was salvaged. */
  salvage: { code: string; offset: number; keptBytes: number } | null;
  /** The largest retainers among objects and roots together, largest first. */
  topRetainers: BatchRetainer[];
  seconds: number;
}

export interface BatchDumpFailure {
  path: string;
  ok: false;
  error: ErrorMessage;
  seconds: number;
}

export type BatchRow = BatchDumpReport | BatchDumpFailure;

export interface BatchReportOptions {
  /** Default: GOHEAP_BACKEND, else auto. */
  backend?: BackendChoice;
  salvage?: boolean;
  /** How many retainers to keep (default 3). */
  limit?: number;
  /** Stops the decode (after its current window). */
  signal?: AbortSignal;
  /** Called when decoding is over and the analysis begins. */
  onDecoded?: () => void;
}

const hex = (value: bigint) => `0x${value.toString(16)}`;

/** Decodes one dump here (the caller is a worker thread) and reports on it. */
export async function reportOnDump(path: string, options: BatchReportOptions): Promise<BatchDumpReport> {
  const started = process.hrtime.bigint();
  const limit = options.limit ?? 3;
  const tables = await decodeDump(path, { backend: options.backend, salvage: options.salvage, signal: options.signal });
  options.onDecoded?.();
  const summary = summarize(tables, { sizeClassLimit: 0 });
  const graph = new HeapGraph(tables);
  try {
    const recovery = recoverTypes(graph, { dump: path });
    const report = topRetainers(graph, limit, { objectType: (objectIndex) => objectTypeName(recovery, objectIndex) });
    const retainers: BatchRetainer[] = [
      ...report.objects.map((o) => ({
        kind: 'object',
        name: o.type === null ? hex(o.address) : `${hex(o.address)} ${o.type}`,
        retainedBytes: o.retainedBytes,
        retainedCount: o.retainedCount,
      })),
      ...report.roots.map((r) => ({ kind: r.kind, name: r.name, retainedBytes: r.retainedBytes, retainedCount: r.retainedCount })),
    ];
    // Roots first on ties: a root retaining as much as an object is the better lead.
    retainers.sort((a, b) => b.retainedBytes - a.retainedBytes || Number(a.kind === 'object') - Number(b.kind === 'object'));
    const salvage = tables.salvage;
    return {
      path,
      ok: true,
      backend: tables.backend,
      header: summary.header,
      goVersion: summary.goVersion,
      formatVersion: summary.formatVersion,
      goarch: summary.goarch,
      dumpBytes: summary.dumpBytes,
      objects: summary.objects,
      reachable: report.reachable,
      garbage: report.garbage,
      goroutineCount: summary.goroutines.count,
      salvage: salvage === null ? null : { code: salvage.code, offset: salvage.offset, keptBytes: salvage.keptBytes },
      topRetainers: retainers.slice(0, limit),
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
    };
  } finally {
    graph.close();
  }
}
