#!/usr/bin/env node
// The decoder benchmark suite (`npm run bench`): every available backend (native, wasm, js) on
// generated dumps of four shapes, against the bare-scan ceiling (native/core/scan.h), then the
// end-to-end graph stages (bench/graph.bench.js) on the same dumps.
//
//   npm run bench [-- options]
//     (default)          sizes that finish in a few minutes on a 2-core machine
//     --full             the large ones: ~1 GB content-heavy, 5M-object pointer-dense, …
//     --quick            (or GOHEAP_BENCH_QUICK=1) small dumps and tiny time budgets: checks
//                        that the suite runs end to end; its figures mean nothing
//     --backends LIST    e.g. native,wasm (default: every available one)
//     --shapes LIST      pointer-dense,content-heavy,goroutines,deep-list (default: all four)
//     --max-time SECONDS benchmark.js maxTime per case (default 1; quick 0.01; full 2)
//     --no-stages        skip the end-to-end stages
//
// Dumps: `node scripts/build-fixtures.js --bigheap shape=…,seed=1` (cached in bench/cache/;
// without a Go toolchain the committed fixtures and the public sample are used instead).
// Each dump × backend runs in its own process (bench/lib/decode-child.js), so peak RSS is
// that run's own. Prints markdown (the tables of `goheap bench`); writes the figures to
// bench/results/decode-<default|full>.json (quick runs: bench/cache/results-quick.json).
'use strict';

const childProcess = require('child_process');
const fs = require('fs');
const path = require('path');
const { root, requireDist, bigheapDump, machine } = require('./lib/common');
const { runStages, formatStages } = require('./lib/stages');

const SHAPES = ['pointer-dense', 'content-heavy', 'goroutines', 'deep-list'];
/** bigheap sizes per suite; content-heavy is sized in bytes, the others in objects (goroutines: goroutines). */
const SUITES = {
  quick: {
    sizes: { 'pointer-dense': 'objects=20000', 'content-heavy': 'bytes=4000000', goroutines: 'objects=200', 'deep-list': 'objects=20000' },
    maxTime: 0.01, minSamples: 2,
  },
  default: {
    sizes: { 'pointer-dense': 'objects=1000000', 'content-heavy': 'bytes=200000000', goroutines: 'objects=10000', 'deep-list': 'objects=500000' },
    maxTime: 1, minSamples: 5,
  },
  full: {
    sizes: { 'pointer-dense': 'objects=5000000', 'content-heavy': 'bytes=1000000000', goroutines: 'objects=50000', 'deep-list': 'objects=2000000' },
    maxTime: 2, minSamples: 3,
  },
};
const SEED = 1;
/** What failed during the run; any makes the exit status 1 (CI runs the quick suite). */
const failures = [];
// The decoder issues' targets, checked on the file level (reading the file included).
const TARGETS = {
  nativeContentHeavyBytesPerSecond: 1.5e9,
  nativePointerDenseFieldsPerSecond: 50e6,
  wasmShareOfNative: 0.5,
};

function log(line) {
  process.stderr.write(`bench: ${line}\n`);
}

