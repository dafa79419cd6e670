// The wasm backend itself: module instantiation, independent instances, windows larger than
// initial linear memory, OUTPUT_FULL with tiny output columns, column growth for one big
// record, and decoding through windows from 64 bytes up. (Agreement with the js reference on
// every column is test/backends.diff.ts.)

import { existsSync, readFileSync } from 'fs';
import { resolve } from 'path';
import type { WindowDecoder, WindowOutput } from '../ts/decode/backend';
import { decodeDump } from '../ts/decode/decode';
import { DecodeStatus, STATE_LENGTH, StateIndex } from '../ts/decode/status';
import { createWasmDecoder, loadWasmBackend, type WasmDecoderOptions } from '../ts/decode/wasm';
import { outcomeDifference, outcomeOf } from './support/compare-tables';
import { DumpWriter, sampleMemStats, type HeaderVersion } from './support/dump-writer';

const PUBLIC_SAMPLE = resolve(__dirname, '../../shared/testdata/go1.5.1-darwin-amd64.heapdump');
const HEAP = 0xc000000000;

/** Everything a run of windows appended, copied out, plus the last result and the state. */
interface Run {
  columns: Record<string, number[]>;
  calls: number;
  statuses: number[];
  last: Pick<WindowOutput, 'status' | 'errorOffset' | 'errorTag' | 'recordOffset'>;
  state: number[];
}

const COLUMNS = [
  'objectAddressLo', 'objectAddressHi', 'objectSize', 'objectContentOffset', 'objectFirstWordLo',
  'objectFirstWordHi', 'objectFieldCount', 'fieldOffset', 'fieldValueLo', 'fieldValueHi', 'stream',
] as const;

/**
 * Feeds `dump` (header included) to `decoder` in windows of `windowSize` bytes, moving on
 * after WINDOW_END and OUTPUT_FULL and doubling the window when one record does not fit.
 */
function decodeAll(decoder: WindowDecoder, dump: Uint8Array, version: HeaderVersion, windowSize = 1 << 20): Run {
  const state = new Int32Array(STATE_LENGTH);
  state[StateIndex.HeaderVersion] = version;
  const columns: Record<string, number[]> = Object.fromEntries(COLUMNS.map((c) => [c, []]));
  const statuses: number[] = [];
  let position = dump.indexOf(0x0a) + 1;
  let size = windowSize;
  let out: WindowOutput;
  for (;;) {
    const end = Math.min(dump.length, position + size);
    out = decoder.decodeWindow(dump.subarray(position, end), position, state) as WindowOutput;
    statuses.push(out.status);
    for (const column of COLUMNS) columns[column].push(...out[column]);
    position += out.consumed;
    if (out.status === DecodeStatus.WindowEnd || out.status === DecodeStatus.OutputFull) {
      if (position < dump.length) continue;
    } else if (out.status === DecodeStatus.NeedMore || out.status === DecodeStatus.NeedMoreBlob) {
      if (end < dump.length) {
        if (out.consumed === 0) size *= 2;
        continue;
      }
    }
    break;
  }
  return {
    columns,
    calls: statuses.length,
    statuses,
    last: { status: out.status, errorOffset: out.errorOffset, errorTag: out.errorTag, recordOffset: out.recordOffset },
    state: Array.from(state),
  };
}

function wasmDecoder(options?: WasmDecoderOptions): WindowDecoder {
  return createWasmDecoder(options);
}

/** A go1.5-style dump: Params, `objects` objects with pointers, types, MemStats, roots, EOF. */
function sampleDump(objects: number, version: HeaderVersion = 15): DumpWriter {
  const writer = new DumpWriter({ version });
  writer.header().params({ heapStart: HEAP, heapEnd: HEAP + 0x100000, ncpu: 2 });
  writer.type({ address: 0x4a0000, size: 24, name: 'main.node', ptrData: true });
  for (let i = 0; i < objects; i++) {
    const size = 16 + (i % 5) * 8;
    const words = [{ offset: 0, value: HEAP + ((i * 48) % 0x10000) }];
    if (size >= 24) words.push({ offset: 8, value: 0xffff_ffff_0000 + i });
    writer.object({ address: HEAP + i * 48, contents: { size, words, fill: i & 0xff } });
  }
  writer.memStats(sampleMemStats(3));
  writer.data({ address: 0x500000, contents: { size: 32, words: [{ offset: 16, value: HEAP }] } });
  writer.otherRoot({ description: 'finalizer queue', pointer: HEAP + 48 });
  return writer.eof();
}

