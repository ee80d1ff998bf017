// The Verilated RTL MVE (rtl/mve/pnm_mve.sv) behind the Engine seam.
//
// This is the fast co-simulation path: run() steps the Verilated C++ model's
// clock in a plain loop (two evals per cycle) and the caller annotates one
// delay of cycles x period, so the SystemC kernel sees one event per job,
// not one per cycle. For SystemC-visible pins use testbench/mve instead; both
// drive the pins with the same drive_job() (mve_job_driver.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tlm/pnm/mve_job_driver.hpp"

class Vpnm_mve;
class VerilatedContext;
class VerilatedFstC;

namespace pnm::mve {

class RtlEngine final : public Engine {
 public:
  // fst_path empty: no waveform. clk_period_ps sets the waveform's time base.
  explicit RtlEngine(const StallConfig& stalls = {}, const std::string& fst_path = "",
                     uint64_t clk_period_ps = 1000);
  ~RtlEngine() override;
  RtlEngine(const RtlEngine&) = delete;
  RtlEngine& operator=(const RtlEngine&) = delete;

  Result run(const Job& job) override;
  const Params& params() const override { return params_; }
  std::string_view kind() const override { return "rtl"; }

  const RtlJobStats& last_job_stats() const { return stats_; }
  // Waveform time (ps) of a cycle number as reported in Result::row_cycle.
  uint64_t wave_time_ps(uint64_t cycle) const;

  // The Port of drive_job(): one clock cycle with the given inputs.
  PinSample clock(const PinInputs& in);
  uint32_t read_reg(uint32_t offset);
  uint64_t cycle() const { return cycle_; }
  bool write_reg(uint32_t offset, uint32_t value) { return mve::write_reg(*this, offset, value); }

 private:
  void dump(uint64_t time_ps);

  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vpnm_mve> top_;
  std::unique_ptr<VerilatedFstC> fst_;
  Params params_;
  StallConfig stall_cfg_;
  StallSource stalls_;
  uint64_t clk_period_ps_;
  uint64_t cycle_ = 0;
  uint64_t wave_offset_ps_ = 0;
  RtlJobStats stats_;
  std::vector<int32_t> res_buf_;  // the sampled result beat (PinSample::res_data)
};

}  // namespace pnm::mve
