// libFuzzer target for native/core. The first bytes of an input choose how it is decoded; the
// rest is a dump body (records after the header line):
//
//   byte 0   headerVersion = 13 + byte % 5
//   byte 1   first window step, 1-256 bytes
//   byte 2   second window step, 1-256 bytes times 64
//   byte 3   file offset of the body: the byte's low 7 bits, plus 2^40 when its top bit is set
//   4...     the body
//
// The body is decoded in one window and again in windows that follow the two steps (cycled,
// resuming at the first undecoded record, growing while a record does not fit). Both must give
// the same columns, status, offsets and state; the sanitizers catch any bad read on the way.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "../core/decoder.h"
#include "window_check.h"

namespace {

constexpr size_t kPrefixBytes = 4;

[[noreturn]] void Crash(const char* what) {
  std::fprintf(stderr, "fuzz_decoder: %s\n", what);
  __builtin_trap();
}

// Invariants every decode must keep, whatever the input.
void CheckInvariants(const goheap::check::Decoded& decoded, uint64_t body_offset,
                     size_t length) {
  const goheap::OutputColumns& columns = decoded.columns;
  if (decoded.status == goheap::kOutputFull) Crash("OUTPUT_FULL from a growing backend");
  if (decoded.consumed_end < body_offset || decoded.consumed_end > body_offset + length) {
    Crash("consumed outside the body");
  }
  if (decoded.record_offset != decoded.consumed_end) Crash("recordOffset != consumed end");
  if (decoded.error_offset < decoded.record_offset ||
      decoded.error_offset > body_offset + length) {
    Crash("errorOffset outside the stopped record");
  }
  uint64_t field_total = 0;
  for (uint32_t count : columns.object_field_count) field_total += count;
  if (field_total != columns.FieldCount()) Crash("objectFieldCount does not sum to fieldCount");
  size_t objects = columns.ObjectCount();
  if (columns.object_size.size() != objects || columns.object_content_offset.size() != objects ||
      columns.object_first_word_hi.size() != objects) {
    Crash("object columns of different lengths");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < kPrefixBytes) return 0;
  int header_version = 13 + data[0] % 5;
  std::vector<size_t> steps = {static_cast<size_t>(data[1]) + 1,
                               (static_cast<size_t>(data[2]) + 1) * 64};
  uint64_t body_offset = (data[3] & 0x7f) + ((data[3] & 0x80) != 0 ? (uint64_t{1} << 40) : 0);
  const uint8_t* body = data + kPrefixBytes;
  size_t length = size - kPrefixBytes;

  goheap::check::Decoded whole;
  goheap::check::DecodeInWindows(body, length, body_offset, header_version, {}, &whole);
  CheckInvariants(whole, body_offset, length);
  goheap::check::Decoded pieces;
  goheap::check::DecodeInWindows(body, length, body_offset, header_version, steps, &pieces);
  if (!goheap::check::SameDecode(whole, pieces)) Crash("one window and growing windows differ");
  return 0;
}
