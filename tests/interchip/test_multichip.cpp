// Tensor- and pipeline-parallel decode over N simulated chips: the tiny
// model split over 2 and 4 chips (each with its own firmware instance
// driving the COLL registers), by rows (tp), by layers (pp) or both, gives
// the C++ reference model's tokens, which are the single chip's; the fabric
// books the collectives and point-to-point transfers the firmware issues.
#include <gtest/gtest.h>

#include "sim/model/decoder.hpp"
#include "tests/common/test_seed.hpp"
#include "tests/common/tiny_model.hpp"
#include "tlm/chip/decode_session.hpp"
#include "tlm/chip/multichip.hpp"

namespace pnm::chip {
namespace {

const std::string kRoot = PNMSIM_SOURCE_DIR;

model::QuantizedModel tiny_model(uint64_t seed) { return test::tiny_quantized_model(seed, "multichip"); }

struct TpRun {
  std::vector<std::vector<int32_t>> tokens;  // per rank
  std::vector<uint64_t> flash_bytes;         // per rank, per channel
  uint64_t groups = 0, payload = 0, transfer_ps = 0;
  uint64_t last_token_ps = 0;
  interchip::FabricTotals totals;
};

TpRun run_tp(const std::vector<std::string>& sets, const model::QuantizedModel& qm, int steps) {
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(1, sc_core::SC_US));
  const ChipConfig cfg = load_chip_config(kRoot + "/sim/configs/tiny.yaml", sets);
  MultiChip sys(cfg);
  std::vector<std::unique_ptr<DecodeSession>> sessions;
  TpRun r;
  for (unsigned k = 0; k < sys.size(); ++k) {
    LoadedModel m = load_model(sys.chip(k), qm);
    r.flash_bytes.push_back(m.report.flash_bytes_per_channel);
    sessions.push_back(std::make_unique<DecodeSession>(sys.chip(k), std::move(m)));
    sessions.back()->queue(1, steps);
  }
  sc_core::sc_start();
  for (unsigned k = 0; k < sys.size(); ++k) {
    sessions[k]->finish();
    EXPECT_EQ(sessions[k]->error(), "") << "rank " << k;
    r.tokens.push_back(sessions[k]->generated(0));
  }
  Stats s;
  sys.fabric().report(s, "f");
  const nlohmann::json j = s.to_json();
  r.groups = j["f"]["groups"]["value"];
  r.payload = j["f"]["payload_bytes"]["value"];
  r.transfer_ps = j["f"]["transfer_ps"]["value"];
  r.totals = sys.fabric().totals();
  if (!sessions[0]->tokens().empty()) {
    const TokenRecord& t = sessions[0]->tokens().back();
    r.last_token_ps = t.end_ps - t.start_ps;
  }
  return r;
}

std::vector<int32_t> reference_tokens(const model::QuantizedModel& qm, int steps) {
  model::ReferenceDecoder dec(qm);
  return model::generate(dec, 1, steps);
}

TEST(MultiChip, TinyTp2GivesTheReferenceTokens) {
  const auto qm = tiny_model(test::seed("MultiChip.TinyTp2", 3));
  const int steps = 12;
  const TpRun r = run_tp({"chip.interchip.chips=2"}, qm, steps);
  const auto ref = reference_tokens(qm, steps);
  ASSERT_EQ(r.tokens.size(), 2u);
  EXPECT_EQ(r.tokens[0], ref);
  EXPECT_EQ(r.tokens[1], ref);
  // Per token: 4 gather groups per layer (QKV, Wo, W1+W3, W2) and the classifier's.
  const model::ModelShape s = model::tiny_shape();
  EXPECT_EQ(r.groups, uint64_t(steps) * (4 * s.n_layers + 1));
  // Payload: every matrix's int32 rows once per token.
  const uint64_t rows_per_layer = uint64_t(s.dim) + 2 * s.kv_dim() + s.dim + 2 * s.hidden_dim + s.dim;
  EXPECT_EQ(r.payload, uint64_t(steps) * 4 * (rows_per_layer * s.n_layers + s.vocab_size));
}

// One simulation per test process (SystemC elaborates once): one test per
// topology and algorithm.
class TinyTp4 : public ::testing::TestWithParam<std::vector<std::string>> {};

TEST_P(TinyTp4, GivesTheReferenceTokensOnEveryRank) {
  const auto qm = tiny_model(test::seed("MultiChip.TinyTp4", 5));
  const int steps = 6;
  std::vector<std::string> sets = {"chip.interchip.chips=4"};
  for (const std::string& s : GetParam()) sets.push_back(s);
  const TpRun r = run_tp(sets, qm, steps);
  const auto ref = reference_tokens(qm, steps);
  for (unsigned k = 0; k < 4; ++k) EXPECT_EQ(r.tokens[k], ref) << "rank " << k;
  EXPECT_GT(r.transfer_ps, 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Topologies, TinyTp4,
    ::testing::Values(std::vector<std::string>{}, std::vector<std::string>{"chip.interchip.algorithm=tree"},
                      std::vector<std::string>{"chip.interchip.topology=torus2d", "chip.interchip.torus_x=2",
                                               "chip.interchip.torus_y=2"},
                      std::vector<std::string>{"chip.interchip.topology=switch",
                                               "chip.interchip.algorithm=in_network"}));

TEST(MultiChip, EachRankHoldsItsRowsOfEveryMatrix) {
  const auto qm = tiny_model(test::seed("MultiChip.Share", 2));
  const TpRun four = run_tp({"chip.interchip.chips=4"}, qm, 1);
  ASSERT_EQ(four.flash_bytes.size(), 4u);
  // Independently: rank k's rows of each matrix, striped over the chip's 4
  // channels, each channel reserving whole pages of ceil(rows/4) rows.
  const ChipConfig cfg = load_chip_config(kRoot + "/sim/configs/tiny.yaml");
  const uint64_t page = cfg.flash.page_size_bytes, C = cfg.channels();
  const model::ModelShape s = model::tiny_shape();
  auto reserve = [&](uint64_t rows, uint64_t cols) {
    const uint64_t rank_rows = (rows + 3) / 4;  // rank 0 has the most
    return ((rank_rows + C - 1) / C * cols + page - 1) / page * page;
  };
  const uint64_t d = s.dim, h = s.hidden_dim, kv = s.kv_dim();
  const uint64_t want = s.n_layers * (reserve(d, d) + 2 * reserve(kv, d) + reserve(d, d) + 2 * reserve(h, d) +
                                      reserve(d, h)) +
                        reserve(s.vocab_size, d);
  EXPECT_EQ(four.flash_bytes[0], want);
}

TEST(MultiChip, CollectiveTimeIsTheRingAllGatherOfEachGroup) {
  // 2 chips on a ring: each group is one step, latency + rank 0's rows / bw.
  const auto qm = tiny_model(test::seed("MultiChip.Latency", 4));
  const int steps = 3;
  const TpRun r = run_tp({"chip.interchip.chips=2", "chip.interchip.link.latency_ns=1500",
                          "chip.interchip.link.bw_gbps=25"},
                         qm, steps);
  const auto ref = reference_tokens(qm, steps);
  EXPECT_EQ(r.tokens[0], ref);
  const model::ModelShape s = model::tiny_shape();
  auto half = [](uint64_t rows) { return (rows + 1) / 2; };
  auto group = [](uint64_t bytes) { return 1'500'000 + (bytes * 1000 + 24) / 25; };  // ps, rounded up
  const uint64_t d = s.dim, h = s.hidden_dim, kv = s.kv_dim();
  const uint64_t per_layer = group(4 * (half(d) + 2 * half(kv))) + group(4 * half(d)) + group(4 * 2 * half(h)) +
                             group(4 * half(d));
  EXPECT_EQ(r.transfer_ps, steps * (s.n_layers * per_layer + group(4 * half(s.vocab_size))));
}

// ---- pipeline parallelism (chip.interchip.pp): chip r is stage r / tp.

// The tiny shape with 4 layers, so 4 stages get one each.
model::ModelShape tiny4_shape() {
  model::ModelShape s = model::tiny_shape();
  s.n_layers = 4;
  return s;
}

TEST(MultiChip, TinyPp2GivesTheReferenceTokens) {
  const auto qm = tiny_model(test::seed("MultiChip.TinyPp2", 7));
  const int steps = 10;
  const TpRun r = run_tp({"chip.interchip.chips=2", "chip.interchip.pp=2"}, qm, steps);
  const auto ref = reference_tokens(qm, steps);
  ASSERT_EQ(r.tokens.size(), 2u);
  EXPECT_EQ(r.tokens[0], ref);  // stage 0: the tokens the last stage sent back
  EXPECT_EQ(r.tokens[1], ref);  // the last stage: sampled there
  // No tensor parallelism: no gathers. Per token: the residual forward and the token back.
  const model::ModelShape s = model::tiny_shape();
  EXPECT_EQ(r.totals.groups, 0u);
  EXPECT_EQ(r.totals.p2p, uint64_t(steps) * 2);
  EXPECT_EQ(r.totals.p2p_bytes, uint64_t(steps) * (4 * uint64_t(s.dim) + 4));
}

TEST(MultiChip, TinyPp4GivesTheReferenceTokens) {
  const auto qm = test::tiny_quantized_model(test::seed("MultiChip.TinyPp4", 11), "multichip_pp4", tiny4_shape());
  const int steps = 8;
  const TpRun r = run_tp({"chip.interchip.chips=4", "chip.interchip.pp=4"}, qm, steps);
  const auto ref = reference_tokens(qm, steps);
  ASSERT_EQ(r.tokens.size(), 4u);
  EXPECT_EQ(r.tokens[0], ref);
  EXPECT_EQ(r.tokens[3], ref);
  // Stages 1 and 2 pass residuals on and see no token.
  for (unsigned k : {1u, 2u}) {
    for (int32_t t : r.tokens[k]) EXPECT_EQ(uint32_t(t), FW_NO_TOKEN) << "rank " << k;
  }
  EXPECT_EQ(r.totals.p2p, uint64_t(steps) * 4);  // 3 forwards + the tokens back
  // Each chip's flash holds its one layer (and the last stage the classifier).
  EXPECT_LT(r.flash_bytes[1], r.flash_bytes[3]);
}

TEST(MultiChip, TinyTp2Pp2GivesTheReferenceTokensOnEveryRank) {
  const auto qm = tiny_model(test::seed("MultiChip.TinyTp2Pp2", 13));
  const int steps = 8;
  const TpRun r = run_tp({"chip.interchip.chips=4", "chip.interchip.pp=2"}, qm, steps);
  const auto ref = reference_tokens(qm, steps);
  ASSERT_EQ(r.tokens.size(), 4u);
  for (unsigned k = 0; k < 4; ++k) EXPECT_EQ(r.tokens[k], ref) << "rank " << k;
  // Gathers run within each stage's 2 chips: 4 per layer on each stage (one
  // layer each) and the classifier's on the last: 9 groups per token.
  const model::ModelShape s = model::tiny_shape();
  EXPECT_EQ(r.totals.groups, uint64_t(steps) * (4 * s.n_layers + 1));
  EXPECT_EQ(r.totals.p2p, uint64_t(steps) * 4);  // per TP rank: forward and back
}

// Runs the tiny model on `chips` chips in 2 stages on a ring with the given
// link and checks the fabric's point-to-point time against the closed form:
// per step, each TP rank's residuals out and tokens back, each transfer
// hops x latency + bytes / bandwidth (ps, rounded up).
void expect_pipeline_time(unsigned chips, uint64_t hops, uint64_t latency_ns, uint64_t bw_gbps, uint64_t seed) {
  const auto qm = tiny_model(seed);
  const int steps = 3;
  const TpRun r = run_tp({"chip.interchip.chips=" + std::to_string(chips), "chip.interchip.pp=2",
                          "chip.interchip.link.latency_ns=" + std::to_string(latency_ns),
                          "chip.interchip.link.bw_gbps=" + std::to_string(bw_gbps)},
                         qm, steps);
  EXPECT_EQ(r.tokens[0], reference_tokens(qm, steps));
  const uint64_t x = 4 * uint64_t(model::tiny_shape().dim), token = 4, tp = chips / 2;
  auto transfer = [&](uint64_t bytes) { return hops * latency_ns * 1000 + (bytes * 1000 + bw_gbps - 1) / bw_gbps; };
  EXPECT_EQ(r.totals.p2p_ps, steps * tp * (transfer(x) + transfer(token)));
  EXPECT_EQ(r.totals.p2p_latency_ps, steps * tp * 2 * hops * latency_ns * 1000);
  EXPECT_GT(r.totals.energy_pj, 0.0);
}

TEST(MultiChip, PipelineTransferTimeIsLatencyTimesHopsPlusBytesOverBandwidth) {
  // tp 2 x pp 2 on a ring of 4: stage 0 is chips {0, 1}, stage 1 {2, 3};
  // chip 0 sends to chip 2 and chip 1 to chip 3 (2 hops either way round
  // the ring), and the tokens come back the same distance.
  expect_pipeline_time(4, 2, 1500, 25, test::seed("MultiChip.PpTime", 17));
}

TEST(MultiChip, PipelineTransferOnTwoChipsIsOneHop) {
  expect_pipeline_time(2, 1, 800, 10, test::seed("MultiChip.PpTime2", 19));
}

TEST(MultiChip, APipelineThatDoesNotDivideTheLayersIsRefusedAtLoad) {
  const auto qm = tiny_model(1);  // 2 layers
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(1, sc_core::SC_US));
  const ChipConfig cfg =
      load_chip_config(kRoot + "/sim/configs/tiny.yaml", {"chip.interchip.chips=3", "chip.interchip.pp=3"});
  MultiChip sys(cfg);
  try {
    load_model(sys.chip(0), qm);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("chip.interchip.pp = 3: split does not divide layers"), std::string::npos)
        << e.what();
  }
}

TEST(MultiChip, ASplitThatDoesNotDivideTheHeadsIsRefusedAtLoad) {
  const auto qm = tiny_model(1);
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(1, sc_core::SC_US));
  const ChipConfig cfg = load_chip_config(kRoot + "/sim/configs/tiny.yaml", {"chip.interchip.chips=3"});
  MultiChip sys(cfg);
  try {
    load_model(sys.chip(0), qm);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("chip.interchip.tp = 3 does not divide the model's 4 heads"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace pnm::chip
