#!/usr/bin/env node
// Builds the fixture Go programs (test/fixtures/go/<name>/main.go) with every Go
// toolchain found on this machine and runs them, so each writes a real heap dump:
//
//   test/fixtures/out/go<version>/<name>            the program (kept for --binary tests)
//   test/fixtures/out/go<version>/<name>.heapdump   its dump
//   test/fixtures/out/go<version>/<name>.heapdump.json   what it created (the manifest)
//
// A dump newer than its sources and its toolchain is kept as it is. One line per
// dump goes to stderr. Without any Go toolchain the script says so and exits 0:
// the committed dumps in test/fixtures/dumps still cover the tests.
//
//   node scripts/build-fixtures.js [--force] [--quiet] [--only tour,linked] [--go /path/to/go]
//   node scripts/build-fixtures.js --bigheap shape=pointer-dense,objects=1000000[,bytes=N][,seed=S][,go=1.19]
//   node scripts/build-fixtures.js --update-committed
//
// --quiet prints one summary line instead of one line per cached dump.
// --bigheap builds test/fixtures/go/bigheap (never built otherwise) and writes
// bench/cache/go<version>/bigheap-<shape>-….heapdump; its path is printed on stdout.
// --update-committed rebuilds as needed, then refreshes the gzipped dumps in
// test/fixtures/dumps and the package sample in testdata.
'use strict';

const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');

const REPO_ROOT = path.resolve(__dirname, '..');
const GO_ROOT_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'go');
const OUT_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'out');
const COMMITTED_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'dumps');
const SAMPLE_DIR = path.join(REPO_ROOT, 'testdata');
const BENCH_CACHE_DIR = path.join(REPO_ROOT, 'bench', 'cache');

// Well-known places of extra toolchains (Debian's golang-1.NN-go packages).
const EXTRA_TOOLCHAINS = ['/usr/lib/go-1.19/bin/go'];
const EXTRA_TOOLCHAIN_GLOB_DIR = '/usr/lib';
// Programs that are not fixtures: the shared helper and the benchmark generator.
const NOT_FIXTURES = new Set(['internal', 'bigheap']);
// The go.mod says go 1.19; older toolchains cannot build the programs.
const MIN_GO_MINOR = 19;
const BUILD_TIMEOUT_MS = 10 * 60 * 1000;
const RUN_TIMEOUT_MS = 5 * 60 * 1000;

// What --update-committed copies: every fixture of every toolchain found, and
// the sample the package ships (`npx goheap` without an argument) from the
// newest toolchain.
const SAMPLE_PROGRAM = 'tour';
const BIGHEAP_SHAPES = ['pointer-dense', 'content-heavy', 'goroutines', 'deep-list'];

let quiet = false;
let quietCached = 0;

function log(line) {
  process.stderr.write(`build-fixtures: ${line}\n`);
}

function logCached(line) {
  if (quiet) quietCached++;
  else log(line);
}

