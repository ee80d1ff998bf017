// The whole chip: firmware on the control CPU decodes token by token through
// the interconnect, vector unit, TSV links, PNM units and flash channels, and
// must produce the C++ reference model's tokens exactly.
#include <gtest/gtest.h>

#include <filesystem>

#include "sim/model/checkpoint.hpp"
#include "sim/model/decoder.hpp"
#include "sim/model/error.hpp"
#include "sim/model/sampler.hpp"
#include "tests/common/test_seed.hpp"
#include "tlm/chip/decode_session.hpp"
#include "tlm/pnm/mve_config.hpp"

namespace pnm::chip {
namespace {

const std::string kRoot = PNMSIM_SOURCE_DIR;

ChipConfig tiny_chip(const std::vector<std::string>& overrides = {}) {
  return load_chip_config(kRoot + "/sim/configs/tiny.yaml", overrides);
}

struct TinyModel {
  model::Checkpoint ckpt;
  model::QuantizedModel qm;
};

TinyModel tiny_model(uint64_t seed) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("pnmsim_test_chip_" + std::to_string(::getpid()) + "_" + std::to_string(seed) + ".bin");
  model::write_checkpoint(path.string(), model::tiny_shape(), seed);
  model::Checkpoint ckpt = model::Checkpoint::load(path.string());
  model::QuantizedModel qm = model::quantize_model(ckpt);
  return {std::move(ckpt), std::move(qm)};
}

std::vector<int32_t> reference_tokens(const model::QuantizedModel& qm, int steps) {
  model::ReferenceDecoder dec(qm);
  return model::generate(dec, 1, steps);
}

std::vector<int32_t> chip_tokens(const ChipConfig& cfg, const model::QuantizedModel& qm, int steps,
                                 std::string* error = nullptr, uint64_t* per_token_ps = nullptr) {
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(1, sc_core::SC_US));
  Chip chip("chip", cfg);
  DecodeSession session(chip, load_model(chip, qm));
  session.queue(1, steps);
  sc_core::sc_start();
  if (error) *error = session.error();
  EXPECT_FALSE(chip.cpu().failed()) << (chip.cpu().errors().empty() ? "" : chip.cpu().errors()[0]);
  std::vector<int32_t> out;
  for (const auto& t : session.tokens()) out.push_back(t.output);
  if (per_token_ps && !session.tokens().empty()) {
    *per_token_ps = session.tokens().back().end_ps - session.tokens().back().start_ps;
  }
  return out;
}

TEST(Chip, TinyDecodeWithGoldenMveMatchesReferenceFor32Tokens) {
  const TinyModel m = tiny_model(test::seed("Chip.TinyDecodeWithGoldenMve", 1));
  std::string err;
  uint64_t tok_ps = 0;
  const auto got = chip_tokens(tiny_chip(), m.qm, 32, &err, &tok_ps);
  EXPECT_EQ(err, "");
  EXPECT_EQ(got, reference_tokens(m.qm, 32));
  std::printf("tiny model on 4 channels: %.3f us per token\n", tok_ps * 1e-6);
  EXPECT_GT(tok_ps, 0u);
}

TEST(Chip, TinyDecodeWithTemperatureAndTopPSamplingMatchesReference) {
  const TinyModel m = tiny_model(test::seed("Chip.TinyDecodeWithSampling", 9));
  for (const auto& [temp, top_p, seed] : {std::tuple{0.8f, 0.9f, 7ull}}) {
    model::ReferenceDecoder dec(m.qm);
    model::Sampler sampler(temp, top_p, seed);
    const auto ref = model::generate(dec, 1, 16, &sampler);

    tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(1, sc_core::SC_US));
    Chip chip("chip", tiny_chip());
    DecodeSession session(chip, load_model(chip, m.qm));
    session.set_sampling(temp, top_p, seed);
    session.queue(1, 16);
    sc_core::sc_start();
    ASSERT_EQ(session.error(), "");
    std::vector<int32_t> got;
    for (const auto& t : session.tokens()) got.push_back(t.output);
    EXPECT_EQ(got, ref) << "temperature " << temp << " top_p " << top_p << " seed " << seed;
    EXPECT_NE(got, reference_tokens(m.qm, 16)) << "sampling should differ from greedy on a random model";
  }
}

