// Seeds for randomised tests: PNMSIM_SEED overrides the default, and the seed
// in use is printed so a failing run can be repeated exactly.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace pnm::test {

inline uint64_t seed(const char* test_name, uint64_t default_seed) {
  uint64_t s = default_seed;
  if (const char* env = std::getenv("PNMSIM_SEED"); env != nullptr && *env != '\0') {
    s = std::stoull(env, nullptr, 0);
  }
  std::printf("[ seed     ] %s: PNMSIM_SEED=%llu (re-run with this to repeat)\n", test_name,
              static_cast<unsigned long long>(s));
  std::fflush(stdout);
  return s;
}

}  // namespace pnm::test
