#include "tlm/flash/flash_channel.hpp"

#include <algorithm>
#include <cmath>

#include "tlm/common/sim_time.hpp"

namespace pnm::flash {

FlashChannel::FlashChannel(sc_core::sc_module_name name, const FlashConfig& cfg, uint32_t channel)
    : sc_module(name),
      tgt_socket("tgt_socket"),
      model_(cfg, channel),
      store_(make_page_store(cfg.storage_mode, cfg.page_size_bytes, cfg.seed, channel,
                             cfg.pages_per_block)),
      ps_per_tick_(sc_core::sc_get_time_resolution() / sc_core::sc_time(1, sc_core::SC_PS)) {
  tgt_socket.register_b_transport(this, &FlashChannel::b_transport);
  tgt_socket.register_transport_dbg(this, &FlashChannel::transport_dbg);
}

void FlashChannel::reject(tlm::tlm_generic_payload& gp, FlashExtension* ext,
                          tlm::tlm_response_status rs, FlashStatus fs) {
  model_.count_rejected(fs);
  if (ext) ext->status = fs;
  gp.set_response_status(rs);
}

void FlashChannel::b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  FlashExtension* ext = gp.get_extension<FlashExtension>();
  if (ext) ext->clear_response();
  const tlm::tlm_command cmd = gp.get_command();
  FlashOp op = ext ? ext->op : FlashOp::Auto;
  if (op == FlashOp::ReadBatch) return read_batch(gp, *ext, delay);
  if (op == FlashOp::Auto) {
    if (cmd == tlm::TLM_IGNORE_COMMAND) {
      gp.set_response_status(tlm::TLM_OK_RESPONSE);
      return;
    }
    op = cmd == tlm::TLM_READ_COMMAND ? FlashOp::Read : FlashOp::Program;
  }
  const bool is_read = op == FlashOp::Read || op == FlashOp::CacheRead;
  const bool cmd_ok = is_read ? cmd == tlm::TLM_READ_COMMAND
                      : op == FlashOp::Program ? cmd == tlm::TLM_WRITE_COMMAND
                                               : cmd != tlm::TLM_READ_COMMAND;
  if (!cmd_ok) return reject(gp, ext, tlm::TLM_COMMAND_ERROR_RESPONSE, FlashStatus::BadRequest);
  if (gp.get_byte_enable_ptr())
    return reject(gp, ext, tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE, FlashStatus::BadRequest);

  const FlashConfig& c = config();
  const AddressMap& map = address_map();
  const uint64_t addr = gp.get_address();
  const uint32_t len = gp.get_data_length();
  if (op != FlashOp::Erase) {
    if (gp.get_streaming_width() < len)
      return reject(gp, ext, tlm::TLM_BURST_ERROR_RESPONSE, FlashStatus::BadRequest);
    if (!map.contains(addr, std::max<uint64_t>(len, 1)))
      return reject(gp, ext, tlm::TLM_ADDRESS_ERROR_RESPONSE, FlashStatus::AddressError);
    if (len == 0 || !gp.get_data_ptr())
      return reject(gp, ext, tlm::TLM_GENERIC_ERROR_RESPONSE, FlashStatus::BadRequest);
  } else if (!map.contains(addr, 1)) {
    return reject(gp, ext, tlm::TLM_ADDRESS_ERROR_RESPONSE, FlashStatus::AddressError);
  }

  OpRequest req;
  req.op = op;
  req.addr = map.decode(addr);
  const uint32_t page = c.page_size_bytes;
  if (op == FlashOp::Erase) {
    req.planes = ext ? ext->erase_planes : 1;
  } else if (is_read && len <= page - req.addr.column) {
    req.planes = 1;
    req.bytes = len;
  } else if (req.addr.column == 0 && len % page == 0) {
    req.planes = len / page;
    req.bytes = page;
  } else {
    return reject(gp, ext, tlm::TLM_BURST_ERROR_RESPONSE, FlashStatus::BadRequest);
  }
  if (req.planes == 0 || req.planes > c.planes_per_die - req.addr.plane)
    return reject(gp, ext, tlm::TLM_BURST_ERROR_RESPONSE, FlashStatus::BadRequest);

