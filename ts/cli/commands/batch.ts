import { runBatch, defaultJobs } from '../../api/batch';
import type { BatchRow } from '../../api/batch-report';
import { parseBackendChoice } from '../../decode/select';
import { flagValue, positiveIntegerFlag, UsageError, type Args, type Command, type Io } from '../command';
import { formatBytes, formatCount } from '../format';

export const batch: Command = {
  name: 'batch',
  usage: 'goheap batch DUMP... [--jobs N] [--json] [--limit N] [--backend NAME] [--salvage]',
  summary: 'many dumps in parallel worker threads: one line per dump (headline, top retainers), totals on stderr',
  flags: ['--jobs N', '--json', '--limit N', '--backend NAME', '--salvage'],
  async run(args: Args, io: Io): Promise<number> {
    const paths = args.positional;
    if (paths.length === 0) throw new UsageError('name at least one dump');
    const jobs = positiveIntegerFlag(args, '--jobs', defaultJobs(paths.length));
    const limit = positiveIntegerFlag(args, '--limit', 3);
    const json = args.flags.has('--json');
    const backendFlag = flagValue(args, '--backend');
    const started = process.hrtime.bigint();
    const rows = await runBatch(paths, {
      jobs,
      limit,
      // No flag: each worker follows GOHEAP_BACKEND, as openDump does.
      backend: backendFlag === undefined ? undefined : parseBackendChoice(backendFlag, '--backend'),
      salvage: args.flags.has('--salvage'),
      onRow: (row) => io.out(json ? jsonLine(row) : textLine(row)),
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const read = rows.filter((row) => row.ok);
    const totals = {
      dumps: rows.length,
      read: read.length,
      failed: rows.length - read.length,
      objects: read.reduce((sum, row) => sum + row.objects.count, 0),
      objectBytes: read.reduce((sum, row) => sum + row.objects.bytes, 0),
      dumpBytes: read.reduce((sum, row) => sum + row.dumpBytes, 0),
      jobs,
      seconds,
    };
    io.err(json ? JSON.stringify({ totals })
      : `goheap batch: ${formatCount(totals.dumps)} dumps, ${formatCount(totals.read)} read, ${formatCount(totals.failed)} failed;`
        + ` ${formatCount(totals.objects)} objects, ${formatBytes(totals.objectBytes)} in objects, ${formatBytes(totals.dumpBytes)} of dumps;`
        + ` ${seconds.toFixed(2)} s with ${jobs} worker thread${jobs === 1 ? '' : 's'}`);
    return totals.failed === 0 ? 0 : 1;
  },
};

function textLine(row: BatchRow): string {
  if (!row.ok) {
    const { error } = row;
    const message = error.kind === 'TableMemoryError' ? 'table memory limit' : error.message;
    return `${row.path}\tERROR ${message.replace(/\s+/g, ' ')}`;
  }
  const runtime = row.goVersion !== '' ? row.goVersion : `format ${row.formatVersion}`;
  const salvaged = row.salvage === null ? '' : `, SALVAGED ${row.salvage.code} at ${row.salvage.offset}`;
  const top = row.topRetainers.length === 0 ? 'none'
    : row.topRetainers.map((r) => `${formatBytes(r.retainedBytes)} ${r.name}`).join('; ');
  return `${row.path}\t${runtime} ${row.goarch}, ${formatCount(row.objects.count)} objects ${formatBytes(row.objects.bytes)},`
    + ` reachable ${formatBytes(row.reachable.bytes)}, garbage ${formatBytes(row.garbage.bytes)},`
    + ` ${formatCount(row.goroutineCount)} goroutines${salvaged}\ttop: ${top}`;
}

/** One JSON line; bigints (none expected) as decimal strings. */
function jsonLine(row: BatchRow): string {
  const plain = row.ok ? row : { ...row, error: row.error.kind === 'Error' ? { ...row.error, stack: undefined } : row.error };
  return JSON.stringify(plain, (_key, value) => (typeof value === 'bigint' ? value.toString() : value));
}
