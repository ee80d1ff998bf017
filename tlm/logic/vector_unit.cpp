#include "tlm/logic/vector_unit.hpp"

#include "tlm/common/sim_time.hpp"
#include "tlm/common/zero_data_extension.hpp"
#include "tlm/logic/memory.hpp"
#include "tlm/common/trace.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <stdexcept>

#include "sim/numerics/ops.hpp"
#include "sim/numerics/quant.hpp"
#include "sim/numerics/sample.hpp"

namespace pnm::logic {

namespace {
namespace R = regs::vu;
using Op = R::op;
using Err = R::err;

constexpr const char* kOpNames[] = {"COPY", "RMSNORM", "QUANTIZE", "DEQUANT", "ROPE",
                                    "ATTENTION", "ADD", "SILU_MUL", "ARGMAX", "SAMPLE"};

class Refused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

uint64_t beats(uint64_t n, unsigned lanes) { return (n + lanes - 1) / lanes; }

uint32_t float_bits(float f) {
  uint32_t b = 0;
  std::memcpy(&b, &f, 4);
  return b;
}
float bits_float(uint32_t b) {
  float f = 0;
  std::memcpy(&f, &b, 4);
  return f;
}
}  // namespace

VuConfig load_vu_config(const ConfigReader& r) {
  VuConfig c;
  const Range<int64_t> cyc{0, 1 << 20};
  // A per-beat (or per-op) cost of 0 would make the op free: at least 1 cycle.
  const Range<int64_t> beat{1, 1 << 20};
  c.clk_period_ps = r.duration_ps_or("clk_period", c.clk_period_ps, {1, 1e9});
  c.lanes = static_cast<unsigned>(r.integer_or("lanes", c.lanes, {1, 4096}));
  c.op_overhead_cycles = static_cast<uint64_t>(r.integer_or("op_overhead_cycles", int64_t(c.op_overhead_cycles), cyc));
  c.cycles_per_beat = static_cast<uint64_t>(r.integer_or("cycles_per_beat", int64_t(c.cycles_per_beat), beat));
  c.exp_cycles_per_beat = static_cast<uint64_t>(r.integer_or("exp_cycles_per_beat", int64_t(c.exp_cycles_per_beat), beat));
  c.div_cycles_per_beat = static_cast<uint64_t>(r.integer_or("div_cycles_per_beat", int64_t(c.div_cycles_per_beat), beat));
  c.sincos_cycles_per_beat =
      static_cast<uint64_t>(r.integer_or("sincos_cycles_per_beat", int64_t(c.sincos_cycles_per_beat), beat));
  c.sqrt_cycles = static_cast<uint64_t>(r.integer_or("sqrt_cycles", int64_t(c.sqrt_cycles), beat));
  c.max_elements = static_cast<uint64_t>(
      r.integer_or("max_elements", int64_t(c.max_elements), {1, int64_t{1} << 30}));
  c.energy_pj_per_lane_cycle = r.real_or("energy_pj_per_lane_cycle", c.energy_pj_per_lane_cycle, {0, 1e6});
  c.use_dmi = r.boolean_or("use_dmi", c.use_dmi);
  r.finish();
  return c;
}

Err vu_check(const VuConfig& cfg, const VuOperands& o) {
  if (o.op >= VectorUnit::kOps) return Err::BAD_OP;
  const Op op = static_cast<Op>(o.op);
  if (op == Op::ATTENTION) {
    const uint64_t pos = o.arg[0], nh = o.arg[1], nkv = o.arg[2], hd = o.arg[3];
    if (nh == 0 || nkv == 0 || hd == 0 || nh % nkv != 0 || pos >= 0x7FFFFFFFu) return Err::BAD_ARG;
    const uint64_t kv_dim = nkv * hd;
    if (kv_dim > cfg.max_elements || (pos + 1) * kv_dim > cfg.max_elements || nh * hd > cfg.max_elements) return Err::BAD_ARG;
    return Err::NONE;
  }
  if (o.len == 0 || o.len > cfg.max_elements) return Err::BAD_LEN;
  if (op == Op::SAMPLE) {
    const float t = bits_float(o.farg), p = bits_float(o.arg[0]);
    if (!(t >= 0.0f) || !std::isfinite(t) || !std::isfinite(p) || o.arg[1] > 0xFFFFFFu) return Err::BAD_ARG;
  }
  if (op == Op::ROPE) {
    const uint64_t dim = o.len, kv_dim = o.arg[1], hd = o.arg[2];
    if (dim % 2 != 0) return Err::BAD_LEN;
    if (o.arg[0] > 0x7FFFFFFFu || hd == 0 || hd % 2 != 0 || dim % hd != 0 || kv_dim == 0 ||
        kv_dim > dim || kv_dim % hd != 0) {
      return Err::BAD_ARG;
    }
  }
  return Err::NONE;
}

namespace {
// The cycle count in 128 bits: 2 * T * beats * cycles_per_beat can pass 2^64
// for a long attention on one lane (vu_cycles saturates it).
unsigned __int128 vu_cycles_wide(const VuConfig& cfg, const VuOperands& o) {
  using W = unsigned __int128;
  const unsigned L = cfg.lanes;
  const W O = cfg.op_overhead_cycles, c = cfg.cycles_per_beat, e = cfg.exp_cycles_per_beat,
          d = cfg.div_cycles_per_beat, s = cfg.sincos_cycles_per_beat, q = cfg.sqrt_cycles;
  const uint64_t n = o.len;
  const W bn = beats(n, L);
  switch (static_cast<Op>(o.op)) {
    case Op::COPY:
    case Op::ADD:
    case Op::DEQUANT:
    case Op::ARGMAX:
      return O + bn * c;
    case Op::RMSNORM:
      return O + 2 * bn * c + q;
    case Op::QUANTIZE:
      return O + bn * c + bn * d;
    case Op::SILU_MUL:
      return O + bn * (e + d);
    case Op::ROPE:
      return O + beats(n / 2, L) * s + beats(n / 2, L) * c + beats(o.arg[1] / 2, L) * c;
    case Op::ATTENTION: {
      const uint64_t T = uint64_t{o.arg[0]} + 1, H = o.arg[1], hd = o.arg[3];
      // Lanes spread over all heads: scores and the weighted V sum are H * hd
      // MACs per position each; softmax is H * T elements.
      return O + q + 2 * T * beats(H * hd, L) * c + beats(H * T, L) * (c + e + 2 * d);
    }
    case Op::SAMPLE: {
      // Scale and softmax (max, exp, sum, divide), then a scan of the CDF; top-p
      // adds a sort, charged as n log2 n compares over the lanes.
      uint64_t lg = 0;
      while ((uint64_t{1} << lg) < n) ++lg;
      return O + bn * (2 * d + 3 * c + e) + bn * c + beats(n * lg, L) * c;
    }
  }
  return 0;
}
}  // namespace

uint64_t vu_cycles(const VuConfig& cfg, const VuOperands& o) {
  if (vu_check(cfg, o) != Err::NONE) return 0;
  const unsigned __int128 w = vu_cycles_wide(cfg, o);
  return w > ~uint64_t{0} ? ~uint64_t{0} : static_cast<uint64_t>(w);
}

VectorUnit::VectorUnit(sc_core::sc_module_name name, const VuConfig& cfg)
    : sc_module(name),
      tgt_socket("tgt_socket"),
      init_socket("init_socket"),
      idle_o("idle_o"),
      cfg_(cfg),
      regs_(std::string(this->name()) + ".regs", R::REGISTERS),
      clk_(static_cast<double>(cfg.clk_period_ps), sc_core::SC_PS) {
  const std::string me = this->name();
  if (cfg_.lanes == 0) throw std::invalid_argument(me + ": lanes = 0");
  if (cfg_.clk_period_ps == 0) throw std::invalid_argument(me + ": clk_period = 0");
  if (cfg_.cycles_per_beat == 0) throw std::invalid_argument(me + ": cycles_per_beat = 0");
  tgt_socket.register_b_transport(this, &VectorUnit::b_transport);
  tgt_socket.register_transport_dbg(this, &VectorUnit::transport_dbg);
  init_socket.register_invalidate_direct_mem_ptr(this, &VectorUnit::invalidate_direct_mem_ptr);
  wire_registers();
  idle_o.initialize(true);
  SC_HAS_PROCESS(VectorUnit);
  SC_THREAD(run);
  // idle_o has one driver, this method: START runs in the writer's process.
  SC_METHOD(drive_idle);
  sensitive << idle_ev_;
}

void VectorUnit::wire_registers() {
  regs_.on_write(R::CTRL::OFFSET, [this](uint32_t v) { start(v); });
  regs_.on_write(R::OP::OFFSET, [this](uint32_t v) { regs_.set(R::OP::OFFSET, regs::get<R::OP::VALUE>(v)); });
  regs_.on_read(R::STATUS::OFFSET, [this]() {
    return regs::set<R::STATUS::BUSY>(regs_.value(R::STATUS::OFFSET), busy_ ? 1 : 0);
  });
}

void VectorUnit::start(uint32_t ctrl) {
  if (!regs::get<R::CTRL::START>(ctrl)) return;
  if (busy_) throw Refused("START while busy");
  VuOperands o;
  auto addr = [this](uint32_t lo, uint32_t hi) {
    return uint64_t{regs_.value(lo)} | (uint64_t{regs_.value(hi)} << 32);
  };
  o.op = regs_.value(R::OP::OFFSET);
  o.src0 = addr(R::SRC0_LO::OFFSET, R::SRC0_HI::OFFSET);
  o.src1 = addr(R::SRC1_LO::OFFSET, R::SRC1_HI::OFFSET);
  o.src2 = addr(R::SRC2_LO::OFFSET, R::SRC2_HI::OFFSET);
  o.dst = addr(R::DST_LO::OFFSET, R::DST_HI::OFFSET);
  o.len = regs_.value(R::LEN::OFFSET);
  o.arg = {regs_.value(R::ARG0::OFFSET), regs_.value(R::ARG1::OFFSET), regs_.value(R::ARG2::OFFSET),
           regs_.value(R::ARG3::OFFSET)};
  o.farg = regs_.value(R::FARG::OFFSET);
  const Err e = vu_check(cfg_, o);
  if (e != Err::NONE) {
    ++rejected_;
    if (o.op < kOps) ++stats_[o.op].errors;
    uint32_t st = regs::set<R::STATUS::DONE>(0, 1);
    st = regs::set<R::STATUS::ERROR>(st, 1);
    st = regs::set<R::STATUS::ERR_CODE>(st, static_cast<uint32_t>(e));
    regs_.set(R::STATUS::OFFSET, st);
    regs_.set(R::CYCLES::OFFSET, 0);
    return;
  }
  // Simulated time is a 64-bit count of the time resolution; an op that would
  // end past it would wrap silently (issue 15: a 1 ms clock on one lane).
  // The memory stream's time is bounded by the operand bytes; the lanes' is
  // cycles x clock period, from config.
  const sc_core::sc_time now = sc_core::sc_time_stamp() + (delay_ != nullptr ? *delay_ : sc_core::SC_ZERO_TIME);
  const long double res_ps = sc_core::sc_get_time_resolution().to_seconds() * 1e12L;
  // sc_time arithmetic through double (clock x cycles) saturates at 2^63 steps.
  const long double max_ps = static_cast<long double>(uint64_t{1} << 63) * res_ps;
  const long double now_ps = static_cast<long double>(now.value()) * res_ps;
  const uint64_t cycles = vu_cycles(cfg_, o);
  const long double op_ps = static_cast<long double>(cycles) * static_cast<long double>(cfg_.clk_period_ps);
  if (now_ps + op_ps >= max_ps) {
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "%s (vector unit): simulated time overflow: op %s at %.6Lg ps takes %llu cycles x %llu ps = "
                  "%.6Lg ps, past the largest simulated time %.6Lg ps (2^63 time steps); lower "
                  "logic.vector_unit.clk_period, cycles_per_beat or raise lanes",
                  name(), o.op < kOps ? kOpNames[o.op] : "?", now_ps, static_cast<unsigned long long>(cycles),
                  static_cast<unsigned long long>(cfg_.clk_period_ps), op_ps, max_ps);
    throw SimulationError(buf);
  }
  pending_ = o;
  busy_ = true;
  regs_.set(R::STATUS::OFFSET, 0);
  const sc_core::sc_time at = delay_ != nullptr ? *delay_ : sc_core::SC_ZERO_TIME;
  start_ev_.notify(at);
  idle_ev_.notify(at);
}

