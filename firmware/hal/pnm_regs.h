// GENERATED FILE - DO NOT EDIT.
// Source:     rtl/regmap/regmap.yaml
// Generator:  scripts/gen_regmap.py
// Regenerate: python3 scripts/gen_regmap.py
//             (run from the repository root; tests/regmap fails if this file is stale)

// Register map for firmware: offsets (bytes from the block base), reset
// values, field positions and masks (masks already shifted into place).
#ifndef PNM_REGS_H_
#define PNM_REGS_H_

#include <stdint.h>

// Field helpers for 32-bit registers (widths 1..32, lsb + width <= 32).
static inline uint32_t pnm_field_mask(uint32_t lsb, uint32_t width) {
  uint32_t ones = (width >= 32u) ? 0xFFFFFFFFu : ((1u << width) - 1u);
  return (lsb >= 32u) ? 0u : (ones << lsb);
}

static inline uint32_t pnm_field_get(uint32_t reg, uint32_t lsb, uint32_t width) {
  return (lsb >= 32u) ? 0u : ((reg & pnm_field_mask(lsb, width)) >> lsb);
}

static inline uint32_t pnm_field_set(uint32_t reg, uint32_t lsb, uint32_t width, uint32_t value) {
  uint32_t mask = pnm_field_mask(lsb, width);
  return (lsb >= 32u) ? reg : ((reg & ~mask) | ((value << lsb) & mask));
}

// ---- block mve
// Matrix-vector engine job registers. A job is ROWS x COLS int8 weights streamed row-major
// against VECS int8 activation vectors of COLS bytes each (1 .. VECTORS, the engine holds that
// many); VECS int32 results per row.
#define PNM_MVE_ADDR_WIDTH_BITS 8u
#define PNM_MVE_DATA_WIDTH_BITS 32u

// CTRL (w1p): Job control; bits are pulses and read as zero.
#define PNM_MVE_CTRL_OFFSET 0x00u
#define PNM_MVE_CTRL_RESET 0x00000000u
#define PNM_MVE_CTRL_START_LSB 0u
#define PNM_MVE_CTRL_START_WIDTH 1u
#define PNM_MVE_CTRL_START_MASK 0x00000001u
#define PNM_MVE_CTRL_SKIP_ACT_LSB 1u
#define PNM_MVE_CTRL_SKIP_ACT_WIDTH 1u
#define PNM_MVE_CTRL_SKIP_ACT_MASK 0x00000002u

// STATUS (ro): Job state. DONE and ERROR stay set until the next START.
#define PNM_MVE_STATUS_OFFSET 0x04u
#define PNM_MVE_STATUS_RESET 0x00000000u
#define PNM_MVE_STATUS_BUSY_LSB 0u
#define PNM_MVE_STATUS_BUSY_WIDTH 1u
#define PNM_MVE_STATUS_BUSY_MASK 0x00000001u
#define PNM_MVE_STATUS_DONE_LSB 1u
#define PNM_MVE_STATUS_DONE_WIDTH 1u
#define PNM_MVE_STATUS_DONE_MASK 0x00000002u
#define PNM_MVE_STATUS_ERROR_LSB 2u
#define PNM_MVE_STATUS_ERROR_WIDTH 1u
#define PNM_MVE_STATUS_ERROR_MASK 0x00000004u
#define PNM_MVE_STATUS_ERR_CODE_LSB 4u
#define PNM_MVE_STATUS_ERR_CODE_WIDTH 4u
#define PNM_MVE_STATUS_ERR_CODE_MASK 0x000000F0u

// ROWS (rw): Rows (results) of the next job; 1 .. 2^24-1.
#define PNM_MVE_ROWS_OFFSET 0x08u
#define PNM_MVE_ROWS_RESET 0x00000000u
#define PNM_MVE_ROWS_VALUE_LSB 0u
#define PNM_MVE_ROWS_VALUE_WIDTH 24u
#define PNM_MVE_ROWS_VALUE_MASK 0x00FFFFFFu

// COLS (rw): Columns (bytes per row) of the next job; 1 .. MAX_COLS.
#define PNM_MVE_COLS_OFFSET 0x0Cu
#define PNM_MVE_COLS_RESET 0x00000000u
#define PNM_MVE_COLS_VALUE_LSB 0u
#define PNM_MVE_COLS_VALUE_WIDTH 16u
#define PNM_MVE_COLS_VALUE_MASK 0x0000FFFFu

// CYCLES (ro): Clock cycles of the last job, from the cycle START is written to the cycle DONE is set.
#define PNM_MVE_CYCLES_OFFSET 0x10u
#define PNM_MVE_CYCLES_RESET 0x00000000u
#define PNM_MVE_CYCLES_VALUE_LSB 0u
#define PNM_MVE_CYCLES_VALUE_WIDTH 32u
#define PNM_MVE_CYCLES_VALUE_MASK 0xFFFFFFFFu

// ROWS_DONE (ro): Results handed over on the result stream in the current (or last) job.
#define PNM_MVE_ROWS_DONE_OFFSET 0x14u
#define PNM_MVE_ROWS_DONE_RESET 0x00000000u
#define PNM_MVE_ROWS_DONE_VALUE_LSB 0u
#define PNM_MVE_ROWS_DONE_VALUE_WIDTH 24u
#define PNM_MVE_ROWS_DONE_VALUE_MASK 0x00FFFFFFu

// PARAMS (ro): Build parameters of this engine instance.
#define PNM_MVE_PARAMS_OFFSET 0x18u
#define PNM_MVE_PARAMS_RESET 0x00000000u
#define PNM_MVE_PARAMS_LANES_LSB 0u
#define PNM_MVE_PARAMS_LANES_WIDTH 8u
#define PNM_MVE_PARAMS_LANES_MASK 0x000000FFu
#define PNM_MVE_PARAMS_MAX_COLS_LSB 8u
#define PNM_MVE_PARAMS_MAX_COLS_WIDTH 24u
#define PNM_MVE_PARAMS_MAX_COLS_MASK 0xFFFFFF00u

