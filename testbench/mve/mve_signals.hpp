// The MVE's pins as SystemC signals, with connect() to the Verilated
// SystemC model and trace() for a SystemC trace file. Types follow
// Verilator's SystemC mapping: 1 bit -> bool, up to 32 bits -> uint32_t,
// up to 64 bits -> uint64_t, wider -> sc_bv<N>.
#pragma once

#include <cstdint>
#include <type_traits>

#include <systemc>

#include "tlm/common/pnm_regs.hpp"

namespace pnm::tb {

// The SystemC type Verilator gives a port of `bits` bits (bits > 1).
template <unsigned bits>
using VlScPort = std::conditional_t<(bits <= 32), uint32_t,
                                    std::conditional_t<(bits <= 64), uint64_t, sc_dt::sc_bv<bits>>>;

// Element i (32 bits) of a value of that type. sc_bv keeps its bits in
// 32-bit words (sc_digit), so element i is word i: no bit-range proxy.
template <class T>
uint32_t word_of(const T& v, unsigned i) {
  if constexpr (std::is_integral_v<T>) {
    return static_cast<uint32_t>(static_cast<uint64_t>(v) >> (32 * i));
  } else {
    static_assert(sizeof(sc_dt::sc_digit) == 4, "sc_bv words are 32 bits");
    return static_cast<uint32_t>(v.get_word(static_cast<int>(i)));
  }
}

// Sets a value of that type from `words` 32-bit elements, element 0 lowest.
template <class T>
void set_words(T& v, const uint32_t* w, unsigned words) {
  if constexpr (std::is_integral_v<T>) {
    uint64_t x = 0;
    for (unsigned i = 0; i < words; ++i) x |= uint64_t{w[i]} << (32 * i);
    v = static_cast<T>(x);
  } else {
    for (unsigned i = 0; i < words; ++i) v.set_word(static_cast<int>(i), w[i]);
  }
}

template <unsigned LANES, unsigned VECTORS>
struct MveSignals {
  using beat_t = sc_dt::sc_bv<LANES * 8>;  // activation and weight beats (the testbench's LANES > 8)
  using res_t = VlScPort<VECTORS * 32>;    // result beats: VECTORS int32
  static_assert(LANES % 4 == 0, "beats are whole 32-bit words");
  static constexpr unsigned kBeatWords = LANES / 4;
  sc_core::sc_signal<bool> rst_n{"rst_n"};
  sc_core::sc_signal<bool> reg_req{"reg_req"}, reg_we{"reg_we"}, reg_err{"reg_err"};
  // The register port rests on STATUS between accesses.
  sc_core::sc_signal<uint32_t> reg_addr{"reg_addr", regs::mve::STATUS::OFFSET};
  sc_core::sc_signal<uint32_t> reg_wdata{"reg_wdata"}, reg_rdata{"reg_rdata"};
  sc_core::sc_signal<bool> act_valid{"act_valid"}, act_ready{"act_ready"};
  sc_core::sc_signal<beat_t> act_data{"act_data"};
  sc_core::sc_signal<bool> w_valid{"w_valid"}, w_ready{"w_ready"};
  sc_core::sc_signal<beat_t> w_data{"w_data"};
  sc_core::sc_signal<uint32_t> w_strb{"w_strb"};
  sc_core::sc_signal<bool> res_valid{"res_valid"}, res_ready{"res_ready"}, res_last{"res_last"};
  sc_core::sc_signal<res_t> res_data{"res_data"};
  sc_core::sc_signal<bool> busy{"busy"};

  template <class Dut, class Clock>
  void connect(Dut& d, Clock& clk) {
    d.clk_i(clk);
    d.rst_ni(rst_n);
    d.reg_req_i(reg_req);
    d.reg_we_i(reg_we);
    d.reg_addr_i(reg_addr);
    d.reg_wdata_i(reg_wdata);
    d.reg_rdata_o(reg_rdata);
    d.reg_err_o(reg_err);
    d.act_valid_i(act_valid);
    d.act_ready_o(act_ready);
    d.act_data_i(act_data);
    d.w_valid_i(w_valid);
    d.w_ready_o(w_ready);
    d.w_data_i(w_data);
    d.w_strb_i(w_strb);
    d.res_valid_o(res_valid);
    d.res_ready_i(res_ready);
    d.res_data_o(res_data);
    d.res_last_o(res_last);
    d.busy_o(busy);
  }
};

}  // namespace pnm::tb
