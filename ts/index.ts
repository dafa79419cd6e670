// goheap's public API.

export { decodeDump, decodeTimed, DEFAULT_WINDOW_SIZE } from './decode/decode';
export type { DecodeOptions, DecodeProgress, DecodeResult } from './decode/decode';
export type { DumpSource } from './decode/source';
export { backendStatus, selectBackend } from './decode/select';
export type { BackendChoice, BackendStatus } from './decode/select';
export type { BackendName } from './decode/backend';
export { DumpFormatError, BackendUnavailableError } from './errors';
export type { DumpErrorCode } from './errors';
export { summarize } from './analysis/summary';
export type { DumpSummary } from './analysis/summary';
export { memStat, MEMSTATS_NAMES } from './tables/dump-tables';
export type * from './tables/dump-tables';
export { StringTable } from './tables/strings';
export { openDump } from './api/open-dump';
export type {
  Dump, DumpHistogramOptions, DumpObject, GraphWorkOptions, HistogramGrouping, ObjectPointerField, ObjectReferrer,
  OpenDumpOptions,
} from './api/types';
export { TableMemoryError } from './api/errors';
export { runBatch } from './api/batch';
export type { BatchOptions } from './api/batch';
export type { BatchRow, BatchDumpReport, BatchDumpFailure, BatchRetainer } from './api/batch-report';
export type { TableMemoryUse } from './api/errors';
export { HeapGraph } from './graph/heap-graph';
export type { Histogram, HistogramGroup } from './analysis/histogram';
export type { RetainerReport, ObjectRetainer, RootRetainer } from './analysis/retainers';
export type { GoroutineReport, GoroutineRow, GoroutineGroupRow } from './analysis/goroutines';
