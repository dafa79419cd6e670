// Decoder throughput on one dump, per backend, against the bare-scan ceiling: what
// `goheap bench` and `npm run bench` (bench/run.js) measure. Nothing here prints.
//
// Levels (each a walk over the whole dump in 8 MiB windows, as decodeDump walks it):
//   window   the dump's bytes already in memory → the backend's decodeWindow (no tables)
//   file     the file read window by window → decodeWindow (no tables)
//   tables   decodeDump(path, { backend }): reading, decoding and building the tables
// Ceiling (native addon only, native/core/scan.h): the same walks with the bare record scan
// in place of a decoder — `scan` for in-memory bytes, `read+scan` for the file. Every row's
// throughput is also given as a share of the ceiling of its kind (memory or file).

import { promises as fs } from 'fs';
import * as os from 'os';
import { basename } from 'path';
import { gunzipSync } from 'zlib';
import type { Backend, BackendName } from '../decode/backend';
import { decodeDump, DEFAULT_WINDOW_SIZE } from '../decode/decode';
import { DumpWindow } from '../decode/window';
import { MAX_HEADER_LENGTH, readHeader } from '../decode/header';
import { nativeScan } from '../decode/native';
import { backendStatus, selectBackend } from '../decode/select';
import { openSource } from '../decode/source';
import { DecodeStatus, STATE_LENGTH, StateIndex } from '../decode/status';

export type BenchLevel = 'window' | 'file' | 'tables' | 'scan' | 'read+scan';
export const DECODER_LEVELS: readonly BenchLevel[] = ['window', 'file', 'tables'];
export const ALL_BACKENDS: readonly BackendName[] = ['native', 'wasm', 'js'];
/** The pseudo-backend of the ceiling rows. */
export const CEILING = 'ceiling';

/** What a sampler measured for one case. */
export interface SampleStats {
  /** Mean seconds per run. */
  meanSeconds: number;
  /** Relative margin of error of the mean at 95% confidence, in percent. */
  rmePercent: number;
  samples: number;
}

/**
 * Runs `run` repeatedly for about `budgetSeconds` and says how long one run takes.
 * bench/run.js passes one built on the npm `benchmark` package; the default is below.
 */
export type Sampler = (name: string, run: () => Promise<void>, budgetSeconds: number) => Promise<SampleStats>;

export interface BenchOptions {
  /** Backends to run (default every one); unavailable ones are reported as skipped. */
  backends?: readonly BackendName[];
  /** Decoder levels to run (default window, file, tables). */
  levels?: readonly BenchLevel[];
  /** Run the ceiling rows when the native addon has the scan (default true). */
  ceiling?: boolean;
  /** Time budget per case in seconds (default 1). */
  budgetSeconds?: number;
  /** Fewest timed runs per case for the default sampler (default 3). */
  minSamples?: number;
  sampler?: Sampler;
  /** Called before each case, e.g. for a progress line. */
  onCase?: (backend: string, level: BenchLevel) => void;
}

export interface BenchRow {
  /** 'native' | 'wasm' | 'js', or 'ceiling' for the bare scan. */
  backend: string;
  level: BenchLevel;
  meanSeconds: number;
  rmePercent: number;
  samples: number;
  /** Dump bytes (after decompression) per second. */
  bytesPerSecond: number;
  objectsPerSecond: number;
  pointerFieldsPerSecond: number;
  /** bytesPerSecond over the ceiling of the same kind (scan for window, read+scan for file and tables); null without it. */
  ceilingShare: number | null;
  /** The process's peak resident set size after this case (it only grows within one process). */
  peakRssBytes: number;
  /** Whether this backend's walk saw the same objects, pointer fields and end as the others. */
  agrees: boolean;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryBytes: number;
  platform: string;
  node: string;
  loadAverage: number[];
}

export interface BenchDumpInfo {
  path: string;
  name: string;
  /** Bytes after decompression. */
  bytes: number;
  header: string;
  objects: number;
  pointerFields: number;
}

