// The goheap command, through main() with captured output: what a user types and sees.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { main } from '../ts/cli/main';
import { PUBLIC_SAMPLE } from './support/fixtures';

interface Run {
  code: number;
  out: string;
  err: string;
}

async function goheap(...argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (text) => out.push(text), err: (text) => err.push(text) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const expectedBackend = process.env.GOHEAP_BACKEND;

describe('goheap summary', () => {
  test('--json on the public sample: 3,057 objects, 696,544 bytes, every record kind counted', async () => {
    const run = await goheap('summary', PUBLIC_SAMPLE, '--json');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.out);
    expect(json.objects).toEqual({ count: 3057, bytes: 696544 });
    expect(json.records).toMatchObject({ object: 3057, type: 45, itab: 49, goroutine: 8, stackFrame: 44, eof: 1 });
    expect(json.backend).toBe(expectedBackend);
    expect(json.heapStart).toBe('0xc820000000');
    expect(json.decode.seconds).toBeGreaterThan(0);
    expect(json.decode.bytesPerSecond).toBeGreaterThan(0);
  });

  test('with no argument it summarises the sample shipped in testdata/', async () => {
    const run = await goheap();
    expect(run.code).toBe(0);
    expect(run.out).toContain('testdata/sample.heapdump.gz');
    expect(run.out).toMatch(/Objects: [\d,]+ using/);
    expect(run.out).toContain(`Decoded by the ${expectedBackend} backend`);
  });

  test('a cut-off dump: one line with the code, the byte offset and the record; --salvage keeps the rest', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'goheap-cli-'));
    try {
      const cut = join(directory, 'cut.heapdump');
      writeFileSync(cut, readFileSync(PUBLIC_SAMPLE).subarray(0, 500_000));
      const run = await goheap('summary', cut);
      expect(run.code).toBe(1);
      expect(run.err).toMatch(/TRUNCATED|LENGTH_PAST_END/);
      expect(run.err).toMatch(/byte offset \d+/);
      const salvaged = await goheap('summary', cut, '--salvage', '--json');
      expect(salvaged.code).toBe(0);
      const json = JSON.parse(salvaged.out);
      expect(json.salvage.keptBytes).toBeLessThanOrEqual(500_000);
      expect(json.objects.count).toBeGreaterThan(0);
      expect(json.objects.count).toBeLessThan(3057);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  test('usage errors exit 2, a missing file exits 1', async () => {
    expect((await goheap('summary', '--nope')).code).toBe(2);
    expect((await goheap('summary', '--backend')).code).toBe(2);
    const missing = await goheap('summary', '/nonexistent/dump');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('ENOENT');
  });
});

describe('goheap top, path, object, garbage', () => {
  test('top --json: reachable and garbage add up to all objects; lists sorted by retained bytes', async () => {
    const run = await goheap('top', PUBLIC_SAMPLE, '--json', '--limit', '5');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.out);
    expect(json.reachable.count + json.garbage.count).toBe(3057);
    expect(json.reachable.bytes + json.garbage.bytes).toBe(696544);
    expect(json.objects).toHaveLength(5);
    for (let i = 1; i < json.objects.length; i++) {
      expect(json.objects[i - 1].retainedBytes).toBeGreaterThanOrEqual(json.objects[i].retainedBytes);
    }
    expect(json.objects[0].address).toMatch(/^0x[0-9a-f]+$/);
    expect(json.roots[0]).toEqual(expect.objectContaining({ kind: expect.any(String), name: expect.any(String) }));
  });

  test('path and object name the chain from a root to the largest retainer', async () => {
    const top = JSON.parse((await goheap('top', PUBLIC_SAMPLE, '--json', '--limit', '1')).out);
    const address = top.objects[0].address;
    const path = JSON.parse((await goheap('path', PUBLIC_SAMPLE, address, '--json')).out);
    expect(path.reachable).toBe(true);
    expect(path.path[path.path.length - 1].to).toContain(address);
    const object = JSON.parse((await goheap('object', PUBLIC_SAMPLE, address, '--json')).out);
    expect(object.address).toBe(address);
    expect(object.retainedBytes).toBe(top.objects[0].retainedBytes);
    expect(object.referrers.length).toBeGreaterThan(0);
  });

  test('garbage --json agrees with top', async () => {
    const garbage = JSON.parse((await goheap('garbage', PUBLIC_SAMPLE, '--json')).out);
    const top = JSON.parse((await goheap('top', PUBLIC_SAMPLE, '--json')).out);
    expect(garbage.garbage).toEqual(top.garbage);
  });

  test('bad flag values are usage errors (exit 2) naming the flag', async () => {
    const limit = await goheap('top', PUBLIC_SAMPLE, '--limit', '0');
    expect(limit.code).toBe(2);
    expect(limit.err).toContain('--limit must be a positive whole number');
    const address = await goheap('object', PUBLIC_SAMPLE, '0xzz');
    expect(address.code).toBe(2);
    expect(address.err).toContain('expected an address');
  });

  test('an address outside every object is an error, not a crash', async () => {
    const run = await goheap('object', PUBLIC_SAMPLE, '0x10');
    expect(run.code).toBe(1);
    expect(run.err).toContain('no object contains 0x10');
  });
});

test('goheap doctor --json names the backend in use and why native is or is not available', async () => {
  const run = await goheap('doctor', '--json');
  const json = JSON.parse(run.out);
  expect(json.backend).toBe(expectedBackend);
  expect(json.native).toEqual({ available: expect.any(Boolean), error: json.native.available ? null : expect.any(String) });
});
