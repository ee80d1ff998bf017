// Vector unit: every op bit-exact against the sim/model reference functions
// on random vectors (ROPE and ATTENTION on a GQA shape), CYCLES of every op
// for concrete operand sizes (hand-computed literals) and ATTENTION's linear
// growth in the context length, op timing with and without DMI, bad op/len/args, memory errors,
// START while busy, idle_o, stats.
//
// Bench: driver -> noc; VU init_socket -> noc; noc routes VU regs, LOGIC_MEM
// (a real logic::Memory) and two PNM windows (recording targets, for the
// QUANTIZE broadcast).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "sim/model/numerics.hpp"
#include "sim/model/sampler.hpp"
#include "sim/model/quant.hpp"
#include "tests/common/test_seed.hpp"
#include "tests/noc/test_targets.hpp"
#include "tlm/common/pnm_regs.hpp"
#include "tlm/logic/memory.hpp"
#include "tlm/logic/vector_unit.hpp"
#include "tlm/noc/interconnect.hpp"

namespace {

using pnm::logic::Memory;
using pnm::logic::MemoryConfig;
using pnm::logic::VectorUnit;
using pnm::logic::VuConfig;
using pnm::test::RecordingTarget;
using pnm::test::Runner;
using pnm::test::ps;
using sc_core::sc_time;
using sc_core::SC_PS;
namespace V = pnm::regs::vu;
namespace A = pnm::regs::addr;
using Op = V::op;
using Err = V::err;

constexpr uint64_t kHopPs = 1000;
constexpr uint64_t kMem = A::LOGIC_MEM_BASE;
constexpr uint64_t kVu = A::VU_BASE;

VuConfig vu_cfg(bool dmi = true) {
  VuConfig c;
  c.clk_period_ps = 1000;
  c.lanes = 8;
  c.op_overhead_cycles = 5;
  c.cycles_per_beat = 2;
  c.exp_cycles_per_beat = 3;
  c.div_cycles_per_beat = 4;
  c.sincos_cycles_per_beat = 6;
  c.sqrt_cycles = 7;
  c.max_elements = 1 << 20;
  c.energy_pj_per_lane_cycle = 1.5;
  c.use_dmi = dmi;
  return c;
}

MemoryConfig mem_cfg() {
  MemoryConfig c;
  c.size_bytes = A::LOGIC_MEM_SIZE;
  c.t_access_ps = 20'000;
  c.bw_gbps = 64.0;
  c.energy_pj_per_bit = 1.0;
  return c;
}

struct Op_ {
  Op op;
  uint64_t src0 = 0, src1 = 0, src2 = 0, dst = 0;
  uint32_t len = 0;
  uint32_t arg[4] = {0, 0, 0, 0};
  float farg = 0;
};

struct Bench {
  std::unique_ptr<pnm::noc::Interconnect> noc;
  std::unique_ptr<Memory> mem;
  std::unique_ptr<VectorUnit> vu;
  std::unique_ptr<RecordingTarget> pnm0, pnm1;
  sc_core::sc_signal<bool> idle{"idle"};
  std::unique_ptr<Runner> r;
  VuConfig cfg;

  Bench(std::function<void(Bench&, Runner&)> body, VuConfig c = vu_cfg()) : cfg(c) {
    noc = std::make_unique<pnm::noc::Interconnect>("noc", pnm::noc::NocConfig{kHopPs}, 2);
    mem = std::make_unique<Memory>("mem", mem_cfg());
    vu = std::make_unique<VectorUnit>("vu", cfg);
    pnm0 = std::make_unique<RecordingTarget>("pnm0", 300);
    pnm1 = std::make_unique<RecordingTarget>("pnm1", 500);
    r = std::make_unique<Runner>("r", [this, body](Runner& me) { body(*this, me); });
    noc->bind("VU", 0, vu->tgt_socket);
    noc->bind("LOGIC_MEM", 0, mem->tgt_socket);
    noc->bind("PNM", 0, pnm0->socket);
    noc->bind("PNM", 1, pnm1->socket);
    vu->init_socket.bind(noc->tgt_socket);
    r->socket.bind(noc->tgt_socket);
    vu->idle_o(idle);
  }

