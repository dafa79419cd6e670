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
// so an interior pointer never types the object around it. Objects, data and bss segments and
// stack frames are all scanned: an interface can sit in any of them.

import type { HeapGraph } from '../graph/heap-graph';
import type { PointerWords } from '../tables/dump-tables';
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
  const { tables } = graph;
  const { ptrSize } = tables.params;
  const itabType = new Map<bigint, bigint>();
  for (let i = 0; i < tables.itabs.count; i++) itabType.set(tables.itabs.address[i], tables.itabs.typeAddress[i]);
  const stats: InterfaceWordStats = { interfaceValues: 0, typedObjects: 0 };

  /** Every row of a pointer-word table whose contents start at `contentOffset[row]`. */
  const scan = (words: PointerWords, rowCount: number, contentOffset: Float64Array) => {
    for (let row = 0; row < rowCount; row++) {
      const base = contentOffset[row];
      for (let f = words.firstFieldIndex[row]; f < words.firstFieldIndex[row + 1]; f++) {
        const offset = words.fieldOffset[f];
        if (offset < ptrSize || (words.fieldValueLo[f] === 0 && words.fieldValueHi[f] === 0)) continue;
        const word = contents.word(base + offset - ptrSize);
        if (word === null || word === 0n) continue;
        const viaItab = itabType.get(word);
        const typeAddress = viaItab ?? (lookup.isType(word) ? word : undefined);
        if (typeAddress === undefined) continue;
        const facts = lookup.lookup(typeAddress);
        if (facts === null) continue;
        stats.interfaceValues++;
        const dataWord = (BigInt(words.fieldValueHi[f]) << 32n) | BigInt(words.fieldValueLo[f]);
        const object = graph.objectAt(dataWord);
        if (object < 0) continue;
        const into = dataWord - graph.address(object);
        if (!(into === 0n || (into === BigInt(ptrSize) && hasMallocHeader(graph, object)))) continue;
        const name = facts.pointerShaped ? facts.pointeeName : facts.name;
        if (name === null) continue;
        const evidence = viaItab !== undefined ? TypeEvidence.Itab : TypeEvidence.TypeWord;
        if (assignType(target, object, name, evidence, facts.namedByBinary)) stats.typedObjects++;
      }
    }
  };

  scan(tables.objectFields, tables.objects.count, tables.objects.contentOffset);
  scan(tables.data, tables.data.count, tables.data.contentOffset);
  scan(tables.bss, tables.bss.count, tables.bss.contentOffset);
  scan(tables.stackFrames, tables.stackFrames.count, tables.stackFrames.contentOffset);
  return stats;
}
