// The firmware's C mt19937_64 draws exactly what C++'s std::mt19937_64 does,
// so firmware sampling reproduces the reference Sampler's tokens.
#include <gtest/gtest.h>

#include <random>

#include "firmware/decode/mt64.h"

namespace {

TEST(FirmwareMt64, SameSequenceAsStdMt19937_64) {
  for (uint64_t seed : {0ull, 1ull, 5489ull, 0x8000000000000007ull, 0xDEADBEEFCAFEF00Dull}) {
    std::mt19937_64 ref(seed);
    pnm_mt64_t fw;
    pnm_mt64_seed(&fw, seed);
    for (int i = 0; i < 1000; ++i) {  // > 312: crosses the state regeneration three times
      ASSERT_EQ(pnm_mt64_next(&fw), ref()) << "seed " << seed << " draw " << i;
    }
  }
}

}  // namespace
