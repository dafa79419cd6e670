// The table recovered types are named in, and the evidence codes saying how each object got
// its type. objectTypeIndex (one Int32 per objectIndex, NO_TYPE when unknown) points into
// `TypeNames`; typeEvidence (one byte per objectIndex) says which method decided.

export const NO_TYPE = -1;

export enum TypeEvidence {
  None = 0,
  /** go1.3 dumps: the object record's own type address. */
  Go13 = 1,
  /** Go 1.22+: the malloc header word (first word of a mid-size pointerful object). */
  MallocHeader = 2,
  /** A non-empty interface: the word before the data pointer is a known itab. */
  Itab = 3,
  /** An empty interface (or a pointer-shaped interface value): the word before is a type descriptor. */
  TypeWord = 4,
  /** A closure: the first word is the entry of a function the binary's symbols name. */
  ClosureFunction = 5,
}

/** Set on top of the evidence when the name came from the binary (`--binary`). */
export const NAMED_BY_BINARY = 0x80;
export const EVIDENCE_MASK = 0x7f;

export const EVIDENCE_NAMES: Record<TypeEvidence, string> = {
  [TypeEvidence.None]: 'none',
  [TypeEvidence.Go13]: 'go1.3 object type',
  [TypeEvidence.MallocHeader]: 'malloc header',
  [TypeEvidence.Itab]: 'itab',
  [TypeEvidence.TypeWord]: 'interface type word',
  [TypeEvidence.ClosureFunction]: 'closure function',
};

/** Distinct type names, each stored once. */
export class TypeNames {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();

  intern(name: string): number {
    let id = this.index.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.index.set(name, id);
    }
    return id;
  }

  indexOf(name: string): number {
    return this.index.get(name) ?? NO_TYPE;
  }

  get count(): number {
    return this.names.length;
  }
}

/** What the recovery writes into: filled by one method after another, first decision wins. */
export interface TypeAssignment {
  readonly objectTypeIndex: Int32Array;
  readonly typeEvidence: Uint8Array;
  readonly typeNames: TypeNames;
}

/** Types object `objectIndex` unless an earlier method already did; true when it was set. */
export function assignType(target: TypeAssignment, objectIndex: number, name: string, evidence: TypeEvidence,
                           namedByBinary: boolean): boolean {
  if (target.objectTypeIndex[objectIndex] !== NO_TYPE) return false;
  target.objectTypeIndex[objectIndex] = target.typeNames.intern(name);
  target.typeEvidence[objectIndex] = evidence | (namedByBinary ? NAMED_BY_BINARY : 0);
  return true;
}

/** A Go name for an address with no name: what `goheap histogram` shows for unnamed types. */
export function unnamedType(address: bigint): string {
  return `type@0x${address.toString(16)}`;
}
