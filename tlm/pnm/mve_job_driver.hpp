// The MVE job protocol on the RTL's pins, written once for every way of
// reaching those pins: the Verilated C++ model stepped in a loop (RtlEngine)
// and SystemC signals around the same model (the pin-level
// bridge in testbench/mve). A Port provides:
//
//   PinSample clock(const PinInputs& in);  // drive `in` for one clock cycle;
//                                          // return the outputs as they were
//                                          // just before the rising edge
//                                          // (res_data: the port's buffer of
//                                          // VECTORS int32, valid until the
//                                          // next clock())
//   uint32_t read_reg(uint32_t offset);    // side-effect-free register read
//   uint64_t cycle() const;                // rising edges since reset
//
// Handshakes fire on the rising edge when valid and ready were both high
// just before it, which is what PinSample captures.
#pragma once

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "tlm/pnm/mve_engine.hpp"

namespace pnm::mve {

// Stalls the driver injects, each an independent per-cycle probability.
struct StallConfig {
  double act_valid_low = 0.0;  // activation stream: data ready but valid held low
  double w_valid_low = 0.0;    // weight stream: data ready but valid held low
  double res_ready_low = 0.0;  // result stream: ready held low
  uint64_t seed = 1;
  bool any() const { return act_valid_low > 0 || w_valid_low > 0 || res_ready_low > 0; }
};

// What the driver saw of the last job, beyond the Result.
struct RtlJobStats {
  uint64_t measured_cycles = 0;  // rising edges after the START edge up to the one setting DONE
  uint64_t stall_cycles = 0;     // cycles in which at least one stall was injected
  bool last_flag_ok = true;      // res_last_o was set on exactly the final row
  bool idle_vectors_zero = true; // result elements n .. VECTORS-1 were zero on every row
};

struct PinInputs {
  bool reg_req = false, reg_we = false;
  uint32_t reg_addr = regs::mve::STATUS::OFFSET, reg_wdata = 0;
  bool act_valid = false;
  const int8_t* act = nullptr;  // act_n bytes; lanes past act_n drive zero
  unsigned act_n = 0;
  bool w_valid = false;
  const int8_t* w = nullptr;    // w_n bytes
  unsigned w_n = 0;
  int64_t w_strb = -1;          // byte-valid mask; -1: the low w_n bits (tests override)
  bool res_ready = false;
};

struct PinSample {
  bool busy = false, reg_err = false;
  bool act_ready = false, w_ready = false;
  bool res_valid = false, res_last = false;
  // With res_valid: the result beat's VECTORS int32 elements (element v from
  // res_data_o[32v +: 32]), in a buffer the port owns; valid until its next
  // clock(). Null when res_valid is low.
  const int32_t* res_data = nullptr;
};

inline uint32_t strobe(const PinInputs& in) {
  if (in.w_strb >= 0) return static_cast<uint32_t>(in.w_strb);
  return in.w_n >= 32 ? ~0u : (1u << in.w_n) - 1;
}

// Deterministic per-cycle coin flips (splitmix64), identical on every platform.
class StallSource {
 public:
  explicit StallSource(uint64_t seed) : s_(seed) {}
  bool flip(double p) {
    if (p <= 0.0) return false;
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) * 0x1.0p-53 < p;
  }

 private:
  uint64_t s_;
};

template <class Port>
bool write_reg(Port& port, uint32_t offset, uint32_t value) {
  PinInputs in;
  in.reg_req = in.reg_we = true;
  in.reg_addr = offset;
  in.reg_wdata = value;
  return !port.clock(in).reg_err;
}

template <class Port>
Params read_params(Port& port) {
  const uint32_t p = port.read_reg(regs::mve::PARAMS::OFFSET);
  const uint32_t p2 = port.read_reg(regs::mve::PARAMS2::OFFSET);
  return Params{regs::get<regs::mve::PARAMS::LANES>(p), regs::get<regs::mve::PARAMS::MAX_COLS>(p),
                regs::get<regs::mve::PARAMS2::VECTORS>(p2)};
}

