#include "tlm/interchip/topology.hpp"

#include <stdexcept>

namespace pnm::interchip {

Topology::Topology(const InterchipConfig& cfg) : kind_(cfg.topology), n_(cfg.chips) {
  switch (kind_) {
    case TopologyKind::Ring: links_ = 2 * n_; break;
    case TopologyKind::Torus2D:
      x_ = cfg.torus_x;
      y_ = cfg.torus_y;
      links_ = 4 * x_ * y_;
      break;
    case TopologyKind::Switch: links_ = 2 * n_; break;
  }
}

namespace {
// Steps along one ring dimension of size n from a to b: (direction, count),
// direction 0 = +, 1 = -; the shorter way, + on a tie.
std::pair<unsigned, unsigned> ring_steps(unsigned a, unsigned b, unsigned n) {
  const unsigned fwd = (b + n - a) % n;
  return fwd <= n - fwd ? std::pair<unsigned, unsigned>{0, fwd} : std::pair<unsigned, unsigned>{1, n - fwd};
}
}  // namespace

Route Topology::route(unsigned a, unsigned b) const {
  if (a >= n_ || b >= n_) throw std::out_of_range("interchip route: chip index past the chip count");
  Route r;
  if (a == b) return r;
  switch (kind_) {
    case TopologyKind::Ring: {
      const auto [dir, count] = ring_steps(a, b, n_);
      unsigned at = a;
      for (unsigned k = 0; k < count; ++k) {
        r.links.push_back(2 * at + dir);
        at = dir == 0 ? (at + 1) % n_ : (at + n_ - 1) % n_;
      }
      break;
    }
    case TopologyKind::Torus2D: {
      unsigned px = a % x_, py = a / x_;
      const auto [dx, cx] = ring_steps(px, b % x_, x_);
      for (unsigned k = 0; k < cx; ++k) {
        r.links.push_back(4 * (py * x_ + px) + dx);
        px = dx == 0 ? (px + 1) % x_ : (px + x_ - 1) % x_;
      }
      const auto [dy, cy] = ring_steps(py, b / x_, y_);
      for (unsigned k = 0; k < cy; ++k) {
        r.links.push_back(4 * (py * x_ + px) + 2 + dy);
        py = dy == 0 ? (py + 1) % y_ : (py + y_ - 1) % y_;
      }
      break;
    }
    case TopologyKind::Switch:
      r.links = {up_link(a), down_link(b)};
      r.switches = 1;
      break;
  }
  return r;
}

}  // namespace pnm::interchip
