// RTL (Verilated) vs golden model vs plain C++ reference, bit for bit, over
// constrained-random jobs, with and without stalls on every stream.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "testbench/mve/mve_sequence.hpp"
#include "tests/common/test_seed.hpp"
#include "tlm/pnm/mve_golden.hpp"
#include "tlm/pnm/mve_rtl.hpp"
#include "tlm/pnm/mve_shadow.hpp"

namespace pnm::mve {
namespace {

struct CosimCounts {
  uint64_t jobs = 0, rejected = 0, cycles = 0, stall_cycles = 0;
};

// Runs `n` jobs through RTL and golden; checks results against the reference
// and the cycle rule: equal without stalls, within [formula, formula +
// injected stall cycles] with them.
CosimCounts run_random(const char* name, uint64_t default_seed, int n, const StallConfig& stalls_in,
                       const tb::MveSequenceConfig& seq_cfg) {
  const uint64_t seed = test::seed(name, default_seed);
  StallConfig stalls = stalls_in;
  stalls.seed = seed ^ 0x5eed;
  RtlEngine rtl(stalls);
  GoldenEngine golden(rtl.params());
  tb::MveSequence seq(rtl.params(), seq_cfg, seed);
  std::vector<int8_t> act;
  CosimCounts c;
  for (int i = 0; i < n; ++i) {
    auto d = seq.next();
    const Result g = golden.run(d.job);
    const Result r = rtl.run(d.job);
    const auto& st = rtl.last_job_stats();
    const std::string ctx = "job " + std::to_string(d.job.id) + " rows " + std::to_string(d.job.rows) +
                            " cols " + std::to_string(d.job.cols) +
                            (d.job.skip_act ? " skip_act" : "") + " seed " + std::to_string(seed);
    EXPECT_EQ(r.status, g.status) << ctx;
    ++c.jobs;
    if (g.status != Err::NONE) {
      ++c.rejected;
      EXPECT_TRUE(r.out.empty()) << ctx;
      EXPECT_EQ(r.cycles, 0u) << ctx;
      continue;
    }
    if (!d.job.skip_act) act = d.act;
    const auto ref = tb::reference_gemv(d, act);
    EXPECT_EQ(g.out, ref) << ctx;
    EXPECT_EQ(r.out, ref) << ctx;
    EXPECT_TRUE(st.last_flag_ok) << ctx;
    EXPECT_EQ(st.measured_cycles, r.cycles) << ctx << ": CYCLES register vs harness count";
    if (stalls.any()) {
      EXPECT_GE(r.cycles, g.cycles) << ctx;
      EXPECT_LE(r.cycles, g.cycles + st.stall_cycles) << ctx << " stalls " << st.stall_cycles;
    } else {
      EXPECT_EQ(r.cycles, g.cycles) << ctx;
      EXPECT_EQ(r.row_cycle.size(), g.row_cycle.size()) << ctx;
      for (size_t k = 0; k < r.row_cycle.size() && k < g.row_cycle.size(); ++k) {
        EXPECT_EQ(r.row_cycle[k] - r.start_cycle, g.row_cycle[k] - g.start_cycle) << ctx << " row " << k;
        if (r.row_cycle[k] - r.start_cycle != g.row_cycle[k] - g.start_cycle) break;
      }
    }
    c.cycles += r.cycles;
    c.stall_cycles += st.stall_cycles;
    if (::testing::Test::HasFailure()) break;  // the first failing job tells the story
  }
  std::printf("[ cosim    ] %s: %llu jobs (%llu rejected), %llu RTL cycles, %llu stall cycles\n", name,
              (unsigned long long)c.jobs, (unsigned long long)c.rejected, (unsigned long long)c.cycles,
              (unsigned long long)c.stall_cycles);
  return c;
}

TEST(MveCosim, RandomJobsNoStalls) {
  const auto c = run_random("MveCosim.RandomJobsNoStalls", 1, 400, {}, {});
  EXPECT_EQ(c.jobs, 400u);
}

TEST(MveCosim, RandomJobsWithStallsOnAllStreams) {
  StallConfig s;
  s.act_valid_low = 0.3;
  s.w_valid_low = 0.25;
  s.res_ready_low = 0.4;
  const auto c = run_random("MveCosim.RandomJobsWithStallsOnAllStreams", 2, 400, s, {});
  EXPECT_GT(c.stall_cycles, 0u);
}

TEST(MveCosim, HeavyResultBackpressureShortRows) {
  // Short rows make a result every cycle or two, so a slow consumer fills
  // the result FIFO and must throttle the weight stream without loss.
  StallConfig s;
  s.res_ready_low = 0.7;
  tb::MveSequenceConfig q;
  q.max_rows = 64;
  const auto c = run_random("MveCosim.HeavyResultBackpressureShortRows", 3, 100, s, q);
  EXPECT_GT(c.stall_cycles, 0u);
}

TEST(MveCosim, ExtremeValuesAndBadJobsInterleaved) {
  tb::MveSequenceConfig q;
  q.extreme_job_fraction = 0.6;
  q.bad_job_fraction = 0.2;
  StallConfig s;
  s.w_valid_low = 0.1;
  const auto c = run_random("MveCosim.ExtremeValuesAndBadJobsInterleaved", 4, 200, s, q);
  EXPECT_GT(c.rejected, 0u);
  EXPECT_LT(c.rejected, c.jobs);
}

TEST(MveCosim, BadJobsSetErrorAndEngineRecovers) {
  RtlEngine rtl;
  std::vector<int8_t> act(4097, 3), w(4097 * 2, -2);
  auto run = [&](uint32_t rows, uint32_t cols, bool skip = false) {
    Job j;
    j.rows = rows;
    j.cols = cols;
    j.skip_act = skip;
    j.act = act.data();
    j.weights = w.data();
    return rtl.run(j);
  };
  EXPECT_EQ(run(1, 8, true).status, Err::NO_ACT);
  EXPECT_EQ(run(0, 8).status, Err::ROWS_ZERO);
  EXPECT_EQ(run(2, 0).status, Err::COLS_ZERO);
  EXPECT_EQ(run(2, 4097).status, Err::COLS_RANGE);
  const Result ok = run(2, 4096);
  ASSERT_EQ(ok.status, Err::NONE);
  EXPECT_EQ(ok.out, std::vector<int32_t>(2, 4096 * -6));
  // STATUS reads back DONE without ERROR after the good job.
  const uint32_t st = rtl.read_reg(regs::mve::STATUS::OFFSET);
  EXPECT_EQ(regs::get<regs::mve::STATUS::DONE>(st), 1u);
  EXPECT_EQ(regs::get<regs::mve::STATUS::ERROR>(st), 0u);
}

TEST(MveCosim, RegisterPortErrors) {
  RtlEngine rtl;
  EXPECT_FALSE(rtl.write_reg(0x40, 1)) << "unmapped offset";
  EXPECT_FALSE(rtl.write_reg(regs::mve::STATUS::OFFSET, 1)) << "write to RO";
  EXPECT_TRUE(rtl.write_reg(regs::mve::ROWS::OFFSET, 0xFFFFFFFF));
  EXPECT_EQ(rtl.read_reg(regs::mve::ROWS::OFFSET), regs::mve::ROWS::VALUE::MASK) << "field masked";
  const uint32_t params = rtl.read_reg(regs::mve::PARAMS::OFFSET);
  EXPECT_EQ(regs::get<regs::mve::PARAMS::LANES>(params), rtl.params().lanes);
  EXPECT_GE(rtl.params().max_cols, 4096u);
}

// A golden model that lies about one row of one job.
class CorruptedGolden final : public Engine {
 public:
  CorruptedGolden(const Params& p, uint64_t job, uint32_t row) : g_(p), job_(job), row_(row) {}
  Result run(const Job& j) override {
    Result r = g_.run(j);
    if (j.id == job_ && row_ < r.out.size()) r.out[row_] ^= 1 << 13;
    return r;
  }
  const Params& params() const override { return g_.params(); }
  std::string_view kind() const override { return "corrupted-golden"; }

