// TLM-to-pin bridge: an Engine whose run() drives the MVE's SystemC signals
// cycle by cycle (drive_job() from tlm/pnm/mve_job_driver.hpp, the same code
// the fast path uses). Inputs change at the falling edge, in the same delta
// as the clock itself, so the Verilated model evaluates once per edge (as the
// C++ harness's low and high phases do). Outputs are sampled by a method on
// the rising edge, in its evaluation phase, i.e. as the RTL samples them.
// The register accesses of a job run in the calling thread (clock(), one
// wake per cycle); its data phase, nearly all of its cycles, runs in that
// method (stream()), which wakes at the rising edge to sample and at the
// falling edge to drive, so the thread sleeps until the job's last edge: a
// thread switch costs several method activations. Only signals whose value
// changes are written. run() waits on the clock, so it must be called from an
// SC_THREAD (advances_time() is true).
#pragma once

#include <exception>
#include <memory>

#include <systemc>

#include "testbench/mve/mve_signals.hpp"
#include "tlm/pnm/mve_job_driver.hpp"

namespace pnm::tb {

class PinBridgeEngine final : public mve::Engine {
 public:
  PinBridgeEngine(PinSignals& sig, sc_core::sc_clock& clk, const mve::StallConfig& stalls = {});
  ~PinBridgeEngine() override;

  mve::Result run(const mve::Job& job) override;
  const mve::Params& params() const override { return params_; }
  std::string_view kind() const override { return "rtl-pins"; }
  bool advances_time() const override { return true; }
  const mve::RtlJobStats& last_job_stats() const { return stats_; }

  // The Port of drive_job(). clock() returns at the falling edge after the
  // rising edge it sampled; called there, it drives at once, in that delta.
  mve::PinSample clock(const mve::PinInputs& in);
  uint32_t read_reg(uint32_t offset);
  uint64_t cycle() const { return cycle_; }
  // Runs a job's data phase from the sampling method; called, like clock(),
  // at a falling edge, and returns at the falling edge after the rising edge
  // whose sample ended it.
  void stream(mve::JobStream& js);

 private:
  void settle();
  void drive(const mve::PinInputs& in);
  void drive_beat(PinSignals::Driven<PinSignals::beat_t>& s, const int8_t* src, unsigned n);

  // Samples the outputs at each rising edge (pre-edge values) for clock();
  // during stream(), also steps the JobStream there and drives its next
  // inputs at the falling edge.
  struct Sampler : sc_core::sc_module {
    sc_core::sc_in<bool> clk{"clk"};
    Sampler(sc_core::sc_module_name n, PinBridgeEngine& b);
    void sample();
    void step();
    PinBridgeEngine& bridge;
  };

  PinSignals& sig_;
  sc_core::sc_clock& clk_;
  uint64_t period_units_;     // the clock period in kernel time units
  uint64_t rise_units_;       // a rising edge's time modulo the period
  uint64_t fall_after_rise_;  // rising edge to falling edge, kernel time units
  std::unique_ptr<Sampler> sampler_;
  mve::PinSample sample_;           // at the last rising edge
  uint64_t sampled_at_ = UINT64_MAX;  // its time, kernel units
  mve::JobStream* stream_ = nullptr;  // the data phase stream() runs
  bool at_fall_ = false;              // the sampler's next wake is a falling edge
  bool stream_over_ = false;          // the last sample ended it
  std::exception_ptr stream_error_;   // what its take() threw, for stream() to rethrow
  sc_core::sc_event stream_end_;
  mve::StallConfig stall_cfg_;
  mve::StallSource stalls_;
  mve::Params params_;
  bool have_params_ = false;
  uint64_t cycle_ = 0;
  mve::RtlJobStats stats_;
  int32_t res_buf_[kPinVectors] = {};  // the sampled result beat (PinSample::res_data)
};

}  // namespace pnm::tb
