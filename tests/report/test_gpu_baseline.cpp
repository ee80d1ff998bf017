// The analytic GPU roofline against numbers computed here from the public
// model shapes and the H100 datasheet figures.
#include <gtest/gtest.h>

#include "sim/model/shape.hpp"
#include "sim/report/gpu_baseline.hpp"

namespace pnm::report {
namespace {

const std::string kRoot = PNMSIM_SOURCE_DIR;

double llama_params(double dim, double layers, double heads, double kv_heads, double hidden, double vocab) {
  const double hd = dim / heads, kv = kv_heads * hd;
  return layers * (dim * dim * 2 + dim * kv * 2 + 3 * dim * hidden) + vocab * dim;
}

TEST(GpuBaseline, Llama2_7bOnH100IsBandwidthOverBytes) {
  const GpuConfig g = load_gpu_config(kRoot + "/sim/configs/gpu/h100_sxm.yaml");
  const auto s = model::load_shape_yaml(kRoot + "/sim/configs/models/llama2_7b.yaml");
  const double w = llama_params(4096, 32, 32, 32, 11008, 32000);  // int8: 1 byte each
  const double kv_tok = 2.0 * 32 * 4096 * 4;                      // fp32 K and V per token
  const GpuEstimate e = gpu_roofline(g, s, /*batch=*/1, /*context=*/1024);
  EXPECT_TRUE(e.fits);
  EXPECT_NEAR(e.bytes_per_step, w + 1024 * kv_tok, 1.0);
  EXPECT_NEAR(e.tokens_per_s, 3350e9 / (w + 1024 * kv_tok), 1e-6 * e.tokens_per_s);
  EXPECT_NEAR(e.energy_j_per_token, 700.0 / e.tokens_per_s, 1e-9);
  std::printf("Llama-2-7B int8 on H100, context 1024: %.1f tokens/s, %.3f J/token\n", e.tokens_per_s,
              e.energy_j_per_token);
}

TEST(GpuBaseline, BatchSharesWeightsButNotKv) {
  const GpuConfig g = load_gpu_config(kRoot + "/sim/configs/gpu/h100_sxm.yaml");
  const auto s = model::load_shape_yaml(kRoot + "/sim/configs/models/llama2_7b.yaml");
  const GpuEstimate one = gpu_roofline(g, s, 1, 512), eight = gpu_roofline(g, s, 8, 512);
  EXPECT_GT(eight.tokens_per_s, 4 * one.tokens_per_s);
  EXPECT_LT(eight.tokens_per_s, 8 * one.tokens_per_s);
}

TEST(GpuBaseline, Llama2_70bFitsInInt8ButNotInFp16) {
  GpuConfig g = load_gpu_config(kRoot + "/sim/configs/gpu/h100_sxm.yaml");
  const auto s = model::load_shape_yaml(kRoot + "/sim/configs/models/llama2_70b.yaml");
  EXPECT_TRUE(gpu_roofline(g, s, 1, 1).fits);
  g.weight_bytes_per_param = 2;
  const GpuEstimate e = gpu_roofline(g, s, 1, 1);
  EXPECT_FALSE(e.fits);
  EXPECT_GT(e.bytes_needed, 80e9);
}

TEST(GpuBaseline, BadConfigNamesKeyAndRange) {
  try {
    load_gpu_config(ConfigReader::from_string("gpu: {mem_capacity_gb: 80, mem_bw_gbps: -1, power_w: 700}",
                                              "bad.yaml", "gpu", "GPU baseline"));
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("mem_bw_gbps"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("bad.yaml"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace pnm::report
