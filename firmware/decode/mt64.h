// mt19937_64 (Matsumoto & Nishimura, 64-bit Mersenne Twister) in C11: the
// same sequence as C++'s std::mt19937_64 for the same seed, so the firmware's
// sampling draws equal the reference model's (sim/model/sampler.hpp).
#ifndef PNM_FW_MT64_H_
#define PNM_FW_MT64_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PNM_MT64_N 312

typedef struct {
  uint64_t mt[PNM_MT64_N];
  uint32_t mti;
} pnm_mt64_t;

void pnm_mt64_seed(pnm_mt64_t* s, uint64_t seed);
uint64_t pnm_mt64_next(pnm_mt64_t* s);

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // PNM_FW_MT64_H_
