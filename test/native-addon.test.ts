// The native backend itself: the addon loads, decodes off the main thread, checks its
// arguments and takes back a stopped record's output. It is driven directly (not through
// backend selection), so it behaves the same in every jest project; the cross-backend
// comparison lives in backends.diff.ts.

import { readFileSync } from 'fs';
import { join } from 'path';
import type { Backend, WindowDecoder, WindowOutput } from '../ts/decode/backend';
import { loadNativeBackend } from '../ts/decode/native';
import { DECODE_STATUS_VALUES, DecodeStatus, STATE_LENGTH, StateIndex } from '../ts/decode/status';
import { DumpWriter } from './support/dump-writer';

const PUBLIC_SAMPLE = join(__dirname, '..', '..', 'shared', 'testdata', 'go1.5.1-darwin-amd64.heapdump');

const loaded = loadNativeBackend();
// The native project and CI require the addon; elsewhere a missing build skips these tests.
const required = process.env.GOHEAP_BACKEND === 'native' || process.env.CI_EXPECT_NATIVE === '1';
const describeNative = loaded.backend !== null || required ? describe : describe.skip;

function newState(headerVersion: number): Int32Array {
  const state = new Int32Array(STATE_LENGTH);
  state[StateIndex.HeaderVersion] = headerVersion;
  return state;
}

/** A go1.7 dump body (no header line) from `write`, and its file offset. */
function body(write: (writer: DumpWriter) => void): { bytes: Uint8Array; offset: number } {
  const writer = new DumpWriter({ version: 17 }).header();
  const offset = writer.offset;
  write(writer);
  return { bytes: writer.bytes().subarray(offset), offset };
}

const PARAMS = { heapStart: 0xc000000000, heapEnd: 0xc000400000, ncpu: 2 };

