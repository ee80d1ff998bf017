#pragma once
// Deterministic random draws on top of std::mt19937_64, whose output sequence
// the C++ standard fixes. The std distributions are implementation-defined, so
// we convert the raw 64-bit words ourselves; these conversions are exact.
#include <cstdint>
#include <random>

namespace pnm::model {

// Uniform in [0, 1) with 24 random bits: exactly representable as float.
inline float uniform01_f32(std::mt19937_64& rng) {
  return float(rng() >> 40) * (1.0f / 16777216.0f);
}

// Uniform in [0, 1) with 53 random bits.
inline double uniform01_f64(std::mt19937_64& rng) {
  return double(rng() >> 11) * (1.0 / 9007199254740992.0);
}

// Approximately N(0, 1): Irwin-Hall sum of 12 uniforms minus 6 (support
// [-6, 6]). No libm, so bit-identical on every IEEE-754 platform.
inline double approx_normal(std::mt19937_64& rng) {
  double s = 0.0;
  for (int i = 0; i < 12; ++i) s += uniform01_f64(rng);
  return s - 6.0;
}

}  // namespace pnm::model
