// The Verilated MVE (the C++ model, the same build the chip's rtl engine
// uses) as a SystemC module on the pin signals. One method, sensitive to the
// clock and every input, copies the inputs into the model, evaluates it once
// and writes back only the outputs that changed. Compared with Verilator's
// own SystemC wrapper this keeps the buses as native words (no sc_bv per
// evaluation) and lets the testbench share one Verilator runtime with the
// rest of the model.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <systemc>

#include "testbench/mve/mve_signals.hpp"

class Vpnm_mve;
class VerilatedContext;
class VerilatedFstC;

namespace pnm::tb {

class MvePinModel : public sc_core::sc_module {
 public:
  // The model's hierarchy is named `top.dut` in waveforms, as the fast path's.
  MvePinModel(sc_core::sc_module_name name, PinSignals& sig, sc_core::sc_clock& clk);
  ~MvePinModel() override;

  // Opens an FST waveform of the RTL, time in ps; closed in the destructor.
  // Each time step is dumped once, with the values it settled to.
  void open_fst(const std::string& path);

 private:
  void eval();
  void flush_dump();

  PinSignals& sig_;
  sc_core::sc_clock& clk_;
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vpnm_mve> rtl_;
  std::unique_ptr<VerilatedFstC> fst_;
  uint64_t dump_pending_ps_ = UINT64_MAX;  // a time step evaluated but not yet dumped
};

}  // namespace pnm::tb
