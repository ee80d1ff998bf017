// Passive ready/valid checker on the MVE's three streams, sampling the same
// wires as the DUT at each rising edge: once a beat is offered (valid high,
// ready low) it must stay offered, unchanged, until taken. Violations are
// collected with their time, not asserted, so a test can report them all.
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
  template <class Bits>
  struct Beat {
    Bits bits{};
    uint32_t side = 0;  // strobe or last flag
    bool operator!=(const Beat& o) const { return bits != o.bits || side != o.side; }
  };
  template <class Data>
  struct Stream {
    bool offered = false;  // valid && !ready at the previous edge
    Data data{};
    uint64_t beats = 0;
  };
  using DataBeat = Beat<typename Signals::beat_t>;
  using ResBeat = Beat<typename Signals::res_t>;

  template <class Data>
  void rule(Stream<Data>& st, const char* name, bool valid, bool ready, const Data& b) {
    if (!sig_.rst_n.read()) {
      st.offered = false;
      return;
    }
    if (st.offered && !valid) add(name, "valid dropped before ready");
    if (st.offered && valid && b != st.data) add(name, "data changed while waiting for ready");
    st.offered = valid && !ready;
    st.data = b;
    st.beats += valid && ready;
  }
  void add(const char* stream, const char* what) {
    violations_.push_back({sc_core::sc_time_stamp(), stream, what});
  }
  void check() {
    rule(act_, "act", sig_.act_valid.read(), sig_.act_ready.read(), DataBeat{sig_.act_data.read(), 0});
    rule(w_, "weight", sig_.w_valid.read(), sig_.w_ready.read(),
         DataBeat{sig_.w_data.read(), sig_.w_strb.read()});
    // The whole result beat (all VECTORS elements) must hold while offered.
    rule(res_, "result", sig_.res_valid.read(), sig_.res_ready.read(),
         ResBeat{sig_.res_data.read(), sig_.res_last.read()});
  }

  Signals& sig_;
  Stream<DataBeat> act_, w_;
  Stream<ResBeat> res_;
  std::vector<ProtocolViolation> violations_;
};

}  // namespace pnm::tb
