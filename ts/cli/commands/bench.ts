import { ALL_BACKENDS, benchDump, DECODER_LEVELS, type BenchLevel } from '../../bench/decode-bench';
import type { BackendName } from '../../decode/backend';
import { BENCH_LEGEND, formatBenchReport } from '../bench-table';
import { flagValue, SAMPLE_DUMP, UsageError, type Args, type Command, type Io } from '../command';
import { toJson } from '../format';

export const benchCommand: Command = {
  name: 'bench',
  usage: 'goheap bench [DUMP] [--json] [--backends native,wasm,js] [--levels window,file,tables] [--time SECONDS]',
  summary: 'decode throughput of every available backend on this dump, against the bare-scan ceiling',
  flags: ['--json', '--backends LIST', '--levels LIST', '--time SECONDS'],
  async run(args: Args, io: Io): Promise<number> {
    const path = args.positional[0] ?? SAMPLE_DUMP;
    const backends = listFlag(args, '--backends', ALL_BACKENDS) as BackendName[];
    const levels = listFlag(args, '--levels', DECODER_LEVELS) as BenchLevel[];
    const time = flagValue(args, '--time');
    const budgetSeconds = time === undefined ? 1 : Number(time);
    if (!(budgetSeconds > 0)) throw new UsageError(`--time must be a positive number of seconds, not "${time}"`);
    const report = await benchDump(path, { backends, levels, budgetSeconds });
    if (args.flags.has('--json')) {
      io.out(toJson(report));
    } else {
      io.out(`${formatBenchReport(report)}\n\n${BENCH_LEGEND}`);
    }
    return 0;
  },
};

function listFlag(args: Args, name: string, allowed: readonly string[]): string[] {
  const value = flagValue(args, name);
  if (value === undefined) return [...allowed];
  const items = value.split(',').map((item) => item.trim()).filter((item) => item !== '');
  for (const item of items) {
    if (!allowed.includes(item)) throw new UsageError(`${name}: "${item}" is not one of ${allowed.join(', ')}`);
  }
  return items;
}
