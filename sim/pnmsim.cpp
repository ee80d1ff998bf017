// pnmsim: the command line of the virtual platform.
//
//   pnmsim run [--model tiny|PATH] [--tokens N] [--mve rtl|tlm|shadow]
//              [--seed S] [--trace-fst F] [--stats F]
//
// Today `run` decodes with the int8 reference model and sends every int8
// GEMV of every token through the MVE's TLM-2.0 socket (golden model, the
// Verilated RTL, or both in shadow); each result must equal the reference's
// int32 partials, or the run fails. The report gives the MVE's share of the
// decode step. Flash channels, the PNM units and the firmware join this
// command as they land (see the open issues).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "sim/model/checkpoint.hpp"
#include "sim/model/decoder.hpp"
#include "sim/model/error.hpp"
#include "sim/model/quant.hpp"
#include "testbench/common/tlm_driver.hpp"
#include "tlm/common/stats.hpp"
#include "tlm/pnm/mve_config.hpp"
#include "tlm/pnm/mve_shadow.hpp"
#include "tlm/pnm/mve_target.hpp"

namespace {

using namespace pnm;

struct RunOptions {
  std::string model = "tiny";
  int tokens = 8;
  std::string mve = "shadow";
  uint64_t seed = 1;
  std::string trace_fst;
  std::string stats;
};

struct RunTotals {
  std::vector<int32_t> tokens;
  uint64_t gemvs = 0, jobs = 0, act_reuses = 0, mismatches = 0, weight_bytes = 0;
  sc_core::sc_time mve_time;
  std::string first_mismatch;
};

// Decodes in an SC_THREAD so each GEMV is a sequence of TLM transactions
// with annotated time.
class DecodeOnMve : public sc_core::sc_module {
 public:
  tb::TlmDriver drv{"drv"};
  mve::MveTarget target;
  RunTotals totals;

  DecodeOnMve(sc_core::sc_module_name name, const mve::MveConfig& cfg, const model::QuantizedModel& qm,
              int tokens)
      : sc_module(name), target("mve", cfg, mve::make_engine(cfg)), qm_(qm), n_tokens_(tokens) {
    drv.init_socket.bind(target.tgt_socket);
    SC_HAS_PROCESS(DecodeOnMve);
    SC_THREAD(run);
  }

 private:
  // One GEMV as MVE jobs: column tiles of at most max_cols (partial sums
  // added here, exactly, in int32), all rows per tile.
  void gemv_on_mve(const model::GemvEvent& ev) {
    namespace R = regs::mve;
    using M = mve::TargetMap;
    const uint32_t max_cols = target.engine().params().max_cols;
    const uint32_t rows = static_cast<uint32_t>(ev.rows), cols = static_cast<uint32_t>(ev.x_len);
    sum_.assign(rows, 0);
    for (uint32_t c0 = 0; c0 < cols; c0 += max_cols) {
      const uint32_t n = std::min(max_cols, cols - c0);
      tile_.resize(uint64_t{rows} * n);
      for (uint32_t r = 0; r < rows; ++r) {
        std::copy_n(ev.weights->q.data() + uint64_t{r} * cols + c0, n, tile_.data() + uint64_t{r} * n);
      }
      const sc_core::sc_time t0 = drv.local_time();
      drv.write32(M::REG_BASE + R::ROWS::OFFSET, rows);
      drv.write32(M::REG_BASE + R::COLS::OFFSET, n);
      // Wq/Wk/Wv (and W1/W3) share their input: the engine keeps it.
      const bool reuse = single_tile_ && cols <= max_cols && last_act_.size() == n &&
                         std::equal(last_act_.begin(), last_act_.end(), ev.x);
      if (!reuse) drv.write(M::ACT_BASE, ev.x + c0, n);
      drv.write32(M::REG_BASE + R::CTRL::OFFSET, R::CTRL::START::MASK | (reuse ? R::CTRL::SKIP_ACT::MASK : 0));
      drv.write(M::W_BASE, tile_.data(), static_cast<unsigned>(tile_.size()));
      out_.resize(rows);
      const auto st = drv.read(M::RES_BASE, out_.data(), rows * 4);
      totals.mve_time += drv.local_time() - t0;
      ++totals.jobs;
      totals.weight_bytes += tile_.size();
      if (st != tlm::TLM_OK_RESPONSE) throw std::runtime_error("MVE result read failed: job rejected");
      for (uint32_t r = 0; r < rows; ++r) sum_[r] += out_[r];
      last_act_.assign(ev.x + c0, ev.x + c0 + n);
      single_tile_ = cols <= max_cols;
      totals.act_reuses += reuse;
    }
    ++totals.gemvs;
    for (uint32_t r = 0; r < rows; ++r) {
      if (sum_[r] == ev.acc[r]) continue;
      if (totals.mismatches++ == 0) {
        totals.first_mismatch = fmt::format("token {} layer {} {} row {}: MVE {} reference {}", ev.pos,
                                            ev.layer, model::to_string(ev.matrix), r, sum_[r], ev.acc[r]);
      }
    }
  }

  void run() {
    model::ReferenceDecoder dec(qm_);
    dec.set_gemv_hook([this](const model::GemvEvent& ev) { gemv_on_mve(ev); });
    totals.tokens = model::generate(dec, /*first_token=*/1, n_tokens_);
    drv.sync();
  }

