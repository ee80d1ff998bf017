// Model descriptor: where the loader put the model, read by the firmware.
//
// The chip loader (tlm/chip) writes one pnm_model_desc_t at the start of
// logic memory (PNM_ADDR_LOGIC_MEM_BASE), followed by n_layers
// pnm_layer_desc_t, then the data it points to. All addresses are 64-bit
// chip addresses; flash addresses are byte addresses inside every channel
// (rows striped across channels, tlm/chip/CHIP.md). Little-endian, naturally
// aligned, no padding surprises: every field is 4 or 8 bytes and 8-byte
// fields sit at 8-byte offsets.
#ifndef PNM_MODEL_DESC_H_
#define PNM_MODEL_DESC_H_

#include <stdint.h>

#define PNM_MODEL_DESC_MAGIC 0x4D4E4E50u  // "PNNM"
#define PNM_MODEL_DESC_VERSION 2u

// One int8 matrix in flash.
typedef struct {
  uint32_t rows;        // R, all channels together
  uint32_t cols;        // K
  uint64_t flash_addr;  // F_W: page-aligned, same in every channel
  uint64_t row_scales;  // logic memory: fp32[R]
} pnm_matrix_desc_t;

typedef struct {
  uint64_t rms_att;  // fp32[dim]
  uint64_t rms_ffn;  // fp32[dim]
  pnm_matrix_desc_t wq, wk, wv, wo, w1, w2, w3;
} pnm_layer_desc_t;

// Batches: a step runs up to max_slots slots, each a (sequence, token,
// position) triple with its own work area; a sequence owns one K/V cache.
//   slot i's work vectors   = the x .. partials addresses below + i * slot_stride
//   sequence s's caches     = k_cache / v_cache + s * seq_stride
//   cache row of (layer l, position p) = cache + (l * kv_len + p) * kv_dim * 4
typedef struct {
  uint32_t magic;    // PNM_MODEL_DESC_MAGIC
  uint32_t version;  // PNM_MODEL_DESC_VERSION
  uint32_t dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len;
  uint32_t n_channels;  // C
  uint32_t max_slots;   // work areas: slots one step may run (1 .. FW_MAX_SLOTS)
  uint32_t n_seqs;      // sequences with a K/V cache
  uint32_t kv_len;      // cache rows per sequence and layer (positions < kv_len, <= seq_len)
  uint32_t tp_ranks;    // tensor-parallel chips N (0 or 1: one chip); this chip's rank is COLL PARAMS.RANK
  uint64_t token_embedding;  // fp32[vocab][dim]
  uint64_t rms_final;        // fp32[dim]
  uint64_t k_cache;          // fp32[n_seqs][n_layers][kv_len][kv_dim]
  uint64_t v_cache;          // fp32[n_seqs][n_layers][kv_len][kv_dim]
  // Slot 0's fp32 work vectors: x[dim], xb[dim], xb2[dim], q[dim], hb[hidden],
  // hb2[hidden], logits[vocab]; int32 partials[max(dim, hidden, vocab)]
  uint64_t x, xb, xb2, q, hb, hb2, logits, partials;
  uint64_t layers;  // pnm_layer_desc_t[n_layers]
  pnm_matrix_desc_t cls;
  uint64_t slot_stride;  // bytes between slots' work areas
  uint64_t seq_stride;   // bytes between sequences' caches (each of K and V)
} pnm_model_desc_t;

#endif  // PNM_MODEL_DESC_H_