// One accepted job's data phase on the pins, a cycle at a time: activation
// beats (vector after vector), weight beats and result pops, with injected
// stalls. inputs() is what to drive in the coming cycle; take() gets what the
// pins showed just before its rising edge (number `cycle`) and returns false
// once the engine has dropped busy, else prepares the next cycle's inputs.
// Throws if the RTL does not finish in time.
class JobStream {
 public:
  JobStream(const Params& params, const Job& job, const StallConfig& cfg, StallSource& stalls, RtlJobStats& stats,
            Result& r)
      : params_(params), job_(job), cfg_(cfg), stalls_(stalls), stats_(stats), r_(r) {
    beats_ = beats_per_row(params, job.cols);
    tail_ = beats_ == 0 ? 0 : static_cast<unsigned>(job.cols - (beats_ - 1) * params.lanes);
    act_beats_ = job.skip_act ? 0 : uint64_t{job.vectors} * beats_;
    w_beats_ = uint64_t{job.rows} * beats_;
    // No legal job takes longer than this; past it the RTL hung.
    bound_ = job_cycles(params, job.rows, job.cols, job.skip_act, job.vectors) + 16;
    prepare();
  }

  const PinInputs& inputs() const { return in_; }

  bool take(const PinSample& s, uint64_t cycle) {
    if (!s.busy) return false;  // finished at the previous edge
    act_offered_ = in_.act_valid && !s.act_ready;
    w_offered_ = in_.w_valid && !s.w_ready;
    if (in_.act_valid && s.act_ready) ++act_i_;
    if (in_.w_valid && s.w_ready) ++w_i_;
    if (in_.res_ready && s.res_valid) {
      const uint32_t n = job_.vectors;
      r_.out.insert(r_.out.end(), s.res_data, s.res_data + std::min(n, params_.vectors));
      for (unsigned v = n; v < params_.vectors; ++v) {
        if (s.res_data[v] != 0) stats_.idle_vectors_zero = false;
      }
      r_.row_cycle.push_back(cycle);
      ++rows_out_;
      if (s.res_last != (rows_out_ == job_.rows)) stats_.last_flag_ok = false;
    }
    if (stall_a_ || stall_w_ || stall_r_) ++stats_.stall_cycles;
    if (cycle - r_.start_cycle > bound_ + stats_.stall_cycles) {
      throw std::runtime_error("mve: job " + std::to_string(job_.id) + " did not finish within " +
                               std::to_string(bound_ + stats_.stall_cycles) + " cycles (rows " +
                               std::to_string(job_.rows) + ", cols " + std::to_string(job_.cols) +
                               ", vectors " + std::to_string(job_.vectors) + ", " + std::to_string(rows_out_) +
                               " rows of results)");
    }
    prepare();
    return true;
  }

 private:
  // A beat once offered stays offered until taken (valid may not drop
  // before ready), so stalls are only injected between beats.
  void prepare() {
    const unsigned lanes = params_.lanes;
    stall_a_ = act_i_ < act_beats_ && !act_offered_ && stalls_.flip(cfg_.act_valid_low);
    stall_w_ = w_i_ < w_beats_ && !w_offered_ && stalls_.flip(cfg_.w_valid_low);
    stall_r_ = stalls_.flip(cfg_.res_ready_low);
    in_ = PinInputs{};
    in_.act_valid = act_i_ < act_beats_ && !stall_a_;
    if (in_.act_valid) {
      const uint64_t vec = act_i_ / beats_, beat = act_i_ % beats_;
      in_.act = job_.act + vec * job_.cols + beat * lanes;
      in_.act_n = beat + 1 == beats_ ? tail_ : lanes;
    }
    in_.w_valid = w_i_ < w_beats_ && !stall_w_;
    if (in_.w_valid) {
      const uint64_t row = w_i_ / beats_, beat = w_i_ % beats_;
      in_.w = job_.weights + row * job_.cols + beat * lanes;
      in_.w_n = beat + 1 == beats_ ? tail_ : lanes;
    }
    in_.res_ready = !stall_r_;
  }

