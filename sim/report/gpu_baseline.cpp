#include "sim/report/gpu_baseline.hpp"

#include <stdexcept>

namespace pnm::report {

GpuConfig load_gpu_config(const std::string& path) {
  GpuConfig g = load_gpu_config(ConfigReader::from_file(path, "gpu", "GPU baseline"));
  g.source = path;
  return g;
}

GpuConfig load_gpu_config(const ConfigReader& r) {
  GpuConfig g;
  g.source = r.file();
  g.name = r.text_or("name", "gpu");
  g.mem_capacity_gb = r.real("mem_capacity_gb", {1e-3, 1e6});
  g.mem_bw_gbps = r.real("mem_bw_gbps", {1e-3, 1e7});
  g.power_w = r.real("power_w", {1e-3, 1e6});
  g.weight_bytes_per_param = r.real_or("weight_bytes_per_param", 1, {0.125, 8});
  g.kv_bytes_per_value = r.real_or("kv_bytes_per_value", 4, {0.125, 8});
  r.finish();
  return g;
}

GpuEstimate gpu_roofline(const GpuConfig& g, const model::ModelShape& s, int batch, int context_len) {
  if (batch < 1 || context_len < 1) throw std::invalid_argument("gpu_roofline: batch and context must be >= 1");
  double params = 0;
  for (const auto& m : s.matrices()) params += double(m.rows) * double(m.cols) * double(m.count);
  const double weights = params * g.weight_bytes_per_param;
  const double kv_per_token = 2.0 * s.n_layers * double(s.kv_dim()) * g.kv_bytes_per_value;
  GpuEstimate e;
  e.bytes_needed = weights + double(batch) * s.seq_len * kv_per_token;
  e.fits = e.bytes_needed <= g.mem_capacity_gb * 1e9;
  e.bytes_per_step = weights + double(batch) * context_len * kv_per_token;
  e.step_s = e.bytes_per_step / (g.mem_bw_gbps * 1e9);
  e.tokens_per_s = batch / e.step_s;
  e.energy_j_per_token = g.power_w * e.step_s / batch;
  return e;
}

}  // namespace pnm::report
