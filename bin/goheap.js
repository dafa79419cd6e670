#!/usr/bin/env node
// The goheap command; the code lives in dist/cli/main.js (built by `npm install`).
'use strict';
let cli;
try {
  cli = require('../dist/cli/main.js');
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && /dist[\\/]cli[\\/]main/.test(String(error.message))) {
    process.stderr.write('goheap: not built yet; run `npm install` (or `npm run build`) in the goheap folder\n');
    process.exit(1);
  }
  throw error;
}
// A reader that stops early (`goheap … | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error && error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
const io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};
cli.main(process.argv.slice(2), io).then((code) => {
  process.exitCode = code;
}, (error) => {
  process.stderr.write(`goheap: internal error: ${(error && error.stack) || error}\n`);
  process.exitCode = 70;
});
