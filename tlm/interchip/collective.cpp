#include "tlm/interchip/collective.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace pnm::interchip {

uint64_t serialize_ps(uint64_t bytes, double bw_gbps) {
  return static_cast<uint64_t>(std::ceil(static_cast<double>(bytes) * 1000.0 / bw_gbps));
}

void add_step(const Topology& t, const LinkConfig& l, const std::vector<Message>& step, CollectiveCost& cost) {
  std::vector<Route> routes;
  std::vector<unsigned> users(t.links(), 0);
  for (const Message& m : step) {
    routes.push_back(t.route(m.src, m.dst));
    for (uint32_t k : routes.back().links) ++users[k];
  }
  uint64_t longest = 0, latency = 0;
  for (size_t i = 0; i < step.size(); ++i) {
    const Route& r = routes[i];
    unsigned load = 1;
    for (uint32_t k : r.links) load = std::max(load, users[k]);
    const uint64_t lat = l.latency_ps * r.links.size() + l.switch_latency_ps * r.switches;
    const uint64_t ps = lat + serialize_ps(step[i].bytes * load, l.bw_gbps);
    if (ps > longest) longest = ps, latency = lat;
    cost.link_bytes += step[i].bytes * r.links.size();
  }
  cost.time_ps += longest;
  cost.latency_ps += latency;
  cost.energy_pj = static_cast<double>(cost.link_bytes) * 8.0 * l.energy_pj_per_bit;
  ++cost.steps;
}

namespace {

unsigned ceil_log2(unsigned n) {
  unsigned k = 0;
  while ((1u << k) < n) ++k;
  return k;
}

void require_switch(const Topology& t) {
  if (t.kind() != TopologyKind::Switch) throw std::invalid_argument("in_network collectives need a switch topology");
}

// One pass through the switch: each of n ranks sends `up` bytes on its up
// link; each down link carries `down` bytes. Cut-through: the slower side binds.
void switch_pass(const Topology& t, const LinkConfig& l, unsigned n, uint64_t up, uint64_t down,
                 CollectiveCost& cost) {
  require_switch(t);
  cost.time_ps += 2 * l.latency_ps + l.switch_latency_ps + serialize_ps(std::max(up, down), l.bw_gbps);
  cost.latency_ps += 2 * l.latency_ps + l.switch_latency_ps;
  cost.link_bytes += uint64_t{n} * (up + down);
  cost.energy_pj = static_cast<double>(cost.link_bytes) * 8.0 * l.energy_pj_per_bit;
  ++cost.steps;
}

}  // namespace

CollectiveCost all_gather(const Topology& t, const LinkConfig& l, Algorithm a, uint64_t seg) {
  std::vector<unsigned> all(t.chips());
  for (unsigned i = 0; i < t.chips(); ++i) all[i] = i;
  return all_gather(t, l, a, seg, all);
}

CollectiveCost all_gather(const Topology& t, const LinkConfig& l, Algorithm a, uint64_t seg,
                          const std::vector<unsigned>& members) {
  CollectiveCost cost;
  const unsigned n = static_cast<unsigned>(members.size());
  if (n <= 1) return cost;
  const auto msg = [&](unsigned i, unsigned j, uint64_t bytes) { return Message{members[i], members[j], bytes}; };
  switch (a) {
    case Algorithm::Ring:
      for (unsigned s = 0; s + 1 < n; ++s) {
        std::vector<Message> step;
        for (unsigned i = 0; i < n; ++i) step.push_back(msg(i, (i + 1) % n, seg));
        add_step(t, l, step, cost);
      }
      break;
    case Algorithm::Tree:
      for (unsigned k = 0; k < ceil_log2(n); ++k) {
        const unsigned d = 1u << k, count = std::min(d, n - d);
        std::vector<Message> step;
        for (unsigned i = 0; i < n; ++i) step.push_back(msg(i, (i + n - d) % n, seg * count));
        add_step(t, l, step, cost);
      }
      break;
    case Algorithm::InNetwork: switch_pass(t, l, n, seg, seg * (n - 1), cost); break;
  }
  return cost;
}

CollectiveCost send_recv(const Topology& t, const LinkConfig& l, unsigned src, unsigned dst, uint64_t bytes) {
  CollectiveCost cost;
  add_step(t, l, {Message{src, dst, bytes}}, cost);
  return cost;
}

CollectiveCost all_reduce(const Topology& t, const LinkConfig& l, Algorithm a, uint64_t bytes) {
  CollectiveCost cost;
  const unsigned n = t.chips();
  if (n <= 1) return cost;
  switch (a) {
    case Algorithm::Ring: {
      const uint64_t seg = (bytes + n - 1) / n;
      for (unsigned s = 0; s < 2 * (n - 1); ++s) {
        std::vector<Message> step;
        for (unsigned i = 0; i < n; ++i) step.push_back({i, (i + 1) % n, seg});
        add_step(t, l, step, cost);
      }
      break;
    }
    case Algorithm::Tree: {
      const unsigned levels = ceil_log2(n);
      for (unsigned k = 0; k < levels; ++k) {  // reduce towards rank 0
        const unsigned d = 1u << k;
        std::vector<Message> step;
        for (unsigned i = d; i < n; i += 2 * d) step.push_back({i, i - d, bytes});
        add_step(t, l, step, cost);
      }
      for (unsigned k = levels; k-- > 0;) {  // broadcast from rank 0
        const unsigned d = 1u << k;
        std::vector<Message> step;
        for (unsigned i = 0; i + d < n; i += 2 * d) step.push_back({i, i + d, bytes});
        add_step(t, l, step, cost);
      }
      break;
    }
    case Algorithm::InNetwork: switch_pass(t, l, n, bytes, bytes, cost); break;
  }
  return cost;
}

}  // namespace pnm::interchip
