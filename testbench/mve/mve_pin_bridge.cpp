#include "testbench/mve/mve_pin_bridge.hpp"

namespace pnm::tb {

namespace {
PinSignals::beat_t pack(const int8_t* src, unsigned n) {
  PinSignals::beat_t v = 0;
  for (unsigned i = 0; i < n; ++i) v.range(8 * i + 7, 8 * i) = static_cast<uint8_t>(src[i]);
  return v;
}
}  // namespace

PinBridgeEngine::PinBridgeEngine(PinSignals& sig, sc_core::sc_clock& clk, const mve::StallConfig& stalls)
    : sig_(sig), clk_(clk), stall_cfg_(stalls), stalls_(stalls.seed) {
  // The build parameters, until the first job reads PARAMS from the RTL.
  params_.lanes = kPinLanes;
  params_.max_cols = PNM_PIN_MAX_COLS;
  params_.vectors = kPinVectors;
}

void PinBridgeEngine::settle() {
  // Input signal update, model evaluation, output signal update.
  for (int i = 0; i < 3; ++i) sc_core::wait(sc_core::SC_ZERO_TIME);
}

mve::PinSample PinBridgeEngine::clock(const mve::PinInputs& in) {
  sig_.reg_req.write(in.reg_req);
  sig_.reg_we.write(in.reg_we);
  sig_.reg_addr.write(in.reg_addr);
  sig_.reg_wdata.write(in.reg_wdata);
  sig_.act_valid.write(in.act_valid);
  if (in.act_valid) sig_.act_data.write(pack(in.act, in.act_n));
  sig_.w_valid.write(in.w_valid);
  if (in.w_valid) {
    sig_.w_data.write(pack(in.w, in.w_n));
    sig_.w_strb.write(mve::strobe(in));
  }
  sig_.res_ready.write(in.res_ready);

  sc_core::wait(clk_.posedge_event());
  // Evaluate phase of the edge: every signal still holds its pre-edge value
  // (the RTL samples the same values at this edge), and the next call's
  // writes only take effect after it: one kernel wait per cycle.
  mve::PinSample s;
  s.busy = sig_.busy.read();
  s.reg_err = sig_.reg_err.read();
  s.act_ready = sig_.act_ready.read();
  s.w_ready = sig_.w_ready.read();
  s.res_valid = sig_.res_valid.read();
  s.res_last = sig_.res_last.read();
  if (s.res_valid) {
    const PinSignals::res_t& res = sig_.res_data.read();
    for (unsigned v = 0; v < kPinVectors; ++v) res_buf_[v] = static_cast<int32_t>(word_of(res, v));
    s.res_data = res_buf_;
  }
  cycle_ = static_cast<uint64_t>(sc_core::sc_time_stamp() / clk_.period());
  return s;
}

uint32_t PinBridgeEngine::read_reg(uint32_t offset) {
  sig_.reg_addr.write(offset);
  settle();
  const uint32_t v = sig_.reg_rdata.read();
  sig_.reg_addr.write(regs::mve::STATUS::OFFSET);
  settle();
  return v;
}

mve::Result PinBridgeEngine::run(const mve::Job& job) {
  while (!sig_.rst_n.read()) sc_core::wait(clk_.negedge_event());
  sc_core::wait(clk_.negedge_event());
  if (!have_params_) {
    params_ = mve::read_params(*this);
    have_params_ = true;
  }
  return mve::drive_job(*this, params_, job, stall_cfg_, stalls_, stats_);
}

}  // namespace pnm::tb
