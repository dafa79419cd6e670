// File and line of a PC, from the binary's .gopclntab (Go 1.18+ layout; magic 0xfffffff0 for
// Go 1.18–1.19, 0xfffffff1 since Go 1.20). Layout from runtime/symtab.go:
//   pcHeader: magic u32 | pad u8 ×2 | minLC u8 | ptrSize u8 | nfunc | nfiles | textStart (0 lately) |
//             funcnameOffset | cuOffset | filetabOffset | pctabOffset | pclnOffset (uintptr each)
//   functab (at pclnOffset): nfunc + 1 pairs (entryOff u32, funcOff u32), funcOff from pclnOffset
//   _func: entryOff u32 | nameOff i32 | args i32 | deferreturn u32 | pcsp u32 | pcfile u32 |
//          pcln u32 | npcdata u32 | cuOffset u32 | …
// A pc-value table is a run of (value delta zig-zag uvarint, pc delta uvarint × minLC) pairs,
// ended by a zero value delta after the first pair. Older layouts are not read (null).

import type { ElfFile } from './elf';

const MAGIC_GO118 = 0xfffffff0;
const MAGIC_GO120 = 0xfffffff1;
const FUNC_PCFILE = 20;
const FUNC_PCLN = 24;
const FUNC_CU_OFFSET = 32;
/** Bound on one pc-value walk, so a damaged table cannot spin. */
const MAX_PCVALUE_STEPS = 1 << 20;

export interface SourceLocation {
  function: string;
  file: string;
  line: number;
}

export class LineTable {
  private readonly base: number;
  private readonly end: number;
  private readonly minLC: number;
  private readonly nfunc: number;
  private readonly textStart: bigint;
  private readonly funcnameOffset: number;
  private readonly cuOffset: number;
  private readonly filetabOffset: number;
  private readonly pctabOffset: number;
  private readonly pclnOffset: number;

  private constructor(private readonly elf: ElfFile, base: number, end: number) {
    this.base = base;
    this.end = end;
    const p = elf.ptrSize;
    const word = (i: number) => (p === 8 ? Number(elf.u64(base + 8 + i * 8)) : elf.u32(base + 8 + i * 4));
    this.minLC = elf.bytes[base + 6];
    this.nfunc = word(0);
    // Newer linkers leave textStart 0 (it needed a relocation): then the text starts at runtime.text.
    const stored = p === 8 ? elf.u64(base + 8 + 2 * 8) : BigInt(elf.u32(base + 8 + 2 * 4));
    this.textStart = stored !== 0n ? stored
      : elf.symbols().find((s) => s.name === 'runtime.text')?.value ?? elf.section('.text')?.address ?? 0n;
    this.funcnameOffset = word(3);
    this.cuOffset = word(4);
    this.filetabOffset = word(5);
    this.pctabOffset = word(6);
    this.pclnOffset = word(7);
  }

  /** The binary's line table, or null when it has none or an older layout. */
  static open(elf: ElfFile): LineTable | null {
    const section = elf.section('.gopclntab');
    if (section === undefined || section.size < 64) return null;
    const magic = elf.u32(section.fileOffset);
    if (magic !== MAGIC_GO118 && magic !== MAGIC_GO120) return null;
    if (elf.bytes[section.fileOffset + 7] !== elf.ptrSize) return null;
    return new LineTable(elf, section.fileOffset, section.fileOffset + section.size);
  }

  /** Where `pc` is; null when no function holds it. */
  locate(pc: bigint): SourceLocation | null {
    if (pc < this.textStart) return null;
    const offset = Number(pc - this.textStart);
    const functab = this.base + this.pclnOffset;
    const entryAt = (i: number) => this.elf.u32(functab + 8 * i);
    let low = 0;
    let high = this.nfunc;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (entryAt(mid) <= offset) low = mid + 1;
      else high = mid;
    }
    const index = low - 1;
    if (index < 0 || index >= this.nfunc) return null;
    const func = functab + this.elf.u32(functab + 8 * index + 4);
    if (func + FUNC_CU_OFFSET + 4 > this.end) return null;
    const entry = entryAt(index);
    const name = this.cString(this.base + this.funcnameOffset + (this.elf.u32(func + 4) | 0));
    const line = this.pcValue(this.elf.u32(func + FUNC_PCLN), entry, offset);
    const fileIndex = this.pcValue(this.elf.u32(func + FUNC_PCFILE), entry, offset);
    let file = '';
    if (fileIndex >= 0) {
      const cu = this.elf.u32(func + FUNC_CU_OFFSET);
      const at = this.base + this.cuOffset + 4 * (cu + fileIndex);
      if (at + 4 <= this.end) {
        const fileOffset = this.elf.u32(at);
        if (fileOffset !== 0xffffffff) file = this.cString(this.base + this.filetabOffset + fileOffset);
      }
    }
    return { function: name, file, line };
  }

  /** The value of table `table` (offset in pctab) at text offset `target`, -1 when none. */
  private pcValue(table: number, entry: number, target: number): number {
    let at = this.base + this.pctabOffset + table;
    let value = -1;
    let pc = entry;
    const bytes = this.elf.bytes;
    const uvarint = (): number => {
      let result = 0;
      let shift = 0;
      for (;;) {
        if (at >= this.end) return 0;
        const b = bytes[at++];
        result += (b & 0x7f) * 2 ** shift;
        if ((b & 0x80) === 0) return result;
        shift += 7;
      }
    };
    for (let step = 0; step < MAX_PCVALUE_STEPS; step++) {
      const delta = uvarint();
      if (delta === 0 && step > 0) return -1;
      value += delta % 2 === 1 ? -((delta - 1) / 2) - 1 : delta / 2;
      pc += uvarint() * this.minLC;
      if (target < pc) return value;
    }
    return -1;
  }

  private cString(at: number): string {
    const bytes = this.elf.bytes;
    let end = at;
    while (end < this.end && bytes[end] !== 0) end++;
    return Buffer.from(bytes.buffer, bytes.byteOffset + at, end - at).toString('latin1');
  }
}

/** "file.go:42" for a frame's pc (a return address except in the innermost frame), or null. */
export function frameLocation(table: LineTable, pc: bigint, innermost: boolean): string | null {
  const location = table.locate(innermost || pc === 0n ? pc : pc - 1n);
  if (location === null || location.file === '' || location.line < 0) return null;
  return `${location.file}:${location.line}`;
}
