// Passive ready/valid checker on the MVE's three streams, sampling the same
// wires as the DUT at each rising edge (one SC_METHOD on clk.pos()): once a
// beat is offered (valid high, ready low) it must stay offered, unchanged,
// until taken. Violations are collected with their time, not asserted, so a
// test can report them all.
#pragma once

#include <string>
#include <vector>

#include <systemc>

#include "testbench/mve/mve_signals.hpp"

namespace pnm::tb {

struct ProtocolViolation {
  sc_core::sc_time time;
  std::string stream;
  std::string rule;
};

template <unsigned LANES, unsigned VECTORS>
class MveProtocolChecker : public sc_core::sc_module {
 public:
  using Signals = MveSignals<LANES, VECTORS>;
  sc_core::sc_in<bool> clk{"clk"};

  MveProtocolChecker(sc_core::sc_module_name name, Signals& sig) : sc_module(name), sig_(sig) {
    SC_HAS_PROCESS(MveProtocolChecker);
    SC_METHOD(check);
    sensitive << clk.pos();
    dont_initialize();
  }

  const std::vector<ProtocolViolation>& violations() const { return violations_; }
  // Beats taken on stream 0 (activations), 1 (weights) or 2 (results).
  uint64_t beats(unsigned stream) const {
    return stream == 0 ? act_.beats : stream == 1 ? w_.beats : res_.beats;
  }

 private:
  // A beat as the checker keeps it: the data as 32-bit words (native, so
  // holding and comparing one costs no sc_bv), plus the side band.
  template <unsigned Words>
  struct Beat {
    uint32_t w[Words] = {};
    uint32_t side = 0;  // strobe or last flag
    bool operator!=(const Beat& o) const {
      for (unsigned i = 0; i < Words; ++i) {
        if (w[i] != o.w[i]) return true;
      }
      return side != o.side;
    }
  };
  template <class Data>
  struct Stream {
    bool offered = false;  // valid && !ready at the previous edge
    Data data{};
    uint64_t beats = 0;
  };
  using DataBeat = Beat<Signals::kBeatWords>;
  using ResBeat = Beat<VECTORS>;

  template <unsigned Words, class Bits>
  static Beat<Words> beat(const Bits& bits, uint32_t side) {
    Beat<Words> b;
    for (unsigned i = 0; i < Words; ++i) b.w[i] = word_of(bits, i);
    b.side = side;
    return b;
  }

  // The beat's data only matters while it is offered, so it is read only
  // then: `get` makes the Beat from the wires.
  template <class Data, class Get>
  void rule(Stream<Data>& st, const char* name, bool valid, bool ready, Get get) {
    if (st.offered && !valid) add(name, "valid dropped before ready");
    if (valid && (st.offered || !ready)) {
      const Data b = get();
      if (st.offered && b != st.data) add(name, "data changed while waiting for ready");
      st.data = b;
    }
    st.offered = valid && !ready;
    st.beats += valid && ready;
  }
  void add(const char* stream, const char* what) {
    violations_.push_back({sc_core::sc_time_stamp(), stream, what});
  }
  void check() {
    if (!sig_.rst_n.read()) {
      act_.offered = w_.offered = res_.offered = false;
      return;
    }
    using S = Signals;
    rule(act_, "act", sig_.act_valid.read(), sig_.act_ready.read(),
         [&] { return beat<S::kBeatWords>(sig_.act_data.read(), 0); });
    rule(w_, "weight", sig_.w_valid.read(), sig_.w_ready.read(),
         [&] { return beat<S::kBeatWords>(sig_.w_data.read(), sig_.w_strb.read()); });
    // The whole result beat (all VECTORS elements) must hold while offered.
    rule(res_, "result", sig_.res_valid.read(), sig_.res_ready.read(),
         [&] { return beat<VECTORS>(sig_.res_data.read(), sig_.res_last.read()); });
  }

  Signals& sig_;
  Stream<DataBeat> act_, w_;
  Stream<ResBeat> res_;
  std::vector<ProtocolViolation> violations_;
};

}  // namespace pnm::tb
