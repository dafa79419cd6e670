// A large synthetic go1.7 dump, written fast: `objectCount` 32-byte objects in a binary tree
// (object i points at objects 2i+1 and 2i+2), held by one other root that points at object 0.
// About 45 bytes of dump per object.

import { DumpWriter, uvarintBytes } from './dump-writer';

export const BIG_HEAP_START = 0xc000000000n;
export const BIG_OBJECT_SIZE = 32;

export function bigDump(objectCount: number): Buffer {
  const addressOf = (i: number) => BIG_HEAP_START + BigInt(i * BIG_OBJECT_SIZE);
  const head = new DumpWriter({ version: 17 })
    .header()
    .params({ heapStart: BIG_HEAP_START, heapEnd: addressOf(objectCount), ncpu: 2, experiment: 'go1.24.5', goarch: 'amd64', layout: 'goarch' })
    .otherRoot({ description: 'big tree', pointer: addressOf(0) })
    .bytes();
  const out = Buffer.alloc(head.length + objectCount * 64 + 1);
  out.set(head, 0);
  let at = head.length;
  const put = (bytes: number[]) => {
    for (const byte of bytes) out[at++] = byte;
  };
  const contents = Buffer.alloc(BIG_OBJECT_SIZE);
  for (let i = 0; i < objectCount; i++) {
    put([1]); // Object tag
    put(uvarintBytes(addressOf(i)));
    put(uvarintBytes(BIG_OBJECT_SIZE));
    contents.fill(0);
    const left = 2 * i + 1;
    const right = 2 * i + 2;
    if (left < objectCount) contents.writeBigUInt64LE(addressOf(left), 0);
    if (right < objectCount) contents.writeBigUInt64LE(addressOf(right), 8);
    out.set(contents, at);
    at += BIG_OBJECT_SIZE;
    put([1, 0, 1, 8, 0]); // fields: Ptr at 0, Ptr at 8, end
  }
  put([0]); // Eof
  return out.subarray(0, at);
}
