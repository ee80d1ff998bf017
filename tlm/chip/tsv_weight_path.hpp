// Placement logic_die (tlm/chip/CHIP.md, "Placement"): the weight path from a
// flash channel up the channel's TSV link to the engines on the logic die.
// It sits between the PNM unit's flash_socket and the flash channel's
// tgt_socket and forwards every transaction unchanged; a read the channel
// delivered (response OK) then crosses TSV link c in the up direction, page
// by page, after the channel's completion (TsvLink::carry, with its busy
// time, latency, stats and energy; shared with the unit's result
// write-back, which crosses the same direction). The completion it returns
// (FlashExtension done_ps, the annotated delay) is the arrival on the logic
// die. A stream-mode ReadBatch crosses as a fluid run of its booked pages
// (TsvLink::carry_run: exact for the batch's evenly spaced completions); a
// refused batch crosses nothing (the unit reads those pages one by one).
// Under an injected tsv_error fault in the up direction a batch is refused
// (nothing booked) and a page read answers TLM_GENERIC_ERROR_RESPONSE once
// the fault fires (the unit's flash error). transport_dbg passes
// through (no time).
#pragma once

#include <cstdint>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "tlm/logic/tsv_link.hpp"

namespace pnm::chip {

class TsvWeightPath : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<TsvWeightPath> tgt_socket;      // from PnmUnit::flash_socket
  tlm_utils::simple_initiator_socket<TsvWeightPath> init_socket;  // to FlashChannel::tgt_socket

  TsvWeightPath(sc_core::sc_module_name name, logic::TsvLink& link, uint32_t page_bytes);
  TsvWeightPath(const TsvWeightPath&) = delete;
  TsvWeightPath& operator=(const TsvWeightPath&) = delete;

  uint64_t pages_carried() const { return pages_; }

 private:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& p);

  logic::TsvLink& link_;
  uint32_t page_;
  uint64_t pages_ = 0;
};

}  // namespace pnm::chip
