// The multi-chip part of a run report: what the chip-to-chip fabric added to
// each decode step, from rank 0's point of view (every tensor-parallel rank
// runs the same steps; rank 0 holds the most rows).
//
// Time per decode step, split three ways (the step is serial on each chip):
//   collective  rank 0's time inside COLL GO: barrier skew + the all-gathers
//   compute     vector unit busy + control-CPU firmware time (rank 0),
//               without the GO writes (the CPU is blocked in them)
//   flash       the rest: waiting for the GEMVs, whose weight streams are
//               flash-bound on these presets (flash_bus_s shows the bus)
// With pipeline stages (pp > 1) two more parts, also rank 0's (stage 0):
//   p2p         in SEND / RECV after both sides arrived: the residual
//               vectors to stage 1 and the tokens back from the last stage
//   pipeline    waiting in SEND / RECV for the peer: the other stages'
//               work (at batch 1 the stages run one after another)
// Energy per token: rank 0's chip energy x N (rank 0 is the largest; under
// a pipeline every stage runs as many layers) + links.
#pragma once

#include <string>

#include "sim/report/decode_report.hpp"
#include "tlm/chip/multichip.hpp"

namespace pnm::report {

struct InterchipSnapshot {
  interchip::RankStats rank0;
  interchip::FabricTotals totals;
  static InterchipSnapshot of(const chip::MultiChip& sys);
};

struct InterchipReport {
  unsigned chips = 1, tp = 1, pp = 1;
  std::string topology, algorithm;
  double latency_ns = 0, bw_gbps = 0;
  double collective_s = 0, wait_s = 0, compute_s = 0, flash_s = 0;  // per decode step
  double latency_s = 0;  // per decode step: the latency terms of rank 0's collectives
  double p2p_s = 0, pipeline_wait_s = 0;  // per decode step, rank 0 (pp > 1)
  double p2p_per_step = 0, p2p_bytes_per_step = 0;  // fabric-wide
  double groups_per_step = 0, payload_bytes_per_step = 0, link_bytes_per_step = 0;
  double link_energy_j = 0, system_energy_j = 0;  // per token
  double tokens_per_s = 0;
};

// decode_start: the snapshot when the decode steps began (after the prefill);
// end: after the run. chip0 is rank 0's DecodeReport.
InterchipReport summarize_interchip(const chip::MultiChip& sys, const DecodeReport& chip0,
                                    const InterchipSnapshot& decode_start, const InterchipSnapshot& end);
void add_to_stats(const InterchipReport& r, Stats& s);
std::string format(const InterchipReport& r);

}  // namespace pnm::report
