// The decode-step program: one token of a Llama-style model on the chip,
// as vector-unit (VU) operations and PNM GEMV jobs (tlm/chip/CHIP.md
// "Decode step"), in the arithmetic order of sim/model/decoder.cpp so the
// greedy tokens equal the C++ reference's. C11; no libm, no malloc, no
// floating point (fp32 values travel as IEEE-754 bit patterns). Greedy, or
// temperature / top-p sampling through the vector unit's SAMPLE op. One step
// runs a batch of slots (sequences, prompt positions, or both).
//
// The descriptor structs are CPU-local copies (the host simulator passes host
// pointers; the RV32 build reads them from the mailbox, firmware/rv32/main.c).
// Their 64-bit fields are chip addresses the firmware only writes into VU /
// PNM registers; it never dereferences logic memory.
//
// Buffers used (all from the descriptor; nothing else in logic memory is
// touched):
//   x, xb, xb2, q, hb, hb2, logits   fp32 work vectors as in decoder.cpp, one set per slot
//   partials (int32)                 Wq, Wo, W1, W2 and cls results
//   xb, xb2 (as int32 scratch)       Wk and Wv results (kv_dim <= dim), both
//                                    free between QUANTIZE(xb) and ATTENTION
//   hb (as int32 scratch)            W3 results (dequantized into hb2 before
//                                    W1's results are dequantized into hb)
//   k_cache, v_cache                 row [seq][layer][pos] written by DEQUANT
// Activation SRAM: slot j's int8 vector is broadcast to FW_ACT_OFF + j * cols.
#ifndef PNM_FW_DECODE_H_
#define PNM_FW_DECODE_H_

#include <stdint.h>

#include "firmware/decode/model_desc.h"
#include "firmware/decode/mt64.h"

