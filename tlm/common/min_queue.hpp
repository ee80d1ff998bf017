// A min-priority queue of times pushed nearly in order: the completions of a
// flash controller's reads in flight, which its bus serves mostly in issue
// order (read-retries and gaps taken by later reads come out of order).
// push appends a value not below the last in O(1) and inserts any other in
// order; top and pop take the least. The values come out as from
// std::priority_queue<uint64_t, ..., std::greater<>>, whose log-depth
// sift-down on every pop cost a page-mode decode several per cent. The
// values sit in a growing ring (1% of a page-mode decode against a deque).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include <boost/circular_buffer.hpp>

#include "tlm/common/growing_ring.hpp"

namespace pnm {

class MinQueue {
 public:
  bool empty() const { return q_.empty(); }
  size_t size() const { return q_.size(); }
  uint64_t top() const { return q_.front(); }
  void pop() { q_.pop_front(); }
  void push(uint64_t v) {
    make_room_for_one(q_, 16);
    if (q_.empty() || v >= q_.back()) {
      q_.push_back(v);
    } else {
      q_.insert(std::upper_bound(q_.begin(), q_.end(), v), v);
    }
  }

 private:
  boost::circular_buffer<uint64_t> q_;  // ascending
};

}  // namespace pnm
