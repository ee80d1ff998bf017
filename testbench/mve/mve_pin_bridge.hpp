// TLM-to-pin bridge: an Engine whose run() drives the MVE's SystemC signals
// cycle by cycle (drive_job() from tlm/pnm/mve_job_driver.hpp, the same code
// the fast path uses). Inputs change at the falling edge, in the same delta
// as the clock itself, so the Verilated model evaluates once per edge (as the
// C++ harness's low and high phases do); outputs are sampled in the
// evaluation phase of the rising edge, i.e. as the RTL samples them. Only
// signals whose value changes are written. run() waits on the clock, so it
// must be called from an SC_THREAD (advances_time() is true).
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
  void drive(const mve::PinInputs& in);
  void drive_beat(sc_core::sc_signal<PinSignals::beat_t>& s, const int8_t* src, unsigned n);

  PinSignals& sig_;
  sc_core::sc_clock& clk_;
  sc_core::sc_time high_;     // rising edge to falling edge
  uint64_t period_units_;     // the clock period in kernel time units
  sc_core::sc_time sampled_at_;  // the rising edge the last clock() sampled at
  bool sampled_ = false;
  mve::StallConfig stall_cfg_;
  mve::StallSource stalls_;
  mve::Params params_;
  bool have_params_ = false;
  uint64_t cycle_ = 0;
  mve::RtlJobStats stats_;
  PinSignals::beat_t beat_buf_;        // reused for every beat written (sc_bv allocates)
  int32_t res_buf_[kPinVectors] = {};  // the sampled result beat (PinSample::res_data)
};

}  // namespace pnm::tb
