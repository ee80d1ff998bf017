// Shadow mode: the engine under test and the golden model get every job; a
// scoreboard compares them, and the platform continues with the result of
// the engine under test. After `stop_after` mismatches run() throws
// ShadowMismatch carrying the scoreboard's report.
#pragma once

#include <memory>
#include <stdexcept>

#include "tlm/pnm/mve_scoreboard.hpp"

namespace pnm::mve {

class ShadowMismatch : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ShadowEngine final : public Engine {
 public:
  // compare_cycles: off when the engine under test sees injected stalls,
  // which legitimately stretch its cycle count.
  ShadowEngine(std::unique_ptr<Engine> dut, std::unique_ptr<Engine> ref,
               Scoreboard::WaveTimeFn wave_time = {}, uint64_t stop_after = 1,
               bool compare_cycles = true);

  Result run(const Job& job) override;
  const Params& params() const override { return dut_->params(); }
  std::string_view kind() const override { return "shadow"; }
  bool advances_time() const override { return dut_->advances_time() || ref_->advances_time(); }

  const Scoreboard& scoreboard() const { return sb_; }
  Engine& dut() { return *dut_; }
  Engine& ref() { return *ref_; }

 private:
  std::unique_ptr<Engine> dut_;
  std::unique_ptr<Engine> ref_;
  Scoreboard::WaveTimeFn wave_time_;
  uint64_t stop_after_;
  Scoreboard sb_;
};

}  // namespace pnm::mve