function parseArguments(argv) {
  const options = {
    suite: process.env.GOHEAP_BENCH_QUICK === '1' ? 'quick' : 'default',
    backends: null, shapes: SHAPES, maxTime: null, stages: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value`);
      return argv[++i];
    };
    const arg = argv[i];
    if (arg === '--quick') options.suite = 'quick';
    else if (arg === '--full') options.suite = 'full';
    else if (arg === '--backends') options.backends = value().split(',');
    else if (arg === '--shapes') options.shapes = value().split(',');
    else if (arg === '--max-time') options.maxTime = Number(value());
    else if (arg === '--no-stages') options.stages = false;
    else throw new Error(`unknown option ${arg} (see the top of bench/run.js)`);
  }
  for (const shape of options.shapes) if (!SHAPES.includes(shape)) throw new Error(`unknown shape ${shape}`);
  return options;
}

function newestMtime(dir, filter) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(file, filter));
    else if (filter(entry.name)) newest = Math.max(newest, fs.statSync(file).mtimeMs);
  }
  return newest;
}

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

/** Builds the wasm module and the TypeScript when dist/ is missing or older than ts/. */
function ensureBuilt() {
  const run = (what, args) => {
    log(what);
    const result = childProcess.spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.status !== 0) throw new Error(`${what} failed`);
  };
  if (!fs.existsSync(path.join(root, 'ts', 'decode', 'wasm-module.ts'))) {
    run('building the wasm module (npm run build:wasm)', [path.join(root, 'scripts', 'build-wasm.js')]);
  }
  const sources = newestMtime(path.join(root, 'ts'), (name) => name.endsWith('.ts'));
  const built = Math.min(mtime(path.join(root, 'dist', 'index.js')), mtime(path.join(root, 'dist', 'bench', 'decode-bench.js')));
  if (built < sources) {
    run('dist/ is older than ts/: building it (tsc -p tsconfig.json)',
      [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json']);
  }
}

/** The suite's dumps: generated bigheap ones, or the committed ones without Go. */
function collectDumps(suite, shapes) {
  const dumps = [];
  for (const shape of shapes) {
    const spec = `shape=${shape},${SUITES[suite].sizes[shape]},seed=${SEED}`;
    try {
      log(`dump ${spec}`);
      dumps.push({ shape, spec, file: bigheapDump(spec) });
    } catch (error) {
      log(`cannot generate ${spec}: ${error.message}`);
    }
  }
  if (dumps.length === 0) {
    log('no generated dump (is Go installed?): using the committed fixture and the public sample instead');
    const fallbacks = [
      path.join(root, 'test', 'fixtures', 'dumps', 'linked-go1.26.8-amd64.heapdump.gz'),
      path.join(root, '..', 'shared', 'testdata', 'go1.5.1-darwin-amd64.heapdump'),
      path.join(root, 'testdata', 'sample.heapdump.gz'),
    ];
    for (const file of fallbacks) if (fs.existsSync(file)) dumps.push({ shape: null, spec: null, file });
  }
  return dumps;
}

/** Runs bench/lib/decode-child.js; returns its report, or null (after saying why). */
function runChild(dump, backends, ceiling, suite, maxTime) {
  const args = [path.join(__dirname, 'lib', 'decode-child.js'), '--dump', dump.file,
    '--backends', backends.length === 0 ? 'none' : backends.join(','),
    '--max-time', String(maxTime), '--min-samples', String(SUITES[suite].minSamples)];
  if (!ceiling) args.push('--no-ceiling');
  const result = childProcess.spawnSync(process.execPath, args, {
    cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20,
  });
  if (result.status !== 0) {
    const what = `${path.basename(dump.file)} ${backends.join(',') || 'ceiling'}: the child failed (exit ${result.status})`;
    log(what);
    failures.push(what);
    return null;
  }
  return JSON.parse(result.stdout.trim().split('\n').pop());
}

/** One report per dump from the ceiling's and each backend's child reports. */
function mergeReports(parts) {
  // A report without rows (the ceiling's child without a native scan) says only why.
  const reports = parts.filter((report) => report && report.rows.length > 0);
  if (reports.length === 0) return null;
  const merged = { ...reports[0], rows: [], skipped: [] };
  const ceilingReport = reports.find((r) => r.ceiling !== null);
  merged.ceiling = ceilingReport ? ceilingReport.ceiling : null;
  merged.ceilingMissing = ceilingReport ? null : (parts[0] && parts[0].ceilingMissing) || 'the ceiling run failed';
  const reference = reports[0].dump;
  for (const report of reports) {
    const agrees = report.dump.objects === reference.objects && report.dump.pointerFields === reference.pointerFields &&
      report.dump.bytes === reference.bytes;
    for (const row of report.rows) merged.rows.push({ ...row, agrees: row.agrees && agrees });
    merged.skipped.push(...report.skipped);
  }
  const memory = merged.ceiling ? merged.ceiling.memoryBytesPerSecond : null;
  const file = merged.ceiling ? merged.ceiling.fileBytesPerSecond : null;
  for (const row of merged.rows) {
    const ceiling = row.level === 'window' || row.level === 'scan' ? memory : file;
    row.ceilingShare = ceiling ? row.bytesPerSecond / ceiling : null;
  }
  return merged;
}

function findRow(report, backend, level) {
  return report ? report.rows.find((row) => row.backend === backend && row.level === level) : undefined;
}

/** The decoder issues' targets against this run's figures (file level: reading the file included). */
function checkTargets(results) {
  const byShape = (shape) => results.find((r) => r.shape === shape);
  const lines = [];
  const checks = [];
  const content = findRow(byShape('content-heavy')?.report, 'native', 'file');
  if (content) {
    const ok = content.bytesPerSecond >= TARGETS.nativeContentHeavyBytesPerSecond;
    checks.push({ target: 'native ≥ 1.5 GB/s on content-heavy (file)', value: content.bytesPerSecond, ok });
    lines.push(`- native, content-heavy, file level: ${(content.bytesPerSecond / 1e9).toFixed(2)} GB/s (target ≥ 1.5): ${ok ? 'met' : 'NOT met'}`);
  }
  const dense = findRow(byShape('pointer-dense')?.report, 'native', 'file');
  if (dense) {
    const ok = dense.pointerFieldsPerSecond >= TARGETS.nativePointerDenseFieldsPerSecond;
    checks.push({ target: 'native ≥ 50 M pointer fields/s on pointer-dense (file)', value: dense.pointerFieldsPerSecond, ok });
    lines.push(`- native, pointer-dense, file level: ${(dense.pointerFieldsPerSecond / 1e6).toFixed(1)} M pointer fields/s (target ≥ 50): ${ok ? 'met' : 'NOT met'}`);
  }
  for (const result of results) {
    // Judged with the file read (as the other targets); the decoder-alone ratio is shown beside it.
    const ratio = (level) => {
      const native = findRow(result.report, 'native', level);
      const wasm = findRow(result.report, 'wasm', level);
      return native && wasm ? wasm.bytesPerSecond / native.bytesPerSecond : null;
    };
    const file = ratio('file');
    if (file === null) continue;
    const window = ratio('window');
    const ok = file >= TARGETS.wasmShareOfNative;
    checks.push({ target: `wasm ≥ 50% of native (${result.name}, file)`, value: file, ok });
    lines.push(`- wasm / native, ${result.name}, file level: ${(file * 100).toFixed(0)}% (target ≥ 50%): ${ok ? 'met' : 'NOT met'}` +
      (window === null ? '' : `; decoder alone (window level): ${(window * 100).toFixed(0)}%`));
  }
  return { lines, checks };
}

async function main() {
  const started = Date.now();
  const options = parseArguments(process.argv.slice(2));
  const suite = SUITES[options.suite];
  const maxTime = options.maxTime ?? suite.maxTime;
  ensureBuilt();
  const { backendStatus } = requireDist('decode/select.js', 'bench');
  const { formatBenchReport, describeMachine, BENCH_LEGEND } = requireDist('cli/bench-table.js', 'bench');
  const { machineInfo } = requireDist('bench/decode-bench.js', 'bench');

  const backends = [];
  const unavailable = [];
  for (const name of options.backends || ['native', 'wasm', 'js']) {
    const status = backendStatus(name);
    if (status.available) backends.push(name);
    else unavailable.push({ backend: name, reason: status.error });
  }
  for (const u of unavailable) log(`skipping ${u.backend}: ${u.reason}`);
  const dumps = collectDumps(options.suite, options.shapes);
  log(`${options.suite} suite: ${dumps.length} dumps, backends ${backends.join(', ')}; ${machine()}`);

  const results = [];
  for (const dump of dumps) {
    const name = dump.spec ? `bigheap ${dump.spec}` : path.basename(dump.file);
    log(`${name}: ceiling`);
    const parts = [runChild(dump, [], true, options.suite, maxTime)];
    for (const backend of backends) {
      log(`${name}: ${backend}`);
      parts.push(runChild(dump, [backend], false, options.suite, maxTime));
    }
    const report = mergeReports(parts);
    const stages = [];
    if (options.stages) {
      for (const backend of backends) {
        log(`${name}: stages (${backend})`);
        const run = runStages(dump.file, backend);
        if (run.error) failures.push(`${name}: stages (${backend}): ${run.error}`);
        stages.push(run);
      }
    }
    results.push({ name, shape: dump.shape, spec: dump.spec, file: path.relative(root, dump.file), report, stages });
  }

  const targets = checkTargets(results);
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const out = [];
  out.push(`## npm run bench (${options.suite}), ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  out.push('');
  out.push(`Command: \`${command}\``);
  out.push(`Machine: ${describeMachine(machineInfo())}`);
  if (options.suite === 'quick') out.push('QUICK MODE: small dumps, tiny time budgets; the figures mean nothing.');
  for (const u of unavailable) out.push(`Skipped backend ${u.backend}: ${u.reason}`);
  out.push('');
  out.push('### Decode throughput');
  for (const result of results) {
    out.push('');
    out.push(`#### ${result.name}`);
    out.push('');
    out.push(result.report ? formatBenchReport(result.report, { machine: false }) : 'every run failed (see stderr)');
  }
  out.push('');
  out.push(BENCH_LEGEND);
  if (options.stages) {
    out.push('');
    out.push('### End-to-end stages (bench/graph.bench.js, one run each)');
    for (const result of results) {
      out.push('');
      out.push(`#### ${result.name}`);
      out.push('');
      out.push(formatStages(result.stages));
    }
    out.push('');
    out.push('Seconds per stage and RSS above the process baseline after it (MiB); peak = peak RSS of that run (MiB).');
  }
  if (targets.lines.length > 0) {
    out.push('');
    out.push('### Targets of the decoder issues');
    out.push('');
    if (options.suite === 'quick') out.push('(quick mode: not judged)');
    out.push(...targets.lines);
  }
  const seconds = (Date.now() - started) / 1e3;
  out.push('');
  out.push(`Suite time: ${seconds.toFixed(0)} s.`);
  console.log(out.join('\n'));

  const json = {
    kind: `decode-${options.suite}`,
    command,
    at: new Date().toISOString(),
    machine: machineInfo(),
    suite: options.suite,
    maxTime,
    backends,
    unavailable,
    dumps: results,
    targets: targets.checks,
    failures,
    seconds,
  };
  const file = options.suite === 'quick'
    ? path.join(root, 'bench', 'cache', 'results-quick.json')
    : path.join(root, 'bench', 'results', `decode-${options.suite}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  log(`wrote ${path.relative(root, file)} (${seconds.toFixed(0)} s)`);
  if (results.length === 0) failures.push('no dump to run on');
  for (const failure of failures) log(`FAILED: ${failure}`);
  process.exit(failures.length > 0 ? 1 : 0);
}

main().catch((error) => {
  console.error(`bench: ${error.stack || error}`);
  process.exit(1);
});
