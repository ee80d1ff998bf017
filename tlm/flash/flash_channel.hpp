// A flash channel (dies x planes x blocks x pages behind one bus) as a
// TLM-2.0 target, and a device of several channels.
//
// ---------------------------------------------------------------------------
// Socket protocol (tgt_socket, base protocol, b_transport + transport_dbg)
// ---------------------------------------------------------------------------
// Address: byte address within this channel, [0, bytes_per_channel), decoded
//   lowest field first as column | plane | die | page | block
//   (pnm::flash::AddressMap; encode()/decode() convert PageAddr <-> address).
//
// Operation, from the TLM command and the optional FlashExtension::op:
//   READ,  op Auto/Read     page read. len <= page - column: one page (only
//                           len bytes cross the bus; tR is always paid);
//                           column 0 and len = N pages: N-plane read of
//                           planes p..p+N-1 of one die (p + N <= planes).
//   READ,  op CacheRead     the same through the cache register (sequential
//                           cache read: the next tR overlaps this transfer).
//   WRITE, op Auto/Program  page program, column 0, len = N pages (N planes).
//                           Programming a programmed page is refused
//                           (erase before program).
//   WRITE or IGNORE, op Erase  erase of the block holding the address, on
//                           FlashExtension::erase_planes planes; len ignored.
//   READ,  op ReadBatch     N single-page reads of consecutive pages in one
//                           call (the stream mode's fast path,
//                           ChannelModel::read_batch): column 0, len = (N-1)
//                           pages + 1..page bytes (within one die without
//                           independent_plane_reads). The pages
//                           issue evenly spaced from batch_issue_first_ps to
//                           batch_issue_last_ps (absolute; the annotated
//                           delay is ignored); the first completes at
//                           batch_done_first_ps, the last at done_ps (and the
//                           annotated delay); ext.pages says how many were
//                           booked (a prefix: issue the rest again). When
//                           the channel cannot book the batch without per-page modelling
//                           (faults, possible retries, unprogrammed pages) it
//                           does nothing and answers TLM_OK_RESPONSE with ext
//                           status Refused: issue the pages one by one.
//   IGNORE without extension: no operation, TLM_OK_RESPONSE.
//
// Timing: the request is issued at sc_time_stamp() + delay; on return, delay
//   is the completion time (data delivered and ECC-decoded, or array
//   operation done) minus sc_time_stamp(). The target never waits; it keeps
//   die/plane/bus "busy until" times (flash_channel_model.hpp), so an
//   initiator that wants dies and planes to overlap issues its next command
//   before the previous one completes (its own issue clock, e.g. a command
//   queue of depth Q) and syncs with a tlm_quantumkeeper. Requests should
//   reach the channel in non-decreasing issue-time order.
//
// Response status (always set):
//   TLM_OK_RESPONSE                ok (reads: corrected by ECC, maybe after retries)
//   TLM_GENERIC_ERROR_RESPONSE     uncorrectable read (data returned as stored,
//                                  ext status Uncorrectable), program of a
//                                  programmed page (NotErased), zero length
//                                  or null data (BadRequest)
//   TLM_ADDRESS_ERROR_RESPONSE     address or address+len outside the channel
//   TLM_BURST_ERROR_RESPONSE       multi-page access not page aligned or past
//                                  the last plane of a die; streaming width < len
//   TLM_BYTE_ENABLE_ERROR_RESPONSE byte enables (not supported)
//   TLM_COMMAND_ERROR_RESPONSE     extension op does not match the command
// The FlashExtension, when attached, receives status, per-page ECC status
// and the absolute array/completion times. A read whose extension has
// want_data = false is timed and counted as usual but leaves the data buffer
// untouched (timing-only initiators).
//
// transport_dbg: zero time, no wear, no stats. READ copies stored bytes
//   (any length, across pages; 0 bytes in timing_only mode). WRITE puts bytes
//   into the backing store only (a backdoor image load; page wear state is
//   untouched). Out of range: TLM_ADDRESS_ERROR_RESPONSE, returns 0.
// ---------------------------------------------------------------------------
#pragma once

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "tlm/common/stats.hpp"
#include "tlm/flash/flash_channel_model.hpp"
#include "tlm/flash/flash_config.hpp"
#include "tlm/flash/flash_extension.hpp"
#include "tlm/flash/flash_storage.hpp"

namespace pnm::flash {

class FlashChannel : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<FlashChannel> tgt_socket;

  FlashChannel(sc_core::sc_module_name name, const FlashConfig& cfg, uint32_t channel = 0);
  FlashChannel(const FlashChannel&) = delete;
  FlashChannel& operator=(const FlashChannel&) = delete;

  const FlashConfig& config() const { return model_.config(); }
  const AddressMap& address_map() const { return model_.address_map(); }
  ChannelModel& model() { return model_; }
  const ChannelModel& model() const { return model_; }
  const PageStore& store() const { return *store_; }
  void set_fault_hook(FaultHook hook) { model_.set_fault_hook(std::move(hook)); }

  /// Stats under `prefix` (e.g. "flash.ch0").
  void report(pnm::Stats& stats, const std::string& prefix) const;

 private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& gp);
  void reject(tlm::tlm_generic_payload& gp, FlashExtension* ext, tlm::tlm_response_status rs,
              FlashStatus fs);
  void read_batch(tlm::tlm_generic_payload& gp, FlashExtension& ext, sc_core::sc_time& delay);

  ChannelModel model_;
  std::unique_ptr<PageStore> store_;
  double ps_per_tick_;
  // Kernel ticks to ps; with a 1 ps resolution (the default) a tick is a
  // ps: no floating point.
  uint64_t ticks_to_ps(uint64_t ticks) const {
    return ps_per_tick_ == 1.0 ? ticks : static_cast<uint64_t>(std::llround(double(ticks) * ps_per_tick_));
  }
};

/// All channels of one flash device (e.g. one HBF stack): one target socket
/// per channel, `channel(i).tgt_socket`.
class FlashDevice : public sc_core::sc_module {
 public:
  FlashDevice(sc_core::sc_module_name name, const FlashConfig& cfg);
  FlashDevice(const FlashDevice&) = delete;
  FlashDevice& operator=(const FlashDevice&) = delete;

  uint32_t channels() const { return uint32_t(channels_.size()); }
  FlashChannel& channel(uint32_t i) { return *channels_.at(i); }
  const FlashChannel& channel(uint32_t i) const { return *channels_.at(i); }
  const FlashConfig& config() const { return cfg_; }

  /// Per channel under `prefix.chN`, and sums under `prefix.total`.
  void report(pnm::Stats& stats, const std::string& prefix) const;

 private:
  FlashConfig cfg_;
  std::vector<std::unique_ptr<FlashChannel>> channels_;
};

}  // namespace pnm::flash
