// Verilator's headers first: included after <systemc>, they take the
// SystemC time functions for their own and expect them unqualified.
#include "Vpnm_mve.h"
#include "verilated.h"
#include "verilated_fst_c.h"

#include "testbench/mve/mve_pin_model.hpp"
#include "tlm/pnm/verilated_port.hpp"

#include <stdexcept>
#include <type_traits>

namespace pnm::tb {

MvePinModel::MvePinModel(sc_core::sc_module_name name, PinSignals& sig, sc_core::sc_clock& clk)
    : sc_module(name), sig_(sig), clk_(clk), ctx_(std::make_unique<VerilatedContext>()) {
  // Tracing must be enabled before the model is built for open_fst() to work.
  ctx_->traceEverOn(true);
  rtl_ = std::make_unique<Vpnm_mve>(ctx_.get(), "top.dut");
  static_assert(mve::port_words<decltype(Vpnm_mve::res_data_o)>() == kPinVectors,
                "VECTORS disagrees with the RTL build");
  static_assert(mve::port_words<decltype(Vpnm_mve::w_data_i)>() == PinSignals::kBeatWords,
                "LANES disagrees with the RTL build");

  SC_HAS_PROCESS(MvePinModel);
  SC_METHOD(eval);
  sensitive << clk_ << sig_.rst_n << sig_.reg_req << sig_.reg_we << sig_.reg_addr << sig_.reg_wdata
            << sig_.act_valid << sig_.act_data << sig_.w_valid << sig_.w_data << sig_.w_strb << sig_.res_ready;
}

MvePinModel::~MvePinModel() {
  flush_dump();
  if (fst_) fst_->close();
  rtl_->final();
}

void MvePinModel::open_fst(const std::string& path) {
  fst_ = std::make_unique<VerilatedFstC>();
  rtl_->trace(fst_.get(), 99);
  fst_->open(path.c_str());
  if (!fst_->isOpen()) throw std::runtime_error("mve pin model: cannot open waveform " + path);
}

void MvePinModel::flush_dump() {
  if (fst_ && dump_pending_ps_ != UINT64_MAX) fst_->dump(dump_pending_ps_);
  dump_pending_ps_ = UINT64_MAX;
}

void MvePinModel::eval() {
  Vpnm_mve& m = *rtl_;
  if (fst_) {
    // The model still holds the last time step's settled values: dump them
    // before this step changes anything.
    const auto now_ps = static_cast<uint64_t>(sc_core::sc_time_stamp() / sc_core::sc_time(1, sc_core::SC_PS));
    if (now_ps != dump_pending_ps_) flush_dump();
    dump_pending_ps_ = now_ps;
  }
  m.clk_i = clk_.read();
  m.rst_ni = sig_.rst_n.read();
  m.reg_req_i = sig_.reg_req.read();
  m.reg_we_i = sig_.reg_we.read();
  m.reg_addr_i = static_cast<std::remove_reference_t<decltype(m.reg_addr_i)>>(sig_.reg_addr.read());
  m.reg_wdata_i = sig_.reg_wdata.read();
  m.act_valid_i = sig_.act_valid.read();
  mve::set_port_words(m.act_data_i, sig_.act_data.read().w);
  m.w_valid_i = sig_.w_valid.read();
  mve::set_port_words(m.w_data_i, sig_.w_data.read().w);
  m.w_strb_i = static_cast<std::remove_reference_t<decltype(m.w_strb_i)>>(sig_.w_strb.read());
  m.res_ready_i = sig_.res_ready.read();
  m.eval();
  write_if_changed(sig_.reg_rdata, static_cast<uint32_t>(m.reg_rdata_o));
  write_if_changed(sig_.reg_err, static_cast<bool>(m.reg_err_o));
  write_if_changed(sig_.act_ready, static_cast<bool>(m.act_ready_o));
  write_if_changed(sig_.w_ready, static_cast<bool>(m.w_ready_o));
  write_if_changed(sig_.res_valid, static_cast<bool>(m.res_valid_o));
  PinSignals::res_t res;
  for (unsigned v = 0; v < kPinVectors; ++v) res.w[v] = mve::port_word(m.res_data_o, v);
  write_if_changed(sig_.res_data, res);
  write_if_changed(sig_.res_last, static_cast<bool>(m.res_last_o));
  write_if_changed(sig_.busy, static_cast<bool>(m.busy_o));
}

}  // namespace pnm::tb
