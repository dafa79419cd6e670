// Jest globalSetup: builds the fixture dumps with the Go toolchains of this
// machine before the suites run, so they test fresh dumps as well as the
// committed ones. Cached dumps make this quick (well under a second); the first
// run compiles each program once per toolchain.
//
// No Go toolchain: nothing to do (the committed dumps remain). A failed build
// is reported and the tests go on with what exists, unless
// GOHEAP_FIXTURES_STRICT=1 (then it fails the run). GOHEAP_SKIP_FIXTURES=1
// skips the build entirely.
'use strict';

const childProcess = require('child_process');
const path = require('path');

const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'build-fixtures.js');

module.exports = function buildFixtureDumps() {
  if (process.env.GOHEAP_SKIP_FIXTURES === '1') return;
  const result = childProcess.spawnSync(process.execPath, [SCRIPT, '--quiet'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 20 * 60 * 1000,
  });
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : `exit code ${result.status}`;
    const message = `fixture dumps could not be built (${why}); testing the committed and existing ones`;
    if (process.env.GOHEAP_FIXTURES_STRICT === '1') throw new Error(message);
    process.stderr.write(`global-setup: ${message}\n`);
  }
};
