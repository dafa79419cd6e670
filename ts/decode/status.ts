// Numeric decoder statuses. The same numbers live in native/core/status.h and
// assembly/status.ts; test/status.test.ts checks that all three agree.
// docs/decoder-abi.md says what each one means and where its errorOffset points.

export const enum DecodeStatus {
  Done = 0,
  WindowEnd = 1,
  NeedMore = 2,
  NeedMoreBlob = 3,
  OutputFull = 4,
  BadTag = 16,
  VarintOverflow = 17,
  LengthTooLarge = 18,
  BadPtrSize = 19,
  ParamsNotFirst = 20,
  DuplicateParams = 21,
  FieldOutOfBounds = 22,
  BadFieldKind = 23,
  BadTypeName = 24,
}

/** Every status a backend may return, by name, for tests and error codes. */
export const DECODE_STATUS_VALUES: Readonly<Record<string, number>> = {
  DONE: DecodeStatus.Done,
  WINDOW_END: DecodeStatus.WindowEnd,
  NEED_MORE: DecodeStatus.NeedMore,
  NEED_MORE_BLOB: DecodeStatus.NeedMoreBlob,
  OUTPUT_FULL: DecodeStatus.OutputFull,
  BAD_TAG: DecodeStatus.BadTag,
  VARINT_OVERFLOW: DecodeStatus.VarintOverflow,
  LENGTH_TOO_LARGE: DecodeStatus.LengthTooLarge,
  BAD_PTR_SIZE: DecodeStatus.BadPtrSize,
  PARAMS_NOT_FIRST: DecodeStatus.ParamsNotFirst,
  DUPLICATE_PARAMS: DecodeStatus.DuplicateParams,
  FIELD_OUT_OF_BOUNDS: DecodeStatus.FieldOutOfBounds,
  BAD_FIELD_KIND: DecodeStatus.BadFieldKind,
  BAD_TYPE_NAME: DecodeStatus.BadTypeName,
};

/** Indexes into the Int32Array(8) decoder state that every backend reads and writes. */
export const enum StateIndex {
  HeaderVersion = 0,
  ParamsSeen = 1,
  PtrSize = 2,
  BigEndian = 3,
  TypeFields = 4,
  EofSeen = 5,
}
export const STATE_LENGTH = 8;

/** Record tags, named as in the runtime's heapdump.go. */
export const enum RecordTag {
  Eof = 0,
  Object = 1,
  OtherRoot = 2,
  Type = 3,
  Goroutine = 4,
  StackFrame = 5,
  Params = 6,
  Finalizer = 7,
  Itab = 8,
  OSThread = 9,
  MemStats = 10,
  QueuedFinalizer = 11,
  Data = 12,
  BSS = 13,
  Defer = 14,
  Panic = 15,
  MemProf = 16,
  AllocSample = 17,
}

/** Record kind names as `goheap summary --json` prints them, indexed by tag. */
export const RECORD_NAMES = [
  'eof', 'object', 'otherRoot', 'type', 'goroutine', 'stackFrame', 'params', 'finalizer',
  'itab', 'osThread', 'memStats', 'queuedFinalizer', 'data', 'bss', 'defer', 'panic',
  'memProf', 'allocSample',
] as const;
export type RecordName = (typeof RECORD_NAMES)[number];
export const TAG_COUNT = RECORD_NAMES.length;

/** MemStats carries this many uvarints in every format version. */
export const MEMSTATS_FIELD_COUNT = 281;
/** Blob and string lengths at or above this are rejected: the runtime writes them as int32. */
export const MAX_BLOB_LENGTH = 0x80000000;
/** go1.5/go1.6 type names longer than this are the corrupt form (FORMAT.md §7.2). */
export const QUIRK_NAME_LIMIT = 65536;
/** Under a go1.3 header, a third Params varint below this is hchanSize, else a heap address. */
export const HCHAN_SIZE_LIMIT = 65536;
/** Under a go1.7 header, a first arch varint at or above this is a thechar ('0' = 48). */
export const THECHAR_MIN = 48;