export interface BenchReport {
  machine: MachineInfo;
  at: string;
  dump: BenchDumpInfo;
  rows: BenchRow[];
  /** Backends asked for that could not run, with why. */
  skipped: { backend: string; reason: string }[];
  /** The bare-scan ceilings, bytes per second, or null when the native scan is missing. */
  ceiling: { memoryBytesPerSecond: number | null; fileBytesPerSecond: number | null } | null;
  /** Why there is no ceiling, or null. */
  ceilingMissing: string | null;
}

/** Dumps above this are not read into memory: the window and scan levels are skipped. */
const MAX_IN_MEMORY_BYTES = 2 ** 31;

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
  };
}

/** One window step: decodes or scans window (file offset `offset`), returns status and consumed bytes. */
type Step = (window: Uint8Array, offset: number, state: Int32Array) => Promise<WalkStep> | WalkStep;
interface WalkStep {
  status: number;
  consumed: number;
  objects: number;
  pointerFields: number;
}
export interface WalkCounts {
  objects: number;
  pointerFields: number;
  /** Dump offset where the walk stopped (after the EOF record). */
  end: number;
}

function walkFailure(status: number, offset: number): Error {
  return new Error(`the walk stopped with decoder status ${status} at dump offset ${offset}; ` +
    '`goheap summary` on this dump names the problem');
}

/** Walks bytes already in memory: windows are views, never copies. */
async function walkMemory(bytes: Uint8Array, step: Step): Promise<WalkCounts> {
  const header = readHeader(bytes);
  const state = new Int32Array(STATE_LENGTH);
  state[StateIndex.HeaderVersion] = header.version;
  let start = header.length;
  let length = Math.min(DEFAULT_WINDOW_SIZE, bytes.length - start);
  const counts: WalkCounts = { objects: 0, pointerFields: 0, end: 0 };
  for (;;) {
    const out = await step(bytes.subarray(start, start + length), start, state);
    counts.objects += out.objects;
    counts.pointerFields += out.pointerFields;
    const windowEnd = start + length;
    start += out.consumed;
    const status = out.status as DecodeStatus;
    if (status === DecodeStatus.Done) break;
    if (status >= DecodeStatus.BadTag) throw walkFailure(status, start);
    if (status !== DecodeStatus.OutputFull && windowEnd >= bytes.length) throw walkFailure(status, start);
    // A window grows only when not even one record fits in it (as in decodeDump).
    const stuck = out.consumed === 0 && (status === DecodeStatus.NeedMore || status === DecodeStatus.NeedMoreBlob);
    length = Math.min(stuck ? Math.max(2 * length, DEFAULT_WINDOW_SIZE) : DEFAULT_WINDOW_SIZE, bytes.length - start);
  }
  counts.end = start;
  return counts;
}

/** Walks a file (or gzip file) read window by window, as decodeDump reads it. */
async function walkFile(path: string, step: Step): Promise<WalkCounts> {
  const input = await openSource(path);
  try {
    const window = await DumpWindow.open(input, DEFAULT_WINDOW_SIZE);
    const header = readHeader(window.view());
    window.consume(header.length);
    const state = new Int32Array(STATE_LENGTH);
    state[StateIndex.HeaderVersion] = header.version;
    const counts: WalkCounts = { objects: 0, pointerFields: 0, end: 0 };
    for (;;) {
      const out = await step(window.view(), window.viewOffset, state);
      counts.objects += out.objects;
      counts.pointerFields += out.pointerFields;
      window.consume(out.consumed);
      const status = out.status as DecodeStatus;
      if (status === DecodeStatus.Done) break;
      if (status === DecodeStatus.OutputFull) continue; // the rest of the same window
      if (status >= DecodeStatus.BadTag || window.ended || !(await window.refill())) {
        throw walkFailure(status, window.viewOffset);
      }
    }
    counts.end = window.viewOffset;
    return counts;
  } finally {
    await input.close();
  }
}

