// PHOTON on the chip (issue 11): the firmware's hierarchical decode
// (firmware/decode/photon.c) against its C++ reference (sim/model/photon.cpp)
// token for token, the KV-size formulas against sums written out here, the
// local windows not growing with the context, and bad shapes.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <set>

#include "sim/model/error.hpp"
#include "sim/model/photon.hpp"
#include "tests/common/test_seed.hpp"
#include "tlm/chip/photon_session.hpp"
#include "tlm/pnm/mve_config.hpp"

namespace pnm::chip {
namespace {

const std::string kRoot = PNMSIM_SOURCE_DIR;

std::vector<int32_t> reference(const model::PhotonWeights& w, const std::vector<int32_t>& prompt, int tokens) {
  model::PhotonReference ref(w);
  ref.prefill(prompt);
  std::vector<int32_t> out;
  int32_t prev = 1;
  for (int k = 0; k < tokens; ++k) out.push_back(prev = ref.step(prev));
  return out;
}

struct ChipRun {
  std::vector<std::vector<int32_t>> tokens;  // per sequence
  std::string error;
  uint32_t group = 0;  // sequences per program
};

ChipRun chip_run(const model::PhotonWeights& w, const std::vector<int32_t>& prompt, int tokens, uint32_t batch,
                 const std::vector<std::string>& overrides = {}) {
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(1, sc_core::SC_US));
  Chip chip("chip", load_chip_config(kRoot + "/sim/configs/tiny.yaml", overrides));
  PhotonWorkload work;
  work.n_seqs = batch;
  work.prefill_len = uint32_t(prompt.size());
  work.coarse_len = uint32_t(w.max_coarse);
  const LoadedPhoton loaded = load_photon(chip, w, work);
  sc_core::sc_start(sc_core::sc_time(double(loaded.report.load_time_ps), sc_core::SC_PS));
  PhotonSession session(chip, loaded);
  RunSpec spec;
  spec.prompt = prompt;
  spec.tokens = tokens;
  spec.batch = batch;
  session.queue(spec);
  sc_core::sc_start();
  session.finish();
  ChipRun r;
  r.error = session.error();
  r.group = loaded.desc.group;
  for (uint32_t b = 0; b < batch; ++b) r.tokens.push_back(session.generated(b));
  return r;
}

// The tiny PHOTON (2 levels, C = 2, 3: P_L = 6) from a 12-token prompt, 25
// tokens: four coarse updates, every window position at both levels.
ChipRun expect_reference(const model::PhotonShape& shape, const char* name, uint32_t batch,
                         const std::vector<std::string>& overrides = {}) {
  const uint64_t seed = test::seed(name, 11);
  const model::PhotonWeights w = model::random_photon(shape, seed, 12, 32);
  const std::vector<int32_t> prompt = {1, 17, 42, 5, 9, 33, 2, 60, 8, 8, 51, 23};
  const int tokens = 25;
  const std::vector<int32_t> ref = reference(w, prompt, tokens);
  const ChipRun got = chip_run(w, prompt, tokens, batch, overrides);
  EXPECT_EQ(got.error, "");
  EXPECT_EQ(got.tokens.size(), batch);
  for (uint32_t b = 0; b < got.tokens.size(); ++b) EXPECT_EQ(got.tokens[b], ref) << "sequence " << b << ", seed " << seed;
  // Random weights must not collapse to one token, or the comparison shows little.
  EXPECT_GT(std::set<int32_t>(ref.begin(), ref.end()).size(), 3u) << "seed " << seed;
  return got;
}

TEST(Photon, TinyTwoLevelsGoldenMveMatchesReference) {
  expect_reference(model::tiny_photon_shape(), "Photon.TinyTwoLevels", 1);
}

TEST(Photon, TinyTwoLevelsBatchOfThreeMatchesReference) {
  expect_reference(model::tiny_photon_shape(), "Photon.TinyBatch", 3);
}

// A queue of 3 jobs holds one group of the MVE's vectors: fewer slots than
// 3 sequences' prefixes, so each token takes one program per sequence.
TEST(Photon, TinyBatchLargerThanAGroupMatchesReference) {
  const ChipRun r = expect_reference(model::tiny_photon_shape(), "Photon.TinyGroups", 3, {"chip.pnm.queue_depth=3"});
  EXPECT_EQ(r.group, 1u);
}

TEST(Photon, TinyOneLevelMatchesReference) {
  model::PhotonShape s = model::tiny_photon_shape();
  s.levels.resize(1);
  expect_reference(s, "Photon.TinyOneLevel", 1);
}

TEST(Photon, TinyThreeLevelsMatchesReference) {
  model::PhotonShape s = model::tiny_photon_shape();
  s.levels.push_back(s.levels.front());  // P_L = 12: the prompt is one coarse position
  expect_reference(s, "Photon.TinyThreeLevels", 1);
}

TEST(Photon, TinyRtlMveMatchesReference) {
  if (!mve::rtl_available()) GTEST_SKIP() << "built without PNMSIM_WITH_RTL";
  expect_reference(model::tiny_photon_shape(), "Photon.TinyRtl", 2, {"chip.pnm.mve.kind=shadow"});
}

TEST(Photon, TinyStreamModeMatchesReference) {
  expect_reference(model::tiny_photon_shape(), "Photon.TinyStream", 2, {"chip.sim.mode=stream"});
}

// Sums written out from the shape's numbers (2 = K and V, 4 = fp32 bytes),
// not from PhotonShape's own formulas.
TEST(Photon, KvBytesFollowTheCoarsestStreamAndFixedWindows) {
  const model::PhotonShape s = model::load_photon_yaml(kRoot + "/sim/configs/models/photon_600m.yaml");
  ASSERT_EQ(s.levels_n(), 2);
  EXPECT_EQ(s.tokens_per(2), 16);
  const uint64_t enc2_per_pos = 2ull * 6 * 1664 * 4;                        // 6 layers, kv_dim 1664
  const uint64_t local = 7ull * 2 * 4 * 416 * 4 + 7ull * 2 * 6 * 1664 * 4;  // windows R + C - 1 = 7
  for (int64_t T : {1024, 4096, 16384, 32768, 131072}) {
    EXPECT_EQ(s.global_kv_bytes(T), uint64_t(T / 16) * enc2_per_pos) << T;
    EXPECT_EQ(s.local_kv_bytes(), local);
    EXPECT_EQ(s.kv_bytes(T), uint64_t(T / 16) * enc2_per_pos + local) << T;
  }
  EXPECT_EQ(s.global_kv_bytes(17), 2 * enc2_per_pos);  // a started coarse position counts
  // The flat model of the same size keeps every token: 16 layers x 1664 x 2 x 4 bytes.
  const model::ModelShape flat = model::load_shape_yaml(kRoot + "/sim/configs/models/flat_600m.yaml");
  EXPECT_EQ(flat.kv_bytes_per_token(), 2ull * 16 * 1664 * 4);
  std::printf("KV per token of context: flat %llu B, PHOTON %.0f B (%.1fx less)\n",
              (unsigned long long)flat.kv_bytes_per_token(), enc2_per_pos / 16.0,
              flat.kv_bytes_per_token() / (enc2_per_pos / 16.0));
  // Parameter count: ~6e8, within 10% of the flat baseline's.
  EXPECT_NEAR(double(s.n_params()) / double(flat.n_params()), 1.0, 0.1);
}

TEST(Photon, LocalWindowsDoNotGrowWithTheContext) {
  const model::PhotonShape s = model::load_photon_yaml(kRoot + "/sim/configs/models/photon_600m.yaml");
  const ChipConfig cfg = load_chip_config(kRoot + "/sim/configs/hbf_gen1.yaml");
  std::vector<uint64_t> local_bytes, total_kv;
  for (uint32_t coarse : {64u, 8192u}) {  // 1k and 128k tokens of context
    PhotonWorkload w;
    w.coarse_len = coarse;
    tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(1, sc_core::SC_US));
    ChipConfig c = cfg;
    c.flash.storage_mode = flash::StorageMode::TimingOnly;
    c.flash.preprogrammed = true;
    c.pnm.functional = false;
    const LoadReport r = plan_photon(c, s, w);
    EXPECT_GT(r.kv.kv_bytes, 0u);
    total_kv.push_back(r.kv.kv_bytes);
    // Rebuild the per-stack caches: the decoders' rows are their windows.
    uint64_t dec = 0;
    for (int l = 1; l <= 2; ++l) {
      const model::ModelShape d = s.decoder(l);
      EXPECT_EQ(d.seq_len, s.window(l));
      EXPECT_EQ(s.window(l), 7);
      dec += uint64_t(d.seq_len) * d.kv_bytes_per_token();
    }
    local_bytes.push_back(dec);
  }
  EXPECT_EQ(local_bytes[0], local_bytes[1]);
  // Of every cache the loader lays out, only the coarsest encoder's grows:
  // 8192 - 64 positions of 6 layers x K/V x 1664 fp32 (rounded to 4 KiB per sequence).
  const uint64_t grown = (8192ull - 64) * 2 * 6 * 1664 * 4;
  EXPECT_NEAR(double(total_kv[1] - total_kv[0]), double(grown), 2.0 * 4096);
}

