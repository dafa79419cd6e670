// Differential tests of the pointer lookup: every backend's resolver (Backend.createResolver)
// must give JsPointerResolver's answer for every value, on the objects of every fixture and on
// synthetic tables the fixtures never show (addresses above 2^53 and near 2^64, overlapping
// and equal starts, empty tables), in batches of 0, 1 and more than a million values.

import { existsSync } from 'fs';
import { decodeDump } from '../ts/decode/decode';
import { backendStatus, selectBackend } from '../ts/decode/select';
import type { BackendName } from '../ts/decode/backend';
import { JsPointerResolver, type PointerResolver } from '../ts/graph/address-index';
import type { DumpTables, ObjectTable, PointerWords } from '../ts/tables/dump-tables';
import { fixtureLabel, listFixtures, packageSample, PUBLIC_SAMPLE, readFixtureBytes } from './support/fixtures';
import { seededRandom } from './support/dump-writer';

const TWO_POW_32 = 4294967296;
const SEED = Number(process.env.GOHEAP_DIFF_SEED ?? (Date.now() % 1_000_000));
/** More than a million: several of any backend's chunks, and one big batch for the js one. */
const BIG_BATCH = 1_300_000;

/**
 * Backends whose resolver is compared with the reference: js and wasm always (each must
 * have createResolver), native when it loads and has one.
 */
function resolverBackends(): { name: BackendName; create: (objects: ObjectTable) => PointerResolver }[] {
  const found: { name: BackendName; create: (objects: ObjectTable) => PointerResolver }[] = [];
  for (const name of ['js', 'wasm', 'native'] as const) {
    if (!backendStatus(name).available) {
      if (name === 'native') continue;
      throw new Error(`the ${name} backend cannot load: ${backendStatus(name).error}`);
    }
    const backend = selectBackend(name);
    const create = backend.createResolver;
    if (create === undefined) {
      if (name === 'native') continue;
      throw new Error(`the ${name} backend has no createResolver`);
    }
    found.push({ name, create: (objects) => create.call(backend, objects) });
  }
  return found;
}

/** Values as two u32 columns, grown by doubling. */
class Values {
  lo = new Uint32Array(1024);
  hi = new Uint32Array(1024);
  length = 0;

  /** Adds hi · 2^32 + lo + delta, modulo 2^64 (delta a small integer of either sign). */
  push(lo: number, hi: number, delta = 0): void {
    if (this.length === this.lo.length) {
      const grownLo = new Uint32Array(this.length * 2);
      const grownHi = new Uint32Array(this.length * 2);
      grownLo.set(this.lo);
      grownHi.set(this.hi);
      this.lo = grownLo;
      this.hi = grownHi;
    }
    let sumLo = lo + delta;
    let sumHi = hi;
    while (sumLo < 0) { sumLo += TWO_POW_32; sumHi -= 1; }
    while (sumLo >= TWO_POW_32) { sumLo -= TWO_POW_32; sumHi += 1; }
    this.lo[this.length] = sumLo;
    this.hi[this.length] = sumHi >>> 0;
    this.length++;
  }

  pushBig(value: bigint): void {
    this.push(Number(value & 0xffffffffn), Number((value >> 32n) & 0xffffffffn));
  }

  pushWords(words: PointerWords): void {
    for (let i = 0; i < words.fieldValueLo.length; i++) this.push(words.fieldValueLo[i], words.fieldValueHi[i]);
  }

  /** The first `length` values, repeated or cut to `length` when asked. */
  columns(length = this.length): [Uint32Array, Uint32Array] {
    const lo = new Uint32Array(length);
    const hi = new Uint32Array(length);
    for (let at = 0; at < length; at += this.length) {
      const n = Math.min(this.length, length - at);
      lo.set(this.lo.subarray(0, n), at);
      hi.set(this.hi.subarray(0, n), at);
    }
    return [lo, hi];
  }
}

/**
 * Values every table is probed with: 0, 2^64 - 1, and around each object start-1, start,
 * start+size-1, start+size, plus `randomPerObject` random offsets in [-64, size + 64).
 */
