#include "tlm/chip/chip.hpp"

#include <string>

#include "tlm/pnm/mve_config.hpp"

namespace pnm::chip {

Chip::Chip(sc_core::sc_module_name name, const ChipConfig& cfg)
    : sc_module(name),
      cfg_(cfg),
      // Units and the vector unit leave reset idle: the lines start high, so
      // firmware that looks at IRQ.STATUS at time 0 sees an idle chip.
      unit_idle_("unit_idle", cfg.channels(),
                 [](const char* n, size_t) { return new sc_core::sc_signal<bool>(n, true); }),
      unit_error_("unit_error", cfg.channels()) {
  const unsigned C = cfg_.channels();
  noc_ = std::make_unique<noc::Interconnect>("noc", cfg_.noc, C);
  mem_ = std::make_unique<logic::Memory>("mem", cfg_.logic.memory);
  // The vector unit follows the PNM units' mode and streams from this
  // memory through one interconnect hop.
  logic::VuConfig vcfg = cfg_.logic.vu;
  vcfg.functional = cfg_.pnm.functional;
  vcfg.mem_latency_ps = cfg_.logic.memory.t_access_ps + cfg_.noc.hop_latency_ps;
  vcfg.mem_bw_gbps = cfg_.logic.memory.bw_gbps;
  vu_ = std::make_unique<logic::VectorUnit>("vu", vcfg);
  irq_ = std::make_unique<logic::IrqController>("irq");
  cpu_ = std::make_unique<cpu::ControlCpu>("cpu", cfg_.cpu);

  // Initiators into the interconnect.
  cpu_->init_socket.bind(noc_->tgt_socket);
  vu_->init_socket.bind(noc_->tgt_socket);
  // Targets, bound by region name from the one address-map table.
  noc_->bind("VU", 0, vu_->tgt_socket);
  noc_->bind("IRQ", 0, irq_->tgt_socket);
  noc_->bind("LOGIC_MEM", 0, mem_->tgt_socket);

  for (unsigned c = 0; c < C; ++c) {
    const std::string n = std::to_string(c);
    flash_.push_back(std::make_unique<flash::FlashChannel>(("flash" + n).c_str(), cfg_.flash, c));
    tsv_.push_back(std::make_unique<logic::TsvLink>(("tsv" + n).c_str(), cfg_.logic.tsv));
    mve::MveConfig mcfg = cfg_.pnm.mve;
    if (c != 0) mcfg.fst_path.clear();  // one waveform: unit 0's MVE
    pnm_.push_back(std::make_unique<pnmu::PnmUnit>(("pnm" + n).c_str(), cfg_.pnm, c, C, cfg_.flash,
                                                   mve::make_engine(mcfg)));
    noc_->bind("PNM", c, tsv_[c]->down_tgt);
    tsv_[c]->down_init.bind(pnm_[c]->tgt_socket);
    pnm_[c]->init_socket.bind(tsv_[c]->up_tgt);
    tsv_[c]->up_init.bind(noc_->tgt_socket);
    pnm_[c]->flash_socket.bind(flash_[c]->tgt_socket);
    pnm_[c]->idle_o(unit_idle_[c]);
    pnm_[c]->error_o(unit_error_[c]);
  }

  vu_->idle_o(vu_idle_);
  irq_->pnm_idle_i(pnm_idle_);
  irq_->vu_idle_i(vu_idle_);
  irq_->pnm_error_i(pnm_error_);
  irq_->irq_o(irq_line_);
  cpu_->irq_i(irq_line_);

  SC_HAS_PROCESS(Chip);
  SC_METHOD(combine_lines);
  for (unsigned c = 0; c < C; ++c) sensitive << unit_idle_[c] << unit_error_[c];
}

void Chip::combine_lines() {
  bool idle = true, error = false;
  for (unsigned c = 0; c < unit_idle_.size(); ++c) {
    idle = idle && unit_idle_[c].read();
    error = error || unit_error_[c].read();
  }
  pnm_idle_.write(idle);
  pnm_error_.write(error);
}

void Chip::report(Stats& s, const std::string& prefix) const {
  for (unsigned c = 0; c < pnm_.size(); ++c) {
    const std::string n = std::to_string(c);
    flash_[c]->report(s, prefix + ".flash.ch" + n);
    pnm_[c]->report(s, prefix + ".pnm.ch" + n);
    tsv_[c]->report(s, prefix + ".tsv.ch" + n);
  }
  mem_->report(s, prefix + ".logic.memory");
  vu_->report(s, prefix + ".logic.vu");
  noc_->report(s, prefix + ".noc");
  cpu_->report(s, prefix + ".cpu");
}

}  // namespace pnm::chip
