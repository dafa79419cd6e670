// The N-API shim over native/core: a Decoder class whose decodeWindow runs the core in an
// AsyncWorker (off the main thread) and resolves to the WindowOutput shape of
// ts/decode/backend.ts. Argument checks and every JS error are made here, in one place each.
#include <napi.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "core/decoder.h"
#include "core/graph.h"
#include "core/scan.h"
#include "core/status.h"

namespace goheap {
namespace {

// Bumped when the JS-facing shape of this addon changes; ts/decode/native.ts checks it.
constexpr uint32_t kAddonAbiVersion = 3;
constexpr double kMaxSafeInteger = 9007199254740991.0;  // 2^53 - 1

// --- errors: the one place failures become JS errors ---

enum class ErrorKind { kType, kRange, kPlain };

Napi::Error MakeError(Napi::Env env, ErrorKind kind, const char* code,
                      const std::string& message) {
  Napi::Error error = kind == ErrorKind::kType    ? Napi::TypeError::New(env, message)
                      : kind == ErrorKind::kRange ? Napi::RangeError::New(env, message)
                                                  : Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  return error;
}

[[noreturn]] void Throw(Napi::Env env, ErrorKind kind, const char* code,
                        const std::string& message) {
  throw MakeError(env, kind, code, message);
}

// --- argument checks, each naming the argument ---

Napi::Uint8Array RequireUint8Array(const Napi::CallbackInfo& info, size_t index,
                                   const char* name) {
  Napi::Value value = info[index];
  if (!value.IsTypedArray() ||
      value.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    Throw(info.Env(), ErrorKind::kType, "ERR_INVALID_ARG_TYPE",
          std::string("decodeWindow: expected argument ") + name + " to be a Uint8Array");
  }
  return value.As<Napi::Uint8Array>();
}

Napi::Int32Array RequireState(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Value value = info[index];
  if (!value.IsTypedArray() ||
      value.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    Throw(info.Env(), ErrorKind::kType, "ERR_INVALID_ARG_TYPE",
          std::string("decodeWindow: expected argument ") + name + " to be an Int32Array");
  }
  Napi::Int32Array state = value.As<Napi::Int32Array>();
  if (state.ElementLength() < static_cast<size_t>(kStateLength)) {
    Throw(info.Env(), ErrorKind::kRange, "ERR_OUT_OF_RANGE",
          std::string("decodeWindow: expected argument ") + name + " to hold at least " +
              std::to_string(kStateLength) + " elements");
  }
  if (state[kStateParamsSeen] != 0 && state[kStatePtrSize] != 4 && state[kStatePtrSize] != 8) {
    Throw(info.Env(), ErrorKind::kRange, "ERR_OUT_OF_RANGE",
          std::string("decodeWindow: ") + name +
              " says Params was seen but its pointer size is not 4 or 8");
  }
  return state;
}

uint64_t RequireFileOffset(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Value value = info[index];
  if (!value.IsNumber()) {
    Throw(info.Env(), ErrorKind::kType, "ERR_INVALID_ARG_TYPE",
          std::string("decodeWindow: expected argument ") + name + " to be a number");
  }
  double offset = value.As<Napi::Number>().DoubleValue();
  if (!(offset >= 0 && offset <= kMaxSafeInteger) || std::floor(offset) != offset) {
    Throw(info.Env(), ErrorKind::kRange, "ERR_OUT_OF_RANGE",
          std::string("decodeWindow: expected argument ") + name +
              " to be an integer in [0, 2^53)");
  }
  return static_cast<uint64_t>(offset);
}

// --- output: the columns are copied, on the main thread, into one JS ArrayBuffer that the
// decoder keeps and reuses (the contract lets a call's views change at the next call), and
// the typed arrays are views of it. JS never sees memory that C++ owns or frees. ---

constexpr size_t kColumnAlignment = 8;            // Float64Array views need 8-byte offsets
constexpr size_t kMinOutputBytes = 64 * 1024;

size_t AlignColumn(size_t offset) {
  return (offset + kColumnAlignment - 1) & ~(kColumnAlignment - 1);
}

struct ColumnRef {
  const char* name;
  const void* data;
  size_t count;
  size_t bytes;
  bool is_double;
};

ColumnRef Words(const char* name, const Column<uint32_t>& column) {
  return {name, column.data(), column.size(), column.size() * sizeof(uint32_t), false};
}

std::vector<ColumnRef> ColumnsOf(const OutputColumns& c) {
  return {
      Words("objectAddressLo", c.object_address_lo),
      Words("objectAddressHi", c.object_address_hi),
      Words("objectSize", c.object_size),
      {"objectContentOffset", c.object_content_offset.data(), c.object_content_offset.size(),
       c.object_content_offset.size() * sizeof(double), true},
      Words("objectFirstWordLo", c.object_first_word_lo),
      Words("objectFirstWordHi", c.object_first_word_hi),
      Words("objectFieldCount", c.object_field_count),
      Words("fieldOffset", c.field_offset),
      Words("fieldValueLo", c.field_value_lo),
      Words("fieldValueHi", c.field_value_hi),
      Words("stream", c.stream),
  };
}

// --- the decoder object ---

class Decoder : public Napi::ObjectWrap<Decoder> {
 public:
  static Napi::Function DefineClass(Napi::Env env) {
    return ObjectWrap<Decoder>::DefineClass(
        env, "Decoder",
        {InstanceMethod<&Decoder::JS_decodeWindow>("decodeWindow"),
         InstanceMethod<&Decoder::JS_close>("close"),
         InstanceMethod<&Decoder::JS_retainedBytes>("retainedBytes")});
  }