function boundaryValues(objects: ObjectTable, next: () => number, randomPerObject: number): Values {
  const values = new Values();
  values.push(0, 0);
  values.push(0xffffffff, 0xffffffff);
  const { addressLo, addressHi, size } = objects;
  for (let i = 0; i < objects.count; i++) {
    const lo = addressLo[i];
    const hi = addressHi[i];
    values.push(lo, hi, -1);
    values.push(lo, hi);
    values.push(lo, hi, size[i] - 1);
    values.push(lo, hi, size[i]);
    for (let k = 0; k < randomPerObject; k++) values.push(lo, hi, Math.floor(next() * (size[i] + 128)) - 64);
  }
  return values;
}

function valueText(lo: number, hi: number): string {
  return `0x${((BigInt(hi) << 32n) | BigInt(lo)).toString(16)}`;
}

/** Resolves `lo`/`hi` with every backend and fails on the first answer that differs from js. */
function expectSameAnswers(objects: ObjectTable, lo: Uint32Array, hi: Uint32Array, what: string): void {
  const reference = new JsPointerResolver(objects);
  const expected = new Int32Array(lo.length);
  reference.resolve(lo, hi, expected);
  reference.close();
  for (const { name, create } of resolverBackends()) {
    const resolver = create(objects);
    // Filled with a value no resolver writes, so a skipped row shows.
    const out = new Int32Array(lo.length).fill(-2);
    try {
      resolver.resolve(lo, hi, out);
    } finally {
      resolver.close();
    }
    for (let i = 0; i < lo.length; i++) {
      if (out[i] !== expected[i]) {
        throw new Error(`${name} resolver differs from js on ${what}, value ${i} of ${lo.length} ` +
          `(${valueText(lo[i], hi[i])}): ${out[i]}, js ${expected[i]} (seed ${SEED})`);
      }
    }
  }
}

/** An objects table from exact starts (address order) and sizes; other columns are empty. */
function objectTable(starts: readonly bigint[], sizes: readonly number[]): ObjectTable {
  const count = starts.length;
  return {
    count,
    addressLo: Uint32Array.from(starts, (a) => Number(a & 0xffffffffn)),
    addressHi: Uint32Array.from(starts, (a) => Number(a >> 32n)),
    size: Uint32Array.from(sizes),
    contentOffset: new Float64Array(count),
    firstWordLo: new Uint32Array(count),
    firstWordHi: new Uint32Array(count),
    typeAddress: new BigUint64Array(0),
    kind: new Uint8Array(0),
  };
}

/**
 * `count` objects from `base` (wrapping at 2^64 is avoided by the caller): gaps of 0 to 255
 * bytes, sizes of 0 to 4 KiB or Go size classes, so starts repeat and objects overlap.
 */
function syntheticTable(base: bigint, count: number, next: () => number): ObjectTable {
  const starts: bigint[] = [];
  const sizes: number[] = [];
  let address = base;
  for (let i = 0; i < count; i++) {
    starts.push(address);
    const pick = next();
    sizes.push(pick < 0.1 ? 0 : pick < 0.6 ? [8, 16, 24, 32, 48, 64, 128][Math.floor(next() * 7)] : Math.floor(next() * 4096));
    address += BigInt(Math.floor(next() * 256));
  }
  return objectTable(starts, sizes);
}

/** Fixture dumps: the committed and fresh ones, the package sample and the public Go 1.5.1 dump. */
function dumps(): { label: string; bytes: () => Uint8Array }[] {
  const list = [...listFixtures(), packageSample()].map((f) => ({ label: fixtureLabel(f), bytes: () => readFixtureBytes(f) }));
  if (existsSync(PUBLIC_SAMPLE)) {
    list.push({ label: 'public go1.5.1 sample', bytes: () => readFixtureBytes({ path: PUBLIC_SAMPLE, gzipped: false }) });
  }
  return list;
}

