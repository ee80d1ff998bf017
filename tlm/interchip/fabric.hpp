// The chip-to-chip fabric in simulation: one Fabric shared by N chips, and
// one CollEngine per chip (its COLL registers, regmap.yaml block `coll`).
//
// Groups (interchip_config.hpp): chips = tp x pp; chip r is pipeline stage
// r / tp and tensor-parallel rank r % tp of its stage's group, chips
// s*tp .. s*tp + tp-1. With pp = 1 the one group is every chip.
//
// Tensor-parallel split (tlm/chip/CHIP.md, "Multi-chip"): every GEMV's R rows
// are split over a group's tp ranks by the channel striping rule applied to
// chips, TP rank k owning rows [a_k, a_k + R_k) (rank_rows / rank_first_row).
// After a GEMV each rank holds the exact int32 results of its rows; an
// all-gather within the group gives every rank all R rows, so the unchanged
// DEQUANT (and everything after it) computes what one chip computes: the
// tokens are the single chip's.
//
// Firmware side: PUSH queues a gather (BUF, ROWS, VECS, STRIDE: vector v's
// rows at BUF + v * STRIDE); GO hands the queued gathers to the fabric as one
// group and the write completes when the group is done on every rank of the
// TP group (a blocking b_transport: the engine synchronises the CPU's time
// first). SEND / RECV move VECS blocks of BYTES bytes (block v at BUF + v *
// STRIDE) to / from chip PEER: the pipeline's residual vectors and tokens.
//
// Fabric timing: a group starts when the last rank's GO arrives (a barrier:
// ranks that arrive early wait, and that wait is counted), and takes the
// all_gather cost (collective.hpp) among the group's chips of its segments
// fused into one message per algorithm step (the gathers of a group go out
// together, as a grouped collective does), with seg = the largest rank's
// bytes. A SEND and its RECV meet the same way (the transfer starts when both
// have arrived; the early side's wait is counted apart) and take send_recv's
// cost: latency x hops + bytes / bandwidth along the route. Functional chips
// copy the segments (the blocks) between their logic memories when the last
// side arrives (every value is final then; none is read before the transfer
// ends). Timing-only chips move no values. Concurrent groups and transfers
// do not contend for links (each is costed alone).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>
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

// One side of a point-to-point transfer: VECS blocks of BYTES bytes in
// memory, or (mbox) the words of the engines' mailboxes.
struct Transfer {
  uint64_t buf = 0;  // chip address of block 0
  uint32_t bytes = 0, vecs = 1, stride = 0;
  bool mbox = false;
  std::vector<uint32_t> words;  // mbox: the sender's message; the receiver's after the transfer
};

// Fabric-wide sums. groups / payload / transfer / latency: the all-gathers;
// p2p_*: the point-to-point transfers; link bytes and energy: both.
struct FabricTotals {
  uint64_t groups = 0, payload_bytes = 0, link_bytes = 0, transfer_ps = 0;
  uint64_t latency_ps = 0;  // part of transfer_ps: link and switch latencies (the rest is bytes / bandwidth)
  double energy_pj = 0.0;
  uint64_t p2p = 0, p2p_bytes = 0, p2p_ps = 0, p2p_latency_ps = 0;
};

struct RankStats {
  uint64_t groups = 0;
  uint64_t wait_ps = 0;      // GO arrival to the last rank's arrival (barrier skew)
  uint64_t transfer_ps = 0;  // the collective itself
  uint64_t latency_ps = 0;   // part of transfer_ps: link and switch latencies
  uint64_t p2p = 0;          // SENDs and RECVs
  uint64_t p2p_wait_ps = 0;  // SEND / RECV arrival to the peer's arrival (a pipeline's bubble)
  uint64_t p2p_ps = 0;       // the transfers themselves
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
  // the group is done on every rank of its TP group. Returns 0 or an error
  // code (regs::coll::err): MISMATCH when the ranks' groups differ.
  uint32_t run_group(unsigned rank, const std::vector<Gather>& group);
  // Chip src's SEND to dst, or dst's RECV from src (`sending` says which
  // side `rank` is); waits until the transfer is done on both. Returns 0 or
  // BAD_P2P (a peer outside the chips or the chip itself, no bytes) or
  // MISMATCH (the sides' BYTES, VECS or MBOX differ). A mailbox transfer
  // gives the receiver's t.words the sender's (in every mode: they are
  // register values, not memory).
  uint32_t send_recv(unsigned rank, unsigned peer, bool sending, Transfer& t);

