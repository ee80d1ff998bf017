// Vector unit on the logic die (regmap block `vu`): the fp32 operations of the
// decode step over chip memory. The arithmetic is the reference model's: each
// op calls the numerics library (sim/numerics: ops, quant, sample) on operands it reads
// through init_socket, and writes the results back the same way.
//
// Programming: write OP, SRC*/DST (64-bit chip addresses as LO/HI), LEN,
// ARG0..3, FARG, then CTRL.START. START latches the operands, checks them,
// and either
//   - rejects them at once: STATUS = DONE | ERROR | ERR_CODE (BAD_OP, BAD_LEN,
//     BAD_ARG), CYCLES = 0, no memory access, idle_o stays high; or
//   - starts the op: STATUS = BUSY at once; idle_o goes low at the writer's
//     local time (sc_time_stamp() + annotated delay; visible one delta later,
//     like any signal), when an SC_THREAD starts performing the op; it then sets
//     STATUS = DONE (| ERROR | ERR_CODE ADDRESS if a memory access was not
//     OK: the op stops at the first failing access), RESULT, CYCLES, and
//     idle_o high.
// A START while BUSY answers TLM_GENERIC_ERROR_RESPONSE and changes nothing.
// Operand registers may be rewritten while BUSY (they were latched).
//
// Ops (n = LEN; element = fp32 unless said otherwise):
//   COPY      DST[0..n) = SRC0[0..n), n 32-bit words
//   RMSNORM   DST = rmsnorm(SRC0, weights SRC1, n)
//   QUANTIZE  DST (n int8 bytes) = quantize_vector(SRC0, n); RESULT = scale bits
//   DEQUANT   DST[r] = float(int32 SRC0[r]) * (SRC1[r] * FARG)   (ReferenceDecoder::gemv)
//   ROPE      rope(q = DST (n = dim floats), k = SRC0 (ARG1 = kv_dim floats),
//             pos = ARG0, head_dim = ARG2), both in place
//   ATTENTION DST (n_heads*head_dim) = attention(q = SRC0, k cache = SRC1,
//             v cache = SRC2, pos = ARG0, n_heads = ARG1, n_kv_heads = ARG2,
//             head_dim = ARG3); caches are the layer's base, row stride
//             kv_dim = n_kv_heads*head_dim, rows 0..pos are read. LEN is ignored.
//   ADD       DST = SRC0 + SRC1
//   SILU_MUL  DST[i] = silu_mul(SRC0[i], SRC1[i])
//   ARGMAX    RESULT = argmax(SRC0, n)
//   SAMPLE    RESULT = sample_with_coin(logits SRC0, n, temperature = FARG,
//             top_p = ARG0 as fp32 bits, coin24 = ARG1)  (sim/model/sampler.hpp)
// Checks (BAD_OP: OP > SAMPLE; BAD_LEN: n = 0 or n > max_elements for every op
// but ATTENTION, ROPE dim odd; BAD_ARG: ROPE head_dim = 0 or odd, dim %
// head_dim != 0, kv_dim = 0, kv_dim > dim or kv_dim % head_dim != 0;
// ATTENTION n_heads, n_kv_heads or head_dim = 0, n_heads % n_kv_heads != 0,
// pos >= 2^31 - 1, (pos+1) * kv_dim > max_elements or n_heads * head_dim >
// max_elements; kv_dim = n_kv_heads * head_dim; SAMPLE temperature < 0 or not
// finite, top_p not finite, coin24 >= 2^24).
//
// Cycle cost (CYCLES). With L = lanes, B(x) = ceil(x / L) (beats), O =
// op_overhead_cycles, c = cycles_per_beat, e = exp_cycles_per_beat,
// d = div_cycles_per_beat, s = sincos_cycles_per_beat, q = sqrt_cycles:
//   COPY, ADD, DEQUANT, ARGMAX   O + B(n)*c
//   RMSNORM                      O + 2*B(n)*c + q        (sum of squares; scale)
//   QUANTIZE                     O + B(n)*c + B(n)*d     (max |x|; divide/round)
//   SILU_MUL                     O + B(n)*(e + d)
//   ROPE                         O + B(dim/2)*s + B(dim/2)*c + B(kv_dim/2)*c
//   ATTENTION (T = pos + 1, H heads; the lanes spread over all heads)
//                                O + q + 2*T*B(H*head_dim)*c + B(H*T)*(c + e + 2*d)
//   SAMPLE (lg = ceil(log2 n))   O + B(n)*(2*d + 3*c + e) + B(n)*c + B(n*lg)*c
//                                (scale, softmax, CDF scan; top-p sort as n*lg compares)
// Time of an op = the memory accesses' latency (operands are read first, in
// SRC0, SRC1, SRC2 order, then the results written), each costing the
// annotated b_transport delay, or the DMI read/write latency per DMI region
// touched; plus max(CYCLES * clk_period, operand bytes / mem_bw_gbps): the
// lanes and the memory stream in parallel, and the slower binds (an
// ATTENTION over a long context reads its K/V rows at the memory's
// bandwidth). A quantum keeper (the global quantum) decouples the thread.
// DMI is used when the target grants it (use_dmi: true): on that path the
// memory's bandwidth serialisation is not modelled (the VU's lanes bound the
// rate instead).
// An op that fails on a memory access costs only the accesses made so far
// and reports CYCLES = 0.
// Energy: (CYCLES - O) * lanes * energy_pj_per_lane_cycle.
// Register accesses cost one clock period.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "tlm/common/config.hpp"
#include "tlm/common/pnm_regs.hpp"
#include "tlm/common/register_bank.hpp"
#include "tlm/common/stats.hpp"

