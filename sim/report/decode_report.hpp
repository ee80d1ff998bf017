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
  int tokens = 0;                // generated per sequence
  bool timing_only = false;
  std::vector<std::vector<int32_t>> token_ids;  // per sequence
  // Workload.
  uint32_t batch = 1;
  uint32_t context = 0;          // position of the first decode step's input (KV rows before it)
  uint32_t prompt_tokens = 0;    // per sequence, simulated as prefill
  uint32_t prefill_steps = 0, decode_steps = 0;
  // Prefill: from the first prompt step to the first token of every sequence.
  double ttft_s = 0;
  double prefill_tokens_per_s = 0;  // prompt tokens of all sequences / ttft
  // Decode: the steps after the prefill (the prefill itself when there are none).
  double decode_s = 0;           // simulated, every decode step
  double token_s = 0;            // mean simulated time per step (a token of each sequence)
  double tokens_per_s = 0;       // per sequence
  double aggregate_tokens_per_s = 0;  // all sequences
  double wall_s = 0;
  // KV cache and capacity.
  double kv_bytes_per_token = 0;
  double kv_bytes = 0;           // in use at the end: batch x (context + tokens - 1) positions
  double kv_capacity_bytes = 0;  // logic memory left for the KV cache beside everything else
  double memory_bytes = 0;       // chip.logic.memory.size_bytes
  double max_batch = 0;          // sequences of this many positions that fit
  double tokens_per_s_per_kv_gib = 0;   // aggregate tokens/s / GiB of KV cache in use
  double tokens_per_s_per_mem_gib = 0;  // aggregate tokens/s / GiB of logic memory
  // Busy time per decode step of each block class (mean over instances; blocks overlap in time).
  double flash_bus_s = 0, flash_array_s = 0, mve_s = 0, vu_s = 0, tsv_s = 0, cpu_s = 0, cpu_mmio_s = 0;
  double vu_stream_s = 0;  // part of vu_s bound by memory bandwidth (K/V traffic), not the lanes
  std::vector<double> channel_util;  // flash bus busy / decode time, per channel
  double weight_bytes_per_token = 0;
  double tsv_bytes_per_token = 0;         // both directions, all links
  double vu_operand_bytes_per_token = 0;  // the vector unit's memory traffic (K/V reads dominate at long contexts)
  double roofline_gbps = 0, achieved_gbps = 0, efficiency = 0;
  // Energy per token, joules.
  double e_flash = 0, e_tsv = 0, e_mem = 0, e_vu = 0, e_mve = 0, e_total = 0;
  double flash_reads = 0, retries = 0, uncorrectable = 0, max_pe = 0;
  double load_s = 0, pages_programmed = 0;
  GpuConfig gpu;
  GpuEstimate gpu_est;
};

// `before`, `mid` and `after` are the chip's stats at the start, at the end
// of the prefill and at the end of the decode, so the load phase
// (programming) is charged to nothing and the prefill not to the decode
// steps. Per-token figures divide decode-phase totals by the tokens the
// decode steps generated (all sequences); per-step times by the steps. With
// no decode step (one token), the prefill stands in for the decode phase.
// shape: the model for the GPU baseline (nullptr: no baseline, e.g. PHOTON).
DecodeReport summarize(const chip::ChipConfig& cfg, const model::ModelShape* shape, const chip::RunLog& s,
                       const chip::LoadReport& load, const Stats& before, const Stats& mid, const Stats& after,
                       const GpuConfig& gpu, double wall_s);
void add_to_stats(const DecodeReport& r, Stats& stats);
std::string format(const DecodeReport& r, const std::string& model, const std::string& config);

}  // namespace pnm::report
