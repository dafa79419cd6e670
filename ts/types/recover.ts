// Type recovery for one heap graph: every method in turn, the surest first; an object keeps
// the first type it is given (ARCHITECTURE.md "Types").
//   1. go1.3 object records (exact)             go13.ts
//   2. Go 1.22+ malloc headers (exact)          malloc-header.ts
//   3. interface words: itab / type word        interface-words.ts
//   4. closures, by function entry (binary)     closures.ts
// Shapes (shapes.ts) and allocation sites (ts/analysis/alloc-sites.ts) group what stays unknown.

import type { HeapGraph } from '../graph/heap-graph';
import { typeClosures } from './closures';
import { openDumpContents } from './dump-contents';
import type { GoBinary } from './go-binary';
import { typeFromGo13Records } from './go13';
import { typeFromInterfaceWords } from './interface-words';
import { typeFromMallocHeaders } from './malloc-header';
import { NO_TYPE, TypeNames, type TypeAssignment } from './type-names';
import { TypeLookup } from './type-lookup';

export interface TypeRecoveryOptions {
  /** Where the dump's bytes are (the path or bytes it was decoded from): needed for interface words. */
  dump?: string | Uint8Array;
  /** The program's binary, already checked against the dump (GoBinary.matchDump). */
  binary?: GoBinary | null;
}

export interface TypeRecovery extends TypeAssignment {
  /** Objects typed by each method. */
  typedBy: { go13: number; mallocHeader: number; interfaceWords: number; closures: number };
  /** Interface values seen in objects, globals and frames. */
  interfaceValues: number;
  /** Distinct malloc header words, and how many of them have a name. */
  mallocHeaderTypes: { distinct: number; named: number };
}

export function recoverTypes(graph: HeapGraph, options: TypeRecoveryOptions = {}): TypeRecovery {
  const binary = options.binary ?? null;
  const lookup = new TypeLookup(graph.tables, binary);
  const target: TypeAssignment = {
    objectTypeIndex: new Int32Array(graph.objectCount).fill(NO_TYPE),
    typeEvidence: new Uint8Array(graph.objectCount),
    typeNames: new TypeNames(),
  };
  const go13 = typeFromGo13Records(graph, lookup, target);
  const headers = typeFromMallocHeaders(graph, lookup, target);
  let interfaceWords = 0;
  let interfaceValues = 0;
  if (options.dump !== undefined) {
    const { params, dumpBytes } = graph.tables;
    const contents = openDumpContents(options.dump, { ptrSize: params.ptrSize, bigEndian: params.bigEndian, dumpBytes });
    try {
      const stats = typeFromInterfaceWords(graph, contents, lookup, target);
      interfaceWords = stats.typedObjects;
      interfaceValues = stats.interfaceValues;
    } finally {
      contents.close();
    }
  }
  const closures = binary === null ? 0 : typeClosures(graph, binary, target);
  return {
    ...target,
    typedBy: { go13, mallocHeader: headers.objects, interfaceWords, closures },
    interfaceValues,
    mallocHeaderTypes: { distinct: headers.types, named: headers.namedTypes },
  };
}

/** The type name of one object, or null when unknown. */
export function objectTypeName(recovery: TypeAssignment, objectIndex: number): string | null {
  const id = recovery.objectTypeIndex[objectIndex];
  return id === NO_TYPE ? null : recovery.typeNames.names[id];
}
