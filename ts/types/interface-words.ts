// Types from interface values. An interface is two words, (itab or type, data); since Go 1.7
// the dump lists only pointer slots, and on the runtimes we checked (Go 1.19, 1.26) only the
// data word is listed, not the itab/type word before it (test/fixtures/go/ifaces). So for
// every listed pointer slot at offset ≥ one word, the word just before is read back from the
// dump's contents; when it is a known itab (Itab records) or type descriptor (Type records,
// or the binary's types section), the data word's target gets that type:
//   - a value stored indirectly (structs, strings, most values): the data word points at a
//     heap copy of the type itself;
//   - a pointer-shaped ("direct") type such as *T: the data word is the pointer, and the
//     object it points at is a T. Other direct types (maps, channels, funcs, one-pointer
//     structs) say nothing sure about their target and are skipped.
// Only a data word pointing at the object's first byte counts (or just past a malloc header),
// so an interior pointer never types the object around it.

import { NO_OFFSET, type HeapGraph } from '../graph/heap-graph';
import { RootKind } from '../graph/roots';
import type { DumpContents } from './dump-contents';
import { hasMallocHeader } from './malloc-header';
import { assignType, TypeEvidence, type TypeAssignment } from './type-names';
import type { TypeLookup } from './type-lookup';

export interface InterfaceWordStats {
  /** Interface values found (itab or type word before a pointer). */
  interfaceValues: number;
  typedObjects: number;
}

export function typeFromInterfaceWords(graph: HeapGraph, contents: DumpContents, lookup: TypeLookup,
                                       target: TypeAssignment): InterfaceWordStats {
  const { tables, index, objectCount, firstEdgeIndex, edgeTarget, edgeOffset } = graph;
  const { ptrSize } = tables.params;
  const itabType = new Map<bigint, bigint>();
  for (let i = 0; i < tables.itabs.count; i++) itabType.set(tables.itabs.address[i], tables.itabs.typeAddress[i]);
  const stats: InterfaceWordStats = { interfaceValues: 0, typedObjects: 0 };

  /** One source (object, segment slot, frame) with contents at `base`: its edges from `node`. */
  const scan = (node: number, base: number) => {
    for (let e = firstEdgeIndex[node]; e < firstEdgeIndex[node + 1]; e++) {
      const offset = edgeOffset[e];
      if (offset === NO_OFFSET || offset < ptrSize) continue;
      const word = contents.word(base + offset - ptrSize);
      if (word === null || word === 0n) continue;
      const viaItab = itabType.get(word);
      const typeAddress = viaItab ?? (lookup.isType(word) ? word : undefined);
      if (typeAddress === undefined) continue;
      const facts = lookup.lookup(typeAddress);
      if (facts === null) continue;
      stats.interfaceValues++;
      const object = edgeTarget[e];
      const dataWord = contents.word(base + offset);
      if (dataWord === null) continue;
      const into = dataWord - graph.address(object);
      const atStart = into === 0n || (into === BigInt(ptrSize) && hasMallocHeader(graph, object));
      if (!atStart) continue;
      const name = facts.pointerShaped ? facts.pointeeName : facts.name;
      if (name === null) continue;
      const evidence = viaItab !== undefined ? TypeEvidence.Itab : TypeEvidence.TypeWord;
      if (assignType(target, object, name, evidence, facts.namedByBinary)) stats.typedObjects++;
    }
  };

  const { objects } = tables;
  for (let objectIndex = 0; objectIndex < objectCount; objectIndex++) {
    scan(objectIndex, objects.contentOffset[index.objectRow[objectIndex]]);
  }
  // Interface values held directly by globals and stack frames.
  const { roots } = graph;
  for (let r = 0; r < roots.count; r++) {
    const kind = roots.kind[r] as RootKind;
    const source = roots.source[r];
    let base = -1;
    if (kind === RootKind.Data) base = tables.data.contentOffset[source];
    else if (kind === RootKind.Bss) base = tables.bss.contentOffset[source];
    else if (kind === RootKind.StackFrame) base = tables.stackFrames.contentOffset[source];
    if (base >= 0) scan(objectCount + r, base);
  }
  return stats;
}