TEST(Chip, TinyDecodeOn32Channels) {
  // 32 units: each holds at most 2 of the 64 Wq rows, and some hold none of
  // Wk's 32 (rows_c = 0 jobs complete at once).
  const TinyModel m = tiny_model(test::seed("Chip.TinyDecodeOn32Channels", 2));
  EXPECT_EQ(chip_tokens(tiny_chip({"chip.flash.geometry.channels=32"}), m.qm, 3), reference_tokens(m.qm, 3));
}

TEST(Chip, TinyDecodeOn8Channels) {
  const TinyModel m = tiny_model(test::seed("Chip.TinyDecodeOn8Channels", 8));
  EXPECT_EQ(chip_tokens(tiny_chip({"chip.flash.geometry.channels=8"}), m.qm, 3), reference_tokens(m.qm, 3));
}

TEST(Chip, TinyDecodeOnOneChannel) {
  const TinyModel m = tiny_model(test::seed("Chip.TinyDecodeOnOneChannel", 3));
  EXPECT_EQ(chip_tokens(tiny_chip({"chip.flash.geometry.channels=1"}), m.qm, 3), reference_tokens(m.qm, 3));
}

TEST(Chip, TinyDecodeWithRtlMveMatchesReferenceFor4Tokens) {
  if (!mve::rtl_available()) GTEST_SKIP() << "built without PNMSIM_WITH_RTL";
  const TinyModel m = tiny_model(test::seed("Chip.TinyDecodeWithRtlMve", 4));
  EXPECT_EQ(chip_tokens(tiny_chip({"chip.pnm.mve.kind=rtl", "chip.flash.geometry.channels=2"}), m.qm, 4),
            reference_tokens(m.qm, 4));
}

TEST(Chip, TinyDecodeInShadowModeFindsNoMismatch) {
  if (!mve::rtl_available()) GTEST_SKIP() << "built without PNMSIM_WITH_RTL";
  const TinyModel m = tiny_model(test::seed("Chip.TinyDecodeInShadowMode", 5));
  EXPECT_EQ(chip_tokens(tiny_chip({"chip.pnm.mve.kind=shadow", "chip.flash.geometry.channels=8"}), m.qm, 4),
            reference_tokens(m.qm, 4));
}

TEST(Chip, ModelLargerThanFlashFailsBeforeSimulation) {
  // 4 channels x 1 block x 64 planes x 1 page x 4 KiB = 1 MiB of flash; the
  // tiny model needs more.
  const ChipConfig cfg = tiny_chip({"chip.flash.geometry.blocks_per_plane=1", "chip.flash.geometry.pages_per_block=1",
                                    "chip.flash.geometry.planes_per_die=1"});
  const TinyModel m = tiny_model(6);
  try {
    plan(cfg, m.qm.shape);
    FAIL() << "no error";
  } catch (const model::ModelError& e) {
    EXPECT_EQ(e.kind(), model::ErrorKind::TooLarge);
    EXPECT_NE(std::string(e.what()).find("too large by"), std::string::npos) << e.what();
  }
}

TEST(Chip, BadChipConfigsNameTheKey) {
  auto expect_error = [](const std::vector<std::string>& set, const std::string& key) {
    try {
      tiny_chip(set);
      ADD_FAILURE() << "no error for " << set[0];
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  };
  expect_error({"chip.flash.geometry.channels=0"}, "channels");
  expect_error({"chip.flash.geometry.channels=300"}, "channels");
  expect_error({"chip.pnm.act_sram_bytes=1024"}, "act_sram_bytes");  // smaller than a 4096-column row
  expect_error({"chip.pnm.readahead_bytes=4096"}, "readahead_bytes");
  expect_error({"chip.bogus=1"}, "bogus");
}

TEST(Chip, UnmappedAddressIsAnErrorResponseNotACrash) {
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(1, sc_core::SC_US));
  Chip chip("chip", tiny_chip());
  uint32_t after = 0;
  chip.cpu().run([] { hal_read32(0x08000000ull); });  // between IRQ and PNM_BCAST
  chip.cpu().run([&] { after = hal_read32(regs::addr::IRQ_BASE + regs::irq::STATUS::OFFSET); });
  sc_core::sc_start();
  ASSERT_EQ(chip.cpu().errors().size(), 1u);
  EXPECT_NE(chip.cpu().errors()[0].find("0x8000000"), std::string::npos) << chip.cpu().errors()[0];
  EXPECT_NE(after & regs::irq::STATUS::VU_IDLE::MASK, 0u) << "the chip keeps working";
}

