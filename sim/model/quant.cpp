#include "sim/model/quant.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace pnm::model {

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

const QMatrix& QLayer::get(MatrixId id) const {
  switch (id) {
    case MatrixId::Wq: return wq;
    case MatrixId::Wk: return wk;
    case MatrixId::Wv: return wv;
    case MatrixId::Wo: return wo;
    case MatrixId::W1: return w1;
    case MatrixId::W3: return w3;
    case MatrixId::W2: return w2;
    case MatrixId::Cls: break;
  }
  throw std::invalid_argument("QLayer::get: cls is not a per-layer matrix");
}

QuantizedModel quantize_model(const Checkpoint& ckpt) {
  QuantizedModel m;
  m.shape = ckpt.shape();
  const ModelShape& s = m.shape;
  const int64_t d = s.dim;
  m.token_embedding.assign(ckpt.token_embedding, ckpt.token_embedding + int64_t(s.vocab_size) * d);
  m.rms_att.assign(ckpt.rms_att, ckpt.rms_att + int64_t(s.n_layers) * d);
  m.rms_ffn.assign(ckpt.rms_ffn, ckpt.rms_ffn + int64_t(s.n_layers) * d);
  m.rms_final.assign(ckpt.rms_final, ckpt.rms_final + d);
  m.layers.resize(size_t(s.n_layers));
  for (int l = 0; l < s.n_layers; ++l) {
    QLayer& q = m.layers[size_t(l)];
    for (const MatrixSpec& spec : s.matrices()) {
      if (spec.id == MatrixId::Cls) continue;
      QMatrix qm = quantize_matrix(ckpt.matrix(spec.id, l), int32_t(spec.rows), int32_t(spec.cols));
      switch (spec.id) {
        case MatrixId::Wq: q.wq = std::move(qm); break;
        case MatrixId::Wk: q.wk = std::move(qm); break;
        case MatrixId::Wv: q.wv = std::move(qm); break;
        case MatrixId::Wo: q.wo = std::move(qm); break;
        case MatrixId::W1: q.w1 = std::move(qm); break;
        case MatrixId::W3: q.w3 = std::move(qm); break;
        case MatrixId::W2: q.w2 = std::move(qm); break;
        case MatrixId::Cls: break;
      }
    }
  }
  m.cls = quantize_matrix(ckpt.wcls, s.vocab_size, s.dim);
  return m;
}

}  // namespace pnm::model