function formatBytes(bytes) {
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
  if (bytes >= 1 << 10) return `${(bytes / (1 << 10)).toFixed(1)} KiB`;
  return `${bytes} B`;
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(2)}s`;
}

function mtimeMs(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

/** The environment every go command and fixture program runs with. */
function goEnv() {
  const env = {
    ...process.env,
    GOTOOLCHAIN: 'local', // never download another toolchain
    GOFLAGS: '-mod=mod',
    GOPROXY: 'off',
    GO111MODULE: 'on',
    GOWORK: 'off',
    CGO_ENABLED: '0', // no C compiler needed, static programs
  };
  if (!env.GOCACHE && !env.XDG_CACHE_HOME && !env.HOME) {
    env.GOCACHE = path.join(os.tmpdir(), 'goheap-gocache');
  }
  if (!env.GOPATH && !env.HOME) env.GOPATH = path.join(os.tmpdir(), 'goheap-gopath');
  return env;
}

/** Runs `go env` for one go binary: {goBinary, version, goarch, goos, mtimeMs} or null. */
function describeToolchain(goBinary) {
  const result = childProcess.spawnSync(goBinary, ['env', 'GOVERSION', 'GOARCH', 'GOOS'], {
    env: goEnv(),
    encoding: 'utf8',
    timeout: 60 * 1000,
  });
  if (result.error || result.status !== 0) return null;
  const [version, goarch, goos] = result.stdout.trim().split('\n');
  const match = /^go1\.(\d+)/.exec(version || '');
  if (!match) return null;
  let realBinary = goBinary;
  try {
    realBinary = fs.realpathSync(goBinary);
  } catch {
    // keep the name as given (found on PATH)
  }
  return { goBinary, version, minor: Number(match[1]), goarch, goos, mtimeMs: mtimeMs(realBinary) };
}

function findOnPath(command) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // try the next directory
    }
  }
  return null;
}

/**
 * The Go toolchains to build with, newest first, one per version: `go` on PATH,
 * Debian's /usr/lib/go-1.NN/bin/go, or the --go arguments when given.
 */
function findToolchains(explicit = []) {
  const candidates = [];
  if (explicit.length > 0) {
    candidates.push(...explicit);
  } else {
    const onPath = findOnPath('go');
    if (onPath) candidates.push(onPath);
    candidates.push(...EXTRA_TOOLCHAINS);
    try {
      for (const entry of fs.readdirSync(EXTRA_TOOLCHAIN_GLOB_DIR)) {
        if (/^go-1\.\d+$/.test(entry)) candidates.push(path.join(EXTRA_TOOLCHAIN_GLOB_DIR, entry, 'bin', 'go'));
      }
    } catch {
      // no /usr/lib (not Linux)
    }
  }
  const byVersion = new Map();
  for (const candidate of candidates) {
    if (!fs.existsSync(candidate)) continue;
    const toolchain = describeToolchain(candidate);
    if (!toolchain) {
      log(`skipping ${candidate}: \`go env\` failed`);
      continue;
    }
    if (toolchain.minor < MIN_GO_MINOR) {
      log(`skipping ${candidate}: ${toolchain.version} is older than go1.${MIN_GO_MINOR}`);
      continue;
    }
    if (!byVersion.has(toolchain.version)) byVersion.set(toolchain.version, toolchain);
  }
  return [...byVersion.values()].sort((a, b) => compareVersions(b.version, a.version));
}

function compareVersions(a, b) {
  const parse = (v) => (v.match(/\d+/g) || []).map(Number);
  const pa = parse(a);
  const pb = parse(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] || 0) - (pb[i] || 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Fixture program names: directories under test/fixtures/go with a main.go. */
function listPrograms() {
  return fs
    .readdirSync(GO_ROOT_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !NOT_FIXTURES.has(entry.name))
    .filter((entry) => fs.existsSync(path.join(GO_ROOT_DIR, entry.name, 'main.go')))
    .map((entry) => entry.name)
    .sort();
}

function newestGoSource(dir) {
  let newest = -1;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestGoSource(full));
    else if (entry.name.endsWith('.go')) newest = Math.max(newest, mtimeMs(full));
  }
  return newest;
}

/** The newest mtime among a program's sources, the shared helper and go.mod. */
function sourceMtime(program) {
  return Math.max(
    newestGoSource(path.join(GO_ROOT_DIR, program)),
    newestGoSource(path.join(GO_ROOT_DIR, 'internal')),
    mtimeMs(path.join(GO_ROOT_DIR, 'go.mod')),
  );
}

function goBuild(toolchain, program, binary) {
  fs.mkdirSync(path.dirname(binary), { recursive: true });
  const started = Date.now();
  const result = childProcess.spawnSync(
    toolchain.goBinary,
    ['build', '-trimpath', '-o', binary, `./${program}`],
    { cwd: GO_ROOT_DIR, env: goEnv(), encoding: 'utf8', timeout: BUILD_TIMEOUT_MS },
  );
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : (result.stderr || '').trim();
    throw new Error(`${toolchain.version}: go build ./${program} failed: ${why}`);
  }
  return Date.now() - started;
}

function removeQuietly(file) {
  try {
    fs.unlinkSync(file);
  } catch {
    // already gone
  }
}