TEST(Chip, TimingOnlyLlama2_7bTokenIsFlashBound) {
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(1, sc_core::SC_US));
  const ChipConfig cfg = load_chip_config(kRoot + "/sim/configs/hbf_gen1.yaml");
  const auto shape = model::load_shape_yaml(kRoot + "/sim/configs/models/llama2_7b.yaml");
  Chip chip("chip", cfg);
  DecodeSession session(chip, load_shape(chip, shape));
  session.queue(1, 1);
  sc_core::sc_start();
  ASSERT_EQ(session.error(), "");
  ASSERT_EQ(session.tokens().size(), 1u);
  const double t = (session.tokens()[0].end_ps - session.tokens()[0].start_ps) * 1e-12;
  const double bytes = double(shape.weight_bytes().int8_matrices);
  const double roofline = bytes / (cfg.flash.bus_bytes_per_s() * cfg.channels());
  std::printf("Llama-2-7B token on hbf_gen1: %.3f ms, flash roofline %.3f ms (efficiency %.3f)\n", t * 1e3,
              roofline * 1e3, roofline / t);
  EXPECT_GE(t, roofline * 0.999) << "no token beats the flash read roofline";
  EXPECT_GE(roofline / t, 0.9) << "the weight stream should stay within 10% of the flash roofline";
}

// Simulated results must not depend on anything but config and model (no
// wall-clock, allocation-order or wake-up-order effects; issue 7's speed-ups
// keep them byte-identical). Two chips with the same config and model, both
// built before sc_start, decode side by side in one simulation and must
// report byte-identical stats JSON. The page count is checked against the
// layout rule of CHIP.md (each unit reads ceil(rows_c * K / page) pages per
// matrix), computed here, not copied from a run.
TEST(Chip, SameConfigAndModelGiveByteIdenticalStats) {
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(1, sc_core::SC_US));
  const ChipConfig cfg = load_chip_config(kRoot + "/sim/configs/hbf_gen1.yaml");
  const auto shape = model::load_shape_yaml(kRoot + "/sim/configs/models/llama2_7b.yaml");
  Chip a("a", cfg), b("b", cfg);
  DecodeSession sa(a, load_shape(a, shape)), sb(b, load_shape(b, shape));
  sa.queue(1, 2);
  sb.queue(1, 2);
  sc_core::sc_start();
  ASSERT_EQ(sa.error(), "");
  ASSERT_EQ(sb.error(), "");
  ASSERT_EQ(sa.tokens().size(), 2u);
  ASSERT_EQ(sb.tokens().size(), 2u);
  for (size_t k = 0; k < 2; ++k) {
    EXPECT_EQ(sa.tokens()[k].start_ps, sb.tokens()[k].start_ps) << "token " << k;
    EXPECT_EQ(sa.tokens()[k].end_ps, sb.tokens()[k].end_ps) << "token " << k;
  }
  Stats ra, rb;
  a.report(ra, "chip");
  b.report(rb, "chip");
  const std::string ja = ra.dump(), jb = rb.dump();
  EXPECT_GT(ja.size(), 1000u);
  EXPECT_TRUE(ja == jb) << "stats JSON differs between two identical chips";

  const unsigned C = cfg.channels();
  const uint64_t page = cfg.flash.page_size_bytes;
  uint64_t pages_per_token = 0;
  for (const auto& m : shape.matrices()) {
    for (unsigned c = 0; c < C; ++c) {
      const uint64_t bytes = uint64_t{pnmu::rows_of_channel(uint32_t(m.rows), c, C)} * uint64_t(m.cols);
      pages_per_token += uint64_t(m.count) * ((bytes + page - 1) / page);
    }
  }
  uint64_t pages_a = 0, pages_b = 0;
  for (unsigned c = 0; c < C; ++c) {
    pages_a += a.pnm(c).counters().pages_read;
    pages_b += b.pnm(c).counters().pages_read;
  }
  EXPECT_EQ(pages_a, 2 * pages_per_token);
  EXPECT_EQ(pages_b, 2 * pages_per_token);
}

}  // namespace
}  // namespace pnm::chip