 private:
  GoldenEngine g_;
  uint64_t job_;
  uint32_t row_;
};

TEST(MveShadow, ScoreboardCatchesCorruptedGoldenResult) {
  auto rtl = std::make_unique<RtlEngine>();
  RtlEngine* raw = rtl.get();
  const Params p = rtl->params();
  ShadowEngine shadow(std::move(rtl), std::make_unique<CorruptedGolden>(p, 5, 17),
                      [raw](uint64_t c) { return raw->wave_time_ps(c); }, /*stop_after=*/0);
  tb::MveSequenceConfig q;
  q.skip_act_fraction = 0;
  tb::MveSequence seq(p, q, 99);
  uint64_t row17_cycle = 0;
  int32_t rtl_value = 0;
  for (int i = 0; i < 10; ++i) {
    auto d = seq.next();
    if (d.job.rows <= 17) d.job.rows = 18 + i;  // make sure job 5 has a row 17
    d.weights.resize(uint64_t{d.job.rows} * d.job.cols, 1);
    d.job.weights = d.weights.data();
    d.job.issue_time_ps = 1000000ull * (i + 1);
    const Result r = shadow.run(d.job);
    if (d.job.id == 5) {
      row17_cycle = r.row_cycle.at(17);
      rtl_value = r.out.at(17);
    }
  }
  const Scoreboard& sb = shadow.scoreboard();
  std::printf("%s\n", sb.report().c_str());
  EXPECT_EQ(sb.jobs(), 10u);
  ASSERT_EQ(sb.mismatches(), 1u);
  const Mismatch& m = sb.recorded().at(0);
  EXPECT_EQ(m.job_id, 5u);
  EXPECT_EQ(m.row, 17);
  EXPECT_EQ(m.field, "result");
  EXPECT_EQ(m.actual, rtl_value);
  EXPECT_EQ(m.expected, rtl_value ^ (1 << 13));
  EXPECT_EQ(m.sim_time_ps, 6000000u);
  EXPECT_EQ(m.rtl_cycle, row17_cycle);
  EXPECT_EQ(m.wave_time_ps, raw->wave_time_ps(row17_cycle));
  EXPECT_GE(m.wave_time_ps, m.sim_time_ps) << "waveform time base follows the job's issue time";
}

TEST(MveShadow, StopsAfterFirstMismatchByDefault) {
  auto rtl = std::make_unique<RtlEngine>();
  const Params p = rtl->params();
  ShadowEngine shadow(std::move(rtl), std::make_unique<CorruptedGolden>(p, 0, 0));
  std::vector<int8_t> act(16, 1), w(16, 1);
  Job j;
  j.rows = 1;
  j.cols = 16;
  j.act = act.data();
  j.weights = w.data();
  EXPECT_THROW(shadow.run(j), ShadowMismatch);
}

TEST(MveWaveform, FstIsWrittenOnRequest) {
  const auto path = std::filesystem::temp_directory_path() / "pnmsim_test_mve.fst";
  std::filesystem::remove(path);
  {
    RtlEngine rtl({}, path.string());
    std::vector<int8_t> act(40, 2), w(40 * 3, 3);
    Job j;
    j.rows = 3;
    j.cols = 40;
    j.act = act.data();
    j.weights = w.data();
    ASSERT_EQ(rtl.run(j).out, std::vector<int32_t>(3, 240));
  }
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_GT(std::filesystem::file_size(path), 200u);
  std::ifstream f(path, std::ios::binary);
  char magic = 0;
  f.read(&magic, 1);
  EXPECT_EQ(magic, 0) << "FST files start with a header block of type 0";
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace pnm::mve
