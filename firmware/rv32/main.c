// RV32 build: the firmware's main loop. picolibc's crt0 sets up the stack,
// copies .data and clears .bss, then calls main. Memory: code at 0x8000_0000,
// RAM at 0x8001_0000 (CPU-private, outside the chip address map; see
// firmware/CMakeLists.txt).
#include "firmware/decode/decode.h"
#include "firmware/rv32/mailbox.h"

fw_mailbox_t fw_mailbox;

int main(void) {
  for (;;) {
    while (fw_mailbox.cmd != FW_MB_CMD_STEP) __asm__ volatile("wfi" ::: "memory");
    const uint32_t next = fw_decode_step(fw_mailbox.desc, fw_mailbox.layers, fw_mailbox.token,
                                         fw_mailbox.pos);
    fw_mailbox.result = next;
    fw_mailbox.error = (uint32_t)fw_last_error();
    fw_mailbox.steps_done = fw_mailbox.steps_done + 1u;
    __asm__ volatile("fence" ::: "memory");
    fw_mailbox.cmd = FW_MB_CMD_IDLE;
  }
}
