// PNM placement (chip.pnm.placement, tlm/chip/CHIP.md "Placement", issue 12):
// the same firmware and weight layout under in_die, controller and
// logic_die give the reference model's tokens; each placement's decode step
// is bound by the resource its structure says (arrays, bus, TSV link), checked
// against bounds computed here from the config and the CHIP.md layout rule,
// not taken from a run; the in-die bus traffic (activations in, partial sums
// out) is counted exactly. One simulation per test (one SystemC kernel per
// process).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "sim/model/checkpoint.hpp"
#include "sim/model/decoder.hpp"
#include "sim/model/sampler.hpp"
#include "sim/model/shape.hpp"
#include "tests/common/test_seed.hpp"
#include "tlm/chip/decode_session.hpp"
#include "tlm/pnm/mve_config.hpp"

namespace pnm::chip {
namespace {

const std::string kRoot = PNMSIM_SOURCE_DIR;

// ---------------------------------------------------------------------------
// Functional: the tiny model, every placement, the reference's tokens.

model::QuantizedModel tiny_model(uint64_t seed) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("pnmsim_test_placement_" + std::to_string(::getpid()) + "_" + std::to_string(seed) + ".bin");
  model::write_checkpoint(path.string(), model::tiny_shape(), seed);
  model::QuantizedModel qm = model::quantize_model(model::Checkpoint::load(path.string()));
  std::filesystem::remove(path);
  return qm;
}

void expect_reference_tokens(const std::vector<std::string>& overrides, const char* name, int steps) {
  const model::QuantizedModel qm = tiny_model(test::seed(name, 12));
  const ChipConfig cfg = load_chip_config(kRoot + "/sim/configs/tiny.yaml", overrides);
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(1, sc_core::SC_US));
  Chip chip("chip", cfg);
  DecodeSession session(chip, load_model(chip, qm));
  session.queue(1, steps);
  sc_core::sc_start();
  ASSERT_EQ(session.error(), "");
  std::vector<int32_t> got;
  for (const auto& t : session.tokens()) got.push_back(t.output);
  model::ReferenceDecoder dec(qm);
  EXPECT_EQ(got, model::generate(dec, 1, steps));
  // The structure was really used: no bus transfer of weights in_die, every
  // weight page up the TSV link for logic_die.
  uint64_t sensed = 0, tsv_up = 0, wb = 0, flash_bytes = 0;
  for (unsigned c = 0; c < chip.channels(); ++c) {
    flash_bytes += chip.flash(c).model().counters().read_bytes;
    tsv_up += chip.tsv(c).stats(logic::TsvLink::kUp).bytes;
    wb += chip.pnm(c).counters().writeback_bytes;
    sensed += chip.pnm(c).counters().bytes_read;
  }
  ASSERT_GT(sensed, 0u);
  switch (cfg.pnm.placement) {
    case pnmu::Placement::InDie: EXPECT_EQ(flash_bytes, 0u) << "in_die: no page crosses the channel bus"; break;
    case pnmu::Placement::Controller: EXPECT_EQ(tsv_up, wb) << "controller: only results go up"; break;
    case pnmu::Placement::LogicDie: EXPECT_EQ(tsv_up, flash_bytes + wb) << "logic_die: every read byte goes up"; break;
  }
}

