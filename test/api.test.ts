// The embedding API: openDump and the Dump it resolves to, run once per backend project.
// Decoding (wasm, js) and dominators run in worker threads; these tests check the results
// equal the in-process ones, that aborts stop the worker, that the event loop keeps turning,
// and that concurrent opens do not interfere.

import { execFileSync } from 'child_process';
import { copyFileSync, createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { Readable } from 'stream';
import { join } from 'path';
import { decodeDump } from '../ts/decode/decode';
import { HeapGraph } from '../ts/graph/heap-graph';
import { openDump, TableMemoryError, type Dump } from '../ts/index';
import { buildGraph } from '../ts/api/graph-build';
import { liveWorkerCount } from '../ts/api/worker-host';
import { topRetainers } from '../ts/analysis/retainers';
import { bigDump, BIG_HEAP_START, BIG_OBJECT_SIZE } from './support/big-dump';
import { firstDifference } from './support/compare-tables';
import type { DumpTables } from '../ts/tables/dump-tables';
import { listFixtures, packageSample, parseAddress, REPO_ROOT } from './support/fixtures';

const fixtures = listFixtures({ fresh: false });
const BIG_OBJECTS = 550_000; // about 24 MB of dump

let big: Buffer;
beforeAll(() => {
  big = bigDump(BIG_OBJECTS);
});

/**
 * The same value with its typed arrays made in this realm: what a worker posts arrives with the
 * main realm's constructors, and jest runs tests in a realm of their own.
 */
function inThisRealm<T>(value: T): T {
  if (ArrayBuffer.isView(value)) {
    const Type = (globalThis as unknown as Record<string, new (source: ArrayBufferView) => T>)[value.constructor.name];
    return new Type(value);
  }
  if (typeof value !== 'object' || value === null || value.constructor.name !== 'Object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, inThisRealm(item)])) as T;
}

function sameTables(a: DumpTables, b: DumpTables): string | null {
  return firstDifference(inThisRealm({ ...a, strings: { bytes: a.strings.bytes, start: a.strings.start } }),
    inThisRealm({ ...b, strings: { bytes: b.strings.bytes, start: b.strings.start } }));
}

function isAbortError(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'AbortError';
}

describe('openDump › same tables as decodeDump', () => {
  test.each(fixtures.slice(0, 3).map((f) => [f.path]))('%s from a path, a buffer and a stream', async (file) => {
    const expected = await decodeDump(file);
    for (const source of [file, readFileSync(file), createReadStream(file)]) {
      const dump = await openDump(source);
      expect(sameTables(dump.tables, expected)).toBeNull();
      expect(dump.backend).toBe(process.env.GOHEAP_BACKEND);
      dump.close();
    }
  });
});

describe('openDump › the Dump', () => {
  const fixture = packageSample();
  let dump: Dump;
  beforeAll(async () => {
    dump = await openDump(fixture.path);
  });
  afterAll(() => dump.close());

  test('summary', () => {
    const summary = dump.summary();
    expect(summary.objects.count).toBe(dump.tables.objects.count);
    expect(summary.header).toMatch(/heap dump$/);
  });

  test('graph: dominators and retained sizes as computed in-process', async () => {
    const graph = await dump.graph();
    const reference = new HeapGraph(dump.tables);
    expect(Buffer.compare(Buffer.from(graph.immediateDominator().buffer), Buffer.from(reference.immediateDominator().buffer))).toBe(0);
    expect(Array.from(graph.retainedBytes())).toEqual(Array.from(reference.retainedBytes()));
    expect(await dump.graph()).toBe(graph); // computed once
    const report = await dump.topRetainers(5);
    expect(report.objects.map((o) => o.retainedBytes)).toEqual(topRetainers(reference, 5).objects.map((o) => o.retainedBytes));
  });

  test('dominators from the worker thread equal the in-process ones', async () => {
    const fromWorker = await buildGraph(dump.tables, undefined, 0);
    const reference = new HeapGraph(dump.tables);
    expect(firstDifference(inThisRealm(fromWorker.immediateDominator()), inThisRealm(reference.immediateDominator()))).toBeNull();
    expect(firstDifference(inThisRealm(fromWorker.retainedBytes()), inThisRealm(reference.retainedBytes()))).toBeNull();
    expect(firstDifference(inThisRealm(fromWorker.retainedCount()), inThisRealm(reference.retainedCount()))).toBeNull();
    expect(liveWorkerCount()).toBe(0);
  });

  test('histogram, goroutines, object', async () => {
    const histogram = await dump.histogram({ by: 'shape', limit: 5 });
    expect(histogram.groups.length).toBeLessThanOrEqual(5);
    expect(histogram.totalCount).toBeGreaterThan(0);
    const goroutines = await dump.goroutines();
    expect(goroutines.goroutines.length).toBe(dump.tables.goroutines.count);
    const first = parseAddress(`0x${((BigInt(dump.tables.objects.addressHi[0]) << 32n) | BigInt(dump.tables.objects.addressLo[0])).toString(16)}`);
    const object = await dump.object(first + 1n);
    expect(object).not.toBeNull();
    expect(object!.address).toBe(first);
    expect(object!.size).toBe(dump.tables.objects.size[0]);
    expect(await dump.object('0x1')).toBeNull();
  });

  test('close lets go of the tables', async () => {
    const other = await openDump(fixture.path);
    other.close();
    expect(() => other.tables).toThrow(/closed/);
    await expect(other.graph()).rejects.toThrow(/closed/);
  });
});

describe('openDump › abort', () => {
  test('an abort mid-decode rejects with AbortError and leaves no worker running', async () => {
    const controller = new AbortController();
    let windows = 0;
    const opening = openDump(big, {
      signal: controller.signal,
      windowSize: 64 << 10,
      onProgress: () => {
        if (++windows === 2) controller.abort();
      },
    });
    const error = await opening.catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
    expect(error).toBeInstanceOf(DOMException);
    expect(windows).toBeGreaterThanOrEqual(2);
    expect(liveWorkerCount()).toBe(0);
  });

  test('an onProgress that throws stops the decode with its error', async () => {
    const error = await openDump(big, { windowSize: 64 << 10, onProgress: () => { throw new Error('no thanks'); } })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe('no thanks');
    expect(liveWorkerCount()).toBe(0);
  });

  test('a stream of string chunks and small pooled buffers', async () => {
    const file = packageSample().path;
    const expected = await decodeDump(file);
    const bytes = readFileSync(file);
    // Small Buffer.from copies share Node's pool: moving one to the worker must not detach it.
    const pieces = Array.from({ length: Math.ceil(bytes.length / 1000) }, (_, i) => Buffer.from(bytes.subarray(i * 1000, (i + 1) * 1000)));
    const dump = await openDump(Readable.from(pieces));
    expect(sameTables(dump.tables, expected)).toBeNull();
    dump.close();
    const witness = Buffer.from('still here');
    expect(witness.toString()).toBe('still here');
  });

  test('an aborted signal rejects before any work', async () => {
    const error = await openDump(big, { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
    expect(liveWorkerCount()).toBe(0);
  });

  test('an abort while dominators compute rejects with AbortError and stops the worker', async () => {
    const dump = await openDump(big);
    const controller = new AbortController();
    const graph = buildGraph(dump.tables, controller.signal, 0);
    setImmediate(() => controller.abort());
    const error = await graph.catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
    expect(liveWorkerCount()).toBe(0);
    dump.close();
  });
});

describe('openDump › the event loop keeps turning', () => {
  test('timers fire while a large dump decodes and its dominators compute', async () => {
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 1);
    let dump: Dump;
    try {
      dump = await openDump(big);
      expect(ticks).toBeGreaterThan(0);
      ticks = 0;
      const graph = await dump.graph();
      expect(ticks).toBeGreaterThan(0);
      expect(graph.retainedBytes()[0]).toBe(BIG_OBJECTS * BIG_OBJECT_SIZE);
    } finally {
      clearInterval(timer);
    }
    const top = await dump.object(BIG_HEAP_START + 40n);
    expect(top!.retainedCount).toBeGreaterThan(1);
    dump.close();
  });
});

describe('openDump › concurrency', () => {
  test('three concurrent opens equal three sequential ones', async () => {
    const files = fixtures.slice(0, 3).map((f) => f.path);
    const sequential = [];
    for (const file of files) {
      const dump = await openDump(file);
      sequential.push({ tables: dump.tables, retained: (await dump.graph()).retainedBytes() });
    }
    const concurrent = await Promise.all(files.map(async (file) => {
      const dump = await openDump(file);
      return { tables: dump.tables, retained: (await dump.graph()).retainedBytes() };
    }));
    for (let i = 0; i < files.length; i++) {
      expect(sameTables(concurrent[i].tables, sequential[i].tables)).toBeNull();
      expect(firstDifference(inThisRealm(concurrent[i].retained), inThisRealm(sequential[i].retained))).toBeNull();
    }
  });
});

describe('openDump › maxTableBytes', () => {
  test('a cap below what the tables need rejects with the numbers', async () => {
    const error = await openDump(big, { maxTableBytes: 1 << 20, windowSize: 1 << 20 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TableMemoryError);
    const use = (error as TableMemoryError).use;
    expect(use.maxTableBytes).toBe(1 << 20);
    expect(use.tableBytes).toBeGreaterThan(1 << 20);
    expect(use.bytesDecoded).toBeLessThan(big.length);
    expect((error as Error).message).toMatch(/maxTableBytes = 1048576 bytes/);
    expect(liveWorkerCount()).toBe(0);
  });

  test('a cap above it opens the dump', async () => {
    const dump = await openDump(big, { maxTableBytes: 256 << 20 });
    expect(dump.tables.objects.count).toBe(BIG_OBJECTS);
    dump.close();
  });

  test('unknown options are named', async () => {
    await expect(openDump(big, { maxTableByte: 1 } as never)).rejects.toThrow(/unknown option "maxTableByte"/);
  });
});

describe('the built package', () => {
  // Built into a temporary package folder (each backend project builds its own, so parallel
  // projects never write the same files), used from a scratch folder through node_modules.
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  let root: string;
  let packageDir: string;
  let scratch: string;
  let bigFile: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'goheap-package-'));
    packageDir = join(root, 'goheap');
    scratch = join(root, 'scratch');
    mkdirSync(join(scratch, 'node_modules'), { recursive: true });
    execFileSync(process.execPath, [tsc, '-p', join(REPO_ROOT, 'tsconfig.json'), '--outDir', join(packageDir, 'dist')]);
    copyFileSync(join(REPO_ROOT, 'package.json'), join(packageDir, 'package.json'));
    symlinkSync(join(REPO_ROOT, 'build'), join(packageDir, 'build'));
    symlinkSync(packageDir, join(scratch, 'node_modules', 'goheap'));
    bigFile = join(root, 'big.heapdump');
    writeFileSync(bigFile, big);
  }, 120000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function node(script: string, name: string): string {
    const file = join(scratch, name);
    writeFileSync(file, script);
    return execFileSync(process.execPath, [file], { cwd: scratch, encoding: 'utf8', env: process.env });
  }

  const cjs = (dump: string) => `
const goheap = require('goheap');
goheap.openDump(${JSON.stringify(dump)}).then(async (dump) => {
  const top = await dump.topRetainers(1);
  console.log(JSON.stringify({ objects: dump.tables.objects.count, backend: dump.backend, top: top.objects.length,
    names: ['openDump', 'decodeDump', 'TableMemoryError', 'DumpFormatError'].filter((n) => typeof goheap[n] === 'function') }));
  dump.close();
});
`;
  const esm = (dump: string) => `
import { openDump, DumpFormatError } from 'goheap';
import goheap from 'goheap';
const dump = await openDump(${JSON.stringify(dump)});
console.log(JSON.stringify({ objects: dump.tables.objects.count, backend: dump.backend,
  same: goheap.openDump === openDump, errors: typeof DumpFormatError }));
dump.close();
`;

  test('require() and import() both work', () => {
    const fixture = packageSample();
    const expected = { backend: process.env.GOHEAP_BACKEND };
    const required = JSON.parse(node(cjs(fixture.path), 'use.cjs'));
    expect(required).toMatchObject({ backend: expected.backend, top: 1,
      names: ['openDump', 'decodeDump', 'TableMemoryError', 'DumpFormatError'] });
    const imported = JSON.parse(node(esm(fixture.path), 'use.mjs'));
    expect(imported).toEqual({ objects: required.objects, backend: expected.backend, same: true, errors: 'function' });
  });

  test('both work with the proposed "exports" map too', () => {
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
    manifest.exports = {
      '.': { types: './dist/index.d.ts', require: './dist/index.js', import: './dist/index.js', default: './dist/index.js' },
      './package.json': './package.json',
    };
    writeFileSync(join(packageDir, 'package.json'), JSON.stringify(manifest, null, 2));
    const fixture = packageSample();
    expect(JSON.parse(node(cjs(fixture.path), 'exports.cjs')).names).toContain('openDump');
    expect(JSON.parse(node(esm(fixture.path), 'exports.mjs')).same).toBe(true);
  });

  test("the README's example: a large dump opens while a timer keeps firing, another is aborted", () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## As a library'));
    const example = /```js\n([\s\S]*?)```/.exec(section)![1];
    expect(example).toContain("'service.heapdump.gz'");
    const script = example.replace("'service.heapdump.gz'", JSON.stringify(bigFile)).replace("'other.heapdump'", JSON.stringify(bigFile));
    const output = node(script, 'example.mjs');
    const ticks = /\((\d+) timer ticks meanwhile\)/.exec(output);
    expect(ticks).not.toBeNull();
    expect(Number(ticks![1])).toBeGreaterThan(0);
    expect(output).toContain(`${BIG_OBJECTS} objects; top root: big tree`);
    expect(output.trim().split('\n').pop()).toBe('AbortError');
  });
});
