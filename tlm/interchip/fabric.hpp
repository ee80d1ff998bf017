// The chip-to-chip fabric in simulation: one Fabric shared by N chips, and
// one CollEngine per chip (its COLL registers, regmap.yaml block `coll`).
//
// Tensor-parallel split (tlm/chip/CHIP.md, "Multi-chip"): every GEMV's R rows
// are split over the N ranks by the channel striping rule applied to chips,
// rank k owning rows [a_k, a_k + R_k) (rank_rows / rank_first_row). After a
// GEMV each rank holds the exact int32 results of its rows; an all-gather
// gives every rank all R rows, so the unchanged DEQUANT (and everything after
// it) computes what one chip computes: the tokens are the single chip's.
//
// Firmware side: PUSH queues a gather (BUF, ROWS, VECS, STRIDE: vector v's
// rows at BUF + v * STRIDE); GO hands the queued gathers to the fabric as one
// group and the write completes when the group is done on every rank (a
// blocking b_transport: the engine synchronises the CPU's time first).
//
// Fabric timing: a group starts when the last rank's GO arrives (a barrier:
// ranks that arrive early wait, and that wait is counted), and takes the
// all_gather cost (collective.hpp) of its segments fused into one message per
// algorithm step (the gathers of a group go out together, as a grouped
// collective does), with seg = the largest rank's bytes. Functional chips
// copy the segments between their logic memories when the last rank arrives
// (every segment is final then; none is read before the group ends).
// Timing-only chips move no values.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "tlm/common/register_bank.hpp"
#include "tlm/common/stats.hpp"
#include "tlm/interchip/collective.hpp"
#include "tlm/logic/memory.hpp"

namespace pnm::interchip {

// Rank k's rows of an R-row matrix: the channel striping rule over N ranks.
inline uint32_t rank_rows(uint32_t rows, unsigned k, unsigned n) { return rows / n + (k < rows % n ? 1u : 0u); }
inline uint32_t rank_first_row(uint32_t rows, unsigned k, unsigned n) {
  return k * (rows / n) + (k < rows % n ? k : rows % n);
}

struct Gather {
  uint64_t buf = 0;  // chip address of vector 0's row 0
  uint32_t rows = 0, vecs = 1, stride = 0;
  bool operator==(const Gather& o) const { return rows == o.rows && vecs == o.vecs && stride == o.stride; }
};

struct FabricTotals {
  uint64_t groups = 0, payload_bytes = 0, link_bytes = 0, transfer_ps = 0;
  uint64_t latency_ps = 0;  // part of transfer_ps: link and switch latencies (the rest is bytes / bandwidth)
  double energy_pj = 0.0;
};

struct RankStats {
  uint64_t groups = 0;
  uint64_t wait_ps = 0;      // GO arrival to the last rank's arrival (barrier skew)
  uint64_t transfer_ps = 0;  // the collective itself
};

class Fabric {
 public:
  // functional: copy the gathered rows between the chips' memories.
  Fabric(const InterchipConfig& cfg, bool functional);
  Fabric(const Fabric&) = delete;
  Fabric& operator=(const Fabric&) = delete;

  const InterchipConfig& config() const { return cfg_; }
  const Topology& topology() const { return topo_; }
  void attach(unsigned rank, logic::Memory& mem) { mem_.at(rank) = &mem; }

  // Rank `rank`'s GO with its queued gathers; waits (SC_THREAD context) until
  // the group is done on every rank. Returns 0 or an error code
  // (regs::coll::err): MISMATCH when the ranks' groups differ.
  uint32_t run_group(unsigned rank, const std::vector<Gather>& group);

  const RankStats& rank_stats(unsigned rank) const { return ranks_.at(rank); }
  FabricTotals totals() const {
    return {groups_, payload_bytes_, total_.link_bytes, transfer_ps_, total_.latency_ps, total_.energy_pj};
  }
  // <prefix>.{groups, payload_bytes, link_bytes, energy_pj, transfer_ps} and
  // <prefix>.rank<k>.{wait_ps, transfer_ps}
  void report(Stats& s, const std::string& prefix) const;

 private:
  struct Pending {
    std::vector<std::vector<Gather>> groups;
    std::vector<uint64_t> arrive_ps;
    unsigned arrived = 0, left = 0;
    uint64_t start_ps = 0, done_ps = 0;
    uint32_t error = 0;
    sc_core::sc_event done;
  };
  void complete(Pending& p);
  void copy_rows(const Pending& p);

  InterchipConfig cfg_;
  Topology topo_;
  bool functional_;
  std::vector<logic::Memory*> mem_;
  std::vector<uint64_t> next_seq_;
  std::map<uint64_t, std::unique_ptr<Pending>> pending_;
  std::vector<RankStats> ranks_;
  uint64_t groups_ = 0, payload_bytes_ = 0, transfer_ps_ = 0;
  CollectiveCost total_;
};

// One chip's collective engine: the COLL registers (regmap block `coll`).
// Without a fabric (a single chip) PARAMS says one rank and GO fails with
// NO_FABRIC.
class CollEngine : public sc_core::sc_module {
 public:
  static constexpr unsigned kQueueDepth = 16;
  tlm_utils::simple_target_socket<CollEngine> tgt_socket;

  explicit CollEngine(sc_core::sc_module_name name);
  CollEngine(const CollEngine&) = delete;
  CollEngine& operator=(const CollEngine&) = delete;

  // Joins the fabric as `rank` (before sc_start).
  void connect(Fabric& fabric, unsigned rank);
  unsigned rank() const { return rank_; }

 private:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& p);
  void ctrl(uint32_t v);
  void set_status(bool done, uint32_t err);

  RegisterBank regs_;
  Fabric* fabric_ = nullptr;
  unsigned rank_ = 0;
  std::vector<Gather> queue_;
};

}  // namespace pnm::interchip