TEST(Placement, ControllerTinyMatchesReference) {
  expect_reference_tokens({"chip.pnm.placement=controller"}, "Placement.Controller", 8);
}
TEST(Placement, LogicDieTinyMatchesReference) {
  expect_reference_tokens({"chip.pnm.placement=logic_die"}, "Placement.LogicDie", 8);
}
TEST(Placement, LogicDieStreamModeTinyMatchesReference) {
  expect_reference_tokens({"chip.pnm.placement=logic_die", "chip.sim.mode=stream"}, "Placement.LogicDieStream", 8);
}
TEST(Placement, InDieTinyMatchesReference) {
  expect_reference_tokens({"chip.pnm.placement=in_die"}, "Placement.InDie", 8);
}
// 16 units per die (4 of tiny's 64 planes each), per-unit activations, 8 channels.
TEST(Placement, InDiePlaneGroupsTinyMatchesReference) {
  expect_reference_tokens({"chip.pnm.placement=in_die", "chip.pnm.in_die.units_per_die=16",
                           "chip.pnm.in_die.act_broadcast=false", "chip.flash.geometry.channels=8"},
                          "Placement.InDiePlaneGroups", 8);
}
TEST(Placement, InDieWithRtlMveMatchesReference) {
  if (!mve::rtl_available()) GTEST_SKIP() << "built without PNMSIM_WITH_RTL";
  expect_reference_tokens({"chip.pnm.placement=in_die", "chip.pnm.mve.kind=rtl", "chip.flash.geometry.channels=2"},
                          "Placement.InDieRtl", 4);
}
TEST(Placement, LogicDieInShadowModeMatchesReference) {
  if (!mve::rtl_available()) GTEST_SKIP() << "built without PNMSIM_WITH_RTL";
  expect_reference_tokens({"chip.pnm.placement=logic_die", "chip.pnm.mve.kind=shadow", "chip.flash.geometry.channels=2"},
                          "Placement.LogicDieShadow", 4);
}
TEST(Placement, InDieInShadowModeMatchesReference) {
  if (!mve::rtl_available()) GTEST_SKIP() << "built without PNMSIM_WITH_RTL";
  expect_reference_tokens({"chip.pnm.placement=in_die", "chip.pnm.mve.kind=shadow", "chip.flash.geometry.channels=2"},
                          "Placement.InDieShadow", 4);
}

// Batch and prefill in the dies: 3 sampled sequences, a 3-token prompt in one
// 9-slot prefill step (jobs of up to 4 vectors: n * K activation bytes, 4 * n
// bytes per row segment), then 3-slot decode steps; each sequence equals its
// reference run.
std::vector<int32_t> reference_run(const model::QuantizedModel& qm, const std::vector<int32_t>& prompt, int tokens,
                                   float temperature, uint64_t seed) {
  model::ReferenceDecoder dec(qm);
  model::Sampler sampler(temperature, 0.9f, seed);
  std::vector<int32_t> out;
  int32_t pos = 0;
  const std::vector<float>* logits = nullptr;
  for (int32_t t : prompt) logits = &dec.forward(t, pos++);
  for (int k = 0; k < tokens; ++k) {
    out.push_back(sampler.sample(*logits));
    if (k + 1 < tokens) logits = &dec.forward(out.back(), pos++);
  }
  return out;
}

TEST(Placement, InDieBatchAndPrefillMatchReferencePerSequence) {
  const model::QuantizedModel qm = tiny_model(test::seed("Placement.InDieBatch", 31));
  const ChipConfig cfg = load_chip_config(kRoot + "/sim/configs/tiny.yaml",
                                          {"chip.pnm.placement=in_die", "chip.pnm.in_die.units_per_die=4"});
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(1, sc_core::SC_US));
  Chip chip("chip", cfg);
  RunSpec spec;
  spec.prompt = {1, 33, 7};
  spec.tokens = 3;
  spec.batch = 3;
  Workload w;
  w.max_slots = 9;
  w.n_seqs = spec.batch;
  w.kv_len = static_cast<uint32_t>(spec.prompt.size() + spec.tokens - 1);
  DecodeSession session(chip, load_model(chip, qm, w));
  session.set_sampling(0.9f, 0.9f, 70);
  session.queue(spec);
  sc_core::sc_start();
  ASSERT_EQ(session.error(), "");
  for (uint32_t b = 0; b < spec.batch; ++b)
    EXPECT_EQ(session.generated(b), reference_run(qm, spec.prompt, 3, 0.9f, 70 + b)) << "sequence " << b;
  Stats s;
  chip.pnm(0).report(s, "p");
  EXPECT_GT(s.value("p.in_die.partial_bytes"), 0);
}

// ---------------------------------------------------------------------------
// Timing: one Llama-2-7B decode step (timing only) on cambricon_s.

struct Step {
  double s = 0;  // simulated seconds of the step
  std::vector<uint64_t> act_bytes, partial_bytes, pages, tsv_up, read_bytes, wb_bytes;
};

