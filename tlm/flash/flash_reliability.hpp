// Raw bit error rate model and bit-error sampling (plain C++).
//
//   RBER(PE, N, t) = min(0.5, rber_base + rber_pe_coeff * PE^rber_pe_exponent
//                             + rber_read_disturb_per_read * N
//                             + rber_retention_per_hour * t)
// PE = program/erase cycles of the block, N = page reads of the block since its
// last erase (read disturb acts on the whole block), t = retention time of the
// block's data in hours. The additive form follows the usual empirical split
// of NAND error sources (wear, read disturb, retention; Cai et al., "Error
// Characterization, Mitigation, and Recovery in Flash-Memory-Based SSDs",
// Proc. IEEE 2017); the coefficients are config values, not fitted here.
//
// Bit errors per ECC codeword of n bits are drawn as Poisson(n * RBER), the
// small-RBER limit of Binomial(n, RBER), from a seeded splitmix64 stream, with
// our own sampler so results do not depend on the standard library. Up to one
// expected error per codeword, ChannelModel draws only which codewords have
// errors (an exponential clock) and their counts, not a value per codeword.
#pragma once

#include <cmath>
#include <cstdint>

#include "tlm/flash/flash_config.hpp"

namespace pnm::flash {

/// splitmix64: tiny, fast, good enough for error sampling; deterministic.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, 1).
  double uniform() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }

 private:
  uint64_t s_;
};

inline uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xFF51AFD7ED558CCDull;
  x ^= x >> 33;
  x *= 0xC4CEB9FE1A85EC53ull;
  return x ^ (x >> 33);
}

/// The wear term rber_pe_coeff * PE^rber_pe_exponent (0 when the coefficient
/// is not positive). A std::pow per page read is a tenth of a timing-only
/// decode's wall time, and PE changes only on erase: ChannelModel keeps the
/// last value and passes it to rber_with_pe_term (bit-identical to rber()).
inline double rber_pe_term(const FlashConfig& c, uint32_t pe_cycles) {
  return c.rber_pe_coeff > 0 ? c.rber_pe_coeff * std::pow(double(pe_cycles), c.rber_pe_exponent) : 0.0;
}

inline double rber_with_pe_term(const FlashConfig& c, double pe_term, uint64_t reads_since_erase,
                                double retention_hours) {
  double r = c.rber_base + c.rber_read_disturb_per_read * double(reads_since_erase) +
             c.rber_retention_per_hour * retention_hours;
  if (c.rber_pe_coeff > 0) r += pe_term;
  return r < 0.5 ? r : 0.5;
}

inline double rber(const FlashConfig& c, uint32_t pe_cycles, uint64_t reads_since_erase,
                   double retention_hours) {
  return rber_with_pe_term(c, rber_pe_term(c, pe_cycles), reads_since_erase, retention_hours);
}

/// Poisson(lambda) sample by inversion. `exp_neg_lambda` caches exp(-lambda)
/// for a caller drawing several codewords at one lambda: pass a negative
/// value, and it is computed only when a draw needs it. At the small lambdas
/// of page reads nearly every draw is 0, and u <= 1 - lambda - 2^-50 (below
/// every computed exp(-lambda): 1 - lambda < exp(-lambda), and both sides
/// are within 2^-52 of their exact values) decides that without the exp(),
/// several per cent of a page-mode decode; the result is the same draw.
// The rare cases of poisson(), out of line so that its common case (0
// errors at a small lambda) inlines into the per-codeword loop.
[[gnu::noinline]] inline uint32_t poisson_normal(SplitMix64& rng, double lambda) {
  const double u1 = 1.0 - rng.uniform(), u2 = rng.uniform();
  const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  const double k = std::floor(lambda + std::sqrt(lambda) * z + 0.5);
  return k < 0 ? 0u : uint32_t(k);
}
[[gnu::noinline]] inline uint32_t poisson_inversion(double u, double lambda, double& exp_neg_lambda) {
  if (exp_neg_lambda < 0) exp_neg_lambda = std::exp(-lambda);
  double p = exp_neg_lambda, cdf = p;
  uint32_t k = 0;
  while (u > cdf && k < 1000) {
    ++k;
    p *= lambda / k;
    cdf += p;
  }
  return k;
}

// Above this lambda, the normal approximation (inversion would be slow).
constexpr double kPoissonNormalAbove = 60;
// Draws u at or below this are 0 errors, without the exp() (see above).
inline double poisson_zero_at_or_below(double lambda) { return 1.0 - lambda - 0x1p-50; }

// poisson()'s inversion case (0 < lambda <= kPoissonNormalAbove), with
// poisson_zero_at_or_below(lambda) computed by the caller: a loop drawing
// many codewords at one lambda tests lambda once, not per draw.
inline uint32_t poisson_small(SplitMix64& rng, double lambda, double zero_at_or_below, double& exp_neg_lambda) {
  const double u = rng.uniform();
  if (u <= zero_at_or_below) return 0;
  return poisson_inversion(u, lambda, exp_neg_lambda);
}

/// Poisson(lambda) conditioned on at least one event, by inversion from 1:
/// the error count of a codeword known to have errors.
[[gnu::noinline]] inline uint32_t poisson_at_least_one(SplitMix64& rng, double lambda) {
  const double u = rng.uniform() * -std::expm1(-lambda);  // in [0, P(X >= 1))
  double p = lambda * std::exp(-lambda), cdf = p;          // P(X = 1)
  uint32_t k = 1;
  while (u >= cdf && k < 1000) {
    ++k;
    p *= lambda / k;
    cdf += p;
  }
  return k;
}

/// An Exp(1) draw, >= 0.
inline double exp1(SplitMix64& rng) { return -std::log1p(-rng.uniform()); }

// Up to this lambda (bit errors expected per codeword) ChannelModel draws
// which codewords have errors with an exponential clock, not one draw per
// codeword (ChannelModel::draw_sparse).
constexpr double kSparseErrorsUpTo = 1.0;

inline uint32_t poisson(SplitMix64& rng, double lambda, double& exp_neg_lambda) {
  if (lambda <= 0) return 0;
  if (lambda > kPoissonNormalAbove) return poisson_normal(rng, lambda);
  return poisson_small(rng, lambda, poisson_zero_at_or_below(lambda), exp_neg_lambda);
}

}  // namespace pnm::flash