void VectorUnit::run() {
  for (;;) {
    sc_core::wait(start_ev_);
    const sc_core::sc_time t0 = sc_core::sc_time_stamp();
    qk_.reset();
    const VuOperands o = pending_;
    uint32_t result = 0;
    op_bytes_ = 0;
    const Err e = execute(o, result);
    const uint64_t cycles = vu_cycles(cfg_, o);
    VuOpStats& s = stats_[o.op];
    ++s.count;
    if (e == Err::NONE) {
      // Lanes and memory stream in parallel: the slower of the two binds.
      const double stream_ps = static_cast<double>(op_bytes_) * 1000.0 / cfg_.mem_bw_gbps;
      const double compute_ps = static_cast<double>(cycles) * static_cast<double>(cfg_.clk_period_ps);
      if (compute_ps >= stream_ps) {
        qk_.inc(clk_ * static_cast<double>(cycles));
      } else {
        const uint64_t t = static_cast<uint64_t>(std::ceil(stream_ps));
        qk_.inc(pnm::ps_time(t));
        stream_bound_ps_ += t - static_cast<uint64_t>(compute_ps);
      }
      s.cycles += cycles;
      s.elements += static_cast<Op>(o.op) == Op::ATTENTION ? uint64_t{o.arg[1]} * o.arg[3] : o.len;
      energy_pj_ += static_cast<double>(cycles - cfg_.op_overhead_cycles) * cfg_.lanes *
                    cfg_.energy_pj_per_lane_cycle;
    } else {
      ++s.errors;
    }
    qk_.sync();
    if (auto* t = trace::active()) {
      t->complete("vu", kOpNames[o.op], t->track("vector unit", 0), to_ps(t0), to_ps(sc_core::sc_time_stamp() - t0),
                  "{\"len\": " + std::to_string(o.len) + ", \"cycles\": " + std::to_string(cycles) + "}");
    }
    uint32_t st = regs::set<R::STATUS::DONE>(0, 1);
    if (e != Err::NONE) {
      st = regs::set<R::STATUS::ERROR>(st, 1);
      st = regs::set<R::STATUS::ERR_CODE>(st, static_cast<uint32_t>(e));
    }
    regs_.set(R::STATUS::OFFSET, st);
    regs_.set(R::RESULT::OFFSET, result);
    regs_.set(R::CYCLES::OFFSET, e == Err::NONE ? static_cast<uint32_t>(std::min<uint64_t>(cycles, 0xFFFFFFFFu)) : 0);
    busy_time_ += sc_core::sc_time_stamp() - t0;
    busy_ = false;
    idle_ev_.notify(sc_core::SC_ZERO_TIME);
  }
}

