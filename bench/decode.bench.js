#!/usr/bin/env node
// Decode throughput per available backend (native, wasm, js), with the npm `benchmark` package:
//
//   window  the backend alone: decodeWindow over the whole dump in 8 MiB windows
//   dump    the public entry: decodeDump(bytes, { backend }) — decoding plus building the tables
//
// Figures: MB/s of dump bytes (after decompression), objects/s, pointer fields/s.
// Before timing, every backend's window outputs are checked against the js reference's.
//
//   npm run build:ts && node bench/decode.bench.js [options]
//     --fixtures            the committed fixtures and the public go1.5 sample (default: on)
//     --no-fixtures
//     --bigheap SPEC        also a dump from `node scripts/build-fixtures.js --bigheap SPEC`
//                           (repeatable), e.g. shape=pointer-dense,objects=1000000
//     --dump PATH           also this dump file (.gz is decompressed; repeatable)
//     --backends LIST       e.g. native,wasm (default: every available one)
//     --levels LIST         window,dump (default both)
//     --max-time SECONDS    benchmark.js maxTime per case (default 2)
//     --json PATH           also write the rows as JSON
// Prints a markdown table for bench/RESULTS.md.
'use strict';

const fs = require('fs');
const path = require('path');
const { root, requireDist: requireDistFor, readDump, bigheapDump, runBenchmark, machine } = require('./lib/common');

const requireDist = (relative) => requireDistFor(relative, 'decode.bench');
const WINDOW_BYTES = 8 << 20;
const STATE_LENGTH = 8;
const HEADER_VERSIONS = { 'go1.3': 13, 'go1.4': 14, 'go1.5': 15, 'go1.6': 16, 'go1.7': 17 };
const STATUS_DONE = 0;
const STATUS_WINDOW_END = 1;
const STATUS_NEED_MORE = 2;
const STATUS_NEED_MORE_BLOB = 3;
const STATUS_OUTPUT_FULL = 4;

function parseArguments(argv) {
  const options = { fixtures: true, bigheaps: [], dumps: [], backends: null, levels: ['window', 'dump'], maxTime: 2, json: null };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    const value = () => {
      if (index + 1 >= argv.length) throw new Error(`${argument} needs a value`);
      return argv[++index];
    };
    if (argument === '--fixtures') options.fixtures = true;
    else if (argument === '--no-fixtures') options.fixtures = false;
    else if (argument === '--bigheap') options.bigheaps.push(value());
    else if (argument === '--dump') options.dumps.push(value());
    else if (argument === '--backends') options.backends = value().split(',');
    else if (argument === '--levels') options.levels = value().split(',');
    else if (argument === '--max-time') options.maxTime = Number(value());
    else if (argument === '--json') options.json = value();
    else throw new Error(`unknown option ${argument}`);
  }
  return options;
}

function collectDumps(options) {
  const files = [];
  if (options.fixtures) {
    const fixtures = path.join(root, 'test', 'fixtures', 'dumps');
    for (const name of fs.readdirSync(fixtures).sort()) {
      if (name.endsWith('.heapdump.gz')) files.push(path.join(fixtures, name));
    }
    const sample = path.join(root, '..', 'shared', 'testdata', 'go1.5.1-darwin-amd64.heapdump');
    if (fs.existsSync(sample)) files.push(sample);
  }
  for (const spec of options.bigheaps) files.push(bigheapDump(spec));
  files.push(...options.dumps);
  return files.map((file) => ({ name: path.basename(file).replace(/\.gz$/, ''), bytes: readDump(file) }));
}

/** Decodes the whole dump window by window, as decodeDump does, folding outputs into `sink`. */
async function decodeWindows(decoder, bytes, sink) {
  const headerEnd = bytes.indexOf(0x0a) + 1;
  const headerVersion = HEADER_VERSIONS[bytes.subarray(0, 5).toString('latin1')];
  const state = new Int32Array(STATE_LENGTH);
  state[0] = headerVersion;
  let start = headerEnd;
  let length = Math.min(WINDOW_BYTES, bytes.length - start);
  for (;;) {
    const output = await decoder.decodeWindow(bytes.subarray(start, start + length), start, state);
    sink(output);
    start += output.consumed;
    const atEnd = start + (length - output.consumed) >= bytes.length;
    if (output.status === STATUS_OUTPUT_FULL) {
      length = Math.min(WINDOW_BYTES, bytes.length - start); // drained: go on after what it decoded
      continue;
    }
    if (output.status === STATUS_DONE || output.status > STATUS_NEED_MORE_BLOB || atEnd) return output.status;
    // A window grows only when not even one record fits in it (as in decodeDump).
    const stuck = output.consumed === 0 && output.status !== STATUS_WINDOW_END;
    length = Math.min(stuck ? Math.max(2 * length, WINDOW_BYTES) : WINDOW_BYTES, bytes.length - start);
  }
}

