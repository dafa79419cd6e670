// go1.3 objects carry no field list: their pointer words come from their type's field list,
// laid over the contents by the object's kind (FORMAT.md §4 Tag 1, F13). This runs while the
// object's contents are still in the read window, in the table builder, so every backend
// gets the same words.
//
// The rule, exactly:
// - the type is the last go1.3 Type record with that address before the object; a type
//   without a field list (gccgo) or an unknown address gives no words;
// - kind 0: one value at offset 0; kind 1: ⌊size / typeSize⌋ values back to back; kind 2
//   (channel): the same after the hchanSize-byte header; kind 127: every aligned word is a
//   pointer word; any other kind: none;
// - a field whose words do not fit inside typeSize is skipped, and a word past the contents
//   is dropped;
// - at most ⌈size / ptrSize⌉ words per object, so a hostile type cannot multiply the output.

import { pointerWordCount } from '../decode/field-kinds';

export interface Go13Type {
  size: number;
  kinds: number[];
  offsets: number[];
}

export const KIND_SINGLE = 0;
export const KIND_ARRAY = 1;
export const KIND_CHANNEL = 2;
export const KIND_CONSERVATIVE = 127;

/**
 * Calls emit(offset, valueLo, valueHi) for each pointer word of a go1.3 object whose contents
 * are `contents`.
 */
export function go13PointerWords(contents: Uint8Array, kind: number, type: Go13Type | undefined, hchanSize: number,
                                 ptrSize: 4 | 8, bigEndian: boolean,
                                 emit: (offset: number, lo: number, hi: number) => void): void {
  const size = contents.length;
  const view = new DataView(contents.buffer, contents.byteOffset, contents.byteLength);
  let budget = Math.ceil(size / ptrSize);
  const word = (at: number): boolean => {
    if (budget === 0) return false;
    if (at + ptrSize > size) return true;
    budget--;
    if (ptrSize === 4) emit(at, view.getUint32(at, !bigEndian), 0);
    else if (bigEndian) emit(at, view.getUint32(at + 4, false), view.getUint32(at, false));
    else emit(at, view.getUint32(at, true), view.getUint32(at + 4, true));
    return true;
  };
  if (kind === KIND_CONSERVATIVE) {
    for (let at = 0; at + ptrSize <= size; at += ptrSize) if (!word(at)) return;
    return;
  }
  if (type === undefined || (kind !== KIND_SINGLE && kind !== KIND_ARRAY && kind !== KIND_CHANNEL)) return;
  const base = kind === KIND_CHANNEL ? hchanSize : 0;
  let count = 1;
  if (kind !== KIND_SINGLE) {
    if (type.size === 0 || size < base) return;
    count = Math.floor((size - base) / type.size);
  }
  for (let element = 0; element < count; element++) {
    const start = base + element * type.size;
    for (let f = 0; f < type.kinds.length; f++) {
      const words = pointerWordCount(type.kinds[f], 13);
      if (words === 0 || type.offsets[f] + words * ptrSize > type.size) continue;
      for (let w = 0; w < words; w++) if (!word(start + type.offsets[f] + w * ptrSize)) return;
    }
  }
}
