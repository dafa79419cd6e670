import { allocationSites } from '../../analysis/alloc-sites';
import { groupByRoot, groupByShape, groupBySite, groupByType, type Grouping } from '../../analysis/groupings';
import { histogram } from '../../analysis/histogram';
import { groupShapes } from '../../types/shapes';
import { flagValue, positiveIntegerFlag, UsageError, type Args, type Command, type Io } from '../command';
import { formatBytes, formatCount, percent, table, toJson } from '../format';
import { DUMP_FLAGS, dumpPath } from '../load';
import { BINARY_FLAG, loadTypedDump } from '../typed-load';

const GROUPINGS = ['type', 'shape', 'site', 'root'] as const;
type By = (typeof GROUPINGS)[number];

export const histogramCommand: Command = {
  name: 'histogram',
  usage: 'goheap histogram DUMP [--by type|shape|site|root] [--binary PATH] [--limit N] [--json]',
  summary: 'reachable objects grouped by type, shape, allocation site or root: count, self and retained bytes',
  flags: [...DUMP_FLAGS, '--by GROUPING', BINARY_FLAG, '--limit N'],
  async run(args: Args, io: Io): Promise<number> {
    const by = (flagValue(args, '--by') ?? 'type') as By;
    if (!GROUPINGS.includes(by)) throw new UsageError(`--by must be one of ${GROUPINGS.join(', ')}, not "${by}"`);
    const limit = flagValue(args, '--limit') === undefined ? undefined : positiveIntegerFlag(args, '--limit', 1);
    const { graph, recovery, binary, naming } = await loadTypedDump(args, io);
    let grouping: Grouping;
    if (by === 'type') grouping = groupByType(recovery);
    else if (by === 'shape') grouping = groupByShape(groupShapes(graph));
    else if (by === 'site') grouping = groupBySite(allocationSites(graph));
    else grouping = groupByRoot(graph, naming);
    const report = histogram(graph, grouping.groupOf, grouping.names, {
      limit: limit ?? (args.flags.has('--json') ? undefined : 30),
      objectTypeIndex: recovery.objectTypeIndex,
      unknownName: grouping.unknownName,
    });
    const total = report.totalBytes;
    if (args.flags.has('--json')) {
      io.out(toJson({
        path: dumpPath(args),
        by,
        binary: flagValue(args, '--binary') ?? null,
        totalCount: report.totalCount,
        totalBytes: total,
        garbage: report.garbage,
        typedBytesShare: report.typedBytesShare,
        droppedRowCount: report.droppedRowCount,
        groups: report.groups.map((g) => ({ ...g, share: total === 0 ? 0 : g.bytes / total })),
      }));
      return 0;
    }
    const { params } = graph.tables;
    const lines = [
      `goheap histogram --by ${by}  ${dumpPath(args)} (${params.goVersion || `format ${params.formatVersion}`} ${params.goarch},`
        + ` ${formatCount(graph.objectCount)} objects)`,
      `Reachable ${formatBytes(total)} in ${formatCount(report.totalCount)} objects; ${formatBytes(report.garbage.bytes)} in`
        + ` ${formatCount(report.garbage.count)} objects is garbage not yet collected`,
      `Type known for ${percent(report.typedBytesShare, 1)} of reachable bytes`
        + (binary === null ? ' (give --binary PATH for names of globals and of more types)' : ''),
      `Showing ${report.groups.length} groups accounting for ${formatBytes(report.shownBytes)}, ${percent(report.shownBytes, total)}`
        + ` of ${formatBytes(total)}` + (report.droppedRowCount > 0 ? `; dropped ${report.droppedRowCount} groups` : ''),
      'retained: bytes freed if every object of the group went away (nested members counted once)',
      '',
      table(['count', 'self', 'self%', 'retained', 'retained%', by], report.groups.map((g) => [
        formatCount(g.count), formatBytes(g.bytes), percent(g.bytes, total), formatBytes(g.retainedBytes),
        percent(g.retainedBytes, total), g.name,
      ])),
    ];
    io.out(lines.join('\n'));
    return 0;
  },
};
