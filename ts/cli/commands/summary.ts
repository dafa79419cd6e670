import { summarize, type DumpSummary } from '../../analysis/summary';
import type { Args, Command, Io } from '../command';
import { formatBytes, formatCount, hex, percent, table, toJson } from '../format';
import { dumpPath, DUMP_FLAGS, loadDump } from '../load';

export const summary: Command = {
  name: 'summary',
  usage: 'goheap summary [DUMP] [--json] [--backend auto|native|wasm|js] [--salvage] [--window BYTES]',
  summary: 'what the dump is and holds: versions, record counts, objects, size classes, goroutines, memstats',
  flags: DUMP_FLAGS,
  async run(args: Args, io: Io): Promise<number> {
    const path = dumpPath(args);
    const { tables, seconds } = await loadDump(args);
    const numbers = summarize(tables);
    const decode = { seconds, bytesPerSecond: seconds > 0 ? Math.round(tables.dumpBytes / seconds) : null };
    if (args.flags.has('--json')) {
      io.out(toJson({
        path,
        ...numbers,
        heapStart: hex(numbers.heapStart),
        heapEnd: hex(numbers.heapEnd),
        backend: tables.backend,
        decode,
      }));
    } else {
      io.out(formatSummary(path, numbers, tables.backend, decode));
    }
    return 0;
  },
};

function formatSummary(path: string, s: DumpSummary, backend: string,
                       decode: { seconds: number; bytesPerSecond: number | null }): string {
  const lines: string[] = [];
  const runtime = s.goVersion !== '' ? s.goVersion : `Go ${s.formatVersion} format`;
  lines.push(`${path}`);
  lines.push(`${s.header} (format ${s.formatVersion}), ${runtime}, ${s.goarch}, ${s.ptrSize * 8}-bit`
    + `${s.bigEndian ? ' big-endian' : ''}, ${s.ncpu} CPUs`);
  if (s.goexperiment !== '') lines.push(`GOEXPERIMENT ${s.goexperiment}`);
  lines.push(`heap range ${hex(s.heapStart)}–${hex(s.heapEnd)}, dump ${formatBytes(s.dumpBytes)}`);
  if (s.salvage !== null) {
    lines.push(`SALVAGED: kept the ${formatCount(s.salvage.keptBytes)} bytes of whole records before the damage:`);
    lines.push(`  ${s.salvage.message}`);
  }
  lines.push('');
  lines.push(`Objects: ${formatCount(s.objects.count)} using ${formatBytes(s.objects.bytes)}`
    + ` (${formatCount(s.objects.bytes)} bytes)`);
  lines.push('');
  lines.push('Records:');
  lines.push(table(['count', 'kind'], Object.entries(s.records).map(([kind, n]) => [formatCount(n ?? 0), kind])));
  lines.push('');
  lines.push(`Top size classes by bytes (showing ${s.sizeClasses.rows.length} of ${s.sizeClasses.totalClasses}):`);
  lines.push(table(['size', 'objects', 'bytes', 'share'], s.sizeClasses.rows.map((row) => [
    formatCount(row.size), formatCount(row.count), formatBytes(row.bytes), percent(row.bytes, s.objects.bytes),
  ])));
  lines.push('');
  lines.push(`Goroutines: ${formatCount(s.goroutines.count)}`);
  if (s.goroutines.groups.length > 0) {
    lines.push(table(['count', 'status', 'wait reason'], s.goroutines.groups.map((g) => [
      formatCount(g.count), g.status, g.waitReason === '' ? '-' : g.waitReason,
    ])));
  }
  const m = s.memStats;
  if (m !== null) {
    lines.push('');
    lines.push('MemStats:');
    lines.push(`  HeapAlloc ${formatBytes(m.HeapAlloc ?? 0n)} in ${formatCount(m.HeapObjects ?? 0n)} objects;`
      + ` HeapInuse ${formatBytes(m.HeapInuse ?? 0n)}, HeapSys ${formatBytes(m.HeapSys ?? 0n)},`
      + ` HeapReleased ${formatBytes(m.HeapReleased ?? 0n)}`);
    lines.push(`  Sys ${formatBytes(m.Sys ?? 0n)}, TotalAlloc ${formatBytes(m.TotalAlloc ?? 0n)},`
      + ` NextGC ${formatBytes(m.NextGC ?? 0n)}, NumGC ${formatCount(m.NumGC ?? 0n)}`
      + `${m.LastGC ? `, last GC ${new Date(Number((m.LastGC ?? 0n) / 1000000n)).toISOString()}` : ''}`);
  }
  lines.push('');
  const speed = decode.bytesPerSecond === null ? '' : ` (${formatBytes(decode.bytesPerSecond)}/s)`;
  lines.push(`Decoded by the ${backend} backend in ${decode.seconds.toFixed(3)} s${speed}`);
  return lines.join('\n');
}
