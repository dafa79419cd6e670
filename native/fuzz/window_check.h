// Shared by the fuzz target and the sanitizer driver: decode a dump body in one window and in
// a sequence of smaller windows (as the TypeScript chunk reader does: resume at the first
// undecoded record, grow the window when a record does not fit) and compare everything.
#ifndef GOHEAP_NATIVE_FUZZ_WINDOW_CHECK_H_
#define GOHEAP_NATIVE_FUZZ_WINDOW_CHECK_H_

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "../core/decoder.h"

namespace goheap {
namespace check {

// Everything a whole decode produced, all windows' outputs concatenated.
struct Decoded {
  OutputColumns columns;
  int32_t status = -1;
  uint64_t consumed_end = 0;  // absolute offset after the last whole record
  uint64_t error_offset = 0;
  int32_t error_tag = 0;
  uint64_t record_offset = 0;
  int32_t state[kStateLength] = {};
  size_t calls = 0;
};

struct Summary {
  int32_t status = -1;
  uint64_t consumed = 0;
  size_t objects = 0;
  size_t fields = 0;
  size_t stream_words = 0;
};

inline void AppendColumns(OutputColumns* to, const OutputColumns& from) {
  to->object_address_lo.Append(from.object_address_lo);
  to->object_address_hi.Append(from.object_address_hi);
  to->object_size.Append(from.object_size);
  to->object_content_offset.Append(from.object_content_offset);
  to->object_first_word_lo.Append(from.object_first_word_lo);
  to->object_first_word_hi.Append(from.object_first_word_hi);
  to->object_field_count.Append(from.object_field_count);
  to->field_offset.Append(from.field_offset);
  to->field_value_lo.Append(from.field_value_lo);
  to->field_value_hi.Append(from.field_value_hi);
  to->stream.Append(from.stream);
}

inline bool SameColumns(const OutputColumns& a, const OutputColumns& b) {
  // Offsets are integers < 2^53, so comparing the doubles' bytes is right.
  return a.object_address_lo == b.object_address_lo &&
         a.object_address_hi == b.object_address_hi && a.object_size == b.object_size &&
         a.object_content_offset == b.object_content_offset &&
         a.object_first_word_lo == b.object_first_word_lo &&
         a.object_first_word_hi == b.object_first_word_hi &&
         a.object_field_count == b.object_field_count && a.field_offset == b.field_offset &&
         a.field_value_lo == b.field_value_lo && a.field_value_hi == b.field_value_hi &&
         a.stream == b.stream;
}

inline bool SameDecode(const Decoded& a, const Decoded& b) {
  return SameColumns(a.columns, b.columns) && a.status == b.status &&
         a.consumed_end == b.consumed_end && a.error_offset == b.error_offset &&
         a.error_tag == b.error_tag && a.record_offset == b.record_offset &&
         std::memcmp(a.state, b.state, sizeof a.state) == 0;
}

// Decodes body[0, length) (file offset body_offset) through windows whose sizes follow
// `steps` (cycled; a step of 0 counts as 1). steps empty = one window holding everything.
// Each window is copied into its own exactly sized buffer so that ASan sees any read past it.
inline void DecodeInWindows(const uint8_t* body, size_t length, uint64_t body_offset,
                            int header_version, const std::vector<size_t>& steps,
                            Decoded* decoded) {
  decoded->state[kStateHeaderVersion] = header_version;
  OutputColumns out;
  size_t start = 0;           // first undecoded byte
  size_t window_length = 0;   // current window: body[start, start + window_length)
  size_t step_index = 0;
  auto next_step = [&]() -> size_t {
    if (steps.empty()) return length;
    size_t step = std::max<size_t>(steps[step_index % steps.size()], 1);
    ++step_index;
    return step;
  };
  window_length = std::min(next_step(), length - start);
  for (;;) {
    std::vector<uint8_t> window(body + start, body + start + window_length);
    WindowResult result = DecodeWindow(window.data(), window.size(), body_offset + start,
                                       decoded->state, &out);
    ++decoded->calls;
    AppendColumns(&decoded->columns, out);
    start += result.consumed;
    bool at_input_end = start + (window_length - result.consumed) == length;
    bool wants_more = result.status == kWindowEnd || result.status == kNeedMore ||
                      result.status == kNeedMoreBlob;
    if (!wants_more || at_input_end) {
      decoded->status = result.status;
      decoded->consumed_end = body_offset + start;
      decoded->error_offset = result.error_offset;
      decoded->error_tag = result.error_tag;
      decoded->record_offset = result.record_offset;
      return;
    }
    if (result.status == kWindowEnd) {
      window_length = std::min(next_step(), length - start);
    } else {
      // The record at `start` did not fit: keep what is left and add one step.
      window_length = std::min(window_length - result.consumed + next_step(), length - start);
    }
  }
}

// True when one window and windows following `steps` (see DecodeInWindows) decode alike.
inline bool WholeEqualsGrowing(const uint8_t* body, size_t length, uint64_t body_offset,
                               int header_version, const std::vector<size_t>& steps,
                               Summary* summary) {
  Decoded whole;
  DecodeInWindows(body, length, body_offset, header_version, {}, &whole);
  Decoded pieces;
  DecodeInWindows(body, length, body_offset, header_version, steps, &pieces);
  summary->status = whole.status;
  summary->consumed = whole.consumed_end - body_offset;
  summary->objects = whole.columns.ObjectCount();
  summary->fields = whole.columns.FieldCount();
  summary->stream_words = whole.columns.stream.size();
  return SameDecode(whole, pieces);
}

}  // namespace check
}  // namespace goheap

#endif  // GOHEAP_NATIVE_FUZZ_WINDOW_CHECK_H_
