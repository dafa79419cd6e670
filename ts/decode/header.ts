// The header line every dump starts with (FORMAT.md §1): which grammar family follows.

import { headerError } from './errors';

/** The header may not be longer than this, newline included. */
export const MAX_HEADER_LENGTH = 32;

const HEADER_VERSIONS: Record<string, number> = {
  'go1.3 heap dump': 13,
  'go1.4 heap dump': 14,
  'go1.5 heap dump': 15,
  'go1.6 heap dump': 16,
  'go1.7 heap dump': 17,
};

export interface DumpHeader {
  /** The line without its newline, e.g. "go1.7 heap dump". */
  text: string;
  /** 13–17, the decoder state's headerVersion. */
  version: number;
  /** Bytes the line takes, newline included: where the first record starts. */
  length: number;
}

/** Reads the header line at the start of `bytes`; a BAD_HEADER DumpFormatError when there is none. */
export function readHeader(bytes: Uint8Array): DumpHeader {
  const newline = bytes.subarray(0, MAX_HEADER_LENGTH).indexOf(0x0a);
  if (newline < 0) {
    throw headerError(bytes.length === 0 ? 'empty input, not a Go heap dump'
      : 'no "go1.N heap dump" header line; not a Go heap dump');
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, newline).toString('latin1');
  const version = HEADER_VERSIONS[text];
  if (version === undefined) throw headerError(`unknown header "${text}"`);
  return { text, version, length: newline + 1 };
}
