import { rootName } from '../../analysis/retainers';
import { NO_OFFSET } from '../../graph/heap-graph';
import type { Args, Command, Io } from '../command';
import { formatBytes, formatCount, hex, table, toJson } from '../format';
import { DUMP_FLAGS, parseAddress } from '../load';
import { BINARY_FLAG, loadTypedDump } from '../typed-load';
import { EVIDENCE_MASK, EVIDENCE_NAMES, type TypeEvidence } from '../../types/type-names';

export const object: Command = {
  name: 'object',
  usage: 'goheap object DUMP ADDRESS [--binary PATH] [--json]',
  summary: 'one object: size, pointer fields and their targets, referrers, retained size, dominator chain',
  flags: [...DUMP_FLAGS, BINARY_FLAG],
  async run(args: Args, io: Io): Promise<number> {
    const address = parseAddress(args.positional[1]);
    const { graph, naming, recovery } = await loadTypedDump(args, io);
    const node = graph.objectAt(address);
    if (node < 0) {
      io.err(`goheap: no object contains ${hex(address)}`);
      return 1;
    }
    const name = (n: number) => {
      if (n >= graph.objectCount) return rootName(graph, n - graph.objectCount, naming);
      const type = naming.objectType?.(n) ?? null;
      return type === null ? hex(graph.address(n)) : `${hex(graph.address(n))} ${type}`;
    };
    const type = naming.objectType?.(node) ?? null;
    const typeEvidence = type === null ? null : EVIDENCE_NAMES[(recovery.typeEvidence[node] & EVIDENCE_MASK) as TypeEvidence];
    const { tables, objects } = graph;
    const row = node;
    const fields = tables.objectFields;
    const pointerFields = [];
    for (let f = fields.firstFieldIndex[row]; f < fields.firstFieldIndex[row + 1]; f++) {
      const value = (BigInt(fields.fieldValueHi[f]) << 32n) | BigInt(fields.fieldValueLo[f]);
      const target = value === 0n ? -1 : graph.objectAt(value);
      pointerFields.push({ offset: fields.fieldOffset[f], value: hex(value), target: target >= 0 ? hex(graph.address(target)) : null });
    }
    const { firstReferrerIndex, referrerEdge, edgeSource } = graph.referrers();
    const referrers = [];
    for (let r = firstReferrerIndex[node]; r < firstReferrerIndex[node + 1]; r++) {
      const e = referrerEdge[r];
      const offset = graph.edgeOffset(e);
      referrers.push({ from: name(edgeSource[e]), offset: offset === NO_OFFSET ? null : offset });
    }
    const idom = graph.immediateDominator();
    const chain: string[] = [];
    for (let d = idom[node]; d >= 0 && d !== graph.virtualRoot; d = idom[d]) chain.push(name(d));
    const reachable = graph.isReachable(node);
    const result = {
      address: hex(graph.address(node)),
      size: objects.size[node],
      type,
      typeEvidence,
      contentOffset: tables.objects.contentOffset[row],
      reachable,
      retainedBytes: graph.retainedBytes()[node],
      retainedCount: graph.retainedCount()[node],
      pointerFields,
      referrers,
      dominators: chain,
    };
    if (args.flags.has('--json')) {
      io.out(toJson(result));
      return 0;
    }
    const lines = [
      `object ${result.address}, ${formatCount(result.size)} bytes (contents at dump offset ${result.contentOffset})`,
      type === null ? 'type unknown' : `type ${type} (from the ${typeEvidence})`,
      reachable
        ? `retains ${formatBytes(result.retainedBytes)} in ${formatCount(result.retainedCount)} objects`
        : 'not reachable from any root (garbage not yet collected)',
      '',
      `pointer fields (${pointerFields.length}):`,
      pointerFields.length === 0 ? '  none' : table(['offset', 'value', 'target'], pointerFields.map((p) => [
        `+0x${p.offset.toString(16)}`, p.value, p.target ?? (p.value === '0x0' ? 'nil' : 'outside the heap objects'),
      ])),
      '',
      `referrers (${referrers.length}):`,
      ...referrers.map((r) => `  ${r.from}${r.offset === null ? '' : ` +0x${r.offset.toString(16)}`}`),
      '',
      'dominator chain (nearest first):',
      ...(chain.length === 0 ? ['  (directly under the roots)'] : chain.map((c) => `  ${c}`)),
    ];
    io.out(lines.join('\n'));
    return 0;
  },
};
