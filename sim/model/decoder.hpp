#pragma once
// Reference decode step (DESIGN.md "Decode step"), the oracle for the chip
// firmware. One token per forward(token, pos) call, KV cache kept inside.
//
// Per layer l (x = residual stream, fp32 [dim]):
//   xb = rmsnorm(x, rms_att[l])
//   in = input(xb)                        quantized: int8 + one scale (once, shared by q,k,v)
//   q = Wq in; k = Wk in; v = Wv in       quantized: int32 GEMV, then float(acc) * (w_scale * x_scale)
//   rope(q, k, pos)
//   Kcache[l][pos] = k; Vcache[l][pos] = v        (fp32)
//   for head h: kvh = h / (n_heads / n_kv_heads)
//     att[t] = (sum_i q_h[i] * K[l][t][kvh][i]) / sqrtf(head_dim), t = 0..pos
//     softmax(att); xb_h = sum_t att[t] * V[l][t][kvh] (t outer, i inner, from 0)
//   xb2 = Wo input(xb);  x[i] = x[i] + xb2[i]
//   xb = rmsnorm(x, rms_ffn[l]); in = input(xb)
//   hb = W1 in; hb2 = W3 in; hb[i] = silu_mul(hb[i], hb2[i])
//   xb = W2 input(hb);  x[i] = x[i] + xb[i]
// Then x = rmsnorm(x, rms_final); logits = Cls input(x); greedy = argmax.
//
// ReferenceDecoder runs the GEMVs in int8 (the chip's numerics);
// Fp32Decoder runs the same code with fp32 weights and activations
// (dot products summed sequentially in fp32) for the tolerance check.
#include <cstdint>
#include <functional>
#include <vector>

#include "sim/model/checkpoint.hpp"
#include "sim/model/quant.hpp"
#include "sim/model/shape.hpp"

namespace pnm::model {

// One int8 GEMV of the quantized decode step, as the chip must reproduce it.
// The pointers are valid only during the hook call: copy what you keep.
struct GemvEvent {
  int32_t pos;             // token position of this step
  int32_t layer;           // 0..n_layers-1; -1 for the classifier (lm_head)
  MatrixId matrix;         // to_string(matrix): "wq", "wk", "wv", "wo", "w1", "w3", "w2", "cls"
  const int8_t* x;         // int8 activation vector [x_len]
  int32_t x_len;
  float x_scale;           // its fp32 scale
  const int32_t* acc;      // exact int32 partials [rows], before dequantization
  int32_t rows;
  const QMatrix* weights;  // the int8 matrix and its row scales
};
using GemvHook = std::function<void(const GemvEvent&)>;

class Decoder {
 public:
  virtual ~Decoder() = default;
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  const ModelShape& shape() const { return shape_; }
  // Runs one step; pos must be 0 on the first call and increase by one (the KV
  // cache of positions >= pos is overwritten). Returns the logits [vocab].
  // Throws std::out_of_range for a bad token or pos >= seq_len.
  const std::vector<float>& forward(int32_t token, int32_t pos);
  const std::vector<float>& logits() const { return logits_; }
  // A step whose input is a vector (dim values; a PHOTON stack's latent
  // input) instead of an embedding row. want_logits: returns the logits
  // (stacks with a vocabulary); otherwise the normalised hidden state
  // rmsnorm(x, rms_final), a latent stack's output.
  const std::vector<float>& forward_latent(const float* in, int32_t pos, bool want_logits);

 protected:
  Decoder(const ModelShape& shape, const float* token_embedding, const float* rms_att,
          const float* rms_ffn, const float* rms_final);
  // Makes x[0..n) the input of the following gemv() calls.
  virtual void set_input(const float* x, int32_t n) = 0;
  // out = M(layer) * input; layer -1 with MatrixId::Cls.
  virtual void gemv(int32_t pos, int32_t layer, MatrixId m, float* out) = 0;

 private:
  void check_pos(int32_t pos) const;
  void layers(int32_t pos);  // every layer on x_
  ModelShape shape_;
  const float* emb_;
  const float* rms_att_;
  const float* rms_ffn_;
  const float* rms_final_;
  std::vector<float> x_, xb_, xb2_, hb_, hb2_, q_, att_, logits_, hidden_;
  std::vector<float> kcache_, vcache_;  // [L, seq_len, kv_dim]
};

// The quantized oracle. Keeps a reference to the model: it must outlive the decoder.
class ReferenceDecoder final : public Decoder {
 public:
  explicit ReferenceDecoder(const QuantizedModel& model);
  // Called after every GEMV with the int8 input and the int32 partials.
  void set_gemv_hook(GemvHook hook) { hook_ = std::move(hook); }

 protected:
  void set_input(const float* x, int32_t n) override;
  void gemv(int32_t pos, int32_t layer, MatrixId m, float* out) override;

 private:
  const QuantizedModel& model_;
  GemvHook hook_;
  std::vector<int8_t> xq_;
  float x_scale_ = 0.0f;
  int32_t x_len_ = 0;
  std::vector<int32_t> acc_;
};

// Unquantized fp32 reference over the checkpoint's weights (which must outlive it).
class Fp32Decoder final : public Decoder {
 public:
  explicit Fp32Decoder(const Checkpoint& ckpt);

 protected:
  void set_input(const float* x, int32_t n) override;
  void gemv(int32_t pos, int32_t layer, MatrixId m, float* out) override;

 private:
  const Checkpoint& ckpt_;
  const float* in_ = nullptr;
  int32_t in_len_ = 0;
};

class Sampler;
// Feeds `first_token` at pos 0, then each chosen token back in; returns `steps`
// generated tokens. Greedy (argmax) when sampler is null.
std::vector<int32_t> generate(Decoder& dec, int32_t first_token, int32_t steps,
                              Sampler* sampler = nullptr);

}  // namespace pnm::model