// The firmware refuses a descriptor that disagrees with its stacks, before
// touching the chip (fw_photon_check): each mutation of a loaded layout.
TEST(Photon, FirmwareRefusesInconsistentDescriptors) {
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(1, sc_core::SC_US));
  ChipConfig cfg = load_chip_config(kRoot + "/sim/configs/tiny.yaml");
  cfg.flash.storage_mode = flash::StorageMode::TimingOnly;
  cfg.flash.preprogrammed = true;
  cfg.pnm.functional = false;
  Chip chip("chip", cfg);
  PhotonWorkload w;
  w.n_seqs = 2;
  w.coarse_len = 8;
  const LoadedPhoton loaded = load_photon_shape(chip, model::tiny_photon_shape(), w);
  fw_photon_t fw = loaded.fw();
  ASSERT_EQ(fw_photon_check(&fw), FW_OK) << fw_last_error_info()->msg;
  const std::vector<std::pair<const char*, std::function<void(pnm_photon_desc_t&)>>> bad = {
      {"bad magic", [](pnm_photon_desc_t& d) { d.magic ^= 1u; }},
      {"n_levels outside", [](pnm_photon_desc_t& d) { d.n_levels = 0; }},
      {"chunk or converter ratio is 0", [](pnm_photon_desc_t& d) { d.level[1].chunk = 0; }},
      {"chunker is not", [](pnm_photon_desc_t& d) { d.level[0].chunker.cols += 1; }},
      {"converter is not", [](pnm_photon_desc_t& d) { d.level[1].converter.rows -= 1; }},
      {"input dim", [](pnm_photon_desc_t& d) { d.level[1].dim_in = 7; }},
      {"window", [](pnm_photon_desc_t& d) { d.level[0].chunk = 9; d.level[0].chunker.cols = 9 * 32; }},
      {"group outside", [](pnm_photon_desc_t& d) { d.group = 0; }},
  };
  for (const auto& [msg, edit] : bad) {
    pnm_photon_desc_t d = loaded.desc;
    edit(d);
    fw.p = &d;
    EXPECT_EQ(fw_photon_check(&fw), FW_ERR_DESC) << msg;
    EXPECT_NE(std::string(fw_last_error_info()->msg).find(msg), std::string::npos)
        << "expected '" << msg << "', got '" << fw_last_error_info()->msg << "'";
  }
}

