#include "tlm/noc/interconnect.hpp"

#include <algorithm>
#include <stdexcept>

namespace pnm::noc {

namespace A = regs::addr;

NocConfig load_noc_config(const ConfigReader& r) {
  NocConfig c;
  c.hop_latency_ps = r.duration_ps_or("hop_latency", c.hop_latency_ps, {0, 1e9});
  r.finish();
  return c;
}

Interconnect::Interconnect(sc_core::sc_module_name name, const NocConfig& cfg, unsigned channels)
    : sc_module(name),
      tgt_socket("tgt_socket"),
      cfg_(cfg),
      channels_(channels),
      hop_(sc_core::sc_time(static_cast<double>(cfg.hop_latency_ps), sc_core::SC_PS)) {
  for (std::size_t i = 0; i < kRegions; ++i) {
    const std::string_view n = A::REGIONS[i].name;
    if (n == "PNM_BCAST") bcast_ = i;
    if (n == "PNM") pnm_ = i;
    if (n == "LOGIC_MEM") mem_ = i;
  }
  if (bcast_ == kRegions || pnm_ == kRegions || mem_ == kRegions) {
    throw std::logic_error(std::string(this->name()) +
                           ": address map lacks PNM, PNM_BCAST or LOGIC_MEM");
  }
  if (channels_ < 1 || channels_ > A::REGIONS[pnm_].count) {
    throw std::invalid_argument(std::string(this->name()) + ": channels = " +
                                std::to_string(channels_) + " outside [1, " +
                                std::to_string(A::REGIONS[pnm_].count) + "]");
  }
  for (std::size_t i = 0; i < kRegions; ++i) route_of_[i].assign(instances(i), -1);
  tgt_socket.register_b_transport(this, &Interconnect::b_transport);
  tgt_socket.register_transport_dbg(this, &Interconnect::transport_dbg);
  tgt_socket.register_get_direct_mem_ptr(this, &Interconnect::get_direct_mem_ptr);
}

Interconnect::~Interconnect() = default;

unsigned Interconnect::instances(std::size_t region) const {
  return region == pnm_ ? channels_ : A::REGIONS[region].count;
}

void Interconnect::bind(std::string_view region, unsigned instance,
                        tlm::tlm_target_socket<>& target) {
  const std::string who = std::string(name()) + ".bind(" + std::string(region) + ", " +
                          std::to_string(instance) + ")";
  if (sc_core::sc_get_status() & (sc_core::SC_END_OF_ELABORATION | sc_core::SC_START_OF_SIMULATION |
                                  sc_core::SC_RUNNING | sc_core::SC_PAUSED | sc_core::SC_STOPPED |
                                  sc_core::SC_END_OF_SIMULATION)) {
    throw std::logic_error(who + ": too late, elaboration has ended");
  }
  std::size_t r = kRegions;
  for (std::size_t i = 0; i < kRegions; ++i) {
    if (region == A::REGIONS[i].name) r = i;
  }
  if (r == kRegions) throw std::invalid_argument(who + ": no such region in regs::addr::REGIONS");
  if (r == bcast_) {
    throw std::invalid_argument(who + ": PNM_BCAST has no target; bind the PNM instances");
  }
  if (instance >= instances(r)) {
    throw std::invalid_argument(who + ": instance outside [0, " + std::to_string(instances(r)) +
                                ")" + (r == pnm_ ? " (channels)" : ""));
  }
  if (route_of_[r][instance] >= 0) throw std::invalid_argument(who + ": already bound");
  const int id = static_cast<int>(routes_.size());
  auto rt = std::make_unique<Route>();
  rt->region = r;
  rt->instance = instance;
  const std::string sock_name = "init_" + std::string(region) + "_" + std::to_string(instance);
  {
    // Create the socket as a child of this module even when bind() is called
    // from the parent's constructor or from sc_main.
    sc_core::sc_simcontext* simc = sc_core::sc_get_curr_simcontext();
    simc->hierarchy_push(this);
    try {
      rt->socket = std::make_unique<InitSocket>(sock_name.c_str());
    } catch (...) {
      simc->hierarchy_pop();
      throw;
    }
    simc->hierarchy_pop();
  }
  rt->socket->register_invalidate_direct_mem_ptr(this, &Interconnect::invalidate_direct_mem_ptr,
                                                 id);
  rt->socket->bind(target);
  route_of_[r][instance] = id;
  routes_.push_back(std::move(rt));
}

bool Interconnect::is_bound(std::string_view region, unsigned instance) const {
  for (std::size_t i = 0; i < kRegions; ++i) {
    if (region == A::REGIONS[i].name) return instance < instances(i) && route_of_[i][instance] >= 0;
  }
  return false;
}

Interconnect::Route* Interconnect::route(std::size_t region, unsigned instance) const {
  if (region >= kRegions || instance >= route_of_[region].size()) return nullptr;
  const int id = route_of_[region][instance];
  return id < 0 ? nullptr : routes_[static_cast<std::size_t>(id)].get();
}

Interconnect::Decoded Interconnect::decode(uint64_t addr, uint64_t len) const {
  Decoded d;
  for (std::size_t i = 0; i < kRegions; ++i) {
    const A::Region& reg = A::REGIONS[i];
    if (addr < reg.base) continue;
    const uint64_t off = addr - reg.base;
    const uint64_t inst = off / reg.size;
    if (inst >= reg.count) continue;
    d.region = i;
    d.instance = static_cast<unsigned>(inst);
    d.local = off - inst * reg.size;
    // The whole access must stay in one window (len 0 counts as one byte) and,
    // for PNM, in a configured channel.
    const uint64_t n = std::max<uint64_t>(len, 1);
    d.ok = n <= reg.size - d.local && inst < instances(i);
    return d;
  }
  return d;
}

void Interconnect::count(std::size_t region, const tlm::tlm_generic_payload& p) {
  RegionStats& s = stats_[region];
  ++s.transactions;
  if (p.get_response_status() != tlm::TLM_OK_RESPONSE) return;
  if (p.is_read()) s.bytes_read += p.get_data_length();
  if (p.is_write()) s.bytes_written += p.get_data_length();
}

void Interconnect::b_transport(int, tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  const uint64_t addr = p.get_address();
  const Decoded d = decode(addr, p.get_data_length());
  if (d.ok && d.region == bcast_) {
    if (!p.is_write()) {
      p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      ++stats_[d.region].errors;
      return;
    }
    broadcast(p, d.local, delay);
    p.set_address(addr);
    count(d.region, p);
    if (p.get_response_status() == tlm::TLM_ADDRESS_ERROR_RESPONSE) ++stats_[d.region].errors;
    return;
  }
  Route* rt = d.ok ? route(d.region, d.instance) : nullptr;
  if (rt == nullptr) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    ++stats_[d.region].errors;
    return;
  }
  delay += hop_;
  p.set_address(d.local);
  (*rt->socket)->b_transport(p, delay);
  p.set_address(addr);
  count(d.region, p);
}