  explicit Decoder(const Napi::CallbackInfo& info) : ObjectWrap<Decoder>(info) {}

  // Called back by the worker on the main thread when it has finished with the columns.
  void WorkerDone() {
    busy_ = false;
    if (closed_) Release();
  }
  OutputColumns* columns() { return &columns_; }

  // The WindowOutput object for a finished call (main thread only).
  Napi::Object MakeWindowOutput(Napi::Env env, const WindowResult& result);

 private:
  Napi::Value JS_decodeWindow(const Napi::CallbackInfo& info);
  // Bytes of scratch memory this decoder keeps between calls (ts/decode/native.ts pools
  // closed decoders whose scratch is small enough to keep).
  Napi::Value JS_retainedBytes(const Napi::CallbackInfo& info) {
    size_t bytes = columns_.CapacityBytes();
    if (!output_memory_.IsEmpty() && !output_memory_.Value().IsDetached()) {
      bytes += output_memory_.Value().ByteLength();
    }
    return Napi::Number::New(info.Env(), static_cast<double>(bytes));
  }
  void JS_close(const Napi::CallbackInfo&) {
    closed_ = true;
    if (!busy_) Release();
  }
  // Gives the scratch memory back now, not when JS collects this object.
  void Release() {
    columns_ = OutputColumns();
    output_memory_.Reset();
  }
  // The reused output ArrayBuffer, replaced by a larger one when `bytes` do not fit.
  Napi::ArrayBuffer OutputMemory(Napi::Env env, size_t bytes);

