// A TSV link between the logic die and one PNM unit (one per channel),
// full duplex:
//   down: down_tgt -> down_init   logic die -> PNM unit (CPU/VU register and
//                                 activation-SRAM accesses, PNM_BCAST writes)
//   up:   up_tgt   -> up_init     PNM unit -> logic die (result write-back)
// Each direction is serialised by its own busy-until time; the directions do
// not interact.
//
// Timing (b_transport of a payload of n data bytes, arriving at local time
// t = sc_time_stamp() + delay):
//   beats      = ceil(8 * n / width_bits)
//   transfer   = beats * 1e6 / data_rate_mts  ps   (one beat per transfer period)
//   start      = max(t, busy_until[dir])
//   busy_until[dir] = start + transfer
//   delay     += (start - t) + latency + transfer   (then the far side's own delay)
// transfer is rounded to the kernel's time resolution (1 ps by default) once
// per payload. A payload is charged to the direction of its request, read
// data included (a down-link read of a PNM register carries its 4 bytes on
// the down link's budget): the model has no separate response channel.
// n = 0 (e.g. TLM_IGNORE_COMMAND) costs the latency only.
//
// Energy: 8 * n * energy_pj_per_bit per forwarded payload, data bytes only
// (address/command wires and idle beats are not counted).
//
// transport_dbg passes through unchanged (no time, no stats). DMI requests
// pass through; a grant's read/write latencies get + latency (DMI accesses
// bypass the serialisation: the DMI user owns the timing).
// invalidate_direct_mem_ptr from the far side passes back unchanged.
// The response status is whatever the far side set, except under an injected
// link fault (inject_error, from the chip's `faults:` section): from the
// fault's time and after its number of good transfers, every b_transport in
// that direction answers TLM_GENERIC_ERROR_RESPONSE after the link latency
// without reaching the far side, and DMI is refused in that direction.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "tlm/common/config.hpp"
#include "tlm/common/interval_schedule.hpp"
#include "tlm/common/stats.hpp"

namespace pnm::logic {

struct TsvConfig {
  unsigned width_bits = 1024;       // key width_bits: data wires per direction
  double data_rate_mts = 6400;      // key data_rate_mts: transfers per second per wire, MT/s
  uint64_t latency_ps = 2000;       // key latency_<unit>
  double energy_pj_per_bit = 0.5;   // key energy_pj_per_bit
};

// Every key optional (defaults above); rejects unknown keys.
TsvConfig load_tsv_config(const ConfigReader& r);

struct TsvDirStats {
  uint64_t injected_errors = 0;  // transfers answered with an error by an injected fault
  uint64_t transactions = 0;
  uint64_t bytes = 0;
  uint64_t beats = 0;
  uint64_t busy_ps = 0;       // sum of transfer times
  uint64_t wait_ps = 0;       // time spent queued behind earlier transfers
  double energy_pj = 0;
};

class TsvLink : public sc_core::sc_module {
 public:
  enum Dir : int { kDown = 0, kUp = 1 };

  tlm_utils::simple_target_socket_tagged<TsvLink> down_tgt;
  tlm_utils::simple_initiator_socket_tagged<TsvLink> down_init;
  tlm_utils::simple_target_socket_tagged<TsvLink> up_tgt;
  tlm_utils::simple_initiator_socket_tagged<TsvLink> up_init;

  // Throws std::invalid_argument for width 0, rate <= 0, energy < 0.
  TsvLink(sc_core::sc_module_name name, const TsvConfig& cfg);
  TsvLink(const TsvLink&) = delete;
  TsvLink& operator=(const TsvLink&) = delete;

  const TsvConfig& config() const { return cfg_; }
  const TsvDirStats& stats(Dir d) const { return stats_[d]; }
  // <prefix>.{down,up}.{transactions, bytes, beats, busy_time, wait_time, energy}
  void report(Stats& s, const std::string& prefix) const;

  // The formulas above, for n bytes on an idle link.
  uint64_t beats(uint64_t bytes) const;
  sc_core::sc_time transfer_time(uint64_t bytes) const;
  sc_core::sc_time idle_delay(uint64_t bytes) const;  // latency + transfer

  // Transfers booked by a call instead of a payload through the sockets
  // (placement logic_die: pnmu::TsvWeightPath carries every weight page up
  // the link). carry: `bytes` ready at ready_ps cross after the direction's
  // earlier transfers, with the formulas above (start = max(ready,
  // busy_until), busy_until = start + transfer); returns the arrival time
  // start + transfer + latency, or false under an injected fault (the
  // transfer is then not made). carry_run: n transfers of `bytes` each (the
  // last of `last_bytes` <= bytes), ready evenly spaced from first_ready to
  // last_ready (a stream-mode read batch), each booked at its ready time.
  // Same stats, energy and trace as b_transport (one transaction per
  // transfer). From the first carry on, the direction is reserved as
  // intervals (below), for carried transfers and payloads alike.
  bool carry(Dir dir, uint64_t bytes, uint64_t ready_ps, uint64_t& arrival_ps);
  bool carry_run(Dir dir, uint64_t n, uint64_t bytes, uint64_t last_bytes, uint64_t first_ready_ps,
                 uint64_t last_ready_ps, uint64_t& first_arrival_ps, uint64_t& last_arrival_ps);

  // Fault injection: direction `dir` fails every transfer issued at or after
  // from_ps once after_transfers transfers have passed in that direction.
  void inject_error(Dir dir, uint64_t after_transfers, uint64_t from_ps);
  bool has_fault(Dir dir) const { return fault_[dir].on; }

 private:
  void b_transport(int dir, tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  unsigned transport_dbg(int dir, tlm::tlm_generic_payload& p);
  bool get_direct_mem_ptr(int dir, tlm::tlm_generic_payload& p, tlm::tlm_dmi& dmi);
  void invalidate_direct_mem_ptr(int dir, sc_dt::uint64 start, sc_dt::uint64 end);
  tlm_utils::simple_initiator_socket_tagged<TsvLink>& out(int dir);
  tlm_utils::simple_target_socket_tagged<TsvLink>& in(int dir);

  TsvConfig cfg_;
  sc_core::sc_time latency_;
  std::array<sc_core::sc_time, 2> busy_until_{};
  // A direction that has carried transfers keeps its busy time as reserved
  // intervals instead (a transfer takes the first gap of its length from its
  // ready time): the weight path books pages ahead of the kernel, and a
  // payload (a result write-back) must not queue behind a page booked for
  // later. Intervals that end before the kernel time are dropped.
  uint64_t reserve(int dir, uint64_t ready_ps, uint64_t len_ps);  // returns the start
  std::array<bool, 2> intervals_on_{};
  std::array<pnm::IntervalSchedule, 2> iv_;
  std::array<TsvDirStats, 2> stats_{};
  struct Fault {
    bool on = false;
    uint64_t after = 0, from_ps = 0, seen = 0;  // seen: transfers so far in this direction
  };
  std::array<Fault, 2> fault_{};
};

}  // namespace pnm::logic
