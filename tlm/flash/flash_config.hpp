// Resolved, validated configuration of the flash channels (one struct for all
// channels of a device) and its YAML loader.
//
// YAML layout (every key with its unit in its name; see
// sim/configs/flash/*.yaml for complete, cited presets):
//
//   flash:
//     name: hbf_gen1
//     seed: 1                         # RNG seed for bit errors (and synthetic data)
//     geometry:   {channels, chips_per_channel, dies_per_chip, planes_per_die,
//                  blocks_per_plane, pages_per_block, page_size_bytes}
//     interface:  {io_rate_mts, bus_width_bits, t_cmd_addr_<unit>, cmd_on_data_bus}
//     timing:     {t_read_<unit>, t_prog_<unit>, t_erase_<unit>, t_cache_copy_<unit>,
//                  independent_plane_reads}
//     ecc:        {codeword_bytes, correctable_bits_per_codeword, t_decode_<unit>,
//                  max_read_retries, retry_rber_factor}
//     reliability:{rber_base, rber_pe_coeff, rber_pe_exponent, rber_read_disturb_per_read,
//                  rber_retention_per_hour, retention_hours_at_start,
//                  initial_pe_cycles, endurance_pe_cycles}
//     energy:     {energy_read_pj_per_page, energy_program_pj_per_page,
//                  energy_erase_pj_per_block, energy_transfer_pj_per_bit,
//                  energy_ecc_decode_pj_per_codeword}
//     storage:    {mode: timing_only|sparse|synthetic, preprogrammed}
//
// <unit> is one of ps, ns, us, ms, s. Sections other than geometry, interface
// and timing are optional (documented defaults below). An embedding config (the
// chip config) may instead write `flash: {preset: hbf_gen1, <overrides...>}`:
// the preset file is loaded and the other keys are merged over it.
//
// Raw bit error rate model (per page read, see flash_reliability.hpp):
//   RBER = min(0.5, rber_base + rber_pe_coeff * PE^rber_pe_exponent
//                  + rber_read_disturb_per_read * reads_since_erase
//                  + rber_retention_per_hour * retention_hours)
// Read-retry step k (k = 1..max_read_retries) sees RBER * retry_rber_factor^k.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "tlm/common/config.hpp"

namespace pnm::flash {

/// How page contents are kept (see flash_storage.hpp).
enum class StorageMode { TimingOnly, Sparse, Synthetic };
const char* to_string(StorageMode m);

struct FlashConfig {
  std::string name = "flash";
  uint64_t seed = 1;

  // --- geometry ---
  uint32_t channels = 1;
  uint32_t chips_per_channel = 1;
  uint32_t dies_per_chip = 1;
  uint32_t planes_per_die = 1;
  uint32_t blocks_per_plane = 1;
  uint32_t pages_per_block = 1;
  uint32_t page_size_bytes = 4096;

  // --- channel interface ---
  uint32_t io_rate_mts = 1000;     ///< transfers per second on the bus, in MT/s
  uint32_t bus_width_bits = 8;     ///< data bus width
  uint64_t t_cmd_addr_ps = 0;      ///< command + address cycles, per plane of an operation
  bool cmd_on_data_bus = true;     ///< ONFI: cmd/addr share the DQ bus; HBM-like: separate pins

  // --- array timing ---
  uint64_t t_read_ps = 0;          ///< tR: array to page register
  uint64_t t_prog_ps = 0;          ///< tPROG
  uint64_t t_erase_ps = 0;         ///< tBERS
  uint64_t t_cache_copy_ps = 0;    ///< tDCBSYR: page register to cache register (cache read)
  bool independent_plane_reads = false;  ///< planes of a die run array ops independently

  // --- ECC and read retry (controller side) ---
  uint32_t ecc_codeword_bytes = 1024;
  uint32_t ecc_correctable_bits = 40;  ///< t: bits correctable per codeword
  uint64_t t_ecc_decode_ps = 0;        ///< decode latency per page read attempt
  uint32_t max_read_retries = 0;
  double retry_rber_factor = 0.5;      ///< RBER multiplier per read-retry step

  // --- reliability ---
  double rber_base = 0;
  double rber_pe_coeff = 0;
  double rber_pe_exponent = 1;
  double rber_read_disturb_per_read = 0;
  double rber_retention_per_hour = 0;
  double retention_hours_at_start = 0;  ///< age of preprogrammed data at t = 0
  uint32_t initial_pe_cycles = 0;       ///< P/E count of every block at t = 0
  uint32_t endurance_pe_cycles = 3000;  ///< rated endurance (blocks beyond it are counted)

  // --- energy ---
  double energy_read_pj_per_page = 0;     ///< array sense, per page per attempt
  double energy_program_pj_per_page = 0;
  double energy_erase_pj_per_block = 0;
  double energy_transfer_pj_per_bit = 0;  ///< channel bus, both directions
  double energy_ecc_decode_pj_per_codeword = 0;

  // --- storage ---
  StorageMode storage_mode = StorageMode::TimingOnly;
  bool preprogrammed = true;  ///< blocks start programmed (a weight image is present)

  // --- derived figures ---
  uint32_t dies_per_channel() const { return chips_per_channel * dies_per_chip; }
  uint64_t pages_per_plane() const { return uint64_t(blocks_per_plane) * pages_per_block; }
  uint64_t pages_per_channel() const {
    return pages_per_plane() * planes_per_die * dies_per_channel();
  }
  uint64_t bytes_per_channel() const { return pages_per_channel() * page_size_bytes; }
  uint64_t bytes_total() const { return bytes_per_channel() * channels; }
  uint32_t codewords_per_page() const { return page_size_bytes / ecc_codeword_bytes; }
  /// Channel bus bandwidth in bytes per second (io rate x width).
  double bus_bytes_per_s() const { return double(io_rate_mts) * 1e6 * bus_width_bits / 8.0; }
  /// Time to move `bytes` over the bus, in ps, rounded up.
  uint64_t xfer_ps(uint64_t bytes) const;

  /// The resolved config (all fields, with units in the keys).
  nlohmann::json to_json() const;
};

/// Loads a preset/config file. The file may hold the `flash:` section at top
/// level or be the section itself. Throws pnm::ConfigError.
FlashConfig load_config(const std::string& path);
/// Loads from a parsed `flash:` node; `source` names it in error messages.
FlashConfig load_config(const YAML::Node& node, const std::string& source = "<yaml>");
/// Loads from a reader positioned at a `flash:` section (for embedding in a
/// larger config); calls finish() on every map it reads. Handles `preset:`.
FlashConfig load_config(const pnm::ConfigReader& section);

/// Path of a named preset in sim/configs/flash/ ("hbf_gen1" ->
/// "<source>/sim/configs/flash/hbf_gen1.yaml"). A name containing '/' or
/// ending in .yaml is returned unchanged.
std::string preset_path(const std::string& name_or_path);

}  // namespace pnm::flash
