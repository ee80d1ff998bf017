#include "tlm/flash/flash_config.hpp"

#include <limits>

namespace pnm::flash {
namespace {

using I = pnm::Range<int64_t>;
using R = pnm::Range<double>;

constexpr double kPsPerNs = 1e3;
constexpr double kPsPerUs = 1e6;
constexpr double kPsPerMs = 1e9;
constexpr double kPsPerS = 1e12;
constexpr const char* kComponent = "flash channel";

// Deep merge: keys of `over` replace those of `base`; maps merge recursively.
YAML::Node merge(const YAML::Node& base, const YAML::Node& over) {
  YAML::Node out = YAML::Clone(base);
  if (!over.IsMap()) return out;
  for (const auto& kv : over) {
    const std::string k = kv.first.Scalar();
    if (k == "preset") continue;
    if (out[k] && out[k].IsMap() && kv.second.IsMap())
      out[k] = merge(out[k], kv.second);
    else
      out[k] = YAML::Clone(kv.second);
  }
  return out;
}

FlashConfig parse(const pnm::ConfigReader& r) {
  FlashConfig c;
  c.name = r.text_or("name", "flash");
  c.seed = static_cast<uint64_t>(
      r.integer_or("seed", 1, I{0, std::numeric_limits<int64_t>::max()}));

  const pnm::ConfigReader g = r.child("geometry");
  c.channels = uint32_t(g.integer("channels", I{1, 4096}));
  c.chips_per_channel = uint32_t(g.integer("chips_per_channel", I{1, 64}));
  c.dies_per_chip = uint32_t(g.integer("dies_per_chip", I{1, 16}));
  c.planes_per_die = uint32_t(g.integer("planes_per_die", I{1, 256}));
  c.blocks_per_plane = uint32_t(g.integer("blocks_per_plane", I{1, 1 << 20}));
  c.pages_per_block = uint32_t(g.integer("pages_per_block", I{1, 4096}));
  c.page_size_bytes = uint32_t(g.integer("page_size_bytes", I{4096, 16384}));
  g.finish();

  const pnm::ConfigReader b = r.child("interface");
  c.io_rate_mts = uint32_t(b.integer("io_rate_mts", I{1, 100000}));
  c.bus_width_bits = uint32_t(b.integer("bus_width_bits", I{1, 4096}));
  c.t_cmd_addr_ps = b.duration_ps_or("t_cmd_addr", 0, R{0, 1 * kPsPerMs});
  c.cmd_on_data_bus = b.boolean_or("cmd_on_data_bus", true);
  b.finish();

  const pnm::ConfigReader t = r.child("timing");
  c.t_read_ps = t.duration_ps("t_read", R{1 * kPsPerNs, 10 * kPsPerMs});
  c.t_prog_ps = t.duration_ps("t_prog", R{1 * kPsPerNs, 100 * kPsPerMs});
  c.t_erase_ps = t.duration_ps("t_erase", R{1 * kPsPerNs, 1 * kPsPerS});
  c.t_cache_copy_ps = t.duration_ps_or("t_cache_copy", 0, R{0, 1 * kPsPerMs});
  c.independent_plane_reads = t.boolean_or("independent_plane_reads", false);
  t.finish();

  const pnm::ConfigReader e = r.child("ecc", false);
  c.ecc_codeword_bytes = uint32_t(e.integer_or("codeword_bytes", 1024, I{64, 16384}));
  c.ecc_correctable_bits = uint32_t(e.integer_or("correctable_bits_per_codeword", 40, I{0, 4096}));
  c.t_ecc_decode_ps = e.duration_ps_or("t_decode", 0, R{0, 1 * kPsPerMs});
  c.max_read_retries = uint32_t(e.integer_or("max_read_retries", 0, I{0, 64}));
  c.retry_rber_factor = e.real_or("retry_rber_factor", 0.5, R{0, 1});
  if (c.page_size_bytes % c.ecc_codeword_bytes != 0)
    e.fail("codeword_bytes", "= " + std::to_string(c.ecc_codeword_bytes) +
                                 ": must divide geometry.page_size_bytes (" +
                                 std::to_string(c.page_size_bytes) + ")");
  e.finish();

  const pnm::ConfigReader q = r.child("reliability", false);
  c.rber_base = q.real_or("rber_base", 0, R{0, 0.5});
  c.rber_pe_coeff = q.real_or("rber_pe_coeff", 0, R{0, 1});
  c.rber_pe_exponent = q.real_or("rber_pe_exponent", 1, R{0, 10});
  c.rber_read_disturb_per_read = q.real_or("rber_read_disturb_per_read", 0, R{0, 1e-3});
  c.rber_retention_per_hour = q.real_or("rber_retention_per_hour", 0, R{0, 1e-2});
  c.retention_hours_at_start = q.real_or("retention_hours_at_start", 0, R{0, 1e6});
  c.initial_pe_cycles = uint32_t(q.integer_or("initial_pe_cycles", 0, I{0, 1000000}));
  c.endurance_pe_cycles = uint32_t(q.integer_or("endurance_pe_cycles", 3000, I{1, 1000000}));
  q.finish();

  const pnm::ConfigReader n = r.child("energy", false);
  c.energy_read_pj_per_page = n.real_or("energy_read_pj_per_page", 0, R{0, 1e12});
  c.energy_program_pj_per_page = n.real_or("energy_program_pj_per_page", 0, R{0, 1e12});
  c.energy_erase_pj_per_block = n.real_or("energy_erase_pj_per_block", 0, R{0, 1e15});
  c.energy_transfer_pj_per_bit = n.real_or("energy_transfer_pj_per_bit", 0, R{0, 1e6});
  c.energy_ecc_decode_pj_per_codeword = n.real_or("energy_ecc_decode_pj_per_codeword", 0, R{0, 1e9});
  n.finish();

  const pnm::ConfigReader s = r.child("storage", false);
  const std::string mode =
      s.choice_or("mode", "timing_only", {"timing_only", "sparse", "synthetic"});
  c.storage_mode = mode == "sparse"      ? StorageMode::Sparse
                   : mode == "synthetic" ? StorageMode::Synthetic
                                         : StorageMode::TimingOnly;
  c.preprogrammed = s.boolean_or("preprogrammed", c.storage_mode != StorageMode::Sparse);
  s.finish();

  // Byte addresses of one channel must fit in 64 bits with room to spare.
  const long double bytes = static_cast<long double>(c.blocks_per_plane) * c.pages_per_block *
                            c.planes_per_die * c.dies_per_channel() * c.page_size_bytes;
  if (bytes > static_cast<long double>(uint64_t(1) << 62))
    g.fail("blocks_per_plane", "channel capacity exceeds 2^62 bytes");

  r.finish();
  return c;
}

}  // namespace

const char* to_string(StorageMode m) {
  switch (m) {
    case StorageMode::TimingOnly: return "timing_only";
    case StorageMode::Sparse: return "sparse";
    case StorageMode::Synthetic: return "synthetic";
  }
  return "?";
}

uint64_t FlashConfig::xfer_ps(uint64_t bytes) const {
  // bytes * 8 bit / (width bit/T * rate MT/s) = bytes * 8e6 / (width * rate) ps
  const unsigned __int128 num = static_cast<unsigned __int128>(bytes) * 8u * 1000000u;
  const uint64_t den = uint64_t(bus_width_bits) * io_rate_mts;
  return static_cast<uint64_t>((num + den - 1) / den);
}

nlohmann::json FlashConfig::to_json() const {
  nlohmann::json j;
  j["name"] = name;
  j["seed"] = seed;
  j["geometry"] = {{"channels", channels},
                   {"chips_per_channel", chips_per_channel},
                   {"dies_per_chip", dies_per_chip},
                   {"planes_per_die", planes_per_die},
                   {"blocks_per_plane", blocks_per_plane},
                   {"pages_per_block", pages_per_block},
                   {"page_size_bytes", page_size_bytes}};
  j["interface"] = {{"io_rate_mts", io_rate_mts},
                    {"bus_width_bits", bus_width_bits},
                    {"t_cmd_addr_ps", t_cmd_addr_ps},
                    {"cmd_on_data_bus", cmd_on_data_bus}};
  j["timing"] = {{"t_read_ps", t_read_ps},
                 {"t_prog_ps", t_prog_ps},
                 {"t_erase_ps", t_erase_ps},
                 {"t_cache_copy_ps", t_cache_copy_ps},
                 {"independent_plane_reads", independent_plane_reads}};
  j["ecc"] = {{"codeword_bytes", ecc_codeword_bytes},
              {"correctable_bits_per_codeword", ecc_correctable_bits},
              {"t_decode_ps", t_ecc_decode_ps},
              {"max_read_retries", max_read_retries},
              {"retry_rber_factor", retry_rber_factor}};
  j["reliability"] = {{"rber_base", rber_base},
                      {"rber_pe_coeff", rber_pe_coeff},
                      {"rber_pe_exponent", rber_pe_exponent},
                      {"rber_read_disturb_per_read", rber_read_disturb_per_read},
                      {"rber_retention_per_hour", rber_retention_per_hour},
                      {"retention_hours_at_start", retention_hours_at_start},
                      {"initial_pe_cycles", initial_pe_cycles},
                      {"endurance_pe_cycles", endurance_pe_cycles}};
  j["energy"] = {{"energy_read_pj_per_page", energy_read_pj_per_page},
                 {"energy_program_pj_per_page", energy_program_pj_per_page},
                 {"energy_erase_pj_per_block", energy_erase_pj_per_block},
                 {"energy_transfer_pj_per_bit", energy_transfer_pj_per_bit},
                 {"energy_ecc_decode_pj_per_codeword", energy_ecc_decode_pj_per_codeword}};
  j["storage"] = {{"mode", to_string(storage_mode)}, {"preprogrammed", preprogrammed}};
  return j;
}

std::string preset_path(const std::string& name) {
  if (name.find('/') != std::string::npos ||
      (name.size() > 5 && name.compare(name.size() - 5, 5, ".yaml") == 0))
    return name;
  return std::string(PNMSIM_SOURCE_DIR) + "/sim/configs/flash/" + name + ".yaml";
}

FlashConfig load_config(const pnm::ConfigReader& section) {
  if (!section.has("preset")) return parse(section);
  const std::string file = preset_path(section.text("preset"));
  const pnm::ConfigReader base = pnm::ConfigReader::from_file(file, "flash", kComponent);
  const YAML::Node merged = merge(base.node(), section.node());
  return parse(pnm::ConfigReader(merged, section.file() + " (over preset " + file + ")",
                                 section.path(), kComponent));
}

FlashConfig load_config(const std::string& path) {
  return load_config(pnm::ConfigReader::from_file(path, "flash", kComponent));
}

FlashConfig load_config(const YAML::Node& node, const std::string& source) {
  return load_config(pnm::ConfigReader(node, source, "flash", kComponent));
}

}  // namespace pnm::flash