// VECS (rw): Activation vectors n of the next job; 1 .. VECTORS (PARAMS2).
#define PNM_MVE_VECS_OFFSET 0x1Cu
#define PNM_MVE_VECS_RESET 0x00000001u
#define PNM_MVE_VECS_VALUE_LSB 0u
#define PNM_MVE_VECS_VALUE_WIDTH 16u
#define PNM_MVE_VECS_VALUE_MASK 0x0000FFFFu

// PARAMS2 (ro): More build parameters of this engine instance.
#define PNM_MVE_PARAMS2_OFFSET 0x20u
#define PNM_MVE_PARAMS2_RESET 0x00000000u
#define PNM_MVE_PARAMS2_VECTORS_LSB 0u
#define PNM_MVE_PARAMS2_VECTORS_WIDTH 16u
#define PNM_MVE_PARAMS2_VECTORS_MASK 0x0000FFFFu

// enum err: Error codes reported in STATUS.ERR_CODE.
#define PNM_MVE_ERR_NONE 0u
#define PNM_MVE_ERR_ROWS_ZERO 1u
#define PNM_MVE_ERR_COLS_ZERO 2u
#define PNM_MVE_ERR_COLS_RANGE 3u
#define PNM_MVE_ERR_BUSY 4u
#define PNM_MVE_ERR_STRB 5u
#define PNM_MVE_ERR_NO_ACT 6u
#define PNM_MVE_ERR_VECS_RANGE 7u

// ---- block pnm
// One PNM unit (per flash channel): a queue of GEMV jobs. A job names a whole matrix (ROWS x
// COLS int8, row scales applied later by the vector unit); the unit takes its own stripe of
// rows (see tlm/chip/CHIP.md): rows_c = ROWS / C + (c < ROWS % C), first row r0_c = c * (ROWS /
// C) + min(c, ROWS % C). Its rows sit row-major at JOB_FLASH in its channel; its int32 results
// for activation vector v go to JOB_DST + v * JOB_DST_STRIDE + 4 * r0_c. The job waits until
// ACT_EPOCH >= JOB_EPOCH before the MVE uses the activation SRAM, but its flash reads start as
// soon as the read-ahead buffer has room.
#define PNM_PNM_ADDR_WIDTH_BITS 8u
#define PNM_PNM_DATA_WIDTH_BITS 32u

// CTRL (w1p): Queue control; bits are pulses.
#define PNM_PNM_CTRL_OFFSET 0x00u
#define PNM_PNM_CTRL_RESET 0x00000000u
#define PNM_PNM_CTRL_PUSH_LSB 0u
#define PNM_PNM_CTRL_PUSH_WIDTH 1u
#define PNM_PNM_CTRL_PUSH_MASK 0x00000001u
#define PNM_PNM_CTRL_CLEAR_ERR_LSB 1u
#define PNM_PNM_CTRL_CLEAR_ERR_WIDTH 1u
#define PNM_PNM_CTRL_CLEAR_ERR_MASK 0x00000002u

// STATUS (ro): Queue state.
#define PNM_PNM_STATUS_OFFSET 0x04u
#define PNM_PNM_STATUS_RESET 0x00000000u
#define PNM_PNM_STATUS_BUSY_LSB 0u
#define PNM_PNM_STATUS_BUSY_WIDTH 1u
#define PNM_PNM_STATUS_BUSY_MASK 0x00000001u
#define PNM_PNM_STATUS_FULL_LSB 1u
#define PNM_PNM_STATUS_FULL_WIDTH 1u
#define PNM_PNM_STATUS_FULL_MASK 0x00000002u
#define PNM_PNM_STATUS_ERROR_LSB 2u
#define PNM_PNM_STATUS_ERROR_WIDTH 1u
#define PNM_PNM_STATUS_ERROR_MASK 0x00000004u
#define PNM_PNM_STATUS_ERR_CODE_LSB 4u
#define PNM_PNM_STATUS_ERR_CODE_WIDTH 4u
#define PNM_PNM_STATUS_ERR_CODE_MASK 0x000000F0u

// JOB_FLASH_LO (rw): Flash byte address (in this channel) of this unit's first row, low word; page aligned.
#define PNM_PNM_JOB_FLASH_LO_OFFSET 0x08u
#define PNM_PNM_JOB_FLASH_LO_RESET 0x00000000u
#define PNM_PNM_JOB_FLASH_LO_VALUE_LSB 0u
#define PNM_PNM_JOB_FLASH_LO_VALUE_WIDTH 32u
#define PNM_PNM_JOB_FLASH_LO_VALUE_MASK 0xFFFFFFFFu

// JOB_FLASH_HI (rw): Flash byte address, high word.
#define PNM_PNM_JOB_FLASH_HI_OFFSET 0x0Cu
#define PNM_PNM_JOB_FLASH_HI_RESET 0x00000000u
#define PNM_PNM_JOB_FLASH_HI_VALUE_LSB 0u
#define PNM_PNM_JOB_FLASH_HI_VALUE_WIDTH 32u
#define PNM_PNM_JOB_FLASH_HI_VALUE_MASK 0xFFFFFFFFu

// JOB_ROWS (rw): Rows of the whole matrix, all channels together.
#define PNM_PNM_JOB_ROWS_OFFSET 0x10u
#define PNM_PNM_JOB_ROWS_RESET 0x00000000u
#define PNM_PNM_JOB_ROWS_VALUE_LSB 0u
#define PNM_PNM_JOB_ROWS_VALUE_WIDTH 24u
#define PNM_PNM_JOB_ROWS_VALUE_MASK 0x00FFFFFFu