  OutputColumns columns_;  // reused across calls; owned by the worker while busy_
  Napi::Reference<Napi::ArrayBuffer> output_memory_;
  bool busy_ = false;
  bool closed_ = false;
};

Napi::ArrayBuffer Decoder::OutputMemory(Napi::Env env, size_t bytes) {
  if (!output_memory_.IsEmpty()) {
    Napi::ArrayBuffer memory = output_memory_.Value();
    // JS may have detached it (transferred a view's buffer); then it is not ours any more.
    if (!memory.IsDetached() && memory.ByteLength() >= bytes) return memory;
  }
  size_t capacity = std::max(kMinOutputBytes, bytes + bytes / 4);
  Napi::ArrayBuffer memory = Napi::ArrayBuffer::New(env, capacity);
  output_memory_ = Napi::Persistent(memory);
  return memory;
}

Napi::Object Decoder::MakeWindowOutput(Napi::Env env, const WindowResult& result) {
  Napi::Object output = Napi::Object::New(env);
  output.Set("status", Napi::Number::New(env, result.status));
  output.Set("consumed", Napi::Number::New(env, static_cast<double>(result.consumed)));
  output.Set("errorOffset", Napi::Number::New(env, static_cast<double>(result.error_offset)));
  output.Set("errorTag", Napi::Number::New(env, result.error_tag));
  output.Set("recordOffset", Napi::Number::New(env, static_cast<double>(result.record_offset)));
  output.Set("objectCount", Napi::Number::New(env, static_cast<double>(columns_.ObjectCount())));
  output.Set("fieldCount", Napi::Number::New(env, static_cast<double>(columns_.FieldCount())));
  output.Set("streamLength", Napi::Number::New(env, static_cast<double>(columns_.stream.size())));

  std::vector<ColumnRef> columns = ColumnsOf(columns_);
  size_t total_bytes = 0;
  for (const ColumnRef& column : columns) total_bytes = AlignColumn(total_bytes) + column.bytes;
  Napi::ArrayBuffer memory = OutputMemory(env, total_bytes);
  uint8_t* base = static_cast<uint8_t*>(memory.Data());
  size_t offset = 0;
  for (const ColumnRef& column : columns) {
    offset = AlignColumn(offset);
    if (column.bytes != 0) std::memcpy(base + offset, column.data, column.bytes);
    Napi::Value view = column.is_double
                           ? Napi::Value(Napi::Float64Array::New(env, column.count, memory, offset))
                           : Napi::Value(Napi::Uint32Array::New(env, column.count, memory, offset));
    output.Set(column.name, view);
    offset += column.bytes;
  }
  return output;
}

class DecodeWorker : public Napi::AsyncWorker {
 public:
  DecodeWorker(Napi::Env env, Decoder* decoder, Napi::Object decoder_object,
               Napi::Uint8Array window, uint64_t window_offset, Napi::Int32Array state)
      : Napi::AsyncWorker(env, "goheap:decodeWindow"),
        deferred_(Napi::Promise::Deferred::New(env)),
        decoder_(decoder),
        decoder_ref_(Napi::Persistent(decoder_object)),
        // Holding the window keeps its memory alive while Execute reads it.
        window_ref_(Napi::Persistent(window)),
        state_ref_(Napi::Persistent(state)),
        window_data_(window.Data()),
        window_length_(window.ElementLength()),
        window_offset_(window_offset) {
    for (int i = 0; i < kStateLength; ++i) state_[i] = state[i];
  }

  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override {
    // No N-API calls here: only the core, on memory kept alive by the references above.
    try {
      result_ = DecodeWindow(window_data_, window_length_, window_offset_, state_,
                             decoder_->columns());
    } catch (const std::bad_alloc&) {
      SetError("out of memory while growing the decoder's output columns");
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Int32Array state = state_ref_.Value();
    // The state array may have been shrunk (detached) meanwhile; write back what still fits.
    size_t writable = std::min<size_t>(state.ElementLength(), kStateLength);
    for (size_t i = 0; i < writable; ++i) state[i] = state_[i];
    Napi::Object output = decoder_->MakeWindowOutput(env, result_);
    decoder_->WorkerDone();
    deferred_.Resolve(output);
  }

  void OnError(const Napi::Error& error) override {
    decoder_->WorkerDone();
    deferred_.Reject(
        MakeError(Env(), ErrorKind::kPlain, "GOHEAP_NATIVE_DECODE_FAILED", error.Message())
            .Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  Decoder* decoder_;
  Napi::ObjectReference decoder_ref_;
  Napi::Reference<Napi::Uint8Array> window_ref_;
  Napi::Reference<Napi::Int32Array> state_ref_;
  const uint8_t* window_data_;
  size_t window_length_;
  uint64_t window_offset_;
  int32_t state_[kStateLength];
  WindowResult result_{};
};

Napi::Value Decoder::JS_decodeWindow(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) {
    Throw(env, ErrorKind::kPlain, "GOHEAP_DECODER_CLOSED",
          "decodeWindow: this decoder was closed");
  }
  if (busy_) {
    Throw(env, ErrorKind::kPlain, "GOHEAP_DECODER_BUSY",
          "decodeWindow: the previous call on this decoder has not finished; await it first");
  }
  Napi::Uint8Array window = RequireUint8Array(info, 0, "window");
  uint64_t window_offset = RequireFileOffset(info, 1, "windowOffset");
  Napi::Int32Array state = RequireState(info, 2, "state");
  if (static_cast<double>(window_offset) + static_cast<double>(window.ElementLength()) >
      kMaxSafeInteger) {
    Throw(env, ErrorKind::kRange, "ERR_OUT_OF_RANGE",
          "decodeWindow: windowOffset + window.length must stay below 2^53");
  }
  auto* worker = new DecodeWorker(env, this, info.This().As<Napi::Object>(), window,
                                  window_offset, state);
  busy_ = true;
  worker->Queue();  // the worker deletes itself after OnOK/OnError
  return worker->Promise();
}

Napi::Object MakeStatusTable(Napi::Env env) {
  Napi::Object table = Napi::Object::New(env);
  const std::pair<const char*, DecodeStatus> statuses[] = {
      {"DONE", kDone},
      {"WINDOW_END", kWindowEnd},
      {"NEED_MORE", kNeedMore},
      {"NEED_MORE_BLOB", kNeedMoreBlob},
      {"OUTPUT_FULL", kOutputFull},
      {"BAD_TAG", kBadTag},
      {"VARINT_OVERFLOW", kVarintOverflow},
      {"LENGTH_TOO_LARGE", kLengthTooLarge},
      {"BAD_PTR_SIZE", kBadPtrSize},
      {"PARAMS_NOT_FIRST", kParamsNotFirst},
      {"DUPLICATE_PARAMS", kDuplicateParams},
      {"FIELD_OUT_OF_BOUNDS", kFieldOutOfBounds},
      {"BAD_FIELD_KIND", kBadFieldKind},
      {"BAD_TYPE_NAME", kBadTypeName},
  };
  for (const auto& entry : statuses) table.Set(entry.first, Napi::Number::New(env, entry.second));
  return table;
}

// --- the graph's hot parts (native/core/graph.h): the pointer lookup and dominators ---

template <typename Array>
Array RequireTypedArray(const Napi::CallbackInfo& info, size_t index, napi_typedarray_type type,
                        const char* type_name, const char* function, const char* name) {
  Napi::Value value = info[index];
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != type) {
    Throw(info.Env(), ErrorKind::kType, "ERR_INVALID_ARG_TYPE",
          std::string(function) + ": expected argument " + name + " to be a " + type_name);
  }
  return value.As<Array>();
}

Napi::Uint32Array RequireUint32Array(const Napi::CallbackInfo& info, size_t index,
                                     const char* function, const char* name) {
  return RequireTypedArray<Napi::Uint32Array>(info, index, napi_uint32_array, "Uint32Array",
                                              function, name);
}

void RequireSameLength(Napi::Env env, const char* function, size_t a, size_t b,
                       const char* what) {
  if (a != b) {
    Throw(env, ErrorKind::kRange, "ERR_OUT_OF_RANGE",
          std::string(function) + ": " + what + " must have the same length");
  }
}

// A PointerIndex over one objects table; resolve() answers batches of pointer values.
class Resolver : public Napi::ObjectWrap<Resolver> {
 public:
  static Napi::Function DefineClass(Napi::Env env) {
    return ObjectWrap<Resolver>::DefineClass(
        env, "Resolver",
        {InstanceMethod<&Resolver::JS_resolve>("resolve"),
         InstanceMethod<&Resolver::JS_close>("close")});
  }

