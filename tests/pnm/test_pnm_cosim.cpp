// PNM unit with the Verilated MVE (kind rtl) and the shadow pair (RTL and
// golden model compared job by job): a full GEMV over C in {1, 2} channels
// equals the C++ reference. Built only with PNMSIM_WITH_RTL.
#include <gtest/gtest.h>

#include "tests/pnm/pnm_harness.hpp"

using pnm_test::gemv_over_channels;

TEST(PnmGemvRtl, MatchesReferenceC1) { gemv_over_channels(1, "rtl"); }
TEST(PnmGemvRtl, MatchesReferenceC2) { gemv_over_channels(2, "rtl"); }
TEST(PnmGemvShadow, MatchesReferenceC1) { gemv_over_channels(1, "shadow"); }
TEST(PnmGemvShadow, MatchesReferenceC2) { gemv_over_channels(2, "shadow"); }
