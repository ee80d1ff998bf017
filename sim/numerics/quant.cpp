#include "sim/numerics/quant.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace pnm::numerics {

float round_half_even(float v) {
  const float f = std::floor(v);
  const float d = v - f;  // exact for |v| < 2^23; in [0, 1)
  if (d > 0.5f) return f + 1.0f;
  if (d < 0.5f) return f;
  // exactly halfway: pick the even neighbour
  return std::fmod(f, 2.0f) == 0.0f ? f : f + 1.0f;
}

float quantize_vector(const float* v, int64_t n, int8_t* q) {
  float amax = 0.0f;
  for (int64_t i = 0; i < n; ++i) {
    // std::max would drop a NaN and quantize the rest as if it were not there:
    // a non-finite input gives a NaN scale and zero codes instead, so it shows.
    if (!std::isfinite(v[i])) {
      for (int64_t j = 0; j < n; ++j) q[j] = 0;
      return std::numeric_limits<float>::quiet_NaN();
    }
    amax = std::max(amax, std::fabs(v[i]));
  }
  const float scale = amax / 127.0f;
  if (scale == 0.0f) {
    for (int64_t i = 0; i < n; ++i) q[i] = 0;
    return 0.0f;
  }
  for (int64_t i = 0; i < n; ++i) {
    float r = round_half_even(v[i] / scale);
    r = std::min(127.0f, std::max(-127.0f, r));
    q[i] = int8_t(r);
  }
  return scale;
}

void dequantize_vector(const int8_t* q, int64_t n, float scale, float* v) {
  for (int64_t i = 0; i < n; ++i) v[i] = float(q[i]) * scale;
}

QMatrix quantize_matrix(const float* w, int32_t rows, int32_t cols) {
  QMatrix m;
  m.rows = rows;
  m.cols = cols;
  m.q.resize(size_t(int64_t(rows) * cols));
  m.scale.resize(size_t(rows));
  for (int32_t r = 0; r < rows; ++r) {
    m.scale[size_t(r)] =
        quantize_vector(w + int64_t(r) * cols, cols, m.q.data() + int64_t(r) * cols);
  }
  return m;
}

void gemv_i8(const QMatrix& w, const int8_t* x, int32_t* acc) {
  for (int32_t r = 0; r < w.rows; ++r) {
    const int8_t* row = w.row(r);
    int32_t a = 0;
    for (int32_t c = 0; c < w.cols; ++c) a += int32_t(row[c]) * int32_t(x[c]);
    acc[r] = a;
  }
}

}  // namespace pnm::numerics
