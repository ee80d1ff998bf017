// A minimal TLM-2.0 initiator for testbenches: blocking reads and writes on
// one socket, with the annotated delay accumulated in a quantum keeper
// (temporal decoupling). Call from an SC_THREAD.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

namespace pnm::tb {

class TlmDriver : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<TlmDriver> init_socket;

  explicit TlmDriver(sc_core::sc_module_name name) : sc_module(name), init_socket("init_socket") {
    qk_.reset();
  }

  tlm::tlm_response_status write(uint64_t addr, const void* data, unsigned len) {
    return access(tlm::TLM_WRITE_COMMAND, addr, const_cast<void*>(data), len);
  }
  tlm::tlm_response_status read(uint64_t addr, void* data, unsigned len) {
    return access(tlm::TLM_READ_COMMAND, addr, data, len);
  }
  tlm::tlm_response_status write32(uint64_t addr, uint32_t v) { return write(addr, &v, 4); }
  uint32_t read32(uint64_t addr, tlm::tlm_response_status* status = nullptr) {
    uint32_t v = 0;
    const auto s = read(addr, &v, 4);
    if (status) *status = s;
    return v;
  }
  unsigned debug(tlm::tlm_command cmd, uint64_t addr, void* data, unsigned len) {
    tlm::tlm_generic_payload p;
    p.set_command(cmd);
    p.set_address(addr);
    p.set_data_ptr(static_cast<unsigned char*>(data));
    p.set_data_length(len);
    return init_socket->transport_dbg(p);
  }

  // Local time: simulated time plus the delay not yet synchronised.
  sc_core::sc_time local_time() const { return qk_.get_current_time(); }
  sc_core::sc_time last_delay() const { return last_delay_; }
  void sync() { qk_.sync(); }

 private:
  tlm::tlm_response_status access(tlm::tlm_command cmd, uint64_t addr, void* data, unsigned len) {
    tlm::tlm_generic_payload p;
    p.set_command(cmd);
    p.set_address(addr);
    p.set_data_ptr(static_cast<unsigned char*>(data));
    p.set_data_length(len);
    p.set_streaming_width(len);
    p.set_byte_enable_ptr(nullptr);
    p.set_dmi_allowed(false);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = qk_.get_local_time();
    const sc_core::sc_time before = delay;
    init_socket->b_transport(p, delay);
    last_delay_ = delay - before;
    qk_.set(delay);
    if (qk_.need_sync()) qk_.sync();
    return p.get_response_status();
  }

  tlm_utils::tlm_quantumkeeper qk_;
  sc_core::sc_time last_delay_;
};

}  // namespace pnm::tb
