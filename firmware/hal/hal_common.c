// The parts of the HAL that are the same on every platform: built on
// hal_write32 and hal_wait_irq_status, which each platform provides
// (hal_host.c, hal_rv32.c).
#include "firmware/hal/hal.h"

void hal_write64(uint64_t addr_lo_reg, uint64_t v) {
  hal_write32(addr_lo_reg, (uint32_t)v);
  hal_write32(addr_lo_reg + 4u, (uint32_t)(v >> 32));
}

void hal_wait_irq(uint32_t enable_mask) { (void)hal_wait_irq_status(enable_mask); }
