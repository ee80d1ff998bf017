// Collective algorithms over a Topology: time, bytes and energy of one
// collective among all N chips (or a subgroup of them), and of one
// point-to-point transfer. Plain C++; the fabric (fabric.hpp) books
// these times in simulation, and tests/interchip checks them against closed
// forms.
//
// Model (alpha-beta with routes, bulk-synchronous steps): an algorithm is a
// sequence of steps; in a step every message starts together, and a message
// takes
//     sum over its route of link latency + switches x switch latency
//       + bytes x load / bandwidth,
// load = the most messages of the step that share any link of its route
// (they split that link's bandwidth). A step lasts as long as its slowest
// message. Energy = bits x link traversals x energy_pj_per_bit.
//
//   all_gather, every rank contributes `seg` bytes and ends with all N:
//     ring        N-1 steps: each rank passes one segment to rank i+1
//     tree        Bruck: ceil(log2 N) steps; step k sends min(2^k, N-2^k)
//                 segments to rank i-2^k
//     in_network  one step through the switch, which multicasts each
//                 segment: 2 latency + switch latency + (N-1) seg / bw
//                 (the down link carries the other N-1 segments)
//   all_reduce of `bytes` on every rank:
//     ring        reduce-scatter then all-gather: 2(N-1) steps of
//                 ceil(bytes/N) to rank i+1
//     tree        binomial tree: reduce to rank 0, then broadcast,
//                 2 ceil(log2 N) steps of `bytes`
//     in_network  the switch adds the streams as they pass (cut-through):
//                 2 latency + switch latency + bytes / bw
#pragma once

#include <cstdint>
#include <vector>

#include "tlm/interchip/interchip_config.hpp"
#include "tlm/interchip/topology.hpp"

namespace pnm::interchip {

struct Message {
  unsigned src = 0, dst = 0;
  uint64_t bytes = 0;
};

struct CollectiveCost {
  uint64_t time_ps = 0;
  uint64_t latency_ps = 0;  // part of time_ps: the latency terms of each step's slowest message
  uint64_t link_bytes = 0;  // bytes x link traversals
  double energy_pj = 0.0;
  unsigned steps = 0;
};

// Time to move `bytes` at bw_gbps (GB/s = bytes per ns), in ps, rounded up.
uint64_t serialize_ps(uint64_t bytes, double bw_gbps);

// One step of point-to-point messages; adds to cost.
void add_step(const Topology& t, const LinkConfig& l, const std::vector<Message>& step, CollectiveCost& cost);

CollectiveCost all_gather(const Topology& t, const LinkConfig& l, Algorithm a, uint64_t seg_bytes);
// The same among the chips `members` only (a tensor-parallel group of a
// pipeline): logical rank i is chip members[i]; the routes are the
// topology's between those chips.
CollectiveCost all_gather(const Topology& t, const LinkConfig& l, Algorithm a, uint64_t seg_bytes,
                          const std::vector<unsigned>& members);
// One point-to-point message of `bytes` from chip src to chip dst (a
// pipeline's forward): one step, latency x hops + switch latency x switches
// + bytes / bandwidth.
CollectiveCost send_recv(const Topology& t, const LinkConfig& l, unsigned src, unsigned dst, uint64_t bytes);
CollectiveCost all_reduce(const Topology& t, const LinkConfig& l, Algorithm a, uint64_t bytes);

}  // namespace pnm::interchip
