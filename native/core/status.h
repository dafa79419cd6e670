// Numeric decoder statuses. The same numbers live in ts/decode/status.ts (DecodeStatus) and
// assembly/status.ts; docs/decoder-abi.md says what each means and where errorOffset points.
#ifndef GOHEAP_NATIVE_CORE_STATUS_H_
#define GOHEAP_NATIVE_CORE_STATUS_H_

#include <cstdint>

namespace goheap {

enum DecodeStatus : int32_t {
  kDone = 0,
  kWindowEnd = 1,
  kNeedMore = 2,
  kNeedMoreBlob = 3,
  kOutputFull = 4,  // never returned here: the output columns grow
  kBadTag = 16,
  kVarintOverflow = 17,
  kLengthTooLarge = 18,
  kBadPtrSize = 19,
  kParamsNotFirst = 20,
  kDuplicateParams = 21,
  kFieldOutOfBounds = 22,
  kBadFieldKind = 23,
  kBadTypeName = 24,
};

// Indexes into the Int32Array(8) state kept across window calls (StateIndex in status.ts).
enum StateIndex : int {
  kStateHeaderVersion = 0,
  kStateParamsSeen = 1,
  kStatePtrSize = 2,
  kStateBigEndian = 3,
  kStateTypeFields = 4,
  kStateEofSeen = 5,
};
constexpr int kStateLength = 8;

// Record tags, named as in the runtime's heapdump.go.
enum RecordTag : uint32_t {
  kTagEof = 0,
  kTagObject = 1,
  kTagOtherRoot = 2,
  kTagType = 3,
  kTagGoroutine = 4,
  kTagStackFrame = 5,
  kTagParams = 6,
  kTagFinalizer = 7,
  kTagItab = 8,
  kTagOSThread = 9,
  kTagMemStats = 10,
  kTagQueuedFinalizer = 11,
  kTagData = 12,
  kTagBSS = 13,
  kTagDefer = 14,
  kTagPanic = 15,
  kTagMemProf = 16,
  kTagAllocSample = 17,
};
constexpr uint32_t kLastTag = kTagAllocSample;

// MemStats carries this many uvarints in every format version.
constexpr int kMemStatsFieldCount = 281;
// Blob and string lengths at or above this are rejected: the runtime writes them as int32.
constexpr uint64_t kMaxBlobLength = 0x80000000u;
// go1.5/go1.6 type names longer than this are the corrupt form (FORMAT.md §7.2).
constexpr uint64_t kQuirkNameLimit = 65536;
// Under a go1.3 header, a third Params varint below this is hchanSize, else a heap address.
constexpr uint64_t kHchanSizeLimit = 65536;
// Under a go1.7 header, a first arch varint at or above this is a thechar ('0' = 48).
constexpr uint64_t kThecharMin = 48;

}  // namespace goheap

#endif  // GOHEAP_NATIVE_CORE_STATUS_H_
