#include "sim/numerics/ops.hpp"

#include <cmath>

namespace pnm::numerics {

void rmsnorm(float* out, const float* x, const float* w, int32_t n) {
  float ss = 0.0f;
  for (int32_t j = 0; j < n; ++j) ss += x[j] * x[j];
  ss /= float(n);
  ss += kRmsNormEps;
  ss = 1.0f / std::sqrt(ss);
  for (int32_t j = 0; j < n; ++j) out[j] = w[j] * (ss * x[j]);
}

void rope(float* q, float* k, int32_t pos, int32_t dim, int32_t kv_dim, int32_t head_dim) {
  for (int32_t i = 0; i < dim; i += 2) {
    const int32_t hi = i % head_dim;
    const float freq = 1.0f / std::pow(kRopeTheta, float(hi) / float(head_dim));
    const float val = float(pos) * freq;
    const float fcr = std::cos(val);
    const float fci = std::sin(val);
    const int rotn = i < kv_dim ? 2 : 1;
    for (int v = 0; v < rotn; ++v) {
      float* vec = v == 0 ? q : k;
      const float v0 = vec[i];
      const float v1 = vec[i + 1];
      vec[i] = v0 * fcr - v1 * fci;
      vec[i + 1] = v0 * fci + v1 * fcr;
    }
  }
}

void softmax(float* x, int32_t n) {
  float m = x[0];
  for (int32_t i = 1; i < n; ++i) {
    if (x[i] > m) m = x[i];
  }
  float sum = 0.0f;
  for (int32_t i = 0; i < n; ++i) {
    x[i] = std::exp(x[i] - m);
    sum += x[i];
  }
  for (int32_t i = 0; i < n; ++i) x[i] /= sum;
}

float silu_mul(float a, float b) {
  const float s = a * (1.0f / (1.0f + std::exp(-a)));
  return s * b;
}

int32_t argmax(const float* x, int32_t n) {
  int32_t best = 0;
  for (int32_t i = 1; i < n; ++i) {
    if (x[i] > x[best] || (std::isnan(x[best]) && !std::isnan(x[i]))) best = i;
  }
  return best;
}

void attention(float* out, const float* q, const float* k_layer, const float* v_layer,
               float* att_scratch, int32_t pos, int32_t n_heads, int32_t n_kv_heads,
               int32_t head_dim) {
  const int32_t hd = head_dim;
  const int32_t kv_dim = n_kv_heads * head_dim;
  const int32_t group = n_heads / n_kv_heads;
  const float sqrt_hd = std::sqrt(float(hd));
  for (int32_t h = 0; h < n_heads; ++h) {
    const float* qh = q + int64_t(h) * hd;
    const int32_t kvh = h / group;
    float* att = att_scratch;
    for (int32_t t = 0; t <= pos; ++t) {
      const float* kt = k_layer + int64_t(t) * kv_dim + int64_t(kvh) * hd;
      float score = 0.0f;
      for (int32_t i = 0; i < hd; ++i) score += qh[i] * kt[i];
      att[t] = score / sqrt_hd;
    }
    softmax(att, pos + 1);
    float* xbh = out + int64_t(h) * hd;
    for (int32_t i = 0; i < hd; ++i) xbh[i] = 0.0f;
    for (int32_t t = 0; t <= pos; ++t) {
      const float* vt = v_layer + int64_t(t) * kv_dim + int64_t(kvh) * hd;
      const float a = att[t];
      for (int32_t i = 0; i < hd; ++i) xbh[i] += a * vt[i];
    }
  }
}

void dequantize(float* out, const int32_t* acc, const float* row_scale, float x_scale, int32_t n) {
  for (int32_t r = 0; r < n; ++r) out[r] = float(acc[r]) * (row_scale[r] * x_scale);
}

void add(float* out, const float* x, const float* y, int32_t n) {
  for (int32_t i = 0; i < n; ++i) out[i] = x[i] + y[i];
}

}  // namespace pnm::numerics
