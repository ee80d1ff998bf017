#include "tlm/chip/chip.hpp"

#include <string>

#include <fmt/format.h>

#include "tlm/common/sim_time.hpp"
#include "tlm/pnm/mve_config.hpp"

namespace pnm::chip {

Chip::Chip(sc_core::sc_module_name name, const ChipConfig& cfg, unsigned rank)
    : sc_module(name),
      cfg_(cfg),
      rank_(rank),
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
  // The collective engine answers on every chip; MultiChip connects it to
  // the fabric (a single chip's firmware never addresses it).
  coll_ = std::make_unique<interchip::CollEngine>("coll");
  noc_->bind("COLL", 0, coll_->tgt_socket);

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
    if (cfg_.pnm.placement == pnmu::Placement::LogicDie) {
      weight_path_.push_back(
          std::make_unique<TsvWeightPath>(("wpath" + n).c_str(), *tsv_[c], cfg_.flash.page_size_bytes));
      pnm_[c]->flash_socket.bind(weight_path_[c]->tgt_socket);
      weight_path_[c]->init_socket.bind(flash_[c]->tgt_socket);
    } else {
      pnm_[c]->flash_socket.bind(flash_[c]->tgt_socket);
    }
    pnm_[c]->idle_o(unit_idle_[c]);
    pnm_[c]->error_o(unit_error_[c]);
  }

  vu_->idle_o(vu_idle_);
  irq_->pnm_idle_i(pnm_idle_);
  irq_->vu_idle_i(vu_idle_);
  irq_->pnm_error_i(pnm_error_);
  irq_->irq_o(irq_line_);
  cpu_->irq_i(irq_line_);

  wire_faults();

  SC_HAS_PROCESS(Chip);
  SC_METHOD(combine_lines);
  for (unsigned c = 0; c < C; ++c) sensitive << unit_idle_[c] << unit_error_[c];
  SC_THREAD(watchdog_thread);
}

void Chip::wire_faults() {
  fault_hits_.assign(cfg_.faults.size(), 0);
  struct PageFault {
    size_t index;
    flash::PageAddr page;
    uint32_t bits;  // forced bit errors per codeword, every attempt
  };
  std::vector<std::vector<PageFault>> pages(channels());
  for (size_t i = 0; i < cfg_.faults.size(); ++i) {
    const FaultSpec& f = cfg_.faults[i];
    switch (f.kind) {
      case FaultSpec::Kind::UncorrectablePage:
        pages[f.channel].push_back(PageFault{i, f.page, cfg_.flash.ecc_correctable_bits + 1});
        break;
      case FaultSpec::Kind::BitFlips: pages[f.channel].push_back(PageFault{i, f.page, f.bits}); break;
      case FaultSpec::Kind::StuckDie: flash_[f.channel]->model().add_stuck_die(f.die, f.from_ps, f.delay_ps); break;
      case FaultSpec::Kind::TsvError:
        if (f.down) tsv_[f.channel]->inject_error(logic::TsvLink::kDown, f.after_transfers, f.from_ps);
        if (f.up) tsv_[f.channel]->inject_error(logic::TsvLink::kUp, f.after_transfers, f.from_ps);
        break;
    }
  }
  // Only channels with a page fault get a hook: the others keep the model's
  // plain RBER draw (no per-codeword call).
  for (unsigned c = 0; c < channels(); ++c) {
    if (pages[c].empty()) continue;
    flash_[c]->set_fault_hook([this, list = pages[c]](const flash::FaultSite& s) -> std::optional<uint32_t> {
      for (const PageFault& p : list) {
        if (p.page.die == s.addr.die && p.page.plane == s.addr.plane && p.page.block == s.addr.block &&
            p.page.page == s.addr.page) {
          if (s.attempt == 0 && s.codeword == 0) ++fault_hits_[p.index];
          return p.bits;
        }
      }
      return std::nullopt;
    });
  }
}

void Chip::watchdog_arm() {
  wd_armed_ = true;
  wd_last_ps_ = now_ps();
  wd_ev_.notify(sc_core::SC_ZERO_TIME);
}

void Chip::watchdog_kick() { wd_last_ps_ = now_ps(); }

void Chip::watchdog_disarm() {
  wd_armed_ = false;
  wd_ev_.notify(sc_core::SC_ZERO_TIME);
}

