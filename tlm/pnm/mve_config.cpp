#include "tlm/pnm/mve_config.hpp"

#include "tlm/pnm/mve_golden.hpp"
#include "tlm/pnm/mve_shadow.hpp"
#ifdef PNMSIM_HAVE_RTL
#include "tlm/pnm/mve_rtl.hpp"
#endif

namespace pnm::mve {

MveConfig load_mve_config(const ConfigReader& r) {
  MveConfig c;
  c.kind = r.choice_or("kind", c.kind, {"tlm", "rtl", "shadow"});
  c.params.lanes = static_cast<unsigned>(r.integer_or("lanes", c.params.lanes, {2, 256}));
  if ((c.params.lanes & (c.params.lanes - 1)) != 0) r.fail("lanes", "must be a power of two");
  c.params.max_cols = static_cast<unsigned>(r.integer_or("max_cols", c.params.max_cols, {1, 65535}));
  c.clk_period_ps = r.duration_ps_or("clk_period", c.clk_period_ps, {2, 1e6});
  c.shadow_stop_after =
      static_cast<uint64_t>(r.integer_or("shadow_stop_after", 1, {0, int64_t{1} << 40}));
  r.finish();
  return c;
}

bool rtl_available() {
#ifdef PNMSIM_HAVE_RTL
  return true;
#else
  return false;
#endif
}

std::unique_ptr<Engine> make_engine(const MveConfig& cfg) {
  if (cfg.kind == "tlm") return std::make_unique<GoldenEngine>(cfg.params);
#ifdef PNMSIM_HAVE_RTL
  auto rtl = std::make_unique<RtlEngine>(StallConfig{}, cfg.fst_path, cfg.clk_period_ps);
  if (rtl->params().lanes != cfg.params.lanes || rtl->params().max_cols != cfg.params.max_cols) {
    throw ConfigError("mve: lanes " + std::to_string(cfg.params.lanes) + " / max_cols " +
                      std::to_string(cfg.params.max_cols) + " differ from the RTL build (lanes " +
                      std::to_string(rtl->params().lanes) + ", max_cols " +
                      std::to_string(rtl->params().max_cols) + "); allowed: exactly those");
  }
  if (cfg.kind == "rtl") return rtl;
  RtlEngine* raw = rtl.get();
  return std::make_unique<ShadowEngine>(
      std::move(rtl), std::make_unique<GoldenEngine>(cfg.params),
      [raw](uint64_t cycle) { return raw->wave_time_ps(cycle); }, cfg.shadow_stop_after);
#else
  throw ConfigError("mve.kind = " + cfg.kind +
                    " needs the Verilated RTL; this build has PNMSIM_WITH_RTL=OFF "
                    "(allowed here: tlm)");
#endif
}

}  // namespace pnm::mve