// JOB_COLS (rw): Columns (bytes per row); 1 .. the MVE's max_cols.
#define PNM_PNM_JOB_COLS_OFFSET 0x14u
#define PNM_PNM_JOB_COLS_RESET 0x00000000u
#define PNM_PNM_JOB_COLS_VALUE_LSB 0u
#define PNM_PNM_JOB_COLS_VALUE_WIDTH 16u
#define PNM_PNM_JOB_COLS_VALUE_MASK 0x0000FFFFu

// JOB_ACT_OFF (rw): Byte offset of the int8 activation vector in the activation SRAM.
#define PNM_PNM_JOB_ACT_OFF_OFFSET 0x18u
#define PNM_PNM_JOB_ACT_OFF_RESET 0x00000000u
#define PNM_PNM_JOB_ACT_OFF_VALUE_LSB 0u
#define PNM_PNM_JOB_ACT_OFF_VALUE_WIDTH 32u
#define PNM_PNM_JOB_ACT_OFF_VALUE_MASK 0xFFFFFFFFu

// JOB_EPOCH (rw): The job's MVE work waits until ACT_EPOCH >= JOB_EPOCH.
#define PNM_PNM_JOB_EPOCH_OFFSET 0x1Cu
#define PNM_PNM_JOB_EPOCH_RESET 0x00000000u
#define PNM_PNM_JOB_EPOCH_VALUE_LSB 0u
#define PNM_PNM_JOB_EPOCH_VALUE_WIDTH 32u
#define PNM_PNM_JOB_EPOCH_VALUE_MASK 0xFFFFFFFFu

// JOB_DST_LO (rw): Chip address of row 0's int32 result, low word.
#define PNM_PNM_JOB_DST_LO_OFFSET 0x20u
#define PNM_PNM_JOB_DST_LO_RESET 0x00000000u
#define PNM_PNM_JOB_DST_LO_VALUE_LSB 0u
#define PNM_PNM_JOB_DST_LO_VALUE_WIDTH 32u
#define PNM_PNM_JOB_DST_LO_VALUE_MASK 0xFFFFFFFFu

// JOB_DST_HI (rw): Chip address of row 0's int32 result, high word.
#define PNM_PNM_JOB_DST_HI_OFFSET 0x24u
#define PNM_PNM_JOB_DST_HI_RESET 0x00000000u
#define PNM_PNM_JOB_DST_HI_VALUE_LSB 0u
#define PNM_PNM_JOB_DST_HI_VALUE_WIDTH 32u
#define PNM_PNM_JOB_DST_HI_VALUE_MASK 0xFFFFFFFFu

// ACT_EPOCH (rw): Bumped by firmware after it broadcasts a new activation vector.
#define PNM_PNM_ACT_EPOCH_OFFSET 0x28u
#define PNM_PNM_ACT_EPOCH_RESET 0x00000000u
#define PNM_PNM_ACT_EPOCH_VALUE_LSB 0u
#define PNM_PNM_ACT_EPOCH_VALUE_WIDTH 32u
#define PNM_PNM_ACT_EPOCH_VALUE_MASK 0xFFFFFFFFu

// JOBS_PUSHED (ro): Jobs accepted since reset.
#define PNM_PNM_JOBS_PUSHED_OFFSET 0x2Cu
#define PNM_PNM_JOBS_PUSHED_RESET 0x00000000u
#define PNM_PNM_JOBS_PUSHED_VALUE_LSB 0u
#define PNM_PNM_JOBS_PUSHED_VALUE_WIDTH 32u
#define PNM_PNM_JOBS_PUSHED_VALUE_MASK 0xFFFFFFFFu

// JOBS_DONE (ro): Jobs whose results have all been written back.
#define PNM_PNM_JOBS_DONE_OFFSET 0x30u
#define PNM_PNM_JOBS_DONE_RESET 0x00000000u
#define PNM_PNM_JOBS_DONE_VALUE_LSB 0u
#define PNM_PNM_JOBS_DONE_VALUE_WIDTH 32u
#define PNM_PNM_JOBS_DONE_VALUE_MASK 0xFFFFFFFFu

// PAGES_READ (ro): Flash pages read since reset.
#define PNM_PNM_PAGES_READ_OFFSET 0x34u
#define PNM_PNM_PAGES_READ_RESET 0x00000000u
#define PNM_PNM_PAGES_READ_VALUE_LSB 0u
#define PNM_PNM_PAGES_READ_VALUE_WIDTH 32u
#define PNM_PNM_PAGES_READ_VALUE_MASK 0xFFFFFFFFu

// RETRIES (ro): Flash read-retry steps since reset.
#define PNM_PNM_RETRIES_OFFSET 0x38u
#define PNM_PNM_RETRIES_RESET 0x00000000u
#define PNM_PNM_RETRIES_VALUE_LSB 0u
#define PNM_PNM_RETRIES_VALUE_WIDTH 32u
#define PNM_PNM_RETRIES_VALUE_MASK 0xFFFFFFFFu

// UNCORRECTABLE (ro): Pages that stayed uncorrectable after every retry.
#define PNM_PNM_UNCORRECTABLE_OFFSET 0x3Cu
#define PNM_PNM_UNCORRECTABLE_RESET 0x00000000u
#define PNM_PNM_UNCORRECTABLE_VALUE_LSB 0u
#define PNM_PNM_UNCORRECTABLE_VALUE_WIDTH 32u
#define PNM_PNM_UNCORRECTABLE_VALUE_MASK 0xFFFFFFFFu

