// The program's binary, given with `--binary`: ELF symbols name the globals behind data and
// bss root slots, and the type descriptors in the types section name the words that point
// at them (interface type words, malloc headers, lossy dump Type names).
//
// Type descriptors (internal/abi.Type, reflect's rtype before it) since Go 1.14:
//   Size_ uintptr | PtrBytes uintptr | Hash u32 | TFlag u8 | Align_ u8 | FieldAlign_ u8 |
//   Kind_ u8 | Equal func | GCData *byte | Str NameOff i32 | PtrToThis TypeOff i32
// then, for a pointer, slice or array, Elem *Type. Str is an offset from the start of the
// types section (runtime.types, also named `type:*`, `type.*` before Go 1.20) to a name:
// one flags byte, then the length (uvarint since Go 1.17, two big-endian bytes before),
// then the bytes. TFlagExtraStar says the text carries a '*' to drop. Modern linkers emit no
// symbol per descriptor; older ones emitted `type.*main.T`, `type:main.T` and those are used
// too when present.

import { ElfFile, STT_OBJECT } from './elf';
import type { DumpTables } from '../tables/dump-tables';

const TFLAG_EXTRA_STAR = 1 << 1;
/** Go 1.26+: the direct-interface flag moved from Kind_ to TFlag. */
const TFLAG_DIRECT_IFACE = 1 << 5;
const KIND_DIRECT_IFACE = 1 << 5;
const KIND_MASK = 0x1f;
export const KIND_ARRAY = 17;
export const KIND_POINTER = 22;
export const KIND_SLICE = 23;
/** Longest type name read from a binary; longer ones are cut. */
const MAX_NAME_BYTES = 4096;

export class BinaryMismatchError extends Error {
  override readonly name = 'BinaryMismatchError';
}

export interface GlobalSymbol {
  name: string;
  address: bigint;
  size: number;
}

export interface TypeDescriptor {
  name: string;
  kind: number;
  size: number;
  directIface: boolean;
  /** The element type's address for pointers, slices and arrays (0n otherwise). */
  elem: bigint;
}

/** Go minor version from "go1.22.3" (0 when unknown: dumps before Go 1.17 do not say). */
export function goMinorVersion(version: string): number {
  const match = /^go1\.(\d+)/.exec(version);
  return match === null ? 0 : Number(match[1]);
}

export class GoBinary {
  /** Data and bss variables by address. */
  readonly globals: GlobalSymbol[];
  readonly typesStart: bigint;
  readonly typesEnd: bigint;
  /** Added to every binary address to get the dump's (PIE load offset; 0 for static binaries). */
  slide = 0n;
  /** Problems that did not stop the binary from being used. */
  readonly warnings: string[] = [];
  private readonly typeSymbols = new Map<bigint, string>();
  private readonly descriptors = new Map<bigint, TypeDescriptor | null>();
  private goMinor = 0;

  constructor(readonly elf: ElfFile) {
    const symbols = elf.symbols();
    const variableSections = new Set(['.data', '.bss', '.noptrdata', '.noptrbss']
      .map((name) => elf.sections.findIndex((s) => s.name === name)).filter((i) => i >= 0));
    const globals: GlobalSymbol[] = [];
    let typesStart = 0n;
    let typesEnd = 0n;
    for (const symbol of symbols) {
      if (symbol.name === 'runtime.types' || (typesStart === 0n && (symbol.name === 'type:*' || symbol.name === 'type.*'))) {
        typesStart = symbol.value;
      } else if (symbol.name === 'runtime.etypes') {
        typesEnd = symbol.value;
      } else if (/^type[.:][^.]/.test(symbol.name) && symbol.type === STT_OBJECT) {
        this.typeSymbols.set(symbol.value, symbol.name.slice(5));
      } else if (symbol.type === STT_OBJECT && symbol.size > 0 && variableSections.has(symbol.sectionIndex)) {
        globals.push({ name: symbol.name, address: symbol.value, size: symbol.size });
      }
    }
    globals.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
    this.globals = globals;
    this.typesStart = typesStart;
    this.typesEnd = typesEnd;
  }

  static open(path: string): GoBinary {
    return new GoBinary(ElfFile.read(path));
  }

