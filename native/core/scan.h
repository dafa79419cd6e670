// The bare scan: the fastest walk over a window's records that still reads every varint, skips
// every string and blob by its length and checks what the decoder checks (tags, Params first,
// lengths, field kinds and bounds, the go1.5 type-name quirk) — but keeps no columns. It is the
// ceiling the decoders are measured against (bench/, `goheap bench`), not a decoder: it
// reports counts, not contents. Same state array and statuses as DecodeWindow (decoder.h).
#ifndef GOHEAP_NATIVE_CORE_SCAN_H_
#define GOHEAP_NATIVE_CORE_SCAN_H_

#include <cstddef>
#include <cstdint>

#include "status.h"

namespace goheap {

struct ScanResult {
  DecodeStatus status;
  // Bytes of the window holding whole records (the start of the record that stopped the scan).
  uint64_t consumed;
  // Window position the status points at (as DecodeWindow's errorOffset, minus windowOffset).
  uint64_t error_at;
  // Whole records walked, Object records among them, and their pointer words.
  uint64_t records;
  uint64_t objects;
  uint64_t pointer_words;
};

// Walks the whole records at the start of window[0, length), reading and updating
// state[0, kStateLength) as DecodeWindow does. Allocates nothing and never throws.
ScanResult ScanRecords(const uint8_t* window, size_t length, int32_t* state);

}  // namespace goheap

#endif  // GOHEAP_NATIVE_CORE_SCAN_H_
