// The Verilated RTL MVE (rtl/mve/pnm_mve.sv) behind the Engine seam.
//
// This is the fast co-simulation path: run() steps the Verilated C++ model's
// clock in a plain loop (two evals per cycle) and the caller annotates one
// delay of cycles x period, so the SystemC kernel sees one event per job,
// not one per cycle. For SystemC-visible pins use testbench/mve instead.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "tlm/pnm/mve_engine.hpp"

class Vpnm_mve;
class VerilatedContext;
class VerilatedFstC;

namespace pnm::mve {

// Stalls the harness injects, each an independent per-cycle probability.
struct StallConfig {
  double act_valid_low = 0.0;  // activation stream: data ready but valid held low
  double w_valid_low = 0.0;    // weight stream: data ready but valid held low
  double res_ready_low = 0.0;  // result stream: ready held low
  uint64_t seed = 1;
  bool any() const { return act_valid_low > 0 || w_valid_low > 0 || res_ready_low > 0; }
};

// What the harness saw of the last job, beyond the Result.
struct RtlJobStats {
  uint64_t measured_cycles = 0;  // posedges from the START edge (excl.) to DONE (incl.)
  uint64_t stall_cycles = 0;     // cycles in which at least one stall was injected
  bool last_flag_ok = true;      // res_last_o was set on exactly the final row
};

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
  uint64_t cycle() const { return cycle_; }
  uint64_t total_cycles() const { return cycle_; }
  // Waveform time (ps) of a cycle number as reported in Result::row_cycle.
  uint64_t wave_time_ps(uint64_t cycle) const;

  // Register access through the RTL's register port; each write takes one
  // cycle. Returns false when the RTL answers with reg_err_o.
  bool write_reg(uint32_t offset, uint32_t value);
  uint32_t read_reg(uint32_t offset);

 private:
  void half_cycle_low();
  void posedge();
  bool next_stall(double p);

  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vpnm_mve> top_;
  std::unique_ptr<VerilatedFstC> fst_;
  Params params_;
  StallConfig stall_cfg_;
  uint64_t rng_state_;
  uint64_t clk_period_ps_;
  uint64_t cycle_ = 0;
  uint64_t wave_offset_ps_ = 0;
  RtlJobStats stats_;
};

}  // namespace pnm::mve
