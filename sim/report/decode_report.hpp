// The run report: what an architect asks of a decode run (tokens/s, where
// the time and energy go, how well the flash is used, wear, KV cache, and a
// GPU for comparison), derived from the chip's stats after the run. One
// struct, printed as a table and added to the stats JSON under `report.`.
#pragma once

#include <string>

#include "sim/report/gpu_baseline.hpp"
#include "tlm/chip/decode_session.hpp"
#include "tlm/common/stats.hpp"

namespace pnm::report {

struct DecodeReport {
  unsigned channels = 0;
  int tokens = 0;
  bool timing_only = false;
  std::vector<int32_t> token_ids;
  double decode_s = 0;           // simulated, all tokens
  double token_s = 0;            // mean simulated time per token
  double tokens_per_s = 0;
  double wall_s = 0;
  // Busy time per token of each block class (mean over instances; blocks overlap in time).
  double flash_bus_s = 0, flash_array_s = 0, mve_s = 0, vu_s = 0, tsv_s = 0, cpu_s = 0, cpu_mmio_s = 0;
  std::vector<double> channel_util;  // flash bus busy / decode time, per channel
  double weight_bytes_per_token = 0;
  double roofline_gbps = 0, achieved_gbps = 0, efficiency = 0;
  // Energy per token, joules.
  double e_flash = 0, e_tsv = 0, e_mem = 0, e_vu = 0, e_mve = 0, e_total = 0;
  double flash_reads = 0, retries = 0, uncorrectable = 0, max_pe = 0;
  double load_s = 0, pages_programmed = 0;
  double kv_bytes = 0;  // KV cache after the run
  GpuConfig gpu;
  GpuEstimate gpu_est;
};

// `before` and `after` are the chip's stats at the start and the end of the
// decode, so the load phase (programming) is not charged to the tokens.
DecodeReport summarize(const chip::ChipConfig& cfg, const model::ModelShape& shape, const chip::DecodeSession& s,
                       const chip::LoadReport& load, const Stats& before, const Stats& after,
                       const GpuConfig& gpu, double wall_s);
void add_to_stats(const DecodeReport& r, Stats& stats);
std::string format(const DecodeReport& r, const std::string& model, const std::string& config);

}  // namespace pnm::report