Step run_7b(const std::vector<std::string>& overrides, ChipConfig* cfg_out,
            const std::string& chip_yaml = "cambricon_s.yaml") {
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(1, sc_core::SC_US));
  const ChipConfig cfg = load_chip_config(kRoot + "/sim/configs/" + chip_yaml, overrides);
  *cfg_out = cfg;
  const auto shape = model::load_shape_yaml(kRoot + "/sim/configs/models/llama2_7b.yaml");
  Chip chip("chip", cfg);
  DecodeSession session(chip, load_shape(chip, shape));
  session.queue(1, 1);
  sc_core::sc_start();
  EXPECT_EQ(session.error(), "");
  Step r;
  if (session.tokens().size() != 1) return r;
  r.s = (session.tokens()[0].end_ps - session.tokens()[0].start_ps) * 1e-12;
  for (unsigned c = 0; c < chip.channels(); ++c) {
    Stats s;
    chip.pnm(c).report(s, "p");
    r.act_bytes.push_back(s.has("p.in_die.act_bytes") ? uint64_t(s.value("p.in_die.act_bytes")) : 0);
    r.partial_bytes.push_back(s.has("p.in_die.partial_bytes") ? uint64_t(s.value("p.in_die.partial_bytes")) : 0);
    r.pages.push_back(chip.pnm(c).counters().pages_read);
    r.read_bytes.push_back(chip.pnm(c).counters().bytes_read);
    r.wb_bytes.push_back(chip.pnm(c).counters().writeback_bytes);
    r.tsv_up.push_back(chip.tsv(c).stats(logic::TsvLink::kUp).bytes);
  }
  return r;
}

// The layout rule (CHIP.md): per matrix, channel c's stripe of rows_c rows.
struct Stripe {
  uint64_t rows, cols;
};
std::vector<Stripe> stripes(unsigned c, unsigned C) {
  const auto shape = model::load_shape_yaml(kRoot + "/sim/configs/models/llama2_7b.yaml");
  std::vector<Stripe> v;
  for (const auto& m : shape.matrices()) {
    const uint64_t rows = uint64_t(m.rows) / C + (c < uint64_t(m.rows) % C ? 1 : 0);
    for (int64_t i = 0; i < m.count; ++i) v.push_back({rows, uint64_t(m.cols)});
  }
  return v;
}

TEST(Placement, InDieIsBoundByTheArraysAndMovesOnlyActivationsAndPartials) {
  ChipConfig cfg;
  const Step r = run_7b({}, &cfg);  // cambricon_s.yaml's placement is in_die
  ASSERT_EQ(cfg.pnm.placement, pnmu::Placement::InDie);
  ASSERT_GT(r.s, 0);
  const flash::FlashConfig& f = cfg.flash;
  const uint64_t P = f.page_size_bytes, C = cfg.channels();
  double array_bound = 0, bus_bound = 0;
  for (unsigned c = 0; c < C; ++c) {
    uint64_t pages = 0, act = 0, partial = 0, bytes = 0;
    for (const Stripe& s : stripes(c, unsigned(C))) {
      const uint64_t b = s.rows * s.cols;
      if (b == 0) continue;
      pages += (b + P - 1) / P;
      bytes += b;
      act += s.cols;  // one broadcast of the job's vector
      // One int32 per (row, page) pair: row r's bytes [rK, (r+1)K) touch pages floor(rK/P) .. floor(((r+1)K-1)/P).
      for (uint64_t row = 0; row < s.rows; ++row) partial += 4 * ((((row + 1) * s.cols - 1) / P) - (row * s.cols / P) + 1);
    }
    EXPECT_EQ(r.pages[c], pages) << "channel " << c;
    EXPECT_EQ(r.act_bytes[c], act) << "channel " << c << ": activations in, once per job";
    EXPECT_EQ(r.partial_bytes[c], partial) << "channel " << c << ": one int32 per row segment";
    // A die senses at most planes pages per tR (one multi-plane read).
    const double per_round = double(f.dies_per_channel()) * f.planes_per_die;
    array_bound = std::max(array_bound, std::ceil(double(pages) / per_round) * f.t_read_ps * 1e-12);
    bus_bound = std::max(bus_bound, double(bytes) / f.bus_bytes_per_s());
  }
  std::printf("Llama-2-7B step on cambricon_s, in_die: %.3f ms; array bound %.3f ms; a bus-bound step %.3f ms\n",
              r.s * 1e3, array_bound * 1e3, bus_bound * 1e3);
  EXPECT_GE(r.s, array_bound) << "no step beats the arrays";
  // Job boundaries (activation broadcast after the previous job's partials),
  // the vector unit and the last pages' partials cost the rest; within 25%.
  EXPECT_LE(r.s, array_bound * 1.25) << "in_die should stay near the array bound";
  EXPECT_LT(r.s, bus_bound / 3) << "in_die does not move weights over the 1 GB/s bus";
}

