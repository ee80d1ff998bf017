// Interrupt controller: level lines to the control CPU (regmap block `irq`).
//
//   STATUS (RO)  current level of pnm_idle_i (bit 0), vu_idle_i (bit 1),
//                pnm_error_i (bit 2); read straight from the ports.
//   ENABLE (RW)  lines that wake the CPU; bits outside the three fields are
//                dropped.
//   irq_o = (STATUS & ENABLE) != 0, re-evaluated whenever an input or ENABLE
//   changes (an ENABLE write takes effect at the writer's local time, i.e.
//   sc_time_stamp() + the annotated delay, in the next delta cycle).
//
// Register accesses cost no time (the IRQ block has no config). Bad offsets:
// TLM_ADDRESS_ERROR_RESPONSE; writes to STATUS: TLM_COMMAND_ERROR_RESPONSE
// (RegisterBank). transport_dbg reads without side effects.
#pragma once

#include <cstdint>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "tlm/common/register_bank.hpp"

namespace pnm::logic {

class IrqController : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<IrqController> tgt_socket;
  sc_core::sc_in<bool> pnm_idle_i;
  sc_core::sc_in<bool> vu_idle_i;
  sc_core::sc_in<bool> pnm_error_i;
  sc_core::sc_out<bool> irq_o;

  explicit IrqController(sc_core::sc_module_name name);
  IrqController(const IrqController&) = delete;
  IrqController& operator=(const IrqController&) = delete;

  uint32_t status() const;   // levels as in STATUS
  uint32_t enable() const;   // ENABLE

 private:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& p);
  void update();

  RegisterBank regs_;
  sc_core::sc_event enable_changed_;
  sc_core::sc_time* delay_ = nullptr;
};

}  // namespace pnm::logic
