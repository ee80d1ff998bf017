// Exact integer division without the 64-bit divide instruction. The stream
// mode divides on every look-up of a time on a line (TimeRun, the flash
// channel's unit lines) and several times per batch (beats, rounds), and a
// 64-bit divide (or the __int128 library call) took a fifth of its wall time
// on the 2-core reference machine.
#pragma once

#include <cstdint>

namespace pnm {

// floor(num / den) for den > 0, exactly. Below 2^53 both operands are exact
// doubles and the double quotient is correctly rounded, so its integer part
// is the true quotient or one more (rounding up to the next integer); one
// multiplication tells which.
inline uint64_t div_floor(uint64_t num, uint64_t den) {
  if (num >= (uint64_t{1} << 53)) return num / den;
  uint64_t q = static_cast<uint64_t>(static_cast<double>(num) / static_cast<double>(den));
  if (q * den > num) --q;
  return q;
}

// A divisor kept with its reciprocal: floor(num / den) by one multiplication
// (a division's latency is several of them), for a divisor used many times.
// Below 2^52 the product is within one of num / den; one comparison each
// way corrects it.
struct Divisor {
  uint64_t den = 1;
  double inv = 1.0;
  Divisor() = default;
  explicit Divisor(uint64_t d) : den(d), inv(1.0 / static_cast<double>(d)) {}
  uint64_t div(uint64_t num) const {
    if (num >= (uint64_t{1} << 52)) return num / den;
    uint64_t q = static_cast<uint64_t>(static_cast<double>(num) * inv);
    if (q * den > num) --q;
    else if (num - q * den >= den) ++q;
    return q;
  }
};

// num % den, by div_floor.
inline uint64_t mod_floor(uint64_t num, uint64_t den) { return num - div_floor(num, den) * den; }

}  // namespace pnm