// PARAMS (ro): Build parameters of this unit.
#define PNM_PNM_PARAMS_OFFSET 0x40u
#define PNM_PNM_PARAMS_RESET 0x00000000u
#define PNM_PNM_PARAMS_CHANNEL_LSB 0u
#define PNM_PNM_PARAMS_CHANNEL_WIDTH 8u
#define PNM_PNM_PARAMS_CHANNEL_MASK 0x000000FFu
#define PNM_PNM_PARAMS_CHANNELS_LSB 8u
#define PNM_PNM_PARAMS_CHANNELS_WIDTH 8u
#define PNM_PNM_PARAMS_CHANNELS_MASK 0x0000FF00u
#define PNM_PNM_PARAMS_QUEUE_DEPTH_LSB 16u
#define PNM_PNM_PARAMS_QUEUE_DEPTH_WIDTH 8u
#define PNM_PNM_PARAMS_QUEUE_DEPTH_MASK 0x00FF0000u
#define PNM_PNM_PARAMS_VECTORS_LSB 24u
#define PNM_PNM_PARAMS_VECTORS_WIDTH 8u
#define PNM_PNM_PARAMS_VECTORS_MASK 0xFF000000u

// JOB_VECS (rw): Activation vectors n of the job (1 .. PARAMS.VECTORS+1). Vector v is JOB_COLS bytes at JOB_ACT_OFF + v * JOB_COLS; each weight page is read once and applied to all n vectors.
#define PNM_PNM_JOB_VECS_OFFSET 0x44u
#define PNM_PNM_JOB_VECS_RESET 0x00000001u
#define PNM_PNM_JOB_VECS_VALUE_LSB 0u
#define PNM_PNM_JOB_VECS_VALUE_WIDTH 9u
#define PNM_PNM_JOB_VECS_VALUE_MASK 0x000001FFu

// JOB_DST_STRIDE (rw): Bytes between the result arrays of consecutive vectors: vector v's int32 results go to JOB_DST + v * JOB_DST_STRIDE + 4 * r0_c.
#define PNM_PNM_JOB_DST_STRIDE_OFFSET 0x48u
#define PNM_PNM_JOB_DST_STRIDE_RESET 0x00000000u
#define PNM_PNM_JOB_DST_STRIDE_VALUE_LSB 0u
#define PNM_PNM_JOB_DST_STRIDE_VALUE_WIDTH 32u
#define PNM_PNM_JOB_DST_STRIDE_VALUE_MASK 0xFFFFFFFFu

// enum err: Error codes reported in STATUS.ERR_CODE.
#define PNM_PNM_ERR_NONE 0u
#define PNM_PNM_ERR_ROWS_ZERO 1u
#define PNM_PNM_ERR_COLS_RANGE 2u
#define PNM_PNM_ERR_ACT_RANGE 3u
#define PNM_PNM_ERR_FLASH_RANGE 4u
#define PNM_PNM_ERR_UNCORRECTABLE 5u
#define PNM_PNM_ERR_QUEUE_FULL 6u
#define PNM_PNM_ERR_WRITEBACK 7u
#define PNM_PNM_ERR_MVE 8u
#define PNM_PNM_ERR_VECS_RANGE 9u

// ---- block vu
// Vector unit on the logic die: fp32 operations of the decode step over chip memory
// (sim/model/ops.hpp is the arithmetic contract). Addresses are 64-bit chip addresses, split
// into LO/HI words; LEN counts elements.
#define PNM_VU_ADDR_WIDTH_BITS 8u
#define PNM_VU_DATA_WIDTH_BITS 32u

// CTRL (w1p): Operation control; bits are pulses.
#define PNM_VU_CTRL_OFFSET 0x00u
#define PNM_VU_CTRL_RESET 0x00000000u
#define PNM_VU_CTRL_START_LSB 0u
#define PNM_VU_CTRL_START_WIDTH 1u
#define PNM_VU_CTRL_START_MASK 0x00000001u

// STATUS (ro): DONE and ERROR stay set until the next START.
#define PNM_VU_STATUS_OFFSET 0x04u
#define PNM_VU_STATUS_RESET 0x00000000u
#define PNM_VU_STATUS_BUSY_LSB 0u
#define PNM_VU_STATUS_BUSY_WIDTH 1u
#define PNM_VU_STATUS_BUSY_MASK 0x00000001u
#define PNM_VU_STATUS_DONE_LSB 1u
#define PNM_VU_STATUS_DONE_WIDTH 1u
#define PNM_VU_STATUS_DONE_MASK 0x00000002u
#define PNM_VU_STATUS_ERROR_LSB 2u
#define PNM_VU_STATUS_ERROR_WIDTH 1u
#define PNM_VU_STATUS_ERROR_MASK 0x00000004u
#define PNM_VU_STATUS_ERR_CODE_LSB 4u
#define PNM_VU_STATUS_ERR_CODE_WIDTH 4u
#define PNM_VU_STATUS_ERR_CODE_MASK 0x000000F0u

// OP (rw): A vu_op value.
#define PNM_VU_OP_OFFSET 0x08u
#define PNM_VU_OP_RESET 0x00000000u
#define PNM_VU_OP_VALUE_LSB 0u
#define PNM_VU_OP_VALUE_WIDTH 8u
#define PNM_VU_OP_VALUE_MASK 0x000000FFu

// SRC0_LO (rw): First source address, low word.
#define PNM_VU_SRC0_LO_OFFSET 0x10u
#define PNM_VU_SRC0_LO_RESET 0x00000000u
#define PNM_VU_SRC0_LO_VALUE_LSB 0u
#define PNM_VU_SRC0_LO_VALUE_WIDTH 32u
#define PNM_VU_SRC0_LO_VALUE_MASK 0xFFFFFFFFu

