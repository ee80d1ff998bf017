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
//
// The struct defaults below equal default.yaml's values, except `mve`, whose
// defaults are mve::MveConfig's (tlm, 16 lanes, max_cols 4096: the RTL build);
// default.yaml sizes the MVE for hbf_gen1 (128 lanes, max_cols 16384).
#pragma once

#include <cstdint>

#include "tlm/common/config.hpp"
#include "tlm/pnm/mve_config.hpp"

namespace pnm::pnmu {

struct PnmConfig {
  unsigned queue_depth = 64;
  uint64_t act_sram_bytes = 64 * 1024;
  uint64_t readahead_bytes = 1024 * 1024;  // per unit; see sim/configs/pnm/default.yaml
  unsigned flash_queue_depth = 128;
  bool functional = true;
  mve::MveConfig mve;
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
