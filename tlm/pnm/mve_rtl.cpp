#include "tlm/pnm/mve_rtl.hpp"

#include <stdexcept>
#include <string>
#include <type_traits>

#include "Vpnm_mve.h"
#include "verilated.h"
#include "verilated_fst_c.h"

namespace pnm::mve {

namespace {

namespace R = regs::mve;

// splitmix64: tiny, fast and identical on every platform.
uint64_t splitmix64(uint64_t& s) {
  uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

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

RtlEngine::RtlEngine(const StallConfig& stalls, const std::string& fst_path,
                     uint64_t clk_period_ps)
    : ctx_(std::make_unique<VerilatedContext>()),
      stall_cfg_(stalls),
      rng_state_(stalls.seed),
      clk_period_ps_(clk_period_ps) {
  if (clk_period_ps_ < 2) throw std::invalid_argument("mve rtl: clock period must be >= 2 ps");
  if (!fst_path.empty()) ctx_->traceEverOn(true);
  top_ = std::make_unique<Vpnm_mve>(ctx_.get(), "mve");
  if (!fst_path.empty()) {
    fst_ = std::make_unique<VerilatedFstC>();
    top_->trace(fst_.get(), 99);
    fst_->open(fst_path.c_str());
    if (!fst_->isOpen()) throw std::runtime_error("mve rtl: cannot open waveform " + fst_path);
  }
  top_->rst_ni = 0;
  top_->reg_req_i = 0;
  top_->act_valid_i = 0;
  top_->w_valid_i = 0;
  top_->res_ready_i = 0;
  top_->reg_addr_i = R::STATUS::OFFSET;
  posedge();
  posedge();
  top_->rst_ni = 1;
  posedge();
  const uint32_t p = read_reg(R::PARAMS::OFFSET);
  params_.lanes = regs::get<R::PARAMS::LANES>(p);
  params_.max_cols = regs::get<R::PARAMS::MAX_COLS>(p);
}

RtlEngine::~RtlEngine() {
  if (fst_) fst_->close();
  top_->final();
}

uint64_t RtlEngine::wave_time_ps(uint64_t cycle) const {
  return wave_offset_ps_ + cycle * clk_period_ps_;
}

void RtlEngine::half_cycle_low() {
  top_->clk_i = 0;
  top_->eval();
  if (fst_) fst_->dump(wave_time_ps(cycle_) + clk_period_ps_ / 2);
}

void RtlEngine::posedge() {
  if (top_->clk_i) half_cycle_low();
  top_->clk_i = 1;
  top_->eval();
  ++cycle_;
  if (fst_) fst_->dump(wave_time_ps(cycle_));
}

bool RtlEngine::next_stall(double p) {
  if (p <= 0.0) return false;
  return static_cast<double>(splitmix64(rng_state_) >> 11) * 0x1.0p-53 < p;
}

bool RtlEngine::write_reg(uint32_t offset, uint32_t value) {
  top_->reg_req_i = 1;
  top_->reg_we_i = 1;
  top_->reg_addr_i = offset;
  top_->reg_wdata_i = value;
  half_cycle_low();
  const bool ok = !top_->reg_err_o;
  posedge();
  top_->reg_req_i = 0;
  top_->reg_we_i = 0;
  top_->reg_addr_i = R::STATUS::OFFSET;
  top_->eval();  // reg_rdata_o shows STATUS again
  return ok;
}

uint32_t RtlEngine::read_reg(uint32_t offset) {
  // Reads are combinational and side-effect free: no clock needed.
  top_->reg_addr_i = offset;
  top_->eval();
  const uint32_t v = top_->reg_rdata_o;
  top_->reg_addr_i = R::STATUS::OFFSET;
  top_->eval();
  return v;
}

Result RtlEngine::run(const Job& job) {
  check_register_widths(job);
  Result r;
  stats_ = {};

  // Idle time between jobs shows as a gap in the waveform, not as cycles.
  const uint64_t start_ps = wave_time_ps(cycle_ + 3);
  if (job.issue_time_ps > start_ps) wave_offset_ps_ += job.issue_time_ps - start_ps;

  if (!write_reg(R::ROWS::OFFSET, job.rows) || !write_reg(R::COLS::OFFSET, job.cols)) {
    throw std::logic_error("mve rtl: ROWS/COLS write refused while idle");
  }
  uint32_t ctrl = R::CTRL::START::MASK;
  if (job.skip_act) ctrl |= R::CTRL::SKIP_ACT::MASK;
  if (!write_reg(R::CTRL::OFFSET, ctrl)) throw std::logic_error("mve rtl: START refused while idle");
  r.start_cycle = cycle_;

  const unsigned lanes = params_.lanes;
  const uint64_t beats = beats_per_row(params_, job.cols);
  const unsigned tail = job.cols == 0 ? 0 : static_cast<unsigned>(job.cols - (beats - 1) * lanes);
  const uint64_t act_beats = job.skip_act ? 0 : beats;
  const uint64_t w_beats = uint64_t{job.rows} * beats;
  // Generous bound: the job can't legally take longer; past it the RTL hung.
  const uint64_t bound = job_cycles(params_, job.rows, job.cols, job.skip_act) + 16;

  // The register port rests on STATUS, so after each clock edge reg_rdata_o
  // already holds it without another eval.
  uint64_t act_i = 0, w_i = 0;
  uint32_t status = top_->reg_rdata_o;
  while (!regs::get<R::STATUS::DONE>(status)) {
    const bool stall_a = act_i < act_beats && next_stall(stall_cfg_.act_valid_low);
    const bool stall_w = w_i < w_beats && next_stall(stall_cfg_.w_valid_low);
    const bool stall_r = next_stall(stall_cfg_.res_ready_low);

    top_->act_valid_i = act_i < act_beats && !stall_a;
    if (top_->act_valid_i) {
      const unsigned n = act_i + 1 == beats ? tail : lanes;
      pack_beat(top_->act_data_i, job.act + act_i * lanes, n, lanes);
    }
    top_->w_valid_i = w_i < w_beats && !stall_w;
    if (top_->w_valid_i) {
      const uint64_t row = w_i / beats, beat = w_i % beats;
      const unsigned n = beat + 1 == beats ? tail : lanes;
      pack_beat(top_->w_data_i, job.weights + row * job.cols + beat * lanes, n, lanes);
      top_->w_strb_i = n >= 64 ? ~0ULL : (1ULL << n) - 1;
    }
    top_->res_ready_i = !stall_r;

    half_cycle_low();
    const bool act_fire = top_->act_valid_i && top_->act_ready_o;
    const bool w_fire = top_->w_valid_i && top_->w_ready_o;
    const bool res_fire = top_->res_valid_o && top_->res_ready_i;
    if (res_fire) {
      r.out.push_back(static_cast<int32_t>(top_->res_data_o));
      r.row_cycle.push_back(cycle_ + 1);
      const bool expect_last = r.out.size() == job.rows;
      if (bool(top_->res_last_o) != expect_last) stats_.last_flag_ok = false;
    }
    posedge();
    act_i += act_fire;
    w_i += w_fire;
    if (stall_a || stall_w || stall_r) ++stats_.stall_cycles;
    status = top_->reg_rdata_o;

    if (cycle_ - r.start_cycle > bound + stats_.stall_cycles) {
      throw std::runtime_error("mve rtl: job " + std::to_string(job.id) + " did not finish within " +
                               std::to_string(bound + stats_.stall_cycles) + " cycles (rows " +
                               std::to_string(job.rows) + ", cols " + std::to_string(job.cols) +
                               ", " + std::to_string(r.out.size()) + " results)");
    }
  }
  top_->act_valid_i = 0;
  top_->w_valid_i = 0;
  top_->res_ready_i = 0;

  stats_.measured_cycles = cycle_ - r.start_cycle;
  r.cycles = read_reg(R::CYCLES::OFFSET);
  r.status = regs::get<R::STATUS::ERROR>(status)
                 ? static_cast<Err>(regs::get<R::STATUS::ERR_CODE>(status))
                 : Err::NONE;
  if (r.status != Err::NONE && r.status != Err::STRB) {
    r.out.clear();
    r.row_cycle.clear();
  }
  return r;
}

}  // namespace pnm::mve