#ifdef __cplusplus
extern "C" {
#endif

// fw_decode_step's return value on any failure (see fw_last_error()).
#define FW_DECODE_ERROR 0xFFFFFFFFu
// Byte offset of the int8 activation vector in every unit's activation SRAM.
#define FW_ACT_OFF 0u
// Jobs the firmware keeps queued per unit at most (Wq, Wk, Wv) per group of
// PARAMS.VECTORS+1 slots; PARAMS.QUEUE_DEPTH must be at least 3 x groups.
#define FW_MAX_JOBS_IN_FLIGHT 3u
// Slots one step may run (work areas in the descriptor).
#define FW_MAX_SLOTS 1024u
// Layers and positions the descriptor check accepts (fw_check_desc).
#define FW_MAX_LAYERS 4096u
#define FW_MAX_SEQ_LEN (1u << 24)
// next[i] of a slot that asked for no logits.
#define FW_NO_TOKEN 0xFFFFFFFEu

// fw_slot_t.token of a slot whose input vector is in its x work area already
// (a latent stack's input, or a PHOTON converter's prefix vector).
#define FW_TOKEN_IN_X 0xFFFFFFFFu

// fw_slot_t.logits: what the slot gives back after the last layer.
#define FW_OUT_NONE 0u    // nothing (an earlier prompt position)
#define FW_OUT_TOKEN 1u   // the classifier and ARGMAX/SAMPLE: next[i]
#define FW_OUT_HIDDEN 2u  // rmsnorm(x, rms_final) in the slot's xb; no classifier (latent stacks)

typedef enum {
  FW_OK = 0,
  FW_ERR_DESC = 1,        // descriptor or layer table invalid (fw_check_desc)
  FW_ERR_ARG = 2,         // token >= vocab_size or pos >= seq_len
  FW_ERR_CHIP_STATE = 3,  // chip not idle, or a PNM error pending, at step start
  FW_ERR_PARAMS = 4,      // PNM PARAMS disagree with the descriptor
  FW_ERR_VU = 5,          // vector unit STATUS.ERROR (hw_status = VU STATUS)
  FW_ERR_PNM = 6,         // IRQ PNM_ERROR (unit, hw_status = that unit's STATUS)
  FW_ERR_PNM_STATE = 7,   // PNM_IDLE reported but unit 0's JOBS_DONE disagrees
  FW_ERR_COLL = 8,        // collective engine STATUS.ERROR after GO (hw_status = COLL STATUS)
} fw_error_t;

typedef struct {
  fw_error_t code;
  const char* msg;     // constant text naming the failed check or operation
  int32_t layer;       // layer being decoded; -1 before the layers or for the classifier
  uint32_t vu_op;      // the VU op (PNM_VU_OP_*) for FW_ERR_VU
  uint32_t hw_status;  // the STATUS register value that reported the error
  uint32_t unit;       // PNM unit for FW_ERR_PNM
  uint32_t value;      // the offending value (a dimension, a count, ...)
} fw_error_info_t;

// Checks magic, version, dimensions (heads divide dim, kv heads divide
// heads, even head_dim, register field widths), the batch fields (max_slots,
// n_seqs, kv_len) and that every buffer of every slot and sequence lies in
// LOGIC_MEM, 4-byte aligned. FW_OK or FW_ERR_DESC (details in fw_last_error_info()).
fw_error_t fw_check_desc(const pnm_model_desc_t* m);
// fw_check_desc plus every layer's matrix shapes and addresses.
fw_error_t fw_check_model(const pnm_model_desc_t* m, const pnm_layer_desc_t* layers);

// Temperature / top-p sampling state, owned by the caller. Parameters are
// fp32 bit patterns (the firmware does no floating point; the vector unit's
// SAMPLE op does). temperature 0 (either sign) means greedy, with no draw,
// as in the reference model's Sampler; the draws come from mt19937_64(seed),
// 24 bits each, so the tokens equal pnm::model::Sampler(temperature, top_p, seed)'s.
typedef struct {
  uint32_t temperature_bits;
  uint32_t top_p_bits;
  pnm_mt64_t rng;
} fw_sampler_t;

// One slot of a step: `token` of sequence `seq` at position `pos` (its K/V
// cache row pos of every layer is overwritten), or FW_TOKEN_IN_X. logits is
// the output mode (FW_OUT_*): FW_OUT_TOKEN runs the classifier for this slot
// and picks its next token. A descriptor with vocab_size 0 is a latent stack:
// every slot FW_TOKEN_IN_X, no FW_OUT_TOKEN.
typedef struct {
  uint32_t seq;
  uint32_t token;
  uint32_t pos;
  uint32_t logits;
} fw_slot_t;

// Runs one step over slots[0..n) (1 <= n <= max_slots) together: every GEMV
// reads each weight page once per group of PARAMS.VECTORS+1 slots and applies
// it to all of the group's activation vectors. A batch of sequences is n
// slots of different seq; a prompt chunk is n slots of one seq at
// consecutive positions (every slot's K/V row is written before any slot
// attends, so causal attention within the chunk holds); both may mix.
// next[i] = the slot's next token (ARGMAX, or SAMPLE with samplers[i] when
// samplers is non-NULL and samplers[i] has a temperature), FW_NO_TOKEN for a
// slot with logits == 0. Requires the chip idle on entry and leaves it idle.
fw_error_t fw_step(const pnm_model_desc_t* m, const pnm_layer_desc_t* layers, const fw_slot_t* slots,
                   uint32_t n, fw_sampler_t* const* samplers, uint32_t* next);

// One slot of sequence 0 with logits: the greedy next token, or FW_DECODE_ERROR.
uint32_t fw_decode_step(const pnm_model_desc_t* m, const pnm_layer_desc_t* layers,
                        uint32_t token, uint32_t pos);

void fw_sampler_init(fw_sampler_t* s, uint32_t temperature_bits, uint32_t top_p_bits, uint64_t seed);

// fw_decode_step with the last op sampling (VU SAMPLE) instead of ARGMAX when
// s is non-NULL and its temperature is not 0.
uint32_t fw_decode_step_sampled(const pnm_model_desc_t* m, const pnm_layer_desc_t* layers,
                                uint32_t token, uint32_t pos, fw_sampler_t* s);

// The outcome of the last fw_check_* / fw_decode_step call.
fw_error_t fw_last_error(void);
const fw_error_info_t* fw_last_error_info(void);
const char* fw_error_name(fw_error_t code);

// Work done by the last fw_decode_step (for reports and tests).
typedef struct {
  uint32_t vu_ops;
  uint32_t pnm_jobs;
  uint32_t epochs;
} fw_step_counts_t;
const fw_step_counts_t* fw_last_step_counts(void);

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // PNM_FW_DECODE_H_
