// TLM extension of the flash channel: selects the operation (cache read,
// erase) and returns per-read status (corrected bits, retries, uncorrectable).
// Optional: a plain READ/WRITE without it is a page read/program.
//
// Initiator sketch (the PNM unit's flash controller):
//   tlm::tlm_generic_payload gp;  pnm::flash::FlashExtension ext;
//   pnm::flash::prepare_read(gp, ext, map.encode(addr), buf, n_planes * page, /*cache=*/true);
//   socket->b_transport(gp, delay);   // delay: issue time in, completion time out
//   if (ext.status == FlashStatus::Uncorrectable) ...; ext.page_status[i].retries ...
//   gp.clear_extension(&ext);        // ext is owned by the caller
#pragma once

#include <cstdint>
#include <vector>

#include <tlm>

#include "tlm/flash/flash_types.hpp"

namespace pnm::flash {

class FlashExtension : public tlm::tlm_extension<FlashExtension> {
 public:
  // ---- request (set by the initiator) ----
  FlashOp op = FlashOp::Auto;
  uint32_t erase_planes = 1;          ///< Erase only: consecutive planes (multi-plane erase)
  /// Reads only: false = the initiator wants timing and status, not the
  /// bytes (a timing-only PNM unit). The channel then leaves the data buffer
  /// untouched instead of producing the page contents: with synthetic
  /// storage that is ~4 KiB of hashing per page, which dominated a timing-
  /// only decode (82 % of its wall time). Timing never depends on the data.
  bool want_data = true;
  /// ReadBatch only: absolute issue times (ps) of the first and the last
  /// page; the pages in between issue evenly spaced.
  uint64_t batch_issue_first_ps = 0, batch_issue_last_ps = 0;

  // ---- response (set by the target on every transaction carrying it) ----
  FlashStatus status = FlashStatus::Ok;
  uint32_t pages = 0;                 ///< pages (planes) covered
  uint32_t retries = 0;               ///< max read-retry steps over the pages
  uint32_t corrected_bits = 0;        ///< sum over the pages
  uint32_t uncorrectable_pages = 0;
  uint64_t array_start_ps = 0;        ///< absolute simulated time, first attempt
  uint64_t array_end_ps = 0;
  uint64_t done_ps = 0;               ///< absolute completion time
  std::vector<PageStatus> page_status;  ///< one per plane (reads); capacity reused
  uint64_t batch_done_first_ps = 0;     ///< ReadBatch: completion of the first page
                                        ///< (done_ps: of the last)

  void clear_response() {
    status = FlashStatus::Ok;
    pages = retries = corrected_bits = uncorrectable_pages = 0;
    array_start_ps = array_end_ps = done_ps = 0;
    page_status.clear();
    batch_done_first_ps = 0;
  }

  tlm::tlm_extension_base* clone() const override { return new FlashExtension(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const FlashExtension&>(other);
  }
};

/// Fills `gp` for a page read (multi-plane when len spans several pages) and
/// attaches `ext` (owned by the caller; remove with gp.clear_extension(&ext)).
inline void prepare_read(tlm::tlm_generic_payload& gp, FlashExtension& ext, uint64_t addr,
                         uint8_t* data, uint32_t len, bool cache = false) {
  gp.set_command(tlm::TLM_READ_COMMAND);
  gp.set_address(addr);
  gp.set_data_ptr(data);
  gp.set_data_length(len);
  gp.set_streaming_width(len);
  gp.set_byte_enable_ptr(nullptr);
  gp.set_dmi_allowed(false);
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  ext.op = cache ? FlashOp::CacheRead : FlashOp::Read;
  ext.want_data = true;
  if (!gp.get_extension<FlashExtension>()) gp.set_extension(&ext);
}

inline void prepare_program(tlm::tlm_generic_payload& gp, FlashExtension& ext, uint64_t addr,
                            uint8_t* data, uint32_t len) {
  prepare_read(gp, ext, addr, data, len);
  gp.set_command(tlm::TLM_WRITE_COMMAND);
  ext.op = FlashOp::Program;
}

/// Erase of the block holding `addr`, on `planes` consecutive planes from
/// the decoded plane (multi-plane erase). No data phase: length 0.
inline void prepare_erase(tlm::tlm_generic_payload& gp, FlashExtension& ext, uint64_t addr,
                          uint32_t planes = 1) {
  prepare_read(gp, ext, addr, nullptr, 0);
  gp.set_command(tlm::TLM_IGNORE_COMMAND);
  ext.op = FlashOp::Erase;
  ext.erase_planes = planes;
}

}  // namespace pnm::flash
