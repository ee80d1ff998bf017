#include "sim/report/interchip_report.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace pnm::report {

InterchipSnapshot InterchipSnapshot::of(const chip::MultiChip& sys) {
  return {sys.fabric().rank_stats(0), sys.fabric().totals()};
}

InterchipReport summarize_interchip(const chip::MultiChip& sys, const DecodeReport& chip0,
                                    const InterchipSnapshot& a, const InterchipSnapshot& b) {
  const interchip::InterchipConfig& c = sys.fabric().config();
  InterchipReport r;
  r.chips = c.chips;
  r.tp = c.tp;
  r.pp = c.pp;
  r.topology = interchip::topology_name(c.topology);
  r.algorithm = interchip::algorithm_name(c.algorithm);
  r.latency_ns = double(c.link.latency_ps) * 1e-3;
  r.bw_gbps = c.link.bw_gbps;
  const double steps = std::max(1.0, double(chip0.decode_steps));
  const double tokens = steps * std::max(1u, chip0.batch);
  r.wait_s = double(b.rank0.wait_ps - a.rank0.wait_ps) * 1e-12 / steps;
  r.collective_s = r.wait_s + double(b.rank0.transfer_ps - a.rank0.transfer_ps) * 1e-12 / steps;
  r.p2p_s = double(b.rank0.p2p_ps - a.rank0.p2p_ps) * 1e-12 / steps;
  r.pipeline_wait_s = double(b.rank0.p2p_wait_ps - a.rank0.p2p_wait_ps) * 1e-12 / steps;
  r.p2p_per_step = double(b.totals.p2p - a.totals.p2p) / steps;
  r.p2p_bytes_per_step = double(b.totals.p2p_bytes - a.totals.p2p_bytes) / steps;
  // The CPU's busy time includes the blocking GO, SEND and RECV writes: they
  // are taken out of it, so the parts add up to the step.
  const double fabric_s = r.collective_s + r.p2p_s + r.pipeline_wait_s;
  r.compute_s = chip0.vu_s + std::max(0.0, chip0.cpu_s - fabric_s);
  r.flash_s = std::max(0.0, chip0.token_s - fabric_s - r.compute_s);
  r.latency_s = double(b.rank0.latency_ps - a.rank0.latency_ps) * 1e-12 / steps;
  r.groups_per_step = double(b.totals.groups - a.totals.groups) / steps;
  r.payload_bytes_per_step = double(b.totals.payload_bytes - a.totals.payload_bytes) / steps;
  r.link_bytes_per_step = double(b.totals.link_bytes - a.totals.link_bytes) / steps;
  r.link_energy_j = (b.totals.energy_pj - a.totals.energy_pj) * 1e-12 / tokens;
  r.system_energy_j = chip0.e_total * c.chips + r.link_energy_j;
  r.tokens_per_s = chip0.tokens_per_s;
  return r;
}

void add_to_stats(const InterchipReport& r, Stats& s) {
  s.set("report.interchip.chips", uint64_t{r.chips}, "chips", "tensor-parallel ranks, every one simulated");
  s.set("report.interchip.collective", r.collective_s * 1e6, "us", "per decode step, rank 0 in COLL GO");
  s.set("report.interchip.barrier_wait", r.wait_s * 1e6, "us", "per decode step, part of collective");
  s.set("report.interchip.collective_latency", r.latency_s * 1e6, "us",
        "per decode step, part of collective: link and switch latencies (the rest: bytes / bandwidth, barrier)");
  s.set("report.interchip.compute", r.compute_s * 1e6, "us", "per decode step: vector unit + firmware (rank 0)");
  s.set("report.interchip.flash", r.flash_s * 1e6, "us", "per decode step: the rest, waiting for the GEMVs");
  s.set("report.interchip.groups_per_step", r.groups_per_step, "groups");
  s.set("report.interchip.payload_bytes_per_step", r.payload_bytes_per_step, "B");
  s.set("report.interchip.link_bytes_per_step", r.link_bytes_per_step, "B", "bytes x link traversals");
  s.set("report.interchip.link_energy_per_token", r.link_energy_j, "J");
  s.set("report.interchip.system_energy_per_token", r.system_energy_j, "J", "rank 0's chip x chips + links");
  if (r.pp <= 1) return;  // tensor parallelism alone keeps its stats as they were
  s.set("report.interchip.tp", uint64_t{r.tp}, "chips", "chips per tensor-parallel group");
  s.set("report.interchip.pp", uint64_t{r.pp}, "stages", "pipeline stages");
  s.set("report.interchip.p2p", r.p2p_s * 1e6, "us",
        "per decode step, rank 0 in SEND / RECV after both sides arrived (residuals out, tokens back)");
  s.set("report.interchip.pipeline_wait", r.pipeline_wait_s * 1e6, "us",
        "per decode step, rank 0 in SEND / RECV waiting for the peer: the other stages' work");
  s.set("report.interchip.p2p_per_step", r.p2p_per_step, "transfers", "fabric-wide");
  s.set("report.interchip.p2p_bytes_per_step", r.p2p_bytes_per_step, "B", "fabric-wide");
}

std::string format(const InterchipReport& r) {
  std::string o;
  auto line = [&](const std::string& k, const std::string& v) { o += fmt::format("  {:<40} {}\n", k, v); };
  if (r.pp > 1) {
    o += fmt::format("multi-chip ({} pipeline stages x {} tensor-parallel chips, every chip simulated; figures "
                     "above are rank 0's chip, stage 0)\n",
                     r.pp, r.tp);
  } else {
    o += "multi-chip (tensor parallel, every chip simulated; figures above are rank 0's chip)\n";
  }
  line("chips", fmt::format("{} on a {} ({} collectives), link {:.0f} ns, {:.1f} GB/s", r.chips, r.topology,
                            r.algorithm, r.latency_ns, r.bw_gbps));
  line("time per step", fmt::format("collective {:.1f} us (latency {:.1f} us, barrier wait {:.1f} us), compute "
                                    "{:.1f} us, flash {:.1f} us",
                                    r.collective_s * 1e6, r.latency_s * 1e6, r.wait_s * 1e6, r.compute_s * 1e6,
                                    r.flash_s * 1e6));
  if (r.pp > 1) {
    line("pipeline per step", fmt::format("p2p {:.1f} us ({:.0f} transfers, {:.0f} B), waiting for the other "
                                          "stages {:.1f} us",
                                          r.p2p_s * 1e6, r.p2p_per_step, r.p2p_bytes_per_step,
                                          r.pipeline_wait_s * 1e6));
  }
  line("collectives per step", fmt::format("{:.0f} groups, {:.0f} B gathered, {:.0f} B x link traversals",
                                           r.groups_per_step, r.payload_bytes_per_step, r.link_bytes_per_step));
  line("energy per token", fmt::format("{:.4g} J system ({:.3g} J links)", r.system_energy_j, r.link_energy_j));
  return o;
}

}  // namespace pnm::report
