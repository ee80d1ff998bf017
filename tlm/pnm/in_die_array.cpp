#include "tlm/pnm/in_die_array.hpp"

#include <algorithm>
#include <stdexcept>

namespace pnm::pnmu {

InDieArray::InDieArray(const pnm::flash::FlashConfig& flash, const InDieConfig& cfg)
    : f_(flash), c_(cfg), map_(flash), planes_per_unit_(1) {
  const uint32_t planes = f_.planes_per_die;
  if (c_.units_per_die == 0 || c_.units_per_die > planes || planes % c_.units_per_die != 0)
    throw std::invalid_argument("in_die: units_per_die " + std::to_string(c_.units_per_die) +
                                " must divide planes_per_die " + std::to_string(planes));
  if (c_.lanes == 0 || c_.clk_period_ps == 0)
    throw std::invalid_argument("in_die: lanes and clk_period must be positive");
  planes_per_unit_ = planes / c_.units_per_die;
  const size_t dies = f_.dies_per_channel();
  arr_free_.assign(f_.independent_plane_reads ? dies * planes : dies, 0);
  reg_free_.assign(dies * planes, 0);
  unit_free_.assign(dies * c_.units_per_die, 0);
  unit_act_job_.assign(unit_free_.size(), UINT64_MAX);
  unit_act_ready_.assign(unit_free_.size(), 0);
  die_op_.assign(dies, DieOp{});
}

uint64_t InDieArray::bus_reserve(uint64_t t, uint64_t len) {
  const uint64_t start = bus_.reserve(t, len, prune_ps_);
  n_.bus_busy_ps += len;
  return start;
}

uint64_t InDieArray::run(const InDieJob& j) {
  const uint64_t job = job_seq_++;
  ++n_.jobs;
  if (j.bytes == 0 || j.cols == 0) return j.start_ps;
  // Every later reservation starts at or after this push (pushes only grow).
  prune_ps_ = std::max(prune_ps_, j.push_ps);
  const uint32_t page = f_.page_size_bytes, planes = f_.planes_per_die;
  const uint64_t clk = c_.clk_period_ps, lanes = c_.lanes;
  const uint64_t beats_row = (uint64_t{j.cols} + lanes - 1) / lanes;
  const uint64_t act_bytes = uint64_t{j.vecs} * j.cols;
  const uint64_t act_load_ps = uint64_t{j.vecs} * beats_row * clk;  // into the unit's buffer
  const uint64_t cmd = f_.t_cmd_addr_ps;
  const double pj_bit = f_.energy_transfer_pj_per_bit * 8.0;
  uint64_t bcast_done = 0;
  bool bcast_sent = false;
  uint64_t end = j.start_ps;
  const uint64_t pages = (j.bytes + page - 1) / page;
  for (uint64_t k = 0; k < pages; ++k) {
    const uint64_t begin = k * page, stop = std::min<uint64_t>(begin + page, j.bytes);
    const pnm::flash::PageAddr a = map_.decode(j.flash + begin);
    const size_t pl = size_t{a.die} * planes + a.plane;
    const size_t ai = f_.independent_plane_reads ? pl : a.die;
    const size_t u = size_t{a.die} * c_.units_per_die + a.plane / planes_per_unit_;
    // Read: command on the bus (if shared with data), tR into the page register.
    uint64_t in_reg = 0;
    DieOp& op = die_op_[a.die];
    if (!f_.independent_plane_reads && op.job == job && op.page_end > k && op.page_begin <= k) {
      in_reg = op.in_reg;  // sensed by the die's multi-plane read below
    } else {
      // Without independent plane reads, the pages of this job on the next
      // planes of the die (the next pages of the stripe: AddressMap
      // interleaves planes first) are sensed together: one multi-plane read,
      // n commands, one tR, issued when all their page registers are free.
      const uint64_t n = f_.independent_plane_reads
                             ? 1
                             : std::min<uint64_t>(planes - a.plane, pages - k);
      uint64_t issue = std::max(j.push_ps, arr_free_[ai]);
      for (uint64_t i = 0; i < n; ++i) issue = std::max(issue, reg_free_[pl + i]);
      const uint64_t as = (f_.cmd_on_data_bus ? bus_reserve(issue, n * cmd) : issue) + n * cmd;
      in_reg = as + f_.t_read_ps;
      arr_free_[ai] = in_reg;
      n_.array_busy_ps += f_.t_read_ps;
      ++n_.array_reads;
      op = DieOp{job, k, k + n, in_reg};
    }
    ++n_.pages;
    n_.bytes_sensed += stop - begin;
    n_.energy_read_pj += f_.energy_read_pj_per_page;
    // Activations: once per job (broadcast) or once per unit and job, after
    // the unit has finished its previous job's pages (one activation buffer).
    if (unit_act_job_[u] != job) {
      uint64_t arrived = 0;
      if (c_.act_broadcast) {
        if (!bcast_sent) {
          const uint64_t x = f_.xfer_ps(act_bytes);
          bcast_done = bus_reserve(j.start_ps, x) + x;
          n_.act_bytes += act_bytes;
          n_.energy_bus_pj += pj_bit * double(act_bytes);
          bcast_sent = true;
        }
        arrived = bcast_done;
      } else {
        const uint64_t x = f_.xfer_ps(act_bytes);
        arrived = bus_reserve(std::max(j.start_ps, unit_free_[u]), x) + x;
        n_.act_bytes += act_bytes;
        n_.energy_bus_pj += pj_bit * double(act_bytes);
      }
      const uint64_t loaded = std::max(arrived, unit_free_[u]) + act_load_ps;
      n_.unit_busy_ps += act_load_ps;
      unit_free_[u] = loaded;
      unit_act_job_[u] = job;
      unit_act_ready_[u] = loaded;
    }
    // Compute the page's row segments; the page register frees at the end.
    const uint64_t r_first = begin / j.cols, r_last = (stop - 1) / j.cols;
    uint64_t beats = 0;
    for (uint64_t r = r_first; r <= r_last; ++r) {
      const uint64_t s0 = std::max<uint64_t>(begin, r * j.cols);
      const uint64_t s1 = std::min<uint64_t>(stop, (r + 1) * j.cols);
      beats += (s1 - s0 + lanes - 1) / lanes;
    }
    const uint64_t c0 = std::max({in_reg, unit_act_ready_[u], unit_free_[u]});
    const uint64_t c1 = c0 + beats * clk;
    unit_free_[u] = c1;
    reg_free_[pl] = c1;
    n_.unit_busy_ps += beats * clk;
    n_.macs += (stop - begin) * j.vecs;
    n_.energy_mac_pj += c_.energy_pj_per_mac * double((stop - begin) * j.vecs);
    // Partial sums out to the controller, which reduces them.
    const uint64_t segs = r_last - r_first + 1;
    const uint64_t pbytes = 4 * segs * j.vecs;
    const uint64_t x = f_.xfer_ps(pbytes);
    const uint64_t arrive = bus_reserve(c1, x) + x;
    n_.partials += segs * j.vecs;
    n_.partial_bytes += pbytes;
    n_.energy_bus_pj += pj_bit * double(pbytes);
    end = std::max(end, arrive);
  }
  return end;
}

void InDieArray::report(pnm::Stats& s, const std::string& p) const {
  const auto ns = [](uint64_t v) { return static_cast<double>(v) * 1e-3; };
  s.set(p + ".units", uint64_t{units()}, "units", "compute units in the channel's dies");
  s.set(p + ".jobs", n_.jobs, "jobs");
  s.set(p + ".pages", n_.pages, "pages", "sensed into page registers (no bus transfer)");
  s.set(p + ".array_reads", n_.array_reads, "ops", "array operations (a multi-plane read is one)");
  s.set(p + ".bytes_sensed", n_.bytes_sensed, "B");
  s.set(p + ".macs", n_.macs, "MACs");
  s.set(p + ".act_bytes", n_.act_bytes, "B", "activations over the channel bus");
  s.set(p + ".partial_bytes", n_.partial_bytes, "B", "int32 partial sums over the channel bus");
  s.set(p + ".partials", n_.partials, "int32", "reduced at the controller");
  s.set(p + ".time.array_busy", ns(n_.array_busy_ps), "ns", "sum of tR over array operations");
  s.set(p + ".time.bus_busy", ns(n_.bus_busy_ps), "ns", "commands, activations, partial sums");
  s.set(p + ".time.unit_busy", ns(n_.unit_busy_ps), "ns", "sum over units");
  s.set(p + ".energy.read", n_.energy_read_pj, "pJ");
  s.set(p + ".energy.bus", n_.energy_bus_pj, "pJ");
  s.set(p + ".energy.mac", n_.energy_mac_pj, "pJ");
  s.set(p + ".energy.total", n_.energy_read_pj + n_.energy_bus_pj + n_.energy_mac_pj, "pJ");
}

}  // namespace pnm::pnmu
