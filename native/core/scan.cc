// The bare scan (scan.h): the record grammar of decoder.cc without the output columns.
// Kept in step with decoder.cc by hand; bench/ and test/bench.test.ts compare its counts
// and consumed bytes with the decoders' on every dump they run.
#include "scan.h"

#include "varint.h"

namespace goheap {
namespace {

constexpr uint8_t kQuirkNameEnd = 0x2E;  // '.'

class RecordScanner {
 public:
  RecordScanner(const uint8_t* window, size_t length, int32_t* state)
      : window_(window),
        length_(length),
        state_(state),
        header_version_(state[kStateHeaderVersion]),
        params_seen_(state[kStateParamsSeen] != 0),
        ptr_size_(state[kStatePtrSize] == 4 ? 4 : 8),
        type_fields_(state[kStateTypeFields] != 0) {}

  ScanResult Run() {
    ScanResult result{kDone, 0, 0, 0, 0, 0};
    size_t consumed = 0;
    for (;;) {
      if (consumed == length_) {
        result.status = kWindowEnd;
        break;
      }
      pos_ = consumed;
      record_pointer_words_ = 0;
      is_object_ = false;
      if (!Record()) {
        result.status = status_;
        result.consumed = consumed;
        result.error_at = error_at_;
        return result;
      }
      consumed = pos_;
      ++result.records;
      if (is_object_) {
        ++result.objects;
        result.pointer_words += record_pointer_words_;
      }
      if (eof_seen_) break;
    }
    result.consumed = consumed;
    result.error_at = consumed;
    return result;
  }

 private:
  bool Fail(DecodeStatus status, size_t at) {
    status_ = status;
    error_at_ = at;
    return false;
  }
  bool ReadU(uint64_t* value) {
    size_t at = pos_;
    DecodeStatus status = ReadUvarint(window_, length_, &pos_, value);
    return status == kDone || Fail(status, at);
  }
  bool SkipU(int count) {
    uint64_t value;
    for (int i = 0; i < count; ++i) {
      // One-byte varints inline; the rest through the full reader.
      if (pos_ < length_ && window_[pos_] < 0x80) {
        ++pos_;
        continue;
      }
      if (!ReadU(&value)) return false;
    }
    return true;
  }
  bool SkipBlob(uint32_t* blob_length) {
    size_t at = pos_;
    uint64_t value;
    if (!ReadU(&value)) return false;
    if (value >= kMaxBlobLength) return Fail(kLengthTooLarge, at);
    if (length_ - pos_ < value) return Fail(kNeedMoreBlob, at);
    pos_ += value;
    *blob_length = static_cast<uint32_t>(value);
    return true;
  }
  bool SkipString() {
    uint32_t ignored;
    return SkipBlob(&ignored);
  }

  bool Record();
  bool Object();
  bool TypeName();
  bool TypeFields();
  bool Params();
  bool MemProf();
  enum class FieldUse { kChecked, kStackFrame };
  bool FieldList(uint32_t contents_length, FieldUse use, uint64_t* words);
  uint32_t PointerWordsOfKind(uint64_t kind) const {
    if (header_version_ == 13) {
      if (kind >= 1 && kind <= 3) return 1;
      if (kind == 4 || kind == 5) return 2;
      return 0;
    }
    if (kind == 1) return 1;
    if (kind == 2 || kind == 3) return 2;
    return 0;
  }

  const uint8_t* window_;
  size_t length_;
  int32_t* state_;
  int32_t header_version_;
  bool params_seen_;
  uint32_t ptr_size_;
  bool type_fields_;
  bool eof_seen_ = false;

