// Types from Go 1.22+ malloc headers. Objects in small-object spans whose slot is larger than
// one word × one bitmap word (512 B on 64-bit, 128 B on 32-bit) and at most 32 KiB, and
// that hold pointers, start with a header word: the address of the allocated value's type
// descriptor (runtime mbitmap.go, "malloc header"); the value starts one word later. The
// dump copies the whole slot, so that word is `objects.firstWord`. It is not a heap address
// and no pointer slot sits at offset 0. Those descriptors are rarely among the dump's Type
// records, so without the binary the objects are grouped by the word (`type@0x…`); with it
// they are named. When the type is smaller than half of what the slot holds, the object is
// an array of it (`make([]T, n)` stores T's descriptor) and is named `[]T`.
//
// Large objects (> 32 KiB, one span each) keep their type in the span (`largeType`), which
// the dump does not carry: checked on the go1.26.8 `sizes` fixture, whose pointerful large
// objects start with their own data (a heap pointer or zero), never a type descriptor, so
// they are left alone here.

import type { HeapGraph } from '../graph/heap-graph';
import { goMinorVersion } from './go-binary';
import { assignType, TypeEvidence, unnamedType, type TypeAssignment } from './type-names';
import type { TypeLookup } from './type-lookup';

/** The largest small-object size class: above it, objects have spans of their own. */
export const MAX_SMALL_SIZE = 32 << 10;
/** Go version that introduced malloc headers (allocation headers). */
const FIRST_MINOR_WITH_HEADERS = 22;

const headerCache = new WeakMap<HeapGraph, Uint8Array>();

/** Per objectIndex: 1 when the object's first word is a malloc header. */
export function mallocHeaders(graph: HeapGraph): Uint8Array {
  let known = headerCache.get(graph);
  if (known !== undefined) return known;
  const { tables, objects, objectCount } = graph;
  const { ptrSize, heapStart, heapEnd } = tables.params;
  const headers = new Uint8Array(objectCount);
  headerCache.set(graph, headers);
  if (goMinorVersion(tables.params.goVersion) < FIRST_MINOR_WITH_HEADERS) return headers;
  const minSize = ptrSize * ptrSize * 8;
  const fields = tables.objectFields;
  const { firstWordLo, firstWordHi } = tables.objects;
  for (let objectIndex = 0; objectIndex < objectCount; objectIndex++) {
    const size = objects.size[objectIndex];
    if (size <= minSize || size > MAX_SMALL_SIZE) continue;
    const row = objectIndex;
    const first = fields.firstFieldIndex[row];
    const end = fields.firstFieldIndex[row + 1];
    if (first === end) continue;
    let header = true;
    for (let f = first; f < end && header; f++) header = fields.fieldOffset[f] >= ptrSize;
    if (!header) continue;
    const word = (BigInt(firstWordHi[row]) << 32n) | BigInt(firstWordLo[row]);
    if (word === 0n || (word >= heapStart && word < heapEnd)) continue;
    headers[objectIndex] = 1;
  }
  return headers;
}

export function hasMallocHeader(graph: HeapGraph, objectIndex: number): boolean {
  return mallocHeaders(graph)[objectIndex] === 1;
}

export interface MallocHeaderStats {
  objects: number;
  /** Distinct header words. */
  types: number;
  /** Of those, named by the binary or the dump. */
  namedTypes: number;
}

export function typeFromMallocHeaders(graph: HeapGraph, lookup: TypeLookup, target: TypeAssignment): MallocHeaderStats {
  const headers = mallocHeaders(graph);
  const { tables } = graph;
  const { ptrSize } = tables.params;
  const { firstWordLo, firstWordHi } = tables.objects;
  const seen = new Set<bigint>();
  const named = new Set<bigint>();
  let objects = 0;
  for (let objectIndex = 0; objectIndex < graph.objectCount; objectIndex++) {
    if (headers[objectIndex] === 0) continue;
    const row = objectIndex;
    const word = (BigInt(firstWordHi[row]) << 32n) | BigInt(firstWordLo[row]);
    seen.add(word);
    const facts = lookup.lookup(word);
    let name = unnamedType(word);
    if (facts !== null) {
      named.add(word);
      const typeSize = lookup.binary?.descriptor(word)?.size ?? 0;
      const holds = tables.objects.size[objectIndex] - ptrSize;
      name = typeSize > 0 && typeSize * 2 <= holds ? `[]${facts.name}` : facts.name;
    }
    if (assignType(target, objectIndex, name, TypeEvidence.MallocHeader, facts?.namedByBinary ?? false)) objects++;
  }
  return { objects, types: seen.size, namedTypes: named.size };
}