  const RankStats& rank_stats(unsigned rank) const { return ranks_.at(rank); }
  FabricTotals totals() const {
    return {groups_, payload_bytes_, total_.link_bytes, transfer_ps_,    total_.latency_ps,
            total_.energy_pj, p2p_,  p2p_bytes_,        p2p_ps_,         p2p_latency_ps_};
  }
  // <prefix>.{groups, payload_bytes, link_bytes, energy_pj, transfer_ps, p2p*}
  // and <prefix>.rank<k>.{wait_ps, transfer_ps, p2p_wait_ps, p2p_ps}
  void report(Stats& s, const std::string& prefix) const;

 private:
  // A rendezvous: `parties` sides arrive, the last one runs the transfer's
  // bookkeeping (complete), and every side waits until done_ps.
  struct Meeting {
    std::vector<std::vector<Gather>> groups;  // all-gather: per TP rank
    std::vector<Transfer> sides;              // point-to-point: [sender, receiver]
    std::vector<uint64_t> arrive_ps;
    unsigned arrived = 0, left = 0;
    uint64_t start_ps = 0, done_ps = 0;
    uint64_t latency_ps = 0;  // part of done_ps - start_ps
    uint32_t error = 0;
    sc_core::sc_event done;
  };
  // (kind, a, b, sequence number): kind 0 a group (a = stage), 1 a transfer (a = src, b = dst).
  using Key = std::tuple<unsigned, unsigned, unsigned, uint64_t>;
  struct Outcome {
    uint64_t wait_ps = 0, transfer_ps = 0, latency_ps = 0;
    uint32_t error = 0;
  };
  // Arrives as side `side` of `parties` at meeting `key`, after fill(m)
  // stored this side's request; the last arrival calls complete(m), which
  // sets done_ps (from start_ps) and error. Waits (SC_THREAD) until done.
  // leave(m), if given, runs on each side after the wait (before the
  // meeting is freed).
  Outcome meet(const Key& key, unsigned parties, unsigned side, const std::function<void(Meeting&)>& fill,
               const std::function<void(Meeting&)>& complete, const std::function<void(Meeting&)>& leave = {});
  // Adds c to the link totals; p2p: a point-to-point transfer's (its
  // latency is counted apart from the collectives').
  void book(const CollectiveCost& c, bool p2p);
  void complete_group(Meeting& m, unsigned stage);
  void complete_transfer(Meeting& m, unsigned src, unsigned dst);
  void copy_rows(const Meeting& m, unsigned stage);
  std::vector<unsigned> group_chips(unsigned stage) const;

  InterchipConfig cfg_;
  Topology topo_;
  bool functional_;
  std::vector<logic::Memory*> mem_;
  std::vector<uint64_t> next_seq_;                              // per chip: its TP group's GOs
  std::map<std::pair<unsigned, unsigned>, uint64_t> sends_, recvs_;  // per (src, dst): transfers posted
  std::map<Key, std::unique_ptr<Meeting>> pending_;
  std::vector<RankStats> ranks_;
  uint64_t groups_ = 0, payload_bytes_ = 0, transfer_ps_ = 0;
  uint64_t p2p_ = 0, p2p_bytes_ = 0, p2p_ps_ = 0, p2p_latency_ps_ = 0;
  CollectiveCost total_;
};

// One chip's collective engine: the COLL registers (regmap block `coll`).
// Without a fabric (a single chip) PARAMS says one rank and GO, SEND and
// RECV fail with NO_FABRIC.
class CollEngine : public sc_core::sc_module {
 public:
  static constexpr unsigned kQueueDepth = 16;
  static constexpr unsigned kMboxWords = 1024;  // a batch's tokens (FW_MAX_SLOTS)
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

  void p2p(bool sending, bool mbox);

  RegisterBank regs_;
  Fabric* fabric_ = nullptr;
  unsigned rank_ = 0;
  std::vector<Gather> queue_;
  std::vector<uint32_t> mbox_out_, mbox_in_;
};

}  // namespace pnm::interchip
