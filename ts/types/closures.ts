// Closures: a func value points at a funcval whose first word is the code's entry PC. With the
// binary's symbol table, an object whose first word is exactly the start of a function is
// named after it (`closure main.makeAdder.func1`). Without the binary nothing is assumed.

import type { HeapGraph } from '../graph/heap-graph';
import type { GoBinary } from './go-binary';
import { assignType, TypeEvidence, type TypeAssignment } from './type-names';

const STT_FUNC = 2;

export function typeClosures(graph: HeapGraph, binary: GoBinary, target: TypeAssignment): number {
  const entries = new Map<bigint, string>();
  for (const symbol of binary.elf.symbols()) {
    if (symbol.type === STT_FUNC && symbol.value !== 0n) entries.set(symbol.value + binary.slide, symbol.name);
  }
  const { firstWordLo, firstWordHi } = graph.tables.objects;
  let typed = 0;
  for (let objectIndex = 0; objectIndex < graph.objectCount; objectIndex++) {
    const row = objectIndex;
    const word = (BigInt(firstWordHi[row]) << 32n) | BigInt(firstWordLo[row]);
    if (word === 0n) continue;
    const fn = entries.get(word);
    if (fn !== undefined && assignType(target, objectIndex, `closure ${fn}`, TypeEvidence.ClosureFunction, true)) typed++;
  }
  return typed;
}
