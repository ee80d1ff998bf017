// The MVE's pins as SystemC signals. Buses wider than 32 bits are carried
// as native 32-bit word arrays (Words<N>), not sc_bv: a beat is written,
// compared and handed to the Verilated model as plain words, which is what
// the model holds anyway (VlWide), so a cycle costs no bit-vector work.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <type_traits>

#include <systemc>

#include "tlm/common/pnm_regs.hpp"

namespace pnm::tb {

// A bus of N 32-bit words, word 0 holding bits [31:0].
template <unsigned N>
struct Words {
  uint32_t w[N] = {};
  bool operator==(const Words& o) const {
    for (unsigned i = 0; i < N; ++i) {
      if (w[i] != o.w[i]) return false;
    }
    return true;
  }
  bool operator!=(const Words& o) const { return !(*this == o); }
};

template <unsigned N>
std::ostream& operator<<(std::ostream& os, const Words<N>& v) {
  const auto flags = os.flags();
  os << std::hex;
  for (unsigned i = N; i-- > 0;) os << v.w[i] << (i ? "_" : "");
  os.flags(flags);
  return os;
}

// For sc_trace_file users: one 32-bit trace per word, named bus(i).
template <unsigned N>
void sc_trace(sc_core::sc_trace_file* tf, const Words<N>& v, const std::string& name) {
  for (unsigned i = 0; i < N; ++i) sc_core::sc_trace(tf, v.w[i], name + "(" + std::to_string(i) + ")");
}

// Element i (32 bits) of a bus value: an integer or Words.
template <class T>
uint32_t word_of(const T& v, unsigned i) {
  if constexpr (std::is_integral_v<T>) {
    return static_cast<uint32_t>(static_cast<uint64_t>(v) >> (32 * i));
  } else {
    return v.w[i];
  }
}

// Writes only a changed value: an unchanged write still costs the kernel's
// writer check. Both sides of the pins write this way (the bridge its
// inputs, MvePinModel the RTL's outputs).
template <class T, sc_core::sc_writer_policy P>
void write_if_changed(sc_core::sc_signal<T, P>& s, const T& v) {
  if (!(s.read() == v)) s.write(v);
}

template <unsigned LANES, unsigned VECTORS>
struct MveSignals {
  static_assert(LANES % 4 == 0, "beats are whole 32-bit words");
  static constexpr unsigned kBeatWords = LANES / 4;
  using beat_t = Words<kBeatWords>;  // activation and weight beats
  using res_t = Words<VECTORS>;      // result beats: VECTORS int32
  // The inputs the bridge drives, from the calling thread (register
  // accesses) and from its sampling method (a job's data phase), never both
  // in one delta: signals that allow more than one writing process.
  template <class T>
  using Driven = sc_core::sc_signal<T, sc_core::SC_MANY_WRITERS>;
  sc_core::sc_signal<bool> rst_n{"rst_n"};
  Driven<bool> reg_req{"reg_req"}, reg_we{"reg_we"};
  // The register port rests on STATUS between accesses.
  Driven<uint32_t> reg_addr{"reg_addr", regs::mve::STATUS::OFFSET};
  Driven<uint32_t> reg_wdata{"reg_wdata"};
  Driven<bool> act_valid{"act_valid"};
  Driven<beat_t> act_data{"act_data"};
  Driven<bool> w_valid{"w_valid"};
  Driven<beat_t> w_data{"w_data"};
  Driven<uint32_t> w_strb{"w_strb"};
  Driven<bool> res_ready{"res_ready"};
  // The RTL's outputs, written by MvePinModel.
  sc_core::sc_signal<bool> reg_err{"reg_err"};
  sc_core::sc_signal<uint32_t> reg_rdata{"reg_rdata"};
  sc_core::sc_signal<bool> act_ready{"act_ready"}, w_ready{"w_ready"};
  sc_core::sc_signal<bool> res_valid{"res_valid"}, res_last{"res_last"};
  sc_core::sc_signal<res_t> res_data{"res_data"};
  sc_core::sc_signal<bool> busy{"busy"};
};

// The testbench's build of the RTL (rtl/CMakeLists.txt: PNM_MVE_LANES,
// PNM_MVE_VECTORS); the bridge reads the real values back from PARAMS.
constexpr unsigned kPinLanes = PNM_PIN_LANES;
constexpr unsigned kPinVectors = PNM_PIN_VECTORS;
using PinSignals = MveSignals<kPinLanes, kPinVectors>;

}  // namespace pnm::tb