void Chip::watchdog_thread() {
  for (;;) {
    if (!wd_armed_) {
      sc_core::wait(wd_ev_);
      continue;
    }
    // Wakes at the deadline as it stood when it went to sleep; a kick since
    // then moved the deadline, so it sleeps again for the rest.
    const uint64_t deadline = wd_last_ps_ + cfg_.watchdog_ps;
    const uint64_t now = now_ps();
    if (now < deadline) {
      // A deadline past the largest simulated time cannot be waited for: then
      // only finish()'s check (sc_start returned early) or a block's own
      // overflow check ends the run.
      const uint64_t max_ps = uint64_t{1} << 63;  // the kernel's double conversions saturate past 2^63 ps
      if (deadline < now || deadline > max_ps) {
        sc_core::wait(wd_ev_);
      } else {
        sc_core::wait(sc_core::sc_time(static_cast<double>(deadline - now), sc_core::SC_PS), wd_ev_);
      }
      continue;
    }
    watchdog_error_ = fmt::format(
        "watchdog: no progress for {} us of simulated time (chip.watchdog bound {} us; last progress at {} us, "
        "now {} us); still busy: {}",
        (now - wd_last_ps_) / 1'000'000, cfg_.watchdog_ps / 1'000'000, wd_last_ps_ / 1'000'000, now / 1'000'000,
        busy_report());
    wd_armed_ = false;
    // The caller reports the hang; the kernel's "stopped by user" note is noise.
    sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    sc_core::sc_stop();
    return;
  }
}

std::string Chip::busy_report() const {
  std::string out;
  auto add = [&](const std::string& s) { out += (out.empty() ? "" : "; ") + s; };
  for (unsigned c = 0; c < pnm_.size(); ++c) {
    const pnmu::PnmUnit& u = *pnm_[c];
    if (u.idle()) continue;
    const pnmu::PnmCounters& n = u.counters();
    add(fmt::format("pnm{} (channel {}): {} job(s) queued, JOBS_PUSHED {}, JOBS_DONE {}, STATUS 0x{:x}", c, c,
                    n.jobs_pushed - n.jobs_done, n.jobs_pushed, n.jobs_done, u.status()));
  }
  if (vu_->busy()) add("vu (vector unit): BUSY");
  if (!cpu_->idle()) {
    add(fmt::format("cpu: running program {} (firmware waiting on the chip; IRQ line {})", cpu_->programs_run() + 1,
                    irq_line_.read() ? "high" : "low"));
  }
  if (out.empty()) out = "no block (every PNM unit, the vector unit and the CPU are idle)";
  const std::string f = fault_report();
  if (!f.empty()) out += "; " + f;
  return out;
}

std::string Chip::uncorrectable_page(unsigned c) const {
  if (c >= pnm_.size() || !pnm_[c]->has_uncorrectable_addr()) return "";
  const uint64_t addr = pnm_[c]->uncorrectable_addr();
  const flash::PageAddr a = flash::AddressMap(cfg_.flash).decode(addr);
  return fmt::format("channel {} die {} plane {} block {} page {} (flash address 0x{:x})", c, a.die, a.plane, a.block,
                     a.page, addr);
}

std::string Chip::fault_report() const {
  std::string out;
  for (size_t i = 0; i < cfg_.faults.size(); ++i) {
    const FaultSpec& f = cfg_.faults[i];
    std::string what;
    switch (f.kind) {
      case FaultSpec::Kind::UncorrectablePage:
      case FaultSpec::Kind::BitFlips:
        if (fault_hits_[i]) what = fmt::format("{} page read(s)", fault_hits_[i]);
        break;
      case FaultSpec::Kind::StuckDie: {
        const uint64_t n = flash_[f.channel]->model().counters().stuck_reads;
        if (n) what = fmt::format("{} read(s) held on flash channel {} (all its stuck dies)", n, f.channel);
        break;
      }
      case FaultSpec::Kind::TsvError: {
        const uint64_t n = tsv_[f.channel]->stats(logic::TsvLink::kDown).injected_errors +
                           tsv_[f.channel]->stats(logic::TsvLink::kUp).injected_errors;
        if (n) what = fmt::format("{} transfer(s) answered with an error", n);
        break;
      }
    }
    if (what.empty()) continue;
    out += (out.empty() ? "injected faults: " : ", ") + f.describe() + ": " + what;
  }
  return out;
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
