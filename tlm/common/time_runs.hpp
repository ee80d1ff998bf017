// Runs of evenly spaced times: a FIFO of values given run by run as (count,
// first, last), the values in between on the line from first to last. The
// stream mode's form of per-page times (the PNM unit's buffer slot frees,
// read completions and page ready times; a flash read batch's issue times):
// O(1) per batch of pages, not per page (tlm/pnm/pnm_unit.hpp, "Stream mode").
#pragma once

#include <cstdint>

#include <boost/circular_buffer.hpp>

#include "tlm/common/fast_div.hpp"
#include "tlm/common/growing_ring.hpp"

namespace pnm {

struct TimeRun {
  uint64_t n = 0, first = 0, last = 0;
  // Value i of n (0 <= i < n); last may lie below first.
  uint64_t at(uint64_t i) const {
    if (n < 2) return first;
    // first + (last - first) * i / (n - 1), the quotient truncated toward
    // zero; in 64 bits when the product fits, else in 128.
    uint64_t p = 0;
    if (last >= first) {
      if (!__builtin_mul_overflow(last - first, i, &p)) return first + div_floor(p, n - 1);
    } else if (!__builtin_mul_overflow(first - last, i, &p)) {
      return first - div_floor(p, n - 1);
    }
    const __int128 d = static_cast<__int128>(last) - static_cast<__int128>(first);
    return static_cast<uint64_t>(static_cast<__int128>(first) + d * static_cast<__int128>(i) /
                                                                   static_cast<__int128>(n - 1));
  }
};

class TimeRuns {
 public:
  uint64_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const TimeRun& front() const { return runs_.front(); }
  // The runs, front first (run(0) == front()).
  size_t runs() const { return runs_.size(); }
  const TimeRun& run(size_t k) const { return runs_[k]; }
  // Appends n values as a run of its own (runs are never merged; a stream
  // batch may span several, PnmUnit::batch_pages).
  void push(uint64_t n, uint64_t first, uint64_t last) {
    if (n == 0) return;
    make_room_for_one(runs_, 4);
    runs_.push_back(TimeRun{n, first, last});
    size_ += n;
  }
  // Value i from the front (i < size()).
  uint64_t at(uint64_t i) const {
    for (const TimeRun& r : runs_) {
      if (i < r.n) return r.at(i);
      i -= r.n;
    }
    return runs_.empty() ? 0 : runs_.back().last;
  }
  // Drops the first k values (k <= size()).
  void pop(uint64_t k) {
    while (k > 0 && !runs_.empty()) {
      TimeRun& r = runs_.front();
      if (k >= r.n) {
        k -= r.n;
        size_ -= r.n;
        runs_.pop_front();
      } else {
        r.first = r.at(k);
        r.n -= k;
        size_ -= k;
        k = 0;
      }
    }
  }
  void clear() {
    runs_.clear();
    size_ = 0;
  }

 private:
  // A growing ring: every job holds a TimeRuns (its pages' ready times), and
  // a default-constructed deque allocated its node map, once per job.
  boost::circular_buffer<TimeRun> runs_;
  uint64_t size_ = 0;
};

}  // namespace pnm
