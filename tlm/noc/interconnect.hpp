// On-chip interconnect: an address router over the chip address map.
//
// Decoding AND binding are driven by the one table pnm::regs::addr::REGIONS
// (generated from rtl/regmap/regmap.yaml): bind("PNM", 3, sock) looks the
// region up by name there, and b_transport decodes against the same rows.
//
// Initiators (control CPU, vector unit, each channel's TSV up-link, any
// number) bind to tgt_socket. Targets are bound with bind(region, instance,
// socket) before elaboration ends; the interconnect creates one internal
// initiator socket per bound target at that moment, so unbound regions leave
// no unbound socket behind for SystemC to complain about.
//
// Forwarding (b_transport): the payload's address becomes the LOCAL offset
//   local = address - region.base - instance * region.size
// and is restored before returning. delay += hop_latency (NocConfig) once per
// transaction, before the target's own delay.
//
// Errors, all TLM_ADDRESS_ERROR_RESPONSE (the target is never called):
//   - an address in no region, or an access that runs past its window's end;
//   - a PNM window c >= channels (constructor argument);
//   - a region/instance that nobody bound;
//   - any command other than a write to PNM_BCAST (reads of the broadcast
//     window are address errors, as tlm/chip/CHIP.md says);
//   - a PNM_BCAST write when no PNM instance is bound.
//
// PNM_BCAST: a write at offset o is forwarded to every bound PNM instance
// c = 0..channels-1 (in increasing c) at local offset o, each starting from the
// caller's incoming delay d plus hop_latency (as a unicast would). The
// response is OK only if every instance answered OK; otherwise the first
// non-OK status (lowest c) is returned, and the later instances are still
// written. The outgoing delay is max_c(d_c), where d_c is instance c's
// outgoing delay (each includes the hop).
// The DMI hint is cleared for broadcasts.
//
// transport_dbg: same decoding, no time. A PNM_BCAST debug write fans out and
// returns the smallest byte count any instance returned.
//
// DMI: get_direct_mem_ptr is forwarded for LOGIC_MEM only (plain memory on
// the logic die), with the granted range translated back to chip addresses
// and clipped to the window; the hop latency is added to the DMI read/write
// latencies. Every other region answers false, so that PNM traffic always
// crosses its TSV link by b_transport (time, bandwidth and energy counted).
// invalidate_direct_mem_ptr from a target is translated to chip addresses and
// sent to every initiator bound to tgt_socket.
//
// Stats (report()): per region, transactions, bytes read, bytes written, and
// address errors (those not attributable to a region are under "unmapped").
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>

#include "tlm/common/config.hpp"
#include "tlm/common/pnm_regs.hpp"
#include "tlm/common/stats.hpp"

namespace pnm::noc {

struct NocConfig {
  // Per-transaction routing latency, added once to every forwarded access.
  // Key `hop_latency` with a unit (hop_latency_ns, ...); default 1 ns
  // (ASSUMPTION: a registered crossbar stage at ~1 GHz).
  uint64_t hop_latency_ps = 1000;
};

// Reads `hop_latency_<unit>` (optional, 0 .. 1 ms) and rejects unknown keys.
NocConfig load_noc_config(const ConfigReader& r);

struct RegionStats {
  uint64_t transactions = 0;
  uint64_t bytes_read = 0;
  uint64_t bytes_written = 0;
  uint64_t errors = 0;
};

class Interconnect : public sc_core::sc_module {
 public:
  static constexpr std::size_t kRegions = std::size(regs::addr::REGIONS);

  tlm_utils::multi_passthrough_target_socket<Interconnect> tgt_socket;

  // channels: PNM windows 0 .. channels-1 exist (1 .. PNM_COUNT, else
  // std::invalid_argument).
  Interconnect(sc_core::sc_module_name name, const NocConfig& cfg, unsigned channels);
  Interconnect(const Interconnect&) = delete;
  Interconnect& operator=(const Interconnect&) = delete;
  ~Interconnect() override;

  // Binds region `region` (a name in regs::addr::REGIONS), instance
  // `instance`, to `target`. Throws std::invalid_argument for an unknown
  // region, PNM_BCAST (it has no target of its own), an instance >= the
  // region's count (PNM: >= channels), a second bind of the same window, or a
  // call after elaboration.
  void bind(std::string_view region, unsigned instance, tlm::tlm_target_socket<>& target);

  // True when region/instance has a target.
  bool is_bound(std::string_view region, unsigned instance) const;

  const NocConfig& config() const { return cfg_; }
  unsigned channels() const { return channels_; }
  // Index into regs::addr::REGIONS; kRegions for "unmapped".
  const RegionStats& region_stats(std::size_t region) const { return stats_.at(region); }
  // <prefix>.<REGION>.{transactions, bytes_read, bytes_written, errors}.
  void report(Stats& s, const std::string& prefix) const;

 private:
  using InitSocket = tlm_utils::simple_initiator_socket_tagged<Interconnect>;
  struct Route {
    std::size_t region = 0;
    unsigned instance = 0;
    std::unique_ptr<InitSocket> socket;
  };
  // Result of decoding one access.
  struct Decoded {
    std::size_t region = kRegions;   // kRegions: unmapped
    unsigned instance = 0;
    uint64_t local = 0;
    bool ok = false;                 // in a window with room for the whole access
  };

  Decoded decode(uint64_t addr, uint64_t len) const;
  Route* route(std::size_t region, unsigned instance) const;
  unsigned instances(std::size_t region) const;
  void count(std::size_t region, const tlm::tlm_generic_payload& p);

  void b_transport(int id, tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  unsigned transport_dbg(int id, tlm::tlm_generic_payload& p);
  bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& p, tlm::tlm_dmi& dmi);
  void invalidate_direct_mem_ptr(int route_id, sc_dt::uint64 start, sc_dt::uint64 end);
  void broadcast(tlm::tlm_generic_payload& p, uint64_t local, sc_core::sc_time& delay);
  unsigned broadcast_dbg(tlm::tlm_generic_payload& p, uint64_t local);

  NocConfig cfg_;
  unsigned channels_;
  sc_core::sc_time hop_;
  std::size_t bcast_ = kRegions;  // index of PNM_BCAST
  std::size_t pnm_ = kRegions;    // index of PNM
  std::size_t mem_ = kRegions;    // index of LOGIC_MEM (the one DMI region)
  std::vector<std::unique_ptr<Route>> routes_;             // in bind order; id = index
  std::array<std::vector<int>, kRegions> route_of_{};      // [region][instance] -> id or -1
  std::array<RegionStats, kRegions + 1> stats_{};
};

}  // namespace pnm::noc
