// LEB128 uvarints as Go's binary.Uvarint reads them: bytes 0-8 carry 7 bits each, the 10th byte
// must be 0 or 1 (anything else, a continuation bit included, is an overflow).
#ifndef GOHEAP_NATIVE_CORE_VARINT_H_
#define GOHEAP_NATIVE_CORE_VARINT_H_

#include <cstddef>
#include <cstdint>

#include "status.h"

namespace goheap {

constexpr size_t kMaxVarintBytes = 10;

// Reads the uvarint at data[*pos] (with *pos <= length). On kDone the value is in *value and
// *pos is one past its last byte; on kNeedMore (the data ends inside it) or kVarintOverflow
// *pos is unchanged, so it still names the varint's first byte.
inline DecodeStatus ReadUvarint(const uint8_t* data, size_t length, size_t* pos,
                                uint64_t* value) {
  size_t start = *pos;
  // One-byte values (tags, kinds, small offsets and lengths) are the common case.
  if (start < length && data[start] < 0x80) {
    *value = data[start];
    *pos = start + 1;
    return kDone;
  }
  const uint8_t* bytes = data + start;
  size_t available = length - start;
  uint64_t result = 0;
  if (available >= kMaxVarintBytes) {
    // Ten bytes are there: no end checks inside the loop.
    for (size_t i = 0; i < kMaxVarintBytes - 1; ++i) {
      uint8_t byte = bytes[i];
      result |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
      if (byte < 0x80) {
        *value = result;
        *pos = start + i + 1;
        return kDone;
      }
    }
    uint8_t last = bytes[kMaxVarintBytes - 1];
    if (last > 1) return kVarintOverflow;
    *value = result | (static_cast<uint64_t>(last) << 63);
    *pos = start + kMaxVarintBytes;
    return kDone;
  }
  // Fewer than ten bytes left: every byte is checked against the end.
  for (size_t i = 0; i < available; ++i) {
    uint8_t byte = bytes[i];
    result |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if (byte < 0x80) {
      *value = result;
      *pos = start + i + 1;
      return kDone;
    }
  }
  return kNeedMore;
}

}  // namespace goheap

#endif  // GOHEAP_NATIVE_CORE_VARINT_H_