describe('resolvers agree with JsPointerResolver', () => {
  const compared = resolverBackends().map((b) => b.name);
  test(`backends compared: ${compared.join(', ')}`, () => {
    expect(compared).toEqual(expect.arrayContaining(['js', 'wasm']));
  });

  describe.each(dumps())('$label', ({ bytes }) => {
    let tables: DumpTables;
    beforeAll(async () => {
      tables = await decodeDump(bytes());
    });

    test('every pointer word: objects, frames, data, bss', () => {
      const values = new Values();
      values.pushWords(tables.objectFields);
      values.pushWords(tables.stackFrames);
      values.pushWords(tables.data);
      values.pushWords(tables.bss);
      expect(values.length).toBeGreaterThan(0);
      expectSameAnswers(tables.objects, ...values.columns(), 'pointer words');
    });

    test('object boundaries, random offsets, 0 and 2^64 - 1', () => {
      const values = boundaryValues(tables.objects, seededRandom(SEED), 2);
      expectSameAnswers(tables.objects, ...values.columns(), 'boundary values');
    });
  });

  describe('synthetic tables', () => {
    const next = seededRandom(SEED + 1);
    const tables: [string, () => ObjectTable][] = [
      ['empty', () => objectTable([], [])],
      ['one object at 0', () => objectTable([0n], [16])],
      ['one object ending at 2^64', () => objectTable([(1n << 64n) - 16n], [16])],
      ['objects at 0 and ending at 2^64', () => objectTable([0n, 16n, (1n << 64n) - 32n, (1n << 64n) - 16n], [16, 8, 16, 16])],
      ['below 2^53, overlapping', () => syntheticTable(0xc000000000n, 20_000, next)],
      ['across 2^53', () => syntheticTable((1n << 53n) - 1_000_000n, 20_000, next)],
      ['above 2^60, overlapping', () => syntheticTable((1n << 60n) + 12345n, 20_000, next)],
      ['ending near 2^64', () => syntheticTable((1n << 64n) - 3_000_000n, 10_000, next)],
      ['spread over the whole range', () => {
        const starts = Array.from({ length: 5_000 }, () =>
          (BigInt(Math.floor(next() * TWO_POW_32)) << 32n) | BigInt(Math.floor(next() * TWO_POW_32)));
        starts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        return objectTable(starts, starts.map(() => Math.floor(next() * TWO_POW_32)));
      }],
      ['one huge object and many small ones inside it', () => {
        const starts = [0x7f0000000000n, ...Array.from({ length: 1000 }, (_, i) => 0x7f0000000000n + BigInt(i) * 4096n)];
        return objectTable(starts, [0xffffffff, ...starts.slice(1).map(() => 16)]);
      }],
    ];

    test.each(tables)('%s', (_label, make) => {
      const objects = make();
      const values = boundaryValues(objects, next, 3);
      for (let i = 0; i < 2000; i++) {
        values.pushBig((BigInt(Math.floor(next() * TWO_POW_32)) << 32n) | BigInt(Math.floor(next() * TWO_POW_32)));
      }
      expectSameAnswers(objects, ...values.columns(), 'boundary and random values');
    });
  });

  describe('batch sizes', () => {
    const objects = syntheticTable(0xc000000000n, 50_000, seededRandom(SEED + 2));
    const values = boundaryValues(objects, seededRandom(SEED + 3), 1);

    test.each([0, 1, 2, 65535, 65536, 65537, BIG_BATCH])('%d values', (length) => {
      expectSameAnswers(objects, ...values.columns(length), `a batch of ${length}`);
    });

    test('many batches on one resolver', () => {
      const [lo, hi] = values.columns(200_000);
      const expected = new Int32Array(lo.length);
      new JsPointerResolver(objects).resolve(lo, hi, expected);
      for (const { name, create } of resolverBackends()) {
        const resolver = create(objects);
        const out = new Int32Array(lo.length).fill(-2);
        for (let first = 0, step = 1; first < lo.length; first += step, step = step * 3 + 1) {
          const end = Math.min(lo.length, first + step);
          resolver.resolve(lo.subarray(first, end), hi.subarray(first, end), out.subarray(first, end));
        }
        resolver.close();
        const differs = out.findIndex((answer, i) => answer !== expected[i]);
        if (differs >= 0) throw new Error(`${name}: value ${differs} differs (seed ${SEED})`);
      }
    });
  });
});
