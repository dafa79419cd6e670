// The window decoder: decodes the whole records at the start of a window of dump bytes and
// appends what they say to output columns. docs/decoder-abi.md is the contract; this file
// knows nothing of Node (native/addon.cc is the N-API shim).
#ifndef GOHEAP_NATIVE_CORE_DECODER_H_
#define GOHEAP_NATIVE_CORE_DECODER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "status.h"

namespace goheap {

// What one window call appended. The vectors grow with what was decoded (never with a length
// read from the dump), keep their capacity across calls and are emptied at the start of each.
struct OutputColumns {
  // Objects (headerVersion 14-17), one row per Object record.
  std::vector<uint32_t> object_address_lo;
  std::vector<uint32_t> object_address_hi;
  std::vector<uint32_t> object_size;
  std::vector<double> object_content_offset;
  std::vector<uint32_t> object_first_word_lo;
  std::vector<uint32_t> object_first_word_hi;
  std::vector<uint32_t> object_field_count;
  // Object pointer words, one row per word, in record order.
  std::vector<uint32_t> field_offset;
  std::vector<uint32_t> field_value_lo;
  std::vector<uint32_t> field_value_hi;
  // The record stream: every other record as u32 words.
  std::vector<uint32_t> stream;

  void Clear();
  size_t ObjectCount() const { return object_address_lo.size(); }
  size_t FieldCount() const { return field_offset.size(); }
};

struct WindowResult {
  DecodeStatus status;
  // Bytes of the window holding whole, decoded records.
  uint64_t consumed;
  // Absolute file offset the status points at.
  uint64_t error_offset;
  // Tag of the record that stopped the call, -1 when the tag itself was not read.
  int32_t error_tag;
  // Absolute file offset of the record that stopped the call.
  uint64_t record_offset;
};

// Decodes the whole records at the start of window[0, window_length) (file offset
// window_offset), reading and updating state[0, kStateLength). Empties *out first.
// Never returns kOutputFull. May throw std::bad_alloc when the columns cannot grow.
WindowResult DecodeWindow(const uint8_t* window, size_t window_length, uint64_t window_offset,
                          int32_t* state, OutputColumns* out);

}  // namespace goheap

#endif  // GOHEAP_NATIVE_CORE_DECODER_H_
