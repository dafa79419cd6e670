// The numbers behind `goheap summary`: what the dump is, what it holds, how it was decoded.
// Raw values only; ts/cli formats them.

import { RECORD_NAMES, type RecordName } from '../decode/status';
import { memStat, type DumpTables, type MemStatName } from '../tables/dump-tables';

/** Goroutine statuses as the runtime numbers them (runtime2.go _Gidle …). */
const GOROUTINE_STATUS: Record<number, string> = {
  0: 'idle', 1: 'runnable', 2: 'running', 3: 'syscall', 4: 'waiting', 5: 'moribund', 6: 'dead',
  7: 'enqueue', 8: 'copystack', 9: 'preempted',
};

export function goroutineStatusName(status: bigint): string {
  return GOROUTINE_STATUS[Number(status)] ?? `status ${status}`;
}

export interface SizeClassRow {
  /** Object size in bytes (the slot size). */
  size: number;
  count: number;
  bytes: number;
}

export interface GoroutineGroup {
  status: string;
  waitReason: string;
  count: number;
}

export interface DumpSummary {
  formatVersion: string;
  header: string;
  goVersion: string;
  goexperiment: string;
  goarch: string;
  ptrSize: number;
  bigEndian: boolean;
  ncpu: number;
  heapStart: bigint;
  heapEnd: bigint;
  dumpBytes: number;
  records: Partial<Record<RecordName, number>>;
  objects: { count: number; bytes: number };
  sizeClasses: { rows: SizeClassRow[]; totalClasses: number };
  goroutines: { count: number; groups: GoroutineGroup[] };
  memStats: Partial<Record<MemStatName, bigint>> | null;
  salvage: DumpTables['salvage'];
}

const HEADLINE_MEMSTATS: MemStatName[] = [
  'HeapAlloc', 'HeapObjects', 'HeapInuse', 'HeapSys', 'HeapIdle', 'HeapReleased', 'Sys',
  'TotalAlloc', 'Mallocs', 'Frees', 'StackInuse', 'NextGC', 'LastGC', 'PauseTotalNs', 'NumGC',
];

export interface SummaryOptions {
  /** How many size classes to list (default 10). */
  sizeClassLimit?: number;
}

export function summarize(tables: DumpTables, options: SummaryOptions = {}): DumpSummary {
  const { params, objects } = tables;
  let bytes = 0;
  const bySize = new Map<number, number>();
  for (let i = 0; i < objects.count; i++) {
    const size = objects.size[i];
    bytes += size;
    bySize.set(size, (bySize.get(size) ?? 0) + 1);
  }
  const rows = [...bySize].map(([size, count]) => ({ size, count, bytes: size * count }));
  rows.sort((a, b) => b.bytes - a.bytes || a.size - b.size);

  const groups = new Map<string, GoroutineGroup>();
  const { goroutines, strings } = tables;
  for (let i = 0; i < goroutines.count; i++) {
    const status = goroutineStatusName(goroutines.status[i]);
    const waitReason = strings.get(goroutines.waitReason[i]);
    const key = `${status}\u0000${waitReason}`;
    const group = groups.get(key) ?? { status, waitReason, count: 0 };
    group.count++;
    groups.set(key, group);
  }
  const goroutineGroups = [...groups.values()].sort((a, b) => b.count - a.count
    || a.status.localeCompare(b.status) || a.waitReason.localeCompare(b.waitReason));

  const records: Partial<Record<RecordName, number>> = {};
  for (const name of RECORD_NAMES) {
    if (tables.recordCounts[name] > 0) records[name] = tables.recordCounts[name];
  }

  let memStats: DumpSummary['memStats'] = null;
  if (tables.memStats !== null) {
    memStats = {};
    for (const name of HEADLINE_MEMSTATS) memStats[name] = memStat(tables.memStats, name);
  }

  return {
    formatVersion: params.formatVersion,
    header: params.header,
    goVersion: params.goVersion,
    goexperiment: params.goVersion === '' ? params.experiment : '',
    goarch: params.goarch,
    ptrSize: params.ptrSize,
    bigEndian: params.bigEndian,
    ncpu: params.ncpu,
    heapStart: params.heapStart,
    heapEnd: params.heapEnd,
    dumpBytes: tables.dumpBytes,
    records,
    objects: { count: objects.count, bytes },
    sizeClasses: { rows: rows.slice(0, options.sizeClassLimit ?? 10), totalClasses: rows.length },
    goroutines: { count: goroutines.count, groups: goroutineGroups },
    memStats,
    salvage: tables.salvage,
  };
}
