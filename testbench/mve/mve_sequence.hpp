// Constrained-random MVE job sequence, shared by the co-simulation tests, the
// pin-level testbench and bench_cosim.
//
// Shapes: rows 1..max_rows; cols drawn from four buckets (tiny: 1..2*lanes,
// multiples of lanes, the top lanes columns up to max_cols, uniform), so
// ragged last beats and the buffer limit are hit often. Data: a fraction of
// jobs use only the extremes -128/127 (worst-case accumulation), the rest
// uniform int8 with extremes sprinkled in. Some jobs reuse the previous
// activation vector (SKIP_ACT) when it covers their columns.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "tlm/pnm/mve_engine.hpp"

namespace pnm::tb {

struct MveJobData {
  mve::Job job;
  std::vector<int8_t> act;
  std::vector<int8_t> weights;
};

struct MveSequenceConfig {
  uint32_t max_rows = 256;
  double extreme_job_fraction = 0.1;
  double skip_act_fraction = 0.1;
  double bad_job_fraction = 0.0;  // rows 0, cols 0 or cols > max_cols
};

class MveSequence {
 public:
  MveSequence(const mve::Params& params, const MveSequenceConfig& cfg, uint64_t seed)
      : p_(params), cfg_(cfg), rng_(seed) {}

  MveJobData next() {
    MveJobData d;
    d.job.id = id_++;
    if (chance(cfg_.bad_job_fraction)) {
      switch (pick(0, 2)) {
        case 0: d.job.rows = 0; d.job.cols = pick(1, p_.max_cols); break;
        case 1: d.job.rows = pick(1, cfg_.max_rows); d.job.cols = 0; break;
        default: d.job.rows = pick(1, cfg_.max_rows); d.job.cols = pick(p_.max_cols + 1, 65535); break;
      }
      d.act.assign(d.job.cols, 1);  // bad jobs must not consume data
      d.job.act = d.act.data();
      return d;
    }
    d.job.rows = pick(1, cfg_.max_rows);
    d.job.cols = pick_cols();
    d.job.skip_act = last_act_cols_ >= d.job.cols && chance(cfg_.skip_act_fraction);
    const bool extreme = chance(cfg_.extreme_job_fraction);
    if (!d.job.skip_act) {
      d.act.resize(d.job.cols);
      for (auto& a : d.act) a = value(extreme);
      last_act_cols_ = d.job.cols;
    }
    d.weights.resize(uint64_t{d.job.rows} * d.job.cols);
    for (auto& w : d.weights) w = value(extreme);
    d.job.act = d.act.data();
    d.job.weights = d.weights.data();
    return d;
  }

 private:
  uint32_t pick(uint32_t lo, uint32_t hi) {
    return std::uniform_int_distribution<uint32_t>(lo, hi)(rng_);
  }
  bool chance(double p) { return p > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  uint32_t pick_cols() {
    const uint32_t lanes = p_.lanes, max = p_.max_cols;
    switch (pick(0, 3)) {
      case 0: return pick(1, std::min(2 * lanes, max));
      case 1: return std::min(max, pick(1, std::max(1u, max / lanes)) * lanes);
      case 2: return pick(max > lanes ? max - lanes : 1, max);
      default: return pick(1, max);
    }
  }
  int8_t value(bool extreme) {
    if (extreme) return chance(0.5) ? int8_t{-128} : int8_t{127};
    switch (pick(0, 15)) {
      case 0: return -128;
      case 1: return 127;
      default: return static_cast<int8_t>(static_cast<int32_t>(pick(0, 255)) - 128);
    }
  }

  mve::Params p_;
  MveSequenceConfig cfg_;
  std::mt19937_64 rng_;
  uint64_t id_ = 0;
  uint32_t last_act_cols_ = 0;
};

// The plain C++ reference: int64 accumulation, independent of every engine.
inline std::vector<int32_t> reference_gemv(const MveJobData& d, const std::vector<int8_t>& act) {
  std::vector<int32_t> y(d.job.rows);
  for (uint32_t r = 0; r < d.job.rows; ++r) {
    int64_t acc = 0;
    for (uint32_t c = 0; c < d.job.cols; ++c) {
      acc += int64_t{d.weights[uint64_t{r} * d.job.cols + c]} * act[c];
    }
    y[r] = static_cast<int32_t>(acc);
  }
  return y;
}

}  // namespace pnm::tb