void VectorUnit::drive_idle() { idle_o.write(!busy_); }

// A timing-only chip: every operand stream of the op, in execute()'s order,
// without values (logic memory is charged, not touched; other targets get
// zeros). RESULT stays 0.
Err VectorUnit::execute_timing(const VuOperands& o) {
  const uint64_t n = o.len;
  struct Stream {
    uint64_t addr, bytes;
    bool write;
  };
  std::array<Stream, 4> st{};
  size_t k = 0;
  const auto add = [&](uint64_t addr, uint64_t bytes, bool write) { st[k++] = Stream{addr, bytes, write}; };
  switch (static_cast<Op>(o.op)) {
    case Op::COPY: add(o.src0, 4 * n, false), add(o.dst, 4 * n, true); break;
    case Op::QUANTIZE: add(o.src0, 4 * n, false), add(o.dst, n, true); break;
    case Op::RMSNORM:
    case Op::DEQUANT:
    case Op::ADD:
    case Op::SILU_MUL: add(o.src0, 4 * n, false), add(o.src1, 4 * n, false), add(o.dst, 4 * n, true); break;
    case Op::ROPE: {
      const uint64_t kv = 4 * uint64_t{o.arg[1]};
      add(o.dst, 4 * n, false), add(o.src0, kv, false), add(o.dst, 4 * n, true), add(o.src0, kv, true);
      break;
    }
    case Op::ATTENTION: {
      const uint64_t dim = 4 * uint64_t{o.arg[1]} * o.arg[3];
      const uint64_t cache = 4 * (uint64_t{o.arg[0]} + 1) * o.arg[2] * o.arg[3];
      add(o.src0, dim, false), add(o.src1, cache, false), add(o.src2, cache, false), add(o.dst, dim, true);
      break;
    }
    case Op::ARGMAX:
    case Op::SAMPLE: add(o.src0, 4 * n, false); break;
  }
  for (size_t i = 0; i < k; ++i) {
    const Stream& s = st[i];
    bool ok = false;
    constexpr uint64_t base = regs::addr::LOGIC_MEM_BASE;
    if (s.addr >= base && s.addr - base < regs::addr::LOGIC_MEM_SIZE) {
      ok = charge_only(s.addr, s.bytes);
    } else if (s.write) {
      if (zeros_.size() < s.bytes) zeros_.resize(s.bytes, 0);
      ok = mem_access(tlm::TLM_WRITE_COMMAND, s.addr, zeros_.data(), s.bytes, /*zeros=*/true);
    } else {
      if (sink_.size() < s.bytes) sink_.resize(s.bytes);
      ok = mem_read(s.addr, sink_.data(), s.bytes);
    }
    if (!ok) return Err::ADDRESS;
  }
  return Err::NONE;
}

