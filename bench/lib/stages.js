// The end-to-end graph stages for bench/run.js: bench/graph.bench.js run as a child process
// (one process per dump and backend, so memory figures are that run's own), its JSON read back.
'use strict';

const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { root } = require('./common');

/**
 * Runs `node --expose-gc bench/graph.bench.js --backend BACKEND DUMP --json TMP` and returns
 * its JSON (stages with seconds and RSS above baseline, peak RSS, objects, edges), or
 * { error } when it failed.
 */
function runStages(dump, backend) {
  const json = path.join(os.tmpdir(), `goheap-stages-${process.pid}-${backend}.json`);
  const result = childProcess.spawnSync(process.execPath,
    ['--expose-gc', path.join(root, 'bench', 'graph.bench.js'), '--backend', backend, dump, '--json', json],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    if (result.status !== 0) {
      const why = (result.stderr || '').trim().split('\n').filter(Boolean).pop() || `exit status ${result.status}`;
      return { backend, error: why };
    }
    return JSON.parse(fs.readFileSync(json, 'utf8'));
  } catch (error) {
    return { backend, error: String(error.message || error) };
  } finally {
    fs.rmSync(json, { force: true });
  }
}

/** A markdown table of stage runs of one dump, one column per backend. */
function formatStages(runs) {
  const ok = runs.filter((run) => !run.error);
  const lines = [];
  if (ok.length > 0) {
    const first = ok[0];
    lines.push(`${first.objects.toLocaleString('en-US')} objects, ${first.fields.toLocaleString('en-US')} pointer fields, ` +
      `${first.edges.toLocaleString('en-US')} edges`);
    lines.push('');
    lines.push(`| stage | ${ok.map((run) => `${run.backend} s | ${run.backend} RSS+ MiB`).join(' | ')} |`);
    lines.push(`|---|${ok.map(() => '---:|---:').join('|')}|`);
    const names = first.stages.map((stage) => stage.stage);
    for (const name of names) {
      const cells = ok.map((run) => {
        const stage = run.stages.find((s) => s.stage === name);
        return stage ? `${stage.seconds.toFixed(3)} | ${stage.rssAboveBaselineMB}` : '— | —';
      });
      lines.push(`| ${name} | ${cells.join(' | ')} |`);
    }
    lines.push(`| **total** | ${ok.map((run) => `**${run.totalSeconds.toFixed(3)}** | peak ${run.peakRssMB}`).join(' | ')} |`);
  }
  for (const run of runs.filter((r) => r.error)) lines.push(`${run.backend}: stages failed: ${run.error}`);
  return lines.join('\n');
}

module.exports = { runStages, formatStages };
