// Constrained-random MVE job sequence, shared by the co-simulation tests, the
// pin-level testbench and bench_cosim.
//
// Shapes: rows 1..max_rows; cols drawn from four buckets (tiny: 1..2*lanes,
// multiples of lanes, the top lanes columns up to max_cols, uniform), so
// ragged last beats and the buffer limit are hit often; n (activation
// vectors) 1..params.vectors, n == params.vectors a third of the time.
// Data: a fraction of jobs use only the extremes -128/127 (worst-case
// accumulation), the rest uniform int8 with extremes sprinkled in (each 1 in
// 16), several bytes from each draw of the generator. Some jobs
// reuse the held activation vectors (SKIP_ACT) when they cover their columns
// and vectors. Bad jobs cover every admission check: rows 0, cols 0, cols >
// max_cols, n 0, n > params.vectors, and SKIP_ACT with fewer held columns or
// vectors than the job needs.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "tlm/pnm/mve_engine.hpp"

namespace pnm::tb {

struct MveJobData {
  mve::Job job;
  std::vector<int8_t> act;      // n * cols bytes, vector after vector (empty with skip_act)
  std::vector<int8_t> weights;
};

struct MveSequenceConfig {
  uint32_t max_rows = 256;
  uint32_t vectors = 0;  // n of every good job; 0: random in 1 .. params.vectors
  double extreme_job_fraction = 0.1;
  double skip_act_fraction = 0.1;
  double bad_job_fraction = 0.0;  // see the header comment
};

class MveSequence {
 public:
  MveSequence(const mve::Params& params, const MveSequenceConfig& cfg, uint64_t seed)
      : p_(params), cfg_(cfg), rng_(seed) {}

  MveJobData next() {
    MveJobData d;
    d.job.id = id_++;
    if (chance(cfg_.bad_job_fraction)) {
      bad_job(d);
      // Bad jobs must not consume data; the activations are there for a
      // socket-level ACT write of n * cols bytes, which fails when it runs
      // past the target's ACT window (vectors * max_cols bytes) and so never
      // reads more than that window plus one.
      const uint64_t window = uint64_t{p_.vectors} * p_.max_cols + 1;
      d.act.assign(std::clamp<uint64_t>(uint64_t{d.job.cols} * d.job.vectors, 1, window), 1);
      d.job.act = d.act.data();
      return d;
    }
    d.job.rows = pick(1, cfg_.max_rows);
    d.job.cols = pick_cols();
    d.job.vectors = cfg_.vectors != 0 ? cfg_.vectors : chance(1.0 / 3) ? p_.vectors : pick(1, p_.vectors);
    d.job.skip_act = last_act_cols_ >= d.job.cols && last_act_vecs_ >= d.job.vectors &&
                     chance(cfg_.skip_act_fraction);
    const bool extreme = chance(cfg_.extreme_job_fraction);
    if (!d.job.skip_act) {
      d.act.resize(uint64_t{d.job.cols} * d.job.vectors);
      fill(d.act, extreme);
      last_act_cols_ = d.job.cols;
      last_act_vecs_ = d.job.vectors;
    }
    d.weights.resize(uint64_t{d.job.rows} * d.job.cols);
    fill(d.weights, extreme);
    d.job.act = d.act.data();
    d.job.weights = d.weights.data();
    return d;
  }

 private:
  void bad_job(MveJobData& d) {
    d.job.rows = pick(1, cfg_.max_rows);
    d.job.vectors = pick(1, p_.vectors);
    switch (pick(0, 5)) {
      case 0: d.job.rows = 0; d.job.cols = pick(1, p_.max_cols); break;
      case 1: d.job.cols = 0; break;
      case 2: d.job.cols = pick(p_.max_cols + 1, 65535); break;
      case 3: d.job.cols = pick(1, p_.max_cols); d.job.vectors = 0; break;
      case 4:  // n past the engine's vectors; now and then the VECS register's top
        d.job.vectors = chance(0.8) ? pick(p_.vectors + 1, p_.vectors + 4) : 65535;
        d.job.cols = d.job.vectors == 65535 ? 1 : pick(1, p_.max_cols);
        break;
      default:  // SKIP_ACT with too little held: fewer vectors, else fewer columns
        d.job.skip_act = true;
        if (last_act_vecs_ < p_.vectors) {
          d.job.vectors = pick(last_act_vecs_ + 1, p_.vectors);
          d.job.cols = pick(1, p_.max_cols);
        } else if (last_act_cols_ < p_.max_cols) {
          d.job.cols = pick(last_act_cols_ + 1, p_.max_cols);
        } else {
          d.job.cols = pick(1, p_.max_cols);
          d.job.vectors = 0;  // everything is held: make it a VECS_RANGE job instead
        }
        break;
    }
  }
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
  // Data bytes, several from each 64-bit draw (a distribution object per
  // byte cost more than the pin-level simulation of that byte): an extreme
  // byte is -128 or 127 from one bit; any other byte takes 4 bits for its
  // kind (1 in 16 -128, 1 in 16 127, else uniform int8) and 8 for its value.
  void fill(std::vector<int8_t>& v, bool extreme) {
    uint64_t r = 0;
    unsigned left = 0;
    if (extreme) {
      for (auto& x : v) {
        if (left == 0) r = rng_(), left = 64;
        x = (r & 1) ? int8_t{-128} : int8_t{127};
        r >>= 1, --left;
      }
      return;
    }
    for (auto& x : v) {
      if (left == 0) r = rng_(), left = 5;
      const uint32_t kind = r & 15, value = (r >> 4) & 255;
      x = kind == 0 ? int8_t{-128} : kind == 1 ? int8_t{127} : static_cast<int8_t>(static_cast<int32_t>(value) - 128);
      r >>= 12, --left;
    }
  }

  mve::Params p_;
  MveSequenceConfig cfg_;
  std::mt19937_64 rng_;
  uint64_t id_ = 0;
  uint32_t last_act_cols_ = 0;  // what the engine holds after the good jobs so far
  uint32_t last_act_vecs_ = 0;
};

}  // namespace pnm::tb
