// Config of the logic die, one section with a child per block:
//
//   logic:
//     memory:      {size_bytes, t_access_<unit>, bw_gbps, energy_pj_per_bit}
//     tsv:         {width_bits, data_rate_mts, latency_<unit>, energy_pj_per_bit}
//     vector_unit: {clk_period_<unit>, lanes, op_overhead_cycles, ...}
//
// Every child and every key is optional; the defaults are the struct
// initialisers in memory.hpp, tsv_link.hpp and vector_unit.hpp, which
// sim/configs/logic/default.yaml repeats with their sources (a test keeps the
// two equal). The interconnect's NocConfig lives in tlm/noc (section `noc`).
#pragma once

#include "tlm/common/config.hpp"
#include "tlm/logic/memory.hpp"
#include "tlm/logic/tsv_link.hpp"
#include "tlm/logic/vector_unit.hpp"

namespace pnm::logic {

struct LogicConfig {
  MemoryConfig memory;
  TsvConfig tsv;
  VuConfig vu;
};

// Reads the children `memory`, `tsv`, `vector_unit` of `logic_section` and
// rejects unknown keys at every level (ConfigError naming file and key).
LogicConfig load_logic_config(const ConfigReader& logic_section);

}  // namespace pnm::logic
