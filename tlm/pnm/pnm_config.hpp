// Resolved configuration of one PNM unit (one per flash channel) and its
// YAML loader. sim/configs/pnm/default.yaml documents every key with its
// source; this is the shape:
//
//   pnm:
//     queue_depth: 64            # job queue entries (1 .. 255, the PARAMS field)
//     act_sram_bytes: 65536      # activation SRAM (1 .. addr::ACT_SRAM_MAX_BYTES)
//     readahead_bytes: 1048576   # page buffer for read-ahead, per unit (0: the
//                                # minimum, two pages = double buffering)
//     flash_queue_depth: 128     # page reads the controller keeps in flight
//     functional: true           # false: timing only (no data, no engine, no write-back)
//     mve: {kind, lanes, max_cols, clk_period_ns, shadow_stop_after}
//     placement: controller      # in_die | controller | logic_die: where the
//                                # GEMV engines sit (tlm/chip/CHIP.md, "Placement")
//     in_die:                    # only read when placement is in_die
//       units_per_die: 1         # compute units per die, each serving
//                                # planes_per_die / units_per_die planes
//       lanes: 16                # int8 MACs per cycle per unit
//       clk_period_ns: 2.0       # unit clock
//       energy_pj_per_mac: 0.3   # int8 MAC + int32 add
//       act_broadcast: true      # one bus transfer of a job's activations
//                                # reaches every unit of the channel
//
// The struct defaults below equal default.yaml's values, except `mve`, whose
// defaults are mve::MveConfig's (tlm, 16 lanes, max_cols 4096: the RTL build);
// default.yaml sizes the MVE for hbf_gen1 (128 lanes, max_cols 16384).
#pragma once

#include <cstdint>

#include "tlm/common/config.hpp"
#include "tlm/pnm/mve_config.hpp"

namespace pnm::pnmu {

// Where the GEMV engines sit (tlm/chip/CHIP.md, "Placement"):
//   in_die      a compute unit per die (or per plane group) inside the flash
//               dies reads pages at array bandwidth; only activations in and
//               int32 partial sums out cross the channel bus (InDieArray);
//   controller  a PNM unit at the channel controller (the weights cross the
//               channel bus to it);
//   logic_die   the engines sit on the logic die: every weight byte crosses
//               the channel bus, then the channel's TSV link (TsvWeightPath).
enum class Placement { InDie, Controller, LogicDie };
const char* to_string(Placement p);

// The in-die compute units of placement in_die (InDieArray).
struct InDieConfig {
  unsigned units_per_die = 1;       // 1 .. planes_per_die, dividing it
  unsigned lanes = 16;              // int8 MACs per cycle per unit
  uint64_t clk_period_ps = 2000;    // unit clock
  double energy_pj_per_mac = 0.3;   // int8 MAC + int32 accumulate
  bool act_broadcast = true;        // false: one activation transfer per unit
};

struct PnmConfig {
  unsigned queue_depth = 64;
  uint64_t act_sram_bytes = 64 * 1024;
  uint64_t readahead_bytes = 1024 * 1024;  // per unit; see sim/configs/pnm/default.yaml
  unsigned flash_queue_depth = 128;
  bool functional = true;
  mve::MveConfig mve;
  Placement placement = Placement::Controller;
  InDieConfig in_die;
  // chip.sim.mode == stream (set by the chip loader; not a `pnm:` key): the
  // flash controller books its reads in batches (FlashOp::ReadBatch) instead
  // of one TLM call per page. pnm_unit.hpp, "Stream mode".
  bool stream = false;
};

// Reads a `pnm:` map (every key optional, checked against its range; the
// child `mve` through mve::load_mve_config). Throws pnm::ConfigError naming
// the file, the key and the range.
PnmConfig load_pnm_config(const ConfigReader& pnm_section);

}  // namespace pnm::pnmu