// SRC0_HI (rw): First source address, high word.
#define PNM_VU_SRC0_HI_OFFSET 0x14u
#define PNM_VU_SRC0_HI_RESET 0x00000000u
#define PNM_VU_SRC0_HI_VALUE_LSB 0u
#define PNM_VU_SRC0_HI_VALUE_WIDTH 32u
#define PNM_VU_SRC0_HI_VALUE_MASK 0xFFFFFFFFu

// SRC1_LO (rw): Second source address, low word.
#define PNM_VU_SRC1_LO_OFFSET 0x18u
#define PNM_VU_SRC1_LO_RESET 0x00000000u
#define PNM_VU_SRC1_LO_VALUE_LSB 0u
#define PNM_VU_SRC1_LO_VALUE_WIDTH 32u
#define PNM_VU_SRC1_LO_VALUE_MASK 0xFFFFFFFFu

// SRC1_HI (rw): Second source address, high word.
#define PNM_VU_SRC1_HI_OFFSET 0x1Cu
#define PNM_VU_SRC1_HI_RESET 0x00000000u
#define PNM_VU_SRC1_HI_VALUE_LSB 0u
#define PNM_VU_SRC1_HI_VALUE_WIDTH 32u
#define PNM_VU_SRC1_HI_VALUE_MASK 0xFFFFFFFFu

// SRC2_LO (rw): Third source address, low word.
#define PNM_VU_SRC2_LO_OFFSET 0x20u
#define PNM_VU_SRC2_LO_RESET 0x00000000u
#define PNM_VU_SRC2_LO_VALUE_LSB 0u
#define PNM_VU_SRC2_LO_VALUE_WIDTH 32u
#define PNM_VU_SRC2_LO_VALUE_MASK 0xFFFFFFFFu

// SRC2_HI (rw): Third source address, high word.
#define PNM_VU_SRC2_HI_OFFSET 0x24u
#define PNM_VU_SRC2_HI_RESET 0x00000000u
#define PNM_VU_SRC2_HI_VALUE_LSB 0u
#define PNM_VU_SRC2_HI_VALUE_WIDTH 32u
#define PNM_VU_SRC2_HI_VALUE_MASK 0xFFFFFFFFu

// DST_LO (rw): Destination address, low word.
#define PNM_VU_DST_LO_OFFSET 0x28u
#define PNM_VU_DST_LO_RESET 0x00000000u
#define PNM_VU_DST_LO_VALUE_LSB 0u
#define PNM_VU_DST_LO_VALUE_WIDTH 32u
#define PNM_VU_DST_LO_VALUE_MASK 0xFFFFFFFFu

// DST_HI (rw): Destination address, high word.
#define PNM_VU_DST_HI_OFFSET 0x2Cu
#define PNM_VU_DST_HI_RESET 0x00000000u
#define PNM_VU_DST_HI_VALUE_LSB 0u
#define PNM_VU_DST_HI_VALUE_WIDTH 32u
#define PNM_VU_DST_HI_VALUE_MASK 0xFFFFFFFFu

// LEN (rw): Element count.
#define PNM_VU_LEN_OFFSET 0x30u
#define PNM_VU_LEN_RESET 0x00000000u
#define PNM_VU_LEN_VALUE_LSB 0u
#define PNM_VU_LEN_VALUE_WIDTH 32u
#define PNM_VU_LEN_VALUE_MASK 0xFFFFFFFFu

// ARG0 (rw): Integer argument 0 (see vu_op).
#define PNM_VU_ARG0_OFFSET 0x34u
#define PNM_VU_ARG0_RESET 0x00000000u
#define PNM_VU_ARG0_VALUE_LSB 0u
#define PNM_VU_ARG0_VALUE_WIDTH 32u
#define PNM_VU_ARG0_VALUE_MASK 0xFFFFFFFFu

// ARG1 (rw): Integer argument 1.
#define PNM_VU_ARG1_OFFSET 0x38u
#define PNM_VU_ARG1_RESET 0x00000000u
#define PNM_VU_ARG1_VALUE_LSB 0u
#define PNM_VU_ARG1_VALUE_WIDTH 32u
#define PNM_VU_ARG1_VALUE_MASK 0xFFFFFFFFu

// ARG2 (rw): Integer argument 2.
#define PNM_VU_ARG2_OFFSET 0x3Cu
#define PNM_VU_ARG2_RESET 0x00000000u
#define PNM_VU_ARG2_VALUE_LSB 0u
#define PNM_VU_ARG2_VALUE_WIDTH 32u
#define PNM_VU_ARG2_VALUE_MASK 0xFFFFFFFFu

// ARG3 (rw): Integer argument 3.
#define PNM_VU_ARG3_OFFSET 0x40u
#define PNM_VU_ARG3_RESET 0x00000000u
#define PNM_VU_ARG3_VALUE_LSB 0u
#define PNM_VU_ARG3_VALUE_WIDTH 32u
#define PNM_VU_ARG3_VALUE_MASK 0xFFFFFFFFu

// FARG (rw): fp32 argument (IEEE-754 bits).
#define PNM_VU_FARG_OFFSET 0x44u
#define PNM_VU_FARG_RESET 0x00000000u
#define PNM_VU_FARG_VALUE_LSB 0u
#define PNM_VU_FARG_VALUE_WIDTH 32u
#define PNM_VU_FARG_VALUE_MASK 0xFFFFFFFFu

// RESULT (ro): Scalar result: QUANTIZE's scale (fp32 bits), ARGMAX's and SAMPLE's index.
#define PNM_VU_RESULT_OFFSET 0x48u
#define PNM_VU_RESULT_RESET 0x00000000u
#define PNM_VU_RESULT_VALUE_LSB 0u
#define PNM_VU_RESULT_VALUE_WIDTH 32u
#define PNM_VU_RESULT_VALUE_MASK 0xFFFFFFFFu

