import { rootName, type RootNaming } from '../../analysis/retainers';
import { NO_OFFSET, type HeapGraph } from '../../graph/heap-graph';
import type { Args, Command, Io } from '../command';
import { hex, toJson } from '../format';
import { DUMP_FLAGS, parseAddress } from '../load';
import { BINARY_FLAG, loadTypedDump } from '../typed-load';

export interface PathHop {
  /** The root node this hop leaves from, or null when it leaves an object. */
  root: string | null;
  from: string;
  /** Byte offset of the pointer slot in the source, or null (goroutine → frame, finalizer function). */
  offset: number | null;
  to: string;
}

export function describePath(graph: HeapGraph, edges: number[], naming?: RootNaming): PathHop[] {
  const name = (node: number): string => {
    if (node >= graph.objectCount) return rootName(graph, node - graph.objectCount, naming);
    const type = naming?.objectType?.(node) ?? null;
    return `object ${hex(graph.address(node))} (${graph.objects.size[node]} bytes${type === null ? '' : `, ${type}`})`;
  };
  return edges.slice(1).map((edge) => {
    const source = graph.edgeSourceOf(edge);
    const offset = graph.edgeOffset(edge);
    return {
      root: source >= graph.objectCount ? name(source) : null,
      from: name(source),
      offset: offset === NO_OFFSET ? null : offset,
      to: name(graph.edgeTarget[edge]),
    };
  });
}

export const path: Command = {
  name: 'path',
  usage: 'goheap path DUMP ADDRESS [--binary PATH] [--json]',
  summary: 'the shortest chain of pointers from a root to the object holding ADDRESS',
  flags: [...DUMP_FLAGS, BINARY_FLAG],
  async run(args: Args, io: Io): Promise<number> {
    const address = parseAddress(args.positional[1]);
    const { graph, naming } = await loadTypedDump(args, io);
    const object = graph.objectAt(address);
    if (object < 0) {
      io.err(`goheap: no object contains ${hex(address)}`);
      return 1;
    }
    const edges = graph.pathTo(object);
    const hops = edges === null ? null : describePath(graph, edges, naming);
    if (args.flags.has('--json')) {
      io.out(toJson({ address: hex(address), object: hex(graph.address(object)), reachable: hops !== null, path: hops }));
      return 0;
    }
    if (hops === null) {
      io.out(`${hex(graph.address(object))} is not reachable from any root (garbage not yet collected)`);
      return 0;
    }
    const lines = [`root: ${hops[0].from}`];
    for (const hop of hops) {
      lines.push(`  ${hop.offset === null ? '->' : `+0x${hop.offset.toString(16)} ->`} ${hop.to}`);
    }
    io.out(lines.join('\n'));
    return 0;
  },
};
