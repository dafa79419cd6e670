// The window decoder. One RecordReader decodes one window: records in order, each either
// whole (its output kept) or stopped (its output taken back, the call ends). Every read is
// checked against the window end; nothing is sized by a length read from the dump.
#include "decoder.h"

#include <cstring>

#include "varint.h"

namespace goheap {

void OutputColumns::Clear() {
  object_address_lo.clear();
  object_address_hi.clear();
  object_size.clear();
  object_content_offset.clear();
  object_first_word_lo.clear();
  object_first_word_hi.clear();
  object_field_count.clear();
  field_offset.clear();
  field_value_lo.clear();
  field_value_hi.clear();
  stream.clear();
}

void OutputColumns::ReserveObjects(size_t extra) {
  if (object_address_lo.capacity() - object_address_lo.size() >= extra) return;
  object_address_lo.Reserve(extra);
  object_address_hi.Reserve(extra);
  object_size.Reserve(extra);
  object_content_offset.Reserve(extra);
  object_first_word_lo.Reserve(extra);
  object_first_word_hi.Reserve(extra);
  object_field_count.Reserve(extra);
}

void OutputColumns::ReserveFields(size_t extra) {
  if (field_offset.capacity() - field_offset.size() >= extra) return;
  field_offset.Reserve(extra);
  field_value_lo.Reserve(extra);
  field_value_hi.Reserve(extra);
}

size_t OutputColumns::CapacityBytes() const {
  size_t words = object_address_lo.capacity() + object_address_hi.capacity() +
                 object_size.capacity() + object_first_word_lo.capacity() +
                 object_first_word_hi.capacity() + object_field_count.capacity() +
                 field_offset.capacity() + field_value_lo.capacity() +
                 field_value_hi.capacity() + stream.capacity();
  return words * sizeof(uint32_t) + object_content_offset.capacity() * sizeof(double);
}

namespace {

constexpr uint8_t kQuirkNameEnd = 0x2E;
// Marks a two-byte field offset the fast path cannot take (a third varint byte follows).
constexpr uint32_t kNoFastOffset = 0xffffffffu;  // '.', the one byte the go1.5 writer manages to write

// Where a field list's pointer words go and what a word past the contents means.
enum class FieldUse {
  kObject,      // object pointer-word columns; a word past the contents is an error
  kSegment,     // record stream (Data, BSS); a word past the contents is an error
  kStackFrame,  // record stream; a word past the contents is dropped (the bottom frame's args)
};

// Output lengths at the start of a record, so a stopped record can be taken back.
struct OutputMark {
  size_t objects;
  size_t fields;
  size_t stream;
};

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
constexpr bool kHostBigEndian = true;
#else
constexpr bool kHostBigEndian = false;
#endif

inline uint32_t ByteSwap32(uint32_t value) {
  return (value >> 24) | ((value >> 8) & 0xff00u) | ((value << 8) & 0xff0000u) | (value << 24);
}
inline uint64_t ByteSwap64(uint64_t value) {
  return (static_cast<uint64_t>(ByteSwap32(static_cast<uint32_t>(value))) << 32) |
         ByteSwap32(static_cast<uint32_t>(value >> 32));
}

inline uint32_t Low(uint64_t value) { return static_cast<uint32_t>(value); }
inline uint32_t High(uint64_t value) { return static_cast<uint32_t>(value >> 32); }

class RecordReader {
 public:
  RecordReader(const uint8_t* window, size_t length, uint64_t window_offset, int32_t* state,
               OutputColumns* out)
      : window_(window),
        length_(length),
        window_offset_(window_offset),
        state_(state),
        out_(out),
        header_version_(state[kStateHeaderVersion]),
        params_seen_(state[kStateParamsSeen] != 0),
        // Only 4 and 8 are ever stored; anything else is read as 8 so no read can overrun.
        ptr_size_(state[kStatePtrSize] == 4 ? 4 : 8),
        big_endian_(state[kStateBigEndian] != 0),
        type_fields_(state[kStateTypeFields] != 0) {}

