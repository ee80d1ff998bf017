// Chip-to-chip topologies: which directed links a message between two chips
// crosses. Plain C++ (no SystemC), used by the collective cost model.
//
//   ring     N chips, chip i linked to i+1 and i-1 (mod N), one link per
//            direction; a message takes the shorter way round (+ on a tie).
//   torus2d  X x Y positions, chip i at (i mod X, i div X); four links per
//            position (+x, -x, +y, -y, with wrap-around); dimension-order
//            routing (x first, then y), each the shorter way. Positions
//            without a chip still route (N <= X * Y).
//   switch   one switch with a port per chip: chip a's up link, the switch,
//            chip b's down link (2 links, 1 switch traversal).
// Links are numbered 0 .. links()-1; each has the full bandwidth of the
// LinkConfig in its direction.
#pragma once

#include <cstdint>
#include <vector>

#include "tlm/interchip/interchip_config.hpp"

namespace pnm::interchip {

struct Route {
  std::vector<uint32_t> links;  // directed links, in order
  unsigned switches = 0;        // switch traversals
};

class Topology {
 public:
  explicit Topology(const InterchipConfig& cfg);
  TopologyKind kind() const { return kind_; }
  unsigned chips() const { return n_; }
  unsigned links() const { return links_; }
  // The path from chip a to chip b (empty for a == b).
  Route route(unsigned a, unsigned b) const;
  // Switch topology only: chip a's up link and down link.
  uint32_t up_link(unsigned a) const { return 2 * a; }
  uint32_t down_link(unsigned a) const { return 2 * a + 1; }

 private:
  TopologyKind kind_;
  unsigned n_, x_ = 0, y_ = 0, links_ = 0;
};

}  // namespace pnm::interchip