// CYCLES (ro): Cycles of the last operation.
#define PNM_VU_CYCLES_OFFSET 0x4Cu
#define PNM_VU_CYCLES_RESET 0x00000000u
#define PNM_VU_CYCLES_VALUE_LSB 0u
#define PNM_VU_CYCLES_VALUE_WIDTH 32u
#define PNM_VU_CYCLES_VALUE_MASK 0xFFFFFFFFu

// enum op: Operations. COPY dst=src0 (LEN 32-bit words). RMSNORM dst=rmsnorm(src0)*src1. QUANTIZE int8 dst=q(src0), RESULT=scale. DEQUANT dst[r]=float(int32 src0[r])*(src1[r]*FARG). ROPE in place on q=DST (LEN=dim) and k=SRC0 (ARG1=kv_dim), ARG0=pos, ARG2=head_dim. ATTENTION dst=attention(q=SRC0, k cache=SRC1, v cache=SRC2), ARG0=pos, ARG1=n_heads, ARG2=n_kv_heads, ARG3=head_dim. ADD dst=src0+src1. SILU_MUL dst=silu(src0)*src1. ARGMAX RESULT=argmax(src0). SAMPLE RESULT=sample_with_coin(logits=src0, LEN, temperature=FARG, top_p=ARG0 as fp32 bits, coin24=ARG1) (sim/model/sampler.hpp).
#define PNM_VU_OP_COPY 0u
#define PNM_VU_OP_RMSNORM 1u
#define PNM_VU_OP_QUANTIZE 2u
#define PNM_VU_OP_DEQUANT 3u
#define PNM_VU_OP_ROPE 4u
#define PNM_VU_OP_ATTENTION 5u
#define PNM_VU_OP_ADD 6u
#define PNM_VU_OP_SILU_MUL 7u
#define PNM_VU_OP_ARGMAX 8u
#define PNM_VU_OP_SAMPLE 9u

// enum err: Error codes reported in STATUS.ERR_CODE.
#define PNM_VU_ERR_NONE 0u
#define PNM_VU_ERR_BAD_OP 1u
#define PNM_VU_ERR_BAD_LEN 2u
#define PNM_VU_ERR_BAD_ARG 3u
#define PNM_VU_ERR_ADDRESS 4u
#define PNM_VU_ERR_BUSY 5u

// ---- block irq
// Interrupt lines to the control CPU, as levels. The CPU waits (WFI) until (STATUS & ENABLE) !=
// 0.
#define PNM_IRQ_ADDR_WIDTH_BITS 8u
#define PNM_IRQ_DATA_WIDTH_BITS 32u

// STATUS (ro): Current level of each line.
#define PNM_IRQ_STATUS_OFFSET 0x00u
#define PNM_IRQ_STATUS_RESET 0x00000000u
#define PNM_IRQ_STATUS_PNM_IDLE_LSB 0u
#define PNM_IRQ_STATUS_PNM_IDLE_WIDTH 1u
#define PNM_IRQ_STATUS_PNM_IDLE_MASK 0x00000001u
#define PNM_IRQ_STATUS_VU_IDLE_LSB 1u
#define PNM_IRQ_STATUS_VU_IDLE_WIDTH 1u
#define PNM_IRQ_STATUS_VU_IDLE_MASK 0x00000002u
#define PNM_IRQ_STATUS_PNM_ERROR_LSB 2u
#define PNM_IRQ_STATUS_PNM_ERROR_WIDTH 1u
#define PNM_IRQ_STATUS_PNM_ERROR_MASK 0x00000004u

// ENABLE (rw): Lines that wake the CPU.
#define PNM_IRQ_ENABLE_OFFSET 0x04u
#define PNM_IRQ_ENABLE_RESET 0x00000000u
#define PNM_IRQ_ENABLE_PNM_IDLE_LSB 0u
#define PNM_IRQ_ENABLE_PNM_IDLE_WIDTH 1u
#define PNM_IRQ_ENABLE_PNM_IDLE_MASK 0x00000001u
#define PNM_IRQ_ENABLE_VU_IDLE_LSB 1u
#define PNM_IRQ_ENABLE_VU_IDLE_WIDTH 1u
#define PNM_IRQ_ENABLE_VU_IDLE_MASK 0x00000002u
#define PNM_IRQ_ENABLE_PNM_ERROR_LSB 2u
#define PNM_IRQ_ENABLE_PNM_ERROR_WIDTH 1u
#define PNM_IRQ_ENABLE_PNM_ERROR_MASK 0x00000004u

// ---- block coll
// Collective engine: this chip's port on the chip-to-chip fabric (tlm/interchip). A tensor-
// parallel decode splits every GEMV's rows over the chips (rank k holds rows [a_k, a_k + R_k),
// the channel striping rule applied to chips); after each GEMV the firmware gathers the other
// ranks' int32 result rows into its own buffer. PUSH queues one gather; GO runs the queued
// gathers as one group over the fabric and completes (the write returns) when every rank of
// this chip's tensor-parallel group has arrived and the group has been delivered. A pipeline-
// parallel decode (chips = tp x pp; chip r is stage r / tp, TP rank r % tp) forwards the
// residual vectors from stage to stage, and the sampled tokens from the last stage to stage 0,
// with SEND / RECV: a point-to-point transfer of VECS blocks of BYTES bytes (block v at BUF + v
// * STRIDE) between this chip and chip PEER, which starts when both sides have arrived (a
// rendezvous) and completes, on both, when the last byte is delivered.
#define PNM_COLL_ADDR_WIDTH_BITS 8u
#define PNM_COLL_DATA_WIDTH_BITS 32u