describe('wasm › module', () => {
  test('loads, is memoised and names itself wasm', () => {
    const first = loadWasmBackend();
    expect(first.error).toBeNull();
    expect(first.backend?.name).toBe('wasm');
    expect(loadWasmBackend()).toBe(first);
  });

  test('the embedded module was built from the current assembly/ sources', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { WASM_SOURCE_HASH } = require('../ts/decode/wasm-module') as { WASM_SOURCE_HASH: string };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { sourceHash } = require('../scripts/build-wasm.js') as { sourceHash: () => string };
    expect(WASM_SOURCE_HASH).toBe(sourceHash()); // else: npm run build:wasm
  });

  test('imports nothing and exports only numbers-in, numbers-out functions and memory', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { WASM_BASE64 } = require('../ts/decode/wasm-module') as { WASM_BASE64: string };
    const module = new WebAssembly.Module(Buffer.from(WASM_BASE64, 'base64'));
    expect(WebAssembly.Module.imports(module)).toEqual([]);
    expect(WebAssembly.Module.exports(module).map((e) => `${e.name}:${e.kind}`).sort()).toEqual([
      'columnPointer:function', 'decodeWindow:function', 'indexObjects:function', 'limitOutput:function',
      'loadObjects:function', 'memory:memory', 'reserve:function', 'reserveResolver:function',
      'resolveBatch:function', 'resolverBatchPointer:function', 'resolverBatchRows:function',
      'statePointer:function', 'statusPointer:function', 'windowPointer:function',
    ]);
  });

  test('decodes a small dump: objects, pointer words, stream, state', () => {
    const writer = sampleDump(3);
    const run = decodeAll(wasmDecoder(), writer.bytes(), 15);
    expect(run.last.status).toBe(DecodeStatus.Done);
    expect(run.state.slice(0, 6)).toEqual([15, 1, 8, 0, 0, 1]);
    expect(run.columns.objectAddressLo).toEqual([0, 48, 96].map((d) => (HEAP + d) % 2 ** 32));
    expect(run.columns.objectAddressHi).toEqual([0xc0, 0xc0, 0xc0]);
    expect(run.columns.objectSize).toEqual([16, 24, 32]);
    const objectRecords = writer.records.filter((r) => r.kind === 'object');
    expect(run.columns.objectContentOffset).toEqual(objectRecords.map((r) => r.blobOffsets[0]));
    expect(run.columns.objectFieldCount).toEqual([1, 2, 2]);
    expect(run.columns.fieldOffset).toEqual([0, 0, 8, 0, 8]);
    expect(run.columns.fieldValueLo[2]).toBe(0xffff_0000 + 1);
    expect(run.columns.fieldValueHi[2]).toBe(0xffff);
    expect(run.columns.objectFirstWordLo).toEqual(run.columns.fieldValueLo.filter((_, i) => [0, 1, 3].includes(i)));
    // Stream: Params first, then Type, MemStats, Data, OtherRoot, EOF (objects are columns).
    const stream = run.columns.stream;
    expect(stream[0]).toBe(6);
    expect(stream[stream.length - 3]).toBe(0); // EOF tag
    expect(stream[stream.length - 2]).toBe(writer.records[writer.records.length - 1].start);
  });
});

