// A multi-chip system: N chips of one ChipConfig (cfg.interchip.chips), each
// a tensor-parallel rank, joined by one chip-to-chip fabric
// (tlm/interchip/fabric.hpp). Every chip is simulated: its own flash, PNM
// units, vector unit and control CPU running its own firmware instance,
// which drives the collectives through its COLL registers. CHIP.md
// ("Multi-chip") is the contract.
//
//   MultiChip sys(cfg);                       // N chips "chip0".."chip<N-1>"
//   for k: loaded[k] = load_model(sys.chip(k), qm, work);   // rank k's rows
//   for k: sessions[k] = DecodeSession(sys.chip(k), loaded[k]); queue(spec)
//   sc_start();
//
// A functional run copies the gathered rows between the chips' logic
// memories; a timing-only run moves none.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tlm/chip/chip.hpp"
#include "tlm/common/stats.hpp"
#include "tlm/interchip/fabric.hpp"

namespace pnm::chip {

class MultiChip {
 public:
  explicit MultiChip(const ChipConfig& cfg);
  MultiChip(const MultiChip&) = delete;
  MultiChip& operator=(const MultiChip&) = delete;

  unsigned size() const { return static_cast<unsigned>(chips_.size()); }
  Chip& chip(unsigned k) { return *chips_.at(k); }
  const Chip& chip(unsigned k) const { return *chips_.at(k); }
  interchip::Fabric& fabric() { return *fabric_; }
  const interchip::Fabric& fabric() const { return *fabric_; }
  // Every chip under <prefix>.chip<k> and the fabric under <prefix>.fabric.
  void report(Stats& s, const std::string& prefix) const;

 private:
  std::unique_ptr<interchip::Fabric> fabric_;
  std::vector<std::unique_ptr<Chip>> chips_;
};

}  // namespace pnm::chip
