// Analytic GPU baseline for the decode step: the memory roofline.
//
// Per token, a batch of B sequences at context length T reads every weight
// once (shared by the batch) and each sequence's KV cache:
//   bytes_per_step = W + B * T * kv_bytes_per_token
//   step time      = bytes_per_step / mem_bw
//   tokens/s       = B / step time
//   energy/token   = power * step time / B
// W counts every GEMV matrix at weight_bytes_per_param plus fp32 norms and
// embedding rows actually read (one row per token, negligible; counted as
// the int8 matrices only). The model fits when W + B * seq_len *
// kv_bytes_per_token <= capacity.
#pragma once

#include <string>

#include "sim/model/shape.hpp"
#include "tlm/common/config.hpp"

namespace pnm::report {

struct GpuConfig {
  std::string name;
  std::string source;
  double mem_capacity_gb = 80;
  double mem_bw_gbps = 3350;
  double power_w = 700;
  double weight_bytes_per_param = 1;
  double kv_bytes_per_value = 4;
};

GpuConfig load_gpu_config(const std::string& path);
GpuConfig load_gpu_config(const ConfigReader& gpu_section);

struct GpuEstimate {
  bool fits = true;
  double bytes_needed = 0;       // weights + KV cache of the whole batch at seq_len
  double bytes_per_step = 0;     // read per decode step of the batch
  double step_s = 0;
  double tokens_per_s = 0;       // all sequences together
  double energy_j_per_token = 0;
};

GpuEstimate gpu_roofline(const GpuConfig& g, const model::ModelShape& s, int batch, int context_len);

}  // namespace pnm::report
