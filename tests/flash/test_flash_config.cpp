// Flash config loading: presets load and give the documented derived
// figures; bad input fails at load naming file, key and range.
#include <gtest/gtest.h>

#include <cmath>

#include "tests/flash/flash_test_util.hpp"
#include "tlm/flash/flash_config.hpp"

namespace {

using pnm::ConfigError;
using pnm::flash::FlashConfig;
using pnm::flash::load_config;
using pnm::flash::preset_path;

std::string error_of(const std::string& yaml) {
  try {
    flash_test::cfg_from(yaml);
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ConfigError for:\n" << yaml;
  return "";
}

// Replaces the first occurrence of `from` in the base config.
std::string edit(const std::string& from, const std::string& to) {
  std::string y = flash_test::base_yaml();
  const size_t p = y.find(from);
  EXPECT_NE(p, std::string::npos) << from;
  return y.replace(p, from.size(), to);
}

TEST(FlashConfig, BaseConfigLoads) {
  const FlashConfig c = flash_test::cfg_from(flash_test::base_yaml(2, 4));
  EXPECT_EQ(c.dies_per_channel(), 2u);
  EXPECT_EQ(c.planes_per_die, 4u);
  EXPECT_EQ(c.t_read_ps, 20'000'000u);
  EXPECT_EQ(c.t_cmd_addr_ps, 200'000u);
  EXPECT_EQ(c.t_erase_ps, 2'000'000'000u);
  EXPECT_EQ(c.pages_per_channel(), 2u * 4 * 16 * 64);
  // x = bytes * 8 / (width * rate): 4096 * 8 / (8 * 400e6) s
  EXPECT_EQ(c.xfer_ps(4096), static_cast<uint64_t>(std::ceil(4096.0 * 8 / (8 * 400e6) * 1e12)));
}

TEST(FlashConfig, PresetsLoadWithDocumentedFigures) {
  for (const char* name : {"hbf_gen1", "cambricon_llm_l", "mqsim_default", "onfi5_tlc"}) {
    SCOPED_TRACE(name);
    const FlashConfig c = load_config(preset_path(name));
    EXPECT_EQ(c.name, name);
    EXPECT_GT(c.bytes_total(), 0u);
  }
  const FlashConfig h = load_config(preset_path("hbf_gen1"));
  // ~1.6 TB/s aggregate: channels x bus bandwidth.
  EXPECT_NEAR(h.channels * h.bus_bytes_per_s() / 1e9, 1638.4, 1e-6);
  EXPECT_EQ(h.bytes_total(), uint64_t(512) << 30);
  EXPECT_EQ(h.page_size_bytes, 4096u);
  EXPECT_LE(h.t_read_ps, 10'000'000u);  // a few microseconds
  const FlashConfig cam = load_config(preset_path("cambricon_llm_l"));
  EXPECT_EQ(cam.channels, 32u);
  EXPECT_EQ(cam.chips_per_channel, 8u);
  EXPECT_EQ(cam.dies_per_chip, 2u);
  EXPECT_EQ(cam.planes_per_die, 2u);
  EXPECT_EQ(cam.io_rate_mts, 1000u);
  EXPECT_EQ(cam.page_size_bytes, 16384u);
  EXPECT_EQ(cam.t_read_ps, 30'000'000u);
  const FlashConfig mq = load_config(preset_path("mqsim_default"));
  EXPECT_EQ(mq.channels * mq.chips_per_channel, 32u);
  EXPECT_EQ(mq.io_rate_mts, 333u);
  EXPECT_EQ(mq.t_read_ps, 75'000'000u);
  EXPECT_EQ(mq.t_prog_ps, 750'000'000u);
  EXPECT_EQ(mq.t_erase_ps, 3'800'000'000u);
  EXPECT_EQ(load_config(preset_path("onfi5_tlc")).io_rate_mts, 2400u);
}

TEST(FlashConfig, EmbeddedSectionNamesPresetWithOverrides) {
  const YAML::Node chip = YAML::Load(
      "flash:\n  preset: hbf_gen1\n  geometry: {channels: 4}\n  storage: {mode: timing_only}\n");
  const FlashConfig c = load_config(chip["flash"], "chip.yaml");
  EXPECT_EQ(c.channels, 4u);
  EXPECT_EQ(c.planes_per_die, 64u);  // from the preset
  EXPECT_EQ(c.storage_mode, pnm::flash::StorageMode::TimingOnly);
  EXPECT_THROW(load_config(YAML::Load("preset: hbf_gen1\ngeometry: {chanels: 4}\n"), "chip.yaml"),
               ConfigError);
  EXPECT_THROW(load_config(YAML::Load("preset: no_such_preset\n"), "chip.yaml"), ConfigError);
}

TEST(FlashConfigBadInput, ZeroSize) {
  const std::string m = error_of(edit("planes_per_die: 1", "planes_per_die: 0"));
  EXPECT_NE(m.find("test.yaml"), std::string::npos) << m;
  EXPECT_NE(m.find("flash.geometry.planes_per_die"), std::string::npos) << m;
  EXPECT_NE(m.find("[1, 256]"), std::string::npos) << m;
}

TEST(FlashConfigBadInput, NegativeSize) {
  const std::string m = error_of(edit("blocks_per_plane: 16", "blocks_per_plane: -16"));
  EXPECT_NE(m.find("flash.geometry.blocks_per_plane"), std::string::npos) << m;
  EXPECT_NE(m.find("-16"), std::string::npos) << m;
  const std::string t = error_of(edit("t_read_us: 20", "t_read_us: -20"));
  EXPECT_NE(t.find("flash.timing.t_read_us"), std::string::npos) << t;
  EXPECT_NE(t.find("us"), std::string::npos) << t;
}

TEST(FlashConfigBadInput, UnknownKey) {
  const std::string m = error_of(edit("    io_rate_mts: 400\n", "    io_rate_mts: 400\n    bus_widht_bits: 8\n"));
  EXPECT_NE(m.find("flash.interface.bus_widht_bits"), std::string::npos) << m;
  EXPECT_NE(m.find("unknown key"), std::string::npos) << m;
  const std::string top = error_of(flash_test::base_yaml() + "  colour: blue\n");
  EXPECT_NE(top.find("flash.colour"), std::string::npos) << top;
}

TEST(FlashConfigBadInput, MissingUnit) {
  const std::string m = error_of(edit("t_read_us: 20", "t_read: 20"));
  EXPECT_NE(m.find("flash.timing.t_read"), std::string::npos) << m;
  EXPECT_NE(m.find("unit"), std::string::npos) << m;
  const std::string r = error_of(edit("io_rate_mts: 400", "io_rate: 400"));
  EXPECT_NE(r.find("io_rate"), std::string::npos) << r;
  const std::string d = error_of(edit("t_decode_ns: 2000", "t_decode: 2000"));
  EXPECT_NE(d.find("flash.ecc.t_decode"), std::string::npos) << d;
  EXPECT_NE(d.find("missing unit"), std::string::npos) << d;
}

TEST(FlashConfigBadInput, OutOfRange) {
  const std::string p = error_of(edit("page_size_bytes: 4096", "page_size_bytes: 65536"));
  EXPECT_NE(p.find("flash.geometry.page_size_bytes"), std::string::npos) << p;
  EXPECT_NE(p.find("[4096, 16384]"), std::string::npos) << p;
  const std::string t = error_of(edit("t_read_us: 20", "t_read_us: 50000"));
  EXPECT_NE(t.find("[0.001, 10000]"), std::string::npos) << t;
  const std::string f = error_of(flash_test::base_yaml() + "    retry_rber_factor: 1.5\n");
  EXPECT_NE(f.find("flash.ecc.retry_rber_factor"), std::string::npos) << f;
  EXPECT_NE(f.find("[0, 1]"), std::string::npos) << f;
  const std::string s = error_of(flash_test::base_yaml() + "  storage: {mode: tape}\n");
  EXPECT_NE(s.find("flash.storage.mode"), std::string::npos) << s;
  EXPECT_NE(s.find("timing_only, sparse, synthetic"), std::string::npos) << s;
  const std::string cw = error_of(edit("codeword_bytes: 1024", "codeword_bytes: 1000"));
  EXPECT_NE(cw.find("flash.ecc.codeword_bytes"), std::string::npos) << cw;
}

TEST(FlashConfigBadInput, MissingSection) {
  std::string y = flash_test::base_yaml();
  y.erase(y.find("  timing:"), y.find("  ecc:") - y.find("  timing:"));
  const std::string m = error_of(y);
  EXPECT_NE(m.find("flash.timing"), std::string::npos) << m;
}

TEST(FlashConfig, ResolvedConfigJsonRoundTripsKeyFigures) {
  const FlashConfig c = flash_test::cfg_from(flash_test::base_yaml(2, 2));
  const nlohmann::json j = c.to_json();
  EXPECT_EQ(j["timing"]["t_read_ps"].get<uint64_t>(), c.t_read_ps);
  EXPECT_EQ(j["geometry"]["planes_per_die"].get<uint32_t>(), 2u);
  EXPECT_EQ(j["storage"]["mode"], "timing_only");
}

}  // namespace
