// Shared by the benchmark scripts (bench/run.js, bench/decode.bench.js, bench/lib/*.js):
// the compiled library, dumps from scripts/build-fixtures.js, the `benchmark` package as a
// sampler, the machine line.
'use strict';

const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');

const root = path.resolve(__dirname, '..', '..');
const dist = path.join(root, 'dist');

/** A module of the compiled library (dist/), or exit 2 saying how to build it. */
function requireDist(relative, who = 'bench') {
  const file = path.join(dist, relative);
  if (!fs.existsSync(file)) {
    console.error(`${who}: ${path.relative(root, file)} is missing; run \`npm run build:ts\` first`);
    process.exit(2);
  }
  return require(file);
}

/** A dump's bytes; gzip is decompressed. */
function readDump(file) {
  const raw = fs.readFileSync(file);
  return raw[0] === 0x1f && raw[1] === 0x8b ? zlib.gunzipSync(raw) : raw;
}

/**
 * The dump `node scripts/build-fixtures.js --bigheap SPEC` writes (built on first use, then
 * cached in bench/cache/go<version>/). Throws when it cannot be built (no Go toolchain).
 */
function bigheapDump(spec) {
  const result = childProcess.spawnSync(process.execPath, [path.join(root, 'scripts', 'build-fixtures.js'), '--bigheap', spec], {
    cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
  });
  const file = (result.stdout || '').trim().split('\n').pop();
  if (result.status !== 0 || !file || !fs.existsSync(file)) throw new Error(`build-fixtures --bigheap ${spec} failed`);
  return file;
}

/** Times `fn` (returning a promise) with the npm `benchmark` package; resolves to its stats. */
function runBenchmark(name, fn, maxTime, minSamples = 5) {
  const Benchmark = require('benchmark');
  return new Promise((resolve, reject) => {
    const bench = new Benchmark(name, {
      defer: true,
      maxTime,
      minSamples,
      fn(deferred) {
        fn().then(() => deferred.resolve(), (error) => { bench.error = error; deferred.resolve(); });
      },
      onComplete() {
        if (bench.error) reject(bench.error);
        else resolve(bench.stats);
      },
    });
    bench.run({ async: true });
  });
}

/** A sampler for dist/bench/decode-bench.js benchDump, built on runBenchmark. */
function benchmarkSampler(minSamples = 5) {
  return async (name, run, budgetSeconds) => {
    const stats = await runBenchmark(name, run, budgetSeconds, minSamples);
    return { meanSeconds: stats.mean, rmePercent: stats.rme, samples: stats.sample.length };
  };
}

function machine() {
  const cpus = os.cpus();
  return `${cpus[0] ? cpus[0].model.trim() : 'unknown CPU'} × ${cpus.length}, ${os.platform()} ${os.release()}, Node ${process.version}`;
}

module.exports = { root, dist, requireDist, readDump, bigheapDump, runBenchmark, benchmarkSampler, machine };
