// A minimal ELF writer for tests: an ELF header, .data (file-backed), .bss (no bits), .symtab,
// .strtab and .shstrtab, 32- or 64-bit, either byte order. Enough for ts/types/elf.ts and
// GoBinary's globals and dump checks.

export interface ElfSpec {
  ptrSize: 4 | 8;
  bigEndian: boolean;
  /** e_machine (62 amd64, 3 386, 40 arm, 21 ppc64, 8 mips). */
  machine: number;
  data: { address: bigint; size: number };
  bss: { address: bigint; size: number };
  /** Variables: STT_OBJECT symbols in .data (section 1) or .bss (section 2). */
  symbols: { name: string; value: bigint; size: number; section: 'data' | 'bss' }[];
}

export function writeElf(spec: ElfSpec): Uint8Array {
  const wide = spec.ptrSize === 8;
  const le = !spec.bigEndian;
  const headerBytes = wide ? 64 : 52;
  const sectionEntryBytes = wide ? 64 : 40;
  const symbolBytes = wide ? 24 : 16;

  const shstr = ['', '.data', '.bss', '.symtab', '.strtab', '.shstrtab'];
  const shstrBytes: number[] = [];
  const shstrOffset: number[] = [];
  for (const name of shstr) {
    shstrOffset.push(shstrBytes.length);
    for (const c of Buffer.from(name, 'latin1')) shstrBytes.push(c);
    shstrBytes.push(0);
  }
  const strBytes: number[] = [0];
  const nameOffset = spec.symbols.map((s) => {
    const at = strBytes.length;
    for (const c of Buffer.from(s.name, 'latin1')) strBytes.push(c);
    strBytes.push(0);
    return at;
  });

  const dataOffset = headerBytes;
  const symtabOffset = dataOffset + spec.data.size;
  const symtabSize = (spec.symbols.length + 1) * symbolBytes;
  const strtabOffset = symtabOffset + symtabSize;
  const shstrtabOffset = strtabOffset + strBytes.length;
  const sectionTable = Math.ceil((shstrtabOffset + shstrBytes.length) / 8) * 8;
  const total = sectionTable + 6 * sectionEntryBytes;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  const u16 = (at: number, v: number) => view.setUint16(at, v, le);
  const u32 = (at: number, v: number) => view.setUint32(at, v, le);
  const word = (at: number, v: bigint | number) => (wide ? view.setBigUint64(at, BigInt(v), le) : view.setUint32(at, Number(v), le));

  bytes.set([0x7f, 0x45, 0x4c, 0x46, wide ? 2 : 1, le ? 1 : 2, 1]);
  u16(16, 2); // ET_EXEC
  u16(18, spec.machine);
  u32(20, 1);
  word(wide ? 40 : 32, sectionTable);
  u16(wide ? 52 : 40, headerBytes);
  u16(wide ? 58 : 46, sectionEntryBytes);
  u16(wide ? 60 : 48, 6);
  u16(wide ? 62 : 50, 5);

  // Symbols (entry 0 stays null).
  spec.symbols.forEach((s, i) => {
    const at = symtabOffset + (i + 1) * symbolBytes;
    const section = s.section === 'data' ? 1 : 2;
    u32(at, nameOffset[i]);
    if (wide) {
      bytes[at + 4] = 0x10 | 1; // STB_GLOBAL, STT_OBJECT
      u16(at + 6, section);
      word(at + 8, s.value);
      word(at + 16, s.size);
    } else {
      word(at + 4, s.value);
      u32(at + 8, s.size);
      bytes[at + 12] = 0x10 | 1;
      u16(at + 14, section);
    }
  });
  bytes.set(strBytes, strtabOffset);
  bytes.set(shstrBytes, shstrtabOffset);

  const section = (index: number, type: number, flags: number, address: bigint, offset: number, size: number,
                   link = 0, entry = 0) => {
    const at = sectionTable + index * sectionEntryBytes;
    u32(at, shstrOffset[index]);
    u32(at + 4, type);
    if (wide) {
      word(at + 8, flags); word(at + 16, address); word(at + 24, offset); word(at + 32, size);
      u32(at + 40, link); word(at + 56, entry);
    } else {
      u32(at + 8, flags); u32(at + 12, Number(address)); u32(at + 16, offset); u32(at + 20, size);
      u32(at + 24, link); u32(at + 36, entry);
    }
  };
  section(1, 1, 3, spec.data.address, dataOffset, spec.data.size);
  section(2, 8, 3, spec.bss.address, dataOffset + spec.data.size, spec.bss.size);
  section(3, 2, 0, 0n, symtabOffset, symtabSize, 4, symbolBytes);
  section(4, 3, 0, 0n, strtabOffset, strBytes.length);
  section(5, 3, 0, 0n, shstrtabOffset, shstrBytes.length);
  return bytes;
}
