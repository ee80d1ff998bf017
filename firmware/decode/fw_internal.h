// What the decode programs share inside the firmware (decode.c, photon.c):
// the step context with its register shadows, and the operations a program
// is built from. Not part of the firmware's interface (decode.h, photon.h).
#ifndef PNM_FW_INTERNAL_H_
#define PNM_FW_INTERNAL_H_

#include <stdint.h>

#include "firmware/decode/decode.h"
#include "firmware/hal/pnm_regs.h"

#ifdef __cplusplus
extern "C" {
#endif

// Register shadows: operand registers keep their values between operations
// (regmap: rw, no side effects), so a write that would not change a register
// is skipped. Valid for one program only (reset by fw_ctx_begin): nothing
// else writes these registers while the firmware runs.
#define VU_SHADOW_N ((PNM_VU_FARG_OFFSET >> 2) + 1u)
#define JOB_SHADOW_N ((PNM_PNM_JOB_DST_STRIDE_OFFSET >> 2) + 1u)

typedef struct {
  const pnm_model_desc_t* m;  // the stack being run (a PHOTON program switches it)
  int32_t layer;
  uint32_t vectors;        // activation vectors per PNM job (PARAMS.VECTORS + 1)
  uint32_t epoch;          // last ACT_EPOCH written
  uint32_t jobs_expected;  // unit 0's JOBS_DONE once every pushed job is done
  uint32_t vu_shadow[VU_SHADOW_N];
  uint32_t vu_valid;
  uint32_t job_shadow[JOB_SHADOW_N];
  uint32_t job_valid;
  uint32_t* scale;    // per slot: the current stage's QUANTIZE scale (fp32 bits), in CPU-local memory
  uint32_t* want;     // the slots whose logits the classifier computes
  uint32_t tp_rank;   // tensor parallel: this chip's rank of tp_ranks (CHIP.md "Multi-chip")
  uint32_t tp_ranks;  // 1: one chip
  uint32_t pp_stage;   // pipeline: this chip's stage of pp_stages
  uint32_t pp_stages;  // 1: no pipeline
} fw_ctx_t;

#define FW_TRY(expr)                   \
  do {                                 \
    const fw_error_t e_ = (expr);      \
    if (e_ != FW_OK) return e_;        \
  } while (0)

fw_error_t fw_i_err(fw_error_t code, const char* msg, uint32_t value);

// Checks that the chip is quiet (no VU op, no queued job, no PNM error) and
// that unit 0's PARAMS match m (channels, a queue deep enough for
// max_vectors activation vectors per job group); takes the ACT_EPOCH and
// JOBS_DONE baselines.
fw_error_t fw_ctx_begin(fw_ctx_t* c, const pnm_model_desc_t* m, uint32_t max_vectors);

// The layers of the stack c->m over slots[0..n) (fw_step's contract; slot
// output modes FW_OUT_*). next[i] gets slot i's token (FW_OUT_TOKEN) or
// FW_NO_TOKEN.
fw_error_t fw_run_stack(fw_ctx_t* c, const pnm_layer_desc_t* layers, const fw_slot_t* slots, uint32_t n,
                        fw_sampler_t* const* samplers, uint32_t* next);

// dst = src, words fp32 values (VU COPY).
fw_error_t fw_copy(fw_ctx_t* c, uint64_t dst, uint64_t src, uint32_t words);

// One matrix on `count` vectors: vector j is QUANTIZEd from src + j *
// src_stride (w->cols values), multiplied on the PNM units into the int32
// scratch + j * scratch_stride, and DEQUANTized into dst + j * dst_stride
// (w->rows values), in the reference's order (sim/model/quant.hpp).
fw_error_t fw_linear(fw_ctx_t* c, const pnm_matrix_desc_t* w, uint64_t src, uint64_t src_stride, uint64_t dst,
                     uint64_t dst_stride, uint32_t count, uint64_t scratch, uint32_t scratch_stride);

#ifdef __cplusplus
}
#endif

#endif  // PNM_FW_INTERNAL_H_