describe('wasm › instances', () => {
  test('several decoders run interleaved without sharing state', () => {
    const dumps = [sampleDump(40).bytes(), sampleDump(7, 16).bytes(), sampleDump(90, 14).bytes()];
    const versions: HeaderVersion[] = [15, 16, 14];
    const solo = dumps.map((dump, i) => decodeAll(wasmDecoder(), dump, versions[i], 100));

    const decoders = dumps.map(() => wasmDecoder());
    const states = versions.map((v) => {
      const state = new Int32Array(STATE_LENGTH);
      state[StateIndex.HeaderVersion] = v;
      return state;
    });
    const positions = dumps.map((d) => d.indexOf(0x0a) + 1);
    const sizes = dumps.map(() => 100);
    const objects = dumps.map(() => [] as number[]);
    const done = dumps.map(() => false);
    while (done.includes(false)) {
      for (let i = 0; i < dumps.length; i++) {
        if (done[i]) continue;
        const end = Math.min(dumps[i].length, positions[i] + sizes[i]);
        const out = decoders[i].decodeWindow(dumps[i].subarray(positions[i], end), positions[i], states[i]) as WindowOutput;
        objects[i].push(...out.objectAddressLo);
        if (out.consumed === 0 && out.status === DecodeStatus.NeedMore) sizes[i] *= 2;
        positions[i] += out.consumed;
        done[i] = out.status === DecodeStatus.Done;
      }
    }
    for (let i = 0; i < dumps.length; i++) {
      expect(objects[i]).toEqual(solo[i].columns.objectAddressLo);
      expect(Array.from(states[i])).toEqual(solo[i].state);
    }
    for (const decoder of decoders) decoder.close();
  });

  test('an instance reused after close carries no output limits or state over', () => {
    const dump = sampleDump(10).bytes();
    const limited = wasmDecoder({ outputLimits: { objects: 1, fields: 1, streamWords: 4 } });
    expect(decodeAll(limited, dump, 15).statuses).toContain(DecodeStatus.OutputFull);
    limited.close();
    for (let i = 0; i < 3; i++) {
      const decoder = wasmDecoder();
      const run = decodeAll(decoder, dump, 15);
      expect(run.statuses).toEqual([DecodeStatus.Done]);
      expect(run.columns.objectSize.length).toBe(10);
      decoder.close();
    }
  });

  test('a closed decoder refuses to decode', () => {
    const decoder = wasmDecoder();
    decoder.close();
    expect(() => decoder.decodeWindow(new Uint8Array(1), 0, new Int32Array(STATE_LENGTH))).toThrow(/closed/);
  });
});

describe('wasm › memory growth', () => {
  test('a window larger than initial memory grows memory and views follow', () => {
    const decoder = wasmDecoder();
    // A small window first, so the decoder holds views over the initial buffer.
    const small = sampleDump(2).bytes();
    expect(decodeAll(decoder, small, 15).last.status).toBe(DecodeStatus.Done);

    const size = 3 << 20;
    const writer = new DumpWriter({ version: 17 });
    writer.header().params({ heapStart: HEAP, heapEnd: HEAP + 2 * size, ncpu: 8 });
    const words = [
      { offset: 0, value: HEAP + 8 },
      { offset: size - 8, value: 0x1234_5678_9abc },
      { offset: size / 2, value: HEAP + size },
    ];
    writer.object({ address: HEAP, contents: { size, words, fill: 0x5a } });
    writer.eof();
    const dump = writer.bytes();
    const run = decodeAll(decoder, dump, 17, dump.length); // one window, > 3 MiB
    expect(run.calls).toBe(1);
    expect(run.last.status).toBe(DecodeStatus.Done);
    expect(run.columns.objectSize).toEqual([size]);
    expect(run.columns.objectContentOffset).toEqual([writer.records[1].blobOffsets[0]]);
    expect(run.columns.fieldOffset).toEqual([0, size - 8, size / 2]);
    expect(run.columns.fieldValueLo).toEqual([(HEAP + 8) % 2 ** 32, 0x5678_9abc, (HEAP + size) % 2 ** 32]);
    expect(run.columns.fieldValueHi).toEqual([0xc0, 0x1234, 0xc0]);
    expect(run.last.recordOffset).toBe(dump.length);

    // And small windows again on the grown memory.
    expect(decodeAll(decoder, small, 15)).toEqual(decodeAll(wasmDecoder(), small, 15));
  });
});

