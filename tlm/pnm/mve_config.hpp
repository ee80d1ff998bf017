// Configuration of one matrix-vector engine and the one factory that turns
// its `kind` into an Engine.
//
//   mve:
//     kind: shadow          # tlm (golden model) | rtl (Verilated) | shadow (both, compared)
//     lanes: 16             # int8 MACs per cycle
//     max_cols: 4096        # activation buffer bytes, per vector
//     vectors: 1            # activation vectors held, 1 .. 256 (int32 results per row)
//     clk_period_ns: 1.0    # MVE clock
//     shadow_stop_after: 1  # mismatches before a shadow run stops (0: never)
//     energy_pj_per_mac: 0.3  # int8 MAC + int32 add (Horowitz 45 nm)
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "tlm/common/config.hpp"
#include "tlm/pnm/mve_engine.hpp"

namespace pnm::mve {

struct MveConfig {
  std::string kind = "tlm";
  Params params;
  uint64_t clk_period_ps = 1000;
  uint64_t shadow_stop_after = 1;
  // Energy of one int8 x int8 MAC with its int32 accumulate: Horowitz, ISSCC
  // 2014, 45 nm: 8-bit multiply 0.2 pJ + 32-bit add 0.1 pJ (no node scaling).
  double energy_pj_per_mac = 0.3;
  std::string fst_path;  // run-time option, not from YAML: RTL waveform file
};

// Reads an `mve:` map; every key is optional and checked against its range.
MveConfig load_mve_config(const ConfigReader& r);

// The factory lives in its own library (pnmsim_mve_factory), so code that
// brings its own engine (the pin-level testbench) need not link the RTL.

// Whether this build has the Verilated RTL.
bool rtl_available();

// The Verilated RTL's build parameters (LANES, MAX_COLS, VECTORS as its
// PARAMS/PARAMS2 registers report them): what an `mve:` config must name for
// kind rtl or shadow. Throws ConfigError when the build has no RTL.
Params rtl_params();

// Builds the engine `cfg.kind` names. Throws ConfigError when the kind needs
// the RTL and the build has none, or when lanes/max_cols/vectors differ from
// the parameters the RTL was built with.
std::unique_ptr<Engine> make_engine(const MveConfig& cfg);

}  // namespace pnm::mve
