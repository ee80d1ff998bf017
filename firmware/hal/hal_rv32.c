// HAL, bare-metal RV32IM build: volatile MMIO. Every address the firmware
// dereferences (VU, IRQ, PNM, PNM_BCAST) is below 4 GiB (hal.h); LOGIC_MEM
// addresses only travel as 64-bit register values through hal_write64.
#include "firmware/hal/hal.h"

#include "firmware/hal/pnm_regs.h"

static inline volatile uint32_t* hal_reg(uint64_t addr) {
  return (volatile uint32_t*)(uintptr_t)(uint32_t)addr;
}

uint32_t hal_read32(uint64_t addr) { return *hal_reg(addr); }

void* hal_cpu_local(void) {
  static uint64_t local[HAL_CPU_LOCAL_BYTES / 8u];
  return local;
}

void hal_write32(uint64_t addr, uint32_t v) { *hal_reg(addr) = v; }

uint32_t hal_wait_irq_status(uint32_t enable_mask) {
  hal_write32(PNM_ADDR_IRQ_BASE + PNM_IRQ_ENABLE_OFFSET, enable_mask);
  for (;;) {
    const uint32_t st = hal_read32(PNM_ADDR_IRQ_BASE + PNM_IRQ_STATUS_OFFSET);
    if ((st & enable_mask) != 0u) return st;
    // Level-sensitive line: wfi returns at once if it is already high, and
    // may return spuriously; the loop re-reads STATUS either way.
    __asm__ volatile("wfi" ::: "memory");
  }
}