describe('wasm › OUTPUT_FULL', () => {
  test('full object columns stop at a record boundary; the rest decodes on the next call', () => {
    const writer = sampleDump(10);
    const dump = writer.bytes();
    const full = decodeAll(wasmDecoder(), dump, 15);
    const tiny = wasmDecoder({ outputLimits: { objects: 4 } });

    const state = new Int32Array(STATE_LENGTH);
    state[StateIndex.HeaderVersion] = 15;
    const start = writer.headerLength;
    const first = tiny.decodeWindow(dump.subarray(start), start, state) as WindowOutput;
    expect(first.status).toBe(DecodeStatus.OutputFull);
    expect(first.objectCount).toBe(4);
    const objectRecords = writer.records.filter((r) => r.kind === 'object');
    expect(start + first.consumed).toBe(objectRecords[3].end);
    expect(first.errorOffset).toBe(objectRecords[3].end);
    expect(first.recordOffset).toBe(objectRecords[3].end);
    expect(first.errorTag).toBe(-1);

    const run = decodeAll(wasmDecoder({ outputLimits: { objects: 4 } }), dump, 15);
    expect(run.statuses).toEqual([DecodeStatus.OutputFull, DecodeStatus.OutputFull, DecodeStatus.Done]);
    expect(run.columns).toEqual(full.columns);
    expect(run.state).toEqual(full.state);
  });

  test.each([
    ['pointer words', { fields: 5 }],
    ['stream words', { streamWords: 600 }],
    ['every group', { objects: 1, fields: 1, streamWords: 4 }],
  ])('tiny %s: same outputs as roomy columns, over several calls', (_, outputLimits) => {
    const dump = sampleDump(60).bytes();
    const full = decodeAll(wasmDecoder(), dump, 15);
    const run = decodeAll(wasmDecoder({ outputLimits }), dump, 15);
    expect(run.statuses).toContain(DecodeStatus.OutputFull);
    expect(run.columns).toEqual(full.columns);
    expect(run.last).toEqual(full.last);
  });

  test('one record larger than the empty columns grows them instead', () => {
    const writer = new DumpWriter({ version: 16 });
    writer.header().params({ heapStart: HEAP, heapEnd: HEAP + 0x10000, ncpu: 1 });
    const words = Array.from({ length: 50 }, (_, i) => ({ offset: i * 8, value: HEAP + i }));
    writer.object({ address: HEAP, contents: { size: 400, words } });
    writer.memStats(sampleMemStats(1));
    writer.eof();
    const dump = writer.bytes();
    const run = decodeAll(wasmDecoder({ outputLimits: { fields: 2, streamWords: 8 } }), dump, 16);
    expect(run.last.status).toBe(DecodeStatus.Done);
    expect(run.columns.fieldOffset).toEqual(words.map((w) => w.offset));
    expect(run.columns.objectFieldCount).toEqual([50]);
    expect(run.columns).toEqual(decodeAll(wasmDecoder(), dump, 16).columns);
  });
});

describe('wasm › windows through decodeDump', () => {
  const sources: Array<[string, () => Uint8Array]> = [
    ['synthetic go1.5 dump', () => sampleDump(300).bytes()],
    ['synthetic go1.7 dump', () => sampleDump(300, 17).bytes()],
  ];
  if (existsSync(PUBLIC_SAMPLE)) sources.push(['public go1.5.1 sample', () => readFileSync(PUBLIC_SAMPLE)]);

  test.each(sources)('%s: 64-byte to 1 MiB windows give the tables of the default window', async (_, read) => {
    const dump = read();
    const reference = await outcomeOf(() => decodeDump(dump, { backend: 'wasm' }));
    for (const windowSize of [64, 100, 4096, 65536, 1 << 20]) {
      const other = await outcomeOf(() => decodeDump(dump, { backend: 'wasm', windowSize }));
      expect(outcomeDifference(reference, other)).toBeNull();
    }
  });

  test('the public sample: 3,057 objects, 696,544 object bytes', async () => {
    if (!existsSync(PUBLIC_SAMPLE)) return;
    const run = decodeAll(wasmDecoder(), readFileSync(PUBLIC_SAMPLE), 15, 65536);
    expect(run.last.status).toBe(DecodeStatus.Done);
    expect(run.columns.objectSize.length).toBe(3057);
    expect(run.columns.objectSize.reduce((sum, n) => sum + n, 0)).toBe(696544);
  });
});
