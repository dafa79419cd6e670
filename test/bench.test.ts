// `goheap bench`'s library function (ts/bench/decode-bench.ts) on the public sample with a tiny
// time budget: the shape of its report, never its timings. And the native bare scan (the
// benchmarks' ceiling) against the js reference decoder: same end, status and counts.

import { benchDump, CEILING } from '../ts/bench/decode-bench';
import type { BackendName, WindowOutput } from '../ts/decode/backend';
import { jsBackend } from '../ts/decode/js/decoder';
import { nativeScan } from '../ts/decode/native';
import { backendStatus } from '../ts/decode/select';
import { STATE_LENGTH, StateIndex } from '../ts/decode/status';
import { randomDump } from './support/dump-writer';
import { PUBLIC_SAMPLE } from './support/fixtures';

const BACKENDS: BackendName[] = ['native', 'wasm', 'js'];

describe('benchDump (goheap bench)', () => {
  it('reports every available backend at every level, with the ceiling when native is there', async () => {
    const report = await benchDump(PUBLIC_SAMPLE, { budgetSeconds: 0.001, minSamples: 1 });
    const available = BACKENDS.filter((name) => backendStatus(name).available);
    expect(available).toContain('js');
    expect(report.dump.bytes).toBe(1130129);
    expect(report.dump.header).toBe('go1.5 heap dump');
    expect(report.dump.objects).toBeGreaterThan(0);
    expect(report.dump.pointerFields).toBeGreaterThan(0);
    for (const backend of available) {
      for (const level of ['window', 'file', 'tables']) {
        const row = report.rows.find((r) => r.backend === backend && r.level === level);
        expect(row).toBeDefined();
        expect(row!.agrees).toBe(true);
        expect(row!.samples).toBeGreaterThanOrEqual(1);
        expect(row!.meanSeconds).toBeGreaterThan(0);
        expect(row!.bytesPerSecond).toBeGreaterThan(0);
        expect(row!.objectsPerSecond).toBeGreaterThan(0);
        expect(row!.pointerFieldsPerSecond).toBeGreaterThan(0);
        expect(row!.peakRssBytes).toBeGreaterThan(0);
      }
    }
    for (const skipped of BACKENDS.filter((name) => !available.includes(name))) {
      expect(report.skipped.map((s) => s.backend)).toContain(skipped);
    }
    if (nativeScan() !== null) {
      expect(report.ceiling).not.toBeNull();
      expect(report.ceilingMissing).toBeNull();
      expect(report.ceiling!.memoryBytesPerSecond).toBeGreaterThan(0);
      expect(report.ceiling!.fileBytesPerSecond).toBeGreaterThan(0);
      for (const level of ['scan', 'read+scan']) {
        expect(report.rows.some((r) => r.backend === CEILING && r.level === level && r.agrees)).toBe(true);
      }
      for (const row of report.rows) expect(row.ceilingShare).toBeGreaterThan(0);
    } else if (backendStatus('native').available) {
      throw new Error('the native addon loads but has no scan: rebuild it (npm run build:native)');
    } else {
      expect(report.ceiling).toBeNull();
      expect(report.ceilingMissing).toMatch(/native/);
    }
  });

  it('runs only the backends and levels asked for', async () => {
    const report = await benchDump(PUBLIC_SAMPLE, { backends: ['js'], levels: ['window'], ceiling: false, budgetSeconds: 0.001, minSamples: 1 });
    expect(report.rows.map((r) => `${r.backend} ${r.level}`)).toEqual(['js window']);
    expect(report.ceiling).toBeNull();
  });
});

const scan = nativeScan();
const describeScan = scan !== null ? describe : describe.skip;

describeScan('native scan (the ceiling) against the js decoder', () => {
  /** One call of each on `body` (a dump without its header line); their results side by side. */
  function both(body: Uint8Array, headerVersion: number) {
    const scanState = new Int32Array(STATE_LENGTH);
    scanState[StateIndex.HeaderVersion] = headerVersion;
    const decodeState = scanState.slice();
    const scanned = scan!(body, scanState);
    const decoder = jsBackend.createDecoder();
    // The js decoder answers synchronously.
    const decoded = decoder.decodeWindow(body, 0, decodeState) as WindowOutput;
    decoder.close();
    return {
      scan: [scanned.status, scanned.consumed, scanned.errorOffset, scanned.objects, scanned.pointerFields, ...scanState],
      decode: [decoded.status, decoded.consumed, decoded.errorOffset, decoded.objectCount, decoded.fieldCount, ...decodeState],
    };
  }

  it('agrees on random valid dumps of every version, their every prefix and single-byte damage', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const writer = randomDump(seed);
      const bytes = writer.bytes();
      const headerEnd = bytes.indexOf(0x0a) + 1;
      const body = bytes.subarray(headerEnd);
      const version = writer.version;
      const whole = both(body, version);
      expect(whole.scan).toEqual(whole.decode);
      expect(whole.scan[0]).toBe(0);
      for (let cut = 0; cut < body.length; cut += Math.max(1, Math.floor(body.length / 40))) {
        const part = both(body.subarray(0, cut), version);
        expect(part.scan).toEqual(part.decode);
      }
      const damaged = body.slice();
      const at = (seed * 7919) % damaged.length;
      damaged[at] ^= 0x80 | seed;
      const broken = both(damaged, version);
      expect(broken.scan).toEqual(broken.decode);
    }
  });
});