Err VectorUnit::execute(const VuOperands& o, uint32_t& result) {
  if (!cfg_.functional) return execute_timing(o);
  const uint64_t n = o.len;
  std::vector<float> a, b, c, out;
  switch (static_cast<Op>(o.op)) {
    case Op::COPY: {
      std::vector<uint32_t> w;
      if (!read_vec(o.src0, w, n) || !mem_write(o.dst, w.data(), n * 4)) return Err::ADDRESS;
      return Err::NONE;
    }
    case Op::RMSNORM:
      if (!read_vec(o.src0, a, n) || !read_vec(o.src1, b, n)) return Err::ADDRESS;
      out.resize(n);
      numerics::rmsnorm(out.data(), a.data(), b.data(), static_cast<int32_t>(n));
      break;
    case Op::QUANTIZE: {
      if (!read_vec(o.src0, a, n)) return Err::ADDRESS;
      std::vector<int8_t> q(n);
      const float scale = numerics::quantize_vector(a.data(), static_cast<int64_t>(n), q.data());
      if (!mem_write(o.dst, q.data(), n)) return Err::ADDRESS;
      result = float_bits(scale);
      return Err::NONE;
    }
    case Op::DEQUANT: {
      std::vector<int32_t> acc;
      if (!read_vec(o.src0, acc, n) || !read_vec(o.src1, b, n)) return Err::ADDRESS;
      const float x_scale = bits_float(o.farg);
      out.resize(n);
      numerics::dequantize(out.data(), acc.data(), b.data(), x_scale, static_cast<int32_t>(n));
      break;
    }
    case Op::ROPE: {
      const uint64_t kv_dim = o.arg[1];
      if (!read_vec(o.dst, a, n) || !read_vec(o.src0, b, kv_dim)) return Err::ADDRESS;
      // The reference reads k[i], k[i+1] only for i < kv_dim.
      numerics::rope(a.data(), b.data(), static_cast<int32_t>(o.arg[0]), static_cast<int32_t>(n),
                  static_cast<int32_t>(kv_dim), static_cast<int32_t>(o.arg[2]));
      if (!mem_write(o.dst, a.data(), n * 4) || !mem_write(o.src0, b.data(), kv_dim * 4)) {
        return Err::ADDRESS;
      }
      return Err::NONE;
    }
    case Op::ATTENTION: {
      const int32_t pos = static_cast<int32_t>(o.arg[0]), nh = static_cast<int32_t>(o.arg[1]),
                    nkv = static_cast<int32_t>(o.arg[2]), hd = static_cast<int32_t>(o.arg[3]);
      const uint64_t dim = uint64_t(nh) * uint64_t(hd);
      const uint64_t cache = (uint64_t(pos) + 1) * uint64_t(nkv) * uint64_t(hd);
      if (!read_vec(o.src0, a, dim) || !read_vec(o.src1, b, cache) || !read_vec(o.src2, c, cache)) {
        return Err::ADDRESS;
      }
      out.resize(dim);
      std::vector<float> att(size_t(pos) + 1);
      numerics::attention(out.data(), a.data(), b.data(), c.data(), att.data(), pos, nh, nkv, hd);
      break;
    }
    case Op::ADD:
      if (!read_vec(o.src0, a, n) || !read_vec(o.src1, b, n)) return Err::ADDRESS;
      out.resize(n);
      numerics::add(out.data(), a.data(), b.data(), static_cast<int32_t>(n));
      break;
    case Op::SILU_MUL:
      if (!read_vec(o.src0, a, n) || !read_vec(o.src1, b, n)) return Err::ADDRESS;
      out.resize(n);
      for (uint64_t i = 0; i < n; ++i) out[i] = numerics::silu_mul(a[i], b[i]);
      break;
    case Op::ARGMAX:
      if (!read_vec(o.src0, a, n)) return Err::ADDRESS;
      result = static_cast<uint32_t>(numerics::argmax(a.data(), static_cast<int32_t>(n)));
      return Err::NONE;
    case Op::SAMPLE: {
      if (!read_vec(o.src0, a, n)) return Err::ADDRESS;
      std::vector<int32_t> order;
      result = static_cast<uint32_t>(numerics::sample_with_coin(a.data(), static_cast<int32_t>(n), bits_float(o.farg),
                                                             bits_float(o.arg[0]), o.arg[1], b, order));
      return Err::NONE;
    }
  }
  if (!mem_write(o.dst, out.data(), out.size() * 4)) return Err::ADDRESS;
  return Err::NONE;
}

