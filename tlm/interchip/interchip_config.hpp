// Configuration of a multi-chip system: N chips of one chip config joined by
// a chip-to-chip fabric. Section `interchip` of the chip YAML (optional; a
// missing section is one chip):
//
//   chip:
//     interchip:
//       chips: 8                 # N, 1 .. 64
//       pp: 1                    # pipeline stages, 1 .. chips (default 1); each runs n_layers / pp layers
//       tp: 8                    # chips per tensor-parallel group (default chips / pp); tp x pp = chips
//       topology: ring           # ring | torus2d | switch
//       torus_x: 4               # torus2d only: X x Y positions, N <= X * Y
//       torus_y: 2
//       switch_ports: 64         # switch only: N <= ports
//       algorithm: ring          # ring | tree | in_network (switch only)
//       link:
//         latency_ns: 500        # per link traversal (SerDes, wire, PHY), any time unit
//         bw_gbps: 100           # per link and direction, GB/s (1e9 B/s)
//         switch_latency_ns: 300 # per switch traversal (switch topology)
//         energy_pj_per_bit: 5   # per bit per link traversal
//
// Chip r (its COLL PARAMS.RANK) is pipeline stage r / tp and tensor-parallel
// rank r % tp: stage s's TP group is chips s*tp .. s*tp + tp-1, and the
// all-gathers run within a group; stage s sends its residual vectors from
// TP rank j to stage s+1's TP rank j (CHIP.md, "Multi-chip").
//
// Every key is known or rejected; zero latency or bandwidth, N above the
// topology's size, in_network without a switch, pp above chips, tp x pp !=
// chips: one line naming the key and the allowed range (ConfigError). The
// model's own split checks (heads divisible by tp, at least one row per
// rank; layers divisible by pp) are in check_tensor_split() and
// check_pipeline_split(), at load, where the shape is known.
#pragma once

#include <cstdint>
#include <string>

#include "tlm/common/config.hpp"

namespace pnm::interchip {

enum class TopologyKind { Ring, Torus2D, Switch };
enum class Algorithm { Ring, Tree, InNetwork };

const char* topology_name(TopologyKind k);
const char* algorithm_name(Algorithm a);

struct LinkConfig {
  uint64_t latency_ps = 500'000;        // per link traversal
  double bw_gbps = 100.0;               // per link and direction
  uint64_t switch_latency_ps = 300'000; // per switch traversal
  double energy_pj_per_bit = 5.0;       // per bit per link traversal
};

struct InterchipConfig {
  static constexpr unsigned kMaxChips = 64;
  unsigned chips = 1;
  unsigned tp = 1;  // chips per tensor-parallel group
  unsigned pp = 1;  // pipeline stages; chips = tp x pp
  unsigned stage_of(unsigned rank) const { return rank / tp; }
  unsigned tp_rank_of(unsigned rank) const { return rank % tp; }
  // Chip of stage s's TP rank j.
  unsigned chip_of(unsigned stage, unsigned j) const { return stage * tp + j; }
  TopologyKind topology = TopologyKind::Ring;
  unsigned torus_x = 0, torus_y = 0;  // torus2d
  unsigned switch_ports = kMaxChips;  // switch
  Algorithm algorithm = Algorithm::Ring;
  LinkConfig link;
};

// Reads section `interchip` (r may be an absent, empty section: one chip).
// Throws ConfigError.
InterchipConfig load_interchip_config(const ConfigReader& r);

// The model split for `tp` ranks: throws ConfigError naming `where`'s
// chip.interchip.tp when n_heads is not divisible by tp (each rank's Wq
// slice would not be whole heads) or a matrix would leave a rank no rows.
// The layer split for `pp` stages: throws ConfigError naming `where`'s
// chip.interchip.pp when n_layers is not divisible by pp.
void check_pipeline_split(const std::string& where, unsigned pp, int n_layers);

void check_tensor_split(const std::string& where, unsigned tp, int n_heads, int kv_dim, int hidden_dim,
                        int vocab_size);

}  // namespace pnm::interchip