// CTRL (w1p): Control pulses; read as zero.
#define PNM_COLL_CTRL_OFFSET 0x00u
#define PNM_COLL_CTRL_RESET 0x00000000u
#define PNM_COLL_CTRL_PUSH_LSB 0u
#define PNM_COLL_CTRL_PUSH_WIDTH 1u
#define PNM_COLL_CTRL_PUSH_MASK 0x00000001u
#define PNM_COLL_CTRL_GO_LSB 1u
#define PNM_COLL_CTRL_GO_WIDTH 1u
#define PNM_COLL_CTRL_GO_MASK 0x00000002u
#define PNM_COLL_CTRL_SEND_LSB 2u
#define PNM_COLL_CTRL_SEND_WIDTH 1u
#define PNM_COLL_CTRL_SEND_MASK 0x00000004u
#define PNM_COLL_CTRL_RECV_LSB 3u
#define PNM_COLL_CTRL_RECV_WIDTH 1u
#define PNM_COLL_CTRL_RECV_MASK 0x00000008u
#define PNM_COLL_CTRL_MBOX_LSB 4u
#define PNM_COLL_CTRL_MBOX_WIDTH 1u
#define PNM_COLL_CTRL_MBOX_MASK 0x00000010u

// STATUS (ro): State of the last group.
#define PNM_COLL_STATUS_OFFSET 0x04u
#define PNM_COLL_STATUS_RESET 0x00000000u
#define PNM_COLL_STATUS_DONE_LSB 0u
#define PNM_COLL_STATUS_DONE_WIDTH 1u
#define PNM_COLL_STATUS_DONE_MASK 0x00000001u
#define PNM_COLL_STATUS_ERROR_LSB 1u
#define PNM_COLL_STATUS_ERROR_WIDTH 1u
#define PNM_COLL_STATUS_ERROR_MASK 0x00000002u
#define PNM_COLL_STATUS_ERR_CODE_LSB 4u
#define PNM_COLL_STATUS_ERR_CODE_WIDTH 4u
#define PNM_COLL_STATUS_ERR_CODE_MASK 0x000000F0u

// PARAMS (ro): Where this chip sits in the system.
#define PNM_COLL_PARAMS_OFFSET 0x08u
#define PNM_COLL_PARAMS_RESET 0x00000000u
#define PNM_COLL_PARAMS_RANK_LSB 0u
#define PNM_COLL_PARAMS_RANK_WIDTH 8u
#define PNM_COLL_PARAMS_RANK_MASK 0x000000FFu
#define PNM_COLL_PARAMS_CHIPS_LSB 8u
#define PNM_COLL_PARAMS_CHIPS_WIDTH 8u
#define PNM_COLL_PARAMS_CHIPS_MASK 0x0000FF00u
#define PNM_COLL_PARAMS_TP_LSB 16u
#define PNM_COLL_PARAMS_TP_WIDTH 8u
#define PNM_COLL_PARAMS_TP_MASK 0x00FF0000u

// BUF_LO (rw): Chip address of vector 0's int32 result array (all R rows), low word.
#define PNM_COLL_BUF_LO_OFFSET 0x0Cu
#define PNM_COLL_BUF_LO_RESET 0x00000000u
#define PNM_COLL_BUF_LO_VALUE_LSB 0u
#define PNM_COLL_BUF_LO_VALUE_WIDTH 32u
#define PNM_COLL_BUF_LO_VALUE_MASK 0xFFFFFFFFu

// BUF_HI (rw): High word of BUF.
#define PNM_COLL_BUF_HI_OFFSET 0x10u
#define PNM_COLL_BUF_HI_RESET 0x00000000u
#define PNM_COLL_BUF_HI_VALUE_LSB 0u
#define PNM_COLL_BUF_HI_VALUE_WIDTH 32u
#define PNM_COLL_BUF_HI_VALUE_MASK 0xFFFFFFFFu

// ROWS (rw): Rows R of the whole matrix; rank j owns rows [a_j, a_j + R_j).
#define PNM_COLL_ROWS_OFFSET 0x14u
#define PNM_COLL_ROWS_RESET 0x00000000u
#define PNM_COLL_ROWS_VALUE_LSB 0u
#define PNM_COLL_ROWS_VALUE_WIDTH 24u
#define PNM_COLL_ROWS_VALUE_MASK 0x00FFFFFFu

// VECS (rw): Result vectors n; vector v's array is at BUF + v * STRIDE.
#define PNM_COLL_VECS_OFFSET 0x18u
#define PNM_COLL_VECS_RESET 0x00000001u
#define PNM_COLL_VECS_VALUE_LSB 0u
#define PNM_COLL_VECS_VALUE_WIDTH 16u
#define PNM_COLL_VECS_VALUE_MASK 0x0000FFFFu

// STRIDE (rw): Bytes between consecutive vectors' result arrays.
#define PNM_COLL_STRIDE_OFFSET 0x1Cu
#define PNM_COLL_STRIDE_RESET 0x00000000u
#define PNM_COLL_STRIDE_VALUE_LSB 0u
#define PNM_COLL_STRIDE_VALUE_WIDTH 32u
#define PNM_COLL_STRIDE_VALUE_MASK 0xFFFFFFFFu

// GROUPS_DONE (ro): Groups completed since reset.
#define PNM_COLL_GROUPS_DONE_OFFSET 0x20u
#define PNM_COLL_GROUPS_DONE_RESET 0x00000000u
#define PNM_COLL_GROUPS_DONE_VALUE_LSB 0u
#define PNM_COLL_GROUPS_DONE_VALUE_WIDTH 32u
#define PNM_COLL_GROUPS_DONE_VALUE_MASK 0xFFFFFFFFu

