// goheap batch and runBatch: many dumps in worker threads, one row per dump in path order,
// a broken dump reported without stopping the rest.

import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { gunzipSync } from 'zlib';
import { runBatch } from '../ts/api/batch';
import type { BatchRow } from '../ts/api/batch-report';
import { liveWorkerCount } from '../ts/api/worker-host';
import { main } from '../ts/cli/main';
import { bigDump } from './support/big-dump';
import { listFixtures } from './support/fixtures';

const fixtures = listFixtures();
let dir: string;
let truncated: string;
let notADump: string;
const missing = '/nonexistent/goheap-batch-test.heapdump';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'goheap-batch-'));
  // A copy of a real dump cut in the middle of its records.
  const whole = gunzipSync(readFileSync(fixtures[0].path));
  truncated = join(dir, 'truncated.heapdump');
  writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
  notADump = join(dir, 'not-a-dump.txt');
  copyFileSync(join(__dirname, 'batch.test.ts'), notADump);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function collect(): { out: string[]; err: string[]; io: { out(text: string): void; err(text: string): void } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (text) => out.push(text), err: (text) => err.push(text) } };
}

describe('runBatch', () => {
  test('a row per dump, in path order; broken dumps are failures and the rest go on', async () => {
    const paths = [truncated, ...fixtures.map((f) => f.path), notADump, missing];
    const seen: number[] = [];
    const rows = await runBatch(paths, { jobs: 2, onRow: (_row, index) => seen.push(index) });
    expect(rows.map((row) => row.path)).toEqual(paths);
    expect(seen).toEqual(paths.map((_path, index) => index));
    const byPath = new Map<string, BatchRow>(rows.map((row) => [row.path, row]));
    for (const fixture of fixtures) {
      const row = byPath.get(fixture.path)!;
      expect(row.ok).toBe(true);
      if (!row.ok) continue;
      expect(row.backend).toBe(process.env.GOHEAP_BACKEND);
      expect(row.goVersion).toBe(fixture.goVersion);
      expect(row.topRetainers.length).toBeGreaterThan(0);
      expect(row.reachable.bytes + row.garbage.bytes).toBe(row.objects.bytes);
    }
    const cut = byPath.get(truncated)!;
    expect(cut.ok).toBe(false);
    if (!cut.ok) expect(cut.error.kind).toBe('DumpFormatError');
    const text = byPath.get(notADump)!;
    expect(!text.ok && text.error.kind === 'DumpFormatError' && text.error.code).toBe('BAD_HEADER');
    const absent = byPath.get(missing)!;
    expect(!absent.ok && absent.error.kind === 'Error' && absent.error.code).toBe('ENOENT');
    expect(liveWorkerCount()).toBe(0);
  });

  test('salvage keeps what comes before the cut', async () => {
    const [row] = await runBatch([truncated], { salvage: true });
    expect(row.ok).toBe(true);
    if (row.ok) expect(row.salvage).not.toBeNull();
  });

  test('an abort rejects with AbortError and stops the workers', async () => {
    const controller = new AbortController();
    const running = runBatch(fixtures.map((f) => f.path), { jobs: 2, signal: controller.signal });
    setImmediate(() => controller.abort());
    const error = await running.catch((e: unknown) => e);
    expect((error as { name?: string }).name).toBe('AbortError');
    expect(liveWorkerCount()).toBe(0);
  });
});

describe('runBatch › abort while large dumps decode', () => {
  // The native decoder must not have its thread terminated under it (that aborts the process):
  // a worker inside it is asked to stop instead. Whatever the backend, the batch rejects with
  // AbortError and no worker is left.
  test.each([5, 30, 80])('abort after %i ms', async (delay) => {
    const big = join(dir, 'big.heapdump');
    writeFileSync(big, bigDump(400_000));
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), delay);
    const outcome = await runBatch([big, big, big], { jobs: 2, signal: controller.signal })
      .then(() => 'done', (e: unknown) => (e as { name?: string }).name);
    clearTimeout(timer);
    expect(['AbortError', 'done']).toContain(outcome);
    expect(liveWorkerCount()).toBe(0);
  });
});

describe('goheap batch', () => {
  test('one line per dump on stdout, an error line for a broken one, totals on stderr', async () => {
    const paths = [...fixtures.map((f) => f.path), truncated];
    const { out, err, io } = collect();
    const code = await main(['batch', ...paths, '--jobs', '2'], io);
    expect(code).toBe(1);
    expect(out).toHaveLength(paths.length);
    out.forEach((line, index) => expect(line.startsWith(`${paths[index]}\t`)).toBe(true));
    for (const line of out.slice(0, -1)) expect(line).toMatch(/objects .*\ttop: /);
    expect(out[out.length - 1]).toMatch(/\tERROR /);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(new RegExp(`^goheap batch: ${paths.length} dumps, ${paths.length - 1} read, 1 failed`));
  });

  test('--json: every line is JSON', async () => {
    const paths = [fixtures[0].path, truncated];
    const { out, err, io } = collect();
    const code = await main(['batch', ...paths, '--json', '--limit', '2'], io);
    expect(code).toBe(1);
    const rows = out.map((line) => JSON.parse(line) as BatchRow);
    expect(rows.map((row) => [row.path, row.ok])).toEqual([[paths[0], true], [paths[1], false]]);
    if (rows[0].ok) expect(rows[0].topRetainers).toHaveLength(2);
    expect(JSON.parse(err[0]).totals).toMatchObject({ dumps: 2, read: 1, failed: 1 });
  });

  test('usage mistakes: exit code 2 with the usage', async () => {
    for (const argv of [['batch'], ['batch', fixtures[0].path, '--jobs', '0']]) {
      const { out, err, io } = collect();
      expect(await main(argv, io)).toBe(2);
      expect(out).toEqual([]);
      expect(err.join('\n')).toMatch(/goheap batch DUMP\.\.\./);
    }
  });

  test('all good dumps: exit code 0', async () => {
    const { io } = collect();
    expect(await main(['batch', fixtures[0].path], io)).toBe(0);
  });
});
