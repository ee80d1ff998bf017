#pragma once
// ModelShape: the dimensions of a Llama-style decoder, enough for timing-only
// runs (no weights materialised) and for sizing flash and the KV cache.
#include <cstdint>
#include <string>
#include <vector>

namespace pnm::model {

// The GEMV matrices of one decode step, in the order the step runs them.
enum class MatrixId { Wq, Wk, Wv, Wo, W1, W3, W2, Cls };
const char* to_string(MatrixId m);  // "wq", "wk", ..., "cls"

struct MatrixSpec {
  MatrixId id;
  int64_t rows;   // out
  int64_t cols;   // in
  int64_t count;  // how many (n_layers for per-layer matrices, 1 for cls)
};

// Bytes of the model as programmed to flash. Every GEMV matrix (including the
// classifier, also when it shares its values with the embedding) is stored as
// int8 row-major plus one fp32 scale per row; RMSNorm weights and the token
// embedding table stay fp32 (the embedding is read one row per token).
struct WeightBytes {
  uint64_t int8_matrices = 0;  // sum rows*cols over all GEMV matrices
  uint64_t row_scales = 0;     // 4 bytes per matrix row
  uint64_t fp32_norms = 0;     // rms_att, rms_ffn per layer + rms_final
  uint64_t fp32_embedding = 0; // vocab x dim fp32
  uint64_t total() const { return int8_matrices + row_scales + fp32_norms + fp32_embedding; }
};

// Largest GEMV input length for which int8 x int8 products (|q| <= 127, the
// quantizer never emits -128) cannot overflow an int32 accumulator:
// floor((2^31 - 1) / (127 * 127)).
constexpr int64_t kMaxExactInt32Cols = 2147483647LL / (127 * 127);

struct ModelShape {
  int32_t dim = 0;
  int32_t hidden_dim = 0;
  int32_t n_layers = 0;
  int32_t n_heads = 0;
  int32_t n_kv_heads = 0;
  int32_t vocab_size = 0;  // positive (0 only when latent); the file sign lives in shared_classifier
  int32_t seq_len = 0;
  bool shared_classifier = true;  // classifier weights == token embedding
  // A latent stack (a PHOTON encoder or upper local decoder): vectors in and
  // out, vocab_size 0, no embedding and no classifier.
  bool latent = false;

  // Derived sizes (valid only after validate()).
  int32_t head_dim() const { return dim / n_heads; }
  int32_t kv_dim() const { return head_dim() * n_kv_heads; }
  int32_t kv_group() const { return n_heads / n_kv_heads; }  // query heads per kv head

  // Empty when the shape is valid; otherwise the first problem, e.g.
  // "dim 64 is not divisible by n_heads 5 (remainder 4)".
  std::string problem() const;
  // Throws ModelError(BadShape, context + ": " + problem()) when invalid.
  void validate(const std::string& context = "model shape") const;

  // Parameter counts (number of values, not bytes).
  std::vector<MatrixSpec> matrices() const;  // wq..w2 per layer, then cls
  uint64_t n_params() const;  // embedding + norms + layer matrices + cls if separate
  WeightBytes weight_bytes() const;
  // KV cache: K and V, fp32, every layer: 2 * n_layers * kv_dim * 4 bytes.
  uint64_t kv_bytes_per_token() const;

  bool operator==(const ModelShape& o) const;
  bool operator!=(const ModelShape& o) const { return !(*this == o); }
};

std::string describe(const ModelShape& s);  // one line, for logs and errors

// YAML presets (sim/configs/models/*.yaml). Keys: dim, hidden_dim, n_layers,
// n_heads, n_kv_heads, vocab_size, seq_len, shared_classifier (all required),
// plus free-text name, source, notes. Unknown keys are errors (typo guard).
// Errors name the file, the key and the allowed range.
// The tiny model (sim/configs/models/tiny.yaml; a test keeps the two
// equal): dim 64, hidden 172, 2 layers, 4 heads, 2 KV heads (GQA), vocab 256,
// seq_len 64. Tests and demos write random checkpoints of this shape.
ModelShape tiny_shape(bool shared_classifier = true);

ModelShape load_shape_yaml(const std::string& path);
ModelShape parse_shape_yaml(const std::string& text, const std::string& source_name);

struct FitReport {
  uint64_t required_bytes = 0;
  uint64_t capacity_bytes = 0;
  bool fits = false;
  uint64_t excess_bytes = 0;  // 0 when it fits
  std::string message;        // always filled, e.g. "... exceeds ... by N bytes (x%)"
};
FitReport check_fits(const ModelShape& shape, uint64_t capacity_bytes);
// Throws ModelError(TooLarge, report.message) when it does not fit.
void require_fits(const ModelShape& shape, uint64_t capacity_bytes);

}  // namespace pnm::model
