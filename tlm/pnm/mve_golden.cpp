#include "tlm/pnm/mve_golden.hpp"

#include <stdexcept>
#include <string>

namespace pnm::mve {

namespace {
constexpr uint64_t kRowsLimit = uint64_t{1} << regs::mve::ROWS::VALUE::WIDTH;
constexpr uint64_t kColsLimit = uint64_t{1} << regs::mve::COLS::VALUE::WIDTH;
}  // namespace

void check_register_widths(const Job& job) {
  if (job.rows >= kRowsLimit || job.cols >= kColsLimit) {
    throw std::invalid_argument("mve job " + std::to_string(job.id) + ": rows " +
                                std::to_string(job.rows) + " / cols " + std::to_string(job.cols) +
                                " exceed the ROWS (< " + std::to_string(kRowsLimit) +
                                ") / COLS (< " + std::to_string(kColsLimit) + ") registers");
  }
}

Err check_job(const Params& p, const Job& job, uint32_t act_cols) {
  if (job.rows == 0) return Err::ROWS_ZERO;
  if (job.cols == 0) return Err::COLS_ZERO;
  if (job.cols > p.max_cols) return Err::COLS_RANGE;
  if (job.skip_act && job.cols > act_cols) return Err::NO_ACT;
  return Err::NONE;
}

GoldenEngine::GoldenEngine(const Params& params) : params_(params) {
  if (params_.lanes == 0 || params_.max_cols == 0) {
    throw std::invalid_argument("mve: lanes and max_cols must be positive");
  }
}

Result GoldenEngine::run(const Job& job) {
  check_register_widths(job);
  Result r;
  r.start_cycle = cycle_;
  r.status = check_job(params_, job, static_cast<uint32_t>(act_.size()));
  if (r.status != Err::NONE) {
    return r;
  }
  if (!job.skip_act) {
    act_.assign(job.act, job.act + job.cols);
  }
  r.cycles = job_cycles(params_, job.rows, job.cols, job.skip_act);

  // Row r's result enters the result FIFO on the last beat of the row and
  // leaves one cycle later.
  const uint64_t b = beats_per_row(params_, job.cols);
  const uint64_t first_row_cycle = cycle_ + (job.skip_act ? 0 : b);
  r.out.resize(job.rows);
  r.row_cycle.resize(job.rows);
  for (uint32_t row = 0; row < job.rows; ++row) {
    const int8_t* w = job.weights + uint64_t{row} * job.cols;
    int32_t acc = 0;
    for (uint32_t c = 0; c < job.cols; ++c) {
      acc += int32_t{w[c]} * int32_t{act_[c]};
    }
    r.out[row] = acc;
    r.row_cycle[row] = first_row_cycle + (row + 1) * b + 1;
  }
  cycle_ += r.cycles;
  return r;
}

}  // namespace pnm::mve
