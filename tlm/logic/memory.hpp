// Logic-die memory (stacked DRAM/SRAM): the KV cache, activations, norms,
// row scales and scratch buffers, as a sparse store.
//
// Storage: the address space [0, size_bytes) is cut into blocks of
// kBlockBytes (1 MiB). A block is allocated (zero-filled, calloc) the first
// time a write or a DMI request touches it; reads of never-written bytes
// return zeros without allocating. So a 64 GiB LOGIC_MEM costs host memory
// only for what the model really touches; blocks are never freed (so DMI
// pointers never need invalidating).
//
// Timing of b_transport (one payload of n bytes, arriving at local time
// t = sc_time_stamp() + delay):
//   start      = max(t, busy_until)
//   busy_until = start + n / bw                     (bandwidth serialises)
//   delay     += (start - t) + t_access + n / bw     (access latency pipelines)
// with n / bw = n * 1000 / bw_gbps ps (bw in GB/s = 1e9 B/s), rounded to the
// kernel's time resolution. Reads and writes share one busy_until.
// Energy: 8 * n * energy_pj_per_bit per OK access, separately for reads and
// writes. transport_dbg costs no time, energy or stats.
//
// DMI: granted for reads and writes, one block per request (the block that
// holds the address, allocated on demand), read/write latency t_access. DMI
// accesses bypass the bandwidth serialisation and the stats: an initiator
// that uses DMI owns its timing.
//
// Errors: an access that is not entirely inside [0, size_bytes) answers
// TLM_ADDRESS_ERROR_RESPONSE; a streaming width narrower than the length,
// TLM_BURST_ERROR_RESPONSE; a null data pointer with a non-zero length,
// TLM_GENERIC_ERROR_RESPONSE. Byte enables are honoured (bytes whose enable is
// 0x00 are neither written nor read). TLM_IGNORE_COMMAND answers OK.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <unordered_map>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "tlm/common/config.hpp"
#include "tlm/common/stats.hpp"

namespace pnm::logic {

struct MemoryConfig {
  uint64_t size_bytes = uint64_t{64} << 30;  // key size_bytes; LOGIC_MEM is 64 GiB of address space
  uint64_t t_access_ps = 50'000;             // key t_access_<unit>; first-byte latency
  double bw_gbps = 1638.4;                   // key bw_gbps; GB/s = 1e9 B/s
  double energy_pj_per_bit = 1.2;            // key energy_pj_per_bit
};

// Every key optional (defaults above); rejects unknown keys.
MemoryConfig load_memory_config(const ConfigReader& r);

struct MemoryStats {
  uint64_t reads = 0, writes = 0;            // OK b_transport payloads
  uint64_t bytes_read = 0, bytes_written = 0;
  uint64_t errors = 0;
  uint64_t dmi_grants = 0;
  uint64_t blocks_allocated = 0;             // host memory = blocks_allocated * kBlockBytes
  double energy_read_pj = 0, energy_write_pj = 0;
};

class Memory : public sc_core::sc_module {
 public:
  static constexpr uint64_t kBlockBytes = uint64_t{1} << 20;

  tlm_utils::simple_target_socket<Memory> tgt_socket;

  // Throws std::invalid_argument for size 0, bw <= 0 or energy < 0.
  Memory(sc_core::sc_module_name name, const MemoryConfig& cfg);
  Memory(const Memory&) = delete;
  Memory& operator=(const Memory&) = delete;

  const MemoryConfig& config() const { return cfg_; }
  const MemoryStats& stats() const { return stats_; }
  // <prefix>.{reads, writes, bytes_read, bytes_written, errors, dmi_grants,
  //  blocks_allocated, host_bytes, energy.read, energy.write, energy.total}
  void report(Stats& s, const std::string& prefix) const;

  // Backdoor for tests and loaders (no time, no stats). false if out of range.
  bool peek(uint64_t addr, void* dst, uint64_t len) const;
  bool poke(uint64_t addr, const void* src, uint64_t len);

  // The b_transport delay of n bytes on an idle memory: t_access + n / bw.
  sc_core::sc_time access_time(uint64_t bytes) const;
  sc_core::sc_time transfer_time(uint64_t bytes) const;  // n / bw

 private:
  struct FreeDeleter {
    void operator()(unsigned char* p) const { std::free(p); }
  };
  using Block = std::unique_ptr<unsigned char, FreeDeleter>;

  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& p);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& p, tlm::tlm_dmi& dmi);

  // Checks the payload; sets an error status and returns false on failure.
  bool check(tlm::tlm_generic_payload& p) const;
  // Copies with byte enables; allocates blocks on write only.
  void copy(tlm::tlm_generic_payload& p);
  unsigned char* block(uint64_t index, bool allocate);
  const unsigned char* block(uint64_t index) const;

  MemoryConfig cfg_;
  std::unordered_map<uint64_t, Block> blocks_;
  sc_core::sc_time busy_until_;
  sc_core::sc_time access_;  // t_access_ps, converted once (every access adds it)
  MemoryStats stats_;
};

}  // namespace pnm::logic
