// The decode-step firmware against a fake chip (fake_chip.hpp): the op
// sequence and arithmetic order reproduce the ReferenceDecoder's logits bit
// for bit and its greedy tokens, for several channel counts (striped rows,
// uneven stripes, units with no rows); errors come back as codes, not hangs;
// fw_check_desc rejects bad descriptors.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <ostream>
#include <cstring>
#include <string>
#include <unistd.h>
#include <vector>

#include "fake_chip.hpp"
#include "firmware/decode/decode.h"
#include "firmware/hal/hal.h"
#include "firmware/hal/pnm_regs.h"
#include "sim/model/checkpoint.hpp"
#include "sim/model/decoder.hpp"
#include "sim/model/numerics.hpp"
#include "sim/model/quant.hpp"

namespace pnm::test {
namespace {

constexpr uint32_t kBos = 1;
constexpr int32_t kSteps = 40;  // >= 32 (issue 6)

uint64_t test_seed(uint64_t fallback) {
  uint64_t seed = fallback;
  if (const char* env = std::getenv("PNMSIM_SEED")) seed = std::strtoull(env, nullptr, 0);
  std::printf("[ seed     ] PNMSIM_SEED=%llu\n", static_cast<unsigned long long>(seed));
  return seed;
}

// The tiny model: dim 64, 2 layers, 4 heads, 2 KV heads (GQA), vocab 256.
model::ModelShape tiny(bool shared = true) { return model::tiny_shape(shared); }

model::QuantizedModel make_model(const model::ModelShape& s, uint64_t seed) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string id = std::string(info->test_suite_name()) + "_" + info->name();
  for (char& c : id) {
    if (c == '/') c = '_';
  }
  const std::string path =
      ::testing::TempDir() + "pnm_fw_" + std::to_string(::getpid()) + "_" + id + ".bin";
  model::write_checkpoint(path, s, seed);
  const model::Checkpoint ckpt = model::Checkpoint::load(path);
  model::QuantizedModel qm = model::quantize_model(ckpt);
  std::remove(path.c_str());
  return qm;
}

// Installs a fake chip's ops for the scope of a test.
struct HalScope {
  explicit HalScope(FakeChip& chip) {
    const pnm_hal_host_ops_t o = chip.ops();
    hal_host_install(&o);
  }
  ~HalScope() { hal_host_install(nullptr); }
};

// ------------------------------------------------------ token exactness --

struct Case {
  model::ModelShape shape;
  unsigned channels;
  const char* name;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class FirmwareDecode : public ::testing::TestWithParam<Case> {};

TEST_P(FirmwareDecode, MatchesReferenceLogitsAndTokensBitForBit) {
  const Case& k = GetParam();
  const uint64_t seed = test_seed(7);
  const model::QuantizedModel qm = make_model(k.shape, seed);
  model::ReferenceDecoder ref(qm);

  FakeChipOptions opt;
  opt.channels = k.channels;
  FakeChip chip(qm, opt);
  HalScope hal(chip);
  ASSERT_EQ(fw_check_model(&chip.desc(), chip.layers().data()), FW_OK)
      << fw_last_error_info()->msg;

  uint32_t fw_tok = kBos;
  int32_t ref_tok = int32_t(kBos);
  std::vector<uint32_t> fw_tokens;
  for (int32_t pos = 0; pos < kSteps; ++pos) {
    const std::vector<float>& logits = ref.forward(ref_tok, pos);
    ref_tok = model::argmax(logits.data(), int32_t(logits.size()));

    fw_tok = fw_decode_step(&chip.desc(), chip.layers().data(), fw_tok, uint32_t(pos));
    ASSERT_NE(fw_tok, FW_DECODE_ERROR)
        << "pos " << pos << ": " << fw_error_name(fw_last_error()) << ": "
        << fw_last_error_info()->msg;
    const std::vector<float> chip_logits = chip.read_f32(chip.desc().logits, logits.size());
    ASSERT_EQ(std::memcmp(chip_logits.data(), logits.data(), logits.size() * 4), 0)
        << "logits differ at pos " << pos;
    ASSERT_EQ(fw_tok, uint32_t(ref_tok)) << "pos " << pos;
    fw_tokens.push_back(fw_tok);
  }
  // Same sequence as the reference's own greedy generate().
  model::ReferenceDecoder ref2(qm);
  const std::vector<int32_t> gen = model::generate(ref2, int32_t(kBos), kSteps);
  ASSERT_EQ(gen.size(), fw_tokens.size());
  for (size_t i = 0; i < gen.size(); ++i) EXPECT_EQ(uint32_t(gen[i]), fw_tokens[i]) << i;

  const fw_step_counts_t* n = fw_last_step_counts();
  const uint32_t L = uint32_t(k.shape.n_layers);
  EXPECT_EQ(n->pnm_jobs, 7 * L + 1);
  EXPECT_EQ(n->epochs, 4 * L + 1);
  EXPECT_EQ(n->vu_ops, 1 + 18 * L + 4);
  std::printf("[ mmio     ] %u channels: %.1f reads + %.1f writes per token, %u VU ops, %u jobs\n",
              k.channels, double(chip.counters.reads) / kSteps,
              double(chip.counters.writes) / kSteps, n->vu_ops, n->pnm_jobs);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, FirmwareDecode,
    ::testing::Values(Case{tiny(), 1, "gqa_c1"}, Case{tiny(), 3, "gqa_c3"},
                      Case{tiny(), 8, "gqa_c8"},
                      // more channels than kv_dim rows: some units get no Wk/Wv rows
                      Case{[] {
                             model::ModelShape s = tiny(false);
                             s.n_kv_heads = 1;
                             return s;
                           }(),
                           40, "mqa_separate_cls_c40"},
                      Case{[] {
                             model::ModelShape s = tiny();
                             s.n_kv_heads = 4;
                             s.vocab_size = 250;
                             s.n_layers = 3;
                             return s;
                           }(),
                           5, "mha_vocab250_c5"}),
    [](const ::testing::TestParamInfo<Case>& i) { return std::string(i.param.name); });

// ------------------------------------------------------------- errors --

class FirmwareErrors : public ::testing::Test {
 protected:
  void SetUp() override { qm_ = make_model(tiny(), test_seed(11)); }
  model::QuantizedModel qm_;
};

TEST_F(FirmwareErrors, VectorUnitErrorReturnsErrorCodeWithoutHanging) {
  FakeChip chip(qm_, FakeChipOptions{});
  chip.faults.vu_op_index = 9;  // some op inside layer 0
  chip.faults.vu_err_code = PNM_VU_ERR_BAD_ARG;
  HalScope hal(chip);
  const uint32_t r = fw_decode_step(&chip.desc(), chip.layers().data(), kBos, 0);
  EXPECT_EQ(r, FW_DECODE_ERROR);
  EXPECT_EQ(fw_last_error(), FW_ERR_VU);
  const fw_error_info_t* e = fw_last_error_info();
  EXPECT_EQ(e->layer, 0);
  EXPECT_EQ(e->value, PNM_VU_ERR_BAD_ARG);
  EXPECT_NE(e->hw_status & PNM_VU_STATUS_ERROR_MASK, 0u);
  EXPECT_EQ(chip.counters.vu_ops, 10u) << "stopped at the failing op";
  std::printf("[ error    ] %s: %s (op %u)\n", fw_error_name(e->code), e->msg, e->vu_op);
}

TEST_F(FirmwareErrors, PnmErrorReturnsErrorCodeNamingTheUnit) {
  FakeChipOptions opt;
  opt.channels = 4;
  FakeChip chip(qm_, opt);
  chip.faults.pnm_job_index = 3;  // 0-based: Wq, Wk, Wv, then layer 0's Wo
  chip.faults.pnm_fail_unit = 2;
  chip.faults.pnm_err_code = PNM_PNM_ERR_UNCORRECTABLE;
  HalScope hal(chip);
  EXPECT_EQ(fw_decode_step(&chip.desc(), chip.layers().data(), kBos, 0), FW_DECODE_ERROR);
  EXPECT_EQ(fw_last_error(), FW_ERR_PNM);
  const fw_error_info_t* e = fw_last_error_info();
  EXPECT_EQ(e->unit, 2u);
  EXPECT_EQ(e->value, PNM_PNM_ERR_UNCORRECTABLE);
  EXPECT_EQ(e->layer, 0);
  // Issue 15: the message says what happened (it said "STATUS.ERROR ... 0x54").
  EXPECT_NE(std::string(e->msg).find("uncorrectable flash page"), std::string::npos) << e->msg;
  // The error is sticky: the next step refuses to start instead of running on.
  EXPECT_EQ(fw_decode_step(&chip.desc(), chip.layers().data(), kBos, 0), FW_DECODE_ERROR);
  EXPECT_EQ(fw_last_error(), FW_ERR_CHIP_STATE);
}

TEST_F(FirmwareErrors, ChannelCountOrQueueDepthMismatchIsReported) {
  {
    FakeChip chip(qm_, FakeChipOptions{});
    chip.desc().n_channels = 4;  // the chip has 3
    HalScope hal(chip);
    EXPECT_EQ(fw_decode_step(&chip.desc(), chip.layers().data(), kBos, 0), FW_DECODE_ERROR);
    EXPECT_EQ(fw_last_error(), FW_ERR_PARAMS);
    EXPECT_EQ(fw_last_error_info()->value, 3u);
  }
  {
    FakeChipOptions opt;
    opt.queue_depth = 2;
    FakeChip chip(qm_, opt);
    HalScope hal(chip);
    EXPECT_EQ(fw_decode_step(&chip.desc(), chip.layers().data(), kBos, 0), FW_DECODE_ERROR);
    EXPECT_EQ(fw_last_error(), FW_ERR_PARAMS);
    EXPECT_EQ(fw_last_error_info()->value, 2u);
  }
}

TEST_F(FirmwareErrors, BadTokenOrPositionIsRejectedBeforeAnyAccess) {
  FakeChip chip(qm_, FakeChipOptions{});
  HalScope hal(chip);
  EXPECT_EQ(fw_decode_step(&chip.desc(), chip.layers().data(), 256, 0), FW_DECODE_ERROR);
  EXPECT_EQ(fw_last_error(), FW_ERR_ARG);
  EXPECT_EQ(fw_decode_step(&chip.desc(), chip.layers().data(), 0, 64), FW_DECODE_ERROR);
  EXPECT_EQ(fw_last_error(), FW_ERR_ARG);
  EXPECT_EQ(chip.counters.reads + chip.counters.writes, 0u);
}

// ------------------------------------------------------ descriptor check --

class CheckDesc : public FirmwareErrors {
 protected:
  void SetUp() override {
    FirmwareErrors::SetUp();
    chip_ = std::make_unique<FakeChip>(qm_, FakeChipOptions{});
    ASSERT_EQ(fw_check_desc(&chip_->desc()), FW_OK) << fw_last_error_info()->msg;
    d_ = chip_->desc();
  }
  // Expects the mutated descriptor to fail with a message containing `what`.
  void expect_bad(const pnm_model_desc_t& d, const std::string& what) {
    EXPECT_EQ(fw_check_desc(&d), FW_ERR_DESC) << what;
    EXPECT_EQ(fw_last_error(), FW_ERR_DESC);
    EXPECT_NE(std::string(fw_last_error_info()->msg).find(what), std::string::npos)
        << "message: " << fw_last_error_info()->msg;
  }
  std::unique_ptr<FakeChip> chip_;
  pnm_model_desc_t d_{};
};

TEST_F(CheckDesc, AcceptsTheLoadersDescriptor) {
  EXPECT_EQ(fw_check_model(&d_, chip_->layers().data()), FW_OK);
}

TEST_F(CheckDesc, RejectsNullMagicAndVersion) {
  EXPECT_EQ(fw_check_desc(nullptr), FW_ERR_DESC);
  pnm_model_desc_t d = d_;
  d.magic = 0x12345678;
  expect_bad(d, "magic");
  EXPECT_EQ(fw_last_error_info()->value, 0x12345678u);
  d = d_;
  d.version = PNM_MODEL_DESC_VERSION + 1;
  expect_bad(d, "version");
}

TEST_F(CheckDesc, RejectsAPipelineSplitThatDoesNotAddUp) {
  // The fake chip's descriptor is one stage of n_layers: as stage 1 of 2 of
  // a 2 x n_layers model (no embedding needed there) it is valid.
  pnm_model_desc_t d = d_;
  d.pp_stages = 2;
  d.pp_stage = 1;
  d.layer_first = d_.n_layers;
  d.model_layers = 2 * d_.n_layers;
  d.token_embedding = 0;  // only stage 0 embeds
  EXPECT_EQ(fw_check_desc(&d), FW_OK) << fw_last_error_info()->msg;
  pnm_model_desc_t bad = d;
  bad.model_layers = 2 * d_.n_layers + 1;
  expect_bad(bad, "split does not divide the layers");
  bad = d;
  bad.layer_first = 0;
  expect_bad(bad, "layer_first != pp_stage x n_layers");
  bad = d;
  bad.pp_stage = 2;
  expect_bad(bad, "pp_stage outside");
  bad = d;
  bad.pp_stage = 0;  // stage 0 must have the embedding
  bad.layer_first = 0;
  expect_bad(bad, "token_embedding");
  // A stage that is not the last holds no classifier.
  bad = d;
  bad.pp_stages = 3;
  bad.model_layers = 3 * d_.n_layers;
  bad.cls = pnm_matrix_desc_t{};
  EXPECT_EQ(fw_check_desc(&bad), FW_OK) << fw_last_error_info()->msg;
  bad.pp_stage = 2;
  bad.layer_first = 2 * d_.n_layers;
  expect_bad(bad, "cls");
}

TEST_F(CheckDesc, RejectsDimensionsThatDoNotDivide) {
  pnm_model_desc_t d = d_;
  d.n_heads = 5;
  expect_bad(d, "not divisible by n_heads");
  d = d_;
  d.n_kv_heads = 3;
  expect_bad(d, "multiple of n_kv_heads");
  d = d_;
  d.n_heads = 64;  // head_dim 1: odd
  d.n_kv_heads = 64;
  expect_bad(d, "head_dim is odd");
  d = d_;
  d.dim = 0;
  expect_bad(d, "dim outside");
  d = d_;
  d.hidden_dim = 70000;
  expect_bad(d, "hidden_dim outside");
  d = d_;
  d.seq_len = 0;
  expect_bad(d, "seq_len");
  d = d_;
  d.n_channels = 257;
  expect_bad(d, "n_channels");
  d = d_;
  d.n_layers = 0;
  expect_bad(d, "n_layers");
}

TEST_F(CheckDesc, RejectsBuffersOutsideLogicMemoryOrUnaligned) {
  pnm_model_desc_t d = d_;
  d.x = PNM_ADDR_VU_BASE;
  expect_bad(d, "x outside LOGIC_MEM");
  d = d_;
  d.k_cache += 2;
  expect_bad(d, "k_cache");
  d = d_;
  d.partials = PNM_ADDR_LOGIC_MEM_BASE + PNM_ADDR_LOGIC_MEM_SIZE - 8;
  expect_bad(d, "partials");
  d = d_;
  d.cls.rows = 100;
  expect_bad(d, "cls is not vocab_size x dim");
}

TEST_F(CheckDesc, RejectsLayerMatricesOfTheWrongShape) {
  std::vector<pnm_layer_desc_t> layers = chip_->layers();
  layers[1].wk.rows = 64;  // kv_dim is 32
  EXPECT_EQ(fw_check_model(&d_, layers.data()), FW_ERR_DESC);
  EXPECT_EQ(fw_last_error_info()->layer, 1);
  EXPECT_STREQ(fw_last_error_info()->msg, "wk is not kv_dim x dim");
  EXPECT_EQ(fw_check_model(&d_, nullptr), FW_ERR_DESC);
}

}  // namespace
}  // namespace pnm::test