  const Params& params_;
  const Job& job_;
  const StallConfig& cfg_;
  StallSource& stalls_;
  RtlJobStats& stats_;
  Result& r_;
  uint64_t beats_ = 0, act_beats_ = 0, w_beats_ = 0, bound_ = 0;
  unsigned tail_ = 0;
  uint64_t act_i_ = 0, w_i_ = 0, rows_out_ = 0;
  bool act_offered_ = false, w_offered_ = false;
  bool stall_a_ = false, stall_w_ = false, stall_r_ = false;
  PinInputs in_;
};

// A Port may run a JobStream's cycles itself (`void stream(JobStream&)`,
// returning after the cycle whose sample ended it); else drive_job() steps
// it through clock().
template <class Port, class = void>
struct RunsStreams : std::false_type {};
template <class Port>
struct RunsStreams<Port, std::void_t<decltype(std::declval<Port&>().stream(std::declval<JobStream&>()))>>
    : std::true_type {};

// Runs one job through the pins: ROWS, COLS, VECS, CTRL.START (one cycle
// each), then the data phase (JobStream) until the engine drops busy.
// Throws if the RTL does not finish in time.
template <class Port>
Result drive_job(Port& port, const Params& params, const Job& job, const StallConfig& cfg,
                 StallSource& stalls, RtlJobStats& stats) {
  namespace R = regs::mve;
  check_register_widths(job);
  if (params.lanes > 32) {
    // PinInputs carries the byte-valid mask in 32 bits.
    throw std::invalid_argument("mve: the pin driver supports at most 32 lanes, the RTL has " +
                                std::to_string(params.lanes));
  }
  Result r;
  stats = {};
  if (!write_reg(port, R::ROWS::OFFSET, job.rows) || !write_reg(port, R::COLS::OFFSET, job.cols) ||
      !write_reg(port, R::VECS::OFFSET, job.vectors)) {
    throw std::logic_error("mve: ROWS/COLS/VECS write refused while idle");
  }
  uint32_t ctrl = R::CTRL::START::MASK;
  if (job.skip_act) ctrl |= R::CTRL::SKIP_ACT::MASK;
  if (!write_reg(port, R::CTRL::OFFSET, ctrl)) throw std::logic_error("mve: START refused while idle");
  r.start_cycle = port.cycle();

  // A rejected job never raises BUSY: drive no data for it.
  const bool accepted = regs::get<R::STATUS::BUSY>(port.read_reg(R::STATUS::OFFSET)) != 0;
  if (accepted) {
    JobStream js(params, job, cfg, stalls, stats, r);
    if constexpr (RunsStreams<Port>::value) {
      port.stream(js);
    } else {
      for (;;) {
        const PinSample sample = port.clock(js.inputs());
        if (!js.take(sample, port.cycle())) break;  // cycle() after clock(): the edge just sampled
      }
    }
  }
  // The data phase ran one idle cycle past the edge that ended the job.
  stats.measured_cycles = accepted ? port.cycle() - 1 - r.start_cycle : 0;

  const uint32_t status = port.read_reg(R::STATUS::OFFSET);
  r.cycles = port.read_reg(R::CYCLES::OFFSET);
  r.status = regs::get<R::STATUS::ERROR>(status) ? static_cast<Err>(regs::get<R::STATUS::ERR_CODE>(status))
                                                 : Err::NONE;
  if (r.status != Err::NONE && r.status != Err::STRB) {
    r.out.clear();
    r.row_cycle.clear();
  }
  return r;
}

}  // namespace pnm::mve
