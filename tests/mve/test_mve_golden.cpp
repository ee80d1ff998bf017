// The golden MVE alone: numerics, cycle formula, admission checks and the
// activation-buffer state, against the plain C++ reference. No SystemC.
#include <gtest/gtest.h>

#include "testbench/mve/mve_sequence.hpp"
#include "tests/common/test_seed.hpp"
#include "tests/mve/mve_reference.hpp"
#include "tlm/pnm/mve_golden.hpp"
#include "tlm/pnm/mve_scoreboard.hpp"

namespace pnm::mve {
namespace {

TEST(MveGolden, RandomJobsMatchReference) {
  // Several vector counts, including 1 (the default) and 5 (not a power of two).
  const uint64_t seed = test::seed("MveGolden.RandomJobsMatchReference", 11);
  for (unsigned vectors : {1u, 4u, 5u}) {
    const Params p{16, 4096, vectors};
    GoldenEngine eng(p);
    tb::MveSequenceConfig q;
    q.bad_job_fraction = 0.1;
    q.max_rows = 64;
    tb::MveSequence seq(p, q, seed + vectors);
    test::HeldActivations held;
    for (int i = 0; i < 150; ++i) {
      auto d = seq.next();
      const std::string ctx = "vectors " + std::to_string(vectors) + " job " + std::to_string(d.job.id) +
                              " n " + std::to_string(d.job.vectors) + " seed " + std::to_string(seed);
      const Result r = eng.run(d.job);
      const Err e = test::reference_status(p, d.job, held);
      ASSERT_EQ(r.status, e) << ctx;
      if (e != Err::NONE) {
        ASSERT_TRUE(r.out.empty()) << ctx;
        ASSERT_EQ(r.cycles, 0u) << ctx;
        continue;
      }
      held.accept(d);
      ASSERT_EQ(r.out, test::reference_gemv(d, held)) << ctx;
      ASSERT_EQ(r.cycles, test::reference_cycles(p.lanes, d.job)) << ctx;
      ASSERT_EQ(r.row_cycle.size(), d.job.rows) << ctx;
    }
  }
}

TEST(MveGolden, VectorsAreHeldReusedAndKeptAcrossRejections) {
  const Params p{16, 64, 3};
  GoldenEngine eng(p);
  // Three vectors of 20 columns: vector v is all (v + 1).
  std::vector<int8_t> act(3 * 20), w(2 * 20, 1);
  for (unsigned v = 0; v < 3; ++v) std::fill(act.begin() + 20 * v, act.begin() + 20 * (v + 1), int8_t(v + 1));
  w[20] = -1;  // 20-column jobs: row 1 is 19 - 1 = 18 times the vector's value
  auto job = [&](uint32_t cols, uint32_t n, bool skip) {
    Job j;
    j.rows = 2;
    j.cols = cols;
    j.vectors = n;
    j.skip_act = skip;
    j.act = act.data();
    j.weights = w.data();
    return eng.run(j);
  };
  EXPECT_EQ(job(20, 0, false).status, Err::VECS_RANGE);
  EXPECT_EQ(job(20, 4, false).status, Err::VECS_RANGE);
  EXPECT_EQ(job(65, 4, false).status, Err::COLS_RANGE) << "COLS before VECS";
  const Result r = job(20, 3, false);
  ASSERT_EQ(r.status, Err::NONE);
  EXPECT_EQ(r.out, (std::vector<int32_t>{20, 40, 60, 18, 36, 54})) << "out[r * n + v]";
  EXPECT_EQ(r.cycles, 3u * 2 + 2 * 2 + 1);
  EXPECT_EQ(r.row_cycle.size(), 2u);
  EXPECT_EQ(job(20, 4, true).status, Err::VECS_RANGE) << "VECS before NO_ACT";
  EXPECT_EQ(job(21, 2, true).status, Err::NO_ACT);
  // Reuse of the first two vectors over fewer columns.
  const Result reuse = job(10, 2, true);
  ASSERT_EQ(reuse.status, Err::NONE);
  EXPECT_EQ(reuse.out, (std::vector<int32_t>{10, 20, 10, 20})) << "rows are 10 wide now: w[10..19] is row 1";
  EXPECT_EQ(reuse.cycles, 2u * 1 + 1);
  // A load of one vector replaces all three.
  ASSERT_EQ(job(20, 1, false).status, Err::NONE);
  EXPECT_EQ(job(20, 2, true).status, Err::NO_ACT);
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
  const Params p{16, 64, 1};
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
  j.rows = 1;
  j.vectors = 1u << 16;  // past the VECS register
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
  // With n = 2 vectors, result k is row k / 2, vector k % 2.
  Scoreboard sb2("sb2");
  j.vectors = 2;
  e.out = {1, 2, 3, 4};
  a.out = {1, 2, 3, 5};
  a.row_cycle = {10, 20};
  a.status = e.status;
  a.cycles = e.cycles;
  EXPECT_EQ(sb2.compare(j, e, a), 1u);
  EXPECT_EQ(sb2.recorded().at(0).row, 1);
  EXPECT_EQ(sb2.recorded().at(0).vector, 1);
  EXPECT_EQ(sb2.recorded().at(0).rtl_cycle, 20u);
  EXPECT_NE(sb2.report().find("job 7 row 1 vector 1: result expected 4 actual 5"), std::string::npos)
      << sb2.report();
}

}  // namespace
}  // namespace pnm::mve
