#include "tlm/pnm/mve_rtl.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "Vpnm_mve.h"
#include "tlm/pnm/verilated_port.hpp"
#include "verilated.h"
#include "verilated_fst_c.h"

namespace pnm::mve {

namespace {

// Packs n bytes (lanes past n are zero) into a Verilated port of any width.
template <typename Port>
void pack_beat(Port& port, const int8_t* src, unsigned n, unsigned lanes) {
  if constexpr (std::is_integral_v<Port>) {
    Port v = 0;
    for (unsigned i = 0; i < n; ++i) v |= static_cast<Port>(static_cast<uint8_t>(src[i])) << (8 * i);
    port = v;
  } else {
    for (unsigned w = 0; w < (lanes + 3) / 4; ++w) port[w] = 0;
    for (unsigned i = 0; i < n; ++i) {
      port[i / 4] |= static_cast<uint32_t>(static_cast<uint8_t>(src[i])) << (8 * (i % 4));
    }
  }
}

}  // namespace

RtlEngine::RtlEngine(const StallConfig& stalls, const std::string& fst_path, uint64_t clk_period_ps)
    : ctx_(std::make_unique<VerilatedContext>()),
      stall_cfg_(stalls),
      stalls_(stalls.seed),
      clk_period_ps_(clk_period_ps) {
  if (clk_period_ps_ < 2) throw std::invalid_argument("mve rtl: clock period must be >= 2 ps");
  if (!fst_path.empty()) ctx_->traceEverOn(true);
  top_ = std::make_unique<Vpnm_mve>(ctx_.get(), "top.dut");
  res_buf_.assign(port_words<decltype(top_->res_data_o)>(), 0);
  if (!fst_path.empty()) {
    fst_ = std::make_unique<VerilatedFstC>();
    top_->trace(fst_.get(), 99);
    fst_->open(fst_path.c_str());
    if (!fst_->isOpen()) throw std::runtime_error("mve rtl: cannot open waveform " + fst_path);
  }
  top_->rst_ni = 0;
  clock(PinInputs{});
  clock(PinInputs{});
  top_->rst_ni = 1;
  clock(PinInputs{});
  params_ = read_params(*this);
  if (params_.vectors != res_buf_.size()) {
    throw std::logic_error("mve rtl: PARAMS2.VECTORS " + std::to_string(params_.vectors) +
                           " disagrees with the result port's " + std::to_string(res_buf_.size()) +
                           " words");
  }
}

RtlEngine::~RtlEngine() {
  if (fst_) fst_->close();
  top_->final();
}

uint64_t RtlEngine::wave_time_ps(uint64_t cycle) const { return wave_offset_ps_ + cycle * clk_period_ps_; }

void RtlEngine::dump(uint64_t time_ps) {
  if (fst_) fst_->dump(time_ps);
}

PinSample RtlEngine::clock(const PinInputs& in) {
  top_->reg_req_i = in.reg_req;
  top_->reg_we_i = in.reg_we;
  top_->reg_addr_i = in.reg_addr;
  top_->reg_wdata_i = in.reg_wdata;
  top_->act_valid_i = in.act_valid;
  if (in.act_valid) pack_beat(top_->act_data_i, in.act, in.act_n, params_.lanes);
  top_->w_valid_i = in.w_valid;
  if (in.w_valid) {
    pack_beat(top_->w_data_i, in.w, in.w_n, params_.lanes);
    top_->w_strb_i = strobe(in);
  }
  top_->res_ready_i = in.res_ready;

  // Low phase: inputs settle, outputs show what the rising edge will see.
  top_->clk_i = 0;
  top_->eval();
  dump(wave_time_ps(cycle_) + clk_period_ps_ / 2);
  PinSample s;
  s.busy = top_->busy_o;
  s.reg_err = top_->reg_err_o;
  s.act_ready = top_->act_ready_o;
  s.w_ready = top_->w_ready_o;
  s.res_valid = top_->res_valid_o;
  s.res_last = top_->res_last_o;
  if (s.res_valid) {
    for (unsigned w = 0; w < res_buf_.size(); ++w) res_buf_[w] = static_cast<int32_t>(port_word(top_->res_data_o, w));
    s.res_data = res_buf_.data();
  }

  top_->clk_i = 1;
  top_->eval();
  ++cycle_;
  dump(wave_time_ps(cycle_));
  return s;
}

uint32_t RtlEngine::read_reg(uint32_t offset) {
  // Reads are combinational and side-effect free: no clock needed.
  top_->reg_addr_i = offset;
  top_->eval();
  const uint32_t v = top_->reg_rdata_o;
  top_->reg_addr_i = regs::mve::STATUS::OFFSET;
  top_->eval();
  return v;
}

Result RtlEngine::run(const Job& job) {
  // Idle time between jobs shows as a gap in the waveform, not as cycles.
  const uint64_t start_ps = wave_time_ps(cycle_ + 3);
  if (job.issue_time_ps > start_ps) wave_offset_ps_ += job.issue_time_ps - start_ps;
  return drive_job(*this, params_, job, stall_cfg_, stalls_, stats_);
}

}  // namespace pnm::mve
