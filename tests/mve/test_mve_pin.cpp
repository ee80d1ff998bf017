// Pin-level co-simulation: TLM socket -> bridge -> SystemC signals ->
// the Verilated RTL (MvePinModel), with the golden model in shadow and a passive
// protocol checker on the wires.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "testbench/mve/mve_cosim_top.hpp"
#include "testbench/mve/mve_sequence.hpp"
#include "testbench/mve/mve_socket_job.hpp"
#include "tests/common/test_seed.hpp"
#include "tests/mve/mve_reference.hpp"

namespace pnm::tb {
namespace {

namespace R = regs::mve;
using M = mve::TargetMap;

struct Outcome {
  uint64_t jobs = 0, mismatches = 0, violations = 0, reg_cycles = 0;
  uint64_t full_vector_jobs = 0, rejected = 0;
  bool finished = false;
};

Outcome run_jobs(const char* name, uint64_t default_seed, unsigned n, const mve::StallConfig& stalls,
                 const MveSequenceConfig& q, const std::string& fst = "") {
  const uint64_t seed = test::seed(name, default_seed);
  MveCosimConfig cfg;
  cfg.stalls = stalls;
  cfg.stalls.seed = seed ^ 0x5eed;
  Outcome o;
  auto stimulus = [&](MveCosimTop& top) {
    const mve::Params p = top.bridge->params();
    MveSequence seq(p, q, seed);
    test::HeldActivations held;
    for (unsigned i = 0; i < n; ++i) {
      auto d = seq.next();
      const std::string ctx = "job " + std::to_string(i) + " n " + std::to_string(d.job.vectors) + " seed " +
                              std::to_string(seed);
      const mve::Err expect = test::reference_status(p, d.job, held);
      const SocketJob sj = submit_mve_job(top.drv, d);
      EXPECT_NE(sj, SocketJob::BusError) << ctx;
      if (sj == SocketJob::BusError) continue;
      const uint32_t status = top.drv.read32(M::REG_BASE + R::STATUS::OFFSET);
      if (sj == SocketJob::Rejected) {
        ++o.rejected;
        EXPECT_NE(expect, mve::Err::NONE) << ctx;
        EXPECT_EQ(regs::get<R::STATUS::ERR_CODE>(status), static_cast<uint32_t>(expect)) << ctx;
        continue;
      }
      EXPECT_EQ(expect, mve::Err::NONE) << ctx;
      EXPECT_EQ(regs::get<R::STATUS::ERROR>(status), 0u) << ctx;
      held.accept(d);
      o.full_vector_jobs += d.job.vectors == p.vectors;
      tlm::tlm_response_status rs;
      const std::vector<int32_t> y = read_mve_results(top.drv, d.job.rows, d.job.vectors, &rs);
      EXPECT_EQ(rs, tlm::TLM_OK_RESPONSE);
      EXPECT_EQ(y, test::reference_gemv(d, held)) << ctx;
      EXPECT_EQ(top.drv.read32(M::REG_BASE + R::ROWS_DONE::OFFSET), d.job.rows) << ctx;
      const uint32_t cycles = top.drv.read32(M::REG_BASE + R::CYCLES::OFFSET);
      const uint64_t formula = test::reference_cycles(p.lanes, d.job);
      const auto& js = top.bridge->last_job_stats();
      EXPECT_GE(cycles, formula) << ctx;
      EXPECT_LE(cycles, formula + js.stall_cycles) << ctx;
      if (!stalls.any()) {
        EXPECT_EQ(cycles, formula) << ctx;
      }
      EXPECT_EQ(js.measured_cycles, cycles) << ctx;
      EXPECT_TRUE(js.idle_vectors_zero) << ctx;
      EXPECT_TRUE(js.last_flag_ok) << ctx;
      o.reg_cycles += cycles;
    }
  };
  MveCosimTop top("top", cfg, stimulus);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  if (!fst.empty()) top.open_fst(fst);
  sc_core::sc_start();
  o.finished = top.finished;
  o.jobs = top.shadow->scoreboard().jobs();
  o.mismatches = top.shadow->scoreboard().mismatches();
  o.violations = top.checker->violations().size();
  std::printf("%s\n", top.shadow->scoreboard().report().c_str());
  for (const auto& v : top.checker->violations()) {
    std::printf("protocol: %s at %s: %s\n", v.stream.c_str(), v.time.to_string().c_str(), v.rule.c_str());
  }
  return o;
}

TEST(MvePin, RandomJobsNoStallsCyclesEqualFormula) {
  mve::StallConfig none;
  MveSequenceConfig q;
  q.max_rows = 48;
  const auto o = run_jobs("MvePin.RandomJobsNoStallsCyclesEqualFormula", 31, 60, none, q);
  EXPECT_TRUE(o.finished);
  EXPECT_EQ(o.jobs, 60u);
  EXPECT_EQ(o.mismatches, 0u) << "cycles are compared too when nothing stalls";
  EXPECT_EQ(o.violations, 0u);
  EXPECT_GT(o.full_vector_jobs, 0u);
}

TEST(MvePin, RandomJobsWithStallsAndBadJobs) {
  mve::StallConfig s;
  s.act_valid_low = 0.3;
  s.w_valid_low = 0.3;
  s.res_ready_low = 0.5;
  MveSequenceConfig q;
  q.max_rows = 32;
  q.bad_job_fraction = 0.15;
  q.extreme_job_fraction = 0.3;
  const auto o = run_jobs("MvePin.RandomJobsWithStallsAndBadJobs", 32, 80, s, q);
  EXPECT_TRUE(o.finished);
  EXPECT_EQ(o.jobs, 80u);
  EXPECT_EQ(o.mismatches, 0u);
  EXPECT_EQ(o.violations, 0u);
  EXPECT_GT(o.rejected, 0u);
  EXPECT_GT(o.full_vector_jobs, 0u);
}

TEST(MvePin, WrongStrobeIsReportedAsError) {
  // Drive one job by hand with a strobe that does not match the ragged tail.
  MveCosimConfig cfg;
  cfg.shadow = false;
  uint32_t status = 0;
  std::vector<int32_t> out;
  auto stimulus = [&](MveCosimTop& top) {
    PinBridgeEngine& pins = *top.bridge;
    while (!top.sig.rst_n.read()) sc_core::wait(top.clk.negedge_event());
    sc_core::wait(top.clk.negedge_event());
    std::vector<int8_t> act(20, 1), w(20, 2);
    ASSERT_TRUE(mve::write_reg(pins, R::ROWS::OFFSET, 1));
    ASSERT_TRUE(mve::write_reg(pins, R::COLS::OFFSET, 20));  // 2 beats, 4-byte tail
    ASSERT_TRUE(mve::write_reg(pins, R::CTRL::OFFSET, R::CTRL::START::MASK));
    for (int b = 0; b < 2; ++b) {
      mve::PinInputs in;
      in.act_valid = true;
      in.act = act.data() + 16 * b;
      in.act_n = b ? 4 : 16;
      while (!pins.clock(in).act_ready) {
      }
    }
    for (int b = 0; b < 2; ++b) {
      mve::PinInputs in;
      in.w_valid = true;
      in.w = w.data() + 16 * b;
      in.w_n = b ? 4 : 16;
      if (b == 1) in.w_strb = 0x1F;  // claims 5 valid bytes
      in.res_ready = true;
      while (!pins.clock(in).w_ready) {
      }
    }
    for (int c = 0; c < 8; ++c) {
      mve::PinInputs in;
      in.res_ready = true;
      const auto s = pins.clock(in);
      if (s.res_valid) out.push_back(s.res_data[0]);
    }
    status = pins.read_reg(R::STATUS::OFFSET);
  };
  MveCosimTop top("top", cfg, stimulus);
  sc_core::sc_start();
  EXPECT_TRUE(top.finished);
  EXPECT_EQ(regs::get<R::STATUS::DONE>(status), 1u);
  EXPECT_EQ(regs::get<R::STATUS::ERROR>(status), 1u);
  EXPECT_EQ(regs::get<R::STATUS::ERR_CODE>(status), static_cast<uint32_t>(mve::Err::STRB));
  EXPECT_EQ(out, std::vector<int32_t>{40}) << "the row's own layout (20 columns) is used";
}

TEST(MvePin, CheckerCatchesHandshakeViolations) {
  // An idle engine never raises act_ready: offer a beat, change it, drop it.
  MveCosimConfig cfg;
  cfg.shadow = false;
  auto stimulus = [&](MveCosimTop& top) {
    PinBridgeEngine& pins = *top.bridge;
    while (!top.sig.rst_n.read()) sc_core::wait(top.clk.negedge_event());
    sc_core::wait(top.clk.negedge_event());
    std::vector<int8_t> a(16, 1), b(16, 2);
    mve::PinInputs in;
    in.act_valid = true;
    in.act = a.data();
    in.act_n = 16;
    EXPECT_FALSE(pins.clock(in).act_ready);
    in.act = b.data();
    EXPECT_FALSE(pins.clock(in).act_ready);
    pins.clock(mve::PinInputs{});
  };
  MveCosimTop top("top", cfg, stimulus);
  sc_core::sc_start();
  EXPECT_TRUE(top.finished);
  const auto& v = top.checker->violations();
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].stream, "act");
  EXPECT_EQ(v[0].rule, "data changed while waiting for ready");
  EXPECT_EQ(v[1].stream, "act");
  EXPECT_EQ(v[1].rule, "valid dropped before ready");
  EXPECT_EQ(v[1].time - v[0].time, top.clk.period());
}