/** Counts and a hash of every output word, to check that backends agree before timing them. */
async function fingerprint(backend, bytes) {
  const decoder = backend.createDecoder();
  let hash = 0x811c9dc5;
  const mix = (array) => {
    const words = new Uint32Array(array.buffer, array.byteOffset, array.byteLength / 4);
    for (let i = 0; i < words.length; i++) hash = Math.imul(hash ^ words[i], 0x01000193) >>> 0;
  };
  let objects = 0;
  let fields = 0;
  let status;
  try {
    status = await decodeWindows(decoder, bytes, (output) => {
      objects += output.objectCount;
      fields += output.fieldCount;
      for (const key of ['objectAddressLo', 'objectAddressHi', 'objectSize', 'objectContentOffset', 'objectFirstWordLo',
        'objectFirstWordHi', 'objectFieldCount', 'fieldOffset', 'fieldValueLo', 'fieldValueHi', 'stream']) mix(output[key]);
      hash = Math.imul(hash ^ output.status ^ (output.consumed * 31), 0x01000193) >>> 0;
    });
  } finally {
    decoder.close();
  }
  return { objects, fields, status, hash };
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const { decodeDump } = requireDist('decode/decode.js');
  const { backendStatus } = requireDist('decode/select.js');
  const { jsBackend } = requireDist('decode/js/decoder.js');
  const backends = [];
  for (const name of options.backends || ['native', 'wasm', 'js']) {
    const status = backendStatus(name);
    if (!status.available) {
      console.error(`decode.bench: skipping ${name}: ${status.error}`);
      continue;
    }
    const loaders = { native: ['decode/native.js', 'loadNativeBackend'], wasm: ['decode/wasm.js', 'loadWasmBackend'] };
    const backend = name === 'js' ? jsBackend : requireDist(loaders[name][0])[loaders[name][1]]().backend;
    backends.push(backend);
  }
  const dumps = collectDumps(options);
  console.error(`decode.bench: ${machine()}; ${dumps.length} dumps; backends ${backends.map((b) => b.name).join(', ')}`);

  const rows = [];
  for (const dump of dumps) {
    const reference = await fingerprint(jsBackend, dump.bytes);
    for (const backend of backends) {
      const print = await fingerprint(backend, dump.bytes);
      const agrees = print.hash === reference.hash && print.objects === reference.objects && print.status === reference.status;
      if (!agrees) console.error(`decode.bench: ${backend.name} DISAGREES with js on ${dump.name}`);
      for (const level of options.levels) {
        let fn;
        if (level === 'window') {
          fn = async () => {
            const decoder = backend.createDecoder();
            try {
              await decodeWindows(decoder, dump.bytes, () => {});
            } finally {
              decoder.close();
            }
          };
        } else if (level === 'dump') {
          fn = () => decodeDump(dump.bytes, { backend: backend.name });
        } else {
          throw new Error(`unknown level ${level}`);
        }
        const stats = await runBenchmark(`${backend.name} ${level} ${dump.name}`, fn, options.maxTime);
        const seconds = stats.mean;
        const row = {
          dump: dump.name,
          megabytes: dump.bytes.length / 1e6,
          backend: backend.name,
          level,
          meanMs: seconds * 1e3,
          rmePercent: stats.rme,
          samples: stats.sample.length,
          megabytesPerSecond: dump.bytes.length / 1e6 / seconds,
          objectsPerSecond: reference.objects / seconds,
          fieldsPerSecond: reference.fields / seconds,
          agrees,
        };
        rows.push(row);
        console.error(`  ${row.backend.padEnd(6)} ${level.padEnd(6)} ${dump.name}: ${row.megabytesPerSecond.toFixed(0)} MB/s ` +
          `(${row.meanMs.toFixed(2)} ms ±${row.rmePercent.toFixed(1)}%)`);
      }
    }
    rows.push(null); // a blank line between dumps
  }

  const millions = (value) => (value / 1e6).toFixed(2);
  const lines = [
    `Machine: ${machine()}`,
    '',
    '| dump | MB | backend | level | ms (±rme) | MB/s | M objects/s | M pointer fields/s |',
    '|---|---:|---|---|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    if (row === null) continue;
    lines.push(`| ${row.dump} | ${row.megabytes.toFixed(2)} | ${row.backend} | ${row.level} | ${row.meanMs.toFixed(2)} (±${row.rmePercent.toFixed(1)}%) ` +
      `| ${row.megabytesPerSecond.toFixed(0)} | ${millions(row.objectsPerSecond)} | ${millions(row.fieldsPerSecond)} |${row.agrees ? '' : ' DISAGREES'}`);
  }
  console.log(lines.join('\n'));
  if (options.json) {
    fs.writeFileSync(options.json, `${JSON.stringify({ machine: machine(), at: new Date().toISOString(), rows: rows.filter(Boolean) }, null, 2)}\n`);
  }
}

main().catch((error) => {
  console.error(`decode.bench: ${error.stack || error}`);
  process.exit(1);
});
