#include "graph.h"

#include <algorithm>

namespace goheap {
namespace {

constexpr unsigned kMinBucketShift = 4;
constexpr size_t kMinBuckets = 1024;

}  // namespace

PointerIndex::PointerIndex(const uint32_t* address_lo, const uint32_t* address_hi,
                           const uint32_t* size, size_t count)
    : start_(count), size_(size, size + count) {
  for (size_t i = 0; i < count; i++) {
    start_[i] = (static_cast<uint64_t>(address_hi[i]) << 32) | address_lo[i];
    if (i > 0 && start_[i - 1] > start_[i]) sorted_ = false;
  }
  if (count == 0 || !sorted_) return;
  first_ = start_.front();
  const uint64_t range = start_.back() - first_;
  const size_t target = std::max(kMinBuckets, count);
  unsigned shift = kMinBucketShift;
  while (shift < 63 && (range >> shift) >= target) shift++;
  shift_ = shift;
  const size_t buckets = static_cast<size_t>(range >> shift) + 1;
  bucket_first_.resize(buckets + 1);
  size_t object = 0;
  for (size_t b = 0; b <= buckets; b++) {
    // The bucket's start, offset from first_; past the range every object lies below it.
    const uint64_t offset = static_cast<uint64_t>(b) << shift;
    if (b == buckets || offset > range) {
      object = count;
    } else {
      while (object < count && start_[object] - first_ < offset) object++;
    }
    bucket_first_[b] = static_cast<uint32_t>(object);
  }
}

int32_t PointerIndex::ResolveOne(uint64_t value) const {
  const size_t count = start_.size();
  size_t low = 0;
  size_t high = count;
  if (!bucket_first_.empty()) {
    if (value < first_) return -1;
    const uint64_t bucket = (value - first_) >> shift_;
    if (bucket + 1 < bucket_first_.size()) {
      low = bucket_first_[bucket];
      high = bucket_first_[bucket + 1];
    } else {
      low = high = count;
    }
  }
  const size_t at_or_below =
      static_cast<size_t>(std::upper_bound(start_.begin() + low, start_.begin() + high, value) -
                          start_.begin());
  if (at_or_below == 0) return -1;
  const size_t candidate = at_or_below - 1;
  return value - start_[candidate] < size_[candidate] ? static_cast<int32_t>(candidate) : -1;
}

void PointerIndex::Resolve(const uint32_t* value_lo, const uint32_t* value_hi, size_t count,
                           int32_t* out) const {
  for (size_t i = 0; i < count; i++) {
    out[i] = ResolveOne((static_cast<uint64_t>(value_hi[i]) << 32) | value_lo[i]);
  }
}

// SEMI-NCA (Georgiadis 2005), as in ts/graph/dominators.ts: vertices numbered 1..n in DFS
// preorder, semidominators by Lengauer-Tarjan's EVAL with iterative path compression, then
// idom(w) = the first vertex on parent(w)'s dominator chain numbered <= semi(w).
GraphStatus ComputeDominators(uint32_t node_count, const uint32_t* first_edge, size_t edge_count,
                              const uint32_t* edge_target, uint32_t root, int32_t* idom,
                              std::vector<uint32_t>* preorder) {
  if (root >= node_count) return GraphStatus::kBadRoot;
  if (first_edge[0] != 0 || first_edge[node_count] != edge_count) return GraphStatus::kBadCsr;
  for (uint32_t node = 0; node < node_count; node++) {
    if (first_edge[node] > first_edge[node + 1]) return GraphStatus::kBadCsr;
  }
  for (size_t e = 0; e < edge_count; e++) {
    if (edge_target[e] >= node_count) return GraphStatus::kBadTarget;
  }

  // Depth-first preorder from the root.
  std::vector<uint32_t> number(node_count, 0);
  std::vector<uint32_t> vertex(1, 0);  // vertex[number] = node; [0] unused
  std::vector<uint32_t> parent(1, 0);
  vertex.reserve(node_count + 1);
  parent.reserve(node_count + 1);
  std::vector<uint32_t> stack_node;
  std::vector<uint32_t> stack_edge;
  number[root] = 1;
  vertex.push_back(root);
  parent.push_back(0);
  stack_node.push_back(root);
  stack_edge.push_back(first_edge[root]);
  while (!stack_node.empty()) {
    const uint32_t node = stack_node.back();
    const uint32_t edge = stack_edge.back();
    if (edge == first_edge[node + 1]) {
      stack_node.pop_back();
      stack_edge.pop_back();
      continue;
    }
    stack_edge.back() = edge + 1;
    const uint32_t target = edge_target[edge];
    if (number[target] != 0) continue;
    number[target] = static_cast<uint32_t>(vertex.size());
    vertex.push_back(target);
    parent.push_back(number[node]);
    stack_node.push_back(target);
    stack_edge.push_back(first_edge[target]);
  }
  const uint32_t n = static_cast<uint32_t>(vertex.size() - 1);

  // Predecessors in number space (every target of a reached node is reached).
  std::vector<uint32_t> target_number(edge_count);
  std::vector<uint32_t> first_pred(static_cast<size_t>(n) + 2, 0);
  for (uint32_t node = 0; node < node_count; node++) {
    if (number[node] == 0) continue;
    for (uint32_t e = first_edge[node]; e < first_edge[node + 1]; e++) {
      const uint32_t w = number[edge_target[e]];
      target_number[e] = w;
      first_pred[w + 1]++;
    }
  }
  for (uint32_t w = 1; w <= n + 1; w++) first_pred[w] += first_pred[w - 1];
  std::vector<uint32_t> fill(first_pred.begin(), first_pred.begin() + n + 1);
  std::vector<uint32_t> pred(first_pred[n + 1]);
  for (uint32_t node = 0; node < node_count; node++) {
    const uint32_t v = number[node];
    if (v == 0) continue;
    for (uint32_t e = first_edge[node]; e < first_edge[node + 1]; e++) {
      pred[fill[target_number[e]]++] = v;
    }
  }
  std::vector<uint32_t>().swap(target_number);
  std::vector<uint32_t>().swap(fill);

  std::vector<uint32_t> semi(n + 1);
  std::vector<uint32_t> label(n + 1);
  std::vector<uint32_t> ancestor(n + 1, 0);  // 0: not yet linked
  std::vector<uint32_t> path;
  for (uint32_t v = 1; v <= n; v++) semi[v] = label[v] = v;
  for (uint32_t w = n; w >= 2; w--) {
    uint32_t least = semi[w];
    for (uint32_t p = first_pred[w]; p < first_pred[w + 1]; p++) {
      const uint32_t v = pred[p];
      uint32_t u = v;
      if (ancestor[v] != 0) {
        if (ancestor[ancestor[v]] != 0) {
          uint32_t x = v;
          while (ancestor[ancestor[x]] != 0) {
            path.push_back(x);
            x = ancestor[x];
          }
          while (!path.empty()) {
            const uint32_t y = path.back();
            path.pop_back();
            const uint32_t a = ancestor[y];
            if (semi[label[a]] < semi[label[y]]) label[y] = label[a];
            ancestor[y] = ancestor[a];
          }
        }
        u = label[v];
      }
      if (semi[u] < least) least = semi[u];
    }
    semi[w] = least;
    ancestor[w] = parent[w];
  }

  std::vector<uint32_t>& dom = ancestor;  // the forest is no longer needed
  if (n >= 1) dom[1] = 0;
  for (uint32_t w = 2; w <= n; w++) {
    uint32_t d = parent[w];
    while (d > semi[w]) d = dom[d];
    dom[w] = d;
  }
  std::fill(idom, idom + node_count, -1);
  for (uint32_t w = 2; w <= n; w++) idom[vertex[w]] = static_cast<int32_t>(vertex[dom[w]]);
  preorder->assign(vertex.begin() + 1, vertex.end());
  return GraphStatus::kOk;
}

}  // namespace goheap
