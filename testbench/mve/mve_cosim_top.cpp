#include "testbench/mve/mve_cosim_top.hpp"

#include "tlm/pnm/mve_golden.hpp"

namespace pnm::tb {

MveCosimTop::MveCosimTop(sc_core::sc_module_name name, const MveCosimConfig& cfg, Stimulus stimulus)
    : sc_module(name),
      clk("clk", sc_core::sc_time(static_cast<double>(cfg.clk_period_ps), sc_core::SC_PS)),
      drv("drv"),
      stimulus_(std::move(stimulus)) {
  dut = std::make_unique<MvePinModel>("dut", sig, clk);
  checker = std::make_unique<MveProtocolChecker<kPinLanes, kPinVectors>>("checker", sig);
  checker->clk(clk);

  auto pins = std::make_unique<PinBridgeEngine>(sig, clk, cfg.stalls);
  bridge = pins.get();
  std::unique_ptr<mve::Engine> engine = std::move(pins);
  if (cfg.shadow) {
    auto sh = std::make_unique<mve::ShadowEngine>(
        std::move(engine), std::make_unique<mve::GoldenEngine>(bridge->params()),
        [period = cfg.clk_period_ps](uint64_t cycle) { return cycle * period; }, cfg.stop_after,
        /*compare_cycles=*/!cfg.stalls.any());
    shadow = sh.get();
    engine = std::move(sh);
  }
  mve::MveConfig tcfg;
  tcfg.clk_period_ps = cfg.clk_period_ps;
  tcfg.params = bridge->params();
  target = std::make_unique<mve::MveTarget>("mve", tcfg, std::move(engine));
  drv.init_socket.bind(target->tgt_socket);

  SC_HAS_PROCESS(MveCosimTop);
  SC_THREAD(reset_thread);
  SC_THREAD(stimulus_thread);
}

MveCosimTop::~MveCosimTop() = default;

void MveCosimTop::open_fst(const std::string& path) { dut->open_fst(path); }

void MveCosimTop::reset_thread() {
  sig.rst_n.write(false);
  for (int i = 0; i < 3; ++i) wait(clk.posedge_event());
  wait(clk.negedge_event());
  sig.rst_n.write(true);
}

void MveCosimTop::stimulus_thread() {
  if (stimulus_) stimulus_(*this);
  drv.sync();
  finished = true;
  sc_core::sc_stop();
}

}  // namespace pnm::tb
