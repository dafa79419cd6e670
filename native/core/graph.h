// The hot parts of heap-graph building, over plain arrays: the pointer lookup (pointer value
// → containing object) and immediate dominators. Same answers as ts/graph/address-index.ts
// and ts/graph/dominators.ts; knows nothing of Node (native/addon.cc is the shim).
#ifndef GOHEAP_NATIVE_CORE_GRAPH_H_
#define GOHEAP_NATIVE_CORE_GRAPH_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace goheap {

// Objects in address order, with a bucket index over their address range so that most
// lookups search one or two objects.
class PointerIndex {
 public:
  // Copies the objects' starts (address_hi:address_lo) and sizes. The starts must be sorted
  // (ObjectTable's order); IsSorted() says whether they were.
  PointerIndex(const uint32_t* address_lo, const uint32_t* address_hi, const uint32_t* size,
               size_t count);

  bool IsSorted() const { return sorted_; }

  // out[i] = the index of the last object whose start <= value i, if value i lies inside it
  // (value - start < size, exactly), else -1.
  void Resolve(const uint32_t* value_lo, const uint32_t* value_hi, size_t count,
               int32_t* out) const;

 private:
  int32_t ResolveOne(uint64_t value) const;

  std::vector<uint64_t> start_;
  std::vector<uint32_t> size_;
  bool sorted_ = true;
  uint64_t first_ = 0;
  unsigned shift_ = 0;
  // bucket_first_[b]: how many objects start below first_ + (b << shift_). Empty: no index.
  std::vector<uint32_t> bucket_first_;
};

enum class GraphStatus : int32_t {
  kOk = 0,
  kBadCsr = 1,  // first_edge not monotonic, or past the edge count
  kBadTarget = 2,  // an edge target >= node_count
  kBadRoot = 3,
};

// Immediate dominators of the graph (CSR: first_edge has node_count + 1 entries) reachable
// from `root`, by SEMI-NCA. idom[node] = its immediate dominator, -1 for unreached nodes and
// for the root; preorder lists the reached nodes in DFS preorder (root first). Every input is
// checked before use; a bad graph returns a status and leaves the outputs unspecified.
GraphStatus ComputeDominators(uint32_t node_count, const uint32_t* first_edge, size_t edge_count,
                              const uint32_t* edge_target, uint32_t root, int32_t* idom,
                              std::vector<uint32_t>* preorder);

}  // namespace goheap

#endif  // GOHEAP_NATIVE_CORE_GRAPH_H_
