// The in-die compute units of one flash channel (chip.pnm.placement:
// in_die): plain C++, analytic timing, no SystemC. tlm/chip/CHIP.md,
// "Placement", is the contract; the PNM unit (pnm_unit.hpp) owns one and
// hands it each GEMV job when the job's activations are available.
//
// Structure (every figure a config key: flash.* for the array and the bus,
// pnm.in_die.* for the units):
//   - the channel's dies x planes, each plane with one page register; the
//     array is per die, or per plane with flash.timing.independent_plane_reads;
//   - units_per_die compute units in every die; unit g of a die serves the
//     plane group [g * P/U, (g+1) * P/U) (P planes, U units per die), with
//     `lanes` int8 MACs per cycle at clk_period and an activation buffer for
//     one job's vectors;
//   - the channel bus (io_rate x width), shared by read commands,
//     activations and partial sums, reserved as intervals (a transfer may use
//     a gap before a later, already reserved one). It is the same physical
//     bus as the flash channel model's, kept here: under in_die nothing else
//     uses the bus while the units run (the load phase programs the weights
//     through the channel model before any job).
//
// One job (the channel's stripe of an R x K matrix, CHIP.md's layout, which
// does not change: page k of the stripe sits where AddressMap puts it):
//   read     page k is issued at max(push, its plane's page register free,
//            its array free): t_cmd_addr on the bus (when cmd_on_data_bus),
//            then tR; the page stays in the plane's page register. Without
//            independent plane reads, the job's pages on the following planes
//            of the same die (the next pages of the stripe: AddressMap
//            interleaves planes first) are read with it as one multi-plane
//            read (n commands, one tR), issued when all their page registers
//            are free. No data
//            crosses the bus, and the controller's ECC is not on the path:
//            the units compute on the sensed page.
//   act      the job's n vectors (n * K bytes) cross the bus once, from the
//            job's start (ACT_EPOCH reached, previous job done), to every unit
//            of the channel (act_broadcast: true, one transfer latched by
//            every die on the multi-drop bus) or to each unit that holds a
//            page of the job (false: one transfer per unit); then each unit
//            loads them (n * ceil(K / lanes) cycles, as the MVE does).
//   compute  page k's unit starts at max(page in register, its activations
//            loaded, unit free) and takes sum over the page's row segments of
//            ceil(segment bytes / lanes) cycles; the page register frees then.
//   partials one int32 per row segment and vector (4 * n * segments bytes)
//            crosses the bus to the controller after the compute. A row whose
//            bytes lie in several pages has one segment in each, so its
//            partials come from up to ceil(K / page) + 1 units; the
//            controller reduces them (int32 adds as they arrive, below one bus
//            word time each, so the transfer is the cost).
// The job ends when its last partial sum has reached the controller.
// Energy: energy_read_pj_per_page per sensed page, energy_transfer_pj_per_bit
// for every bus byte (commands excluded, as for page reads), and
// energy_pj_per_mac per MAC.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tlm/common/interval_schedule.hpp"
#include "tlm/common/stats.hpp"
#include "tlm/flash/flash_config.hpp"
#include "tlm/flash/flash_types.hpp"
#include "tlm/pnm/pnm_config.hpp"

namespace pnm::pnmu {

struct InDieJob {
  uint64_t flash = 0;    // channel-local byte address of the stripe (page aligned)
  uint64_t bytes = 0;    // rows_c * cols
  uint32_t cols = 0;     // K
  uint32_t vecs = 1;     // n
  uint64_t push_ps = 0;  // reads may start here
  uint64_t start_ps = 0; // activations leave the controller here
};

struct InDieCounters {
  uint64_t jobs = 0, pages = 0, array_reads = 0, bytes_sensed = 0, macs = 0;
  uint64_t act_bytes = 0, partial_bytes = 0, partials = 0;
  uint64_t array_busy_ps = 0;  // sum of tR over array operations
  uint64_t bus_busy_ps = 0;    // commands, activations and partial sums
  uint64_t unit_busy_ps = 0;   // sum over units of compute and activation-load time
  double energy_read_pj = 0, energy_bus_pj = 0, energy_mac_pj = 0;
};

class InDieArray {
 public:
  // Throws std::invalid_argument when units_per_die does not divide the
  // planes per die (the chip config rejects that first, naming the key).
  InDieArray(const pnm::flash::FlashConfig& flash, const InDieConfig& cfg);

  // Books job j; returns the time its last partial sum reaches the
  // controller. Jobs must come in push order.
  uint64_t run(const InDieJob& j);

  unsigned units() const { return static_cast<unsigned>(unit_free_.size()); }
  const InDieCounters& counters() const { return n_; }
  // <prefix>.{jobs, pages, ..., energy.total}
  void report(pnm::Stats& s, const std::string& prefix) const;

 private:
  // Disjoint, sorted bus reservations; those ending before `prune` are dropped.
  uint64_t bus_reserve(uint64_t earliest, uint64_t len);

  pnm::flash::FlashConfig f_;
  InDieConfig c_;
  pnm::flash::AddressMap map_;
  uint32_t planes_per_unit_;
  std::vector<uint64_t> arr_free_, reg_free_, unit_free_, unit_act_job_, unit_act_ready_;
  // The last read each die started: pages [page_begin, page_end) of job
  // `job` (a multi-plane read without independent plane reads).
  struct DieOp {
    uint64_t job = UINT64_MAX;
    uint64_t page_begin = 0, page_end = 0;
    uint64_t in_reg = 0;
  };
  std::vector<DieOp> die_op_;
  pnm::IntervalSchedule bus_;
  uint64_t prune_ps_ = 0;
  uint64_t job_seq_ = 0;
  InDieCounters n_;
};

}  // namespace pnm::pnmu
