// The one table that turns a decoder status into a DumpFormatError with a readable message.

import { DumpFormatError, type DumpErrorCode } from '../errors';
import { DecodeStatus, RECORD_NAMES, type RecordName } from './status';
import type { WindowResult } from './backend';

const STATUS_ERRORS: Partial<Record<DecodeStatus, [DumpErrorCode, string]>> = {
  [DecodeStatus.BadTag]: ['BAD_TAG', 'unknown record tag (expected 0–17)'],
  [DecodeStatus.VarintOverflow]: ['VARINT_OVERFLOW', 'varint longer than 10 bytes or above 2^64'],
  [DecodeStatus.LengthTooLarge]: ['LENGTH_TOO_LARGE', 'string or blob length of 2 GiB or more'],
  [DecodeStatus.BadPtrSize]: ['BAD_PTR_SIZE', 'pointer size is not 4 or 8'],
  [DecodeStatus.ParamsNotFirst]: ['PARAMS_NOT_FIRST', 'the first record is not Params'],
  [DecodeStatus.DuplicateParams]: ['DUPLICATE_PARAMS', 'a second Params record'],
  [DecodeStatus.FieldOutOfBounds]: ['FIELD_OUT_OF_BOUNDS', 'pointer field past the end of the contents'],
  [DecodeStatus.BadFieldKind]: ['BAD_FIELD_KIND', 'unknown field kind'],
  [DecodeStatus.BadTypeName]: ['BAD_TYPE_NAME', 'corrupt go1.5 type name with no recoverable end'],
};

function recordName(tag: number): RecordName | null {
  return tag >= 0 && tag < RECORD_NAMES.length ? RECORD_NAMES[tag] : null;
}

function describe(code: DumpErrorCode, what: string, result: WindowResult): DumpFormatError {
  const record = recordName(result.errorTag);
  const where = record === null
    ? `record at offset ${result.recordOffset}`
    : `${record} record at offset ${result.recordOffset}`;
  return new DumpFormatError(code, result.errorOffset, record, result.recordOffset,
    `${code}: ${what} at byte offset ${result.errorOffset} (${where})`);
}

/** The error for a status that stops decoding for good. */
export function statusError(result: WindowResult): DumpFormatError {
  const known = STATUS_ERRORS[result.status as DecodeStatus];
  if (known === undefined) {
    return describe('BAD_TAG', `decoder returned unknown status ${result.status}`, result);
  }
  return describe(known[0], known[1], result);
}

/** The error for input that ended while the decoder still wanted bytes. */
export function endOfInputError(result: WindowResult, dumpBytes: number): DumpFormatError {
  switch (result.status) {
    case DecodeStatus.WindowEnd:
      return describe('NO_EOF', `the dump ends after ${dumpBytes} bytes without an EOF record`,
        { ...result, errorOffset: dumpBytes });
    case DecodeStatus.NeedMoreBlob:
      return describe('LENGTH_PAST_END', `length runs past the end of the dump (${dumpBytes} bytes)`, result);
    default:
      return describe('TRUNCATED', `the dump ends at byte ${dumpBytes}, inside the value starting`, result);
  }
}

export function headerError(message: string): DumpFormatError {
  return new DumpFormatError('BAD_HEADER', 0, null, 0, `BAD_HEADER: ${message} at byte offset 0`);
}

export function recordTooLargeError(result: WindowResult, limit: number): DumpFormatError {
  return describe('RECORD_TOO_LARGE', `record larger than the ${limit}-byte window limit`, result);
}
