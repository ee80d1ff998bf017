#pragma once
// llama2.c checkpoint (legacy version 0) and tokenizer.bin: loader and writer.
//
// Checkpoint layout (REFERENCES.md): seven int32 {dim, hidden_dim, n_layers,
// n_heads, n_kv_heads, vocab_size, seq_len}, vocab_size < 0 meaning a separate
// classifier; then fp32 arrays token_embedding [vocab, dim], rms_att [L, dim],
// wq [L, dim, dim], wk [L, kv_dim, dim], wv [L, kv_dim, dim], wo [L, dim, dim],
// rms_ffn [L, dim], w1 [L, hidden, dim], w2 [L, dim, hidden], w3 [L, hidden,
// dim], rms_final [dim], freq_cis_real/imag [seq_len * head_dim / 2] each
// (skipped), wcls [vocab, dim] only when separate. All matrices out x in.
//
// The loader maps the file read-only (mmap), so a 7B checkpoint costs address
// space, not resident memory; the arrays below point into the mapping.
// Every check runs before any weight is touched: header range, head
// divisibility, then exact file size.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/model/shape.hpp"

namespace pnm::model {

constexpr uint64_t kCheckpointHeaderBytes = 7 * 4;

// Exact file size a legacy llama2.c checkpoint of this shape has.
uint64_t checkpoint_file_bytes(const ModelShape& shape);

// Reads and checks only the header and the file size; materialises nothing.
// Throws ModelError (Io, Truncated, TrailingBytes, CorruptHeader, BadShape).
ModelShape read_checkpoint_shape(const std::string& path);

class Checkpoint {
 public:
  // Throws ModelError as read_checkpoint_shape does.
  static Checkpoint load(const std::string& path);

  const ModelShape& shape() const { return shape_; }
  const std::string& path() const { return path_; }

  // Views into the mapping. Per-layer arrays are contiguous over layers:
  // layer l of wq starts at wq + l * dim * dim, and so on.
  const float* token_embedding = nullptr;  // [vocab, dim]
  const float* rms_att = nullptr;          // [L, dim]
  const float* wq = nullptr;               // [L, dim, dim]
  const float* wk = nullptr;               // [L, kv_dim, dim]
  const float* wv = nullptr;               // [L, kv_dim, dim]
  const float* wo = nullptr;               // [L, dim, dim]
  const float* rms_ffn = nullptr;          // [L, dim]
  const float* w1 = nullptr;               // [L, hidden, dim]
  const float* w2 = nullptr;               // [L, dim, hidden]
  const float* w3 = nullptr;               // [L, hidden, dim]
  const float* rms_final = nullptr;        // [dim]
  const float* wcls = nullptr;             // [vocab, dim]; == token_embedding when shared

  // Layer-l matrix of the given kind (Cls ignores layer), rows x cols as in
  // ModelShape::matrices().
  const float* matrix(MatrixId id, int layer) const;

 private:
  struct Mapping;
  ModelShape shape_;
  std::string path_;
  std::shared_ptr<Mapping> map_;
};

// Writes a tiny random checkpoint, deterministic from seed on any IEEE-754
// platform (mt19937_64 plus our own integer-to-float conversions; no std
// distributions, no libm). Values are approximately normal (Irwin-Hall sum of
// 12 uniforms): matrices N(0, 1/sqrt(fan_in)), the token embedding and a
// separate classifier N(0, 1/sqrt(dim)), RMSNorm weights 1 + N(0, 0.1).
// freq_cis arrays are written as zeros (readers skip them).
void write_checkpoint(const std::string& path, const ModelShape& shape, uint64_t seed);

}  // namespace pnm::model
