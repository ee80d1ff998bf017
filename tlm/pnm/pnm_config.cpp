#include "tlm/pnm/pnm_config.hpp"

#include "tlm/common/pnm_regs.hpp"

namespace pnm::pnmu {

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
