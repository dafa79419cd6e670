// Types of go1.3 dumps: every object record carries its type descriptor's address and a
// kind (0 one value, 1 array of values, 2 channel, 127 conservatively scanned), and Type
// records name the descriptors (FORMAT.md §4 Object, go1.3).

import type { HeapGraph } from '../graph/heap-graph';
import { assignType, TypeEvidence, unnamedType, type TypeAssignment } from './type-names';
import type { TypeLookup } from './type-lookup';

const KIND_ARRAY = 1;
const KIND_CHAN = 2;

export function typeFromGo13Records(graph: HeapGraph, lookup: TypeLookup, target: TypeAssignment): number {
  const { objects } = graph.tables;
  if (objects.typeAddress.length === 0) return 0;
  let typed = 0;
  for (let objectIndex = 0; objectIndex < graph.objectCount; objectIndex++) {
    const row = objectIndex;
    const address = objects.typeAddress[row];
    if (address === 0n) continue;
    const facts = lookup.lookup(address);
    const base = facts?.name ?? unnamedType(address);
    const kind = objects.kind[row];
    const name = kind === KIND_ARRAY ? `[]${base}` : kind === KIND_CHAN ? `chan ${base}` : base;
    if (assignType(target, objectIndex, name, TypeEvidence.Go13, facts?.namedByBinary ?? false)) typed++;
  }
  return typed;
}