  const model::QuantizedModel& qm_;
  int n_tokens_;
  std::vector<int8_t> tile_, last_act_;
  bool single_tile_ = false;  // the engine holds all of last_act_
  std::vector<int32_t> out_, sum_;
};

int run(const RunOptions& o) {
  std::string path = o.model;
  if (o.model == "tiny") {
    path = (std::filesystem::temp_directory_path() / fmt::format("pnmsim_tiny_{}.bin", o.seed)).string();
    model::write_checkpoint(path, model::tiny_shape(), o.seed);
  }
  const model::Checkpoint ckpt = model::Checkpoint::load(path);
  const model::ModelShape& shape = ckpt.shape();
  if (o.tokens > shape.seq_len) {
    std::fprintf(stderr, "pnmsim: --tokens %d exceeds the model's seq_len %d\n", o.tokens, shape.seq_len);
    return 2;
  }
  const model::QuantizedModel qm = model::quantize_model(ckpt);

  mve::MveConfig cfg;
  cfg.kind = o.mve;
  cfg.fst_path = o.trace_fst;
  cfg.shadow_stop_after = 0;  // count every mismatch; the report names the first
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(1, sc_core::SC_US));
  DecodeOnMve top("chip", cfg, qm, o.tokens);
  const auto t0 = std::chrono::steady_clock::now();
  sc_core::sc_start();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const RunTotals& t = top.totals;

  const double per_token_s = t.mve_time.to_seconds() / o.tokens;
  std::printf("\npnmsim run: model %s (dim %d, %d layers, %d heads / %d kv, hidden %d, vocab %d), MVE %s\n",
              o.model.c_str(), shape.dim, shape.n_layers, shape.n_heads, shape.n_kv_heads, shape.hidden_dim,
              shape.vocab_size, o.mve.c_str());
  std::printf("  tokens       ");
  for (int32_t tok : t.tokens) std::printf(" %d", tok);
  std::printf("\n");
  std::printf("  %-40s %12llu\n", "int8 GEMVs (checked against reference)", (unsigned long long)t.gemvs);
  std::printf("  %-40s %12llu\n", "MVE jobs", (unsigned long long)t.jobs);
  std::printf("  %-40s %12llu\n", "  of which reused the activations", (unsigned long long)t.act_reuses);
  std::printf("  %-40s %12llu\n", "mismatching int32 partials", (unsigned long long)t.mismatches);
  std::printf("  %-40s %12.0f\n", "weight bytes streamed per token", double(t.weight_bytes) / o.tokens);
  std::printf("  %-40s %12.3f us\n", "MVE time per token (one engine)", per_token_s * 1e6);
  std::printf("  %-40s %12.0f\n", "MVE-bound tokens/s (one engine)", 1.0 / per_token_s);
  std::printf("  %-40s %12.3f s\n", "wall time", wall);
  if (auto* sh = dynamic_cast<mve::ShadowEngine*>(&top.target.engine())) {
    std::printf("  %s\n", sh->scoreboard().report().c_str());
  }
  if (!o.trace_fst.empty()) {
    std::printf("  waveform: %s  (gtkwave %s testbench/mve/mve.gtkw)\n", o.trace_fst.c_str(), o.trace_fst.c_str());
  }
  if (t.mismatches) std::printf("  FIRST MISMATCH: %s\n", t.first_mismatch.c_str());

  if (!o.stats.empty()) {
    Stats s;
    s.set("run.tokens", uint64_t(o.tokens), "tokens");
    s.set("run.gemvs", t.gemvs, "GEMVs");
    s.set("mve.jobs", t.jobs, "jobs");
    s.set("mve.cycles", top.target.stats().cycles, "cycles");
    s.set("mve.macs", top.target.stats().macs, "MACs");
    s.set("mve.time_per_token", per_token_s * 1e6, "us");
    s.set("mve.weight_bytes_per_token", double(t.weight_bytes) / o.tokens, "B");
    s.set("check.mismatches", t.mismatches, "partials");
    s.write(o.stats);
    std::printf("  stats: %s\n", o.stats.c_str());
  }
  return t.mismatches == 0 ? 0 : 1;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  CLI::App app{"pnmsim: virtual platform of an HBF + processing-near-memory LLM inference chip"};
  app.require_subcommand(1);
  RunOptions o;
  auto* run_cmd = app.add_subcommand("run", "decode tokens; every int8 GEMV runs on the MVE and is checked");
  run_cmd->add_option("--model", o.model, "tiny (a random dim-64 model, written on the fly) or a llama2.c checkpoint")
      ->capture_default_str();
  run_cmd->add_option("--tokens", o.tokens, "tokens to generate (greedy)")
      ->check(CLI::Range(1, 1 << 20))
      ->capture_default_str();
  run_cmd->add_option("--mve", o.mve, "MVE model: tlm (golden), rtl (Verilated) or shadow (both, compared)")
      ->check(CLI::IsMember({"tlm", "rtl", "shadow"}))
      ->capture_default_str();
  run_cmd->add_option("--seed", o.seed, "seed of the tiny model")->capture_default_str();
  run_cmd->add_option("--trace-fst", o.trace_fst, "write the RTL's waveform (FST) to this file");
  run_cmd->add_option("--stats", o.stats, "write stats as JSON to this file");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "pnmsim: %s (see pnmsim run --help)\n", e.what());
    return 2;
  }
  try {
    if (!o.trace_fst.empty() && o.mve == "tlm") {
      std::fprintf(stderr, "pnmsim: --trace-fst needs the RTL: use --mve rtl or --mve shadow\n");
      return 2;
    }
    return run(o);
  } catch (const model::ModelError& e) {
    std::fprintf(stderr, "pnmsim: model %s: %s\n", o.model.c_str(), e.what());
    return 2;
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "pnmsim: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pnmsim: %s\n", e.what());
    return 1;
  }
}