// hbf_gen1: one die of 64 independently read planes per channel, 16 units of
// 4 planes each (hbf_gen1.yaml's in_die section): still the arrays bind
// (64 x 4 KiB / 2 us = 131 GB/s per channel, units 16 x 16 GB/s).
TEST(Placement, InDieWithManyPlanesIsBoundByTheArrays) {
  ChipConfig cfg;
  const Step r = run_7b({"chip.pnm.placement=in_die"}, &cfg, "hbf_gen1.yaml");
  ASSERT_GT(r.s, 0);
  const flash::FlashConfig& f = cfg.flash;
  ASSERT_TRUE(f.independent_plane_reads);
  double bound = 0, bus_bound = 0;
  for (unsigned c = 0; c < cfg.channels(); ++c) {
    uint64_t pages = 0, bytes = 0;
    for (const Stripe& s : stripes(c, cfg.channels())) {
      pages += (s.rows * s.cols + f.page_size_bytes - 1) / f.page_size_bytes;
      bytes += s.rows * s.cols;
    }
    // Each plane senses one page per cmd + tR.
    const double planes = double(f.dies_per_channel()) * f.planes_per_die;
    bound = std::max(bound, std::ceil(double(pages) / planes) * double(f.t_read_ps + f.t_cmd_addr_ps) * 1e-12);
    bus_bound = std::max(bus_bound, double(bytes) / f.bus_bytes_per_s());
  }
  std::printf("Llama-2-7B step on hbf_gen1, in_die: %.3f ms; array bound %.3f ms; bus bound (controller) %.3f ms\n",
              r.s * 1e3, bound * 1e3, bus_bound * 1e3);
  EXPECT_GE(r.s, bound);
  EXPECT_LE(r.s, bound * 1.3);
  EXPECT_LT(r.s, bus_bound) << "131 GB/s of arrays beat the 102.4 GB/s bus";
}

TEST(Placement, ControllerIsBoundByTheChannelBus) {
  ChipConfig cfg;
  const Step r = run_7b({"chip.pnm.placement=controller"}, &cfg);
  ASSERT_GT(r.s, 0);
  double bound = 0;
  for (unsigned c = 0; c < cfg.channels(); ++c) {
    uint64_t pages = 0;
    for (const Stripe& s : stripes(c, cfg.channels())) pages += (s.rows * s.cols + cfg.flash.page_size_bytes - 1) / cfg.flash.page_size_bytes;
    // Each page crosses the bus once (the last of a stripe may be short: bound from bytes).
    bound = std::max(bound, double(r.read_bytes[c]) / cfg.flash.bus_bytes_per_s());
    EXPECT_EQ(r.pages[c], pages) << "channel " << c;
    EXPECT_EQ(r.tsv_up[c], r.wb_bytes[c]) << "controller: only results cross the TSV link";
  }
  std::printf("Llama-2-7B step on cambricon_s, controller: %.3f ms; bus bound %.3f ms\n", r.s * 1e3, bound * 1e3);
  EXPECT_GE(r.s, bound);
  EXPECT_LE(r.s, bound * 1.05) << "the bus should stay busy";
}

