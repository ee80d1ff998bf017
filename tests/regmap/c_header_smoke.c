// Compiles firmware/hal/pnm_regs.h as C11 (host and rv32im) and checks a few
// generated values at compile time.
#include "firmware/hal/pnm_regs.h"

_Static_assert(PNM_MVE_CTRL_OFFSET == 0x00u, "CTRL offset");
_Static_assert(PNM_MVE_CTRL_START_MASK == (1u << PNM_MVE_CTRL_START_LSB), "START mask");
_Static_assert(PNM_MVE_STATUS_ERR_CODE_MASK == 0xF0u, "ERR_CODE mask");
_Static_assert(PNM_MVE_CYCLES_VALUE_WIDTH == PNM_MVE_DATA_WIDTH_BITS, "VALUE spans the register");
_Static_assert(PNM_MVE_ERR_NO_ACT == 6u, "enum value");

uint32_t pnm_regs_smoke(uint32_t status);
uint32_t pnm_regs_smoke(uint32_t status) {
  uint32_t code = pnm_field_get(status, PNM_MVE_STATUS_ERR_CODE_LSB, PNM_MVE_STATUS_ERR_CODE_WIDTH);
  uint32_t ctrl = pnm_field_set(PNM_MVE_CTRL_RESET, PNM_MVE_CTRL_START_LSB, PNM_MVE_CTRL_START_WIDTH, 1u);
  return code + ctrl + PNM_MVE_ROWS_RESET + PNM_MVE_ERR_NONE;
}
