#!/usr/bin/env node
// End-to-end graph benchmark: decode → address index → edges → dominators (with reachability) →
// retained sizes, stage by stage, with wall times and memory above the process baseline.
//
//   npm run build:ts && node --expose-gc bench/graph.bench.js [--backend NAME] DUMP|--bigheap SPEC
//     --bigheap SPEC  a dump from `node scripts/build-fixtures.js --bigheap SPEC`,
//                     e.g. shape=pointer-dense,objects=10000000
//     --json PATH     also write the figures as JSON
// Prints a markdown block for bench/RESULTS.md. One run per invocation: each stage runs once
// on data too large to repeat cheaply; run it several times to see the spread.
'use strict';

const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');

function requireDist(relative) {
  const file = path.join(root, 'dist', relative);
  if (!fs.existsSync(file)) {
    console.error(`graph.bench: ${path.relative(root, file)} is missing; run \`npm run build:ts\` first`);
    process.exit(2);
  }
  return require(file);
}

function parseArguments(argv) {
  const options = { backend: 'auto', dump: null, bigheap: null, json: null };
  for (let i = 0; i < argv.length; i++) {
    const value = () => argv[++i];
    if (argv[i] === '--backend') options.backend = value();
    else if (argv[i] === '--bigheap') options.bigheap = value();
    else if (argv[i] === '--json') options.json = value();
    else if (!argv[i].startsWith('--')) options.dump = argv[i];
    else throw new Error(`unknown option ${argv[i]}`);
  }
  if (options.bigheap !== null) {
    const out = childProcess.execFileSync(process.execPath,
      [path.join(root, 'scripts/build-fixtures.js'), '--bigheap', options.bigheap], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    options.dump = out.trim().split('\n').pop();
  }
  if (options.dump === null) throw new Error('name a dump or --bigheap SPEC');
  return options;
}

/** Bytes of every typed array reachable from `value` (each buffer counted once). */
function arrayBytes(value, seen = new Set()) {
  if (value === null || typeof value !== 'object' || seen.has(value)) return 0;
  seen.add(value);
  if (ArrayBuffer.isView(value)) {
    if (seen.has(value.buffer)) return 0;
    seen.add(value.buffer);
    return value.buffer.byteLength;
  }
  let total = 0;
  for (const key of Object.keys(value)) total += arrayBytes(value[key], seen);
  return total;
}

function megabytes(bytes) {
  return Math.round(bytes / (1 << 20));
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const { decodeDump } = requireDist('decode/decode.js');
  const { HeapGraph } = requireDist('graph/heap-graph.js');
  const gc = global.gc ?? (() => {});
  gc();
  const baseline = process.memoryUsage().rss;
  const stages = [];
  let last = process.hrtime.bigint();
  const mark = (stage, seconds) => {
    gc();
    stages.push({ stage, seconds, rssAboveBaselineMB: megabytes(process.memoryUsage().rss - baseline) });
  };
  last = process.hrtime.bigint();
  const tables = await decodeDump(options.dump, { backend: options.backend });
  mark('decode', Number(process.hrtime.bigint() - last) / 1e9);
  // The graph reports its own stages: addressIndex, edges, dominators, retained.
  const graph = new HeapGraph(tables, { onStage: (stage, seconds) => mark(stage, seconds) });
  graph.retainedBytes();
  const total = stages.reduce((sum, s) => sum + s.seconds, 0);
  const objects = graph.objectCount;
  const edges = graph.edgeCount;
  const fields = tables.objectFields.fieldOffset.length;
  const finalAbove = process.memoryUsage().rss - baseline;
  const seen = new Set();
  const tableBytes = arrayBytes(tables, seen);
  const graphBytes = arrayBytes(graph, seen);
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const budget = 64 * objects + 16 * edges;
  const result = {
    dump: path.relative(process.cwd(), options.dump),
    dumpBytes: tables.dumpBytes,
    backend: tables.backend,
    objects, fields, edges,
    stages,
    totalSeconds: total,
    peakRssMB: megabytes(peakRss),
    baselineRssMB: megabytes(baseline),
    retainedAboveBaselineMB: megabytes(finalAbove),
    tableArraysMB: megabytes(tableBytes),
    graphArraysMB: megabytes(graphBytes),
    budgetMB: megabytes(budget),
    bytesPerObjectAndEdge: { perObject: 64, perEdge: 16 },
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
  };
  console.log(`### ${result.dump} (${result.backend})`);
  console.log(`${objects.toLocaleString('en-US')} objects, ${fields.toLocaleString('en-US')} pointer fields,`
    + ` ${edges.toLocaleString('en-US')} edges, ${megabytes(result.dumpBytes)} MiB dump; ${result.cpu} × ${result.cores}, node ${result.node}`);
  console.log('');
  console.log('| stage | seconds | RSS above baseline (MiB) |');
  console.log('|---|---|---|');
  for (const s of stages) console.log(`| ${s.stage} | ${s.seconds.toFixed(2)} | ${s.rssAboveBaselineMB} |`);
  console.log(`| **total** | **${total.toFixed(2)}** | peak RSS ${result.peakRssMB} MiB (baseline ${result.baselineRssMB}) |`);
  console.log('');
  console.log(`Typed arrays held: tables ${result.tableArraysMB} MiB + graph ${result.graphArraysMB} MiB`
    + ` = ${result.tableArraysMB + result.graphArraysMB} MiB; budget 64 B/object + 16 B/edge = ${result.budgetMB} MiB.`);
  console.log(`RSS held at the end above baseline: ${result.retainedAboveBaselineMB} MiB.`);
  if (options.json !== null) fs.writeFileSync(options.json, `${JSON.stringify(result, null, 2)}\n`);
}

main().catch((error) => {
  console.error(`graph.bench: ${error.stack ?? error}`);
  process.exit(1);
});