// A TSV link narrower than the bus (8 wires at 500 MT/s: 0.5 GB/s < 1 GB/s)
// binds logic_die; stream mode books each batch up the link as a fluid.
void expect_tsv_bound(const std::vector<std::string>& extra) {
  std::vector<std::string> o = {"chip.pnm.placement=logic_die", "chip.logic.tsv.width_bits=8",
                                "chip.logic.tsv.data_rate_mts=500"};
  o.insert(o.end(), extra.begin(), extra.end());
  ChipConfig cfg;
  const Step r = run_7b(o, &cfg);
  ASSERT_GT(r.s, 0);
  const double tsv_bps = cfg.logic.tsv.width_bits / 8.0 * cfg.logic.tsv.data_rate_mts * 1e6;
  ASSERT_LT(tsv_bps, cfg.flash.bus_bytes_per_s());
  double bound = 0;
  for (unsigned c = 0; c < cfg.channels(); ++c) {
    EXPECT_EQ(r.tsv_up[c], r.read_bytes[c] + r.wb_bytes[c]) << "every weight byte crosses the link";
    bound = std::max(bound, double(r.tsv_up[c]) / tsv_bps);
  }
  std::printf("Llama-2-7B step on cambricon_s, logic_die, 0.5 GB/s TSV: %.3f ms; TSV bound %.3f ms\n", r.s * 1e3,
              bound * 1e3);
  EXPECT_GE(r.s, bound * 0.999);  // the fluid's rounding
  EXPECT_LE(r.s, bound * 1.05);
}
TEST(Placement, LogicDieIsBoundByANarrowTsvLink) { expect_tsv_bound({}); }
TEST(Placement, LogicDieStreamModeIsBoundByANarrowTsvLink) { expect_tsv_bound({"chip.sim.mode=stream"}); }

// With the default link (819 GB/s) the bus binds, as for controller.
TEST(Placement, LogicDieWithAWideTsvLinkIsBoundByTheBus) {
  ChipConfig cfg;
  const Step r = run_7b({"chip.pnm.placement=logic_die", "chip.sim.mode=stream"}, &cfg);
  ASSERT_GT(r.s, 0);
  double bound = 0;
  for (unsigned c = 0; c < cfg.channels(); ++c) bound = std::max(bound, double(r.read_bytes[c]) / cfg.flash.bus_bytes_per_s());
  EXPECT_GE(r.s, bound * 0.999);
  EXPECT_LE(r.s, bound * 1.05);
}

// ---------------------------------------------------------------------------
// Bad input: named key, allowed values.

TEST(Placement, BadPlacementConfigsNameTheKeyAndTheAllowedValues) {
  const auto msg = [](const std::string& cfg, const std::vector<std::string>& o) {
    try {
      load_chip_config(kRoot + "/sim/configs/" + cfg, o);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  std::string m = msg("tiny.yaml", {"chip.pnm.placement=near_memory"});
  EXPECT_NE(m.find("chip.pnm.placement"), std::string::npos) << m;
  EXPECT_NE(m.find("in_die, controller, logic_die"), std::string::npos) << m;
  m = msg("cambricon_s.yaml", {"chip.pnm.in_die.units_per_die=4"});  // 2 planes per die
  EXPECT_NE(m.find("chip.pnm.in_die.units_per_die"), std::string::npos) << m;
  EXPECT_NE(m.find("planes_per_die (2)"), std::string::npos) << m;
  m = msg("tiny.yaml", {"chip.pnm.placement=in_die", "chip.pnm.in_die.units_per_die=3"});  // 64 planes
  EXPECT_NE(m.find("divide"), std::string::npos) << m;
  m = msg("faults_example.yaml", {"chip.pnm.placement=in_die"});
  EXPECT_NE(m.find("chip.faults."), std::string::npos) << m;
  // The in_die keys are checked whatever the placement.
  m = msg("tiny.yaml", {"chip.pnm.in_die.lanes=0"});
  EXPECT_NE(m.find("chip.pnm.in_die.lanes"), std::string::npos) << m;
  // A fitting config loads.
  EXPECT_EQ(msg("cambricon_s.yaml", {"chip.pnm.in_die.units_per_die=2"}), "(no error)");
}

}  // namespace
}  // namespace pnm::chip
