// ModelShape validation, derived sizes, YAML presets, check_fits.
#include <gtest/gtest.h>

#include <fstream>

#include "sim/model/error.hpp"
#include "sim/model/shape.hpp"
#include "test_util.hpp"

namespace pnm::model {
namespace {

using test::expect_error;
using test::tiny_shape;

std::string preset(const std::string& name) {
  return std::string(PNMSIM_MODEL_PRESET_DIR) + "/" + name + ".yaml";
}


TEST(Shape, TinyIsValidWithDerivedSizes) {
  const ModelShape s = tiny_shape();
  EXPECT_EQ(s.problem(), "");
  EXPECT_EQ(s.head_dim(), 16);
  EXPECT_EQ(s.kv_dim(), 32);
  EXPECT_EQ(s.kv_group(), 2);
  EXPECT_EQ(s.kv_bytes_per_token(), 2u * 2u * 32u * 4u);
  // int8 bytes: per layer wq, wo 64x64; wk, wv 32x64; w1, w3 172x64; w2 64x172; cls 256x64.
  const uint64_t per_layer = 2 * 64 * 64 + 2 * 32 * 64 + 3 * 172 * 64;
  const WeightBytes b = s.weight_bytes();
  EXPECT_EQ(b.int8_matrices, 2 * per_layer + 256 * 64);
  const uint64_t rows_per_layer = 64 + 32 + 32 + 64 + 172 + 172 + 64;
  EXPECT_EQ(b.row_scales, 4 * (2 * rows_per_layer + 256));
  EXPECT_EQ(b.fp32_norms, 4u * 5u * 64u);
  EXPECT_EQ(b.fp32_embedding, 4u * 256u * 64u);
  EXPECT_EQ(b.total(), b.int8_matrices + b.row_scales + b.fp32_norms + b.fp32_embedding);
}

TEST(Shape, ValidationNamesTheProblemAndTheAmount) {
  auto with = [](auto mutate) {
    ModelShape s = tiny_shape();
    mutate(s);
    return s;
  };
  EXPECT_EQ(with([](ModelShape& s) { s.n_heads = 5; }).problem(),
            "dim 64 is not divisible by n_heads 5 (remainder 4)");
  EXPECT_EQ(with([](ModelShape& s) { s.n_kv_heads = 3; }).problem(),
            "n_heads 4 is not divisible by n_kv_heads 3 (remainder 1)");
  EXPECT_EQ(with([](ModelShape& s) { s.n_kv_heads = 8; }).problem(),
            "n_kv_heads 8 exceeds n_heads 4 by 4");
  EXPECT_EQ(with([](ModelShape& s) { s.dim = 0; }).problem(), "dim = 0 must be > 0");
  EXPECT_EQ(with([](ModelShape& s) { s.seq_len = -3; }).problem(), "seq_len = -3 must be > 0");
  EXPECT_EQ(with([](ModelShape& s) { s.vocab_size = 0; }).problem(), "vocab_size = 0 must be > 0");
  // dim 60 / 4 heads = head_dim 15: odd, RoPE needs pairs.
  EXPECT_NE(with([](ModelShape& s) { s.dim = 60; }).problem().find("head_dim 15"),
            std::string::npos);
  EXPECT_NE(with([](ModelShape& s) { s.hidden_dim = 200000; }).problem().find("int32"),
            std::string::npos);
  expect_error([&] { with([](ModelShape& s) { s.n_heads = 5; }).validate("ctx"); },
               ErrorKind::BadShape, {"ctx: ", "remainder 4"});
}

TEST(Shape, Int32AccumulatorBoundIsExact) {
  // The largest allowed input length cannot overflow; one more could.
  EXPECT_LE(127LL * 127LL * kMaxExactInt32Cols, 2147483647LL);
  EXPECT_GT(127LL * 127LL * (kMaxExactInt32Cols + 1), 2147483647LL);
}

// Parameter count from the public shape, written out here independently of
// ModelShape::n_params: embedding + untied classifier + per layer (q, o:
// d*d; k, v: d*kv; w1, w2, w3: d*h; two norms) + final norm.
double public_params(double d, double h, double L, double heads, double kv_heads, double V) {
  const double kv = d / heads * kv_heads;
  return 2 * V * d + L * (2 * d * d + 2 * d * kv + 3 * d * h + 2 * d) + d;
}

TEST(Shape, PresetsLoadWithPublishedParameterCounts) {
  struct Case {
    const char* file;
    double d, h, L, heads, kv, V;
    double published;  // Meta's rounded figure
  };
  const Case cases[] = {
      {"llama2_7b", 4096, 11008, 32, 32, 32, 32000, 6.74e9},
      {"llama3_8b", 4096, 14336, 32, 32, 8, 128256, 8.03e9},
      {"llama2_70b", 8192, 28672, 80, 64, 8, 32000, 68.98e9},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    const ModelShape s = load_shape_yaml(preset(c.file));
    EXPECT_EQ(s.dim, c.d);
    EXPECT_EQ(s.hidden_dim, c.h);
    EXPECT_EQ(s.n_layers, c.L);
    EXPECT_EQ(s.n_heads, c.heads);
    EXPECT_EQ(s.n_kv_heads, c.kv);
    EXPECT_EQ(s.vocab_size, c.V);
    EXPECT_FALSE(s.shared_classifier);
    const double expect = public_params(c.d, c.h, c.L, c.heads, c.kv, c.V);
    EXPECT_EQ(double(s.n_params()), expect);
    EXPECT_NEAR(double(s.n_params()) / c.published, 1.0, 0.005);
  }
  const ModelShape t = load_shape_yaml(preset("tiny"));
  EXPECT_EQ(t, tiny_shape());
  // 70B uses GQA: 8 KV heads of 128 -> KV cache 2 * 80 * 1024 * 4 bytes per token.
  EXPECT_EQ(load_shape_yaml(preset("llama2_70b")).kv_bytes_per_token(), 2ull * 80 * 1024 * 4);
  EXPECT_EQ(load_shape_yaml(preset("llama2_7b")).kv_bytes_per_token(), 2ull * 32 * 4096 * 4);
}

TEST(Shape, YamlErrorsNameFileKeyAndRange) {
  const std::string base =
      "dim: 64\nhidden_dim: 172\nn_layers: 2\nn_heads: 4\nn_kv_heads: 2\n"
      "vocab_size: 256\nseq_len: 64\nshared_classifier: true\n";
  EXPECT_EQ(parse_shape_yaml(base, "ok.yaml"), tiny_shape());
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string s = base;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  expect_error([&] { parse_shape_yaml(replace("n_layers: 2\n", ""), "a.yaml"); },
               ErrorKind::Config, {"a.yaml", "'n_layers'", "missing", "[1, 2147483647]"});
  expect_error([&] { parse_shape_yaml(replace("dim: 64", "dim: -64"), "b.yaml"); },
               ErrorKind::Config, {"b.yaml", "'dim'", "[1, 2147483647]", "got -64"});
  expect_error([&] { parse_shape_yaml(replace("dim: 64", "dim: big"), "c.yaml"); },
               ErrorKind::Config, {"c.yaml", "'dim'", "got 'big'", "line 1"});
  expect_error([&] { parse_shape_yaml(base + "n_head: 4\n", "d.yaml"); }, ErrorKind::Config,
               {"d.yaml", "'n_head'", "unknown key", "n_heads"});
  expect_error([&] { parse_shape_yaml(replace("n_heads: 4", "n_heads: 5"), "e.yaml"); },
               ErrorKind::Config, {"e.yaml", "not divisible by n_heads 5"});
  expect_error([&] { parse_shape_yaml(replace("true", "maybe"), "f.yaml"); }, ErrorKind::Config,
               {"f.yaml", "'shared_classifier'", "true or false"});
  expect_error([&] { load_shape_yaml("/nonexistent/x.yaml"); }, ErrorKind::Io,
               {"/nonexistent/x.yaml"});
}

// Issue 15: yaml-cpp keeps both copies of a repeated key (and reads one);
// a shape file must give each key once.
TEST(Shape, DuplicateKeyIsAnError) {
  const std::string base =
      "dim: 64\nhidden_dim: 172\nn_layers: 2\nn_heads: 4\nn_kv_heads: 2\n"
      "vocab_size: 256\nseq_len: 64\nshared_classifier: true\n";
  expect_error([&] { parse_shape_yaml(base + "n_layers: 4\n", "dup.yaml"); }, ErrorKind::Config,
               {"dup.yaml", "'n_layers'", "duplicate key"});
}

TEST(Shape, CheckFitsReportsExcess) {
  const ModelShape s70 = load_shape_yaml(preset("llama2_70b"));
  // Independently: int8 values = params minus fp32-kept values; scales 4 B per row.
  const uint64_t d = 8192, h = 28672, L = 80, kv = 1024, V = 32000;
  const uint64_t int8 = L * (2 * d * d + 2 * kv * d + 3 * h * d) + V * d;
  const uint64_t rows = L * (d + 2 * kv + d + 2 * h + d) + V;
  const uint64_t fp32 = 4 * ((2 * L + 1) * d + V * d);
  const uint64_t need = int8 + 4 * rows + fp32;
  const uint64_t cap = 64ull << 30;  // 64 GiB
  const FitReport r = check_fits(s70, cap);
  EXPECT_FALSE(r.fits);
  EXPECT_EQ(r.required_bytes, need);
  EXPECT_EQ(r.excess_bytes, need - cap);
  EXPECT_NE(r.message.find("exceeds it by " + std::to_string(need - cap) + " bytes"),
            std::string::npos)
      << r.message;
  expect_error([&] { require_fits(s70, cap); }, ErrorKind::TooLarge,
               {std::to_string(need - cap), std::to_string(cap)});
  // One HBF stack (512 GB) holds it.
  const FitReport ok = check_fits(s70, 512ull * 1000 * 1000 * 1000);
  EXPECT_TRUE(ok.fits) << ok.message;
  EXPECT_EQ(ok.excess_bytes, 0u);
  EXPECT_NO_THROW(require_fits(s70, 512ull * 1000 * 1000 * 1000));
  // Exactly at capacity fits; one byte less does not, by one byte.
  EXPECT_TRUE(check_fits(s70, need).fits);
  EXPECT_EQ(check_fits(s70, need - 1).excess_bytes, 1u);
}

}  // namespace
}  // namespace pnm::model