namespace pnm::logic {

struct VuConfig {
  uint64_t clk_period_ps = 1000;          // key clk_period_<unit>
  unsigned lanes = 64;                    // key lanes: fp32 elements per beat (cycle)
  uint64_t op_overhead_cycles = 16;       // key op_overhead_cycles: decode, address setup, drain
  uint64_t cycles_per_beat = 1;           // key cycles_per_beat: add/mul/compare/convert pass (1 .. 2^20)
  uint64_t exp_cycles_per_beat = 4;       // key exp_cycles_per_beat: expf over one beat (1 .. 2^20)
  uint64_t div_cycles_per_beat = 4;       // key div_cycles_per_beat: fp32 divide over one beat (1 .. 2^20)
  uint64_t sincos_cycles_per_beat = 8;    // key sincos_cycles_per_beat: powf+sinf+cosf per beat of pairs (1 .. 2^20)
  uint64_t sqrt_cycles = 8;               // key sqrt_cycles: one scalar sqrt + reciprocal (1 .. 2^20)
  uint64_t max_elements = uint64_t{1} << 28;  // key max_elements: largest operand in elements
  double energy_pj_per_lane_cycle = 4.6;  // key energy_pj_per_lane_cycle
  bool use_dmi = true;                    // key use_dmi

  // Run-time, set by the chip from the blocks it wires up (not YAML keys):
  // false on a timing-only chip: no operand value is read, computed or written
  // in logic memory; each operand stream costs what the DMI path would charge
  // (mem_latency_ps per 1 MiB memory block touched). Writes elsewhere (QUANTIZE
  // into the PNM units' SRAM) still travel, carrying zeros.
  bool functional = true;
  uint64_t mem_latency_ps = 51'000;  // logic.memory.t_access + noc.hop_latency (a DMI access)
  double mem_bw_gbps = 1638.4;       // logic.memory.bw_gbps: streams share it
};

// Every key optional (defaults above); rejects unknown keys.
VuConfig load_vu_config(const ConfigReader& r);

// The operands of one op, as latched at START.
struct VuOperands {
  uint32_t op = 0;
  uint64_t src0 = 0, src1 = 0, src2 = 0, dst = 0;
  uint32_t len = 0;
  std::array<uint32_t, 4> arg{};
  uint32_t farg = 0;
};

// The cost model above (pure; for tests and the firmware's estimates).
// Returns 0 for an op that fails the checks.
uint64_t vu_cycles(const VuConfig& cfg, const VuOperands& o);
// The START checks above: regs::vu::err::NONE when the op may run.
regs::vu::err vu_check(const VuConfig& cfg, const VuOperands& o);

struct VuOpStats {
  uint64_t count = 0;
  uint64_t cycles = 0;
  uint64_t elements = 0;
  uint64_t errors = 0;
};

class VectorUnit : public sc_core::sc_module {
 public:
  static constexpr std::size_t kOps = static_cast<std::size_t>(regs::vu::op::SAMPLE) + 1;

