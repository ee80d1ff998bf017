#include "tlm/chip/multichip.hpp"

namespace pnm::chip {

MultiChip::MultiChip(const ChipConfig& cfg) {
  const unsigned n = cfg.interchip.chips;
  fabric_ = std::make_unique<interchip::Fabric>(cfg.interchip, cfg.pnm.functional);
  for (unsigned k = 0; k < n; ++k) {
    chips_.push_back(std::make_unique<Chip>(("chip" + std::to_string(k)).c_str(), cfg, k));
    chips_[k]->coll().connect(*fabric_, k);
    fabric_->attach(k, chips_[k]->memory());
  }
}

void MultiChip::report(Stats& s, const std::string& prefix) const {
  for (unsigned k = 0; k < size(); ++k) chips_[k]->report(s, prefix + ".chip" + std::to_string(k));
  fabric_->report(s, prefix + ".fabric");
}

}  // namespace pnm::chip
