// A worker thread that is terminated while the native addon decodes in it must not take the
// process down (the addon swallows errors that can no longer reach a dying environment).
// Native only: in the other projects this test is reported as skipped, not passed.

import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { bigDump } from './support/big-dump';

const nativeProject = process.env.GOHEAP_BACKEND === 'native';

(nativeProject ? test : test.skip)('terminating a worker mid-decode leaves the process running', () => {
  const directory = mkdtempSync(join(tmpdir(), 'goheap-worker-'));
  try {
    const dump = join(directory, 'big.heapdump');
    writeFileSync(dump, bigDump(600_000));
    // The addon's Decoder used directly: its decodeWindow runs an AsyncWorker in the thread.
    const addon = join(__dirname, '..', 'build', 'Release', 'goheap_native.node');
    const script = `
      const { Worker } = require('worker_threads');
      const code = ${JSON.stringify(`
        const fs = require('fs');
        const addon = require(${JSON.stringify(addon)});
        const bytes = fs.readFileSync(${JSON.stringify(dump)});
        const window = bytes.subarray(bytes.indexOf(10) + 1);
        const state = new Int32Array(8); state[0] = 17;
        (async () => { for (;;) { await new addon.Decoder().decodeWindow(window, 16, state.fill(0, 1)); } })();
      `)};
      let terminated = 0;
      const next = () => {
        const worker = new Worker(code, { eval: true });
        setTimeout(() => worker.terminate().then(() => (++terminated < 4 ? next() : console.log('alive'))), 150);
      };
      next();
    `;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect({ status: child.status, stdout: child.stdout.trim(), stderr: child.stderr }).toEqual({ status: 0, stdout: 'alive', stderr: '' });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
