// HAL, host build: every access goes through the installed ops table
// (hal.h). Built into pnmsim_firmware with -fexceptions.
#include "firmware/hal/hal.h"

#include <stdio.h>
#include <stdlib.h>

#include "firmware/hal/pnm_regs.h"

static pnm_hal_host_ops_t g_ops;
static int g_installed;

void hal_host_install(const pnm_hal_host_ops_t* ops) {
  if (ops == NULL) {
    g_installed = 0;
    return;
  }
  g_ops = *ops;
  g_installed = 1;
}

const pnm_hal_host_ops_t* hal_host_ops(void) { return g_installed ? &g_ops : NULL; }

void* hal_cpu_local(void) {
  static uint64_t shared[HAL_CPU_LOCAL_BYTES / 8u];
  return g_installed && g_ops.local != NULL ? g_ops.local : (void*)shared;
}

static void hal_require(const char* what, uint64_t addr) {
  if (!g_installed || g_ops.read32 == NULL || g_ops.write32 == NULL || g_ops.wait_irq == NULL) {
    fprintf(stderr,
            "pnmsim firmware HAL: %s of 0x%llx with no host ops installed "
            "(call hal_host_install first)\n",
            what, (unsigned long long)addr);
    abort();
  }
}

uint32_t hal_read32(uint64_t addr) {
  hal_require("read32", addr);
  return g_ops.read32(g_ops.ctx, addr);
}

void hal_write32(uint64_t addr, uint32_t v) {
  hal_require("write32", addr);
  g_ops.write32(g_ops.ctx, addr, v);
}

uint32_t hal_wait_irq_status(uint32_t enable_mask) {
  hal_write32(PNM_ADDR_IRQ_BASE + PNM_IRQ_ENABLE_OFFSET, enable_mask);
  for (;;) {
    // wait_irq synchronises the CPU's local time first, so the line seen
    // afterwards reflects every access made so far; STATUS then confirms.
    g_ops.wait_irq(g_ops.ctx, enable_mask);
    const uint32_t st = hal_read32(PNM_ADDR_IRQ_BASE + PNM_IRQ_STATUS_OFFSET);
    if ((st & enable_mask) != 0u) return st;
  }
}