TEST(MvePin, FstWaveformOfThePinLevelRun) {
  const auto dir = std::filesystem::temp_directory_path();
  const auto path = dir / "pnmsim_test_mve_pin.fst";
  const auto vcd = dir / "pnmsim_test_mve_pin.vcd";
  std::filesystem::remove(path);
  std::filesystem::remove(vcd);
  MveSequenceConfig q;
  q.max_rows = 8;
  const auto o = run_jobs("MvePin.FstWaveformOfThePinLevelRun", 33, 4, {}, q, path.string());
  EXPECT_EQ(o.mismatches, 0u);
  ASSERT_TRUE(std::filesystem::exists(path));
  const uint64_t end_ps = static_cast<uint64_t>(sc_core::sc_time_stamp() / sc_core::sc_time(1, sc_core::SC_PS));
  // gtkwave's fst2vcd (scripts/setup installs it) reads the file back: the
  // RTL's hierarchy is top.dut, and its clock toggles every 500 ps of the run.
  const std::string cmd = "fst2vcd -f " + path.string() + " -o " + vcd.string() + " > /dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream f(vcd);
  std::string line, clk_id, scope;
  uint64_t t = 0, clk_changes = 0, last_clk_t = 0;
  bool saw_dut = false, in_dut = false;
  while (std::getline(f, line)) {
    std::istringstream ls(line);
    std::string tok;
    ls >> tok;
    if (tok == "$scope") {
      std::string kind;
      ls >> kind >> scope;
      // The model names its top scope as the fast path's does (one scope).
      if (scope == "top.dut") saw_dut = true;
      in_dut = in_dut || saw_dut;
    } else if (tok == "$var" && in_dut && clk_id.empty()) {
      std::string type, width, id, name;
      ls >> type >> width >> id >> name;
      if (name == "clk_i") clk_id = id;
    } else if (!tok.empty() && tok[0] == '#') {
      t = std::stoull(tok.substr(1));
    } else if (!clk_id.empty() && tok.size() == 1 + clk_id.size() && tok.substr(1) == clk_id) {
      ++clk_changes;
      EXPECT_EQ(t % 500, 0u) << "clock edge off the 500 ps grid at " << t;
      last_clk_t = t;
    }
  }
  EXPECT_TRUE(saw_dut);
  ASSERT_FALSE(clk_id.empty()) << "no clk_i under top.dut";
  // Every edge up to the last time step the model evaluated (the run's end).
  EXPECT_GE(clk_changes + 2, end_ps / 500);
  EXPECT_LE(clk_changes, end_ps / 500 + 1);
  EXPECT_LE(last_clk_t, end_ps);
  std::filesystem::remove(path);
  std::filesystem::remove(vcd);
}

}  // namespace
}  // namespace pnm::tb
