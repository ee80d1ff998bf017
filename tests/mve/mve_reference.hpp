// The plain C++ reference of the MVE tests, written apart from every engine
// (golden, RTL, target): the activations the engine should hold, the
// admission checks, the results (int64 accumulation) and the cycle formula,
// each from the contract in tlm/pnm/mve_engine.hpp and rtl/mve/pnm_mve.sv,
// not by calling their code.
#pragma once

#include <cstdint>
#include <vector>

#include "testbench/mve/mve_sequence.hpp"

namespace pnm::test {

// What the engine's activation buffer holds after the jobs so far.
struct HeldActivations {
  std::vector<int8_t> data;  // vecs vectors of cols bytes, packed
  uint32_t cols = 0;
  uint32_t vecs = 0;

  // Follows one accepted job: a job that loads activations replaces them all.
  void accept(const tb::MveJobData& d) {
    if (d.job.skip_act) return;
    data = d.act;
    cols = d.job.cols;
    vecs = d.job.vectors;
  }
};

inline mve::Err reference_status(const mve::Params& p, const mve::Job& j, const HeldActivations& held) {
  if (j.rows == 0) return mve::Err::ROWS_ZERO;
  if (j.cols == 0) return mve::Err::COLS_ZERO;
  if (j.cols > p.max_cols) return mve::Err::COLS_RANGE;
  if (j.vectors < 1 || j.vectors > p.vectors) return mve::Err::VECS_RANGE;
  if (j.skip_act && (held.cols < j.cols || held.vecs < j.vectors)) return mve::Err::NO_ACT;
  return mve::Err::NONE;
}

// y[r * n + v] = sum_c w[r][c] * x_v[c], x_v the held vector v.
inline std::vector<int32_t> reference_gemv(const tb::MveJobData& d, const HeldActivations& held) {
  const uint32_t n = d.job.vectors;
  std::vector<int32_t> y(uint64_t{d.job.rows} * n);
  for (uint32_t r = 0; r < d.job.rows; ++r) {
    for (uint32_t v = 0; v < n; ++v) {
      int64_t acc = 0;
      for (uint32_t c = 0; c < d.job.cols; ++c) {
        acc += int64_t{d.weights[uint64_t{r} * d.job.cols + c]} * held.data[uint64_t{v} * held.cols + c];
      }
      y[uint64_t{r} * n + v] = static_cast<int32_t>(acc);
    }
  }
  return y;
}

// Cycles with no stalls: n * B activation beats (none with SKIP_ACT), rows * B
// weight beats, one cycle through the result FIFO; B = ceil(cols / lanes).
inline uint64_t reference_cycles(unsigned lanes, const mve::Job& j) {
  const uint64_t b = (j.cols + lanes - 1) / lanes;
  return (j.skip_act ? 0 : uint64_t{j.vectors} * b) + uint64_t{j.rows} * b + 1;
}

}  // namespace pnm::test
