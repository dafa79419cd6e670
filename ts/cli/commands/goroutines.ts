import { goroutineReport } from '../../analysis/goroutines';
import type { Args, Command, Io } from '../command';
import { formatBytes, formatCount, toJson } from '../format';
import { GoBinary } from '../../types/go-binary';
import { frameLocation, LineTable } from '../../types/pclntab';
import { flagValue } from '../command';
import { DUMP_FLAGS, dumpPath, loadGraph } from '../load';
import { BINARY_FLAG } from '../typed-load';

function formatNanos(nanos: bigint): string {
  const seconds = Number(nanos) / 1e9;
  if (seconds >= 60) return `${(seconds / 60).toFixed(1)} minutes`;
  return seconds >= 1 ? `${seconds.toFixed(1)} s` : `${(seconds * 1000).toFixed(1)} ms`;
}

export const goroutinesCommand: Command = {
  name: 'goroutines',
  usage: 'goheap goroutines DUMP [--binary PATH] [--json]',
  summary: 'goroutines grouped by stack: status, wait reason, frames and the bytes their frames retain',
  flags: [...DUMP_FLAGS, BINARY_FLAG],
  async run(args: Args, io: Io): Promise<number> {
    const graph = await loadGraph(args);
    let location: ((pc: bigint) => string | null) | undefined;
    const binaryPath = flagValue(args, '--binary');
    if (binaryPath !== undefined) {
      const binary = GoBinary.open(binaryPath);
      binary.matchDump(graph.tables);
      for (const warning of binary.warnings) io.err(`goheap: warning: ${warning}`);
      const lines = LineTable.open(binary.elf);
      if (lines === null) io.err('goheap: warning: the binary has no Go 1.18+ line table; frames stay without file:line');
      else location = (pc) => frameLocation(lines, pc - binary.slide, false);
    }
    const report = goroutineReport(graph, { location });
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
