#include "tlm/pnm/mve_config.hpp"
#include "tlm/pnm/mve_golden.hpp"
#include "tlm/pnm/mve_shadow.hpp"
#ifdef PNMSIM_HAVE_RTL
#include "tlm/pnm/mve_rtl.hpp"
#endif

namespace pnm::mve {

bool rtl_available() {
#ifdef PNMSIM_HAVE_RTL
  return true;
#else
  return false;
#endif
}

Params rtl_params() {
#ifdef PNMSIM_HAVE_RTL
  return RtlEngine().params();
#else
  throw ConfigError("the Verilated RTL's parameters: this build has PNMSIM_WITH_RTL=OFF");
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
  if (rtl->params().vectors != cfg.params.vectors) {
    throw ConfigError("mve.vectors = " + std::to_string(cfg.params.vectors) + " differs from the RTL build (VECTORS " +
                      std::to_string(rtl->params().vectors) + ") that mve.kind = " + cfg.kind +
                      " needs; allowed: exactly " + std::to_string(rtl->params().vectors));
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
