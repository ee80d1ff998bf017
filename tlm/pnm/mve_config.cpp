#include "tlm/pnm/mve_config.hpp"


namespace pnm::mve {

MveConfig load_mve_config(const ConfigReader& r) {
  MveConfig c;
  c.kind = r.choice_or("kind", c.kind, {"tlm", "rtl", "shadow"});
  c.params.lanes = static_cast<unsigned>(r.integer_or("lanes", c.params.lanes, {2, 256}));
  if ((c.params.lanes & (c.params.lanes - 1)) != 0) r.fail("lanes", "must be a power of two");
  c.params.max_cols = static_cast<unsigned>(r.integer_or("max_cols", c.params.max_cols, {1, 65535}));
  c.params.vectors = static_cast<unsigned>(r.integer_or("vectors", c.params.vectors, {1, 256}));
  c.clk_period_ps = r.duration_ps_or("clk_period", c.clk_period_ps, {2, 1e6});
  c.shadow_stop_after =
      static_cast<uint64_t>(r.integer_or("shadow_stop_after", 1, {0, int64_t{1} << 40}));
  c.energy_pj_per_mac = r.real_or("energy_pj_per_mac", c.energy_pj_per_mac, {0, 1e3});
  r.finish();
  return c;
}

}  // namespace pnm::mve
