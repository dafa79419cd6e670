import { positiveIntegerFlag, type Args, type Command, type Io } from '../command';
import { formatBytes, formatCount, hex, table, toJson } from '../format';
import { DUMP_FLAGS, dumpPath, loadGraph } from '../load';

export const garbage: Command = {
  name: 'garbage',
  usage: 'goheap garbage [DUMP] [--limit N] [--json]',
  summary: 'objects no root reaches (allocated since the last GC or not yet swept), largest first',
  flags: [...DUMP_FLAGS, '--limit N'],
  async run(args: Args, io: Io): Promise<number> {
    const limit = positiveIntegerFlag(args, '--limit', 20);
    const graph = await loadGraph(args);
    const idom = graph.immediateDominator(); // -1: no root reaches it
    const unreachable: number[] = [];
    for (let i = 0; i < graph.objectCount; i++) if (idom[i] < 0) unreachable.push(i);
    const size = graph.objects.size;
    const { garbageCount, garbageBytes } = graph.reachability();
    unreachable.sort((a, b) => size[b] - size[a] || a - b);
    const shown = unreachable.slice(0, limit);
    if (args.flags.has('--json')) {
      io.out(toJson({
        path: dumpPath(args),
        garbage: { count: garbageCount, bytes: garbageBytes },
        objects: shown.map((i) => ({ address: hex(graph.address(i)), size: size[i] })),
      }));
      return 0;
    }
    io.out(`${formatCount(garbageCount)} unreachable objects, ${formatBytes(garbageBytes)}`
      + ` (showing the ${shown.length} largest)`);
    if (shown.length > 0) {
      io.out(table(['size', 'address'], shown.map((i) => [formatBytes(size[i]), hex(graph.address(i))])));
    }
    return 0;
  },
};
