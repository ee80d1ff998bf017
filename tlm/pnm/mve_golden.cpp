#include "tlm/pnm/mve_golden.hpp"

#include <stdexcept>
#include <string>

namespace pnm::mve {

namespace {
constexpr uint64_t kRowsLimit = uint64_t{1} << regs::mve::ROWS::VALUE::WIDTH;
constexpr uint64_t kColsLimit = uint64_t{1} << regs::mve::COLS::VALUE::WIDTH;
constexpr uint64_t kVecsLimit = uint64_t{1} << regs::mve::VECS::VALUE::WIDTH;
}  // namespace

void check_register_widths(const Job& job) {
  if (job.rows >= kRowsLimit || job.cols >= kColsLimit || job.vectors >= kVecsLimit) {
    throw std::invalid_argument("mve job " + std::to_string(job.id) + ": rows " +
                                std::to_string(job.rows) + " / cols " + std::to_string(job.cols) +
                                " / vectors " + std::to_string(job.vectors) + " exceed the ROWS (< " +
                                std::to_string(kRowsLimit) + ") / COLS (< " + std::to_string(kColsLimit) +
                                ") / VECS (< " + std::to_string(kVecsLimit) + ") registers");
  }
}

Err check_job(const Params& p, const Job& job, uint32_t act_cols, uint32_t act_vecs) {
  if (job.rows == 0) return Err::ROWS_ZERO;
  if (job.cols == 0) return Err::COLS_ZERO;
  if (job.cols > p.max_cols) return Err::COLS_RANGE;
  if (job.vectors == 0 || job.vectors > p.vectors) return Err::VECS_RANGE;
  if (job.skip_act && (job.cols > act_cols || job.vectors > act_vecs)) return Err::NO_ACT;
  return Err::NONE;
}

GoldenEngine::GoldenEngine(const Params& params) : params_(params) {
  if (params_.lanes == 0 || params_.max_cols == 0 || params_.vectors == 0) {
    throw std::invalid_argument("mve: lanes, max_cols and vectors must be positive");
  }
}

Result GoldenEngine::run(const Job& job) {
  check_register_widths(job);
  Result r;
  r.start_cycle = cycle_;
  r.status = check_job(params_, job, act_cols_, act_vecs_);
  if (r.status != Err::NONE) {
    return r;
  }
  const uint32_t n = job.vectors;
  if (!job.skip_act) {
    act_.assign(job.act, job.act + uint64_t{n} * job.cols);
    act_cols_ = job.cols;
    act_vecs_ = n;
  }
  r.cycles = job_cycles(params_, job.rows, job.cols, job.skip_act, n);

  // Row r's results enter the result FIFO on the last beat of the row and
  // leave one cycle later. Held vector v starts at act_ + v * act_cols_.
  const uint64_t b = beats_per_row(params_, job.cols);
  const uint64_t first_row_cycle = cycle_ + (job.skip_act ? 0 : uint64_t{n} * b);
  r.out.resize(uint64_t{job.rows} * n);
  r.row_cycle.resize(job.rows);
  for (uint32_t row = 0; row < job.rows; ++row) {
    const int8_t* w = job.weights + uint64_t{row} * job.cols;
    for (uint32_t v = 0; v < n; ++v) {
      const int8_t* a = act_.data() + uint64_t{v} * act_cols_;
      int32_t acc = 0;
      for (uint32_t c = 0; c < job.cols; ++c) {
        acc += int32_t{w[c]} * int32_t{a[c]};
      }
      r.out[uint64_t{row} * n + v] = acc;
    }
    r.row_cycle[row] = first_row_cycle + (row + 1) * b + 1;
  }
  cycle_ += r.cycles;
  return r;
}

}  // namespace pnm::mve
