import { topRetainers } from '../../analysis/retainers';
import { positiveIntegerFlag, type Args, type Command, type Io } from '../command';
import { formatBytes, formatCount, hex, percent, table, toJson } from '../format';
import { DUMP_FLAGS, dumpPath } from '../load';
import { BINARY_FLAG, loadTypedDump } from '../typed-load';

export const top: Command = {
  name: 'top',
  usage: 'goheap top [DUMP] [--limit N] [--binary PATH] [--json] [--backend NAME]',
  summary: 'the largest retainers: objects and roots by the bytes they keep alive',
  flags: [...DUMP_FLAGS, '--limit N', BINARY_FLAG],
  async run(args: Args, io: Io): Promise<number> {
    const limit = positiveIntegerFlag(args, '--limit', 20);
    const { graph, naming } = await loadTypedDump(args, io);
    const report = topRetainers(graph, limit, naming);
    if (args.flags.has('--json')) {
      io.out(toJson({
        path: dumpPath(args),
        reachable: report.reachable,
        garbage: report.garbage,
        objects: report.objects.map((o) => ({
          address: hex(o.address), size: o.size, type: o.type, retainedBytes: o.retainedBytes, retainedCount: o.retainedCount,
        })),
        roots: report.roots.map((r) => ({
          kind: r.kind, name: r.name, retainedBytes: r.retainedBytes, retainedCount: r.retainedCount,
        })),
      }));
      return 0;
    }
    const reachable = report.reachable.bytes;
    const lines = [
      `${dumpPath(args)} (${graph.tables.params.goVersion || `format ${graph.tables.params.formatVersion}`}`
        + ` ${graph.tables.params.goarch}, ${formatCount(graph.objectCount)} objects)`,
      `Reachable ${formatBytes(reachable)} in ${formatCount(report.reachable.count)} objects;`
        + ` ${formatBytes(report.garbage.bytes)} in ${formatCount(report.garbage.count)} objects is garbage not yet collected`,
      '',
      `Objects by retained bytes (showing ${report.objects.length} of ${formatCount(report.objectCandidates)} reachable):`,
      table(['retained', 'retained%', 'objects', 'self', 'address'], report.objects.map((o) => [
        formatBytes(o.retainedBytes), percent(o.retainedBytes, reachable), formatCount(o.retainedCount),
        formatBytes(o.size), o.type === null ? hex(o.address) : `${hex(o.address)} ${o.type}`,
      ])),
      '',
      `Roots by retained bytes (showing ${report.roots.length} of ${formatCount(report.rootCandidates)}):`,
      table(['retained', 'retained%', 'objects', 'root'], report.roots.map((r) => [
        formatBytes(r.retainedBytes), percent(r.retainedBytes, reachable), formatCount(r.retainedCount), r.name,
      ])),
    ];
    io.out(lines.join('\n'));
    return 0;
  },
};