TEST(Photon, BadShapesNameTheKey) {
  const std::string good = R"(kind: photon
vocab_size: 64
embed_dim: 32
seq_len: 64
levels:
  - {chunk: 2, converter_ratio: 2, dim: 64, encoder: {n_layers: 1, n_heads: 4, n_kv_heads: 2, hidden_dim: 96},
     decoder: {n_layers: 1, n_heads: 2, n_kv_heads: 1, hidden_dim: 64}}
)";
  EXPECT_NO_THROW(model::parse_photon_yaml(good, "good.yaml"));
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"levels: []", "levels"},
      {"chunk: 2,", "chunk: 0,"},
      {"converter_ratio: 2", "converter_ratio: 0"},
      {"chunk: 2,", "chunk: 3,"},  // 3 does not divide seq_len 64
      {"dim: 64,", "dim: 64, windw: 3,"},
      {"kind: photon", "kind: llama"},
  };
  const std::vector<std::string> keys = {"levels", "levels[1].chunk", "levels[1].converter_ratio",
                                         "levels[1].chunk", "levels[1].windw", "kind"};
  for (size_t i = 0; i < bad.size(); ++i) {
    std::string text = good;
    if (bad[i].first == "levels: []") {
      text = text.substr(0, text.find("levels:")) + "levels: []\n";
    } else {
      text.replace(text.find(bad[i].first), bad[i].first.size(), bad[i].second);
    }
    try {
      model::parse_photon_yaml(text, "bad.yaml");
      ADD_FAILURE() << "accepted: " << bad[i].second;
    } catch (const model::ModelError& e) {
      EXPECT_EQ(e.kind(), model::ErrorKind::Config);
      EXPECT_NE(std::string(e.what()).find("bad.yaml"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(keys[i]), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace pnm::chip
