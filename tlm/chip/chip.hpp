// The chip top: every block of CHIP.md, built from a ChipConfig and bound
// through the interconnect's address map.
//
//   cpu ──┐                         ┌── VU regs, IRQ regs, LOGIC_MEM
//   vu  ──┼──► noc (addr::REGIONS) ─┤
//   tsv[c].up ┘                     └── PNM c ──► tsv[c].down ──► pnm[c] ──► flash[c]
//                                                              pnm[c].init ──► tsv[c].up
// Placement (cfg.pnm.placement, CHIP.md "Placement"): logic_die puts a
// TsvWeightPath (pnm[c].flash ──► path[c] ──► flash[c]) that carries every
// weight page up tsv[c]; in_die gives each unit an InDieArray (no bus
// transfer of weights); controller is the diagram above.
//
// Usable by tests, benchmarks and the CLI: construct, (load a model), then
// queue firmware programs on cpu() and sc_start().
//
// Faults (cfg.faults) are wired at construction: page faults through each
// flash channel's fault hook (installed only on channels that have one),
// stuck dies in the flash channel model, link errors in the TSV links.
//
// Watchdog: while armed (watchdog_arm(), e.g. by a DecodeSession), a thread
// checks that watchdog_kick() is called at least every cfg.watchdog_ps of
// simulated time. Past that it records watchdog_error() (naming the blocks
// still busy, see busy_report()) and calls sc_stop(). Disarmed, it schedules
// nothing, so sc_start() returns when the chip has no more work.
#pragma once

#include <memory>
#include <vector>

#include <systemc>

#include "tlm/chip/chip_config.hpp"
#include "tlm/chip/tsv_weight_path.hpp"
#include "tlm/common/stats.hpp"
#include "tlm/flash/flash_channel.hpp"
#include "tlm/interchip/fabric.hpp"
#include "tlm/logic/irq_controller.hpp"
#include "tlm/logic/memory.hpp"
#include "tlm/logic/tsv_link.hpp"
#include "tlm/logic/vector_unit.hpp"

namespace pnm::chip {

class Chip : public sc_core::sc_module {
 public:
  // rank: this chip's tensor-parallel rank in a multi-chip system (MultiChip);
  // the loader lays out rank's rows of every matrix (CHIP.md, "Multi-chip").
  Chip(sc_core::sc_module_name name, const ChipConfig& cfg, unsigned rank = 0);
  Chip(const Chip&) = delete;
  Chip& operator=(const Chip&) = delete;

  const ChipConfig& config() const { return cfg_; }
  unsigned channels() const { return static_cast<unsigned>(pnm_.size()); }
  unsigned rank() const { return rank_; }

  noc::Interconnect& noc() { return *noc_; }
  logic::Memory& memory() { return *mem_; }
  logic::VectorUnit& vu() { return *vu_; }
  logic::IrqController& irq() { return *irq_; }
  cpu::ControlCpu& cpu() { return *cpu_; }
  pnmu::PnmUnit& pnm(unsigned c) { return *pnm_.at(c); }
  flash::FlashChannel& flash(unsigned c) { return *flash_.at(c); }
  logic::TsvLink& tsv(unsigned c) { return *tsv_.at(c); }
  interchip::CollEngine& coll() { return *coll_; }

  // Every block's stats under `prefix` ("chip").
  void report(Stats& s, const std::string& prefix) const;

  void watchdog_arm();
  void watchdog_kick();     // progress: restart the bound
  void watchdog_disarm();
  bool watchdog_fired() const { return !watchdog_error_.empty(); }
  const std::string& watchdog_error() const { return watchdog_error_; }
  // The blocks with work outstanding, e.g. "pnm1 (channel 1): 2 jobs queued,
  // JOBS_PUSHED 40, JOBS_DONE 38; cpu: program running ...", "" if none; then
  // the injected faults that took effect.
  std::string busy_report() const;
  // "injected faults: 'x' (...): 3 reads; ..." for faults that took effect, or "".
  std::string fault_report() const;
  // Where PNM unit c's first uncorrectable page read was: "channel C die D
  // plane P block B page G (flash address 0x...)", or "" if it had none.
  std::string uncorrectable_page(unsigned c) const;

 private:
  void combine_lines();  // AND of the units' idle lines, OR of their errors
  void wire_faults();
  void watchdog_thread();

  ChipConfig cfg_;
  unsigned rank_ = 0;
  std::unique_ptr<noc::Interconnect> noc_;
  std::unique_ptr<logic::Memory> mem_;
  std::unique_ptr<logic::VectorUnit> vu_;
  std::unique_ptr<logic::IrqController> irq_;
  std::unique_ptr<cpu::ControlCpu> cpu_;
  std::unique_ptr<interchip::CollEngine> coll_;
  std::vector<std::unique_ptr<flash::FlashChannel>> flash_;
  std::vector<std::unique_ptr<logic::TsvLink>> tsv_;
  std::vector<std::unique_ptr<pnmu::PnmUnit>> pnm_;
  std::vector<std::unique_ptr<TsvWeightPath>> weight_path_;  // placement logic_die only

  sc_core::sc_vector<sc_core::sc_signal<bool>> unit_idle_, unit_error_;
  sc_core::sc_signal<bool> pnm_idle_{"pnm_idle", true}, pnm_error_{"pnm_error"}, vu_idle_{"vu_idle", true};
  sc_core::sc_signal<bool> irq_line_{"irq_line"};

  bool wd_armed_ = false;
  uint64_t wd_last_ps_ = 0;
  sc_core::sc_event wd_ev_{"wd_ev"};
  std::string watchdog_error_;
  std::vector<uint64_t> fault_hits_;  // per cfg_.faults entry: page reads it forced
};

}  // namespace pnm::chip
