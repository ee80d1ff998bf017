// RTL (Verilated) vs golden model vs plain C++ reference, bit for bit, over
// constrained-random jobs (n = 1 .. VECTORS activation vectors), with and
// without stalls on every stream.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "testbench/mve/mve_sequence.hpp"
#include "tests/common/test_seed.hpp"
#include "tests/mve/mve_reference.hpp"
#include "tlm/pnm/mve_golden.hpp"
#include "tlm/pnm/mve_rtl.hpp"
#include "tlm/pnm/mve_shadow.hpp"

namespace pnm::mve {
namespace {

struct CosimCounts {
  uint64_t jobs = 0, rejected = 0, cycles = 0, stall_cycles = 0;
  uint64_t full_vector_jobs = 0;     // accepted with n == VECTORS
  uint64_t multi_vector_skips = 0;   // accepted SKIP_ACT jobs with n > 1
  std::map<Err, uint64_t> errors;    // rejected jobs by code
};

// Runs `n` jobs through RTL and golden; checks status and results against
// the reference and the cycle rule: equal to the reference formula without
// stalls, within [formula, formula + injected stall cycles] with them.
CosimCounts run_random(const char* name, uint64_t default_seed, int n, const StallConfig& stalls_in,
                       const tb::MveSequenceConfig& seq_cfg) {
  const uint64_t seed = test::seed(name, default_seed);
  StallConfig stalls = stalls_in;
  stalls.seed = seed ^ 0x5eed;
  RtlEngine rtl(stalls);
  GoldenEngine golden(rtl.params());
  const Params p = rtl.params();
  tb::MveSequence seq(p, seq_cfg, seed);
  test::HeldActivations held;
  CosimCounts c;
  for (int i = 0; i < n; ++i) {
    auto d = seq.next();
    const Result g = golden.run(d.job);
    const Result r = rtl.run(d.job);
    const auto& st = rtl.last_job_stats();
    const std::string ctx = "job " + std::to_string(d.job.id) + " rows " + std::to_string(d.job.rows) +
                            " cols " + std::to_string(d.job.cols) + " vectors " +
                            std::to_string(d.job.vectors) + (d.job.skip_act ? " skip_act" : "") + " seed " +
                            std::to_string(seed);
    const Err expect = test::reference_status(p, d.job, held);
    EXPECT_EQ(g.status, expect) << ctx;
    EXPECT_EQ(r.status, expect) << ctx;
    ++c.jobs;
    if (expect != Err::NONE) {
      ++c.rejected;
      ++c.errors[expect];
      EXPECT_TRUE(r.out.empty()) << ctx;
      EXPECT_EQ(r.cycles, 0u) << ctx;
      EXPECT_EQ(st.measured_cycles, 0u) << ctx << ": a rejected job consumes no cycles";
      if (::testing::Test::HasFailure()) break;
      continue;
    }
    held.accept(d);
    c.full_vector_jobs += d.job.vectors == p.vectors;
    c.multi_vector_skips += d.job.skip_act && d.job.vectors > 1;
    const auto ref = test::reference_gemv(d, held);
    EXPECT_EQ(g.out, ref) << ctx;
    EXPECT_EQ(r.out, ref) << ctx;
    EXPECT_TRUE(st.last_flag_ok) << ctx;
    EXPECT_TRUE(st.idle_vectors_zero) << ctx << ": result elements past n must be zero";
    EXPECT_EQ(st.measured_cycles, r.cycles) << ctx << ": CYCLES register vs harness count";
    const uint64_t formula = test::reference_cycles(p.lanes, d.job);
    EXPECT_EQ(g.cycles, formula) << ctx;
    if (stalls.any()) {
      EXPECT_GE(r.cycles, formula) << ctx;
      EXPECT_LE(r.cycles, formula + st.stall_cycles) << ctx << " stalls " << st.stall_cycles;
    } else {
      EXPECT_EQ(r.cycles, formula) << ctx;
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
  std::printf("[ cosim    ] %s: %llu jobs (%llu rejected, %llu with n = VECTORS = %u, %llu reusing > 1 "
              "vector), %llu RTL cycles, %llu stall cycles\n",
              name, (unsigned long long)c.jobs, (unsigned long long)c.rejected,
              (unsigned long long)c.full_vector_jobs, p.vectors, (unsigned long long)c.multi_vector_skips,
              (unsigned long long)c.cycles, (unsigned long long)c.stall_cycles);
  return c;
}

TEST(MveCosim, RtlBuildHoldsSeveralVectors) {
  // The batch paths below only mean something with VECTORS > 1.
  RtlEngine rtl;
  EXPECT_GT(rtl.params().vectors, 1u) << "PNM_MVE_VECTORS in rtl/CMakeLists.txt";
  EXPECT_EQ(regs::get<regs::mve::PARAMS2::VECTORS>(rtl.read_reg(regs::mve::PARAMS2::OFFSET)),
            rtl.params().vectors);
}

// Rows stay at or below 128 in the long random runs: a batch job does up to
// VECTORS times the MACs per cycle, and the suite should stay fast.
constexpr uint32_t kRandomMaxRows = 128;

TEST(MveCosim, RandomJobsNoStalls) {
  tb::MveSequenceConfig q;
  q.max_rows = kRandomMaxRows;
  const auto c = run_random("MveCosim.RandomJobsNoStalls", 1, 400, {}, q);
  EXPECT_EQ(c.jobs, 400u);
  EXPECT_GT(c.full_vector_jobs, 50u);
  EXPECT_GT(c.multi_vector_skips, 0u);
}

TEST(MveCosim, RandomJobsWithStallsOnAllStreams) {
  StallConfig s;
  s.act_valid_low = 0.3;
  s.w_valid_low = 0.25;
  s.res_ready_low = 0.4;
  tb::MveSequenceConfig q;
  q.max_rows = kRandomMaxRows;
  const auto c = run_random("MveCosim.RandomJobsWithStallsOnAllStreams", 2, 400, s, q);
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
  q.max_rows = kRandomMaxRows;
  q.extreme_job_fraction = 0.6;
  q.bad_job_fraction = 0.2;
  StallConfig s;
  s.w_valid_low = 0.1;
  const auto c = run_random("MveCosim.ExtremeValuesAndBadJobsInterleaved", 4, 200, s, q);
  EXPECT_GT(c.rejected, 0u);
  EXPECT_LT(c.rejected, c.jobs);
  EXPECT_GT(c.full_vector_jobs, 0u);
}

TEST(MveCosim, EveryAdmissionCheckAmongRandomBadJobs) {
  // Mostly bad jobs: every error code, VECS_RANGE (n 0 and n > VECTORS) and
  // NO_ACT (too few held vectors or columns) included, between good jobs
  // whose results show the held activations survived the rejections.
  tb::MveSequenceConfig q;
  q.max_rows = 16;
  q.bad_job_fraction = 0.6;
  q.skip_act_fraction = 0.5;
  const auto c = run_random("MveCosim.EveryAdmissionCheckAmongRandomBadJobs", 5, 300, {}, q);
  for (Err e : {Err::ROWS_ZERO, Err::COLS_ZERO, Err::COLS_RANGE, Err::VECS_RANGE, Err::NO_ACT}) {
    EXPECT_GT(c.errors.count(e) ? c.errors.at(e) : 0u, 0u) << "error code " << static_cast<int>(e);
  }
  EXPECT_GT(c.multi_vector_skips, 0u);
}

TEST(MveCosim, BadJobsSetErrorAndEngineRecovers) {
  RtlEngine rtl;
  const uint32_t nv = rtl.params().vectors;
  ASSERT_GE(nv, 2u);
  std::vector<int8_t> act(4097 * (nv + 1), 3), w(4097 * 2, -2);
  for (uint32_t v = 0; v < nv; ++v) act[uint64_t{v} * 4096] = static_cast<int8_t>(v + 10);  // tell vectors apart
  auto run = [&](uint32_t rows, uint32_t cols, uint32_t vecs = 1, bool skip = false) {
    Job j;
    j.rows = rows;
    j.cols = cols;
    j.vectors = vecs;
    j.skip_act = skip;
    j.act = act.data();
    j.weights = w.data();
    return rtl.run(j);
  };
  EXPECT_EQ(run(1, 8, 1, true).status, Err::NO_ACT);
  EXPECT_EQ(run(0, 8).status, Err::ROWS_ZERO);
  EXPECT_EQ(run(2, 0).status, Err::COLS_ZERO);
  EXPECT_EQ(run(2, 4097).status, Err::COLS_RANGE);
  EXPECT_EQ(run(2, 4097, 0).status, Err::COLS_RANGE) << "COLS is checked before VECS";
  EXPECT_EQ(run(2, 8, 0).status, Err::VECS_RANGE);
  EXPECT_EQ(run(2, 8, nv + 1).status, Err::VECS_RANGE);
  EXPECT_EQ(run(2, 8, 0xFFFF).status, Err::VECS_RANGE);
  // One vector of 4096 columns held: more vectors, or more columns, is NO_ACT.
  const Result ok = run(2, 4096);
  ASSERT_EQ(ok.status, Err::NONE);
  EXPECT_EQ(ok.out, std::vector<int32_t>(2, 4095 * -6 + 10 * -2));
  EXPECT_EQ(run(2, 4096, 2, true).status, Err::NO_ACT);
  // n == VECTORS vectors of 4096 columns, then reuse of fewer vectors and
  // columns, across rejected jobs that must leave them as they were.
  const Result full = run(2, 4096, nv);
  ASSERT_EQ(full.status, Err::NONE);
  ASSERT_EQ(full.out.size(), 2u * nv);
  EXPECT_EQ(full.cycles, nv * 256u + 2 * 256 + 1);
  for (uint32_t v = 0; v < nv; ++v) {
    const int32_t e = 4095 * -6 + static_cast<int32_t>(v + 10) * -2;
    EXPECT_EQ(full.out[v], e) << "vector " << v;
    EXPECT_EQ(full.out[nv + v], e) << "vector " << v;
  }
  EXPECT_EQ(run(2, 8, nv + 1, true).status, Err::VECS_RANGE);
  EXPECT_EQ(run(0, 8, nv, true).status, Err::ROWS_ZERO);
  const Result reuse = run(1, 100, nv - 1, true);
  ASSERT_EQ(reuse.status, Err::NONE);
  EXPECT_EQ(reuse.cycles, 7u + 1) << "no activation beats";
  ASSERT_EQ(reuse.out.size(), nv - 1);
  for (uint32_t v = 0; v + 1 < nv; ++v) {
    EXPECT_EQ(reuse.out[v], 99 * -6 + static_cast<int32_t>(v + 10) * -2) << "vector " << v;
  }
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
  EXPECT_EQ(rtl.read_reg(regs::mve::VECS::OFFSET), regs::mve::VECS::RESET) << "VECS resets to 1";
  EXPECT_TRUE(rtl.write_reg(regs::mve::VECS::OFFSET, 0xFFFFFFFF));
  EXPECT_EQ(rtl.read_reg(regs::mve::VECS::OFFSET), regs::mve::VECS::VALUE::MASK) << "field masked";
  EXPECT_FALSE(rtl.write_reg(regs::mve::PARAMS2::OFFSET, 1)) << "PARAMS2 is read-only";
}

// A golden model that lies about one result (row, last vector) of one job.
class CorruptedGolden final : public Engine {
 public:
  CorruptedGolden(const Params& p, uint64_t job, uint32_t row) : g_(p), job_(job), row_(row) {}
  Result run(const Job& j) override {
    Result r = g_.run(j);
    const uint64_t k = uint64_t{row_} * j.vectors + j.vectors - 1;
    if (j.id == job_ && k < r.out.size()) r.out[k] ^= 1 << 13;
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
  q.vectors = p.vectors;  // every job n == VECTORS: the lie is in the last vector
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
      rtl_value = r.out.at(17 * p.vectors + p.vectors - 1);
    }
  }
  const Scoreboard& sb = shadow.scoreboard();
  std::printf("%s\n", sb.report().c_str());
  EXPECT_EQ(sb.jobs(), 10u);
  ASSERT_EQ(sb.mismatches(), 1u);
  const Mismatch& m = sb.recorded().at(0);
  EXPECT_EQ(m.job_id, 5u);
  EXPECT_EQ(m.row, 17);
  EXPECT_EQ(m.vector, p.vectors > 1 ? int64_t{p.vectors} - 1 : -1);
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
    j.vectors = rtl.params().vectors;  // a batch job in the waveform too
    act.assign(40 * j.vectors, 2);
    j.act = act.data();
    ASSERT_EQ(rtl.run(j).out, std::vector<int32_t>(3 * j.vectors, 240));
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