  tlm_utils::simple_target_socket<VectorUnit> tgt_socket;     // registers (regs::vu)
  tlm_utils::simple_initiator_socket<VectorUnit> init_socket; // operands, chip addresses
  sc_core::sc_out<bool> idle_o;                               // high when not busy

  // Throws std::invalid_argument for lanes = 0 or clk_period 0.
  VectorUnit(sc_core::sc_module_name name, const VuConfig& cfg);
  VectorUnit(const VectorUnit&) = delete;
  VectorUnit& operator=(const VectorUnit&) = delete;

  const VuConfig& config() const { return cfg_; }
  bool busy() const { return busy_; }
  const VuOpStats& op_stats(regs::vu::op op) const { return stats_.at(static_cast<std::size_t>(op)); }
  double energy_pj() const { return energy_pj_; }
  // <prefix>.<OP>.{count, cycles, elements, errors}, <prefix>.energy,
  // <prefix>.busy_time, <prefix>.rejected
  void report(Stats& s, const std::string& prefix) const;

 private:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& p);
  void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);
  void wire_registers();
  void start(uint32_t ctrl);
  void run();
  void drive_idle();
  // Executes one op; returns the error code (NONE on success).
  regs::vu::err execute(const VuOperands& o, uint32_t& result);
  regs::vu::err execute_timing(const VuOperands& o);
  bool mem_read(uint64_t addr, void* dst, uint64_t len);
  bool mem_write(uint64_t addr, const void* src, uint64_t len);
  // `zeros`: a write of zero bytes, marked so (pnm::ZeroDataExtension) on
  // the bus.
  bool mem_access(tlm::tlm_command cmd, uint64_t addr, unsigned char* data, uint64_t len, bool zeros = false);
  template <class T>
  bool read_vec(uint64_t addr, std::vector<T>& v, uint64_t n) {
    v.resize(n);
    return mem_read(addr, v.data(), n * sizeof(T));
  }

  VuConfig cfg_;
  RegisterBank regs_;
  sc_core::sc_time clk_;
  sc_core::sc_event start_ev_;
  sc_core::sc_event idle_ev_;          // busy_ changed: drive_idle() updates idle_o
  sc_core::sc_time* delay_ = nullptr;  // delay of the payload being served
  bool busy_ = false;
  VuOperands pending_;
  tlm_utils::tlm_quantumkeeper qk_;
  std::map<uint64_t, tlm::tlm_dmi> dmi_;  // granted regions by start address (chip addresses)
  std::array<VuOpStats, kOps> stats_{};
  uint64_t rejected_ = 0;
  double energy_pj_ = 0;
  uint64_t dmi_bytes_ = 0;  // operand bytes moved by DMI
  uint64_t op_bytes_ = 0;   // operand bytes of the op running (DMI or charged)
  uint64_t stream_bound_ps_ = 0;  // time the memory, not the lanes, bound an op
  bool charge_only(uint64_t addr, uint64_t len);
  sc_core::sc_time busy_time_;
  // Timing-only streams outside logic memory: the zeros a write carries
  // (never written into, so it stays zero) and a sink for reads. Kept
  // across ops: a decode broadcast's allocation and clearing per op showed
  // in its profile.
  std::vector<unsigned char> zeros_, sink_;
};

}  // namespace pnm::logic
