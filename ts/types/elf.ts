// A small ELF reader: the header, the section table and the symbol table, which is what
// `--binary` needs (global variable names, the type descriptor range, and rodata bytes to
// read type descriptors from). 32- and 64-bit, either byte order. The Go linker leaves
// .symtab uncompressed even when it compresses the DWARF sections (`.zdebug_*` or
// SHF_COMPRESSED), so compressed sections are never read here.
//
// Layouts from the System V gABI ("ELF header", "Section header", "Symbol table").

import * as fs from 'fs';

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];
const EI_CLASS = 4;
const EI_DATA = 5;
const ELFCLASS32 = 1;
const ELFCLASS64 = 2;
const ELFDATA2MSB = 2;
const SHT_SYMTAB = 2;
const SHT_NOBITS = 8;
const SHF_COMPRESSED = 0x800;
const STT_OBJECT = 1;

/** e_machine → GOARCH (the architectures Go targets on ELF). */
const MACHINE_GOARCH: Record<number, string> = {
  3: '386', 62: 'amd64', 40: 'arm', 183: 'arm64', 8: 'mips', 21: 'ppc64', 22: 's390x',
  243: 'riscv64', 258: 'loong64', 20: 'ppc',
};

export class ElfFormatError extends Error {
  override readonly name = 'ElfFormatError';
}

export interface ElfSection {
  name: string;
  type: number;
  flags: number;
  address: bigint;
  fileOffset: number;
  size: number;
}

export interface ElfSymbol {
  name: string;
  value: bigint;
  size: number;
  /** STT_* (low four bits of st_info). */
  type: number;
  sectionIndex: number;
}

export class ElfFile {
  readonly ptrSize: 4 | 8;
  readonly bigEndian: boolean;
  readonly machine: number;
  readonly sections: ElfSection[];
  private symbolList: ElfSymbol[] | null = null;
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array, readonly path = '') {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < 52 || ELF_MAGIC.some((b, i) => bytes[i] !== b)) {
      throw new ElfFormatError(`${path || 'binary'}: not an ELF file (no \\x7fELF magic)`);
    }
    const elfClass = bytes[EI_CLASS];
    if (elfClass !== ELFCLASS32 && elfClass !== ELFCLASS64) {
      throw new ElfFormatError(`${path}: unknown ELF class ${elfClass}`);
    }
    this.ptrSize = elfClass === ELFCLASS64 ? 8 : 4;
    this.bigEndian = bytes[EI_DATA] === ELFDATA2MSB;
    this.machine = this.u16(18);
    const wide = this.ptrSize === 8;
    const sectionTable = wide ? Number(this.u64(40)) : this.u32(32);
    const sectionEntryBytes = this.u16(wide ? 58 : 46);
    const sectionCount = this.u16(wide ? 60 : 48);
    const namesIndex = this.u16(wide ? 62 : 50);
    if (sectionTable + sectionEntryBytes * sectionCount > bytes.length) {
      throw new ElfFormatError(`${path}: section table at ${sectionTable} runs past the end of the file`);
    }
    const raw = [];
    for (let i = 0; i < sectionCount; i++) {
      const at = sectionTable + i * sectionEntryBytes;
      raw.push(wide
        ? { nameOffset: this.u32(at), type: this.u32(at + 4), flags: Number(this.u64(at + 8)), address: this.u64(at + 16),
            fileOffset: Number(this.u64(at + 24)), size: Number(this.u64(at + 32)) }
        : { nameOffset: this.u32(at), type: this.u32(at + 4), flags: this.u32(at + 8), address: BigInt(this.u32(at + 12)),
            fileOffset: this.u32(at + 16), size: this.u32(at + 20) });
    }
    const names = raw[namesIndex];
    this.sections = raw.map((s) => ({
      name: names === undefined ? '' : this.cString(names.fileOffset + s.nameOffset),
      type: s.type, flags: s.flags, address: s.address, fileOffset: s.fileOffset, size: s.size,
    }));
  }

  static read(path: string): ElfFile {
    return new ElfFile(fs.readFileSync(path), path);
  }

  /** GOARCH for e_machine, '' when unknown (ppc64 and mips are byte-order neutral here). */
  get goarch(): string {
    const arch = MACHINE_GOARCH[this.machine] ?? '';
    if (arch === 'ppc64' && !this.bigEndian) return 'ppc64le';
    if (arch === 'mips') return (this.ptrSize === 8 ? 'mips64' : 'mips') + (this.bigEndian ? '' : 'le');
    return arch;
  }

  section(name: string): ElfSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** Every symbol of .symtab (an empty list when the binary is stripped). */
  symbols(): ElfSymbol[] {
    if (this.symbolList !== null) return this.symbolList;
    const list: ElfSymbol[] = [];
    const table = this.sections.find((s) => s.type === SHT_SYMTAB);
    if (table !== undefined) {
      if ((table.flags & SHF_COMPRESSED) !== 0) throw new ElfFormatError(`${this.path}: .symtab is compressed`);
      const strings = this.sections[this.linkOf(table)];
      const entryBytes = this.ptrSize === 8 ? 24 : 16;
      const end = Math.min(table.fileOffset + table.size, this.bytes.length);
      for (let at = table.fileOffset; at + entryBytes <= end; at += entryBytes) {
        const wide = this.ptrSize === 8;
        const nameOffset = this.u32(at);
        const info = this.bytes[at + (wide ? 4 : 12)];
        const sectionIndex = this.u16(at + (wide ? 6 : 14));
        const value = wide ? this.u64(at + 8) : BigInt(this.u32(at + 4));
        const size = wide ? Number(this.u64(at + 16)) : this.u32(at + 8);
        const name = strings === undefined ? '' : this.cString(strings.fileOffset + nameOffset);
        list.push({ name, value, size, type: info & 0xf, sectionIndex });
      }
    }
    this.symbolList = list;
    return list;
  }

  private linkOf(section: ElfSection): number {
    const index = this.sections.indexOf(section);
    const sectionTable = this.ptrSize === 8 ? Number(this.u64(40)) : this.u32(32);
    const entryBytes = this.u16(this.ptrSize === 8 ? 58 : 46);
    return this.u32(sectionTable + index * entryBytes + (this.ptrSize === 8 ? 40 : 24));
  }

  /** The file offset of virtual address `address` inside an allocated, file-backed section. */
  fileOffsetOf(address: bigint, length = 1): number {
    for (const s of this.sections) {
      if (s.type === SHT_NOBITS || s.address === 0n) continue;
      if (address >= s.address && address + BigInt(length) <= s.address + BigInt(s.size)) {
        return s.fileOffset + Number(address - s.address);
      }
    }
    return -1;
  }

  /** The unsigned word of `size` bytes at virtual `address`, or null when not file-backed. */
  readAddress(address: bigint, size: 1 | 2 | 4 | 8): bigint | null {
    const at = this.fileOffsetOf(address, size);
    if (at < 0) return null;
    switch (size) {
      case 1: return BigInt(this.bytes[at]);
      case 2: return BigInt(this.u16(at));
      case 4: return BigInt(this.u32(at));
      case 8: return this.u64(at);
    }
  }

  u16(at: number): number { return this.view.getUint16(at, !this.bigEndian); }
  u32(at: number): number { return this.view.getUint32(at, !this.bigEndian); }
  u64(at: number): bigint { return this.view.getBigUint64(at, !this.bigEndian); }

  private cString(at: number): string {
    let end = at;
    while (end < this.bytes.length && this.bytes[end] !== 0) end++;
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + at, end - at).toString('latin1');
  }
}

export { STT_OBJECT };
