#pragma once
// The model quantized for the chip: every GEMV matrix int8 with one fp32 scale
// per row (sim/numerics/quant.hpp), norms and the embedding kept fp32.
#include <cstdint>
#include <vector>

#include "sim/model/checkpoint.hpp"
#include "sim/model/numerics.hpp"
#include "sim/model/shape.hpp"

namespace pnm::model {

struct QLayer {
  QMatrix wq, wk, wv, wo, w1, w3, w2;
  const QMatrix& get(MatrixId id) const;
};

struct QuantizedModel {
  ModelShape shape;
  std::vector<float> token_embedding;  // fp32 [vocab, dim]
  std::vector<float> rms_att;          // fp32 [n_layers, dim]
  std::vector<float> rms_ffn;          // fp32 [n_layers, dim]
  std::vector<QLayer> layers;
  std::vector<float> rms_final;        // [dim]
  QMatrix cls;                         // int8 [vocab, dim] (from the embedding when shared)
};

QuantizedModel quantize_model(const Checkpoint& ckpt);

}  // namespace pnm::model
