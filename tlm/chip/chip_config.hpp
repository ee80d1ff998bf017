// Configuration of the whole chip: one YAML file with a `chip:` section whose
// children are the blocks' own sections, each read by that block's loader.
//
//   chip:
//     name: hbf_gen1
//     flash:  {preset: hbf_gen1, ...overrides}   # tlm/flash: channel count, timing, storage
//     pnm:    {...}                               # tlm/pnm: queue, read-ahead, activation SRAM, mve
//     logic:  {memory: {...}, tsv: {...}, vector_unit: {...}}
//     noc:    {...}
//     cpu:    {...}
//
// The channel count is the flash's (one PNM unit per flash channel), so it is
// stated once. Cross-block checks run here, at load, and name the key.
#pragma once

#include <string>
#include <vector>

#include "tlm/common/config.hpp"
#include "tlm/cpu/control_cpu.hpp"
#include "tlm/flash/flash_config.hpp"
#include "tlm/logic/logic_config.hpp"
#include "tlm/noc/interconnect.hpp"
#include "tlm/pnm/pnm_unit.hpp"

namespace pnm::chip {

struct ChipConfig {
  std::string name;
  std::string source;  // the file it came from
  flash::FlashConfig flash;
  pnmu::PnmConfig pnm;
  logic::LogicConfig logic;
  noc::NocConfig noc;
  cpu::CpuConfig cpu;

  unsigned channels() const { return flash.channels; }
};

// Reads and validates a chip YAML (root key `chip`), after applying
// command-line overrides `chip.x.y=value`. Throws ConfigError.
ChipConfig load_chip_config(const std::string& path, const std::vector<std::string>& overrides = {});
ChipConfig load_chip_config(const ConfigReader& chip_section);

}  // namespace pnm::chip