  const uint64_t now_ps = ticks_to_ps(sc_core::sc_time_stamp().value());
  req.issue_ps = now_ps + ticks_to_ps(delay.value());

  PageStatus* st = nullptr;
  if (ext && is_read) {
    // Cleared by clear_response; emplace_back into the kept capacity stays
    // inline, where resize() is an out-of-line call on every read.
    for (uint32_t i = 0; i < req.planes; ++i) ext->page_status.emplace_back();
    st = ext->page_status.data();
  }
  OpResult res = model_.execute_valid(req, st);  // checked above, as execute() would
  // Every input time is below kMaxSimPs and every op's own time far below it,
  // so the sum has not wrapped: past the bound, stop with an error, not a
  // time that later sums would wrap.
  const char* what = is_read ? "flash read" : op == FlashOp::Program ? "flash program" : "flash erase";
  if (!check_sim_time(res.done_ps, name(), what)) {
    res.status = FlashStatus::BadRequest;
    res.done_ps = req.issue_ps;
  }

  // Data path (skipped for a read whose initiator wants no data).
  const bool data_path = !(is_read && ext && !ext->want_data);
  if (data_path && (res.status == FlashStatus::Ok || res.status == FlashStatus::Uncorrectable)) {
    PageAddr pa = req.addr;
    for (uint32_t i = 0; i < req.planes; ++i, ++pa.plane) {
      if (is_read)
        store_->read(map.ppn(pa), pa.column, gp.get_data_ptr() + uint64_t(i) * page, req.bytes);
      else if (op == FlashOp::Program)
        store_->write(map.ppn(pa), 0, gp.get_data_ptr() + uint64_t(i) * page, page);
      else {
        PageAddr first = pa;
        first.page = 0;
        store_->erase(map.ppn(first), c.pages_per_block);
      }
    }
  }

  if (ext) {
    ext->status = res.status;
    ext->pages = req.planes;
    ext->retries = res.retries;
    ext->corrected_bits = res.corrected_bits;
    ext->uncorrectable_pages = res.uncorrectable_pages;
    ext->array_start_ps = res.array_start_ps;
    ext->array_end_ps = res.array_end_ps;
    ext->done_ps = res.done_ps;
  }
  switch (res.status) {
    case FlashStatus::Ok: gp.set_response_status(tlm::TLM_OK_RESPONSE); break;
    case FlashStatus::AddressError: gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE); break;
    default: gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE); break;
  }
  delay = ps_time(res.done_ps - now_ps);
}

