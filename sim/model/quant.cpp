#include "sim/model/quant.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace pnm::model {

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
