// Small TLM modules for the interconnect and logic-die tests: a thread that
// runs a test body (with DMI-invalidate capture), and a recording target with
// sparse byte storage, a fixed delay, an optional forced status and DMI.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

namespace pnm::test {

/// Runs `body` in an SC_THREAD; records invalidate_direct_mem_ptr calls.
struct Runner : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Runner> socket;
  std::function<void(Runner&)> body;
  std::vector<std::pair<uint64_t, uint64_t>> invalidations;
  bool done = false;
  SC_HAS_PROCESS(Runner);
  Runner(sc_core::sc_module_name n, std::function<void(Runner&)> b)
      : sc_module(n), socket("socket"), body(std::move(b)) {
    socket.register_invalidate_direct_mem_ptr(this, &Runner::invalidate);
    SC_THREAD(run);
  }
  void run() {
    body(*this);
    done = true;
  }
  void invalidate(sc_dt::uint64 s, sc_dt::uint64 e) { invalidations.emplace_back(s, e); }

  // One blocking access with an explicit incoming delay; returns the status
  // and leaves the outgoing delay in `delay`.
  tlm::tlm_response_status access(tlm::tlm_command cmd, uint64_t addr, void* data, unsigned len,
                                  sc_core::sc_time& delay) {
    tlm::tlm_generic_payload p;
    p.set_command(cmd);
    p.set_address(addr);
    p.set_data_ptr(static_cast<unsigned char*>(data));
    p.set_data_length(len);
    p.set_streaming_width(len);
    p.set_byte_enable_ptr(nullptr);
    p.set_dmi_allowed(false);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    socket->b_transport(p, delay);
    last_dmi_allowed = p.is_dmi_allowed();
    last_address = p.get_address();
    return p.get_response_status();
  }
  tlm::tlm_response_status write(uint64_t addr, const void* data, unsigned len, sc_core::sc_time& d) {
    return access(tlm::TLM_WRITE_COMMAND, addr, const_cast<void*>(data), len, d);
  }
  tlm::tlm_response_status read(uint64_t addr, void* data, unsigned len, sc_core::sc_time& d) {
    return access(tlm::TLM_READ_COMMAND, addr, data, len, d);
  }
  tlm::tlm_response_status write32(uint64_t addr, uint32_t v) {
    sc_core::sc_time d = sc_core::SC_ZERO_TIME;
    return write(addr, &v, 4, d);
  }
  uint32_t read32(uint64_t addr, tlm::tlm_response_status* st = nullptr) {
    uint32_t v = 0;
    sc_core::sc_time d = sc_core::SC_ZERO_TIME;
    const auto s = read(addr, &v, 4, d);
    if (st) *st = s;
    return v;
  }
  unsigned debug(tlm::tlm_command cmd, uint64_t addr, void* data, unsigned len,
                 tlm::tlm_response_status* st = nullptr) {
    tlm::tlm_generic_payload p;
    p.set_command(cmd);
    p.set_address(addr);
    p.set_data_ptr(static_cast<unsigned char*>(data));
    p.set_data_length(len);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    const unsigned n = socket->transport_dbg(p);
    if (st) *st = p.get_response_status();
    return n;
  }
  bool dmi(uint64_t addr, tlm::tlm_dmi& d) {
    tlm::tlm_generic_payload p;
    p.set_command(tlm::TLM_READ_COMMAND);
    p.set_address(addr);
    return socket->get_direct_mem_ptr(p, d);
  }
  bool last_dmi_allowed = false;
  uint64_t last_address = 0;
};

/// A target that records every access (local address, command, length),
/// stores bytes sparsely, adds `delay_ps`, and answers `status` (OK unless
/// set). With `dmi_bytes` > 0 it grants DMI over [0, dmi_bytes) of a buffer.
struct RecordingTarget : sc_core::sc_module {
  struct Access {
    tlm::tlm_command cmd;
    uint64_t addr;
    unsigned len;
    bool debug;
  };
  tlm_utils::simple_target_socket<RecordingTarget> socket;
  std::vector<Access> log;
  std::map<uint64_t, unsigned char> mem;
  uint64_t delay_ps = 0;
  tlm::tlm_response_status status = tlm::TLM_OK_RESPONSE;
  std::vector<unsigned char> dmi_buf;

  RecordingTarget(sc_core::sc_module_name n, uint64_t delay = 0, uint64_t dmi_bytes = 0)
      : sc_module(n), socket("socket"), delay_ps(delay), dmi_buf(dmi_bytes, 0) {
    socket.register_b_transport(this, &RecordingTarget::b_transport);
    socket.register_transport_dbg(this, &RecordingTarget::transport_dbg);
    socket.register_get_direct_mem_ptr(this, &RecordingTarget::get_dmi);
  }
  void copy(tlm::tlm_generic_payload& p) {
    for (unsigned i = 0; i < p.get_data_length(); ++i) {
      const uint64_t a = p.get_address() + i;
      if (a < dmi_buf.size()) {
        if (p.is_write()) dmi_buf[a] = p.get_data_ptr()[i];
        if (p.is_read()) p.get_data_ptr()[i] = dmi_buf[a];
        continue;
      }
      if (p.is_write()) mem[a] = p.get_data_ptr()[i];
      if (p.is_read()) p.get_data_ptr()[i] = mem.count(a) ? mem[a] : 0;
    }
  }
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& d) {
    log.push_back({p.get_command(), p.get_address(), p.get_data_length(), false});
    d += sc_core::sc_time(double(delay_ps), sc_core::SC_PS);
    if (status == tlm::TLM_OK_RESPONSE) copy(p);
    p.set_response_status(status);
  }
  unsigned transport_dbg(tlm::tlm_generic_payload& p) {
    log.push_back({p.get_command(), p.get_address(), p.get_data_length(), true});
    copy(p);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
    return p.get_data_length();
  }
  bool get_dmi(tlm::tlm_generic_payload& p, tlm::tlm_dmi& d) {
    if (dmi_buf.empty() || p.get_address() >= dmi_buf.size()) return false;
    d.set_dmi_ptr(dmi_buf.data());
    d.set_start_address(0);
    d.set_end_address(dmi_buf.size() - 1);
    d.allow_read_write();
    d.set_read_latency(sc_core::sc_time(double(delay_ps), sc_core::SC_PS));
    d.set_write_latency(sc_core::sc_time(double(delay_ps), sc_core::SC_PS));
    return true;
  }
  unsigned char byte(uint64_t a) {
    if (a < dmi_buf.size()) return dmi_buf[a];
    return mem.count(a) ? mem[a] : 0;
  }
  uint32_t word(uint64_t a) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t(byte(a + i)) << (8 * i);
    return v;
  }
};

// Exact for whole picoseconds (time resolution 1 ps).
inline double ps(const sc_core::sc_time& t) { return t / sc_core::sc_time(1, sc_core::SC_PS); }

}  // namespace pnm::test
