#include "tlm/logic/memory.hpp"

#include <algorithm>
#include <cstring>
#include <new>
#include <stdexcept>

namespace pnm::logic {

MemoryConfig load_memory_config(const ConfigReader& r) {
  MemoryConfig c;
  c.size_bytes = static_cast<uint64_t>(
      r.integer_or("size_bytes", static_cast<int64_t>(c.size_bytes), {1, int64_t{1} << 48}));
  c.t_access_ps = r.duration_ps_or("t_access", c.t_access_ps, {0, 1e9});
  c.bw_gbps = r.real_or("bw_gbps", c.bw_gbps, {1e-3, 1e6});
  c.energy_pj_per_bit = r.real_or("energy_pj_per_bit", c.energy_pj_per_bit, {0, 1e3});
  r.finish();
  return c;
}

Memory::Memory(sc_core::sc_module_name name, const MemoryConfig& cfg)
    : sc_module(name),
      tgt_socket("tgt_socket"),
      cfg_(cfg),
      access_(static_cast<double>(cfg.t_access_ps), sc_core::SC_PS) {
  const std::string me = this->name();
  if (cfg_.size_bytes == 0) throw std::invalid_argument(me + ": size_bytes = 0");
  if (!(cfg_.bw_gbps > 0)) throw std::invalid_argument(me + ": bw_gbps must be > 0");
  if (!(cfg_.energy_pj_per_bit >= 0)) throw std::invalid_argument(me + ": energy_pj_per_bit < 0");
  tgt_socket.register_b_transport(this, &Memory::b_transport);
  tgt_socket.register_transport_dbg(this, &Memory::transport_dbg);
  tgt_socket.register_get_direct_mem_ptr(this, &Memory::get_direct_mem_ptr);
}

sc_core::sc_time Memory::transfer_time(uint64_t bytes) const {
  return sc_core::sc_time(static_cast<double>(bytes) * 1000.0 / cfg_.bw_gbps, sc_core::SC_PS);
}

sc_core::sc_time Memory::access_time(uint64_t bytes) const {
  return access_ + transfer_time(bytes);
}

unsigned char* Memory::block(uint64_t index, bool allocate) {
  auto it = blocks_.find(index);
  if (it != blocks_.end()) return it->second.get();
  if (!allocate) return nullptr;
  // calloc: large zeroed allocations come from fresh (lazily mapped) pages.
  auto* mem = static_cast<unsigned char*>(std::calloc(kBlockBytes, 1));
  if (mem == nullptr) throw std::bad_alloc();
  ++stats_.blocks_allocated;
  return blocks_.emplace(index, Block(mem)).first->second.get();
}

const unsigned char* Memory::block(uint64_t index) const {
  auto it = blocks_.find(index);
  return it == blocks_.end() ? nullptr : it->second.get();
}

bool Memory::peek(uint64_t addr, void* dst, uint64_t len) const {
  if (addr > cfg_.size_bytes || len > cfg_.size_bytes - addr) return false;
  auto* out = static_cast<unsigned char*>(dst);
  while (len > 0) {
    const uint64_t off = addr % kBlockBytes;
    const uint64_t n = std::min(len, kBlockBytes - off);
    const unsigned char* b = block(addr / kBlockBytes);
    if (b) {
      std::memcpy(out, b + off, n);
    } else {
      std::memset(out, 0, n);
    }
    out += n;
    addr += n;
    len -= n;
  }
  return true;
}

bool Memory::poke(uint64_t addr, const void* src, uint64_t len) {
  if (addr > cfg_.size_bytes || len > cfg_.size_bytes - addr) return false;
  const auto* in = static_cast<const unsigned char*>(src);
  while (len > 0) {
    const uint64_t off = addr % kBlockBytes;
    const uint64_t n = std::min(len, kBlockBytes - off);
    std::memcpy(block(addr / kBlockBytes, true) + off, in, n);
    in += n;
    addr += n;
    len -= n;
  }
  return true;
}

bool Memory::check(tlm::tlm_generic_payload& p) const {
  const uint64_t addr = p.get_address();
  const uint64_t len = p.get_data_length();
  if (addr >= cfg_.size_bytes || len > cfg_.size_bytes - addr) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return false;
  }
  if (p.get_streaming_width() != 0 && p.get_streaming_width() < len) {
    p.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return false;
  }
  if (len > 0 && p.get_data_ptr() == nullptr) {
    p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return false;
  }
  if (p.get_byte_enable_ptr() != nullptr && p.get_byte_enable_length() == 0) {
    p.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return false;
  }
  return true;
}

