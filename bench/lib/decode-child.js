#!/usr/bin/env node
// One decode benchmark in its own process (so its peak RSS is its own), for bench/run.js:
//
//   node bench/lib/decode-child.js --dump PATH [--backends LIST|none] [--no-ceiling]
//     [--levels LIST] [--max-time SECONDS] [--min-samples N]
//
// Runs dist/bench/decode-bench.js benchDump with the `benchmark` package as its sampler and
// writes the report as JSON on stdout; progress goes to stderr.
'use strict';

const { requireDist, benchmarkSampler } = require('./common');

async function main() {
  const argv = process.argv.slice(2);
  const options = { dump: null, backends: undefined, ceiling: true, levels: undefined, maxTime: 1, minSamples: 5 };
  for (let i = 0; i < argv.length; i++) {
    const value = () => argv[++i];
    if (argv[i] === '--dump') options.dump = value();
    else if (argv[i] === '--backends') {
      const list = value();
      options.backends = list === 'none' ? [] : list.split(',');
    }
    else if (argv[i] === '--no-ceiling') options.ceiling = false;
    else if (argv[i] === '--levels') options.levels = value().split(',');
    else if (argv[i] === '--max-time') options.maxTime = Number(value());
    else if (argv[i] === '--min-samples') options.minSamples = Number(value());
    else throw new Error(`unknown option ${argv[i]}`);
  }
  if (options.dump === null) throw new Error('--dump PATH is required');
  const { benchDump } = requireDist('bench/decode-bench.js', 'decode-child');
  const report = await benchDump(options.dump, {
    backends: options.backends,
    levels: options.levels,
    ceiling: options.ceiling,
    budgetSeconds: options.maxTime,
    sampler: benchmarkSampler(options.minSamples),
    onCase: (backend, level) => process.stderr.write(`    ${backend} ${level}\n`),
  });
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error) => {
  console.error(`decode-child: ${error.stack || error}`);
  process.exit(1);
});
