// Reference decoders on the tiny model: determinism, exact int32 partials via
// the GEMV hook, tolerance against fp32, GQA.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "sim/model/checkpoint.hpp"
#include "sim/model/decoder.hpp"
#include "sim/model/numerics.hpp"
#include "sim/model/quant.hpp"
#include "test_util.hpp"

namespace pnm::model {
namespace {

using test::temp_path;
using test::test_seed;
using test::tiny_shape;

constexpr int32_t kBos = 1;
constexpr int32_t kSteps = 48;  // >= 32 as issue 6 asks

// FNV-1a over raw bytes, to compare whole GEMV traces between runs.
struct Fnv {
  uint64_t h = 1469598103934665603ull;
  void add(const void* p, size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
  }
};

TEST(Decoder, GreedyTokensAndPartialsAreDeterministic) {
  const uint64_t seed = test_seed(42);
  const std::string path = temp_path("tiny.bin");
  write_checkpoint(path, tiny_shape(), seed);
  std::vector<int32_t> tokens[3];
  uint64_t trace[3];
  for (int run = 0; run < 3; ++run) {
    // Runs 0 and 1: everything rebuilt from the same file (loader, quantizer,
    // decoder). Run 2: a model from another seed, to show the trace is not
    // trivially constant.
    if (run == 2) write_checkpoint(path, tiny_shape(), seed + 1);
    const Checkpoint ckpt = Checkpoint::load(path);
    const QuantizedModel qm = quantize_model(ckpt);
    ReferenceDecoder dec(qm);
    Fnv fnv;
    dec.set_gemv_hook([&](const GemvEvent& e) {
      fnv.add(e.x, size_t(e.x_len));
      fnv.add(&e.x_scale, sizeof e.x_scale);
      fnv.add(e.acc, size_t(e.rows) * 4);
    });
    tokens[run] = generate(dec, kBos, kSteps);
    trace[run] = fnv.h;
  }
  ASSERT_EQ(tokens[0].size(), size_t(kSteps));
  EXPECT_EQ(tokens[0], tokens[1]);
  EXPECT_EQ(trace[0], trace[1]);
  EXPECT_NE(trace[0], trace[2]);
}

TEST(Decoder, HookReportsEveryGemvWithExactInt32Partials) {
  const uint64_t seed = test_seed(43);
  const std::string path = temp_path("tiny.bin");
  const ModelShape s = tiny_shape();
  write_checkpoint(path, s, seed);
  const Checkpoint ckpt = Checkpoint::load(path);
  const QuantizedModel qm = quantize_model(ckpt);
  ReferenceDecoder dec(qm);
  struct Seen {
    int32_t pos, layer;
    MatrixId m;
    std::vector<int32_t> acc;
    float x_scale;
  };
  std::vector<Seen> seen;
  int64_t mismatches = 0, checked = 0;
  dec.set_gemv_hook([&](const GemvEvent& e) {
    // Independent naive int64 GEMV over the same int8 data.
    const QMatrix& w = *e.weights;
    ASSERT_EQ(w.cols, e.x_len);
    ASSERT_EQ(w.rows, e.rows);
    for (int32_t r = 0; r < e.rows; ++r) {
      int64_t ref = 0;
      for (int32_t c = 0; c < e.x_len; ++c) {
        ref += int64_t(w.q[size_t(r) * size_t(w.cols) + size_t(c)]) * int64_t(e.x[c]);
      }
      mismatches += ref != int64_t(e.acc[r]);
      ++checked;
    }
    // The activation is a faithful int8 vector: symmetric range, max hits 127.
    int amax = 0;
    for (int32_t c = 0; c < e.x_len; ++c) amax = std::max(amax, std::abs(int(e.x[c])));
    EXPECT_TRUE(e.x_scale == 0.0f ? amax == 0 : amax == 127);
    seen.push_back({e.pos, e.layer, e.matrix, std::vector<int32_t>(e.acc, e.acc + e.rows),
                    e.x_scale});
  });
  const int32_t steps = 5;
  std::vector<float> last_logits;
  int32_t tok = kBos;
  for (int32_t pos = 0; pos < steps; ++pos) {
    last_logits = dec.forward(tok, pos);
    tok = argmax(last_logits.data(), s.vocab_size);
  }
  EXPECT_EQ(mismatches, 0) << "of " << checked << " partials";
  EXPECT_GT(checked, 0);
  // Order per step: wq wk wv wo w1 w3 w2 per layer, then cls on layer -1.
  const MatrixId order[] = {MatrixId::Wq, MatrixId::Wk, MatrixId::Wv, MatrixId::Wo,
                            MatrixId::W1, MatrixId::W3, MatrixId::W2};
  ASSERT_EQ(seen.size(), size_t(steps * (7 * s.n_layers + 1)));
  size_t i = 0;
  for (int32_t pos = 0; pos < steps; ++pos) {
    for (int32_t l = 0; l < s.n_layers; ++l) {
      for (MatrixId m : order) {
        EXPECT_EQ(seen[i].pos, pos);
        EXPECT_EQ(seen[i].layer, l);
        EXPECT_EQ(seen[i].m, m) << "event " << i << " is " << to_string(seen[i].m);
        ++i;
      }
    }
    EXPECT_EQ(seen[i].layer, -1);
    EXPECT_EQ(seen[i].m, MatrixId::Cls);
    EXPECT_STREQ(to_string(seen[i].m), "cls");
    ++i;
  }
  // Logits are the documented dequantization of the last cls partials.
  const Seen& cls = seen.back();
  for (int32_t r = 0; r < s.vocab_size; ++r) {
    EXPECT_EQ(last_logits[size_t(r)],
              float(cls.acc[size_t(r)]) * (qm.cls.scale[size_t(r)] * cls.x_scale));
  }
}

// Quantized vs fp32 reference, teacher-forced on the quantized greedy tokens so
// every step compares the same context.
//
// Tolerance: per step, max_i |logit_q - logit_f| <= 6% of that step's fp32
// logit range (max - min). Why: symmetric int8 with per-row / per-vector
// scales rounds each element by up to 1/254 of its row (vector) maximum; a
// dot product of n such terms carries roughly 0.3-0.5% relative noise, the
// activation is re-quantized before every GEMV (16 GEMVs deep through two
// layers), and the max over 256 logits picks the ~3-sigma tail. Measured over
// PNMSIM_SEED 1..30, 48 steps each: worst max|dlogit|/range 1.0%-3.6%
// (median ~2.2%), worst max|dlogit| 0.06-0.22 with logit ranges ~5-7.
// 6% is 1.65x the worst seen; a wrong scale (x127), a dropped term or a
// wrong head mapping gives errors of the order of the range itself.
// Top-1 agreement floor: 80% of steps (measured 42/48 = 87.5% worst, median
// 46-47/48): the top two logits of a random 256-way model are sometimes
// closer than the quantization noise, so some flips are expected.
constexpr double kRelLogitTol = 0.06;
constexpr double kTop1Floor = 0.80;

struct Comparison {
  double worst_rel = 0;
  double worst_abs = 0;
  int agree = 0;
};

Comparison compare_to_fp32(const ModelShape& s, uint64_t seed, const std::string& path) {
  write_checkpoint(path, s, seed);
  const Checkpoint ckpt = Checkpoint::load(path);
  const QuantizedModel qm = quantize_model(ckpt);
  ReferenceDecoder q(qm);
  Fp32Decoder f(ckpt);
  Comparison c;
  int32_t tok = kBos;
  for (int32_t pos = 0; pos < kSteps; ++pos) {
    const std::vector<float>& lq = q.forward(tok, pos);
    const std::vector<float>& lf = f.forward(tok, pos);
    float lo = lf[0], hi = lf[0];
    double maxdiff = 0;
    for (size_t i = 0; i < lf.size(); ++i) {
      lo = std::min(lo, lf[i]);
      hi = std::max(hi, lf[i]);
      maxdiff = std::max(maxdiff, std::fabs(double(lq[i]) - double(lf[i])));
    }
    c.worst_abs = std::max(c.worst_abs, maxdiff);
    c.worst_rel = std::max(c.worst_rel, maxdiff / double(hi - lo));
    const int32_t tq = argmax(lq.data(), s.vocab_size);
    c.agree += tq == argmax(lf.data(), s.vocab_size);
    tok = tq;
  }
  return c;
}

TEST(Decoder, QuantizedLogitsWithinToleranceOfFp32) {
  const uint64_t seed = test_seed(44);
  for (bool shared : {true, false}) {
    SCOPED_TRACE(shared ? "shared classifier" : "separate classifier");
    const Comparison c = compare_to_fp32(tiny_shape(shared), seed, temp_path("tiny.bin"));
    const double agree = double(c.agree) / kSteps;
    std::cout << "[ measured ] " << (shared ? "shared" : "separate")
              << ": max |dlogit| = " << c.worst_abs << ", max |dlogit| / range = " << c.worst_rel
              << ", top-1 agreement = " << c.agree << "/" << kSteps << "\n";
    EXPECT_LE(c.worst_rel, kRelLogitTol);
    EXPECT_GE(agree, kTop1Floor);
  }
}

// Writes the checkpoint `c` again with its K/V heads duplicated so every query
// head has its own copy: an MHA model that must compute exactly what the GQA
// model computes.
void write_expanded_mha(const Checkpoint& c, const std::string& path) {
  const ModelShape& s = c.shape();
  const int64_t d = s.dim, hd = s.head_dim(), kv = s.kv_dim(), L = s.n_layers;
  const int64_t h = s.hidden_dim, V = s.vocab_size, g = s.kv_group();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  const int32_t hdr[7] = {s.dim, s.hidden_dim, s.n_layers, s.n_heads, s.n_heads,
                          s.shared_classifier ? s.vocab_size : -s.vocab_size, s.seq_len};
  out.write(reinterpret_cast<const char*>(hdr), sizeof hdr);
  auto put = [&](const float* p, int64_t n) {
    out.write(reinterpret_cast<const char*>(p), std::streamsize(n * 4));
  };
  auto put_expanded = [&](const float* w) {  // [L, kv, d] -> [L, d, d]
    for (int64_t l = 0; l < L; ++l) {
      for (int64_t head = 0; head < s.n_heads; ++head) {
        put(w + l * kv * d + (head / g) * hd * d, hd * d);
      }
    }
  };
  put(c.token_embedding, V * d);
  put(c.rms_att, L * d);
  put(c.wq, L * d * d);
  put_expanded(c.wk);
  put_expanded(c.wv);
  put(c.wo, L * d * d);
  put(c.rms_ffn, L * d);
  put(c.w1, L * h * d);
  put(c.w2, L * d * h);
  put(c.w3, L * h * d);
  put(c.rms_final, d);
  const std::vector<float> freq(size_t(s.seq_len * hd), 0.0f);
  put(freq.data(), int64_t(freq.size()));
  if (!s.shared_classifier) put(c.wcls, V * d);
}

TEST(Decoder, GqaEqualsMhaWithDuplicatedKvHeads) {
  const uint64_t seed = test_seed(45);
  ModelShape s = tiny_shape(false);
  s.n_kv_heads = 1;  // 4 query heads share one KV head (multi-query)
  for (int32_t kv : {1, 2}) {
    SCOPED_TRACE("n_kv_heads " + std::to_string(kv));
    s.n_kv_heads = kv;
    const std::string gqa_path = temp_path("gqa.bin"), mha_path = temp_path("mha.bin");
    write_checkpoint(gqa_path, s, seed);
    const Checkpoint gqa = Checkpoint::load(gqa_path);
    write_expanded_mha(gqa, mha_path);
    const Checkpoint mha = Checkpoint::load(mha_path);
    ASSERT_EQ(mha.shape().n_kv_heads, s.n_heads);
    const QuantizedModel qg = quantize_model(gqa), qmha = quantize_model(mha);
    ReferenceDecoder rg(qg), rm(qmha);
    Fp32Decoder fg(gqa), fm(mha);
    int32_t tok = kBos;
    for (int32_t pos = 0; pos < 16; ++pos) {
      const std::vector<float> lg = rg.forward(tok, pos);
      EXPECT_EQ(lg, rm.forward(tok, pos)) << "quantized, pos " << pos;
      EXPECT_EQ(fg.forward(tok, pos), fm.forward(tok, pos)) << "fp32, pos " << pos;
      tok = argmax(lg.data(), s.vocab_size);
    }
  }
}

TEST(Decoder, RejectsBadTokenAndPosition) {
  const std::string path = temp_path("tiny.bin");
  write_checkpoint(path, tiny_shape(), 1);
  const Checkpoint ckpt = Checkpoint::load(path);
  const QuantizedModel qm = quantize_model(ckpt);
  ReferenceDecoder dec(qm);
  EXPECT_THROW(dec.forward(256, 0), std::out_of_range);
  EXPECT_THROW(dec.forward(-1, 0), std::out_of_range);
  EXPECT_THROW(dec.forward(1, 64), std::out_of_range);  // seq_len 64
  EXPECT_NO_THROW(dec.forward(1, 0));
}

TEST(Ops, ArgmaxTiesGoToLowestIndex) {
  const float x[] = {1.0f, 3.0f, 2.0f, 3.0f};
  EXPECT_EQ(argmax(x, 4), 1);
  const float y[] = {NAN, -1.0f, -1.0f};
  EXPECT_EQ(argmax(y, 3), 1);
}

TEST(Ops, RmsNormAndSoftmaxFollowTheDocumentedFormula) {
  const float x[4] = {1.0f, -2.0f, 3.0f, 0.5f};
  const float w[4] = {1.0f, 0.5f, 2.0f, 1.0f};
  float out[4];
  rmsnorm(out, x, w, 4);
  const double ms = (1.0 + 4.0 + 9.0 + 0.25) / 4.0 + 1e-5;
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(out[i], w[i] * x[i] / std::sqrt(ms), 1e-6);
  float p[3] = {1000.0f, 1000.0f, 999.0f};  // large values: max subtraction keeps it finite
  softmax(p, 3);
  EXPECT_NEAR(p[0], 1.0 / (2.0 + std::exp(-1.0)), 1e-6);
  EXPECT_EQ(p[0], p[1]);
  // RoPE at pos 0 is the identity; at pos 1 it rotates pair 0 by 1 radian.
  float q[4] = {1, 0, 1, 0}, k[4] = {1, 0, 1, 0};
  rope(q, k, 0, 4, 4, 4);
  EXPECT_EQ(q[0], 1.0f);
  EXPECT_EQ(q[1], 0.0f);
  rope(q, k, 1, 4, 4, 4);
  EXPECT_NEAR(q[0], std::cos(1.0), 1e-6);
  EXPECT_NEAR(q[1], std::sin(1.0), 1e-6);
  EXPECT_NEAR(q[2], std::cos(0.01), 1e-6);  // pair 1: freq = 1/10000^(2/4)
}

}  // namespace
}  // namespace pnm::model