// PEER (rw): The other chip of a SEND or RECV.
#define PNM_COLL_PEER_OFFSET 0x24u
#define PNM_COLL_PEER_RESET 0x00000000u
#define PNM_COLL_PEER_VALUE_LSB 0u
#define PNM_COLL_PEER_VALUE_WIDTH 8u
#define PNM_COLL_PEER_VALUE_MASK 0x000000FFu

// BYTES (rw): Bytes per block of a SEND or RECV (VECS blocks, STRIDE apart); the two sides must agree.
#define PNM_COLL_BYTES_OFFSET 0x28u
#define PNM_COLL_BYTES_RESET 0x00000000u
#define PNM_COLL_BYTES_VALUE_LSB 0u
#define PNM_COLL_BYTES_VALUE_WIDTH 32u
#define PNM_COLL_BYTES_VALUE_MASK 0xFFFFFFFFu

// P2P_DONE (ro): SENDs and RECVs completed since reset.
#define PNM_COLL_P2P_DONE_OFFSET 0x2Cu
#define PNM_COLL_P2P_DONE_RESET 0x00000000u
#define PNM_COLL_P2P_DONE_VALUE_LSB 0u
#define PNM_COLL_P2P_DONE_VALUE_WIDTH 32u
#define PNM_COLL_P2P_DONE_VALUE_MASK 0xFFFFFFFFu

// MBOX (rw): Mailbox word (up to 1024 each way). A write appends to the outgoing message a SEND with CTRL.MBOX sends (and empties); a read returns word MBOX_IDX of the message the last RECV with CTRL.MBOX received (0 past its end).
#define PNM_COLL_MBOX_OFFSET 0x30u
#define PNM_COLL_MBOX_RESET 0x00000000u
#define PNM_COLL_MBOX_VALUE_LSB 0u
#define PNM_COLL_MBOX_VALUE_WIDTH 32u
#define PNM_COLL_MBOX_VALUE_MASK 0xFFFFFFFFu

// MBOX_IDX (rw): Which received mailbox word MBOX reads (reads have no side effects).
#define PNM_COLL_MBOX_IDX_OFFSET 0x34u
#define PNM_COLL_MBOX_IDX_RESET 0x00000000u
#define PNM_COLL_MBOX_IDX_VALUE_LSB 0u
#define PNM_COLL_MBOX_IDX_VALUE_WIDTH 16u
#define PNM_COLL_MBOX_IDX_VALUE_MASK 0x0000FFFFu

// enum err: Error codes reported in STATUS.ERR_CODE.
#define PNM_COLL_ERR_NONE 0u
#define PNM_COLL_ERR_EMPTY 1u
#define PNM_COLL_ERR_QUEUE_FULL 2u
#define PNM_COLL_ERR_BAD_GATHER 3u
#define PNM_COLL_ERR_MISMATCH 4u
#define PNM_COLL_ERR_NO_FABRIC 5u
#define PNM_COLL_ERR_BAD_P2P 6u

// ---- chip address map (64-bit chip addresses)
// The chip as the control CPU (and every other initiator on the on-chip interconnect) sees it.
// tlm/noc decodes this table; the chip top binds its sockets from it.

// Vector unit registers.
#define PNM_ADDR_VU_BASE 0x0000000000010000ull
#define PNM_ADDR_VU_SIZE 0x0000000000001000ull
#define PNM_ADDR_VU_COUNT 1u

// Interrupt lines to the control CPU.
#define PNM_ADDR_IRQ_BASE 0x0000000000020000ull
#define PNM_ADDR_IRQ_SIZE 0x0000000000001000ull
#define PNM_ADDR_IRQ_COUNT 1u

// Broadcast window, writes only: a write at offset o goes to every PNM unit's window at offset o (activation vectors, ACT_EPOCH, job descriptors).
#define PNM_ADDR_PNM_BCAST_BASE 0x000000000F000000ull
#define PNM_ADDR_PNM_BCAST_SIZE 0x0000000000400000ull
#define PNM_ADDR_PNM_BCAST_COUNT 1u

// PNM unit c at BASE + c * SIZE: registers at offset 0, activation SRAM at ACT_SRAM_OFFSET. Reached through channel c's TSV link.
#define PNM_ADDR_PNM_BASE 0x0000000010000000ull
#define PNM_ADDR_PNM_SIZE 0x0000000000400000ull
#define PNM_ADDR_PNM_COUNT 256u

// Logic-die memory (stacked DRAM/SRAM): model descriptor, fp32 embedding, norms and row scales, the KV cache, activation and scratch buffers.
#define PNM_ADDR_LOGIC_MEM_BASE 0x0000001000000000ull
#define PNM_ADDR_LOGIC_MEM_SIZE 0x0000001000000000ull
#define PNM_ADDR_LOGIC_MEM_COUNT 1u

// Collective engine (chip-to-chip fabric port); every chip has one, a single chip never addresses it. Last in the table, so the other regions keep their indices.
#define PNM_ADDR_COLL_BASE 0x0000000000030000ull
#define PNM_ADDR_COLL_SIZE 0x0000000000001000ull
#define PNM_ADDR_COLL_COUNT 1u

// Offset of the activation SRAM inside a PNM unit's window.
#define PNM_ACT_SRAM_OFFSET 0x0000000000080000ull

// Largest activation SRAM a PNM unit window can hold (3.5 MiB: a batch of 64 vectors of a 28672-wide row, Llama-2-70B's W2, needs 1.75 MiB).
#define PNM_ACT_SRAM_MAX_BYTES 0x0000000000380000ull

#endif  // PNM_REGS_H_
