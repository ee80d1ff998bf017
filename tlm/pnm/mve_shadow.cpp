#include "tlm/pnm/mve_shadow.hpp"

#include <string>

namespace pnm::mve {

ShadowEngine::ShadowEngine(std::unique_ptr<Engine> dut, std::unique_ptr<Engine> ref,
                           Scoreboard::WaveTimeFn wave_time, uint64_t stop_after, bool compare_cycles)
    : dut_(std::move(dut)),
      ref_(std::move(ref)),
      wave_time_(std::move(wave_time)),
      stop_after_(stop_after),
      sb_(std::string("shadow(") + std::string(dut_->kind()) + " vs " +
              std::string(ref_->kind()) + ")",
          compare_cycles) {
  if (dut_->params().lanes != ref_->params().lanes ||
      dut_->params().max_cols != ref_->params().max_cols ||
      dut_->params().vectors != ref_->params().vectors) {
    throw std::invalid_argument("shadow mve: engines differ in lanes, max_cols or vectors");
  }
}

Result ShadowEngine::run(const Job& job) {
  Result actual = dut_->run(job);
  const Result expected = ref_->run(job);
  sb_.compare(job, expected, actual, wave_time_);
  if (stop_after_ != 0 && sb_.mismatches() >= stop_after_) throw ShadowMismatch(sb_.report());
  return actual;
}

}  // namespace pnm::mve