function runProgram(toolchain, binary, args, dump) {
  removeQuietly(dump);
  removeQuietly(`${dump}.json`);
  const started = Date.now();
  // The dump holds the process's environment and arguments as heap strings,
  // so the program runs with an empty environment and a relative output path:
  // nothing of this machine ends up in a dump that may be committed.
  const result = childProcess.spawnSync(binary, [...args, path.basename(dump)], {
    cwd: path.dirname(dump),
    env: {},
    encoding: 'utf8',
    timeout: RUN_TIMEOUT_MS,
  });
  if (result.error || result.status !== 0 || !fs.existsSync(`${dump}.json`)) {
    // A half-written dump must not look fresh next time.
    removeQuietly(dump);
    removeQuietly(`${dump}.json`);
    const why = result.error ? result.error.message : `exit ${result.status}: ${(result.stderr || '').trim()}`;
    throw new Error(`${toolchain.version}: ${path.basename(binary)} failed: ${why}`);
  }
  return Date.now() - started;
}

/** True when dump and manifest exist and are newer than sources and toolchain. */
function isFresh(dump, sourcesMtime, toolchain) {
  const dumpMtime = mtimeMs(dump);
  const manifestMtime = mtimeMs(`${dump}.json`);
  return dumpMtime > 0 && manifestMtime >= dumpMtime && dumpMtime > sourcesMtime && dumpMtime > toolchain.mtimeMs;
}

/**
 * Builds and runs one program with one toolchain unless its dump is fresh.
 * Returns {dump, manifest, cached}.
 */
function buildOne(toolchain, program, { force, outDir, binaryName, args = [], dumpName }) {
  const binary = path.join(outDir, binaryName || program);
  const dump = path.join(outDir, dumpName || `${program}.heapdump`);
  const sources = sourceMtime(program);
  const label = path.relative(REPO_ROOT, dump);
  if (!force && isFresh(dump, sources, toolchain)) {
    logCached(`${label} ${formatBytes(fs.statSync(dump).size)} (cached)`);
    return { dump, cached: true };
  }
  let buildMs = 0;
  if (force || mtimeMs(binary) <= Math.max(sources, toolchain.mtimeMs)) {
    buildMs = goBuild(toolchain, program, binary);
  }
  const runMs = runProgram(toolchain, binary, args, dump);
  const size = fs.statSync(dump).size;
  log(`${label} ${formatBytes(size)} (${buildMs ? `built in ${seconds(buildMs)}, ` : ''}ran in ${seconds(runMs)})`);
  return { dump, cached: false };
}

function buildFixtures({ force = false, only = null, toolchains }) {
  const programs = listPrograms().filter((name) => !only || only.includes(name));
  const failures = [];
  const built = [];
  for (const toolchain of toolchains) {
    const outDir = path.join(OUT_DIR, toolchain.version);
    for (const program of programs) {
      try {
        built.push({ toolchain, program, ...buildOne(toolchain, program, { force, outDir }) });
      } catch (error) {
        failures.push(error.message);
        log(`FAILED ${error.message}`);
      }
    }
  }
  return { built, failures };
}

/** Parses "shape=deep-list,objects=1000000,seed=2,go=1.19". */
function parseBigHeapSpec(spec) {
  const options = { shape: 'pointer-dense', objects: 100000, bytes: 64 << 20, seed: 1, go: null };
  for (const part of spec.split(',').filter(Boolean)) {
    const [key, value] = part.split('=');
    if (!(key in options) || value === undefined) throw new Error(`--bigheap: bad option "${part}"`);
    options[key] = key === 'shape' || key === 'go' ? value : Number(value);
    if (key !== 'shape' && key !== 'go' && !(Number.isSafeInteger(options[key]) && options[key] >= 0)) {
      throw new Error(`--bigheap: ${key} must be a non-negative integer`);
    }
  }
  if (!BIGHEAP_SHAPES.includes(options.shape)) {
    throw new Error(`--bigheap: shape must be one of ${BIGHEAP_SHAPES.join(', ')}`);
  }
  return options;
}

function pickToolchain(toolchains, wanted) {
  if (!wanted) return toolchains[0];
  const normalized = wanted.startsWith('go') ? wanted : `go${wanted}`;
  const found = toolchains.find((t) => t.version === normalized || t.version.startsWith(`${normalized}.`));
  if (!found) throw new Error(`no Go toolchain ${normalized} (have ${toolchains.map((t) => t.version).join(', ')})`);
  return found;
}