void Interconnect::broadcast(tlm::tlm_generic_payload& p, uint64_t local, sc_core::sc_time& delay) {
  // The hop comes first, as for a unicast: every copy reaches its TSV link
  // when the same write sent to one unit would.
  const sc_core::sc_time in = delay + hop_;
  sc_core::sc_time out = in;
  tlm::tlm_response_status status = tlm::TLM_OK_RESPONSE;
  bool any = false;
  for (unsigned c = 0; c < channels_; ++c) {
    Route* rt = route(pnm_, c);
    if (rt == nullptr) continue;
    any = true;
    sc_core::sc_time dc = in;
    p.set_address(local);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    (*rt->socket)->b_transport(p, dc);
    out = std::max(out, dc);
    if (status == tlm::TLM_OK_RESPONSE && p.get_response_status() != tlm::TLM_OK_RESPONSE) {
      status = p.get_response_status();
    }
  }
  p.set_dmi_allowed(false);
  if (!any) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  p.set_response_status(status);
  delay = out;
}

unsigned Interconnect::broadcast_dbg(tlm::tlm_generic_payload& p, uint64_t local) {
  unsigned least = p.get_data_length();
  tlm::tlm_response_status status = tlm::TLM_OK_RESPONSE;
  bool any = false;
  for (unsigned c = 0; c < channels_; ++c) {
    Route* rt = route(pnm_, c);
    if (rt == nullptr) continue;
    any = true;
    p.set_address(local);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    least = std::min(least, (*rt->socket)->transport_dbg(p));
    // Targets need not set a status on debug access; only a set error counts.
    const auto s = p.get_response_status();
    if (status == tlm::TLM_OK_RESPONSE && s != tlm::TLM_OK_RESPONSE &&
        s != tlm::TLM_INCOMPLETE_RESPONSE) {
      status = s;
    }
  }
  if (!any) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return 0;
  }
  p.set_response_status(status);
  return least;
}

