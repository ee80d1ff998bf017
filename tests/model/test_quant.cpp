// Quantizer: rounding, per-row scales, error bound, extremes, exact GEMV.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "sim/model/quant.hpp"
#include "test_util.hpp"

namespace pnm::model {
namespace {

using test::test_seed;

TEST(Quant, HalfwayValuesRoundToEven) {
  // max 127 -> scale exactly 1, so v / scale == v.
  const float v[] = {127.0f, 0.5f, 1.5f, 2.5f, -2.5f, -126.5f, 3.49f};
  int8_t q[7];
  const float scale = quantize_vector(v, 7, q);
  EXPECT_EQ(scale, 1.0f);
  const int expect[] = {127, 0, 2, 2, -2, -126, 3};
  for (int i = 0; i < 7; ++i) EXPECT_EQ(q[i], expect[i]) << "i=" << i;
}

TEST(Quant, PerRowScalesAndErrorBound) {
  const uint64_t seed = test_seed(2024);
  std::mt19937_64 rng(seed);
  const int32_t rows = 48, cols = 333;
  std::vector<float> w(size_t(rows * cols));
  for (int32_t r = 0; r < rows; ++r) {
    // each row on its own magnitude, from 1e-6 to 1e4
    const double mag = std::pow(10.0, -6.0 + 10.0 * r / (rows - 1));
    for (int32_t c = 0; c < cols; ++c) {
      const double u = double(rng() >> 11) * (1.0 / 9007199254740992.0);
      w[size_t(r * cols + c)] = float(mag * (2 * u - 1));
    }
  }
  const QMatrix m = quantize_matrix(w.data(), rows, cols);
  ASSERT_EQ(m.scale.size(), size_t(rows));
  for (int32_t r = 0; r < rows; ++r) {
    float amax = 0;
    for (int32_t c = 0; c < cols; ++c) amax = std::max(amax, std::fabs(w[size_t(r * cols + c)]));
    const float scale = m.scale[size_t(r)];
    EXPECT_EQ(scale, amax / 127.0f) << "row " << r;
    bool hit_127 = false;
    for (int32_t c = 0; c < cols; ++c) {
      const float x = w[size_t(r * cols + c)];
      const int q = m.row(r)[c];
      ASSERT_GE(q, -127);
      ASSERT_LE(q, 127);
      hit_127 |= std::abs(q) == 127;
      // The contract, element by element: divide by the scale, round half to even, clamp.
      const float want = std::min(127.0f, std::max(-127.0f, round_half_even(x / scale)));
      ASSERT_EQ(float(q), want) << "row " << r << " col " << c;
      // |x - q*scale| <= scale/2 up to fp32 rounding of x/scale (a few ulps).
      const double err = std::fabs(double(x) - double(q) * double(scale));
      EXPECT_LE(err, double(scale) * (0.5 + 1e-5)) << "row " << r << " col " << c;
    }
    EXPECT_TRUE(hit_127) << "the row maximum must map to +-127, row " << r;
  }
}

TEST(Quant, ExtremeValues) {
  int8_t q[4];
  // All zero: scale 0, no division by zero, all q 0.
  const float zeros[4] = {0, -0.0f, 0, 0};
  EXPECT_EQ(quantize_vector(zeros, 4, q), 0.0f);
  for (int8_t v : q) EXPECT_EQ(v, 0);
  // Negative maximum maps to -127, never -128.
  const float neg[4] = {-8.0f, 4.0f, 0.0f, 8.0f / 127.0f * 0.49f};
  const float s = quantize_vector(neg, 4, q);
  EXPECT_EQ(s, 8.0f / 127.0f);
  EXPECT_EQ(q[0], -127);
  EXPECT_EQ(q[1], 64);  // 4 / (8/127) = 63.5 -> 64 (even)
  EXPECT_EQ(q[2], 0);
  EXPECT_EQ(q[3], 0);
  // Huge and tiny in one vector: tiny ones flush to 0, huge one to +-127.
  const float wide[4] = {3e38f, -3e38f, 1e-30f, 1e30f};
  const float sw = quantize_vector(wide, 4, q);
  EXPECT_TRUE(std::isfinite(sw));
  EXPECT_EQ(q[0], 127);
  EXPECT_EQ(q[1], -127);
  EXPECT_EQ(q[2], 0);
  EXPECT_EQ(q[3], 0);
  // Denormal-sized row still quantizes to full range.
  const float tiny[2] = {1e-40f, -5e-41f};
  const float st = quantize_vector(tiny, 2, q);
  EXPECT_GT(st, 0.0f);
  EXPECT_EQ(q[0], 127);
  // Dequantize reverses within the bound.
  float back[2];
  dequantize_vector(q, 2, st, back);
  EXPECT_NEAR(back[1], tiny[1], st / 2 * 1.01);
}

// Issue 15: a NaN used to be dropped by the max (the rest quantized as if it
// were absent); a non-finite input now gives a NaN scale and zero codes.
TEST(Quant, NonFiniteInputGivesNaNScaleNotAFiniteOne) {
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  for (const float bad : {nan, inf, -inf}) {
    const float v[4] = {0.5f, bad, -1.0f, 0.25f};
    int8_t q[4] = {1, 1, 1, 1};
    EXPECT_TRUE(std::isnan(quantize_vector(v, 4, q))) << bad;
    for (int8_t x : q) EXPECT_EQ(x, 0);
  }
}

TEST(Quant, GemvPartialsEqualNaiveInt64) {
  const uint64_t seed = test_seed(77);
  std::mt19937_64 rng(seed);
  const int32_t rows = 37, cols = 4099;
  QMatrix m;
  m.rows = rows;
  m.cols = cols;
  m.q.resize(size_t(rows) * cols);
  m.scale.assign(size_t(rows), 1.0f);
  std::vector<int8_t> x(static_cast<size_t>(cols));
  for (auto& v : m.q) v = int8_t(int(rng() % 255) - 127);
  for (auto& v : x) v = int8_t(int(rng() % 255) - 127);
  // Worst-case rows: all +-127 against x of the same sign pattern.
  for (int32_t c = 0; c < cols; ++c) {
    m.q[size_t(c)] = 127;
    m.q[size_t(cols + c)] = int8_t(x[size_t(c)] >= 0 ? -127 : 127);
  }
  std::vector<int32_t> acc(static_cast<size_t>(rows));
  gemv_i8(m, x.data(), acc.data());
  for (int32_t r = 0; r < rows; ++r) {
    int64_t ref = 0;
    for (int32_t c = 0; c < cols; ++c) {
      ref += int64_t(m.q[size_t(r) * cols + c]) * int64_t(x[size_t(c)]);
    }
    EXPECT_EQ(int64_t(acc[size_t(r)]), ref) << "row " << r;
  }
  // Full-range case: every product 127*127 at the largest exact width.
  QMatrix big;
  big.rows = 1;
  big.cols = int32_t(kMaxExactInt32Cols);
  big.q.assign(size_t(big.cols), 127);
  big.scale.assign(1, 1.0f);
  std::vector<int8_t> xb(size_t(big.cols), 127);
  int32_t a = 0;
  gemv_i8(big, xb.data(), &a);
  EXPECT_EQ(int64_t(a), 127LL * 127LL * kMaxExactInt32Cols);
}

}  // namespace
}  // namespace pnm::model