  WindowResult Run();

 private:
  // --- primitives: each returns false after recording the status and where it points ---
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
  // A string or blob: its window position and length, the bytes skipped.
  bool ReadBlob(size_t* start, uint32_t* length) {
    size_t at = pos_;
    uint64_t value;
    if (!ReadU(&value)) return false;
    if (value >= kMaxBlobLength) return Fail(kLengthTooLarge, at);
    if (length_ - pos_ < value) return Fail(kNeedMoreBlob, at);
    *start = pos_;
    *length = static_cast<uint32_t>(value);
    pos_ += value;
    return true;
  }
  // The pointer-sized word at window_[at], in the dump's byte order; the caller checked bounds.
  uint64_t WordAt(size_t at) const {
    const uint8_t* bytes = window_ + at;
    if (ptr_size_ == 8) {
      uint64_t value;
      std::memcpy(&value, bytes, sizeof value);
      return big_endian_ != kHostBigEndian ? ByteSwap64(value) : value;
    }
    uint32_t value;
    std::memcpy(&value, bytes, sizeof value);
    return big_endian_ != kHostBigEndian ? ByteSwap32(value) : value;
  }
  uint64_t FileOffset(size_t window_pos) const { return window_offset_ + window_pos; }

  // An object pointer word; room for it was made with ReserveFields.
  void AppendField(uint32_t offset, uint64_t value) {
    out_->field_offset.AppendReserved(offset);
    out_->field_value_lo.AppendReserved(Low(value));
    out_->field_value_hi.AppendReserved(High(value));
  }

  // --- record stream words ---
  void Word(uint32_t word) { out_->stream.push_back(word); }
  void Wide(uint64_t value) {
    out_->stream.push_back(Low(value));
    out_->stream.push_back(High(value));
  }
  void StringWords(size_t start, uint32_t length) {
    Wide(FileOffset(start));
    Word(length);
  }
  bool StreamU() {
    uint64_t value;
    if (!ReadU(&value)) return false;
    Wide(value);
    return true;
  }
  bool StreamUs(int count) {
    for (int i = 0; i < count; ++i) {
      if (!StreamU()) return false;
    }
    return true;
  }
  bool StreamB() {
    uint64_t value;
    if (!ReadU(&value)) return false;
    Word(value != 0 ? 1 : 0);
    return true;
  }
  bool StreamS() {
    size_t start;
    uint32_t length;
    if (!ReadBlob(&start, &length)) return false;
    StringWords(start, length);
    return true;
  }

  // --- records ---
  bool DecodeRecord();
  bool DecodeObject();
  bool DecodeObjectGo13();
  bool DecodeType();
  bool DecodeTypeName();
  bool DecodeRepairedTypeName(size_t length_at);
  bool DecodeTypeFields();
  bool DecodeGoroutine();
  bool DecodeStackFrame();
  bool DecodeParams();
  bool DecodeItab();
  bool DecodeSegment();
  bool DecodeMemProf();
  bool DecodeFieldList(size_t contents, uint32_t contents_length, FieldUse use,
                       uint32_t* word_count);
  // How many pointer words a field kind covers under this header; 0 for an undefined kind.
  uint32_t PointerWordsOfKind(uint64_t kind) const;

  OutputMark Mark() const {
    return {out_->ObjectCount(), out_->FieldCount(), out_->stream.size()};
  }
  void Rollback(const OutputMark& mark);

  const uint8_t* window_;
  size_t length_;
  uint64_t window_offset_;
  int32_t* state_;
  OutputColumns* out_;

  int32_t header_version_;
  bool params_seen_;
  uint32_t ptr_size_;
  bool big_endian_;
  bool type_fields_;
  bool eof_seen_ = false;

