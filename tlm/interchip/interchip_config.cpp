#include "tlm/interchip/interchip_config.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace pnm::interchip {

const char* topology_name(TopologyKind k) {
  switch (k) {
    case TopologyKind::Ring: return "ring";
    case TopologyKind::Torus2D: return "torus2d";
    case TopologyKind::Switch: return "switch";
  }
  return "?";
}

const char* algorithm_name(Algorithm a) {
  switch (a) {
    case Algorithm::Ring: return "ring";
    case Algorithm::Tree: return "tree";
    case Algorithm::InNetwork: return "in_network";
  }
  return "?";
}

InterchipConfig load_interchip_config(const ConfigReader& r) {
  InterchipConfig c;
  const int64_t max = InterchipConfig::kMaxChips;
  c.chips = static_cast<unsigned>(r.integer_or("chips", 1, {1, max}));
  c.pp = static_cast<unsigned>(r.integer_or("pp", 1, {1, max}));
  const bool tp_given = r.has("tp");
  c.tp = static_cast<unsigned>(r.integer_or("tp", c.chips % c.pp == 0 ? c.chips / c.pp : c.chips, {1, max}));
  const std::string topo = r.choice_or("topology", "ring", {"ring", "torus2d", "switch"});
  c.topology = topo == "ring" ? TopologyKind::Ring : topo == "torus2d" ? TopologyKind::Torus2D : TopologyKind::Switch;
  if (c.topology == TopologyKind::Torus2D) {
    c.torus_x = static_cast<unsigned>(r.integer("torus_x", {1, max}));
    c.torus_y = static_cast<unsigned>(r.integer("torus_y", {1, max}));
  }
  if (c.topology == TopologyKind::Switch) c.switch_ports = static_cast<unsigned>(r.integer_or("switch_ports", max, {2, 4096}));
  const std::string alg = r.choice_or("algorithm", "ring", {"ring", "tree", "in_network"});
  c.algorithm = alg == "ring" ? Algorithm::Ring : alg == "tree" ? Algorithm::Tree : Algorithm::InNetwork;
  const ConfigReader l = r.child("link", false);
  // Zero latency or bandwidth is refused: a link without either is not a
  // model of anything (and a zero bandwidth would divide by zero).
  c.link.latency_ps = l.duration_ps_or("latency", c.link.latency_ps, {1, 1e9});
  c.link.bw_gbps = l.real_or("bw_gbps", c.link.bw_gbps, {1e-3, 1e6});
  c.link.switch_latency_ps = l.duration_ps_or("switch_latency", c.link.switch_latency_ps, {1, 1e9});
  c.link.energy_pj_per_bit = l.real_or("energy_pj_per_bit", c.link.energy_pj_per_bit, {0, 1e3});
  l.finish();
  r.finish();

  // chips = tp x pp: pp stages, each a tensor-parallel group of tp chips.
  if (c.pp > c.chips) {
    r.fail("pp", fmt::format("= {} is above chips = {} (each pipeline stage needs a chip): allowed 1 .. {}", c.pp,
                             c.chips, c.chips));
  }
  if (!tp_given && c.chips % c.pp != 0) {
    r.fail("pp", fmt::format("= {} does not divide chips = {} (chips = tp x pp): allowed a divisor of {}", c.pp,
                             c.chips, c.chips));
  }
  if (c.tp * c.pp != c.chips) {
    r.fail("tp", fmt::format("= {} with pp = {} gives {} chips, but chips = {}: allowed tp = chips / pp = {}", c.tp,
                             c.pp, c.tp * c.pp, c.chips,
                             c.chips % c.pp == 0 ? std::to_string(c.chips / c.pp) : std::string("(none)")));
  }
  if (c.topology == TopologyKind::Torus2D && c.chips > c.torus_x * c.torus_y) {
    r.fail("chips", fmt::format("= {} is above the torus2d's {} x {} = {} positions: allowed 1 .. {}", c.chips,
                                c.torus_x, c.torus_y, c.torus_x * c.torus_y, c.torus_x * c.torus_y));
  }
  if (c.topology == TopologyKind::Switch && c.chips > c.switch_ports) {
    r.fail("chips", fmt::format("= {} is above the switch's {} ports: allowed 1 .. {}", c.chips, c.switch_ports,
                                std::min<unsigned>(c.switch_ports, InterchipConfig::kMaxChips)));
  }
  if (c.algorithm == Algorithm::InNetwork && c.topology != TopologyKind::Switch) {
    r.fail("algorithm", fmt::format("in_network reduces in a switch, and topology is {}: allowed with topology "
                                    "switch (ring or tree with any)",
                                    topology_name(c.topology)));
  }
  return c;
}

void check_pipeline_split(const std::string& where, unsigned pp, int n_layers) {
  if (pp <= 1 || n_layers % int(pp) == 0) return;
  throw ConfigError(fmt::format("{}: chip.interchip.pp = {}: split does not divide layers (the model's {} layers "
                                "over {} pipeline stages; every stage runs as many): allowed a divisor of {}",
                                where, pp, n_layers, pp, n_layers));
}

void check_tensor_split(const std::string& where, unsigned tp, int n_heads, int kv_dim, int hidden_dim,
                        int vocab_size) {
  if (tp <= 1) return;
  const auto fail = [&](const std::string& why) {
    throw ConfigError(fmt::format("{}: chip.interchip.tp = {} {}", where, tp, why));
  };
  if (n_heads % int(tp) != 0) {
    fail(fmt::format("does not divide the model's {} heads (each rank's Wq rows are whole heads): allowed a "
                     "divisor of {}",
                     n_heads, n_heads));
  }
  const int rows = std::min({kv_dim, hidden_dim, vocab_size});
  if (rows < int(tp)) {
    fail(fmt::format("leaves a rank without rows of the model's smallest matrix ({} rows): allowed 1 .. {}", rows,
                     rows));
  }
}

}  // namespace pnm::interchip
