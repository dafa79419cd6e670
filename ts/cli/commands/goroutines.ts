import { goroutineReport } from '../../analysis/goroutines';
import type { Args, Command, Io } from '../command';
import { formatBytes, formatCount, toJson } from '../format';
import { DUMP_FLAGS, dumpPath, loadGraph } from '../load';

function formatNanos(nanos: bigint): string {
  const seconds = Number(nanos) / 1e9;
  if (seconds >= 60) return `${(seconds / 60).toFixed(1)} minutes`;
  return seconds >= 1 ? `${seconds.toFixed(1)} s` : `${(seconds * 1000).toFixed(1)} ms`;
}

export const goroutinesCommand: Command = {
  name: 'goroutines',
  usage: 'goheap goroutines DUMP [--json]',
  summary: 'goroutines grouped by stack: status, wait reason, frames and the bytes their frames retain',
  flags: DUMP_FLAGS,
  async run(args: Args, io: Io): Promise<number> {
    const graph = await loadGraph(args);
    const report = goroutineReport(graph);
    if (args.flags.has('--json')) {
      io.out(toJson({ path: dumpPath(args), totalRetainedBytes: report.totalRetainedBytes,
        goroutines: report.goroutines, groups: report.groups }));
      return 0;
    }
    const lines = [
      `${formatCount(report.goroutines.length)} goroutines in ${formatCount(report.groups.length)} distinct stacks;`
        + ` their frames retain ${formatBytes(report.totalRetainedBytes)}`,
    ];
    for (const group of report.groups) {
      const waits = report.goroutines.filter((g) => group.ids.includes(g.id) && g.waitedAtLeastNanos !== null)
        .map((g) => g.waitedAtLeastNanos as bigint);
      const longestWait = waits.reduce((a, b) => (a > b ? a : b), 0n);
      const longest = longestWait === 0n ? '' : `, waiting at least ${formatNanos(longestWait)}`;
      const states = group.states.map((s) => `${s.status}${s.waitReason ? ` (${s.waitReason})` : ''}`
        + (group.states.length > 1 ? ` ×${s.count}` : '')).join(', ');
      const ids = group.ids.slice(0, 8).join(', ') + (group.ids.length > 8 ? ', …' : '');
      lines.push('', `${formatCount(group.count)} @ ${states}${longest}; retains ${formatBytes(group.retainedBytes)}`
        + `  [goroutine ${ids}]`);
      for (const frame of group.frames) lines.push(`#   ${frame.function}${frame.location === null ? '' : `  ${frame.location}`}`);
    }
    io.out(lines.join('\n'));
    return 0;
  },
};
