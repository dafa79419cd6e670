#!/usr/bin/env node
// npm's "install" script: builds the native decoder (binding.gyp) with node-gyp.
// It never fails the install: when the build or the smoke test fails, goheap runs on its
// WebAssembly decoder, and the reason is written to build/native-error.txt for
// `goheap doctor` and for the loader's message (ts/decode/native.ts).
//
//   node scripts/install-native.js            install mode: always exits 0
//   node scripts/install-native.js --strict   `npm run build:native`: exits 1 on failure
//   GOHEAP_SKIP_NATIVE=1                      skip the build (install mode only)
'use strict';

const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const packageRoot = path.resolve(__dirname, '..');
const buildDir = path.join(packageRoot, 'build');
const addonPath = path.join(buildDir, 'Release', 'goheap_native.node');
const errorPath = path.join(buildDir, 'native-error.txt');
const statusPath = path.join(buildDir, 'native-status.json');
const logPath = path.join(buildDir, 'native-build.log');
const BUILD_TIMEOUT_MS = 5 * 60 * 1000;
const SMOKE_TIMEOUT_MS = 30 * 1000;
const ADDON_ABI_VERSION = 3; // native/addon.cc kAddonAbiVersion

const strict = process.argv.includes('--strict');

function skipRequested() {
  const value = (process.env.GOHEAP_SKIP_NATIVE || '').trim().toLowerCase();
  return value === '1' || value === 'true';
}

/** node-gyp as npm hands it to install scripts, else the one in our dependencies. */
function findNodeGyp() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && fs.existsSync(fromNpm)) return fromNpm;
  try {
    return require.resolve('node-gyp/bin/node-gyp.js', { paths: [packageRoot] });
  } catch {
    return null;
  }
}

/**
 * The --nodedir argument: the running node's install prefix when its headers are there and
 * match its version (no machine here can download headers). Null when npm already passes a
 * nodedir or no local headers were found.
 */
function nodedirArgument() {
  if (process.env.npm_config_nodedir) return { argument: null, note: `nodedir from npm: ${process.env.npm_config_nodedir}` };
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  const includeDir = path.join(prefix, 'include', 'node');
  if (!fs.existsSync(path.join(includeDir, 'node_api.h'))) {
    return { argument: null, note: `no Node headers in ${includeDir}; node-gyp will try to download them` };
  }
  try {
    const versionHeader = fs.readFileSync(path.join(includeDir, 'node_version.h'), 'utf8');
    const part = (name) => (versionHeader.match(new RegExp(`#define ${name} (\\d+)`)) || [])[1];
    const headerVersion = `v${part('NODE_MAJOR_VERSION')}.${part('NODE_MINOR_VERSION')}.${part('NODE_PATCH_VERSION')}`;
    if (headerVersion !== process.version) {
      return { argument: null, note: `headers in ${includeDir} are ${headerVersion}, node is ${process.version}` };
    }
  } catch {
    // No node_version.h: trust node_api.h alone.
  }
  return { argument: `--nodedir=${prefix}`, note: `headers from ${includeDir}` };
}

/** The first compiler or gyp error line in the build output: the likeliest reason. */
function firstErrorLine(output) {
  const lines = output.split(/\r?\n/);
  const patterns = [/error:/i, /gyp ERR! (stack )?Error:/, /gyp ERR!/, /not found/i];
  for (const pattern of patterns) {
    const line = lines.find((candidate) => pattern.test(candidate));
    if (line) return line.trim();
  }
  return null;
}

function writeFileSafely(file, text) {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  } catch {
    // A read-only package directory must not fail the install either.
  }
}

function removeFileSafely(file) {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // ignore
  }
}

function build(nodeGyp, nodedir) {
  const jobs = String(Math.max(1, Math.min(2, os.cpus().length)));
  const args = [nodeGyp, 'rebuild', '--release', '-j', jobs];
  if (nodedir.argument) args.push(nodedir.argument);
  const result = childProcess.spawnSync(process.execPath, args, {
    cwd: packageRoot,
    encoding: 'utf8',
    stdio: strict ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
    timeout: BUILD_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
    shell: false,
  });
  const output = `${result.stdout || ''}${result.stderr || ''}`;
  writeFileSafely(logPath, `$ ${process.execPath} ${args.join(' ')}\n${output}`);
  if (result.error) {
    const timedOut = result.error.code === 'ETIMEDOUT';
    return timedOut ? `node-gyp did not finish within ${BUILD_TIMEOUT_MS / 1000} s` : `could not run node-gyp: ${result.error.message}`;
  }
  if (result.status !== 0) {
    const line = firstErrorLine(output);
    return `node-gyp rebuild exited with ${result.status === null ? result.signal : `code ${result.status}`}` +
      (line ? `: ${line}` : strict ? '' : ` (see ${logPath})`);
  }
  return null;
}

/** Loads the addon in a child process, so a crash while loading cannot kill the install. */
function smokeTest() {
  const script = `const a = require(${JSON.stringify(addonPath)});
if (a.abiVersion !== ${ADDON_ABI_VERSION}) { console.error('abiVersion ' + a.abiVersion); process.exit(2); }
new a.Decoder().close();`;
  const result = childProcess.spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    timeout: SMOKE_TIMEOUT_MS,
  });
  if (result.error) return `loading the built addon failed: ${result.error.message}`;
  if (result.status !== 0) {
    const detail = (result.stderr || '').trim().split(/\r?\n/).find((line) => /Error|abiVersion/.test(line));
    return `loading the built addon failed (${result.status === null ? result.signal : `exit ${result.status}`})` +
      (detail ? `: ${detail.trim()}` : '');
  }
  return null;
}

function report(reason, startedAt, nodedir) {
  const status = {
    ok: reason === null,
    reason,
    node: process.version,
    napi: process.versions.napi,
    nodedir: nodedir ? nodedir.note : null,
    durationMs: Date.now() - startedAt,
    at: new Date().toISOString(),
  };
  writeFileSafely(statusPath, `${JSON.stringify(status, null, 2)}\n`);
  if (reason === null) {
    removeFileSafely(errorPath);
    console.log(`goheap: native decoder built (${path.relative(packageRoot, addonPath)})`);
    return 0;
  }
  writeFileSafely(errorPath, `${reason}\n`);
  console.warn(
    `goheap: the native decoder could not be built (${reason}). ` +
    'goheap still works: it falls back to its WebAssembly decoder, which is slower on large dumps. ' +
    'To retry once a C++17 compiler, make and Python 3 are installed, run `npm rebuild goheap` ' +
    '(or `npm run build:native` in a checkout); `goheap doctor` shows this reason again.',
  );
  return strict ? 1 : 0;
}

function main() {
  const startedAt = Date.now();
  if (skipRequested() && !strict) {
    writeFileSafely(errorPath, 'skipped: GOHEAP_SKIP_NATIVE is set\n');
    console.log('goheap: GOHEAP_SKIP_NATIVE is set; not building the native decoder (goheap uses WebAssembly).');
    return 0;
  }
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) return report('node-gyp was not found (neither from npm nor in node_modules)', startedAt, null);
  const nodedir = nodedirArgument();
  const buildFailure = build(nodeGyp, nodedir);
  if (buildFailure) return report(buildFailure, startedAt, nodedir);
  return report(smokeTest(), startedAt, nodedir);
}

try {
  process.exitCode = main();
} catch (error) {
  // Whatever went wrong in this script itself must not fail the install either.
  process.exitCode = report(`install script error: ${error && error.message}`, Date.now(), null);
}
