#include "tlm/logic/tsv_link.hpp"

#include "tlm/common/sim_time.hpp"
#include "tlm/common/trace.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace pnm::logic {

TsvConfig load_tsv_config(const ConfigReader& r) {
  TsvConfig c;
  c.width_bits = static_cast<unsigned>(r.integer_or("width_bits", c.width_bits, {1, 1 << 20}));
  c.data_rate_mts = r.real_or("data_rate_mts", c.data_rate_mts, {1e-3, 1e6});
  c.latency_ps = r.duration_ps_or("latency", c.latency_ps, {0, 1e9});
  c.energy_pj_per_bit = r.real_or("energy_pj_per_bit", c.energy_pj_per_bit, {0, 1e3});
  r.finish();
  return c;
}

TsvLink::TsvLink(sc_core::sc_module_name name, const TsvConfig& cfg)
    : sc_module(name),
      down_tgt("down_tgt"),
      down_init("down_init"),
      up_tgt("up_tgt"),
      up_init("up_init"),
      cfg_(cfg),
      latency_(static_cast<double>(cfg.latency_ps), sc_core::SC_PS) {
  const std::string me = this->name();
  if (cfg_.width_bits == 0) throw std::invalid_argument(me + ": width_bits = 0");
  if (!(cfg_.data_rate_mts > 0)) throw std::invalid_argument(me + ": data_rate_mts must be > 0");
  if (!(cfg_.energy_pj_per_bit >= 0)) throw std::invalid_argument(me + ": energy_pj_per_bit < 0");
  for (int d : {kDown, kUp}) {
    in(d).register_b_transport(this, &TsvLink::b_transport, d);
    in(d).register_transport_dbg(this, &TsvLink::transport_dbg, d);
    in(d).register_get_direct_mem_ptr(this, &TsvLink::get_direct_mem_ptr, d);
    out(d).register_invalidate_direct_mem_ptr(this, &TsvLink::invalidate_direct_mem_ptr, d);
  }
}

tlm_utils::simple_initiator_socket_tagged<TsvLink>& TsvLink::out(int dir) {
  return dir == kDown ? down_init : up_init;
}
tlm_utils::simple_target_socket_tagged<TsvLink>& TsvLink::in(int dir) {
  return dir == kDown ? down_tgt : up_tgt;
}

uint64_t TsvLink::beats(uint64_t bytes) const {
  return (bytes * 8 + cfg_.width_bits - 1) / cfg_.width_bits;
}

sc_core::sc_time TsvLink::transfer_time(uint64_t bytes) const {
  return sc_core::sc_time(static_cast<double>(beats(bytes)) * 1e6 / cfg_.data_rate_mts,
                          sc_core::SC_PS);
}

sc_core::sc_time TsvLink::idle_delay(uint64_t bytes) const {
  return latency_ + transfer_time(bytes);
}

void TsvLink::inject_error(Dir dir, uint64_t after_transfers, uint64_t from_ps) {
  fault_[dir] = Fault{true, after_transfers, from_ps, 0};
}

void TsvLink::b_transport(int dir, tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  const uint64_t n = p.get_data_length();
  const sc_core::sc_time t = sc_core::sc_time_stamp() + delay;
  if (fault_[dir].on) {
    Fault& f = fault_[dir];
    if (f.seen++ >= f.after && to_ps(t) >= f.from_ps) {
      ++stats_[dir].injected_errors;
      delay += latency_;
      p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
      return;
    }
  }
  const sc_core::sc_time xfer = transfer_time(n);
  const sc_core::sc_time start =
      intervals_on_[dir] ? ps_time(reserve(dir, to_ps(t), to_ps(xfer))) : std::max(t, busy_until_[dir]);
  // The link's times are below kMaxSimPs, its latency and a transfer far
  // below it: past the bound, stop with an error rather than wrap.
  if (!check_sim_time(to_ps(start) + to_ps(latency_) + to_ps(xfer), name(), "TSV transfer")) {
    p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }
  busy_until_[dir] = start + xfer;
  delay += (start - t) + latency_ + xfer;
  TsvDirStats& s = stats_[dir];
  ++s.transactions;
  s.bytes += n;
  s.beats += beats(n);
  s.busy_ps += to_ps(xfer);
  s.wait_ps += to_ps(start - t);
  s.energy_pj += static_cast<double>(n) * 8.0 * cfg_.energy_pj_per_bit;
  if (auto* tr = trace::active()) {
    tr->complete("tsv", p.is_write() ? "write" : "read",
                 tr->track("tsv", std::string(name()) + (dir == kDown ? " down" : " up")),
                 to_ps(start), to_ps(xfer),
                 "{\"bytes\": " + std::to_string(n) + "}");
  }
  out(dir)->b_transport(p, delay);
}

