#pragma once
// PHOTON (hierarchical autoregressive modelling with latent streams;
// REFERENCES.md "PHOTON"): the shape, its sizes, random weights for tests,
// and the C++ reference of its generation that the chip firmware
// (firmware/decode/photon.h) must reproduce token for token.
//
// Level l = 1..L (D_0 = embed_dim, P_l = C_1 * ... * C_l):
//   chunker_l    D_l x (C_l * D_{l-1}) on C_l concatenated level-(l-1) vectors
//   encoder_l    a latent stack of dim D_l over the level-l stream (seq_len / P_l positions)
//   converter_l  (R_l * D_{l-1}) x D_l: one level-l vector -> R_l prefix vectors
//   decoder_l    a stack of dim D_{l-1} over a window of R_l + C_l - 1 positions;
//                level 1's has the vocabulary (embedding and classifier)
// Only encoder_L keeps a cache that grows with the context (one position per
// P_L tokens); the decoders' windows restart every chunk. Encoders below L
// run only in the prefill (RecGen: generation updates the coarsest stream
// from the decoders' outputs, with no bottom-up re-encoding).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/model/decoder.hpp"
#include "sim/model/quant.hpp"
#include "sim/model/shape.hpp"

namespace pnm::model {

struct PhotonStack {
  int32_t n_layers = 0, n_heads = 0, n_kv_heads = 0, hidden_dim = 0;
};

struct PhotonLevel {
  int32_t chunk = 0;  // C_l
  int32_t ratio = 0;  // R_l (converter ratio)
  int32_t dim = 0;    // D_l
  PhotonStack encoder, decoder;
};

constexpr int kPhotonMaxLevels = 4;  // PNM_PHOTON_MAX_LEVELS

struct PhotonShape {
  std::string name;
  int32_t vocab_size = 0;
  int32_t embed_dim = 0;  // D_0
  int32_t seq_len = 0;    // token positions
  std::vector<PhotonLevel> levels;

  int levels_n() const { return int(levels.size()); }
  int32_t dim(int l) const { return l == 0 ? embed_dim : levels[size_t(l - 1)].dim; }  // D_l
  int64_t tokens_per(int l) const;  // P_l
  int32_t window(int l) const { return levels[size_t(l - 1)].ratio + levels[size_t(l - 1)].chunk - 1; }
  // The stacks as Llama-style shapes: encoder_l over `positions` level-l
  // positions (0: seq_len / P_l), decoder_l over its window.
  ModelShape encoder(int l, int32_t positions = 0) const;
  ModelShape decoder(int l) const;

  // Empty when valid; otherwise the first problem naming the key, e.g.
  // "levels[2].chunk = 3 and the levels below give P_2 = 12, which does not divide seq_len 4096".
  std::string problem() const;
  void validate(const std::string& context) const;  // ModelError(Config)

  uint64_t n_params() const;
  // K/V bytes (fp32) the generation keeps: the coarsest encoder's cache for
  // `context` tokens (one position per P_L tokens, rounded up), plus every
  // decoder's window, which does not grow with the context.
  uint64_t global_kv_bytes(int64_t context) const;
  uint64_t local_kv_bytes() const;
  uint64_t kv_bytes(int64_t context) const { return global_kv_bytes(context) + local_kv_bytes(); }
};

// sim/configs/models/photon_*.yaml: kind: photon, name, source, notes,
// vocab_size, embed_dim, seq_len, levels: [{chunk, converter_ratio, dim,
// encoder: {n_layers, n_heads, n_kv_heads, hidden_dim}, decoder: {...}}].
// Unknown keys are errors; errors name the file and the key.
PhotonShape load_photon_yaml(const std::string& path);
PhotonShape parse_photon_yaml(const std::string& text, const std::string& source_name);
// True when the YAML file says kind: photon (false for Llama shapes and unreadable files).
bool is_photon_yaml(const std::string& path);
// A tiny PHOTON for functional tests: 2 levels (C = 2, 3; R = 3, 2: P_L = 6), dims 32 / 64 / 64,
// vocab 64, seq_len 72.
PhotonShape tiny_photon_shape();

// Int8 weights of every stack and linear map.
struct PhotonWeights {
  PhotonShape shape;
  int32_t max_prompt = 0;  // longest prompt the encoders below L are sized for
  int32_t max_coarse = 0;  // positions of encoder_L
  std::vector<QuantizedModel> enc, dec;   // [l - 1]
  std::vector<QMatrix> chunker, converter;  // [l - 1]
};
// Random weights, deterministic from seed (the distributions of
// write_checkpoint): encoders below L sized for max_prompt tokens, encoder_L
// for max_coarse positions.
PhotonWeights random_photon(const PhotonShape& shape, uint64_t seed, int32_t max_prompt, int32_t max_coarse);

// The reference generation, in the firmware's arithmetic order.
class PhotonReference {
 public:
  explicit PhotonReference(const PhotonWeights& w);
  // The encoder prefill of a prompt of a multiple of P_L tokens.
  void prefill(const std::vector<int32_t>& prompt);
  // Token k (0, 1, ... after the prefill); prev = the previous token.
  int32_t step(int32_t prev);

 private:
  std::vector<float> linear(const QMatrix& w, const float* in);
  const PhotonWeights& w_;
  std::vector<std::unique_ptr<ReferenceDecoder>> enc_, dec_;
  std::vector<float> top_;
  std::vector<std::vector<float>> hist_;  // [l - 1]: C_l x D_{l-1}
  int64_t k_ = 0;
  int32_t coarse_pos_ = 0;
};

}  // namespace pnm::model
