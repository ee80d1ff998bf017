// RV32 build: the mailbox through which whoever runs the ELF (an
// instruction-set simulator, later) drives the decode program. It sits in the
// CPU's private RAM at the ELF symbol `fw_mailbox`, as do the descriptor
// copies it points to (the firmware cannot read logic memory, hal.h).
//
// Protocol: fill desc, layers, token, pos; then write cmd = FW_MB_CMD_STEP
// (and raise any wake-up event). The firmware runs fw_decode_step, writes
// result (next token or FW_DECODE_ERROR) and error (fw_error_t), increments
// steps_done, and writes cmd = FW_MB_CMD_IDLE last.
#ifndef PNM_FW_MAILBOX_H_
#define PNM_FW_MAILBOX_H_

#include <stdint.h>

#include "firmware/decode/model_desc.h"

#define FW_MB_CMD_IDLE 0u
#define FW_MB_CMD_STEP 1u

typedef struct {
  volatile uint32_t cmd;
  volatile uint32_t token;
  volatile uint32_t pos;
  volatile uint32_t result;
  volatile uint32_t error;
  volatile uint32_t steps_done;
  const pnm_model_desc_t* volatile desc;
  const pnm_layer_desc_t* volatile layers;
} fw_mailbox_t;

extern fw_mailbox_t fw_mailbox;

#endif  // PNM_FW_MAILBOX_H_
