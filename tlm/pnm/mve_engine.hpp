// The golden-model seam of the matrix-vector engine (MVE).
//
// Every MVE implementation (the C++ golden model, the Verilated RTL, the
// shadow pair) is an Engine. The TLM target, the PNM unit, the scoreboard and
// the tests only see this interface, so any of them can sit in the platform.
// Plain C++: no SystemC here.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tlm/common/pnm_regs.hpp"

namespace pnm::mve {

using Err = regs::mve::err;

// Build parameters of one engine instance (the RTL's LANES, MAX_COLS and
// VECTORS).
struct Params {
  unsigned lanes = 16;       // int8 MACs per cycle and vector, bytes per stream beat
  unsigned max_cols = 4096;  // activation buffer depth in bytes, per vector
  unsigned vectors = 1;      // activation vectors the engine holds
};

// One job: rows x cols int8 weights (row-major) against n = vectors int8
// activation vectors of cols bytes each. The pointers must stay valid for
// the duration of run().
struct Job {
  uint64_t id = 0;
  uint32_t rows = 0;
  uint32_t cols = 0;
  uint32_t vectors = 1;            // n, 1 .. params.vectors
  bool skip_act = false;           // reuse the activations held from an earlier job
  const int8_t* act = nullptr;     // n * cols bytes, vector v at act + v * cols; ignored when skip_act
  const int8_t* weights = nullptr; // rows * cols bytes
  uint64_t issue_time_ps = 0;      // simulated time the job starts, for reports
};

struct Result {
  Err status = Err::NONE;
  std::vector<int32_t> out;        // rows * n values, out[r * n + v], unless the job was rejected
  uint64_t cycles = 0;             // the CYCLES register after the job
  // Engines that run real cycles also report where, so a mismatch can be
  // found in the waveform: the cycle (since the engine's reset) START was
  // written, and the cycle each row's result was handed over.
  uint64_t start_cycle = 0;
  std::vector<uint64_t> row_cycle;  // one entry per row (all n results of a row leave together)
};

// Contract shared by all engines:
//  - run() executes one job to completion; jobs execute in call order.
//  - A job is rejected, with out empty and cycles = 0, when rows == 0
//    (ROWS_ZERO), cols == 0 (COLS_ZERO), cols > max_cols (COLS_RANGE),
//    vectors == 0 or > params.vectors (VECS_RANGE), or skip_act is set and
//    the activations held cover fewer than cols columns or fewer than n
//    vectors (NO_ACT); the first failing check in that order names it. A
//    rejected job leaves the held activations as they were.
//  - An accepted job returns out[r * n + v] = sum_c w[r][c] * act[v * cols +
//    c], exact in int32, and cycles = job_cycles(params, rows, cols,
//    skip_act, n) when nothing stalls the engine's streams. A job that loads
//    activations replaces all held vectors: it then holds n vectors of cols
//    columns.
//  - rows must fit the 24-bit ROWS register, cols the 16-bit COLS register
//    and vectors the 16-bit VECS register; anything wider throws
//    std::invalid_argument, as no register write could express it.
class Engine {
 public:
  virtual ~Engine() = default;
  virtual Result run(const Job& job) = 0;
  virtual const Params& params() const = 0;
  virtual std::string_view kind() const = 0;
  // True when run() lets SystemC time pass itself (a pin-level engine that
  // waits on a clock); it must then be called from an SC_THREAD, and the
  // caller annotates no extra delay.
  virtual bool advances_time() const { return false; }
};

// Beats per row: ceil(cols / lanes).
inline uint64_t beats_per_row(const Params& p, uint32_t cols) {
  return (uint64_t{cols} + p.lanes - 1) / p.lanes;
}

// Cycles of an accepted job with no stalls (see rtl/mve/pnm_mve.sv):
// vectors * B activation beats unless skipped (one beat per cycle, vector
// after vector), rows * B weight beats (each against all held vectors in the
// same cycle), and one cycle for the last result to leave the result FIFO.
inline uint64_t job_cycles(const Params& p, uint32_t rows, uint32_t cols, bool skip_act,
                           uint32_t vectors = 1) {
  const uint64_t b = beats_per_row(p, cols);
  return (skip_act ? 0 : uint64_t{vectors} * b) + uint64_t{rows} * b + 1;
}

// The admission checks of the contract above, in order. act_cols and
// act_vecs describe what the engine's activation buffer currently holds.
Err check_job(const Params& p, const Job& job, uint32_t act_cols, uint32_t act_vecs);

// Throws std::invalid_argument when rows/cols/vectors do not fit their
// registers.
void check_register_widths(const Job& job);

}  // namespace pnm::mve
