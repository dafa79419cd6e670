// Naming a type descriptor address: the binary first (its descriptors carry the exact Go
// name), then the dump's own Type records. Dump names of pointer-to-named types are lossy
// (`main.` for `*main.T`, FORMAT.md §4 Type): the binary repairs them when given.

import type { DumpTables } from '../tables/dump-tables';
import { KIND_POINTER, type GoBinary } from './go-binary';

export interface TypeFacts {
  name: string;
  /** The type as the interface data word sees it: a pointer type's data word is the pointer. */
  pointerShaped: boolean;
  /** For pointer-shaped types, the pointee's name (null when not known). */
  pointeeName: string | null;
  namedByBinary: boolean;
}

export class TypeLookup {
  private readonly dumpTypes = new Map<bigint, number>();
  private readonly facts = new Map<bigint, TypeFacts | null>();

  constructor(private readonly tables: DumpTables, readonly binary: GoBinary | null) {
    const { types } = tables;
    for (let i = 0; i < types.count; i++) this.dumpTypes.set(types.address[i], i);
  }

  /** Whether `address` is a type descriptor the dump or the binary knows. */
  isType(address: bigint): boolean {
    return this.dumpTypes.has(address) || (this.binary?.isTypeAddress(address) ?? false);
  }

  lookup(address: bigint): TypeFacts | null {
    let known = this.facts.get(address);
    if (known === undefined) {
      known = this.read(address);
      this.facts.set(address, known);
    }
    return known;
  }

  private read(address: bigint): TypeFacts | null {
    const descriptor = this.binary?.descriptor(address) ?? null;
    if (descriptor !== null) {
      const pointer = descriptor.kind === KIND_POINTER;
      const pointee = pointer && descriptor.elem !== 0n ? this.binary!.typeName(descriptor.elem) : null;
      return { name: descriptor.name, pointerShaped: pointer || descriptor.directIface,
        pointeeName: pointee ?? (pointer && descriptor.name.startsWith('*') ? descriptor.name.slice(1) : null),
        namedByBinary: true };
    }
    const row = this.dumpTypes.get(address);
    if (row === undefined) return null;
    const { types, strings } = this.tables;
    const name = strings.get(types.name[row]);
    const ptrSize = this.tables.params.ptrSize;
    // `*T` (go1.4–1.6 records) or the lossy `pkg.` of a pointer-to-named type (1.7+).
    if (name.startsWith('*')) return { name, pointerShaped: true, pointeeName: name.slice(1), namedByBinary: false };
    if (name.endsWith('.') && Number(types.size[row]) === ptrSize) {
      return { name, pointerShaped: true, pointeeName: `${name}?`, namedByBinary: false };
    }
    return { name, pointerShaped: false, pointeeName: null, namedByBinary: false };
  }
}
