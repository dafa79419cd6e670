// The status numbers of the three backends are written three times (TypeScript, C++,
// AssemblyScript); they must be the same numbers.

import { readFileSync } from 'fs';
import { join } from 'path';
import { DECODE_STATUS_VALUES } from '../ts/decode/status';

const root = join(__dirname, '..');

/** kNeedMoreBlob → NEED_MORE_BLOB */
function snake(camel: string): string {
  return camel.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

function nativeStatuses(): Record<string, number> {
  const header = readFileSync(join(root, 'native/core/status.h'), 'utf8');
  const body = header.slice(header.indexOf('enum DecodeStatus'), header.indexOf('};', header.indexOf('enum DecodeStatus')));
  const found: Record<string, number> = {};
  for (const match of body.matchAll(/\bk([A-Za-z]+)\s*=\s*(\d+)/g)) found[snake(match[1])] = Number(match[2]);
  return found;
}

function wasmStatuses(): Record<string, number> {
  const source = readFileSync(join(root, 'assembly/status.ts'), 'utf8');
  // The statuses come first, before the state indexes and other constants.
  const statuses = source.slice(0, source.indexOf('STATE_'));
  const found: Record<string, number> = {};
  for (const match of statuses.matchAll(/export const ([A-Z_]+): i32 = (\d+);/g)) found[match[1]] = Number(match[2]);
  return found;
}

test('native/core/status.h has the same status numbers as ts/decode/status.ts', () => {
  expect(nativeStatuses()).toEqual(DECODE_STATUS_VALUES);
});

test('assembly/status.ts has the same status numbers as ts/decode/status.ts', () => {
  expect(wasmStatuses()).toEqual(DECODE_STATUS_VALUES);
});
