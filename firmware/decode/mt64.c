#include "firmware/decode/mt64.h"

// Parameters of mt19937_64 as the C++ standard fixes them ([rand.predef]).
#define MT_M 156
#define MT_A 0xB5026F5AA96619E9ull
#define MT_UPPER 0xFFFFFFFF80000000ull  // the high w - r = 33 bits
#define MT_LOWER 0x000000007FFFFFFFull  // the low r = 31 bits

void pnm_mt64_seed(pnm_mt64_t* s, uint64_t seed) {
  s->mt[0] = seed;
  for (uint32_t i = 1; i < PNM_MT64_N; ++i) {
    s->mt[i] = 6364136223846793005ull * (s->mt[i - 1] ^ (s->mt[i - 1] >> 62)) + i;
  }
  s->mti = PNM_MT64_N;
}

static uint64_t twist(uint64_t hi, uint64_t lo, uint64_t far) {
  const uint64_t x = (hi & MT_UPPER) | (lo & MT_LOWER);
  return far ^ (x >> 1) ^ ((x & 1u) ? MT_A : 0u);
}

uint64_t pnm_mt64_next(pnm_mt64_t* s) {
  if (s->mti >= PNM_MT64_N) {
    uint32_t i = 0;
    for (; i < PNM_MT64_N - MT_M; ++i) s->mt[i] = twist(s->mt[i], s->mt[i + 1], s->mt[i + MT_M]);
    for (; i < PNM_MT64_N - 1; ++i) s->mt[i] = twist(s->mt[i], s->mt[i + 1], s->mt[i + MT_M - PNM_MT64_N]);
    s->mt[PNM_MT64_N - 1] = twist(s->mt[PNM_MT64_N - 1], s->mt[0], s->mt[MT_M - 1]);
    s->mti = 0;
  }
  uint64_t x = s->mt[s->mti++];
  x ^= (x >> 29) & 0x5555555555555555ull;
  x ^= (x << 17) & 0x71D67FFFEDA60000ull;
  x ^= (x << 37) & 0xFFF7EEE000000000ull;
  x ^= x >> 43;
  return x;
}
