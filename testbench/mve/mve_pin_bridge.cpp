#include "testbench/mve/mve_pin_bridge.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace pnm::tb {

namespace {
constexpr bool kLittleEndian = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
}  // namespace

PinBridgeEngine::Sampler::Sampler(sc_core::sc_module_name n, PinBridgeEngine& b) : sc_module(n), bridge(b) {
  SC_HAS_PROCESS(Sampler);
  SC_METHOD(sample);
  sensitive << clk.pos();
  dont_initialize();
}

// Static sensitivity: the rising edge, in its evaluation phase, when every
// signal still holds its pre-edge value, which is what the RTL samples at
// this edge. During stream() a timed wake at the falling edge follows it.
void PinBridgeEngine::Sampler::sample() {
  PinBridgeEngine& b = bridge;
  if (b.at_fall_) {
    b.at_fall_ = false;
    if (b.stream_over_) {
      b.stream_end_.notify();  // the thread resumes at this falling edge, as after clock()
    } else {
      b.drive(b.stream_->inputs());
    }
    return;
  }
  PinSignals& sig = b.sig_;
  mve::PinSample& s = b.sample_;
  s.busy = sig.busy.read();
  s.reg_err = sig.reg_err.read();
  s.act_ready = sig.act_ready.read();
  s.w_ready = sig.w_ready.read();
  s.res_valid = sig.res_valid.read();
  s.res_last = sig.res_last.read();
  s.res_data = nullptr;
  if (s.res_valid) {
    const PinSignals::res_t& res = sig.res_data.read();
    for (unsigned v = 0; v < kPinVectors; ++v) b.res_buf_[v] = static_cast<int32_t>(res.w[v]);
    s.res_data = b.res_buf_;
  }
  b.sampled_at_ = sc_core::sc_time_stamp().value();
  if (b.stream_) step();
}

void PinBridgeEngine::Sampler::step() {
  PinBridgeEngine& b = bridge;
  b.cycle_ = b.sampled_at_ / b.period_units_;
  try {
    b.stream_over_ = !b.stream_->take(b.sample_, b.cycle_);
  } catch (...) {
    // Not into the kernel: stream() rethrows it in the calling thread.
    b.stream_error_ = std::current_exception();
    b.stream_over_ = true;
  }
  b.at_fall_ = true;
  next_trigger(sc_core::sc_time::from_value(b.fall_after_rise_));
}

PinBridgeEngine::PinBridgeEngine(PinSignals& sig, sc_core::sc_clock& clk, const mve::StallConfig& stalls)
    : sig_(sig),
      clk_(clk),
      period_units_(clk.period().value()),
      stall_cfg_(stalls),
      stalls_(stalls.seed) {
  const uint64_t high = (clk.period() * clk.duty_cycle()).value();
  const uint64_t start = clk.start_time().value();
  rise_units_ = (clk.posedge_first() ? start : start + period_units_ - high) % period_units_;
  fall_after_rise_ = high;
  sampler_ = std::make_unique<Sampler>(sc_core::sc_gen_unique_name("pin_sampler"), *this);
  sampler_->clk(clk);
  // The build parameters, until the first job reads PARAMS from the RTL.
  params_.lanes = kPinLanes;
  params_.max_cols = PNM_PIN_MAX_COLS;
  params_.vectors = kPinVectors;
}

PinBridgeEngine::~PinBridgeEngine() = default;

void PinBridgeEngine::settle() {
  // Input signal update, model evaluation, output signal update.
  for (int i = 0; i < 3; ++i) sc_core::wait(sc_core::SC_ZERO_TIME);
}

void PinBridgeEngine::drive_beat(PinSignals::Driven<PinSignals::beat_t>& s, const int8_t* src, unsigned n) {
  // Lane i is bits [8i +: 8]: word j holds lanes 4j .. 4j+3. Lanes past n drive zero.
  PinSignals::beat_t beat;
  if constexpr (kLittleEndian) {
    std::memcpy(beat.w, src, std::min<unsigned>(n, sizeof beat.w));
  } else {
    for (unsigned i = 0; i < n; ++i) beat.w[i / 4] |= uint32_t{static_cast<uint8_t>(src[i])} << (8 * (i % 4));
  }
  write_if_changed(s, beat);
}

void PinBridgeEngine::drive(const mve::PinInputs& in) {
  write_if_changed(sig_.reg_req, in.reg_req);
  write_if_changed(sig_.reg_we, in.reg_we);
  write_if_changed(sig_.reg_addr, in.reg_addr);
  write_if_changed(sig_.reg_wdata, in.reg_wdata);
  write_if_changed(sig_.act_valid, in.act_valid);
  if (in.act_valid) drive_beat(sig_.act_data, in.act, in.act_n);
  write_if_changed(sig_.w_valid, in.w_valid);
  if (in.w_valid) {
    drive_beat(sig_.w_data, in.w, in.w_n);
    write_if_changed(sig_.w_strb, mve::strobe(in));
  }
  write_if_changed(sig_.res_ready, in.res_ready);
}

mve::PinSample PinBridgeEngine::clock(const mve::PinInputs& in) {
  // Drive now: at the falling edge the last clock() returned at (the same
  // delta as the clock's own change, so the model sees new inputs and the
  // falling clock in one evaluation), or at any other time before the next
  // rising edge (after run()'s wait on the falling edge, or a test's own
  // waits), which still sees these values.
  drive(in);
  // Then sleep to the falling edge after the next rising edge: a timed wait
  // wakes in the same delta as the clock's change there.
  const uint64_t now = sc_core::sc_time_stamp().value();
  const uint64_t phase = (now + period_units_ - rise_units_) % period_units_;
  const uint64_t rise = now + (period_units_ - phase);  // strictly after now
  const uint64_t fall = rise + fall_after_rise_;
  sc_core::wait(sc_core::sc_time::from_value(fall - now));
  if (sampled_at_ != rise) throw std::logic_error("pin bridge: the rising edge was not sampled");
  cycle_ = rise / period_units_;
  return sample_;
}

uint32_t PinBridgeEngine::read_reg(uint32_t offset) {
  sig_.reg_addr.write(offset);
  settle();
  const uint32_t v = sig_.reg_rdata.read();
  sig_.reg_addr.write(regs::mve::STATUS::OFFSET);
  settle();
  return v;
}

void PinBridgeEngine::stream(mve::JobStream& js) {
  // At a falling edge, like clock(): the first beat drives now.
  drive(js.inputs());
  stream_ = &js;
  stream_over_ = false;
  sc_core::wait(stream_end_);
  stream_ = nullptr;
  if (stream_error_) std::rethrow_exception(std::exchange(stream_error_, nullptr));
}

mve::Result PinBridgeEngine::run(const mve::Job& job) {
  while (!sig_.rst_n.read()) sc_core::wait(clk_.negedge_event());
  // Start at a falling edge: the one the last job's final clock() returned
  // at, or else the next one.
  if (sampled_at_ == UINT64_MAX ||
      sc_core::sc_time_stamp().value() != sampled_at_ + fall_after_rise_) {
    sc_core::wait(clk_.negedge_event());
  }
  if (!have_params_) {
    params_ = mve::read_params(*this);
    have_params_ = true;
  }
  return mve::drive_job(*this, params_, job, stall_cfg_, stalls_, stats_);
}

}  // namespace pnm::tb
