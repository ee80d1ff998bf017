#include "tlm/pnm/pnm_config.hpp"

#include "tlm/common/pnm_regs.hpp"

namespace pnm::pnmu {

const char* to_string(Placement p) {
  switch (p) {
    case Placement::InDie: return "in_die";
    case Placement::Controller: return "controller";
    case Placement::LogicDie: return "logic_die";
  }
  return "?";
}

PnmConfig load_pnm_config(const ConfigReader& r) {
  PnmConfig c;
  c.queue_depth = static_cast<unsigned>(r.integer_or("queue_depth", c.queue_depth, {1, 255}));
  c.act_sram_bytes = static_cast<uint64_t>(r.integer_or(
      "act_sram_bytes", static_cast<int64_t>(c.act_sram_bytes),
      {1, static_cast<int64_t>(regs::addr::ACT_SRAM_MAX_BYTES)}));
  c.readahead_bytes = static_cast<uint64_t>(r.integer_or(
      "readahead_bytes", static_cast<int64_t>(c.readahead_bytes), {0, int64_t{1} << 30}));
  c.flash_queue_depth =
      static_cast<unsigned>(r.integer_or("flash_queue_depth", c.flash_queue_depth, {1, 1 << 20}));
  c.functional = r.boolean_or("functional", c.functional);
  c.mve = mve::load_mve_config(r.child("mve", /*required=*/false));
  const std::string pl = r.choice_or("placement", "controller", {"in_die", "controller", "logic_die"});
  c.placement = pl == "in_die" ? Placement::InDie : pl == "logic_die" ? Placement::LogicDie : Placement::Controller;
  {
    // Read (and checked) whatever the placement, so a typo never hides.
    const ConfigReader d = r.child("in_die", /*required=*/false);
    c.in_die.units_per_die =
        static_cast<unsigned>(d.integer_or("units_per_die", c.in_die.units_per_die, {1, 1024}));
    c.in_die.lanes = static_cast<unsigned>(d.integer_or("lanes", c.in_die.lanes, {1, 1 << 16}));
    c.in_die.clk_period_ps = d.duration_ps_or("clk_period", c.in_die.clk_period_ps, {1, 1e9});
    c.in_die.energy_pj_per_mac = d.real_or("energy_pj_per_mac", c.in_die.energy_pj_per_mac, {0, 1e3});
    c.in_die.act_broadcast = d.boolean_or("act_broadcast", c.in_die.act_broadcast);
    d.finish();
  }
  if (c.act_sram_bytes < c.mve.params.max_cols) {
    // Not an error of its own: a job's ACT_OFF + COLS is checked at PUSH.
    // But an SRAM smaller than one row tile can never hold a full-width row.
    r.fail("act_sram_bytes", "must hold at least mve.max_cols (" +
                                 std::to_string(c.mve.params.max_cols) +
                                 ") bytes: one activation vector of the widest row");
  }
  r.finish();
  return c;
}

}  // namespace pnm::pnmu