uint64_t TsvLink::reserve(int dir, uint64_t t, uint64_t len) {
  return iv_[dir].reserve(t, len, now_ps());
}

bool TsvLink::carry(Dir dir, uint64_t bytes, uint64_t ready_ps, uint64_t& arrival_ps) {
  uint64_t first = 0;
  return carry_run(dir, 1, bytes, bytes, ready_ps, ready_ps, first, arrival_ps);
}

bool TsvLink::carry_run(Dir dir, uint64_t n, uint64_t bytes, uint64_t last_bytes, uint64_t first_ready_ps,
                        uint64_t last_ready_ps, uint64_t& first_arrival_ps, uint64_t& last_arrival_ps) {
  if (n == 0) return true;
  if (fault_[dir].on) {
    Fault& f = fault_[dir];
    if (f.seen + n > f.after && last_ready_ps >= f.from_ps) {
      f.seen += n;
      stats_[dir].injected_errors += n;
      return false;
    }
    f.seen += n;
  }
  const uint64_t x = to_ps(transfer_time(bytes)), x_last = to_ps(transfer_time(last_bytes));
  const uint64_t lat = to_ps(latency_);
  if (!intervals_on_[dir]) {
    intervals_on_[dir] = true;
    const uint64_t busy = to_ps(busy_until_[dir]);
    iv_[dir].book(0, busy, 0);
  }
  uint64_t s_first = 0, s_last = 0, wait = 0;
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t ready =
        n == 1 ? first_ready_ps
               : first_ready_ps + static_cast<uint64_t>(double(last_ready_ps - first_ready_ps) * double(i) / double(n - 1));
    const uint64_t len = i + 1 == n ? x_last : x;
    const uint64_t st = reserve(dir, ready, len);
    wait += st - ready;
    if (i == 0) s_first = st;
    s_last = st;
  }
  if (!check_sim_time(s_last + x_last + lat, name(), "TSV transfer")) return false;
  busy_until_[dir] = std::max(busy_until_[dir], ps_time(s_last + x_last));
  first_arrival_ps = s_first + (n == 1 ? x_last : x) + lat;
  last_arrival_ps = s_last + x_last + lat;
  const uint64_t total = (n - 1) * bytes + last_bytes;
  TsvDirStats& s = stats_[dir];
  s.transactions += n;
  s.bytes += total;
  s.beats += (n - 1) * beats(bytes) + beats(last_bytes);
  s.busy_ps += (n - 1) * x + x_last;
  s.wait_ps += wait;
  s.energy_pj += static_cast<double>(total) * 8.0 * cfg_.energy_pj_per_bit;
  if (auto* tr = trace::active()) {
    tr->complete("tsv", n == 1 ? "carry" : "carry x" + std::to_string(n),
                 tr->track("tsv", std::string(name()) + (dir == kDown ? " down" : " up")), s_first,
                 s_last + x_last - s_first, "{\"bytes\": " + std::to_string(total) + "}");
  }
  return true;
}

unsigned TsvLink::transport_dbg(int dir, tlm::tlm_generic_payload& p) {
  return out(dir)->transport_dbg(p);
}

bool TsvLink::get_direct_mem_ptr(int dir, tlm::tlm_generic_payload& p, tlm::tlm_dmi& dmi) {
  if (fault_[dir].on) return false;  // every access must go through b_transport to see the fault
  const bool ok = out(dir)->get_direct_mem_ptr(p, dmi);
  if (ok) {
    dmi.set_read_latency(dmi.get_read_latency() + latency_);
    dmi.set_write_latency(dmi.get_write_latency() + latency_);
  }
  return ok;
}

void TsvLink::invalidate_direct_mem_ptr(int dir, sc_dt::uint64 start, sc_dt::uint64 end) {
  in(dir)->invalidate_direct_mem_ptr(start, end);
}

void TsvLink::report(Stats& s, const std::string& prefix) const {
  for (int d : {kDown, kUp}) {
    const std::string n = prefix + (d == kDown ? ".down" : ".up");
    const TsvDirStats& st = stats_[d];
    s.set(n + ".transactions", st.transactions, "transactions");
    s.set(n + ".bytes", st.bytes, "B", "payload data bytes");
    s.set(n + ".beats", st.beats, "beats");
    s.set(n + ".busy_time", st.busy_ps, "ps", "sum of transfer times");
    s.set(n + ".wait_time", st.wait_ps, "ps", "time queued behind earlier transfers");
    s.set(n + ".energy", st.energy_pj, "pJ", "8 * bytes * energy_pj_per_bit");
    if (fault_[d].on) s.set(n + ".faults.injected_errors", st.injected_errors, "transactions");
  }
}

}  // namespace pnm::logic
