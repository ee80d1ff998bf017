// A resource booked as busy intervals (a bus, one direction of a link): a
// transfer takes the earliest gap of its length at or after its ready time,
// so it may use a gap before a later, already reserved transfer. Intervals
// are disjoint and sorted; touching ones merge. One reservation costs a
// binary search plus the intervals it skips. Used by the flash channel bus
// (tlm/flash/flash_channel_model.hpp), the in-die placement's channel bus
// (tlm/pnm/in_die_array.hpp) and the TSV link (tlm/logic/tsv_link.hpp).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace pnm {

class IntervalSchedule {
 public:
  // Reserves [t, t + len) with t >= earliest and [t - guard, t) also free
  // (left unreserved: a short command goes there); returns t. Intervals that
  // end at or before prune_before are forgotten: every later request must
  // be ready no earlier than it.
  uint64_t reserve(uint64_t earliest, uint64_t len, uint64_t prune_before, uint64_t guard = 0) {
    while (head_ < iv_.size() && iv_[head_].second <= prune_before) ++head_;
    if (head_ > 64 && head_ * 2 > iv_.size()) {
      iv_.erase(iv_.begin(), iv_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
    if (len == 0) return earliest;
    uint64_t t = 0;
    const size_t i = search(earliest, len, guard, t);
    busy_ps += len;
    const uint64_t e = t + len;
    const bool merge_prev = i > head_ && iv_[i - 1].second == t;
    const bool merge_next = i < iv_.size() && iv_[i].first == e;
    if (merge_prev && merge_next) {
      iv_[i - 1].second = iv_[i].second;
      iv_.erase(iv_.begin() + static_cast<std::ptrdiff_t>(i));
    } else if (merge_prev) {
      iv_[i - 1].second = e;
    } else if (merge_next) {
      iv_[i].first = t;
    } else {
      iv_.insert(iv_.begin() + static_cast<std::ptrdiff_t>(i), {t, e});
    }
    return t;
  }
  // Where reserve(earliest, len, ., guard) would place [t, t + len), without
  // reserving; `gap_end` receives the start of the next reserved interval
  // after t (UINT64_MAX if none): the gap there is [t, gap_end).
  uint64_t peek(uint64_t earliest, uint64_t len, uint64_t guard, uint64_t& gap_end) const {
    uint64_t t = 0;
    const size_t i = search(earliest, len, guard, t);
    gap_end = i < iv_.size() ? iv_[i].first : UINT64_MAX;
    return t;
  }
  // Reserves [from, to) after tail() as one interval, adding `busy` to busy_ps.
  void book(uint64_t from, uint64_t to, uint64_t busy) {
    busy_ps += busy;
    if (to <= from) return;
    if (iv_.size() > head_ && iv_.back().second >= from) {
      iv_.back().second = std::max(iv_.back().second, to);
    } else {
      iv_.emplace_back(from, to);
    }
  }
  uint64_t busy_ps = 0;  // sum of reserved lengths (and booked busy time)

 private:
  // The earliest t >= earliest with [t - guard, t + len) free; returns the
  // index of the first interval after it.
  size_t search(uint64_t earliest, uint64_t len, uint64_t guard, uint64_t& t) const {
    // First interval ending after t - guard (ends are sorted: disjoint).
    // Past the last one's end (a request after everything booked) it is
    // the end, without the search.
    uint64_t g = earliest - std::min(earliest, guard);
    size_t i = iv_.size();
    if (head_ < i && g < iv_.back().second) {
      i = static_cast<size_t>(
          std::upper_bound(iv_.begin() + static_cast<std::ptrdiff_t>(head_), iv_.end(), g,
                           [](uint64_t v, const std::pair<uint64_t, uint64_t>& p) { return v < p.second; }) -
          iv_.begin());
    }
    for (; i < iv_.size(); ++i) {
      if (g + guard + len <= iv_[i].first) break;
      g = std::max(g, iv_[i].second);
    }
    t = std::max(earliest, g + guard);
    return i;
  }
  std::vector<std::pair<uint64_t, uint64_t>> iv_;
  size_t head_ = 0;
};

}  // namespace pnm