  size_t pos_ = 0;
  DecodeStatus status_ = kDone;
  size_t error_at_ = 0;
  bool is_object_ = false;
  uint64_t record_pointer_words_ = 0;
};

bool RecordScanner::Record() {
  size_t record_start = pos_;
  uint64_t tag;
  if (!ReadU(&tag)) return false;
  if (tag > kLastTag) return Fail(kBadTag, record_start);
  if (tag == kTagParams) {
    if (params_seen_) return Fail(kDuplicateParams, record_start);
  } else if (!params_seen_) {
    return Fail(kParamsNotFirst, record_start);
  }
  uint32_t ignored;
  uint64_t words;
  switch (tag) {
    case kTagEof:
      eof_seen_ = true;
      state_[kStateEofSeen] = 1;
      return true;
    case kTagObject:
      if (header_version_ == 13) return SkipU(3) && SkipBlob(&ignored);
      return Object();
    case kTagOtherRoot:
      return SkipString() && SkipU(1);
    case kTagType:
      return SkipU(2) && TypeName() && TypeFields();
    case kTagGoroutine:
      return SkipU(8) && SkipString() && SkipU(4);
    case kTagStackFrame: {
      uint32_t contents_length;
      return SkipU(3) && SkipBlob(&contents_length) && SkipU(3) && SkipString() &&
             FieldList(contents_length, FieldUse::kStackFrame, &words);
    }
    case kTagParams:
      return Params();
    case kTagFinalizer:
    case kTagQueuedFinalizer:
      return SkipU(5);
    case kTagItab:
      return SkipU(2);
    case kTagOSThread:
      return SkipU(3);
    case kTagMemStats:
      return SkipU(kMemStatsFieldCount);
    case kTagData:
    case kTagBSS: {
      uint32_t contents_length;
      return SkipU(1) && SkipBlob(&contents_length) &&
             FieldList(contents_length, FieldUse::kChecked, &words);
    }
    case kTagDefer:
      return SkipU(7);
    case kTagPanic:
      return SkipU(6);
    case kTagMemProf:
      return MemProf();
    case kTagAllocSample:
      return SkipU(2);
  }
  return Fail(kBadTag, record_start);  // unreachable: tag was checked above
}

bool RecordScanner::Object() {
  uint32_t contents_length;
  if (!SkipU(1) || !SkipBlob(&contents_length)) return false;
  if (!FieldList(contents_length, FieldUse::kChecked, &record_pointer_words_)) return false;
  is_object_ = true;
  return true;
}

bool RecordScanner::TypeName() {
  size_t length_at = pos_;
  uint64_t length;
  if (!ReadU(&length)) return false;
  if ((header_version_ == 15 || header_version_ == 16) && length > kQuirkNameLimit) {
    size_t scan_start = pos_;
    for (size_t p = scan_start; p - scan_start < kQuirkNameLimit; ++p) {
      if (length_ - p <= 2) return Fail(kNeedMoreBlob, length_at);
      uint8_t next_tag = window_[p + 2];
      if (window_[p] == kQuirkNameEnd && window_[p + 1] <= 1 &&
          (next_tag == kTagObject || next_tag == kTagType || next_tag == kTagItab)) {
        pos_ = p + 2;
        return true;
      }
    }
    return Fail(kBadTypeName, length_at);
  }
  if (length >= kMaxBlobLength) return Fail(kLengthTooLarge, length_at);
  if (length_ - pos_ < length) return Fail(kNeedMoreBlob, length_at);
  pos_ += length;
  return SkipU(1);  // ptrData
}

bool RecordScanner::TypeFields() {
  if (!type_fields_) return true;
  for (;;) {
    uint64_t kind;
    if (!ReadU(&kind)) return false;
    if (kind == 0) return true;
    if (!SkipU(1)) return false;
  }
}

bool RecordScanner::Params() {
  uint64_t big_endian;
  if (!ReadU(&big_endian)) return false;
  size_t ptr_size_at = pos_;
  uint64_t ptr_size;
  if (!ReadU(&ptr_size)) return false;
  if (ptr_size != 4 && ptr_size != 8) return Fail(kBadPtrSize, ptr_size_at);
  bool type_fields = false;
  if (header_version_ == 13) {
    uint64_t first;
    if (!ReadU(&first)) return false;
    if (first < kHchanSizeLimit && !SkipU(1)) return false;  // heapStart after hchanSize
    uint64_t thechar;
    if (!SkipU(1) || !ReadU(&thechar)) return false;  // heapEnd, thechar
    type_fields = thechar != 0;
  } else if (header_version_ == 17) {
    if (!SkipU(2)) return false;
    size_t arch_at = pos_;
    uint64_t arch;
    if (!ReadU(&arch)) return false;
    if (arch < kThecharMin) {
      if (length_ - pos_ < arch) return Fail(kNeedMoreBlob, arch_at);
      pos_ += arch;
    }
  } else {
    if (!SkipU(3)) return false;
  }
  if (!SkipString() || !SkipU(1)) return false;  // experiment, ncpu
  params_seen_ = true;
  ptr_size_ = static_cast<uint32_t>(ptr_size);
  type_fields_ = type_fields;
  state_[kStateParamsSeen] = 1;
  state_[kStatePtrSize] = static_cast<int32_t>(ptr_size);
  state_[kStateBigEndian] = big_endian != 0 ? 1 : 0;
  state_[kStateTypeFields] = type_fields ? 1 : 0;
  return true;
}

bool RecordScanner::MemProf() {
  if (!SkipU(2)) return false;  // bucket, size
  uint64_t frame_count;
  if (!ReadU(&frame_count)) return false;
  for (uint64_t i = 0; i < frame_count; ++i) {
    if (!SkipString() || !SkipString() || !SkipU(1)) return false;  // function, file, line
  }
  return SkipU(2);  // allocs, frees
}

// (u kind, u offset)* ended by kind 0; counts the pointer words, checks them as the decoder does.
bool RecordScanner::FieldList(uint32_t contents_length, FieldUse use, uint64_t* words) {
  uint64_t count = 0;
  for (;;) {
    size_t kind_at = pos_;
    uint64_t kind;
    if (pos_ < length_ && window_[pos_] < 0x80) {
      kind = window_[pos_++];
    } else if (!ReadU(&kind)) {
      return false;
    }
    if (kind == 0) break;
    uint32_t kind_words = PointerWordsOfKind(kind);
    if (kind_words == 0) return Fail(kBadFieldKind, kind_at);
    size_t offset_at = pos_;
    uint64_t offset;
    if (pos_ < length_ && window_[pos_] < 0x80) {
      offset = window_[pos_++];
    } else if (!ReadU(&offset)) {
      return false;
    }
    uint64_t span = static_cast<uint64_t>(kind_words) * ptr_size_;
    if (offset <= contents_length && contents_length - offset >= span) {
      count += kind_words;
      continue;
    }
    // Some words lie past the contents: a stack frame drops them, anything else is an error.
    if (use != FieldUse::kStackFrame) return Fail(kFieldOutOfBounds, offset_at);
    for (uint32_t k = 0; k < kind_words; ++k) {
      uint64_t word_end = static_cast<uint64_t>(k + 1) * ptr_size_;
      if (offset <= contents_length && contents_length - offset >= word_end) ++count;
    }
  }
  *words = count;
  return true;
}

}  // namespace

ScanResult ScanRecords(const uint8_t* window, size_t length, int32_t* state) {
  RecordScanner scanner(window, length, state);
  return scanner.Run();
}

}  // namespace goheap