/** A fresh decoder of `backend` as a walk step; close it after the walk. */
function decoderStep(backend: Backend): { step: Step; close: () => void } {
  const decoder = backend.createDecoder();
  const step: Step = async (window, offset, state) => {
    const out = await decoder.decodeWindow(window, offset, state);
    return { status: out.status, consumed: out.consumed, objects: out.objectCount, pointerFields: out.fieldCount };
  };
  return { step, close: () => decoder.close() };
}

/** Walks the whole dump with one backend's decoder, in memory or from the file. */
export async function decodeWalk(backend: Backend, source: Uint8Array | string): Promise<WalkCounts> {
  const { step, close } = decoderStep(backend);
  try {
    return typeof source === 'string' ? await walkFile(source, step) : await walkMemory(source, step);
  } finally {
    close();
  }
}

/** Walks the whole dump with the native bare scan, or returns null without it. */
export async function scanWalk(source: Uint8Array | string): Promise<WalkCounts | null> {
  const scan = nativeScan();
  if (scan === null) return null;
  const step: Step = (window, _offset, state) => {
    const out = scan(window, state);
    return { status: out.status, consumed: out.consumed, objects: out.objects, pointerFields: out.pointerFields };
  };
  return typeof source === 'string' ? walkFile(source, step) : walkMemory(source, step);
}

// Two-sided Student t at 95% for 1..30 degrees of freedom (the normal 1.96 beyond).
const T_95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145,
  2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** Mean and relative margin of error of a list of run times in seconds. */
export function summarizeSamples(times: readonly number[]): SampleStats {
  const n = times.length;
  const mean = times.reduce((sum, t) => sum + t, 0) / n;
  if (n < 2) return { meanSeconds: mean, rmePercent: 0, samples: n };
  const variance = times.reduce((sum, t) => sum + (t - mean) ** 2, 0) / (n - 1);
  const t = T_95[n - 2] ?? 1.96;
  const rme = mean > 0 ? (t * Math.sqrt(variance / n) / mean) * 100 : 0;
  return { meanSeconds: mean, rmePercent: rme, samples: n };
}

/** One untimed warm-up run, then timed runs until the budget is spent and `minSamples` were taken. */
export function defaultSampler(minSamples = 3): Sampler {
  return async (_name, run, budgetSeconds) => {
    await run();
    const times: number[] = [];
    const started = process.hrtime.bigint();
    for (;;) {
      const t0 = process.hrtime.bigint();
      await run();
      times.push(Number(process.hrtime.bigint() - t0) / 1e9);
      const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
      if (times.length >= minSamples && elapsed >= budgetSeconds) break;
    }
    return summarizeSamples(times);
  };
}

function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

async function readDumpBytes(path: string, size: number): Promise<Uint8Array | null> {
  if (size > MAX_IN_MEMORY_BYTES) return null;
  const raw = await fs.readFile(path);
  const bytes = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
  return bytes.length > MAX_IN_MEMORY_BYTES ? null : bytes;
}

/**
 * Times every available backend (and the bare-scan ceiling) on the dump at `path`. Before
 * timing, each backend walks the dump once and must see the objects, pointer fields and end
 * the first one saw (`agrees`).
 */