describeNative('native backend', () => {
  let backend: Backend;
  let decoder: WindowDecoder;

  beforeAll(() => {
    if (loaded.backend === null) throw new Error(loaded.error ?? 'native backend missing');
    backend = loaded.backend;
  });
  beforeEach(() => {
    decoder = backend.createDecoder();
  });
  afterEach(() => {
    decoder.close();
  });

  test('loads as the backend named native, with the status numbers of status.ts', () => {
    expect(loaded.error).toBeNull();
    expect(backend.name).toBe('native');
    const addon = require(join(__dirname, '..', 'build', 'Release', 'goheap_native.node'));
    expect(addon.decodeStatus).toEqual(DECODE_STATUS_VALUES);
    expect(addon.napiVersion).toBe(8);
  });

  test('decodeWindow returns a promise that resolves to the whole go1.5 sample', async () => {
    const dump = readFileSync(PUBLIC_SAMPLE);
    const start = dump.indexOf(0x0a) + 1;
    const state = newState(15);
    const pending = decoder.decodeWindow(dump.subarray(start), start, state);
    // A promise from the addon's realm: instanceof Promise fails across jest realms.
    expect(typeof (pending as Promise<WindowOutput>).then).toBe('function');
    const output = await pending;
    expect(output.status).toBe(DecodeStatus.Done);
    expect(output.consumed).toBe(dump.length - start);
    expect(output.objectCount).toBe(3057);
    expect(output.objectSize.reduce((sum, size) => sum + size, 0)).toBe(696544);
    let fields = 0;
    for (const count of output.objectFieldCount) fields += count;
    expect(fields).toBe(output.fieldCount);
    expect(Array.from(state.subarray(0, 6))).toEqual([15, 1, 8, 0, 0, 1]);
  });

  test('timers keep firing while a large window decodes (the work is off the main thread)', async () => {
    // One Object record (64 bytes, 8 pointer fields), repeated to about 48 MB, then EOF.
    const words = Array.from({ length: 8 }, (_, index) => ({ offset: index * 8, value: 0xc000001000 + index }));
    const template = body((writer) => writer.object({ address: 0xc000001000, contents: { size: 64, words } }));
    const head = body((writer) => writer.params(PARAMS));
    const recordBytes = template.bytes.length;
    const copies = Math.ceil((48 << 20) / recordBytes);
    const window = new Uint8Array(head.bytes.length + copies * recordBytes + 1);
    window.set(head.bytes, 0);
    for (let copy = 0; copy < copies; copy++) window.set(template.bytes, head.bytes.length + copy * recordBytes);
    window[window.length - 1] = 0; // EOF

    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 1);
    let output: WindowOutput;
    try {
      output = await decoder.decodeWindow(window, head.offset, newState(17));
    } finally {
      clearInterval(timer);
    }
    expect(output.status).toBe(DecodeStatus.Done);
    expect(output.objectCount).toBe(copies);
    expect(output.fieldCount).toBe(copies * 8);
    expect(ticks).toBeGreaterThanOrEqual(1);
  });

  test('a record cut by the window end is taken back whole', async () => {
    const dump = body((writer) => writer
      .params(PARAMS)
      .object({ address: 0xc000002000, contents: { size: 16, words: [{ offset: 8, value: 0xc000002000 }] } })
      .object({ address: 0xc000003000, contents: { size: 32, words: [{ offset: 0, value: 0xc000002008 }] } }));
    const secondObject = dump.bytes.length - (1 + 3 + 32 + 3); // address, length, contents, fields
    const state = newState(17);
    const cut = await decoder.decodeWindow(dump.bytes.subarray(0, dump.bytes.length - 1), dump.offset, state);
    expect(cut.status).toBe(DecodeStatus.NeedMore);
    expect(cut.objectCount).toBe(1);
    expect(cut.fieldCount).toBe(1);
    expect(Array.from(cut.fieldValueLo)).toEqual([0x00002000]);
    expect(Array.from(cut.fieldValueHi)).toEqual([0xc0]);
    expect(cut.consumed).toBeLessThanOrEqual(secondObject);
    expect(cut.recordOffset).toBe(dump.offset + cut.consumed);
    expect(cut.errorTag).toBe(1);
    expect(state[StateIndex.ParamsSeen]).toBe(1);

    const rest = await decoder.decodeWindow(dump.bytes.subarray(cut.consumed), dump.offset + cut.consumed, state);
    expect(rest.status).toBe(DecodeStatus.WindowEnd);
    expect(rest.objectCount).toBe(1);
    expect(rest.objectSize[0]).toBe(32);
    expect(rest.objectContentOffset[0]).toBe(dump.offset + dump.bytes.length - 32 - 3);
  });

  test('a call\'s views may be reused by the next call, and stay readable', async () => {
    const dump = body((writer) => writer
      .params(PARAMS)
      .object({ address: 0xc000004000, contents: { size: 8 } })
      .object({ address: 0xc000005000, contents: { size: 16 } }));
    const state = newState(17);
    const first = await decoder.decodeWindow(dump.bytes, dump.offset, state);
    expect(Array.from(first.objectAddressLo)).toEqual([0x4000, 0x5000]);
    const eof = await decoder.decodeWindow(new Uint8Array([0]), dump.offset + dump.bytes.length, state);
    expect(eof.status).toBe(DecodeStatus.Done);
    expect(eof.objectCount).toBe(0);
    expect(Array.from(eof.stream)).toEqual([0, dump.offset + dump.bytes.length, 0]);
    // The old views keep their lengths; their contents are the decoder's to overwrite.
    expect(first.objectAddressLo.length).toBe(2);
    expect(() => Array.from(first.stream)).not.toThrow();

    // Taking the memory away (transferring it) makes the decoder use new memory.
    structuredClone(eof.stream.buffer, { transfer: [eof.stream.buffer] });
    expect(eof.stream.length).toBe(0);
    const again = await decoder.decodeWindow(dump.bytes, dump.offset, newState(17));
    expect(Array.from(again.objectAddressLo)).toEqual([0x4000, 0x5000]);
  });

  test('wrong arguments reject with a named TypeError or RangeError', async () => {
    const state = newState(17);
    await expect(decoder.decodeWindow([1, 2] as unknown as Uint8Array, 0, state))
      .rejects.toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: expect.stringContaining('window') });
    await expect(decoder.decodeWindow(new Uint8Array(1), -1, state))
      .rejects.toMatchObject({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
    await expect(decoder.decodeWindow(new Uint8Array(1), 0, new Int32Array(3)))
      .rejects.toMatchObject({ name: 'RangeError', message: expect.stringContaining('state') });
    await expect(decoder.decodeWindow(new Uint8Array(1), 0, new Uint32Array(8) as unknown as Int32Array))
      .rejects.toMatchObject({ name: 'TypeError', message: expect.stringContaining('Int32Array') });
  });

  test('one call at a time per decoder; a closed decoder refuses work', async () => {
    const dump = body((writer) => writer.params(PARAMS).eof());
    const first = decoder.decodeWindow(dump.bytes, dump.offset, newState(17));
    await expect(decoder.decodeWindow(dump.bytes, dump.offset, newState(17)))
      .rejects.toMatchObject({ code: 'GOHEAP_DECODER_BUSY' });
    decoder.close(); // while busy: the scratch space goes once the call ends
    expect((await first).status).toBe(DecodeStatus.Done);
    await expect(decoder.decodeWindow(dump.bytes, dump.offset, newState(17)))
      .rejects.toMatchObject({ code: 'GOHEAP_DECODER_CLOSED' });
  });

  test('a closed decoder\'s scratch goes to the next decoder, never shared with the old one', async () => {
    const dump = body((writer) => writer.params(PARAMS).object({ address: 0xc000006000, contents: { size: 8 } }).eof());
    const first = await decoder.decodeWindow(dump.bytes, dump.offset, newState(17));
    expect(first.objectCount).toBe(1);
    decoder.close();
    await expect(decoder.decodeWindow(dump.bytes, dump.offset, newState(17)))
      .rejects.toMatchObject({ code: 'GOHEAP_DECODER_CLOSED' });
    const next = backend.createDecoder();
    try {
      const empty = body((writer) => writer.params(PARAMS).eof());
      const output = await next.decodeWindow(empty.bytes, empty.offset, newState(17));
      expect(output.status).toBe(DecodeStatus.Done);
      expect(output.objectCount).toBe(0);
      expect(output.objectAddressLo.length).toBe(0);
    } finally {
      next.close();
    }
  });

  test('several decoders run at once without sharing output', async () => {
    const dumps = [1, 2, 3].map((count) => body((writer) => {
      writer.params(PARAMS);
      for (let index = 0; index < count; index++) writer.object({ address: 0xc000010000 + index * 16, contents: { size: 16 } });
      writer.eof();
    }));
    const decoders = dumps.map(() => backend.createDecoder());
    try {
      const outputs = await Promise.all(dumps.map((dump, index) => decoders[index].decodeWindow(dump.bytes, dump.offset, newState(17))));
      expect(outputs.map((output) => output.objectCount)).toEqual([1, 2, 3]);
    } finally {
      for (const each of decoders) each.close();
    }
  });
});

describe('native loader', () => {
  test('a missing addon gives one message that says why and what to do', () => {
    const saved = process.env.GOHEAP_NATIVE_ADDON;
    process.env.GOHEAP_NATIVE_ADDON = join(__dirname, 'no-such-dir', 'goheap_native.node');
    try {
      jest.isolateModules(() => {
        const { loadNativeBackend: loadAgain } = require('../ts/decode/native') as typeof import('../ts/decode/native');
        const result = loadAgain();
        expect(result.backend).toBeNull();
        expect(result.error).toMatch(/does not exist/);
        expect(result.error).toMatch(/npm rebuild goheap/);
        expect(loadAgain()).toBe(result); // memoised
      });
    } finally {
      if (saved === undefined) delete process.env.GOHEAP_NATIVE_ADDON;
      else process.env.GOHEAP_NATIVE_ADDON = saved;
    }
  });
});
