// sim/numerics against hand-computed values. Each expected value is written
// as a literal with its derivation beside it (exact where fp32 makes it
// exact, else the correctly rounded value of the real result, compared
// within a few ulp: the libm transcendentals may differ by one).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "sim/numerics/ops.hpp"
#include "sim/numerics/quant.hpp"
#include "sim/numerics/sample.hpp"

namespace pnm::numerics {
namespace {

TEST(Numerics, RoundHalfEvenTiesGoToTheEvenNeighbour) {
  EXPECT_EQ(round_half_even(0.5f), 0.0f);
  EXPECT_EQ(round_half_even(1.5f), 2.0f);
  EXPECT_EQ(round_half_even(2.5f), 2.0f);
  EXPECT_EQ(round_half_even(-0.5f), 0.0f);
  EXPECT_EQ(round_half_even(-1.5f), -2.0f);
  EXPECT_EQ(round_half_even(-2.5f), -2.0f);
  EXPECT_EQ(round_half_even(2.4999998f), 2.0f);
  EXPECT_EQ(round_half_even(2.5000002f), 3.0f);
  EXPECT_EQ(round_half_even(126.5f), 126.0f);
  EXPECT_EQ(round_half_even(0.49999997f), 0.0f);
  EXPECT_EQ(round_half_even(0.50000006f), 1.0f);
  EXPECT_EQ(round_half_even(-0.50000006f), -1.0f);
  EXPECT_EQ(round_half_even(-1e-30f), 0.0f);
  EXPECT_EQ(round_half_even(3.0f), 3.0f);
}

TEST(Numerics, QuantizeVectorScaleIsMaxOver127AndCodesRoundHalfEven) {
  // max |v| = 127 -> scale 1 exactly; v / 1 rounded half-even: -63.5 -> -64,
  // 0.5 -> 0, -1.5 -> -2, 2.5 -> 2.
  const float v[] = {127.0f, -63.5f, 0.5f, -1.5f, 2.5f};
  int8_t q[5] = {};
  EXPECT_EQ(quantize_vector(v, 5, q), 1.0f);
  EXPECT_EQ(std::vector<int>(q, q + 5), (std::vector<int>{127, -64, 0, -2, 2}));
  // max |v| = 254 -> scale 2; -254 / 2 = -127 (symmetric: -128 never occurs).
  const float w[] = {-254.0f, 3.0f, 1.0f};
  EXPECT_EQ(quantize_vector(w, 3, q), 2.0f);
  EXPECT_EQ(std::vector<int>(q, q + 3), (std::vector<int>{-127, 2, 0}));  // 1.5 -> 2, 0.5 -> 0
  // All zero: scale 0 and codes 0.
  const float z[] = {0.0f, -0.0f};
  EXPECT_EQ(quantize_vector(z, 2, q), 0.0f);
  EXPECT_EQ(q[0], 0);
  EXPECT_EQ(q[1], 0);
}

TEST(Numerics, DequantizeMultipliesTheTwoScalesFirst) {
  // 100 * (0.5 * 0.25) = 12.5; -7 * (3 * 0.5) = -10.5 (all exact in fp32).
  const int32_t acc[] = {100, -7};
  const float rs[] = {0.5f, 3.0f};
  float out[2];
  dequantize(out, acc, rs, 0.25f, 1);
  EXPECT_EQ(out[0], 12.5f);
  dequantize(out + 1, acc + 1, rs + 1, 0.5f, 1);
  EXPECT_EQ(out[1], -10.5f);
}

TEST(Numerics, RmsNormOfKnownVectors) {
  // x = (3, 4), w = (1, 2): ss = 25 / 2 = 12.5, + 1e-5 = 12.50001,
  // 1 / sqrt(12.50001) = 0.28284258..., out = (0.8485277, 2.2627406).
  const float x[] = {3.0f, 4.0f}, w[] = {1.0f, 2.0f};
  float out[2];
  rmsnorm(out, x, w, 2);
  EXPECT_FLOAT_EQ(out[0], 0.84852774f);
  EXPECT_FLOAT_EQ(out[1], 2.2627406f);
  // x = (1, 1, 1, 1): ss = 1 + 1e-5, inv = 0.999995..., out = w * 0.999995.
  const float ones[] = {1, 1, 1, 1}, w4[] = {1, 2, 3, 4};
  float o4[4];
  rmsnorm(o4, ones, w4, 4);
  EXPECT_FLOAT_EQ(o4[0], 0.99999500f);
  EXPECT_FLOAT_EQ(o4[3], 3.9999800f);
}

TEST(Numerics, SoftmaxOfKnownVectors) {
  float a[] = {0.0f, 0.0f, 0.0f, 0.0f};
  softmax(a, 4);
  for (float v : a) EXPECT_EQ(v, 0.25f);  // exp(0) = 1 exactly, 1 / 4
  // (0, ln 3): exp(0 - ln 3) = 1/3 after the max shift; 1/3 / (1 + 1/3) = 0.25.
  float b[] = {0.0f, 1.0986123f};
  softmax(b, 2);
  EXPECT_FLOAT_EQ(b[0], 0.25f);
  EXPECT_FLOAT_EQ(b[1], 0.75f);
}

TEST(Numerics, SiluMulOfKnownValues) {
  EXPECT_EQ(silu_mul(0.0f, 5.0f), 0.0f);
  // silu(2) = 2 / (1 + e^-2) = 1.7615941559557649
  EXPECT_FLOAT_EQ(silu_mul(2.0f, 1.0f), 1.7615942f);
  // silu(-1) * 3 = -1 / (1 + e) * 3 = -0.8068243...
  EXPECT_FLOAT_EQ(silu_mul(-1.0f, 3.0f), -0.80682421f);
}

TEST(Numerics, RopeRotatesPairsByPositionTimesFrequency) {
  // head_dim 4, dim 4, kv_dim 4, pos 1: pair 0 has freq 1 (angle 1 rad),
  // pair 2 has freq 1 / 10000^(2/4) = 0.01 (angle 0.01 rad).
  float q[] = {1.0f, 0.0f, 1.0f, 0.0f}, k[] = {0.0f, 1.0f, 0.0f, 2.0f};
  rope(q, k, 1, 4, 4, 4);
  EXPECT_FLOAT_EQ(q[0], 0.54030231f);   // cos 1
  EXPECT_FLOAT_EQ(q[1], 0.84147098f);   // sin 1
  EXPECT_FLOAT_EQ(q[2], 0.99995000f);   // cos 0.01
  EXPECT_FLOAT_EQ(q[3], 0.0099998333f); // sin 0.01
  EXPECT_FLOAT_EQ(k[0], -0.84147098f);  // (0, 1) -> (-sin 1, cos 1)
  EXPECT_FLOAT_EQ(k[1], 0.54030231f);
  EXPECT_FLOAT_EQ(k[2], -0.019999667f); // (0, 2) -> (-2 sin 0.01, 2 cos 0.01)
  EXPECT_FLOAT_EQ(k[3], 1.9999000f);
  // Position 0 is the identity.
  float p[] = {0.3f, -0.7f};
  float kk[] = {1.0f, 2.0f};
  rope(p, kk, 0, 2, 2, 2);
  EXPECT_EQ(p[0], 0.3f);
  EXPECT_EQ(p[1], -0.7f);
}

TEST(Numerics, AttentionOverTwoPositionsWithGroupedHeads) {
  // 2 query heads sharing 1 KV head, head_dim 2, pos 1. K rows (1,0), (0,1);
  // V rows (1,0), (0,1). Head 0: q = (1,0): scores (1/sqrt2, 0) -> softmax
  // p0 = 1 / (1 + e^-0.70710678) = 0.66976155, out = (p0, 1 - p0).
  // Head 1: q = (0,0): scores (0, 0) -> (0.5, 0.5), out = (0.5, 0.5).
  const float q[] = {1.0f, 0.0f, 0.0f, 0.0f};
  const float k[] = {1.0f, 0.0f, 0.0f, 1.0f}, v[] = {1.0f, 0.0f, 0.0f, 1.0f};
  float out[4], att[2];
  attention(out, q, k, v, att, 1, 2, 1, 2);
  EXPECT_FLOAT_EQ(out[0], 0.66976155f);
  EXPECT_FLOAT_EQ(out[1], 0.33023845f);
  EXPECT_EQ(out[2], 0.5f);
  EXPECT_EQ(out[3], 0.5f);
}

TEST(Numerics, ArgmaxTiesToTheLowestIndexAndNaNNeverWins) {
  const float a[] = {1.0f, 3.0f, 3.0f, -2.0f};
  EXPECT_EQ(argmax(a, 4), 1);
  const float b[] = {std::numeric_limits<float>::quiet_NaN(), 0.5f, 0.25f};
  EXPECT_EQ(argmax(b, 3), 1);
}

TEST(Numerics, GemvI8IsExactInt32) {
  // Row (127, -127, 127) . (127, -127, -127) = 16129 + 16129 - 16129 = 16129.
  QMatrix m;
  m.rows = 2;
  m.cols = 3;
  m.q = {127, -127, 127, -1, 2, -3};
  m.scale = {1.0f, 1.0f};
  const int8_t x[] = {127, -127, -127};
  int32_t acc[2];
  gemv_i8(m, x, acc);
  EXPECT_EQ(acc[0], 16129);
  EXPECT_EQ(acc[1], -127 - 254 + 381);  // -1*127 + 2*-127 + -3*-127 = 0
}

TEST(Numerics, SampleWithCoinFollowsTheCdf) {
  std::vector<float> probs;
  std::vector<int32_t> order;
  // Two equal logits, temperature 1, top-p off: p = (0.5, 0.5). coin 0 -> 0;
  // coin 0.5 (2^23 / 2^24): 0.5 < cdf0 = 0.5 is false -> 1.
  const float l2[] = {0.0f, 0.0f};
  EXPECT_EQ(sample_with_coin(l2, 2, 1.0f, 0.0f, 0, probs, order), 0);
  EXPECT_EQ(sample_with_coin(l2, 2, 1.0f, 0.0f, 1u << 23, probs, order), 1);
  // Temperature 0: argmax, no draw used.
  const float l3[] = {0.1f, 2.0f, 1.0f};
  EXPECT_EQ(sample_with_coin(l3, 3, 0.0f, 0.9f, 0xFFFFFF, probs, order), 1);
  // p = (0.6, 0.3, 0.1) from logits ln p. top_p 0.5: cutoff (1 - 0.5) / 2 =
  // 0.25 drops token 2; cum 0.6 > 0.5 after token 0 -> only token 0 remains.
  const float lp[] = {-0.51082562f, -1.2039728f, -2.3025851f};
  EXPECT_EQ(sample_with_coin(lp, 3, 1.0f, 0.5f, 0xFFFFFF, probs, order), 0);
  // top_p 0.8: cutoff 0.1 keeps all three, prefix {0, 1} (cum 0.9 > 0.8);
  // coin 0.7 -> r = 0.63: cdf 0.6 <= 0.63 < 0.9 -> token 1.
  const uint32_t coin07 = 11744051;  // round(0.7 * 2^24)
  EXPECT_EQ(sample_with_coin(lp, 3, 1.0f, 0.8f, coin07, probs, order), 1);
  // coin 0.5 -> r = 0.45 < 0.6 -> token 0.
  EXPECT_EQ(sample_with_coin(lp, 3, 1.0f, 0.8f, 1u << 23, probs, order), 0);
}

}  // namespace
}  // namespace pnm::numerics