void Memory::copy(tlm::tlm_generic_payload& p) {
  uint64_t addr = p.get_address();
  const uint64_t len = p.get_data_length();
  unsigned char* data = p.get_data_ptr();
  const unsigned char* be = p.get_byte_enable_ptr();
  const unsigned be_len = p.get_byte_enable_length();
  if (be == nullptr) {
    if (p.is_write()) poke(addr, data, len);
    if (p.is_read()) peek(addr, data, len);
    return;
  }
  for (uint64_t i = 0; i < len; ++i, ++addr) {
    if (be[i % be_len] == 0) continue;
    if (p.is_write()) {
      block(addr / kBlockBytes, true)[addr % kBlockBytes] = data[i];
    } else if (p.is_read()) {
      const unsigned char* b = block(addr / kBlockBytes);
      data[i] = b ? b[addr % kBlockBytes] : 0;
    }
  }
}

void Memory::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  if (!check(p)) {
    ++stats_.errors;
    return;
  }
  if (p.get_command() == tlm::TLM_IGNORE_COMMAND) {
    p.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  const uint64_t len = p.get_data_length();
  copy(p);
  const sc_core::sc_time t = sc_core::sc_time_stamp() + delay;
  const sc_core::sc_time start = std::max(t, busy_until_);
  const sc_core::sc_time xfer = transfer_time(len);
  busy_until_ = start + xfer;
  delay += (start - t) + access_ + xfer;
  const double pj = static_cast<double>(len) * 8.0 * cfg_.energy_pj_per_bit;
  if (p.is_read()) {
    ++stats_.reads;
    stats_.bytes_read += len;
    stats_.energy_read_pj += pj;
  } else {
    ++stats_.writes;
    stats_.bytes_written += len;
    stats_.energy_write_pj += pj;
  }
  p.set_dmi_allowed(true);
  p.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned Memory::transport_dbg(tlm::tlm_generic_payload& p) {
  if (!check(p)) return 0;
  if (p.get_command() != tlm::TLM_IGNORE_COMMAND) copy(p);
  p.set_response_status(tlm::TLM_OK_RESPONSE);
  return p.get_command() == tlm::TLM_IGNORE_COMMAND ? 0 : p.get_data_length();
}

bool Memory::get_direct_mem_ptr(tlm::tlm_generic_payload& p, tlm::tlm_dmi& dmi) {
  const uint64_t addr = p.get_address();
  if (addr >= cfg_.size_bytes) {
    dmi.set_start_address(0);
    dmi.set_end_address(cfg_.size_bytes - 1);
    dmi.allow_none();
    return false;
  }
  const uint64_t index = addr / kBlockBytes;
  const uint64_t start = index * kBlockBytes;
  const uint64_t end = std::min(start + kBlockBytes, cfg_.size_bytes) - 1;
  dmi.set_dmi_ptr(block(index, true));
  dmi.set_start_address(start);
  dmi.set_end_address(end);
  dmi.allow_read_write();
  const sc_core::sc_time lat = access_;
  dmi.set_read_latency(lat);
  dmi.set_write_latency(lat);
  ++stats_.dmi_grants;
  return true;
}

void Memory::report(Stats& s, const std::string& prefix) const {
  s.set(prefix + ".reads", stats_.reads, "transactions");
  s.set(prefix + ".writes", stats_.writes, "transactions");
  s.set(prefix + ".bytes_read", stats_.bytes_read, "B");
  s.set(prefix + ".bytes_written", stats_.bytes_written, "B");
  s.set(prefix + ".errors", stats_.errors, "transactions");
  s.set(prefix + ".dmi_grants", stats_.dmi_grants, "grants");
  s.set(prefix + ".blocks_allocated", stats_.blocks_allocated, "blocks",
        "1 MiB blocks of host memory in use");
  s.set(prefix + ".host_bytes", stats_.blocks_allocated * kBlockBytes, "B");
  s.set(prefix + ".energy.read", stats_.energy_read_pj, "pJ");
  s.set(prefix + ".energy.write", stats_.energy_write_pj, "pJ");
  s.set(prefix + ".energy.total", stats_.energy_read_pj + stats_.energy_write_pj, "pJ");
}

}  // namespace pnm::logic
