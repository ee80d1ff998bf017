// Sampling: seeded determinism, temperature 0 == greedy, top-p, distribution.
#include <gtest/gtest.h>

#include <cmath>

#include "sim/model/checkpoint.hpp"
#include "sim/model/decoder.hpp"
#include "sim/model/quant.hpp"
#include "sim/model/sampler.hpp"
#include "test_util.hpp"

namespace pnm::model {
namespace {

using test::temp_path;
using test::test_seed;
using test::tiny_shape;

class SamplerOnTiny : public ::testing::Test {
 protected:
  void SetUp() override {
    seed_ = test_seed(46);
    const std::string path = temp_path("tiny.bin");
    write_checkpoint(path, tiny_shape(), seed_);
    ckpt_ = std::make_unique<Checkpoint>(Checkpoint::load(path));
    qm_ = std::make_unique<QuantizedModel>(quantize_model(*ckpt_));
  }
  std::vector<int32_t> run(Sampler* s, int32_t steps = 40) {
    ReferenceDecoder dec(*qm_);
    return generate(dec, 1, steps, s);
  }
  uint64_t seed_ = 0;
  std::unique_ptr<Checkpoint> ckpt_;
  std::unique_ptr<QuantizedModel> qm_;
};

TEST_F(SamplerOnTiny, SameSeedSameTokens) {
  for (float top_p : {0.0f, 0.9f}) {
    Sampler a(1.0f, top_p, seed_), b(1.0f, top_p, seed_), c(1.0f, top_p, seed_ + 1);
    const auto ta = run(&a), tb = run(&b), tc = run(&c);
    EXPECT_EQ(ta, tb) << "top_p " << top_p;
    // A different seed almost surely differs somewhere in 40 draws at T = 1
    // on a near-flat random model.
    EXPECT_NE(ta, tc) << "top_p " << top_p;
    EXPECT_NE(ta, run(nullptr)) << "T = 1 sampling should not reproduce greedy";
  }
}

TEST_F(SamplerOnTiny, TemperatureZeroIsGreedy) {
  Sampler s(0.0f, 0.9f, seed_);
  EXPECT_EQ(run(&s), run(nullptr));
}

TEST_F(SamplerOnTiny, TinyTopPKeepsOnlyTheTopToken) {
  // top_p 1e-6: the nucleus is the single most likely token, whatever the coin.
  Sampler s(1.0f, 1e-6f, seed_);
  EXPECT_EQ(run(&s), run(nullptr));
}

TEST(Sampler, RejectsNegativeTemperature) {
  EXPECT_THROW(Sampler(-1.0f, 0.9f, 1), std::invalid_argument);
}

TEST(Sampler, FrequenciesFollowSoftmax) {
  const uint64_t seed = test_seed(47);
  const std::vector<float> logits = {0.0f, 1.0f, 2.0f, -1.0f};
  double z = 0;
  for (float l : logits) z += std::exp(double(l));
  Sampler s(1.0f, 0.0f, seed);
  const int n = 40000;
  std::vector<int> count(4, 0);
  for (int i = 0; i < n; ++i) ++count[size_t(s.sample(logits))];
  for (size_t i = 0; i < 4; ++i) {
    const double p = std::exp(double(logits[i])) / z;
    const double sigma = std::sqrt(p * (1 - p) / n);
    EXPECT_NEAR(double(count[i]) / n, p, 5 * sigma) << "token " << i;
  }
  // top-p 0.7: nucleus = {2 (p .64), 1 (p .24)}; tokens 0 and 3 never drawn.
  Sampler t(1.0f, 0.7f, seed);
  std::vector<int> ct(4, 0);
  for (int i = 0; i < 20000; ++i) ++ct[size_t(t.sample(logits))];
  EXPECT_EQ(ct[0], 0);
  EXPECT_EQ(ct[3], 0);
  EXPECT_NEAR(double(ct[2]) / 20000, 0.6439 / (0.6439 + 0.2369), 0.02);
}

}  // namespace
}  // namespace pnm::model
