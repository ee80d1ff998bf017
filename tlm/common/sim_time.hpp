// Picoseconds <-> sc_time, the one conversion the models share. Models keep
// their own clocks in integer picoseconds (exact, cheap to compare); the
// kernel's time resolution is fixed once simulation objects exist.
#pragma once

#include <cstdint>
#include <string>

#include <systemc>

namespace pnm {

inline uint64_t ticks_per_ps() {
  static const uint64_t t = sc_core::sc_time(1, sc_core::SC_PS).value();
  return t;
}

// t in picoseconds, rounded to nearest (t / sc_time(1, SC_PS) + 0.5).
inline uint64_t to_ps(const sc_core::sc_time& t) {
  const uint64_t v = t.value();
  if (ticks_per_ps() == 1 && v < (uint64_t{1} << 52)) return v;  // the same, without the division
  return static_cast<uint64_t>(static_cast<double>(v) / static_cast<double>(ticks_per_ps()) + 0.5);
}

// Equals sc_time(double(v), SC_PS): with a 1 ps resolution that constructor
// yields v exactly for v < 2^52, so skip its floating-point path. One tick
// times v by sc_time's inline *= (int64(1.0 * v + 0.5) = v below 2^52) is
// also v, without from_value's out-of-line call, which a page-mode decode
// paid twice per page read (5% of its time).
inline sc_core::sc_time ps_time(uint64_t v) {
  if (ticks_per_ps() == 1 && v < (uint64_t{1} << 52)) {
    static const sc_core::sc_time tick = sc_core::sc_time::from_value(1);
    sc_core::sc_time t = tick;
    t *= static_cast<double>(v);
    return t;
  }
  return sc_core::sc_time(static_cast<double>(v), sc_core::SC_PS);
}

// The current simulated time in picoseconds.
inline uint64_t now_ps() { return to_ps(sc_core::sc_time_stamp()); }

// The largest simulated time a run may reach: the kernel's double-based
// sc_time conversions saturate past 2^63 time steps, and the blocks' integer
// picosecond sums would wrap at 2^64. Every configured delay is far below
// 2^63 ps (~107 days), so a time computed from inputs below the bound cannot
// wrap before a block compares it with the bound.
constexpr uint64_t kMaxSimPs = uint64_t{1} << 63;

// The first time overflow of this process ("" if none): one line naming the
// block. A simulation has one kernel per process, so one slot.
inline std::string& time_overflow_slot() {
  static std::string s;
  return s;
}
inline const std::string& time_overflow_error() { return time_overflow_slot(); }

// A block whose completion time end_ps (what: e.g. "page read") reaches
// kMaxSimPs calls this instead of going on with a time that would wrap: the
// first report is kept and the simulation stops (the run then fails with it,
// see DecodeSession::finish). Returns false when end_ps overflowed.
inline bool check_sim_time(uint64_t end_ps, const char* block, const char* what) {
  if (end_ps < kMaxSimPs) return true;
  if (time_overflow_slot().empty()) {
    time_overflow_slot() = std::string(block) + ": simulated time overflow: " + what + " would end at " +
                           std::to_string(end_ps) + " ps, past the largest simulated time " +
                           std::to_string(kMaxSimPs) + " ps (2^63; about 107 days)";
    // The run reports the overflow; the kernel's "stopped by user" note is noise.
    sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    sc_core::sc_stop();
  }
  return false;
}

}  // namespace pnm
