// Picoseconds <-> sc_time, the one conversion the models share. Models keep
// their own clocks in integer picoseconds (exact, cheap to compare); the
// kernel's time resolution is fixed once simulation objects exist.
#pragma once

#include <cstdint>

#include <systemc>

namespace pnm {

inline uint64_t ticks_per_ps() {
  static const uint64_t t = sc_core::sc_time(1, sc_core::SC_PS).value();
  return t;
}

// t in picoseconds, rounded to nearest (t / sc_time(1, SC_PS) + 0.5).
inline uint64_t to_ps(const sc_core::sc_time& t) {
  return static_cast<uint64_t>(static_cast<double>(t.value()) / static_cast<double>(ticks_per_ps()) + 0.5);
}

// Equals sc_time(double(v), SC_PS): with a 1 ps resolution that constructor
// yields v exactly for v < 2^52, so skip its floating-point path.
inline sc_core::sc_time ps_time(uint64_t v) {
  if (ticks_per_ps() == 1 && v < (uint64_t{1} << 52)) return sc_core::sc_time::from_value(v);
  return sc_core::sc_time(static_cast<double>(v), sc_core::SC_PS);
}

// The current simulated time in picoseconds.
inline uint64_t now_ps() { return to_ps(sc_core::sc_time_stamp()); }

}  // namespace pnm