function buildBigHeap(spec, toolchains, force) {
  const options = parseBigHeapSpec(spec);
  const toolchain = pickToolchain(toolchains, options.go);
  const sizePart = options.shape === 'content-heavy' ? `b${options.bytes}` : `n${options.objects}`;
  const dumpName = `bigheap-${options.shape}-${sizePart}-s${options.seed}-${toolchain.version}.heapdump`;
  const outDir = path.join(BENCH_CACHE_DIR, toolchain.version);
  const args = [
    '-shape', options.shape,
    '-objects', String(options.objects),
    '-bytes', String(options.bytes),
    '-seed', String(options.seed),
  ];
  const { dump } = buildOne(toolchain, 'bigheap', { force, outDir, args, dumpName });
  return dump;
}

/** Name of a committed dump: <name>-go<version>-<goarch>.heapdump.gz */
function committedName(program, toolchain) {
  return `${program}-${toolchain.version}-${toolchain.goarch}.heapdump.gz`;
}

function writeGzippedCopy(dump, target) {
  const gz = zlib.gzipSync(fs.readFileSync(dump), { level: 9 });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, gz);
  const manifest = JSON.parse(fs.readFileSync(`${dump}.json`, 'utf8'));
  manifest.dumpFile = path.basename(target);
  const manifestPath = target.replace(/\.gz$/, '.json');
  fs.writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  log(`${path.relative(REPO_ROOT, target)} ${formatBytes(gz.length)} gzipped`);
  return gz.length;
}

function updateCommitted(built) {
  let total = 0;
  for (const { toolchain, program, dump } of built) {
    total += writeGzippedCopy(dump, path.join(COMMITTED_DIR, committedName(program, toolchain)));
  }
  const newest = built.filter((b) => b.program === SAMPLE_PROGRAM).sort((a, b) => compareVersions(b.toolchain.version, a.toolchain.version))[0];
  if (newest) {
    writeGzippedCopy(newest.dump, path.join(SAMPLE_DIR, 'sample.heapdump.gz'));
  }
  log(`committed dumps: ${formatBytes(total)} gzipped in total`);
}

function parseArgs(argv) {
  const args = { force: false, quiet: false, only: null, go: [], bigheap: [], updateCommitted: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--force') args.force = true;
    else if (arg === '--quiet') args.quiet = true;
    else if (arg === '--only') args.only = value().split(',');
    else if (arg === '--go') args.go.push(value());
    else if (arg === '--bigheap') args.bigheap.push(value());
    else if (arg.startsWith('--bigheap=')) args.bigheap.push(arg.slice('--bigheap='.length));
    else if (arg === '--update-committed') args.updateCommitted = true;
    else if (arg === '--help' || arg === '-h') args.help = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  return args;
}

function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    log(error.message);
    return 2;
  }
  if (args.help) {
    const lines = fs.readFileSync(__filename, 'utf8').split('\n').slice(1);
    const header = lines.slice(0, lines.findIndex((line) => !line.startsWith('//')));
    process.stderr.write(`${header.map((line) => line.replace(/^\/\/ ?/, '')).join('\n')}\n`);
    return 0;
  }
  quiet = args.quiet;
  const toolchains = findToolchains(args.go);
  if (toolchains.length === 0) {
    log('no Go toolchain found (looked for `go` on PATH and /usr/lib/go-1.*/bin/go); ' +
      'only the committed dumps in test/fixtures/dumps are available');
    return 0;
  }
  if (!quiet) log(`toolchains: ${toolchains.map((t) => `${t.version} (${t.goBinary})`).join(', ')}`);

  if (args.bigheap.length > 0) {
    try {
      for (const spec of args.bigheap) process.stdout.write(`${buildBigHeap(spec, toolchains, args.force)}\n`);
    } catch (error) {
      log(`FAILED ${error.message}`);
      return 1;
    }
    return 0;
  }

  const { built, failures } = buildFixtures({ force: args.force, only: args.only, toolchains });
  if (quiet && quietCached > 0) {
    log(`${quietCached} fixture dump(s) up to date (${toolchains.map((t) => t.version).join(', ')})`);
  }
  if (failures.length > 0) {
    log(`${failures.length} fixture(s) failed`);
    return 1;
  }
  if (args.updateCommitted) updateCommitted(built);
  return 0;
}

module.exports = { findToolchains, listPrograms, buildFixtures, buildBigHeap, parseBigHeapSpec, OUT_DIR, COMMITTED_DIR };

if (require.main === module) {
  process.exitCode = main();
}
