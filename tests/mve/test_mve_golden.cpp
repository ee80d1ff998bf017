// The golden MVE alone: numerics, cycle formula, admission checks and the
// activation-buffer state, against the plain C++ reference. No SystemC.
#include <gtest/gtest.h>

#include "testbench/mve/mve_sequence.hpp"
#include "tests/common/test_seed.hpp"
#include "tlm/pnm/mve_golden.hpp"
#include "tlm/pnm/mve_scoreboard.hpp"

namespace pnm::mve {
namespace {

TEST(MveGolden, RandomJobsMatchReference) {
  const Params p;
  GoldenEngine eng(p);
  tb::MveSequence seq(p, {}, test::seed("MveGolden.RandomJobsMatchReference", 11));
  std::vector<int8_t> act;
  for (int i = 0; i < 300; ++i) {
    auto d = seq.next();
    if (!d.job.skip_act) act = d.act;
    const Result r = eng.run(d.job);
    ASSERT_EQ(r.status, Err::NONE) << "job " << d.job.id;
    ASSERT_EQ(r.out, tb::reference_gemv(d, act)) << "job " << d.job.id;
    const uint64_t b = (d.job.cols + p.lanes - 1) / p.lanes;
    ASSERT_EQ(r.cycles, (d.job.skip_act ? 0 : b) + d.job.rows * b + 1) << "job " << d.job.id;
  }
}

TEST(MveGolden, ExtremeValuesAccumulateExactly) {
  // 4096 columns of (-128) x (-128) = 67,108,864: needs all of int32's room
  // below 2^31 that a 16-bit accumulator would not have.
  const Params p;
  GoldenEngine eng(p);
  std::vector<int8_t> act(4096, -128), w(2 * 4096, -128);
  for (uint32_t c = 0; c < 4096; ++c) w[4096 + c] = 127;
  Job j;
  j.rows = 2;
  j.cols = 4096;
  j.act = act.data();
  j.weights = w.data();
  const Result r = eng.run(j);
  ASSERT_EQ(r.status, Err::NONE);
  EXPECT_EQ(r.out[0], 4096 * 128 * 128);
  EXPECT_EQ(r.out[1], -4096 * 127 * 128);
}

TEST(MveGolden, RejectsBadJobsAndKeepsGoing) {
  const Params p{16, 64};
  GoldenEngine eng(p);
  std::vector<int8_t> act(65, 1), w(65 * 3, 2);
  auto job = [&](uint32_t rows, uint32_t cols, bool skip) {
    Job j;
    j.rows = rows;
    j.cols = cols;
    j.skip_act = skip;
    j.act = act.data();
    j.weights = w.data();
    return eng.run(j);
  };
  EXPECT_EQ(job(1, 10, true).status, Err::NO_ACT);  // nothing loaded yet
  EXPECT_EQ(job(0, 10, false).status, Err::ROWS_ZERO);
  EXPECT_EQ(job(3, 0, false).status, Err::COLS_ZERO);
  const Result big = job(3, 65, false);
  EXPECT_EQ(big.status, Err::COLS_RANGE);
  EXPECT_TRUE(big.out.empty());
  EXPECT_EQ(big.cycles, 0u);
  // The next good job runs normally, and a later one may reuse its vector.
  const Result ok = job(3, 20, false);
  ASSERT_EQ(ok.status, Err::NONE);
  EXPECT_EQ(ok.out, std::vector<int32_t>(3, 40));
  EXPECT_EQ(job(3, 21, true).status, Err::NO_ACT);  // covers only 20 columns
  const Result reuse = job(2, 20, true);
  ASSERT_EQ(reuse.status, Err::NONE);
  EXPECT_EQ(reuse.cycles, 2u * 2 + 1);  // no activation beats
}

TEST(MveGolden, RegisterWidthsAreEnforced) {
  GoldenEngine eng(Params{});
  Job j;
  j.rows = 1u << 24;
  j.cols = 1;
  EXPECT_THROW(eng.run(j), std::invalid_argument);
}

TEST(MveScoreboard, ReportsFirstMismatchWithContext) {
  Scoreboard sb("sb");
  Job j;
  j.id = 7;
  j.issue_time_ps = 5000;
  Result e, a;
  e.out = {1, 2, 3};
  a.out = {1, 2, 4};
  a.row_cycle = {10, 20, 30};
  e.cycles = a.cycles = 9;
  EXPECT_EQ(sb.compare(j, e, a, [](uint64_t c) { return c * 1000; }), 1u);
  ASSERT_EQ(sb.recorded().size(), 1u);
  const Mismatch& m = sb.recorded()[0];
  EXPECT_EQ(m.job_id, 7u);
  EXPECT_EQ(m.row, 2);
  EXPECT_EQ(m.expected, 3);
  EXPECT_EQ(m.actual, 4);
  EXPECT_EQ(m.rtl_cycle, 30u);
  EXPECT_EQ(m.wave_time_ps, 30000u);
  EXPECT_NE(sb.report().find("job 7 row 2: result expected 3 actual 4"), std::string::npos)
      << sb.report();
  // Cycle and status differences are mismatches too.
  a.out = e.out;
  a.cycles = 10;
  a.status = Err::STRB;
  EXPECT_EQ(sb.compare(j, e, a), 2u);
  EXPECT_EQ(sb.mismatches(), 3u);
}

}  // namespace
}  // namespace pnm::mve
