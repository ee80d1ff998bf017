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
// against one int8 activation vector of COLS bytes; one int32 result per row.
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

// enum err: Error codes reported in STATUS.ERR_CODE.
#define PNM_MVE_ERR_NONE 0u
#define PNM_MVE_ERR_ROWS_ZERO 1u
#define PNM_MVE_ERR_COLS_ZERO 2u
#define PNM_MVE_ERR_COLS_RANGE 3u
#define PNM_MVE_ERR_BUSY 4u
#define PNM_MVE_ERR_STRB 5u
#define PNM_MVE_ERR_NO_ACT 6u

#endif  // PNM_REGS_H_