bool VectorUnit::mem_read(uint64_t addr, void* dst, uint64_t len) {
  return mem_access(tlm::TLM_READ_COMMAND, addr, static_cast<unsigned char*>(dst), len);
}

bool VectorUnit::mem_write(uint64_t addr, const void* src, uint64_t len) {
  return mem_access(tlm::TLM_WRITE_COMMAND, addr,
                    const_cast<unsigned char*>(static_cast<const unsigned char*>(src)), len);
}

// Timing-only access to logic memory: the latency the DMI path would add
// (one per memory block touched) and the bytes, no data.
bool VectorUnit::charge_only(uint64_t addr, uint64_t len) {
  constexpr uint64_t base = regs::addr::LOGIC_MEM_BASE, size = regs::addr::LOGIC_MEM_SIZE;
  if (addr < base || addr - base > size || len > size - (addr - base)) return false;
  if (len == 0) return true;
  const uint64_t first = (addr - base) / Memory::kBlockBytes, last = (addr - base + len - 1) / Memory::kBlockBytes;
  qk_.inc(pnm::ps_time(cfg_.mem_latency_ps * (last - first + 1)));
  dmi_bytes_ += len;
  op_bytes_ += len;
  if (qk_.need_sync()) qk_.sync();
  return true;
}

bool VectorUnit::mem_access(tlm::tlm_command cmd, uint64_t addr, unsigned char* data, uint64_t len, bool zeros) {
  const bool rd = cmd == tlm::TLM_READ_COMMAND;
  while (len > 0) {
    if (cfg_.use_dmi) {
      const tlm::tlm_dmi* hit = nullptr;
      auto it = dmi_.upper_bound(addr);
      if (it != dmi_.begin()) {
        const tlm::tlm_dmi& d = std::prev(it)->second;
        if (addr <= d.get_end_address() && (rd ? d.is_read_allowed() : d.is_write_allowed())) hit = &d;
      }
      if (hit == nullptr) {
        tlm::tlm_generic_payload p;
        p.set_command(cmd);
        p.set_address(addr);
        tlm::tlm_dmi d;
        if (init_socket->get_direct_mem_ptr(p, d) && addr >= d.get_start_address() &&
            addr <= d.get_end_address() && (rd ? d.is_read_allowed() : d.is_write_allowed())) {
          // A new grant replaces any older one that overlaps it.
          invalidate_direct_mem_ptr(d.get_start_address(), d.get_end_address());
          hit = &(dmi_[d.get_start_address()] = d);
        }
      }
      if (hit != nullptr) {
        const uint64_t off = addr - hit->get_start_address();
        const uint64_t n = std::min<uint64_t>(len, hit->get_end_address() - addr + 1);
        unsigned char* mem = hit->get_dmi_ptr() + off;
        if (rd) {
          std::memcpy(data, mem, n);
          qk_.inc(hit->get_read_latency());
        } else {
          std::memcpy(mem, data, n);
          qk_.inc(hit->get_write_latency());
        }
        // DMI bypasses the memory's own counters; the report charges these
        // bytes at the memory's energy per bit.
        dmi_bytes_ += n;
        op_bytes_ += n;
        addr += n;
        data += n;
        len -= n;
        if (qk_.need_sync()) qk_.sync();
        continue;
      }
    }
    // No DMI: one b_transport for the rest (the interconnect rejects an
    // access that leaves its window).
    if (len > 0xFFFFFFFFu) return false;
    tlm::tlm_generic_payload p;
    p.set_command(cmd);
    p.set_address(addr);
    p.set_data_ptr(data);
    p.set_data_length(static_cast<unsigned>(len));
    p.set_streaming_width(static_cast<unsigned>(len));
    p.set_byte_enable_ptr(nullptr);
    p.set_dmi_allowed(false);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    pnm::ZeroDataExtension zero_data;
    if (zeros) p.set_extension(&zero_data);
    sc_core::sc_time delay = qk_.get_local_time();
    init_socket->b_transport(p, delay);
    // Not left for the payload's destructor, which would delete it.
    if (zeros) p.clear_extension(&zero_data);
    qk_.set(delay);
    if (qk_.need_sync()) qk_.sync();
    return p.get_response_status() == tlm::TLM_OK_RESPONSE;
  }
  return true;
}