  explicit Resolver(const Napi::CallbackInfo& info) : ObjectWrap<Resolver>(info) {
    const char* fn = "Resolver";
    Napi::Uint32Array lo = RequireUint32Array(info, 0, fn, "addressLo");
    Napi::Uint32Array hi = RequireUint32Array(info, 1, fn, "addressHi");
    Napi::Uint32Array size = RequireUint32Array(info, 2, fn, "size");
    RequireSameLength(info.Env(), fn, lo.ElementLength(), hi.ElementLength(), "addressLo and addressHi");
    RequireSameLength(info.Env(), fn, lo.ElementLength(), size.ElementLength(), "addressLo and size");
    index_.reset(new PointerIndex(lo.Data(), hi.Data(), size.Data(), lo.ElementLength()));
    if (!index_->IsSorted()) {
      Throw(info.Env(), ErrorKind::kRange, "ERR_OUT_OF_RANGE",
            "Resolver: the objects must be in address order");
    }
  }

 private:
  Napi::Value JS_resolve(const Napi::CallbackInfo& info) {
    const char* fn = "resolve";
    Napi::Uint32Array lo = RequireUint32Array(info, 0, fn, "valueLo");
    Napi::Uint32Array hi = RequireUint32Array(info, 1, fn, "valueHi");
    Napi::Int32Array out = RequireTypedArray<Napi::Int32Array>(info, 2, napi_int32_array,
                                                               "Int32Array", fn, "out");
    RequireSameLength(info.Env(), fn, lo.ElementLength(), hi.ElementLength(), "valueLo and valueHi");
    if (out.ElementLength() < lo.ElementLength()) {
      Throw(info.Env(), ErrorKind::kRange, "ERR_OUT_OF_RANGE", "resolve: out is shorter than the values");
    }
    if (!index_) Throw(info.Env(), ErrorKind::kPlain, "GOHEAP_RESOLVER_CLOSED", "resolve: the resolver is closed");
    index_->Resolve(lo.Data(), hi.Data(), lo.ElementLength(), out.Data());
    return info.Env().Undefined();
  }

  Napi::Value JS_close(const Napi::CallbackInfo& info) {
    index_.reset();
    return info.Env().Undefined();
  }

