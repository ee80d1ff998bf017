// TLM-to-pin bridge: an Engine whose run() drives the MVE's SystemC signals
// cycle by cycle (drive_job() from tlm/pnm/mve_job_driver.hpp, the same code
// the fast path uses). Inputs change right after a rising edge; outputs are
// sampled just before the next rising edge. run() waits on the clock, so it must
// be called from an SC_THREAD (advances_time() is true).
#pragma once

#include <systemc>

#include "testbench/mve/mve_signals.hpp"
#include "tlm/pnm/mve_job_driver.hpp"

namespace pnm::tb {

constexpr unsigned kPinLanes = 16;                // the Verilated SystemC model's LANES
constexpr unsigned kPinVectors = PNM_PIN_VECTORS;  // and its VECTORS (rtl/CMakeLists.txt)
using PinSignals = MveSignals<kPinLanes, kPinVectors>;

class PinBridgeEngine final : public mve::Engine {
 public:
  PinBridgeEngine(PinSignals& sig, sc_core::sc_clock& clk, const mve::StallConfig& stalls = {});

  mve::Result run(const mve::Job& job) override;
  const mve::Params& params() const override { return params_; }
  std::string_view kind() const override { return "rtl-pins"; }
  bool advances_time() const override { return true; }
  const mve::RtlJobStats& last_job_stats() const { return stats_; }

  // The Port of drive_job().
  mve::PinSample clock(const mve::PinInputs& in);
  uint32_t read_reg(uint32_t offset);
  uint64_t cycle() const { return cycle_; }

 private:
  void settle();

  PinSignals& sig_;
  sc_core::sc_clock& clk_;
  mve::StallConfig stall_cfg_;
  mve::StallSource stalls_;
  mve::Params params_;
  bool have_params_ = false;
  uint64_t cycle_ = 0;
  mve::RtlJobStats stats_;
  int32_t res_buf_[kPinVectors] = {};  // the sampled result beat (PinSample::res_data)
};

}  // namespace pnm::tb