  size_t pos_ = 0;
  DecodeStatus status_ = kDone;
  size_t error_at_ = 0;
  int32_t error_tag_ = -1;
};

WindowResult RecordReader::Run() {
  out_->Clear();
  size_t consumed = 0;
  for (;;) {
    if (consumed == length_) {
      uint64_t end = FileOffset(consumed);
      return {kWindowEnd, consumed, end, -1, end};
    }
    OutputMark mark = Mark();
    pos_ = consumed;
    error_tag_ = -1;
    if (!DecodeRecord()) {
      Rollback(mark);
      return {status_, consumed, FileOffset(error_at_), error_tag_, FileOffset(consumed)};
    }
    consumed = pos_;
    if (eof_seen_) {
      uint64_t end = FileOffset(consumed);
      return {kDone, consumed, end, -1, end};
    }
  }
}

void RecordReader::Rollback(const OutputMark& mark) {
  out_->object_address_lo.Truncate(mark.objects);
  out_->object_address_hi.Truncate(mark.objects);
  out_->object_size.Truncate(mark.objects);
  out_->object_content_offset.Truncate(mark.objects);
  out_->object_first_word_lo.Truncate(mark.objects);
  out_->object_first_word_hi.Truncate(mark.objects);
  out_->object_field_count.Truncate(mark.objects);
  out_->field_offset.Truncate(mark.fields);
  out_->field_value_lo.Truncate(mark.fields);
  out_->field_value_hi.Truncate(mark.fields);
  out_->stream.Truncate(mark.stream);
}

bool RecordReader::DecodeRecord() {
  size_t record_start = pos_;
  uint64_t tag;
  if (!ReadU(&tag)) return false;
  if (tag > kLastTag) return Fail(kBadTag, record_start);
  error_tag_ = static_cast<int32_t>(tag);
  if (tag == kTagParams) {
    if (params_seen_) return Fail(kDuplicateParams, record_start);
  } else if (!params_seen_) {
    return Fail(kParamsNotFirst, record_start);
  }
  if (tag == kTagObject && header_version_ != 13) return DecodeObject();

  Word(static_cast<uint32_t>(tag));
  Wide(FileOffset(record_start));
  switch (tag) {
    case kTagEof:
      eof_seen_ = true;
      state_[kStateEofSeen] = 1;
      return true;
    case kTagObject:
      return DecodeObjectGo13();
    case kTagOtherRoot:
      return StreamS() && StreamU();
    case kTagType:
      return DecodeType();
    case kTagGoroutine:
      return DecodeGoroutine();
    case kTagStackFrame:
      return DecodeStackFrame();
    case kTagParams:
      return DecodeParams();
    case kTagFinalizer:
    case kTagQueuedFinalizer:
      return StreamUs(5);  // object, fn, pc, fint, ot
    case kTagItab:
      return DecodeItab();
    case kTagOSThread:
      return StreamUs(3);  // address, id, procId
    case kTagMemStats:
      return StreamUs(kMemStatsFieldCount);
    case kTagData:
    case kTagBSS:
      return DecodeSegment();
    case kTagDefer:
      return StreamUs(7);  // address, goroutine, sp, pc, fn, code, link
    case kTagPanic:
      return StreamUs(6);  // address, goroutine, argType, argData, defer, link
    case kTagMemProf:
      return DecodeMemProf();
    case kTagAllocSample:
      return StreamUs(2);  // object, bucket
  }
  return Fail(kBadTag, record_start);  // unreachable: tag was checked above
}

// headerVersion 14-17: u address, s contents, field list -> the object columns.
bool RecordReader::DecodeObject() {
  uint64_t address;
  size_t contents;
  uint32_t size;
  uint32_t field_count;
  if (!ReadU(&address) || !ReadBlob(&contents, &size) ||
      !DecodeFieldList(contents, size, FieldUse::kObject, &field_count)) {
    return false;
  }
  uint64_t first_word = size >= ptr_size_ ? WordAt(contents) : 0;
  OutputColumns& out = *out_;
  out.ReserveObjects(1);
  out.object_address_lo.AppendReserved(Low(address));
  out.object_address_hi.AppendReserved(High(address));
  out.object_size.AppendReserved(size);
  out.object_content_offset.AppendReserved(static_cast<double>(FileOffset(contents)));
  out.object_first_word_lo.AppendReserved(Low(first_word));
  out.object_first_word_hi.AppendReserved(High(first_word));
  out.object_field_count.AppendReserved(field_count);
  return true;
}

// headerVersion 13: u address, u typeAddress, u kind, s contents; then the first word as a u.
bool RecordReader::DecodeObjectGo13() {
  if (!StreamUs(3)) return false;
  size_t contents;
  uint32_t size;
  if (!ReadBlob(&contents, &size)) return false;
  StringWords(contents, size);
  Wide(size >= ptr_size_ ? WordAt(contents) : 0);
  return true;
}

// u address, u size, s name, b ptrData, (b nameRepaired), field list when the header has them.
bool RecordReader::DecodeType() {
  return StreamUs(2) && DecodeTypeName() && DecodeTypeFields();
}

// Writes s name, b ptrData, b nameRepaired.
bool RecordReader::DecodeTypeName() {
  size_t length_at = pos_;
  uint64_t length;
  if (!ReadU(&length)) return false;
  // The quirk is checked before, and instead of, the length limit: its lengths are garbage.
  if ((header_version_ == 15 || header_version_ == 16) && length > kQuirkNameLimit) {
    return DecodeRepairedTypeName(length_at);
  }
  if (length >= kMaxBlobLength) return Fail(kLengthTooLarge, length_at);
  if (length_ - pos_ < length) return Fail(kNeedMoreBlob, length_at);
  StringWords(pos_, static_cast<uint32_t>(length));
  pos_ += length;
  if (!StreamB()) return false;
  Word(0);  // nameRepaired
  return true;
}

// The go1.5 writer declares a huge name length, writes none of it, then a '.'. The name is
// everything up to the first '.' followed by a bool byte and a plausible next tag.
bool RecordReader::DecodeRepairedTypeName(size_t length_at) {
  size_t scan_start = pos_;
  for (size_t p = scan_start; p - scan_start < kQuirkNameLimit; ++p) {
    if (length_ - p <= 2) return Fail(kNeedMoreBlob, length_at);
    uint8_t next_tag = window_[p + 2];
    if (window_[p] == kQuirkNameEnd && window_[p + 1] <= 1 &&
        (next_tag == kTagObject || next_tag == kTagType || next_tag == kTagItab)) {
      StringWords(scan_start, static_cast<uint32_t>(p - scan_start + 1));
      Word(window_[p + 1]);  // ptrData
      Word(1);               // nameRepaired
      pos_ = p + 2;
      return true;
    }
  }
  return Fail(kBadTypeName, length_at);
}

// T: count, then count x (kind word, offset u); count 0 when the header has no type fields.
bool RecordReader::DecodeTypeFields() {
  size_t count_slot = out_->stream.size();
  Word(0);
  if (!type_fields_) return true;
  uint32_t count = 0;
  for (;;) {
    uint64_t kind;
    if (!ReadU(&kind)) return false;
    if (kind == 0) break;
    Word(Low(kind));
    if (!StreamU()) return false;
    ++count;
  }
  out_->stream[count_slot] = count;
  return true;
}

bool RecordReader::DecodeGoroutine() {
  // address, sp, id, goPc, status; isSystem, isBackground; waitSince; waitReason;
  // ctxt, m, defer, panic
  return StreamUs(5) && StreamB() && StreamB() && StreamU() && StreamS() && StreamUs(4);
}

bool RecordReader::DecodeStackFrame() {
  // sp, depth, childSp; contents; entryPc, pc, continuationPc; name; pointer words
  if (!StreamUs(3)) return false;
  size_t contents;
  uint32_t size;
  if (!ReadBlob(&contents, &size)) return false;
  StringWords(contents, size);
  uint32_t word_count;
  return StreamUs(3) && StreamS() &&
         DecodeFieldList(contents, size, FieldUse::kStackFrame, &word_count);
}

bool RecordReader::DecodeParams() {
  uint64_t big_endian;
  if (!ReadU(&big_endian)) return false;
  size_t ptr_size_at = pos_;
  uint64_t ptr_size;
  if (!ReadU(&ptr_size)) return false;
  if (ptr_size != 4 && ptr_size != 8) return Fail(kBadPtrSize, ptr_size_at);

  uint64_t hchan_size = 0, heap_start = 0, heap_end = 0, thechar = 0, ncpu = 0;
  size_t goarch = 0, experiment = 0;  // window positions; 0 with length 0 when absent
  uint32_t goarch_length = 0, experiment_length = 0;
  bool goarch_present = false;
  bool type_fields = false;
  if (header_version_ == 13) {
    uint64_t first;
    if (!ReadU(&first)) return false;
    if (first < kHchanSizeLimit) {
      hchan_size = first;
      if (!ReadU(&heap_start)) return false;
    } else {
      heap_start = first;  // 1.4 development snapshots: no hchanSize
    }
    if (!ReadU(&heap_end) || !ReadU(&thechar)) return false;
    type_fields = thechar != 0;  // gccgo (thechar 0) writes no type fields
  } else if (header_version_ == 17) {
    if (!ReadU(&heap_start) || !ReadU(&heap_end)) return false;
    size_t arch_at = pos_;
    uint64_t arch;
    if (!ReadU(&arch)) return false;
    if (arch >= kThecharMin) {
      thechar = arch;  // early Go 1.7 builds still wrote thechar
    } else {
      if (length_ - pos_ < arch) return Fail(kNeedMoreBlob, arch_at);
      goarch = pos_;
      goarch_length = static_cast<uint32_t>(arch);
      goarch_present = true;
      pos_ += arch;
    }
  } else {
    if (!ReadU(&heap_start) || !ReadU(&heap_end) || !ReadU(&thechar)) return false;
  }
  if (!ReadBlob(&experiment, &experiment_length) || !ReadU(&ncpu)) return false;

  Word(big_endian != 0 ? 1 : 0);
  Wide(ptr_size);
  Wide(hchan_size);
  Wide(heap_start);
  Wide(heap_end);
  Wide(thechar);
  if (goarch_present) {
    StringWords(goarch, goarch_length);
  } else {
    Wide(0);
    Word(0);
  }
  StringWords(experiment, experiment_length);
  Wide(ncpu);

  params_seen_ = true;
  ptr_size_ = static_cast<uint32_t>(ptr_size);
  big_endian_ = big_endian != 0;
  type_fields_ = type_fields;
  state_[kStateParamsSeen] = 1;
  state_[kStatePtrSize] = static_cast<int32_t>(ptr_size);
  state_[kStateBigEndian] = big_endian_ ? 1 : 0;
  state_[kStateTypeFields] = type_fields_ ? 1 : 0;
  return true;
}

bool RecordReader::DecodeItab() {
  if (!StreamU()) return false;
  if (header_version_ != 13) return StreamU();
  uint64_t is_pointer;  // go1.3: whether the data word is a pointer, written as a u 0/1
  if (!ReadU(&is_pointer)) return false;
  Wide(is_pointer != 0 ? 1 : 0);
  return true;
}

// Data and BSS: u address, s contents, pointer words.
bool RecordReader::DecodeSegment() {
  if (!StreamU()) return false;
  size_t contents;
  uint32_t size;
  if (!ReadBlob(&contents, &size)) return false;
  StringWords(contents, size);
  uint32_t word_count;
  return DecodeFieldList(contents, size, FieldUse::kSegment, &word_count);
}

bool RecordReader::DecodeMemProf() {
  if (!StreamUs(2)) return false;  // bucket, size
  uint64_t frame_count;
  if (!ReadU(&frame_count)) return false;
  Wide(frame_count);
  // Each frame takes at least three bytes of the window, so this loop ends with the window.
  for (uint64_t i = 0; i < frame_count; ++i) {
    if (!StreamS() || !StreamS() || !StreamU()) return false;  // function, file, line
  }
  return StreamUs(2);  // allocs, frees
}

uint32_t RecordReader::PointerWordsOfKind(uint64_t kind) const {
  if (header_version_ == 13) {
    // 1 Ptr, 2 String (data pointer), 3 Slice (data pointer), 4 Iface, 5 Eface
    if (kind >= 1 && kind <= 3) return 1;
    if (kind == 4 || kind == 5) return 2;
    return 0;
  }
  // 1 Ptr, 2 Iface, 3 Eface
  if (kind == 1) return 1;
  if (kind == 2 || kind == 3) return 2;
  return 0;
}

// Field list (u kind, u offset)* ended by kind 0. Pointer words go to the object columns or,
// as P (count, then offset/lo/hi triples), to the record stream.
bool RecordReader::DecodeFieldList(size_t contents, uint32_t contents_length, FieldUse use,
                                   uint32_t* word_count) {
  size_t count_slot = 0;
  if (use != FieldUse::kObject) {
    count_slot = out_->stream.size();
    Word(0);
  }
  uint32_t count = 0;
  for (;;) {
    if (use == FieldUse::kObject && header_version_ != 13 && length_ - pos_ >= 3) {
      // Fast path for the common entry: a one-byte kind 0-3 and an offset of at most two
      // bytes whose words lie inside the contents. Anything else, errors included, takes the
      // general path below from the same position, so both give the same result.
      const uint8_t* entry = window_ + pos_;
      uint32_t kind = entry[0];
      if (kind == 0) {
        ++pos_;
        break;
      }
      if (kind <= 3) {
        uint32_t offset = entry[1];
        size_t entry_length = 2;
        if (offset >= 0x80) {
          offset = entry[2] < 0x80 ? (offset & 0x7f) | (static_cast<uint32_t>(entry[2]) << 7)
                                   : kNoFastOffset;
          entry_length = 3;
        }
        uint32_t words = kind == 1 ? 1 : 2;
        if (offset != kNoFastOffset && offset + words * ptr_size_ <= contents_length) {
          out_->ReserveFields(words);
          for (uint32_t k = 0; k < words; ++k) {
            uint32_t word_offset = offset + k * ptr_size_;
            AppendField(word_offset, WordAt(contents + word_offset));
          }
          count += words;
          pos_ += entry_length;
          continue;
        }
      }
    }
    size_t kind_at = pos_;
    uint64_t kind;
    if (!ReadU(&kind)) return false;
    if (kind == 0) break;
    uint32_t words = PointerWordsOfKind(kind);
    if (words == 0) return Fail(kBadFieldKind, kind_at);
    size_t offset_at = pos_;
    uint64_t offset;
    if (!ReadU(&offset)) return false;
    for (uint32_t k = 0; k < words; ++k) {
      // Word k spans [offset + k*ptrSize, offset + (k+1)*ptrSize): compared without overflow.
      uint64_t span = static_cast<uint64_t>(k + 1) * ptr_size_;
      if (offset > contents_length || contents_length - offset < span) {
        if (use == FieldUse::kStackFrame) continue;
        return Fail(kFieldOutOfBounds, offset_at);
      }
      uint32_t word_offset = static_cast<uint32_t>(offset) + k * ptr_size_;
      uint64_t value = WordAt(contents + word_offset);
      if (use == FieldUse::kObject) {
        out_->ReserveFields(1);
        AppendField(word_offset, value);
      } else {
        Word(word_offset);
        Word(Low(value));
        Word(High(value));
      }
      ++count;
    }
  }
  if (use != FieldUse::kObject) out_->stream[count_slot] = count;
  *word_count = count;
  return true;
}

}  // namespace

WindowResult DecodeWindow(const uint8_t* window, size_t window_length, uint64_t window_offset,
                          int32_t* state, OutputColumns* out) {
  RecordReader reader(window, window_length, window_offset, state, out);
  return reader.Run();
}

}  // namespace goheap
