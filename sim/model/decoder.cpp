#include "sim/model/decoder.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "sim/model/numerics.hpp"
#include "sim/model/sampler.hpp"

namespace pnm::model {

Decoder::Decoder(const ModelShape& shape, const float* token_embedding, const float* rms_att,
                 const float* rms_ffn, const float* rms_final)
    : shape_(shape),
      emb_(token_embedding),
      rms_att_(rms_att),
      rms_ffn_(rms_ffn),
      rms_final_(rms_final) {
  shape_.validate("Decoder");
  const size_t d = size_t(shape_.dim), h = size_t(shape_.hidden_dim);
  x_.resize(d);
  xb_.resize(d);
  xb2_.resize(d);
  hb_.resize(h);
  hb2_.resize(h);
  q_.resize(d);
  att_.resize(size_t(shape_.seq_len));
  logits_.resize(size_t(shape_.vocab_size));
  hidden_.resize(d);
  const size_t cache = size_t(shape_.n_layers) * size_t(shape_.seq_len) * size_t(shape_.kv_dim());
  kcache_.resize(cache);
  vcache_.resize(cache);
}

void Decoder::check_pos(int32_t pos) const {
  if (pos < 0 || pos >= shape_.seq_len) {
    throw std::out_of_range("Decoder::forward: pos " + std::to_string(pos) + " outside [0, " +
                            std::to_string(shape_.seq_len) + ") (seq_len)");
  }
}

const std::vector<float>& Decoder::forward(int32_t token, int32_t pos) {
  const ModelShape& s = shape_;
  if (token < 0 || token >= s.vocab_size) {
    throw std::out_of_range("Decoder::forward: token " + std::to_string(token) +
                            " outside [0, " + std::to_string(s.vocab_size) + ")");
  }
  check_pos(pos);
  const int32_t dim = s.dim;
  float* x = x_.data();
  const float* row = emb_ + int64_t(token) * dim;
  for (int32_t i = 0; i < dim; ++i) x[i] = row[i];
  layers(pos);
  rmsnorm(x, x, rms_final_, dim);
  set_input(x, dim);
  gemv(pos, -1, MatrixId::Cls, logits_.data());
  return logits_;
}

const std::vector<float>& Decoder::forward_latent(const float* in, int32_t pos, bool want_logits) {
  const ModelShape& s = shape_;
  if (want_logits && s.latent) throw std::logic_error("Decoder::forward_latent: a latent stack has no logits");
  check_pos(pos);
  const int32_t dim = s.dim;
  std::copy(in, in + dim, x_.begin());
  layers(pos);
  if (!want_logits) {
    rmsnorm(hidden_.data(), x_.data(), rms_final_, dim);
    return hidden_;
  }
  rmsnorm(x_.data(), x_.data(), rms_final_, dim);
  set_input(x_.data(), dim);
  gemv(pos, -1, MatrixId::Cls, logits_.data());
  return logits_;
}

void Decoder::layers(int32_t pos) {
  const ModelShape& s = shape_;
  const int32_t dim = s.dim, hidden = s.hidden_dim, hd = s.head_dim(), kv_dim = s.kv_dim();
  float* x = x_.data();
  for (int32_t l = 0; l < s.n_layers; ++l) {
    // attention block
    rmsnorm(xb_.data(), x, rms_att_ + int64_t(l) * dim, dim);
    const int64_t loff = int64_t(l) * s.seq_len * kv_dim;
    float* k = kcache_.data() + loff + int64_t(pos) * kv_dim;
    float* v = vcache_.data() + loff + int64_t(pos) * kv_dim;
    set_input(xb_.data(), dim);
    gemv(pos, l, MatrixId::Wq, q_.data());
    gemv(pos, l, MatrixId::Wk, k);
    gemv(pos, l, MatrixId::Wv, v);
    rope(q_.data(), k, pos, dim, kv_dim, hd);

    attention(xb_.data(), q_.data(), kcache_.data() + loff, vcache_.data() + loff, att_.data(),
              pos, s.n_heads, s.n_kv_heads, hd);
    set_input(xb_.data(), dim);
    gemv(pos, l, MatrixId::Wo, xb2_.data());
    add(x, x, xb2_.data(), dim);

    // feed-forward block
    rmsnorm(xb_.data(), x, rms_ffn_ + int64_t(l) * dim, dim);
    set_input(xb_.data(), dim);
    gemv(pos, l, MatrixId::W1, hb_.data());
    gemv(pos, l, MatrixId::W3, hb2_.data());
    for (int32_t i = 0; i < hidden; ++i) hb_[size_t(i)] = silu_mul(hb_[size_t(i)], hb2_[size_t(i)]);
    set_input(hb_.data(), hidden);
    gemv(pos, l, MatrixId::W2, xb_.data());
    add(x, x, xb_.data(), dim);
  }
}

// ------------------------------------------------------------ quantized -----

ReferenceDecoder::ReferenceDecoder(const QuantizedModel& model)
    : Decoder(model.shape, model.token_embedding.data(), model.rms_att.data(),
              model.rms_ffn.data(), model.rms_final.data()),
      model_(model) {
  const size_t w = size_t(std::max(model.shape.dim, model.shape.hidden_dim));
  xq_.resize(w);
  acc_.resize(size_t(std::max({model.shape.dim, model.shape.hidden_dim, model.shape.vocab_size})));
}

void ReferenceDecoder::set_input(const float* x, int32_t n) {
  x_scale_ = quantize_vector(x, n, xq_.data());
  x_len_ = n;
}

void ReferenceDecoder::gemv(int32_t pos, int32_t layer, MatrixId m, float* out) {
  const QMatrix& w = layer < 0 ? model_.cls : model_.layers[size_t(layer)].get(m);
  if (w.cols != x_len_) {
    throw std::logic_error(std::string("ReferenceDecoder: ") + to_string(m) + " has " +
                           std::to_string(w.cols) + " columns, input has " +
                           std::to_string(x_len_));
  }
  gemv_i8(w, xq_.data(), acc_.data());
  if (hook_) hook_(GemvEvent{pos, layer, m, xq_.data(), x_len_, x_scale_, acc_.data(), w.rows, &w});
  dequantize(out, acc_.data(), w.scale.data(), x_scale_, w.rows);
}

// ----------------------------------------------------------------- fp32 -----

Fp32Decoder::Fp32Decoder(const Checkpoint& ckpt)
    : Decoder(ckpt.shape(), ckpt.token_embedding, ckpt.rms_att, ckpt.rms_ffn, ckpt.rms_final),
      ckpt_(ckpt) {}

void Fp32Decoder::set_input(const float* x, int32_t n) {
  in_ = x;
  in_len_ = n;
}

void Fp32Decoder::gemv(int32_t, int32_t layer, MatrixId m, float* out) {
  const ModelShape& s = ckpt_.shape();
  int64_t rows = 0, cols = 0;
  for (const MatrixSpec& spec : s.matrices()) {
    if (spec.id == m) {
      rows = spec.rows;
      cols = spec.cols;
    }
  }
  if (cols != in_len_) throw std::logic_error("Fp32Decoder: input length mismatch");
  const float* w = ckpt_.matrix(m, layer);
  for (int64_t r = 0; r < rows; ++r) {
    const float* wr = w + r * cols;
    float acc = 0.0f;
    for (int64_t c = 0; c < cols; ++c) acc += wr[c] * in_[c];
    out[r] = acc;
  }
}

// ------------------------------------------------------------- generate -----

std::vector<int32_t> generate(Decoder& dec, int32_t first_token, int32_t steps, Sampler* sampler) {
  std::vector<int32_t> out;
  out.reserve(size_t(std::max(steps, 0)));
  int32_t tok = first_token;
  for (int32_t pos = 0; pos < steps; ++pos) {
    const std::vector<float>& logits = dec.forward(tok, pos);
    tok = sampler ? sampler->sample(logits)
                  : argmax(logits.data(), int32_t(logits.size()));
    out.push_back(tok);
  }
  return out;
}

}  // namespace pnm::model
