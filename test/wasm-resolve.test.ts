// The wasm pointer resolver (assembly/resolve.ts through ts/decode/wasm.ts) on hand-made
// objects tables: every answer must equal JsPointerResolver's, and these cases pin the
// answers down by hand too (2^64 edges, overlaps, duplicates, chunk boundaries).

import { JsPointerResolver, type PointerResolver } from '../ts/graph/address-index';
import type { ObjectTable } from '../ts/tables/dump-tables';
import { createWasmResolver } from '../ts/decode/wasm';
import { seededRandom } from './support/dump-writer';

const MASK_32 = 0xffffffffn;
const TOP = (1n << 64n) - 1n;

/** An objects table from exact starts (address order) and sizes; other columns are empty. */
function objectTable(starts: readonly bigint[], sizes: readonly number[]): ObjectTable {
  const count = starts.length;
  return {
    count,
    addressLo: Uint32Array.from(starts, (a) => Number(a & MASK_32)),
    addressHi: Uint32Array.from(starts, (a) => Number(a >> 32n)),
    size: Uint32Array.from(sizes),
    contentOffset: new Float64Array(count),
    firstWordLo: new Uint32Array(count),
    firstWordHi: new Uint32Array(count),
    typeAddress: new BigUint64Array(0),
    kind: new Uint8Array(0),
  };
}

function resolveWith(resolver: PointerResolver, values: readonly bigint[]): number[] {
  const out = new Int32Array(values.length);
  resolver.resolve(
    Uint32Array.from(values, (v) => Number(v & MASK_32)),
    Uint32Array.from(values, (v) => Number(v >> 32n)),
    out,
  );
  return Array.from(out);
}

/** Resolves with wasm, checks js agrees, returns the answers. */
function resolveBoth(objects: ObjectTable, values: readonly bigint[]): number[] {
  const wasm = createWasmResolver(objects);
  const js = new JsPointerResolver(objects);
  try {
    const answers = resolveWith(wasm, values);
    expect(answers).toEqual(resolveWith(js, values));
    return answers;
  } finally {
    wasm.close();
    js.close();
  }
}

describe('wasm resolver', () => {
  test('an empty table holds nothing', () => {
    expect(resolveBoth(objectTable([], []), [0n, 1n, 0x1000n, TOP])).toEqual([-1, -1, -1, -1]);
    expect(resolveBoth(objectTable([], []), [])).toEqual([]);
  });

  test('one object: start and last byte hold, the bytes around do not', () => {
    const objects = objectTable([0xc000010000n], [48]);
    expect(resolveBoth(objects, [0xc00000ffffn, 0xc000010000n, 0xc00001002fn, 0xc000010030n, 0n, TOP]))
      .toEqual([-1, 0, 0, -1, -1, -1]);
  });

  test('objects at the top of the address space (no wrap at 2^64)', () => {
    const objects = objectTable([TOP - 0x2fn, TOP - 0xfn], [0x10, 0x10]);
    expect(resolveBoth(objects, [TOP - 0x30n, TOP - 0x2fn, TOP - 0x20n, TOP - 0x1fn, TOP - 0x10n, TOP - 0xfn, TOP, 0n]))
      .toEqual([-1, 0, 0, -1, -1, 1, 1, -1]);
  });

  test('a span from 0 to 2^64 - 16 (the widest buckets)', () => {
    const objects = objectTable([0n, 1n << 40n, 1n << 63n, TOP - 0xfn], [16, 4096, 0xffffffff, 16]);
    expect(resolveBoth(objects, [0n, 15n, 16n, (1n << 40n) + 4095n, (1n << 63n) + 0xfffffffen,
      (1n << 63n) + 0xffffffffn, TOP - 0x10n, TOP]))
      .toEqual([0, 0, -1, 1, 2, -1, -1, 3]);
  });

  test('objects across a 2^32 boundary', () => {
    const objects = objectTable([0xfffffff0n, 0x100000000n, 0x100000010n], [16, 8, 16]);
    expect(resolveBoth(objects, [0xffffffefn, 0xfffffff0n, 0xffffffffn, 0x100000000n, 0x100000008n, 0x10000001fn, 0x100000020n]))
      .toEqual([-1, 0, 0, 1, -1, 2, -1]);
  });

  test('overlapping objects: only the highest start at or below the value counts', () => {
    const objects = objectTable([0x1000n, 0x1010n, 0x1010n, 0x1100n], [0x100, 0x40, 0x10, 0x10]);
    // 0x1010 and 0x1018 fall in object 2 (the last of two equal starts); 0x1030 lies inside
    // objects 0 and 1 but past object 2, the candidate: no object.
    expect(resolveBoth(objects, [0x1008n, 0x1010n, 0x1018n, 0x1030n, 0x10ffn, 0x1100n]))
      .toEqual([0, 2, 2, -1, -1, 3]);
  });

  test('zero-size objects hold nothing', () => {
    const objects = objectTable([0x2000n, 0x2000n, 0x2010n], [16, 0, 0]);
    expect(resolveBoth(objects, [0x2000n, 0x2008n, 0x2010n])).toEqual([-1, -1, -1]);
  });

  test('many objects and values across load and resolve chunks agree with js', () => {
    const next = seededRandom(20261126);
    const starts: bigint[] = [];
    const sizes: number[] = [];
    let address = 0xc000000000n;
    for (let i = 0; i < 150_000; i++) {
      address += BigInt(Math.floor(next() * 64) * 8); // gaps, equal starts, overlaps
      const size = [0, 8, 16, 32, 48, 1024][Math.floor(next() * 6)];
      starts.push(address);
      sizes.push(size);
    }
    const values: bigint[] = [];
    for (let i = 0; i < 300_000; i++) {
      const at = Math.floor(next() * starts.length);
      values.push(starts[at] + BigInt(Math.floor(next() * 80)) - 8n);
    }
    const answers = resolveBoth(objectTable(starts, sizes), values);
    expect(answers.some((a) => a >= 0)).toBe(true);
    expect(answers.some((a) => a < 0)).toBe(true);
  });

  test('memory does not grow with the batch size', () => {
    const objects = objectTable([0x1000n, 0x2000n], [16, 16]);
    const resolver = createWasmResolver(objects);
    const memory = (resolver as unknown as { wasm: { memory: { buffer: ArrayBuffer } } }).wasm.memory;
    const before = memory.buffer.byteLength;
    const length = 3_000_000;
    const lo = new Uint32Array(length).fill(0x2008);
    const out = new Int32Array(length).fill(7);
    resolver.resolve(lo, new Uint32Array(length), out);
    expect(memory.buffer.byteLength).toBe(before);
    expect(out.every((a) => a === 1)).toBe(true);
    resolver.close();
  });

  test('wrong lengths and a closed resolver are errors', () => {
    const resolver = createWasmResolver(objectTable([0x1000n], [16]));
    expect(() => resolver.resolve(new Uint32Array(2), new Uint32Array(1), new Int32Array(2))).toThrow(RangeError);
    expect(() => resolver.resolve(new Uint32Array(2), new Uint32Array(2), new Int32Array(1))).toThrow(RangeError);
    resolver.close();
    expect(() => resolver.resolve(new Uint32Array(1), new Uint32Array(1), new Int32Array(1))).toThrow(/closed/);
  });
});