  std::unique_ptr<PointerIndex> index_;
};

// dominators(firstEdgeIndex, edgeTarget, root) → {immediateDominator, preorder}
Napi::Value JS_dominators(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "dominators";
  Napi::Uint32Array first = RequireUint32Array(info, 0, fn, "firstEdgeIndex");
  Napi::Uint32Array target = RequireUint32Array(info, 1, fn, "edgeTarget");
  if (!info[2].IsNumber()) {
    Throw(env, ErrorKind::kType, "ERR_INVALID_ARG_TYPE", "dominators: expected argument root to be a number");
  }
  const double root = info[2].As<Napi::Number>().DoubleValue();
  const size_t first_length = first.ElementLength();
  if (first_length == 0 || first_length - 1 > UINT32_MAX - 1) {
    Throw(env, ErrorKind::kRange, "ERR_OUT_OF_RANGE", "dominators: firstEdgeIndex needs nodeCount + 1 entries");
  }
  const uint32_t node_count = static_cast<uint32_t>(first_length - 1);
  if (!(root >= 0 && root < node_count) || std::floor(root) != root) {
    Throw(env, ErrorKind::kRange, "ERR_OUT_OF_RANGE", "dominators: root is not a node");
  }
  Napi::Int32Array idom = Napi::Int32Array::New(env, node_count);
  std::vector<uint32_t> preorder;
  GraphStatus status;
  try {
    status = ComputeDominators(node_count, first.Data(), target.ElementLength(), target.Data(),
                               static_cast<uint32_t>(root), idom.Data(), &preorder);
  } catch (const std::bad_alloc&) {
    Throw(env, ErrorKind::kRange, "ERR_MEMORY_ALLOCATION_FAILED", "dominators: out of memory");
  }
  if (status != GraphStatus::kOk) {
    Throw(env, ErrorKind::kRange, "ERR_OUT_OF_RANGE",
          status == GraphStatus::kBadTarget ? "dominators: an edge target is not a node"
                                            : "dominators: firstEdgeIndex is not a valid CSR index");
  }
  Napi::Uint32Array order = Napi::Uint32Array::New(env, preorder.size());
  if (!preorder.empty()) std::memcpy(order.Data(), preorder.data(), preorder.size() * sizeof(uint32_t));
  Napi::Object result = Napi::Object::New(env);
  result.Set("immediateDominator", idom);
  result.Set("preorder", order);
  return result;
}

// scan(window, state) → {status, consumed, errorOffset, records, objects, pointerFields}: the
// bare record walk of native/core/scan.h, on the calling thread (it is the benchmarks' ceiling,
// so nothing sits between the call and the walk). errorOffset is relative to the window.
Napi::Value JS_scan(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "scan";
  Napi::Uint8Array window = RequireTypedArray<Napi::Uint8Array>(info, 0, napi_uint8_array,
                                                                "Uint8Array", fn, "window");
  Napi::Int32Array state = RequireTypedArray<Napi::Int32Array>(info, 1, napi_int32_array,
                                                               "Int32Array", fn, "state");
  if (state.ElementLength() < static_cast<size_t>(kStateLength)) {
    Throw(env, ErrorKind::kRange, "ERR_OUT_OF_RANGE",
          "scan: expected argument state to hold at least " + std::to_string(kStateLength) +
              " elements");
  }
  ScanResult result = ScanRecords(window.Data(), window.ElementLength(), state.Data());
  Napi::Object output = Napi::Object::New(env);
  output.Set("status", Napi::Number::New(env, result.status));
  output.Set("consumed", Napi::Number::New(env, static_cast<double>(result.consumed)));
  output.Set("errorOffset", Napi::Number::New(env, static_cast<double>(result.error_at)));
  output.Set("records", Napi::Number::New(env, static_cast<double>(result.records)));
  output.Set("objects", Napi::Number::New(env, static_cast<double>(result.objects)));
  output.Set("pointerFields", Napi::Number::New(env, static_cast<double>(result.pointer_words)));
  return output;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("Decoder", Decoder::DefineClass(env));
  exports.Set("Resolver", Resolver::DefineClass(env));
  exports.Set("dominators", Napi::Function::New<JS_dominators>(env, "dominators"));
  exports.Set("scan", Napi::Function::New<JS_scan>(env, "scan"));
  exports.Set("abiVersion", Napi::Number::New(env, kAddonAbiVersion));
  exports.Set("napiVersion", Napi::Number::New(env, NAPI_VERSION));
  exports.Set("decodeStatus", MakeStatusTable(env));
  return exports;
}

}  // namespace
}  // namespace goheap

// NODE_API_MODULE pastes its argument into a name, so it needs an unqualified function.
static Napi::Object InitGoheapNative(Napi::Env env, Napi::Object exports) {
  return goheap::Init(env, exports);
}
NODE_API_MODULE(goheap_native, InitGoheapNative)