unsigned Interconnect::transport_dbg(int, tlm::tlm_generic_payload& p) {
  const uint64_t addr = p.get_address();
  const Decoded d = decode(addr, p.get_data_length());
  if (d.ok && d.region == bcast_) {
    unsigned n = 0;
    if (p.is_write()) {
      n = broadcast_dbg(p, d.local);
    } else {
      p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    }
    p.set_address(addr);
    return n;
  }
  Route* rt = d.ok ? route(d.region, d.instance) : nullptr;
  if (rt == nullptr) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return 0;
  }
  p.set_address(d.local);
  const unsigned n = (*rt->socket)->transport_dbg(p);
  p.set_address(addr);
  return n;
}

bool Interconnect::get_direct_mem_ptr(int, tlm::tlm_generic_payload& p, tlm::tlm_dmi& dmi) {
  const uint64_t addr = p.get_address();
  const Decoded d = decode(addr, 1);
  Route* rt = d.ok && d.region == mem_ ? route(d.region, d.instance) : nullptr;
  if (rt == nullptr) return false;
  const A::Region& reg = A::REGIONS[d.region];
  const uint64_t base = reg.base + uint64_t{d.instance} * reg.size;
  p.set_address(d.local);
  const bool ok = (*rt->socket)->get_direct_mem_ptr(p, dmi);
  p.set_address(addr);
  // Whether granted or not, the DMI range is in the target's local offsets
  // (a refusal may describe the range it applies to): translate and clip.
  const uint64_t start = std::min<uint64_t>(dmi.get_start_address(), reg.size - 1);
  const uint64_t end = std::min<uint64_t>(dmi.get_end_address(), reg.size - 1);
  if (end < start) return false;
  // Keep the pointer pointing at the same byte when the start is clipped.
  if (ok && start != dmi.get_start_address()) return false;
  dmi.set_start_address(base + start);
  dmi.set_end_address(base + end);
  if (ok) {
    dmi.set_read_latency(dmi.get_read_latency() + hop_);
    dmi.set_write_latency(dmi.get_write_latency() + hop_);
  }
  return ok;
}

void Interconnect::invalidate_direct_mem_ptr(int route_id, sc_dt::uint64 start, sc_dt::uint64 end) {
  if (route_id < 0 || static_cast<std::size_t>(route_id) >= routes_.size()) return;
  const Route& rt = *routes_[static_cast<std::size_t>(route_id)];
  const A::Region& reg = A::REGIONS[rt.region];
  if (start >= reg.size) return;
  const uint64_t base = reg.base + uint64_t{rt.instance} * reg.size;
  const uint64_t last = std::min<uint64_t>(end, reg.size - 1);
  for (unsigned i = 0; i < tgt_socket.size(); ++i) {
    tgt_socket[static_cast<int>(i)]->invalidate_direct_mem_ptr(base + start, base + last);
  }
}

void Interconnect::report(Stats& s, const std::string& prefix) const {
  for (std::size_t i = 0; i <= kRegions; ++i) {
    const std::string n = prefix + "." + (i < kRegions ? A::REGIONS[i].name : "unmapped");
    const RegionStats& r = stats_[i];
    s.set(n + ".transactions", r.transactions, "transactions");
    s.set(n + ".bytes_read", r.bytes_read, "B");
    s.set(n + ".bytes_written", r.bytes_written, "B");
    s.set(n + ".errors", r.errors, "transactions", "answered TLM_ADDRESS_ERROR_RESPONSE here");
  }
}

}  // namespace pnm::noc
