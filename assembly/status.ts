// Numeric decoder statuses, mirroring ts/decode/status.ts and native/core/status.h
// (test/status.test.ts checks that all three agree). docs/decoder-abi.md says what each
// one means and where its errorOffset points. No strings live in the module: JS turns
// these numbers into errors.

// @ts-ignore: decorator
@inline export const DONE: i32 = 0;
// @ts-ignore: decorator
@inline export const WINDOW_END: i32 = 1;
// @ts-ignore: decorator
@inline export const NEED_MORE: i32 = 2;
// @ts-ignore: decorator
@inline export const NEED_MORE_BLOB: i32 = 3;
// @ts-ignore: decorator
@inline export const OUTPUT_FULL: i32 = 4;
// @ts-ignore: decorator
@inline export const BAD_TAG: i32 = 16;
// @ts-ignore: decorator
@inline export const VARINT_OVERFLOW: i32 = 17;
// @ts-ignore: decorator
@inline export const LENGTH_TOO_LARGE: i32 = 18;
// @ts-ignore: decorator
@inline export const BAD_PTR_SIZE: i32 = 19;
// @ts-ignore: decorator
@inline export const PARAMS_NOT_FIRST: i32 = 20;
// @ts-ignore: decorator
@inline export const DUPLICATE_PARAMS: i32 = 21;
// @ts-ignore: decorator
@inline export const FIELD_OUT_OF_BOUNDS: i32 = 22;
// @ts-ignore: decorator
@inline export const BAD_FIELD_KIND: i32 = 23;
// @ts-ignore: decorator
@inline export const BAD_TYPE_NAME: i32 = 24;

// Indexes into the Int32Array(8) decoder state (ts/decode/status.ts `StateIndex`).
// @ts-ignore: decorator
@inline export const STATE_HEADER_VERSION: i32 = 0;
// @ts-ignore: decorator
@inline export const STATE_PARAMS_SEEN: i32 = 1;
// @ts-ignore: decorator
@inline export const STATE_PTR_SIZE: i32 = 2;
// @ts-ignore: decorator
@inline export const STATE_BIG_ENDIAN: i32 = 3;
// @ts-ignore: decorator
@inline export const STATE_TYPE_FIELDS: i32 = 4;
// @ts-ignore: decorator
@inline export const STATE_EOF_SEEN: i32 = 5;
// @ts-ignore: decorator
@inline export const STATE_LENGTH: i32 = 8;

// Record tags, named as in the runtime's heapdump.go (ts/decode/status.ts `RecordTag`).
// @ts-ignore: decorator
@inline export const TAG_EOF: u32 = 0;
// @ts-ignore: decorator
@inline export const TAG_OBJECT: u32 = 1;
// @ts-ignore: decorator
@inline export const TAG_OTHER_ROOT: u32 = 2;
// @ts-ignore: decorator
@inline export const TAG_TYPE: u32 = 3;
// @ts-ignore: decorator
@inline export const TAG_GOROUTINE: u32 = 4;
// @ts-ignore: decorator
@inline export const TAG_STACK_FRAME: u32 = 5;
// @ts-ignore: decorator
@inline export const TAG_PARAMS: u32 = 6;
// @ts-ignore: decorator
@inline export const TAG_FINALIZER: u32 = 7;
// @ts-ignore: decorator
@inline export const TAG_ITAB: u32 = 8;
// @ts-ignore: decorator
@inline export const TAG_OS_THREAD: u32 = 9;
// @ts-ignore: decorator
@inline export const TAG_MEM_STATS: u32 = 10;
// @ts-ignore: decorator
@inline export const TAG_QUEUED_FINALIZER: u32 = 11;
// @ts-ignore: decorator
@inline export const TAG_DATA: u32 = 12;
// @ts-ignore: decorator
@inline export const TAG_BSS: u32 = 13;
// @ts-ignore: decorator
@inline export const TAG_DEFER: u32 = 14;
// @ts-ignore: decorator
@inline export const TAG_PANIC: u32 = 15;
// @ts-ignore: decorator
@inline export const TAG_MEM_PROF: u32 = 16;
// @ts-ignore: decorator
@inline export const TAG_ALLOC_SAMPLE: u32 = 17;
// @ts-ignore: decorator
@inline export const TAG_COUNT: u32 = 18;

/** MemStats carries this many uvarints in every format version. */
// @ts-ignore: decorator
@inline export const MEMSTATS_FIELD_COUNT: i32 = 281;
/** Blob and string lengths at or above this are rejected: the runtime writes them as int32. */
// @ts-ignore: decorator
@inline export const MAX_BLOB_LENGTH: u64 = 0x80000000;
/** go1.5/go1.6 type names longer than this are the corrupt form (FORMAT.md §7.2). */
// @ts-ignore: decorator
@inline export const QUIRK_NAME_LIMIT: u64 = 65536;
/** Under a go1.3 header, a third Params varint below this is hchanSize, else a heap address. */
// @ts-ignore: decorator
@inline export const HCHAN_SIZE_LIMIT: u64 = 65536;
/** Under a go1.7 header, a first arch varint at or above this is a thechar ('0' = 48). */
// @ts-ignore: decorator
@inline export const THECHAR_MIN: u64 = 48;