  /**
   * Checks that this binary wrote the dump: pointer size, byte order, GOARCH, and the data and
   * bss segment addresses. A consistent shift of both segments is taken as a PIE load offset.
   * Throws BinaryMismatchError when the binary cannot be the dump's.
   */
  matchDump(tables: DumpTables): void {
    const { params } = tables;
    this.goMinor = goMinorVersion(params.goVersion);
    const name = this.elf.path || 'the binary';
    if (this.elf.ptrSize !== params.ptrSize) {
      throw new BinaryMismatchError(`${name} is ${this.elf.ptrSize * 8}-bit but the dump has ${params.ptrSize}-byte pointers`);
    }
    if (this.elf.bigEndian !== params.bigEndian) {
      throw new BinaryMismatchError(`${name} is ${this.elf.bigEndian ? 'big' : 'little'}-endian but the dump is not`);
    }
    const arch = this.elf.goarch;
    if (arch !== '' && params.goarch !== '' && !params.goarch.startsWith(arch) && !arch.startsWith(params.goarch)) {
      throw new BinaryMismatchError(`${name} is for GOARCH ${arch} but the dump was written on ${params.goarch}`);
    }
    const slides: bigint[] = [];
    for (const [segment, sectionName] of [[tables.data, '.data'], [tables.bss, '.bss']] as const) {
      const section = this.elf.section(sectionName);
      if (segment.count === 0) continue;
      if (section === undefined) throw new BinaryMismatchError(`${name} has no ${sectionName} section`);
      slides.push(segment.address[0] - section.address);
      if (segment.contentSize[0] !== section.size) {
        this.warnings.push(`${sectionName}: the dump's segment is ${segment.contentSize[0]} bytes, ${name}'s section ${section.size}`);
      }
    }
    if (slides.length > 0) {
      if (slides.some((s) => s !== slides[0])) {
        throw new BinaryMismatchError(`${name} does not match the dump: its .data and .bss addresses differ from the dump's`
          + ' data and bss segments by different amounts (another build of the program?)');
      }
      if (slides[0] !== 0n) {
        const sizesAgree = this.warnings.length === 0;
        if (!sizesAgree) {
          throw new BinaryMismatchError(`${name} does not match the dump: data/bss sit at other addresses and have other sizes`);
        }
        this.warnings.push(`data and bss are ${slides[0] < 0n ? '-' : ''}0x${(slides[0] < 0n ? -slides[0] : slides[0]).toString(16)}`
          + ' bytes away from the binary\'s addresses; taken as the load offset of a position-independent binary');
        this.slide = slides[0];
      }
    }
    if (this.globals.length === 0) this.warnings.push(`${name} has no symbol table (stripped?): globals stay unnamed`);
  }

  /** The variable holding dump address `address`, and the offset inside it; null when none. */
  globalAt(address: bigint): { name: string; offset: number } | null {
    const target = address - this.slide;
    let low = 0;
    let high = this.globals.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.globals[mid].address <= target) low = mid + 1;
      else high = mid;
    }
    const candidate = this.globals[low - 1];
    if (candidate === undefined || target >= candidate.address + BigInt(candidate.size)) return null;
    return { name: candidate.name, offset: Number(target - candidate.address) };
  }

  /** Whether dump address `address` lies in the binary's types section. */
  isTypeAddress(address: bigint): boolean {
    const target = address - this.slide;
    if (this.typeSymbols.has(target)) return true;
    return this.typesStart !== 0n && target >= this.typesStart && target < this.typesEnd;
  }

  /** The descriptor at dump address `address`, or null when it does not read as one. */
  descriptor(address: bigint): TypeDescriptor | null {
    let known = this.descriptors.get(address);
    if (known === undefined) {
      known = this.readDescriptor(address - this.slide);
      this.descriptors.set(address, known);
    }
    return known;
  }

  /** The Go name of the type at dump address `address` (`*main.T`, `[]uint8`), or null. */
  typeName(address: bigint): string | null {
    return this.descriptor(address)?.name ?? null;
  }

  private readDescriptor(at: bigint): TypeDescriptor | null {
    if (!this.isTypeAddress(at + this.slide)) return null;
    const p = BigInt(this.elf.ptrSize);
    const word = this.elf.ptrSize;
    const size = this.elf.readAddress(at, word);
    const tflag = this.elf.readAddress(at + 2n * p + 4n, 1);
    const kindByte = this.elf.readAddress(at + 2n * p + 7n, 1);
    const str = this.elf.readAddress(at + 4n * p + 8n, 4);
    if (size === null || tflag === null || kindByte === null || str === null) return null;
    const kind = Number(kindByte) & KIND_MASK;
    let name = this.typeSymbols.get(at) ?? null;
    if (name === null && this.typesStart !== 0n) {
      name = this.readName(this.typesStart + BigInt(Number(str) | 0));
      if (name !== null && (Number(tflag) & TFLAG_EXTRA_STAR) !== 0) name = name.slice(1);
    }
    if (name === null || name === '') return null;
    const directIface = this.goMinor >= 26
      ? (Number(tflag) & TFLAG_DIRECT_IFACE) !== 0
      : (Number(kindByte) & KIND_DIRECT_IFACE) !== 0;
    let elem = 0n;
    if (kind === KIND_POINTER || kind === KIND_SLICE || kind === KIND_ARRAY) {
      elem = (this.elf.readAddress(at + 4n * p + 16n, word) ?? 0n) + this.slide;
    }
    return { name, kind, size: Number(size), directIface, elem };
  }

  private readName(at: bigint): string | null {
    const start = this.elf.fileOffsetOf(at, 3);
    if (start < 0) return null;
    const bytes = this.elf.bytes;
    let length = 0;
    let cursor = start + 1;
    if (this.goMinor >= 17 || this.goMinor === 0 && bytes[cursor] < 0x80 && this.looksVarint(start)) {
      let shift = 0;
      for (;;) {
        const b = bytes[cursor++];
        length += (b & 0x7f) * 2 ** shift;
        if ((b & 0x80) === 0 || shift > 21) break;
        shift += 7;
      }
    } else {
      length = (bytes[cursor] << 8) | bytes[cursor + 1];
      cursor += 2;
    }
    length = Math.min(length, MAX_NAME_BYTES, bytes.length - cursor);
    return Buffer.from(bytes.buffer, bytes.byteOffset + cursor, length).toString('latin1');
  }

  /** Without a version, a one-byte length followed by a printable name reads as a uvarint. */
  private looksVarint(start: number): boolean {
    const bytes = this.elf.bytes;
    return bytes[start + 1] !== 0 && bytes[start + 2] >= 0x20;
  }
}
