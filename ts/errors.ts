// The errors goheap throws. Decoder statuses become DumpFormatError in one place,
// ts/decode/errors.ts; nothing else builds error text from a status.

import type { RecordName } from './decode/status';

/** Error codes for a dump that cannot be read, as in docs/decoder-abi.md. */
export type DumpErrorCode =
  | 'BAD_HEADER' | 'TRUNCATED' | 'LENGTH_PAST_END' | 'NO_EOF' | 'RECORD_TOO_LARGE'
  | 'BAD_TAG' | 'VARINT_OVERFLOW' | 'LENGTH_TOO_LARGE' | 'BAD_PTR_SIZE' | 'PARAMS_NOT_FIRST'
  | 'DUPLICATE_PARAMS' | 'FIELD_OUT_OF_BOUNDS' | 'BAD_FIELD_KIND' | 'BAD_TYPE_NAME';

export class DumpFormatError extends Error {
  override readonly name = 'DumpFormatError';

  constructor(
    readonly code: DumpErrorCode,
    /** Byte offset in the (decompressed) dump that the error points at. */
    readonly offset: number,
    /** The record being read, or null when its tag could not be read. */
    readonly record: RecordName | null,
    /** Byte offset where that record starts. */
    readonly recordOffset: number,
    message: string,
  ) {
    super(message);
  }
}

/** The requested backend cannot be used (GOHEAP_BACKEND or the backend option forced it). */
export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
}
