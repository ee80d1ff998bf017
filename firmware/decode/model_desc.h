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
#define PNM_MODEL_DESC_VERSION 3u

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
  uint32_t tp_ranks;    // chips per tensor-parallel group (0 or 1: none); TP rank = COLL PARAMS.RANK % tp_ranks
  // Pipeline parallelism (tlm/chip/CHIP.md "Multi-chip"): pp_stages stages
  // of tp_ranks chips (0 or 1: no pipeline); this chip is stage pp_stage
  // (= COLL PARAMS.RANK / tp_ranks) and runs the model's layers
  // [layer_first, layer_first + n_layers) of model_layers: n_layers, the
  // layer table and the K/V caches are this stage's only. Stage 0 embeds the
  // tokens; the last stage has the classifier and samples; between them the
  // residual vectors travel by COLL SEND / RECV, and the sampled tokens go
  // back to stage 0 through the COLL mailbox (MBOX).
  uint32_t pp_stages;
  uint32_t pp_stage;
  uint32_t layer_first;
  uint32_t model_layers;  // the whole model's layers (= n_layers without a pipeline)
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

// ---- PHOTON (hierarchical latent streams; tlm/chip/CHIP.md "PHOTON").
// Level l = 1..n_levels: a chunker folds C_l level-(l-1) vectors (dim
// D_{l-1}) into one level-l vector (dim D_l), a context encoder (a latent
// stack of dim D_l) runs over the level-l stream, a converter expands one
// level-l vector into R_l prefix vectors of dim D_{l-1}, and a local decoder
// (a stack of dim D_{l-1}; level 1's has the vocabulary) generates the C_l
// level-(l-1) vectors of one chunk in a window of R_l + C_l - 1 positions.
// Each stack is a pnm_model_desc_t of its own (vocab_size 0 when latent).
#define PNM_PHOTON_DESC_MAGIC 0x544F4850u  // "PHOT"
#define PNM_PHOTON_DESC_VERSION 1u
#define PNM_PHOTON_MAX_LEVELS 4u

typedef struct {
  uint32_t chunk;   // C_l
  uint32_t ratio;   // R_l
  uint32_t dim_in;  // D_{l-1}
  uint32_t dim;     // D_l
  pnm_matrix_desc_t chunker;    // D_l x (C_l * D_{l-1})
  pnm_matrix_desc_t converter;  // (R_l * D_{l-1}) x D_l
  uint64_t hist;     // fp32 [n_seqs][C_l][D_{l-1}]: the local decoder's outputs in the open window
  uint64_t conv;     // fp32 [n_seqs][R_l * D_{l-1}]: converter outputs (the prefix vectors)
  uint64_t stream;   // fp32 [prefill_len / P_l][D_l]: one sequence's level-l stream during a prefill
} pnm_photon_level_t;

typedef struct {
  uint32_t magic;     // PNM_PHOTON_DESC_MAGIC
  uint32_t version;   // PNM_PHOTON_DESC_VERSION
  uint32_t n_levels;  // L, 1..PNM_PHOTON_MAX_LEVELS
  uint32_t n_seqs;    // sequences decoded together
  uint32_t prefill_len;     // longest prompt (tokens, a multiple of P_L = C_1 * ... * C_L), 0: none
  uint32_t scratch_stride;  // bytes between vectors' int32 results in scratch
  uint32_t group;     // sequences one program runs together at most (the stacks' work areas)
  uint32_t reserved;  // 0
  uint64_t top;       // fp32 [n_seqs][D_L]: each sequence's newest coarsest latent
  uint64_t scratch;   // int32 [max vectors][scratch_stride / 4]: chunker and converter results
  uint64_t stream0;   // fp32 [prefill_len][D_0]: one sequence's prompt embeddings during a prefill
  pnm_photon_level_t level[PNM_PHOTON_MAX_LEVELS];  // level[l - 1] is level l
} pnm_photon_desc_t;

#endif  // PNM_MODEL_DESC_H_
