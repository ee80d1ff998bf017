#include "tlm/chip/tsv_weight_path.hpp"

#include <algorithm>

#include "tlm/common/sim_time.hpp"
#include "tlm/flash/flash_extension.hpp"

namespace pnm::chip {

TsvWeightPath::TsvWeightPath(sc_core::sc_module_name name, logic::TsvLink& link, uint32_t page_bytes)
    : sc_module(name), tgt_socket("tgt_socket"), init_socket("init_socket"), link_(link), page_(page_bytes) {
  tgt_socket.register_b_transport(this, &TsvWeightPath::b_transport);
  tgt_socket.register_transport_dbg(this, &TsvWeightPath::transport_dbg);
}

void TsvWeightPath::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  if (auto* e = p.get_extension<flash::FlashExtension>();
      e && e->op == flash::FlashOp::ReadBatch && link_.has_fault(logic::TsvLink::kUp)) {
    // A faulty link is met page by page (each read sees its error response).
    e->clear_response();
    e->status = flash::FlashStatus::Refused;
    p.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  init_socket->b_transport(p, delay);
  if (!p.is_read() || !p.is_response_ok() || p.get_data_length() == 0) return;
  auto* ext = p.get_extension<flash::FlashExtension>();
  const uint64_t now = now_ps();
  const uint64_t len = p.get_data_length();
  uint64_t arrival = 0;
  bool ok = true;
  if (ext && ext->op == flash::FlashOp::ReadBatch) {
    if (ext->status != flash::FlashStatus::Ok || ext->pages == 0) return;  // refused: nothing read
    const uint64_t n = ext->pages;
    // A booked prefix ends on a whole page; the whole batch may end short.
    const uint64_t last = n * page_ <= len ? page_ : len - (n - 1) * page_;
    uint64_t first = 0;
    ok = link_.carry_run(logic::TsvLink::kUp, n, page_, last, ext->batch_done_first_ps, ext->done_ps, first, arrival);
    if (ok) {
      ext->batch_done_first_ps = first;
      pages_ += n;
    }
  } else {
    const uint64_t done = std::max(now + to_ps(delay), ext ? ext->done_ps : 0);
    ok = link_.carry(logic::TsvLink::kUp, len, done, arrival);
    if (ok) pages_ += (len + page_ - 1) / page_;
  }
  if (!ok) {
    p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }
  if (ext) ext->done_ps = arrival;
  delay = ps_time(arrival - std::min(arrival, now));
}

unsigned TsvWeightPath::transport_dbg(tlm::tlm_generic_payload& p) { return init_socket->transport_dbg(p); }

}  // namespace pnm::chip
