// Firmware hardware abstraction: the one seam between the decode program and
// the chip. C11. Every chip access of the firmware goes through these five
// functions; nothing else in firmware/ touches an address.
//
// Two implementations, one per build:
//
//  * hal_host.c  (host build, library pnmsim_firmware, linked into the
//    simulator): calls through a pnm_hal_host_ops_t table installed with
//    hal_host_install(). In pnmsim the control-CPU model (tlm/cpu/ControlCpu)
//    installs ops that turn each access into a TLM b_transport on its
//    init_socket (temporally decoupled) and wait_irq into a wait on its irq_i
//    pin. Unit tests install a plain C++ fake chip instead. Calling the HAL
//    with no ops installed prints a message and aborts.
//
//  * hal_rv32.c  (bare-metal RV32IM build, riscv64-unknown-elf-gcc -march=rv32im
//    -mabi=ilp32 with picolibc): volatile 32-bit MMIO pointers. Every chip
//    address the firmware dereferences -- VU, IRQ, PNM (unit c), PNM_BCAST --
//    lies below 4 GiB, so (uint32_t)addr is the CPU's physical address. The
//    firmware never dereferences LOGIC_MEM (0x10_0000_0000, above 4 GiB): it
//    only passes 64-bit LOGIC_MEM addresses as register values (VU SRC/DST,
//    PNM JOB_DST) via hal_write64. hal_read32/hal_write32 on an address >= 4 GiB
//    is a firmware bug; the RV32 HAL ignores the upper word.
//    hal_wait_irq sleeps with `wfi` in a polling loop on IRQ.STATUS.
//
// Accesses are 32-bit, naturally aligned, little-endian.
#ifndef PNM_HAL_H_
#define PNM_HAL_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// One 32-bit read / write of a chip register (or word of on-chip SRAM).
uint32_t hal_read32(uint64_t addr);
void hal_write32(uint64_t addr, uint32_t v);

// Writes a 64-bit value to a LO/HI register pair: low word to addr_lo_reg,
// then high word to addr_lo_reg + 4 (every *_LO register in regmap.yaml has
// its *_HI partner at +4).
void hal_write64(uint64_t addr_lo_reg, uint64_t v);

// Sets IRQ.ENABLE = enable_mask and waits until (IRQ.STATUS & enable_mask) != 0
// (WFI on the CPU). Returns at once when the condition already holds.
void hal_wait_irq(uint32_t enable_mask);

// Firmware state that belongs to one CPU (HAL_CPU_LOCAL_BYTES, 8-byte
// aligned). The host build runs several chips' CPUs in one process
// (tlm/chip/multichip.hpp), so a static array in the firmware would be shared
// between them: the ops' `local` buffer is the CPU's own (a single static
// buffer when the ops give none). RV32: a static buffer (one CPU per image).
#define HAL_CPU_LOCAL_BYTES 8192u
void* hal_cpu_local(void);

// As hal_wait_irq, and returns the IRQ.STATUS value that satisfied the wait
// (so the caller can tell PNM_IDLE from PNM_ERROR without another read).
uint32_t hal_wait_irq_status(uint32_t enable_mask);

// ---------------------------------------------------------------- host build
// Host-side operations behind the HAL (hal_host.c only). wait_irq must return
// when the CPU's interrupt line (STATUS & ENABLE != 0, as the IRQ block
// computes it) is high, or may return early (spurious wake-up): the HAL then
// re-reads IRQ.STATUS and waits again. read32/write32 may throw (C++) to abort
// the running program; the host library is built with -fexceptions so the
// exception unwinds through the C frames.
typedef struct {
  void* ctx;
  uint32_t (*read32)(void* ctx, uint64_t addr);
  void (*write32)(void* ctx, uint64_t addr, uint32_t v);
  void (*wait_irq)(void* ctx, uint32_t enable_mask);
  void* local;  // HAL_CPU_LOCAL_BYTES of this CPU's own, or NULL (hal_cpu_local)
} pnm_hal_host_ops_t;

#ifndef PNM_HAL_RV32
// Installs the ops (copied); NULL uninstalls.
void hal_host_install(const pnm_hal_host_ops_t* ops);
// The installed ops, or NULL when none.
const pnm_hal_host_ops_t* hal_host_ops(void);
#endif

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // PNM_HAL_H_
