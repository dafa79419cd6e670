// The window decoder: decodes the whole records at the start of a window of dump bytes and
// appends what they say to output columns. docs/decoder-abi.md is the contract; this file
// knows nothing of Node (native/addon.cc is the N-API shim).
#ifndef GOHEAP_NATIVE_CORE_DECODER_H_
#define GOHEAP_NATIVE_CORE_DECODER_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "status.h"

namespace goheap {

// One output column: a growable array of plain numbers. Unlike std::vector it can append
// without a capacity check after room was made for a whole group of rows at once, and it never
// zero-fills what it allocates. Capacity only grows with rows actually decoded.
template <typename T>
class Column {
 public:
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  const T* data() const { return data_.get(); }
  const T* begin() const { return data_.get(); }
  const T* end() const { return data_.get() + size_; }
  T& operator[](size_t index) { return data_[index]; }
  const T& operator[](size_t index) const { return data_[index]; }

  void clear() { size_ = 0; }
  // Drops rows past `size` (rolling back a stopped record); never grows.
  void Truncate(size_t size) {
    if (size < size_) size_ = size;
  }
  // Makes room for `extra` more rows, doubling. May throw std::bad_alloc.
  void Reserve(size_t extra) {
    if (capacity_ - size_ >= extra) return;
    size_t capacity = capacity_ < kInitialRows ? kInitialRows : capacity_;
    while (capacity - size_ < extra) capacity *= 2;
    std::unique_ptr<T[]> grown(new T[capacity]);
    if (size_ != 0) std::memcpy(grown.get(), data_.get(), size_ * sizeof(T));
    data_ = std::move(grown);
    capacity_ = capacity;
  }
  // Appends after Reserve made room.
  void AppendReserved(T value) { data_[size_++] = value; }
  void push_back(T value) {
    Reserve(1);
    data_[size_++] = value;
  }
  void Append(const Column& other) {
    Reserve(other.size_);
    if (other.size_ != 0) std::memcpy(data_.get() + size_, other.data_.get(), other.size_ * sizeof(T));
    size_ += other.size_;
  }
  bool operator==(const Column& other) const {
    return size_ == other.size_ &&
           (size_ == 0 || std::memcmp(data_.get(), other.data_.get(), size_ * sizeof(T)) == 0);
  }

 private:
  static constexpr size_t kInitialRows = 1024;
  std::unique_ptr<T[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// What one window call appended. The columns grow with what was decoded (never with a length
// read from the dump), keep their capacity across calls and are emptied at the start of each.
struct OutputColumns {
  // Objects (headerVersion 14-17), one row per Object record.
  Column<uint32_t> object_address_lo;
  Column<uint32_t> object_address_hi;
  Column<uint32_t> object_size;
  Column<double> object_content_offset;
  Column<uint32_t> object_first_word_lo;
  Column<uint32_t> object_first_word_hi;
  Column<uint32_t> object_field_count;
  // Object pointer words, one row per word, in record order.
  Column<uint32_t> field_offset;
  Column<uint32_t> field_value_lo;
  Column<uint32_t> field_value_hi;
  // The record stream: every other record as u32 words.
  Column<uint32_t> stream;

  void Clear();
  // Bytes allocated for the columns (their capacity), used or not.
  size_t CapacityBytes() const;
  // Room for `extra` more rows in every object column / every pointer-word column.
  void ReserveObjects(size_t extra);
  void ReserveFields(size_t extra);
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