void VectorUnit::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
  for (auto it = dmi_.begin(); it != dmi_.end();) {
    if (it->second.get_start_address() <= end && it->second.get_end_address() >= start) {
      it = dmi_.erase(it);
    } else {
      ++it;
    }
  }
}

void VectorUnit::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  delay_ = &delay;
  regs_.transport(p);
  delay_ = nullptr;
  delay += clk_;
}

unsigned VectorUnit::transport_dbg(tlm::tlm_generic_payload& p) { return regs_.debug(p); }

void VectorUnit::report(Stats& s, const std::string& prefix) const {
  for (std::size_t i = 0; i < kOps; ++i) {
    const std::string n = prefix + ".op." + kOpNames[i];
    s.set(n + ".count", stats_[i].count, "ops");
    s.set(n + ".cycles", stats_[i].cycles, "cycles");
    s.set(n + ".elements", stats_[i].elements, "elements");
    s.set(n + ".errors", stats_[i].errors, "ops");
  }
  s.set(prefix + ".rejected", rejected_, "ops", "refused at START (BAD_OP/LEN/ARG)");
  s.set(prefix + ".energy", energy_pj_, "pJ", "(cycles - overhead) * lanes * energy_pj_per_lane_cycle");
  s.set(prefix + ".dmi_bytes", dmi_bytes_, "B", "operand bytes moved by DMI (not in the memory's stats)");
  s.set(prefix + ".busy_time", to_ps(busy_time_), "ps");
  s.set(prefix + ".stream_bound_time", stream_bound_ps_, "ps",
        "busy time beyond the lanes' cycles: operand bytes / memory bandwidth bound the op (KV traffic)");
}

}  // namespace pnm::logic
