// The text of a decoder benchmark report (ts/bench/decode-bench.ts): one markdown table per dump,
// the same in `goheap bench` and bench/run.js (and so in bench/RESULTS.md). Returns strings.

import type { BenchReport, BenchRow, MachineInfo } from '../bench/decode-bench';

const MB = 1e6;

export function describeMachine(machine: MachineInfo): string {
  return `${machine.cpu} × ${machine.cores}, ${(machine.memoryBytes / 2 ** 30).toFixed(0)} GiB, ${machine.platform}, ` +
    `Node ${machine.node}, load average ${machine.loadAverage.join(' ')}`;
}

function millions(value: number): string {
  return (value / 1e6).toFixed(value >= 1e8 ? 0 : 2);
}

function row(r: BenchRow): string {
  const share = r.ceilingShare === null ? '—' : `${(r.ceilingShare * 100).toFixed(0)}%`;
  const ms = r.meanSeconds * 1e3;
  return `| ${r.backend} | ${r.level} | ${ms.toFixed(ms >= 100 ? 0 : 2)} (±${r.rmePercent.toFixed(1)}%) | ${r.samples} ` +
    `| ${(r.bytesPerSecond / MB).toFixed(0)} | ${millions(r.objectsPerSecond)} | ${millions(r.pointerFieldsPerSecond)} ` +
    `| ${share} | ${Math.round(r.peakRssBytes / 2 ** 20)} |${r.agrees ? '' : ' DISAGREES'}`;
}

/** The dump line, the table and notes for one report (markdown). */
export function formatBenchReport(report: BenchReport, options: { machine?: boolean } = {}): string {
  const d = report.dump;
  const lines: string[] = [];
  lines.push(`${d.name}: ${(d.bytes / MB).toFixed(2)} MB (${d.header}), ${d.objects.toLocaleString('en-US')} objects, ` +
    `${d.pointerFields.toLocaleString('en-US')} object pointer fields`);
  if (options.machine ?? true) lines.push(`Machine: ${describeMachine(report.machine)}`);
  lines.push('');
  lines.push('| backend | level | ms (±rme) | samples | MB/s | M objects/s | M pointer fields/s | of ceiling | peak RSS MiB |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of report.rows) lines.push(row(r));
  lines.push('');
  if (report.ceilingMissing !== null) lines.push(`No ceiling: ${report.ceilingMissing.replace(/\.?$/, '.')}`);
  for (const s of report.skipped) lines.push(`Skipped ${s.backend}: ${s.reason}`);
  return lines.join('\n').trimEnd();
}

/** What the levels and columns mean, for the end of a run's output. */
export const BENCH_LEGEND = [
  'Levels: window = the dump in memory → decodeWindow in 8 MiB windows (decoder alone, no tables); ' +
    'file = the file read window by window → decodeWindow; tables = decodeDump(path): read, decode, build the tables.',
  'Ceiling (native/core/scan.h): scan = the bare record walk (varints read, blobs skipped, no tables) over the ' +
    'in-memory bytes; read+scan = the same over the file. "of ceiling" = MB/s over scan (window) or read+scan (file, tables).',
  'MB = dump bytes after decompression; pointer fields = object pointer words. Peak RSS is the process\'s so far.',
].join('\n');