void FlashChannel::read_batch(tlm::tlm_generic_payload& gp, FlashExtension& ext,
                              sc_core::sc_time& delay) {
  const FlashConfig& c = config();
  const AddressMap& map = address_map();
  const uint64_t addr = gp.get_address();
  const uint32_t len = gp.get_data_length();
  const uint32_t page = c.page_size_bytes;
  if (gp.get_command() != tlm::TLM_READ_COMMAND)
    return reject(gp, &ext, tlm::TLM_COMMAND_ERROR_RESPONSE, FlashStatus::BadRequest);
  if (gp.get_byte_enable_ptr() || gp.get_streaming_width() < len)
    return reject(gp, &ext, tlm::TLM_BURST_ERROR_RESPONSE, FlashStatus::BadRequest);
  if (!map.contains(addr, std::max<uint64_t>(len, 1)))
    return reject(gp, &ext, tlm::TLM_ADDRESS_ERROR_RESPONSE, FlashStatus::AddressError);
  if (len == 0 || !gp.get_data_ptr() || addr % page != 0 ||
      ext.batch_issue_last_ps < ext.batch_issue_first_ps)
    return reject(gp, &ext, tlm::TLM_BURST_ERROR_RESPONSE, FlashStatus::BadRequest);
  const uint32_t n = (len + page - 1) / page;
  const uint32_t last_bytes = len - (n - 1) * page;
  ChannelModel::Batch b;
  b.issue_first = ext.batch_issue_first_ps;
  b.issue_last = ext.batch_issue_last_ps;
  if (!model_.read_batch(map.decode(addr), n, last_bytes, b)) {
    ext.status = FlashStatus::Refused;
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  // As for one operation (b_transport): no completion past the largest
  // simulated time; the overflow is recorded and the simulation stops.
  if (!check_sim_time(b.done_last, name(), "flash batch read")) {
    ext.status = FlashStatus::Refused;
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  if (ext.want_data) {
    for (uint32_t i = 0; i < b.booked; ++i) {
      const PageAddr pa = map.decode(addr + uint64_t(i) * page);
      store_->read(map.ppn(pa), 0, gp.get_data_ptr() + uint64_t(i) * page, i + 1 == n ? last_bytes : page);  // booked < n: full pages
    }
  }
  ext.status = FlashStatus::Ok;
  ext.pages = b.booked;
  ext.batch_done_first_ps = b.done_first;
  ext.done_ps = b.done_last;
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
  const uint64_t now_ps = ticks_to_ps(sc_core::sc_time_stamp().value());
  delay = ps_time(b.done_last - std::min(b.done_last, now_ps));
}

unsigned int FlashChannel::transport_dbg(tlm::tlm_generic_payload& gp) {
  const AddressMap& map = address_map();
  const uint64_t addr = gp.get_address();
  const uint32_t len = gp.get_data_length();
  if (!map.contains(addr, len) || (len && !gp.get_data_ptr())) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return 0;
  }
  const tlm::tlm_command cmd = gp.get_command();
  if (cmd == tlm::TLM_IGNORE_COMMAND) {
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
    return 0;
  }
  const uint32_t page = config().page_size_bytes;
  uint32_t done = 0;
  while (done < len) {
    const PageAddr pa = map.decode(addr + done);
    const uint32_t n = std::min(len - done, page - pa.column);
    if (cmd == tlm::TLM_READ_COMMAND) {
      if (!store_->read(map.ppn(pa), pa.column, gp.get_data_ptr() + done, n)) break;
    } else {
      store_->write(map.ppn(pa), pa.column, gp.get_data_ptr() + done, n);
    }
    done += n;
  }
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
  return done;
}

void FlashChannel::report(pnm::Stats& s, const std::string& prefix) const {
  model_.report(s, prefix);
  s.set(prefix + ".storage.bytes_held", store_->bytes_held(), "B", store_->name());
}

FlashDevice::FlashDevice(sc_core::sc_module_name name, const FlashConfig& cfg)
    : sc_module(name), cfg_(cfg) {
  for (uint32_t i = 0; i < cfg.channels; ++i)
    channels_.push_back(std::make_unique<FlashChannel>(("ch" + std::to_string(i)).c_str(), cfg, i));
}

void FlashDevice::report(pnm::Stats& s, const std::string& prefix) const {
  pnm::Stats per;
  for (uint32_t i = 0; i < channels(); ++i) channels_[i]->report(per, prefix + ".ch" + std::to_string(i));
  // Totals: sums of additive stats; max of maxima; bandwidth from totals.
  uint64_t last_done_ps = 0, read_bytes = 0;
  for (const auto& [name, e] : per.entries()) {
    s.set(name, e.value, e.unit, e.desc);
    const size_t dot = name.find('.', prefix.size() + 1);
    const std::string leaf = name.substr(dot + 1);
    if (leaf == "read.bandwidth" || leaf == "read.latency_avg") continue;
    const std::string total = prefix + ".total." + leaf;
    if (leaf.find("max") != std::string::npos || leaf == "time.last_done") {
      const double v = per.value(name);
      if (!s.has(total) || s.value(total) < v) s.set(total, e.value, e.unit, e.desc);
    } else {
      s.add(total, e.value, e.unit, e.desc);
    }
  }
  for (uint32_t i = 0; i < channels(); ++i) {
    const auto& n = channels_[i]->model().counters();
    last_done_ps = std::max(last_done_ps, n.last_done_ps);
    read_bytes += n.read_bytes;
  }
  s.set(prefix + ".total.read.bandwidth",
        last_done_ps ? double(read_bytes) / (double(last_done_ps) * 1e-12) / 1e9 : 0.0, "GB/s",
        "read bytes / last completion time, all channels");
}

}  // namespace pnm::flash