  // Backdoor helpers (no time).
  template <class T>
  void put(uint64_t addr, const std::vector<T>& v) {
    ASSERT_TRUE(mem->poke(addr - kMem, v.data(), v.size() * sizeof(T)));
  }
  template <class T>
  std::vector<T> get(uint64_t addr, size_t n) {
    std::vector<T> v(n);
    EXPECT_TRUE(mem->peek(addr - kMem, v.data(), n * sizeof(T)));
    return v;
  }

  // Programs the registers and writes CTRL.START; returns START's status.
  tlm::tlm_response_status start(Runner& me, const Op_& o) {
    auto w = [&](uint32_t off, uint32_t v) { EXPECT_EQ(me.write32(kVu + off, v), tlm::TLM_OK_RESPONSE); };
    w(V::OP::OFFSET, uint32_t(o.op));
    w(V::SRC0_LO::OFFSET, uint32_t(o.src0));
    w(V::SRC0_HI::OFFSET, uint32_t(o.src0 >> 32));
    w(V::SRC1_LO::OFFSET, uint32_t(o.src1));
    w(V::SRC1_HI::OFFSET, uint32_t(o.src1 >> 32));
    w(V::SRC2_LO::OFFSET, uint32_t(o.src2));
    w(V::SRC2_HI::OFFSET, uint32_t(o.src2 >> 32));
    w(V::DST_LO::OFFSET, uint32_t(o.dst));
    w(V::DST_HI::OFFSET, uint32_t(o.dst >> 32));
    w(V::LEN::OFFSET, o.len);
    for (int i = 0; i < 4; ++i) w(V::ARG0::OFFSET + 4 * i, o.arg[i]);
    uint32_t fb;
    std::memcpy(&fb, &o.farg, 4);
    w(V::FARG::OFFSET, fb);
    return me.write32(kVu + V::CTRL::OFFSET, V::CTRL::START::MASK);
  }
  // START, wait for idle_o to rise if the op started; returns STATUS.
  uint32_t run(Runner& me, const Op_& o) {
    EXPECT_EQ(start(me, o), tlm::TLM_OK_RESPONSE);
    uint32_t st = me.read32(kVu + V::STATUS::OFFSET);
    if (st & V::STATUS::BUSY::MASK) {
      // idle_o falls when START reaches the VU (after the hop), rises when done.
      EXPECT_TRUE(idle.read());
      sc_core::wait(idle.negedge_event());
      sc_core::wait(idle.posedge_event());
      st = me.read32(kVu + V::STATUS::OFFSET);
    }
    return st;
  }
  uint32_t reg(Runner& me, uint32_t off) { return me.read32(kVu + off); }
};

uint32_t ok_status() { return V::STATUS::DONE::MASK; }
uint32_t err_status(Err e) {
  return V::STATUS::DONE::MASK | V::STATUS::ERROR::MASK |
         pnm::regs::set<V::STATUS::ERR_CODE>(0, uint32_t(e));
}

std::vector<float> randv(std::mt19937_64& rng, size_t n, float lo = -2.f, float hi = 2.f) {
  std::uniform_real_distribution<float> u(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = u(rng);
  return v;
}

// Bitwise float comparison (NaN-safe, -0 vs +0 distinguished).
void expect_bits(const std::vector<float>& got, const std::vector<float>& want, const char* what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  size_t bad = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    uint32_t a, b;
    std::memcpy(&a, &got[i], 4);
    std::memcpy(&b, &want[i], 4);
    if (a != b && bad++ < 5) ADD_FAILURE() << what << "[" << i << "]: " << got[i] << " != " << want[i];
  }
  EXPECT_EQ(bad, 0u) << what;
}

TEST(VectorUnit, ElementwiseOpsAreBitExactAgainstTheReference) {
  const uint64_t seed = pnm::test::seed("VectorUnit.ElementwiseOpsAreBitExactAgainstTheReference", 21);
  std::mt19937_64 rng(seed);
  const uint32_t n = 1000 + uint32_t(rng() % 300);  // not a multiple of the lanes, crosses no block
  const uint64_t a0 = kMem + 0x10000, a1 = kMem + 0x20000, a2 = kMem + 0x30000, d0 = kMem + 0x40000;
  Bench b([&](Bench& b, Runner& me) {
    const auto x = randv(rng, n), y = randv(rng, n), w = randv(rng, n, 0.5f, 1.5f);
    b.put(a0, x);
    b.put(a1, y);
    b.put(a2, w);
    // n is random here: CYCLES is checked against hand-computed values for
    // fixed sizes in CyclesOfEveryOpForConcreteSizes; here only that an op
    // that ran reports some cycles beyond the op overhead.
    auto check_cycles = [&](const Op_& o) {
      EXPECT_GT(b.reg(me, V::CYCLES::OFFSET), b.cfg.op_overhead_cycles) << int(o.op);
    };
    {  // COPY
      Op_ o{Op::COPY, a0, 0, 0, d0, n};
      ASSERT_EQ(b.run(me, o), ok_status());
      expect_bits(b.get<float>(d0, n), x, "COPY");
      check_cycles(o);
    }
    {  // RMSNORM
      Op_ o{Op::RMSNORM, a0, a2, 0, d0, n};
      ASSERT_EQ(b.run(me, o), ok_status());
      std::vector<float> want(n);
      pnm::model::rmsnorm(want.data(), x.data(), w.data(), int32_t(n));
      expect_bits(b.get<float>(d0, n), want, "RMSNORM");
      check_cycles(o);
    }
    {  // ADD
      Op_ o{Op::ADD, a0, a1, 0, d0, n};
      ASSERT_EQ(b.run(me, o), ok_status());
      std::vector<float> want(x);
      for (uint32_t i = 0; i < n; ++i) want[i] += y[i];  // the decoder's x[i] += xb[i]
      expect_bits(b.get<float>(d0, n), want, "ADD");
      check_cycles(o);
    }
    {  // SILU_MUL
      Op_ o{Op::SILU_MUL, a0, a1, 0, d0, n};
      ASSERT_EQ(b.run(me, o), ok_status());
      std::vector<float> want(n);
      for (uint32_t i = 0; i < n; ++i) want[i] = pnm::model::silu_mul(x[i], y[i]);
      expect_bits(b.get<float>(d0, n), want, "SILU_MUL");
      check_cycles(o);
    }
    {  // ARGMAX
      Op_ o{Op::ARGMAX, a0, 0, 0, 0, n};
      ASSERT_EQ(b.run(me, o), ok_status());
      EXPECT_EQ(b.reg(me, V::RESULT::OFFSET), uint32_t(pnm::model::argmax(x.data(), int32_t(n))));
      check_cycles(o);
    }
    for (const auto& [temp, top_p] : {std::pair{0.8f, 0.9f}, std::pair{1.0f, 1.0f}, std::pair{0.0f, 0.5f}}) {
      // SAMPLE: the reference sampler's decision for a given 24-bit draw.
      Op_ o{Op::SAMPLE, a0, 0, 0, 0, n};
      o.farg = temp;
      std::memcpy(&o.arg[0], &top_p, 4);
      o.arg[1] = uint32_t(rng() >> 40);
      ASSERT_EQ(b.run(me, o), ok_status());
      std::vector<float> probs;
      std::vector<int32_t> order;
      EXPECT_EQ(b.reg(me, V::RESULT::OFFSET),
                uint32_t(pnm::model::sample_with_coin(x.data(), int32_t(n), temp, top_p, o.arg[1], probs, order)))
          << "temperature " << temp << " top_p " << top_p;
      check_cycles(o);
    }
    {  // DEQUANT: int32 partials x (row scale x activation scale)
      std::vector<int32_t> acc(n);
      for (auto& v : acc) v = int32_t(rng() % 2000001) - 1000000;
      std::vector<float> scale = randv(rng, n, 1e-4f, 1e-2f);
      b.put(a1 + 0x8000, acc);
      b.put(a2 + 0x8000, scale);
      Op_ o{Op::DEQUANT, a1 + 0x8000, a2 + 0x8000, 0, d0, n};
      o.farg = 0.0123f;
      ASSERT_EQ(b.run(me, o), ok_status());
      std::vector<float> want(n);
      for (uint32_t r = 0; r < n; ++r) want[r] = float(acc[r]) * (scale[r] * o.farg);  // ReferenceDecoder::gemv
      expect_bits(b.get<float>(d0, n), want, "DEQUANT");
      check_cycles(o);
    }
    {  // QUANTIZE into the broadcast window: every PNM unit's activation SRAM gets it.
      const uint64_t act_off = 0x100;
      Op_ o{Op::QUANTIZE, a0, 0, 0, A::PNM_BCAST_BASE + A::ACT_SRAM_OFFSET + act_off, n};
      ASSERT_EQ(b.run(me, o), ok_status());
      std::vector<int8_t> q(n);
      const float scale = pnm::model::quantize_vector(x.data(), n, q.data());
      uint32_t sb;
      std::memcpy(&sb, &scale, 4);
      EXPECT_EQ(b.reg(me, V::RESULT::OFFSET), sb);
      for (RecordingTarget* t : {b.pnm0.get(), b.pnm1.get()}) {
        for (uint32_t i = 0; i < n; ++i) {
          ASSERT_EQ(int8_t(t->mem[A::ACT_SRAM_OFFSET + act_off + i]), q[i]) << i;
        }
      }
      check_cycles(o);
    }
  });
  sc_core::sc_start();
  EXPECT_TRUE(b.r->done);
  EXPECT_EQ(b.vu->op_stats(Op::ADD).count, 1u);
  EXPECT_EQ(b.vu->op_stats(Op::ADD).elements, n);
  // ADD over n elements, 8 lanes: 5 overhead + ceil(n / 8) beats x 2 cycles.
  EXPECT_EQ(b.vu->op_stats(Op::ADD).cycles, 5u + 2u * ((n + 7u) / 8u)) << "n = " << n;
}

TEST(VectorUnit, RopeAndAttentionOnAGqaShapeAreBitExact) {
  const uint64_t seed = pnm::test::seed("VectorUnit.RopeAndAttentionOnAGqaShapeAreBitExact", 33);
  std::mt19937_64 rng(seed);
  const int32_t n_heads = 8, n_kv = 2, hd = 16, dim = n_heads * hd, kv_dim = n_kv * hd;
  const int32_t seq = 40, pos = 5 + int32_t(rng() % 30);
  const uint64_t q_a = kMem + 0x1000, k_a = kMem + 0x100000, v_a = kMem + 0x300000, o_a = kMem + 0x2000;
  Bench b([&](Bench& b, Runner& me) {
    const auto q = randv(rng, dim), kc = randv(rng, size_t(seq) * kv_dim), vc = randv(rng, size_t(seq) * kv_dim);
    b.put(q_a, q);
    b.put(k_a, kc);
    b.put(v_a, vc);
    // ROPE on q and on the K cache row at pos.
    const uint64_t krow = k_a + uint64_t(pos) * kv_dim * 4;
    Op_ r{Op::ROPE, krow, 0, 0, q_a, uint32_t(dim)};
    r.arg[0] = uint32_t(pos);
    r.arg[1] = uint32_t(kv_dim);
    r.arg[2] = uint32_t(hd);
    ASSERT_EQ(b.run(me, r), ok_status());
    std::vector<float> q_ref(q), k_ref(kc);
    pnm::model::rope(q_ref.data(), k_ref.data() + size_t(pos) * kv_dim, pos, dim, kv_dim, hd);
    expect_bits(b.get<float>(q_a, dim), q_ref, "ROPE q");
    expect_bits(b.get<float>(k_a, size_t(seq) * kv_dim), k_ref, "ROPE k cache");
    // ROPE, dim 128, kv_dim 32, 8 lanes: 5 + ceil(64/8)*6 (sincos) + ceil(64/8)*2
    // (q pairs) + ceil(16/8)*2 (k pairs) = 5 + 48 + 16 + 4 = 73.
    EXPECT_EQ(b.reg(me, V::CYCLES::OFFSET), 73u);
    // ATTENTION over rows 0..pos.
    Op_ at{Op::ATTENTION, q_a, k_a, v_a, o_a, 0};
    at.arg[0] = uint32_t(pos);
    at.arg[1] = uint32_t(n_heads);
    at.arg[2] = uint32_t(n_kv);
    at.arg[3] = uint32_t(hd);
    ASSERT_EQ(b.run(me, at), ok_status());
    std::vector<float> out_ref(dim), att(size_t(pos) + 1);
    pnm::model::attention(out_ref.data(), q_ref.data(), k_ref.data(), vc.data(), att.data(), pos,
                          n_heads, n_kv, hd);
    expect_bits(b.get<float>(o_a, dim), out_ref, "ATTENTION");
    // ATTENTION, 8 heads x 16, T = pos + 1 rows: 89 cycles for T = 1 and 77 more
    // per row (hand-computed in CyclesOfEveryOpForConcreteSizes).
    EXPECT_EQ(b.reg(me, V::CYCLES::OFFSET), 89u + 77u * uint32_t(pos)) << "pos " << pos;
    // Rows past pos are not read: poisoning them changes nothing.
    b.put(k_a + uint64_t(pos + 1) * kv_dim * 4, std::vector<float>(kv_dim, NAN));
    ASSERT_EQ(b.run(me, at), ok_status());
    expect_bits(b.get<float>(o_a, dim), out_ref, "ATTENTION (rows > pos poisoned)");
  });
  sc_core::sc_start();
  EXPECT_TRUE(b.r->done);
  EXPECT_EQ(b.vu->op_stats(Op::ATTENTION).count, 2u);
}

// Op time = memory accesses + CYCLES x clk, from the START write's arrival.
TEST(VectorUnit, OpTimeIsMemoryPlusCyclesWithoutDmi) {
  const uint32_t n = 256;
  Bench b(
      [&](Bench& b, Runner& me) {
        Op_ o{Op::COPY, kMem, 0, 0, kMem + 0x10000, n};
        const sc_time t0 = sc_core::sc_time_stamp();
        ASSERT_EQ(b.run(me, o), ok_status());
        const MemoryConfig m = mem_cfg();
        // START reaches the VU after one hop; then a read and a write of 4n
        // bytes, each hop + t_access + 4n/bw; then the cycles.
        const double access = kHopPs + m.t_access_ps + 4.0 * n * 1000.0 / m.bw_gbps;
        // COPY of 256 elements on 8 lanes: 5 + (256/8 = 32 beats) x 2 = 69 cycles.
        const double want = kHopPs + 2 * access + 69.0 * b.cfg.clk_period_ps;
        EXPECT_EQ(ps(sc_core::sc_time_stamp() - t0), want);
      },
      vu_cfg(/*dmi=*/false));
  sc_core::sc_start();
  EXPECT_TRUE(b.r->done);
  EXPECT_EQ(b.mem->stats().dmi_grants, 0u);
  EXPECT_EQ(b.mem->stats().bytes_read, 4u * n);
}

TEST(VectorUnit, OpTimeWithDmiIsDmiLatencyPerAccessPlusCycles) {
  const uint32_t n = 256;
  Bench b([&](Bench& b, Runner& me) {
    Op_ o{Op::ADD, kMem, kMem + 0x1000, 0, kMem + 0x2000, n};  // one 1 MiB block
    const sc_time t0 = sc_core::sc_time_stamp();
    ASSERT_EQ(b.run(me, o), ok_status());
    const double lat = kHopPs + mem_cfg().t_access_ps;  // DMI latency through the noc
    // ADD of 256 elements on 8 lanes: 5 + 32 beats x 2 = 69 cycles.
    const double want = kHopPs + 3 * lat + 69.0 * b.cfg.clk_period_ps;
    EXPECT_EQ(ps(sc_core::sc_time_stamp() - t0), want);
  });
  sc_core::sc_start();
  EXPECT_TRUE(b.r->done);
  EXPECT_EQ(b.mem->stats().dmi_grants, 1u) << "one grant serves the whole block";
  // (69 - 5 overhead) cycles x 8 lanes x 1.5 pJ = 768 pJ.
  EXPECT_DOUBLE_EQ(b.vu->energy_pj(), 768.0);
}

// CYCLES of every op for fixed operand sizes, written as literals computed by
// hand from the cost table in vector_unit.hpp (not from a copy of the code).
// The bench's unit: L = 8 lanes, O = 5 overhead, c = 2 per beat, e = 3 (exp),
// d = 4 (divide), s = 6 (sincos), q = 7 (sqrt). Operands are random data; only
// CYCLES is checked here (values are checked bit-exact elsewhere).
TEST(VectorUnit, CyclesOfEveryOpForConcreteSizes) {
  std::mt19937_64 rng(pnm::test::seed("VectorUnit.CyclesOfEveryOpForConcreteSizes", 3));
  const uint64_t a0 = kMem + 0x10000, a1 = kMem + 0x20000, a2 = kMem + 0x30000, d0 = kMem + 0x40000;
  const uint64_t kq = kMem + 0x100000, kk = kMem + 0x200000, kv = kMem + 0x300000;
  Bench b([&](Bench& b, Runner& me) {
    b.put(a0, randv(rng, 4096));
    b.put(a1, randv(rng, 4096));
    b.put(a2, randv(rng, 4096, 0.5f, 1.5f));
    b.put(kq, randv(rng, 4096));
    b.put(kk, randv(rng, 4096));
    b.put(kv, randv(rng, 4096));
    auto cycles = [&](const Op_& o) -> uint32_t {
      EXPECT_EQ(b.run(me, o), ok_status()) << int(o.op);
      return b.reg(me, V::CYCLES::OFFSET);
    };
    // n = 100: B = ceil(100/8) = 13 beats.
    EXPECT_EQ(cycles(Op_{Op::COPY, a0, 0, 0, d0, 100}), 31u);      // 5 + 13*2
    EXPECT_EQ(cycles(Op_{Op::ADD, a0, a1, 0, d0, 100}), 31u);      // 5 + 13*2
    EXPECT_EQ(cycles(Op_{Op::ARGMAX, a0, 0, 0, 0, 100}), 31u);     // 5 + 13*2
    Op_ dq{Op::DEQUANT, a1, a2, 0, d0, 100};
    dq.farg = 0.01f;
    EXPECT_EQ(cycles(dq), 31u);                                    // 5 + 13*2
    EXPECT_EQ(cycles(Op_{Op::RMSNORM, a0, a2, 0, d0, 100}), 64u);  // 5 + 2*13*2 + 7
    EXPECT_EQ(cycles(Op_{Op::SILU_MUL, a0, a1, 0, d0, 100}), 96u); // 5 + 13*(3+4)
    EXPECT_EQ(cycles(Op_{Op::QUANTIZE, a0, 0, 0, A::PNM_BCAST_BASE + A::ACT_SRAM_OFFSET, 100}),
              83u);                                                // 5 + 13*2 + 13*4
    // n = 1, one (ragged) beat: 5 + 1*2 = 7.
    EXPECT_EQ(cycles(Op_{Op::COPY, a0, 0, 0, d0, 1}), 7u);
    // n = 8 and 9: one full beat (7), then a second beat (5 + 2*2 = 9).
    EXPECT_EQ(cycles(Op_{Op::COPY, a0, 0, 0, d0, 8}), 7u);
    EXPECT_EQ(cycles(Op_{Op::COPY, a0, 0, 0, d0, 9}), 9u);
    // SAMPLE n = 100, lg = ceil(log2 100) = 7: 5 + 13*(2*4 + 3*2 + 3) + 13*2
    // + ceil(700/8)*2 = 5 + 221 + 26 + 88*2 = 428.
    Op_ smp{Op::SAMPLE, a0, 0, 0, 0, 100};
    smp.farg = 0.8f;
    const float top_p = 0.9f;
    std::memcpy(&smp.arg[0], &top_p, 4);
    smp.arg[1] = 12345;
    EXPECT_EQ(cycles(smp), 428u);
    // ROPE dim 128, kv_dim 32, head_dim 16: 5 + ceil(64/8)*6 + ceil(64/8)*2
    // + ceil(16/8)*2 = 5 + 48 + 16 + 4 = 73.
    Op_ rope{Op::ROPE, kk, 0, 0, kq, 128};
    rope.arg[0] = 3;
    rope.arg[1] = 32;
    rope.arg[2] = 16;
    EXPECT_EQ(cycles(rope), 73u);
    // ATTENTION, 8 heads of 16 (2 KV heads), T = pos + 1 rows:
    // 5 + 7 + 2*T*ceil(128/8)*2 + ceil(8T/8)*(2 + 3 + 2*4) = 12 + 64T + 13T.
    auto attention = [&](uint32_t T, uint32_t heads, uint32_t kv_heads, uint32_t hd) {
      Op_ at{Op::ATTENTION, kq, kk, kv, d0, 0};
      at.arg[0] = T - 1;
      at.arg[1] = heads;
      at.arg[2] = kv_heads;
      at.arg[3] = hd;
      return cycles(at);
    };
    EXPECT_EQ(attention(1, 8, 2, 16), 89u);    // 12 + 77
    EXPECT_EQ(attention(2, 8, 2, 16), 166u);   // 12 + 154
    EXPECT_EQ(attention(5, 8, 2, 16), 397u);   // 12 + 385
    EXPECT_EQ(attention(10, 8, 2, 16), 782u);  // 12 + 770
    // Linear in T: the same increment per row, whatever the row.
    const uint32_t c1 = attention(1, 8, 2, 16), c2 = attention(2, 8, 2, 16);
    const uint32_t c20 = attention(20, 8, 2, 16), c21 = attention(21, 8, 2, 16), c40 = attention(40, 8, 2, 16);
    EXPECT_EQ(c21 - c20, c2 - c1);
    EXPECT_EQ(c40 - c20, 20 * (c2 - c1));
    // A ragged shape: 3 heads of 8 (1 KV head), T = 3: 12 + 2*3*ceil(24/8)*2
    // + ceil(9/8)*13 = 12 + 36 + 26 = 74.
    EXPECT_EQ(attention(3, 3, 1, 8), 74u);
  });
  sc_core::sc_start();
  EXPECT_TRUE(b.r->done);
}

TEST(VectorUnit, BadOpLenArgsAndAddressesReportErrorsNeverCrash) {
  Bench b([&](Bench& b, Runner& me) {
    auto bad = [&](Op_ o, Err e, const char* what) {
      EXPECT_EQ(b.run(me, o), err_status(e)) << what;
      EXPECT_EQ(b.reg(me, V::CYCLES::OFFSET), 0u) << what;
    };
    bad(Op_{Op(10), kMem, kMem, 0, kMem, 4}, Err::BAD_OP, "op 10");
    Op_ smp{Op::SAMPLE, kMem, 0, 0, 0, 4};
    smp.farg = -1.0f;
    bad(smp, Err::BAD_ARG, "sample temperature < 0");
    smp.farg = 1.0f;
    smp.arg[1] = 1u << 24;
    bad(smp, Err::BAD_ARG, "sample coin beyond 24 bits");
    bad(Op_{Op(0xFF), kMem, kMem, 0, kMem, 4}, Err::BAD_OP, "op 255");
    bad(Op_{Op::ADD, kMem, kMem, 0, kMem, 0}, Err::BAD_LEN, "len 0");
    bad(Op_{Op::COPY, kMem, 0, 0, kMem, (1u << 20) + 1}, Err::BAD_LEN, "len > max_elements");
    bad(Op_{Op::ROPE, kMem, 0, 0, kMem, 63}, Err::BAD_LEN, "rope odd dim");
    Op_ rope{Op::ROPE, kMem, 0, 0, kMem, 64};
    rope.arg[1] = 32;  // kv_dim; head_dim 0
    bad(rope, Err::BAD_ARG, "rope head_dim 0");
    rope.arg[2] = 16;
    rope.arg[1] = 72;
    bad(rope, Err::BAD_ARG, "rope kv_dim > dim");
    Op_ at{Op::ATTENTION, kMem, kMem, kMem, kMem, 0};
    at.arg[1] = 6;
    at.arg[2] = 4;
    at.arg[3] = 16;
    bad(at, Err::BAD_ARG, "n_heads % n_kv_heads");
    at.arg[2] = 0;
    bad(at, Err::BAD_ARG, "n_kv_heads 0");
    // Memory errors: unmapped source, read of the broadcast window, dst past LOGIC_MEM.
    EXPECT_EQ(b.run(me, Op_{Op::ADD, 0x100, kMem, 0, kMem, 16}), err_status(Err::ADDRESS));
    EXPECT_EQ(b.run(me, Op_{Op::COPY, A::PNM_BCAST_BASE, 0, 0, kMem, 16}), err_status(Err::ADDRESS));
    EXPECT_EQ(b.run(me, Op_{Op::COPY, kMem, 0, 0, kMem + A::LOGIC_MEM_SIZE - 8, 16}),
              err_status(Err::ADDRESS));
    // Still works afterwards.
    EXPECT_EQ(b.run(me, Op_{Op::COPY, kMem, 0, 0, kMem + 64, 16}), ok_status());
  });
  sc_core::sc_start();
  EXPECT_TRUE(b.r->done);
  EXPECT_TRUE(b.idle.read());
}

TEST(VectorUnit, StartWhileBusyIsRefusedAndTheRunningOpCompletes) {
  const uint64_t seed = pnm::test::seed("VectorUnit.StartWhileBusyIsRefusedAndTheRunningOpCompletes", 9);
  std::mt19937_64 rng(seed);
  Bench b([&](Bench& b, Runner& me) {
    const auto x = randv(rng, 512), y = randv(rng, 512);
    b.put(kMem, x);
    b.put(kMem + 0x1000, y);
    Op_ o{Op::ADD, kMem, kMem + 0x1000, 0, kMem + 0x2000, 512};
    ASSERT_EQ(b.start(me, o), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(b.reg(me, V::STATUS::OFFSET), V::STATUS::BUSY::MASK);
    sc_core::wait(sc_time(2, sc_core::SC_NS));
    EXPECT_FALSE(b.idle.read());
    // A second START (even with other operands) is refused.
    Op_ other{Op::COPY, kMem, 0, 0, kMem + 0x2000, 512};
    EXPECT_EQ(b.start(me, other), tlm::TLM_GENERIC_ERROR_RESPONSE);
    EXPECT_TRUE(b.reg(me, V::STATUS::OFFSET) & V::STATUS::BUSY::MASK);
    sc_core::wait(b.idle.posedge_event());
    EXPECT_EQ(b.reg(me, V::STATUS::OFFSET), ok_status());
    std::vector<float> want(x);
    for (size_t i = 0; i < want.size(); ++i) want[i] += y[i];
    expect_bits(b.get<float>(kMem + 0x2000, 512), want, "ADD after refused START");
    // Debug reads see the registers without side effects; CTRL reads as 0.
    uint32_t v = 1;
    EXPECT_EQ(me.debug(tlm::TLM_READ_COMMAND, kVu + V::CTRL::OFFSET, &v, 4), 4u);
    EXPECT_EQ(v, 0u);
  });
  sc_core::sc_start();
  EXPECT_TRUE(b.r->done);
  EXPECT_EQ(b.vu->op_stats(Op::ADD).count, 1u);
  EXPECT_EQ(b.vu->op_stats(Op::COPY).count, 0u);
  pnm::Stats s;
  b.vu->report(s, "vu");
  EXPECT_EQ(s.value("vu.op.ADD.count"), 1.0);
  EXPECT_EQ(s.at("vu.op.ADD.cycles").unit, "cycles");
}

}  // namespace

namespace {

// Issue 15: simulated time past 2^63 ps saturated or wrapped silently (a 1 ms clock, one
// lane, 2^20 cycles per beat). An op that would end past the largest
// simulated time now fails START with a SimulationError naming the block;
// one that fits still runs.
TEST(VectorUnit, OpPastTheLargestSimulatedTimeFailsNamingTheBlock) {
  VuConfig c = vu_cfg();
  c.clk_period_ps = 1'000'000'000;  // 1 ms
  c.lanes = 1;
  c.cycles_per_beat = 1 << 20;
  std::string error;
  Bench b(
      [&](Bench& b, Runner& me) {
        // 8192 elements: (5 + 8192 * 2^20) cycles x 1 ms = 8.59e18 ps < 2^63 ps: runs.
        b.put(kMem, std::vector<float>(8192, 1.0f));
        EXPECT_EQ(b.run(me, Op_{Op::COPY, kMem, 0, 0, kMem + 0x10000, 8192}), ok_status());
        EXPECT_GT(sc_core::sc_time_stamp(), sc_time(8.5e18, SC_PS));
        // Another 1024 (1.07e18 ps) would end past 2^63 ps = 9.22e18 ps (the
        // kernel's double conversion saturates there): refused before it starts.
        try {
          b.start(me, Op_{Op::COPY, kMem, 0, 0, kMem + 0x10000, 1024});
          ADD_FAILURE() << "START past the largest simulated time was accepted";
        } catch (const pnm::SimulationError& e) {
          error = e.what();
        }
      },
      c);
  sc_core::sc_start();
  EXPECT_TRUE(b.r->done);
  EXPECT_NE(error.find("vu (vector unit): simulated time overflow"), std::string::npos) << error;
  EXPECT_NE(error.find("op COPY"), std::string::npos) << error;
  EXPECT_NE(error.find("clk_period"), std::string::npos) << error;
  EXPECT_EQ(b.vu->op_stats(Op::COPY).count, 1u);
}

}  // namespace
