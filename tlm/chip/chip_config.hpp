// Configuration of the whole chip: one YAML file with a `chip:` section whose
// children are the blocks' own sections, each read by that block's loader.
//
//   chip:
//     name: hbf_gen1
//     flash:  {preset: hbf_gen1, ...overrides}   # tlm/flash: channel count, timing, storage
//     pnm:    {...}                               # tlm/pnm: queue, read-ahead, activation SRAM, mve,
//                                                 # placement (in_die | controller | logic_die), in_die
//     logic:  {memory: {...}, tsv: {...}, vector_unit: {...}}
//     noc:    {...}
//     cpu:    {...}
//     watchdog_s: 100                             # optional, any time unit; see below
//     sim:    {mode: page}                        # optional: page (default) | stream; see below
//     interchip: {chips: 4, ...}                 # optional: N chips, tensor / pipeline parallel (interchip_config.hpp)
//     faults:                                     # optional fault injection; see below
//       <name>: {kind: uncorrectable_page | bit_flips | stuck_die | tsv_error, ...}
//
// watchdog_<unit> (default 100 s of simulated time, allowed 1 us .. 9.2e6 s): the
// longest simulated time a decode or prefill step may take. Past it, the run
// stops and names the blocks still busy (Chip::watchdog_*). The default is
// about 70x the slowest step in sim/bench/results (Llama-2-70B on hbf_gen1,
// context 4096, batch 16, 64 VU lanes: 1.48 s), so a real workload never
// trips it, while a hang (a stuck-busy die, a lost IRQ) ends after a bounded
// amount of simulated time instead of running on or ending silently.
//
// sim.mode: page (default) simulates every flash page read as a TLM
// transaction; stream (`pnmsim run --fast`) books a PNM unit's reads in
// batches of up to one round of planes and dies with one transaction each
// (tlm/pnm/pnm_unit.hpp, "Stream mode"; tlm/flash/flash_channel_model.hpp,
// read_batch), falling back to page reads where faults or read-retries need
// them. Values and token ids are the same; times agree within 1% on the
// proof grid (sim/bench/results/stream_vs_page.csv).
//
// faults: each entry is named by its key (the name appears in messages) and
// has a `kind`; every key is checked against the flash geometry and the
// channel count, and unknown keys are rejected.
//   uncorrectable_page  channel, and die/plane/block/page (plane default 0)
//                       or flash_address (a byte address inside the channel):
//                       every codeword of that page sees t+1 bit errors on
//                       every read attempt, so ECC and read-retry fail.
//   bit_flips           the same address keys plus bits (per codeword,
//                       1 .. 1e6): corrected (counted in ecc.corrected_bits)
//                       when bits <= ecc_correctable_bits, else uncorrectable.
//                       Data is not altered: this flash model returns the
//                       stored bytes and models errors as counts seen by ECC.
//   stuck_die           channel, die, from_<unit> (default 0), delay_<unit>
//                       (default 24 h): reads of that die issued from then on
//                       complete only after the delay (the watchdog catches it).
//   tsv_error           channel, direction (down | up | both, default both),
//                       after_transfers (default 0), from_<unit> (default 0):
//                       the TSV link answers an error response for every later
//                       transfer in that direction.
//
// pnm.placement in_die: pnm.in_die.units_per_die must divide
// flash.geometry.planes_per_die, and faults other than tsv_error are
// rejected (the in-die units read no page through the channel model).
//
// The channel count is the flash's (one PNM unit per flash channel), so it is
// stated once. Cross-block checks run here, at load, and name the key.
#pragma once

#include <string>
#include <vector>

#include "tlm/common/config.hpp"
#include "tlm/cpu/control_cpu.hpp"
#include "tlm/flash/flash_config.hpp"
#include "tlm/interchip/interchip_config.hpp"
#include "tlm/logic/logic_config.hpp"
#include "tlm/noc/interconnect.hpp"
#include "tlm/pnm/pnm_unit.hpp"

namespace pnm::chip {

struct FaultSpec {
  enum class Kind { UncorrectablePage, BitFlips, StuckDie, TsvError };
  std::string name;  // its key under `faults`
  Kind kind = Kind::UncorrectablePage;
  unsigned channel = 0;
  flash::PageAddr page;         // uncorrectable_page, bit_flips (column 0)
  uint32_t bits = 0;            // bit_flips: per codeword
  uint32_t die = 0;             // stuck_die
  uint64_t from_ps = 0;         // stuck_die, tsv_error
  uint64_t delay_ps = 0;        // stuck_die
  bool down = true, up = true;  // tsv_error directions
  uint64_t after_transfers = 0; // tsv_error
  static const char* kind_name(Kind k);
  std::string describe() const;  // "'name' (stuck_die, channel 1 die 0)"
};

struct ChipConfig {
  static constexpr uint64_t kDefaultWatchdogPs = 100'000'000'000'000ull;  // 100 s
  std::string name;
  std::string source;  // the file it came from
  flash::FlashConfig flash;
  pnmu::PnmConfig pnm;
  logic::LogicConfig logic;
  noc::NocConfig noc;
  cpu::CpuConfig cpu;
  uint64_t watchdog_ps = kDefaultWatchdogPs;
  std::string sim_mode = "page";  // sim.mode: page | stream (sets pnm.stream)
  std::vector<FaultSpec> faults;
  interchip::InterchipConfig interchip;  // optional section `interchip`: N chips (tlm/interchip)

  unsigned channels() const { return flash.channels; }
};

// Reads and validates a chip YAML (root key `chip`), after applying
// command-line overrides `chip.x.y=value`. Throws ConfigError.
ChipConfig load_chip_config(const std::string& path, const std::vector<std::string>& overrides = {});
ChipConfig load_chip_config(const ConfigReader& chip_section);

}  // namespace pnm::chip