export async function benchDump(path: string, options: BenchOptions = {}): Promise<BenchReport> {
  const budget = options.budgetSeconds ?? 1;
  const sampler = options.sampler ?? defaultSampler(options.minSamples ?? 3);
  const levels = options.levels ?? DECODER_LEVELS;
  const skipped: { backend: string; reason: string }[] = [];
  const backends: Backend[] = [];
  for (const name of options.backends ?? ALL_BACKENDS) {
    const status = backendStatus(name);
    if (status.available) backends.push(selectBackend(name));
    else skipped.push({ backend: name, reason: status.error ?? 'unavailable' });
  }

  const stat = await fs.stat(path);
  const bytes = await readDumpBytes(path, stat.size);
  const memory = bytes !== null;
  if (!memory) skipped.push({ backend: 'window, scan', reason: 'the dump is too large to hold in memory; file levels only' });

  // Reference counts: from the first walk that runs (the scan when there is one).
  let reference: WalkCounts | null = null;
  const agreesWith = (counts: WalkCounts): boolean => {
    if (reference === null) {
      reference = counts;
      return true;
    }
    return counts.objects === reference.objects && counts.pointerFields === reference.pointerFields && counts.end === reference.end;
  };
  const source = bytes ?? path;
  const wantCeiling = options.ceiling ?? true;
  let ceilingMissing: string | null = wantCeiling ? null : 'not asked for';
  let scanAgrees = true;
  if (wantCeiling) {
    const counts = await scanWalk(source);
    if (counts === null) {
      const native = backendStatus('native');
      ceilingMissing = native.available
        ? 'the native addon has no scan (built from an older goheap); run `npm run build:native`'
        : `the ceiling needs the native addon: ${native.error ?? 'unavailable'}`;
    } else {
      scanAgrees = agreesWith(counts);
    }
  }
  const agreement = new Map<string, boolean>();
  for (const backend of backends) agreement.set(backend.name, agreesWith(await decodeWalk(backend, source)));
  const counts: WalkCounts = reference ?? { objects: 0, pointerFields: 0, end: 0 };

  const rows: BenchRow[] = [];
  const header = readHeader(bytes ?? (await firstBytes(path)));
  const dumpBytes = bytes !== null ? bytes.length : counts.end;
  const measure = async (backend: string, level: BenchLevel, run: () => Promise<unknown>, agrees: boolean) => {
    options.onCase?.(backend, level);
    const stats = await sampler(`${backend} ${level} ${basename(path)}`, async () => {
      await run();
    }, budget);
    const perSecond = (n: number) => (stats.meanSeconds > 0 ? n / stats.meanSeconds : 0);
    rows.push({
      backend, level, ...stats,
      bytesPerSecond: perSecond(dumpBytes),
      objectsPerSecond: perSecond(counts.objects),
      pointerFieldsPerSecond: perSecond(counts.pointerFields),
      ceilingShare: null,
      peakRssBytes: peakRssBytes(),
      agrees,
    });
  };

  if (wantCeiling && ceilingMissing === null) {
    if (memory) await measure(CEILING, 'scan', () => scanWalk(bytes), scanAgrees);
    await measure(CEILING, 'read+scan', () => scanWalk(path), scanAgrees);
  }
  for (const backend of backends) {
    const agrees = agreement.get(backend.name) ?? false;
    for (const level of levels) {
      if (level === 'window') {
        if (memory) await measure(backend.name, level, () => decodeWalk(backend, bytes), agrees);
      } else if (level === 'file') {
        await measure(backend.name, level, () => decodeWalk(backend, path), agrees);
      } else if (level === 'tables') {
        await measure(backend.name, level, () => decodeDump(path, { backend: backend.name }), agrees);
      } else {
        throw new Error(`unknown level ${level}`);
      }
    }
  }

  const ceilingOf = (level: BenchLevel) => rows.find((row) => row.backend === CEILING && row.level === level)?.bytesPerSecond ?? null;
  const memoryCeiling = ceilingOf('scan');
  const fileCeiling = ceilingOf('read+scan');
  for (const row of rows) {
    const ceiling = row.level === 'window' || row.level === 'scan' ? memoryCeiling : fileCeiling;
    row.ceilingShare = ceiling !== null && ceiling > 0 ? row.bytesPerSecond / ceiling : null;
  }
  return {
    machine: machineInfo(),
    at: new Date().toISOString(),
    dump: { path, name: basename(path), bytes: dumpBytes, header: header.text, objects: counts.objects, pointerFields: counts.pointerFields },
    rows,
    skipped,
    ceiling: ceilingMissing === null ? { memoryBytesPerSecond: memoryCeiling, fileBytesPerSecond: fileCeiling } : null,
    ceilingMissing,
  };
}

async function firstBytes(path: string): Promise<Uint8Array> {
  const input = await openSource(path);
  try {
    const head = new Uint8Array(MAX_HEADER_LENGTH);
    const filled = await input.read(head, 0, head.length);
    return head.subarray(0, filled);
  } finally {
    await input.close();
  }
}
