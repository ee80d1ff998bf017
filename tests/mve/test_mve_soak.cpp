// Long constrained-random co-simulation (label `slow`, not in the default
// suite): 20,000 jobs (n = 1 .. VECTORS activation vectors) with stalls on
// every stream and bad jobs of every kind mixed in,
// RTL against the golden model and the plain C++ reference.
//   ctest --test-dir build -L slow      PNMSIM_SEED=n to vary
#include <gtest/gtest.h>

#include "testbench/mve/mve_sequence.hpp"
#include "tests/common/test_seed.hpp"
#include "tests/mve/mve_reference.hpp"
#include "tlm/pnm/mve_golden.hpp"
#include "tlm/pnm/mve_rtl.hpp"
#include "tlm/pnm/mve_shadow.hpp"

namespace pnm::mve {
namespace {

TEST(MveSoak, TwentyThousandJobsWithStallsAndBadJobs) {
  const uint64_t seed = test::seed("MveSoak.TwentyThousandJobsWithStallsAndBadJobs", 2024);
  StallConfig s;
  s.act_valid_low = 0.2;
  s.w_valid_low = 0.2;
  s.res_ready_low = 0.3;
  s.seed = seed ^ 0x5eed;
  auto rtl = std::make_unique<RtlEngine>(s);
  const Params p = rtl->params();
  ShadowEngine shadow(std::move(rtl), std::make_unique<GoldenEngine>(p), {}, /*stop_after=*/1,
                      /*compare_cycles=*/false);
  tb::MveSequenceConfig q;
  q.max_rows = 128;  // batch jobs (n up to VECTORS) do up to VECTORS x the MACs per cycle
  q.bad_job_fraction = 0.05;
  q.extreme_job_fraction = 0.2;
  tb::MveSequence seq(p, q, seed);
  test::HeldActivations held;
  for (int i = 0; i < 20000; ++i) {
    auto d = seq.next();
    const Err expect = test::reference_status(p, d.job, held);
    const Result r = shadow.run(d.job);  // throws ShadowMismatch on the first difference
    ASSERT_EQ(r.status, expect) << "job " << i << " seed " << seed;
    if (r.status != Err::NONE) continue;
    held.accept(d);
    ASSERT_EQ(r.out, test::reference_gemv(d, held)) << "job " << i << " seed " << seed;
  }
  std::printf("%s\n", shadow.scoreboard().report().c_str());
  EXPECT_TRUE(shadow.scoreboard().ok());
  EXPECT_EQ(shadow.scoreboard().jobs(), 20000u);
}

}  // namespace
}  // namespace pnm::mve
