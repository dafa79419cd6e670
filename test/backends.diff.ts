// Differential tests: every backend must produce the same tables, or the same error at the
// same byte offset, as the js reference, on real dumps and on many corrupted ones.

import { readFileSync } from 'fs';
import { gunzipSync } from 'zlib';
import { decodeDump, type DecodeOptions } from '../ts/decode/decode';
import { backendStatus } from '../ts/decode/select';
import type { BackendName } from '../ts/decode/backend';
import { listFixtures, PUBLIC_SAMPLE } from './support/fixtures';
import { outcomeDifference, outcomeOf } from './support/compare-tables';
import { randomDump, seededRandom } from './support/dump-writer';

const OTHERS: BackendName[] = ['native', 'wasm'];
const MUTATIONS = Number(process.env.GOHEAP_MUTATIONS ?? 1200);
// A new seed each run explores more; a failure names its seed, replayed with GOHEAP_DIFF_SEED.
const SEED = Number(process.env.GOHEAP_DIFF_SEED ?? (Date.now() % 1_000_000));

function decodeWith(backend: BackendName, bytes: Uint8Array, options: DecodeOptions = {}) {
  return outcomeOf(() => decodeDump(bytes, { ...options, backend }));
}

async function expectAgreement(bytes: Uint8Array, options: DecodeOptions = {}): Promise<void> {
  const reference = await decodeWith('js', bytes, options);
  for (const backend of OTHERS) {
    const other = await decodeWith(backend, bytes, options);
    const difference = outcomeDifference(reference, other);
    if (difference !== null) {
      throw new Error(`${backend} differs from js (window ${options.windowSize ?? 'default'}, `
        + `salvage ${options.salvage ?? false}): ${difference}`);
    }
  }
}

function readDump(path: string): Uint8Array {
  const raw = readFileSync(path);
  return path.endsWith('.gz') ? gunzipSync(raw) : raw;
}

/** The dump's first whole records up to about `bytes`, closed with an EOF record. */
async function prefixDump(dump: Uint8Array, bytes: number): Promise<Uint8Array> {
  const cut = dump.subarray(0, Math.min(bytes, dump.length));
  const tables = await decodeDump(cut, { backend: 'js', salvage: true });
  const kept = tables.salvage === null ? cut.length : tables.salvage.keptBytes;
  const out = new Uint8Array(kept + 1);
  out.set(dump.subarray(0, kept));
  out[kept] = 0; // EOF
  return out;
}

function mutate(base: Uint8Array, next: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(next() * n);
  const headerEnd = base.indexOf(0x0a) + 1;
  const at = headerEnd + pick(base.length - headerEnd);
  switch (pick(7)) {
    case 0: { // flip bits of a few bytes
      const out = base.slice();
      for (let i = 0, n = 1 + pick(4); i < n; i++) out[headerEnd + pick(base.length - headerEnd)] ^= 1 << pick(8);
      return out;
    }
    case 1: { // a byte set to a varint-significant value
      const out = base.slice();
      out[at] = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x12, 0x08][pick(7)];
      return out;
    }
    case 2: // truncation
      return base.subarray(0, at);
    case 3: { // a run of 0xff (an overlong varint)
      const run = 9 + pick(4);
      const out = new Uint8Array(base.length + run);
      out.set(base.subarray(0, at));
      out.fill(0xff, at, at + run);
      out.set(base.subarray(at), at + run);
      return out;
    }
    case 4: { // random bytes inserted
      const extra = 1 + pick(16);
      const out = new Uint8Array(base.length + extra);
      out.set(base.subarray(0, at));
      for (let i = 0; i < extra; i++) out[at + i] = pick(256);
      out.set(base.subarray(at), at + extra);
      return out;
    }
    case 5: { // a span deleted
      const end = Math.min(base.length, at + 1 + pick(64));
      const out = new Uint8Array(base.length - (end - at));
      out.set(base.subarray(0, at));
      out.set(base.subarray(end), at);
      return out;
    }
    default: { // a span copied over another place
      const out = base.slice();
      const from = headerEnd + pick(base.length - headerEnd);
      const length = Math.min(1 + pick(200), base.length - Math.max(from, at));
      out.copyWithin(at, from, from + length);
      return out;
    }
  }
}

describe('backends agree with the js reference', () => {
  test.each(OTHERS)('the %s backend is available (not skipped)', (backend) => {
    const status = backendStatus(backend);
    if (!status.available) throw new Error(`${backend} backend unavailable: ${status.error}`);
  });

  test('the public go1.5.1 sample, default and small windows', async () => {
    const dump = readDump(PUBLIC_SAMPLE);
    await expectAgreement(dump);
    await expectAgreement(dump, { windowSize: 4096 });
    await expectAgreement(dump, { windowSize: 64 });
  });

  for (const fixture of listFixtures()) {
    test(`fixture ${fixture.name} (${fixture.goVersion}${fixture.fresh ? ', fresh' : ''})`, async () => {
      const dump = readDump(fixture.path);
      await expectAgreement(dump);
      await expectAgreement(dump, { windowSize: 65536 });
    });
  }

  test('300 synthetic dumps of every format version, 32/64-bit, both byte orders', async () => {
    const next = seededRandom(SEED + 1);
    const windows = [64, 100, 1000, 65536];
    const versions = new Set<string>();
    for (let seed = 1; seed <= 300; seed++) {
      const w = randomDump(seed, 60);
      versions.add(`${w.version}/${w.ptrSize}/${w.bigEndian}`);
      const options = { windowSize: windows[Math.floor(next() * windows.length)] };
      try {
        await expectAgreement(w.bytes(), options);
      } catch (error) {
        throw new Error(`randomDump(${seed}): ${(error as Error).message}`);
      }
    }
    expect(versions.size).toBe(20); // 5 versions × 2 pointer sizes × 2 byte orders
  });

  test(`${MUTATIONS} mutated dumps (seed ${SEED}; replay with GOHEAP_DIFF_SEED)`, async () => {
    const sources = [readDump(PUBLIC_SAMPLE), ...listFixtures().filter((f) => !f.fresh).map((f) => readDump(f.path))];
    const next = seededRandom(SEED);
    const bases: Uint8Array[] = [];
    for (const dump of sources) {
      for (const size of [3000, 20000, 60000]) bases.push(await prefixDump(dump, size));
    }
    for (let seed = 1000; seed < 1040; seed++) bases.push(randomDump(seed, 30).bytes());
    const windows = [64, 100, 1000, 4096, 65536];
    for (let i = 0; i < MUTATIONS; i++) {
      const base = bases[i % bases.length];
      const dump = mutate(base, next);
      const options: DecodeOptions = {
        windowSize: windows[Math.floor(next() * windows.length)],
        salvage: next() < 0.5,
      };
      try {
        await expectAgreement(dump, options);
      } catch (error) {
        throw new Error(`mutation ${i} of base ${i % bases.length} (seed ${SEED}): ${(error as Error).message}`);
      }
    }
  });
});
