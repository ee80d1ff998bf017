// pnmsim_model_demo: the model side on its own, no simulator.
//
//   pnmsim_model_demo --shape sim/configs/models/llama2_70b.yaml --flash-gib 64
//     sizes a preset (timing-only: no weights) and checks it against a flash capacity.
//   pnmsim_model_demo --steps 32 [--seed 1] [--temperature 0.8 --top-p 0.9]
//     writes a tiny random checkpoint + tokenizer (or uses --checkpoint/--tokenizer),
//     runs the int8 reference decoder and the fp32 reference, and compares them.
#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "sim/model/checkpoint.hpp"
#include "sim/model/decoder.hpp"
#include "sim/model/error.hpp"
#include "sim/model/numerics.hpp"
#include "sim/model/quant.hpp"
#include "sim/model/sampler.hpp"
#include "sim/model/shape.hpp"
#include "sim/model/tokenizer.hpp"

using namespace pnm::model;

namespace {

std::string human(double bytes) {
  const char* unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024.0 && u < 4) {
    bytes /= 1024.0;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f %s", bytes, unit[u]);
  return buf;
}

void print_sizes(const ModelShape& s) {
  const WeightBytes b = s.weight_bytes();
  std::printf("shape: %s\n", describe(s).c_str());
  std::printf("  head_dim %d, kv_dim %d, %d query heads per kv head\n", s.head_dim(), s.kv_dim(),
              s.kv_group());
  std::printf("  parameters: %.4g\n", double(s.n_params()));
  std::printf("  flash: int8 matrices %s + row scales %s + fp32 norms %s + fp32 embedding %s"
              " = %s\n",
              human(double(b.int8_matrices)).c_str(), human(double(b.row_scales)).c_str(),
              human(double(b.fp32_norms)).c_str(), human(double(b.fp32_embedding)).c_str(),
              human(double(b.total())).c_str());
  std::printf("  KV cache: %llu bytes per token (%s at seq_len %d)\n",
              (unsigned long long)s.kv_bytes_per_token(),
              human(double(s.kv_bytes_per_token()) * s.seq_len).c_str(), s.seq_len);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"pnmsim model side: shapes, checkpoint, int8 reference decode"};
  std::string shape_path, ckpt_path, tok_path, out_dir;
  double flash_gib = 0;
  int steps = 32;
  uint64_t seed = 1;
  float temperature = 0.0f, top_p = 0.9f;
  app.add_option("--shape", shape_path, "YAML shape preset: size it, load no weights");
  app.add_option("--flash-gib", flash_gib, "flash capacity to check the int8 model against, GiB");
  app.add_option("--checkpoint", ckpt_path, "llama2.c checkpoint (default: write a tiny one)");
  app.add_option("--tokenizer", tok_path, "tokenizer.bin (default: write one)");
  app.add_option("--out-dir", out_dir, "where the tiny checkpoint is written (default: temp dir)");
  app.add_option("--steps", steps, "tokens to generate")->check(CLI::PositiveNumber);
  app.add_option("--seed", seed, "seed for the tiny checkpoint and the sampler");
  app.add_option("--temperature", temperature, "0 = greedy")->check(CLI::NonNegativeNumber);
  app.add_option("--top-p", top_p, "nucleus sampling threshold (0 or >= 1: off)");
  CLI11_PARSE(app, argc, argv);

  try {
    if (!shape_path.empty()) {
      const ModelShape s = load_shape_yaml(shape_path);
      print_sizes(s);
      if (flash_gib > 0) {
        const uint64_t cap = uint64_t(flash_gib * 1024.0 * 1024.0 * 1024.0);
        const FitReport r = check_fits(s, cap);
        std::printf("%s\n", r.message.c_str());
        return r.fits ? 0 : 2;
      }
      return 0;
    }
    if (ckpt_path.empty()) {
      const std::string dir =
          out_dir.empty() ? std::filesystem::temp_directory_path().string() : out_dir;
      const ModelShape tiny = tiny_shape();
      ckpt_path = dir + "/pnm_tiny_model.bin";
      tok_path = dir + "/pnm_tiny_tokenizer.bin";
      write_checkpoint(ckpt_path, tiny, seed);
      write_tokenizer(tok_path, tiny.vocab_size, seed);
      std::printf("wrote %s and %s (seed %llu)\n", ckpt_path.c_str(), tok_path.c_str(),
                  (unsigned long long)seed);
    }
    // Every check runs before decoding starts.
    const Checkpoint ckpt = Checkpoint::load(ckpt_path);
    std::unique_ptr<Tokenizer> tok;
    if (!tok_path.empty()) {
      tok = std::make_unique<Tokenizer>(load_tokenizer(tok_path, ckpt.shape().vocab_size));
    }
    if (flash_gib > 0) require_fits(ckpt.shape(), uint64_t(flash_gib * 1024.0 * 1024.0 * 1024.0));
    print_sizes(ckpt.shape());
    if (steps > ckpt.shape().seq_len) steps = ckpt.shape().seq_len;

    const QuantizedModel qm = quantize_model(ckpt);
    ReferenceDecoder q(qm);
    Fp32Decoder f(ckpt);
    std::unique_ptr<Sampler> sampler;
    if (temperature > 0) sampler = std::make_unique<Sampler>(temperature, top_p, seed);
    uint64_t gemvs = 0;
    q.set_gemv_hook([&](const GemvEvent&) { ++gemvs; });
    std::vector<int> tokens;
    int32_t tokq = 1;  // BOS
    int agree = 0;
    double worst_rel = 0;
    for (int32_t pos = 0; pos < steps; ++pos) {
      const std::vector<float>& lq = q.forward(tokq, pos);
      const std::vector<float>& lf = f.forward(tokq, pos);  // teacher-forced on q's tokens
      float lo = lf[0], hi = lf[0];
      double diff = 0;
      for (size_t i = 0; i < lf.size(); ++i) {
        lo = std::min(lo, lf[i]);
        hi = std::max(hi, lf[i]);
        diff = std::max(diff, std::fabs(double(lq[i]) - double(lf[i])));
      }
      worst_rel = std::max(worst_rel, diff / double(hi - lo));
      const int32_t greedy_q = argmax(lq.data(), int32_t(lq.size()));
      agree += greedy_q == argmax(lf.data(), int32_t(lf.size()));
      tokq = sampler ? sampler->sample(lq) : greedy_q;
      tokens.push_back(tokq);
    }
    std::printf("int8 reference, %s, %d steps, %llu GEMVs:\n ", sampler ? "sampled" : "greedy",
                steps, (unsigned long long)gemvs);
    for (int t : tokens) std::printf(" %d", t);
    std::printf("\n");
    if (tok) std::printf("  text: \"%s\"\n", tok->decode(tokens).c_str());
    std::printf("vs fp32 reference (same inputs): top-1 agreement %d/%d, worst max|dlogit|/range "
                "%.4f\n",
                agree, steps, worst_rel);
  } catch (const ModelError& e) {
    std::fprintf(stderr, "error (%s): %s\n", to_string(e.kind()), e.what());
    return 1;
  }
  return 0;
}
