// Pin-level co-simulation top: clock, reset, the MVE's signal bundle, the
// Verilated RTL on those signals (MvePinModel), a passive protocol checker on the same wires, and
// the TLM-to-pin bridge behind an MveTarget, so stimulus written against the
// TLM socket (tb::TlmDriver) runs on real pins. In shadow mode the golden
// model checks every job.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <systemc>

#include "testbench/common/tlm_driver.hpp"
#include "testbench/mve/mve_pin_bridge.hpp"
#include "testbench/mve/mve_pin_model.hpp"
#include "testbench/mve/mve_protocol_checker.hpp"
#include "tlm/pnm/mve_shadow.hpp"
#include "tlm/pnm/mve_target.hpp"

namespace pnm::tb {

struct MveCosimConfig {
  uint64_t clk_period_ps = 1000;
  mve::StallConfig stalls;
  bool shadow = true;          // compare every job against the golden model
  uint64_t stop_after = 0;     // shadow mismatches before stopping (0: never)
};

class MveCosimTop : public sc_core::sc_module {
 public:
  using Stimulus = std::function<void(MveCosimTop&)>;

  MveCosimTop(sc_core::sc_module_name name, const MveCosimConfig& cfg, Stimulus stimulus);
  ~MveCosimTop() override;

  // An FST waveform of the RTL; closes in the destructor.
  void open_fst(const std::string& path);

  sc_core::sc_clock clk;
  PinSignals sig;
  TlmDriver drv;
  std::unique_ptr<MvePinModel> dut;
  std::unique_ptr<MveProtocolChecker<kPinLanes, kPinVectors>> checker;
  std::unique_ptr<mve::MveTarget> target;
  PinBridgeEngine* bridge = nullptr;        // owned by target
  mve::ShadowEngine* shadow = nullptr;      // owned by target, null without shadow
  bool finished = false;

 private:
  void reset_thread();
  void stimulus_thread();

  Stimulus stimulus_;
};

}  // namespace pnm::tb
