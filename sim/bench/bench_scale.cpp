// bench_scale: what context and batch do to a timing-only Llama-2-70B on
// hbf_gen1 (issue 10). A benchmark, not a test: it prints figures.
//
//   bench_scale [--pnmsim PATH] [--out DIR] [--tokens N] [--set chip.x.y=v ...]
//
// Each point is one `pnmsim run` (its own process: SystemC elaborates once per
// process) of sim/configs/models/llama2_70b_128k.yaml (the 70B body with
// positions extended to 128k) with --stats; this program gathers the reports:
//   contexts 1k, 8k, 32k, 128k at batch 1; batches 1, 4, 16, 64 at context 4k.
// Per point: tokens/s (per sequence and aggregate), time per decode step and
// the busy time per step of each block, KV bytes per token, the largest batch
// that fits, aggregate tokens/s per GiB of KV cache, and which resource binds
// (the block busiest relative to the step, or the KV capacity when the point
// does not fit). Writes DIR/bench_scale.csv and prints the table and its own
// wall time. scripts/plot_scale.py draws the CSV. (The 128k point runs at
// context 131072 - tokens + 1, so its last token still has a position.)
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace {

constexpr int64_t kMaxPositions = 131072;  // llama2_70b_128k.yaml's seq_len

struct Point {
  int64_t context;
  int batch;
};

struct Row {
  Point p;
  bool ok = false;
  std::string error;
  double tok_s = 0, agg_tok_s = 0, step_us = 0, ttft_us = 0;
  double flash_us = 0, mve_us = 0, vu_us = 0, vu_mem_us = 0, tsv_us = 0, cpu_us = 0;
  double kv_per_token = 0, kv_in_use = 0, max_batch = 0, per_kv_gib = 0, energy_j = 0;
  std::string binds;
  double wall_s = 0;
};

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

double leaf(const nlohmann::json& r, const char* key) { return r.at(key).at("value").get<double>(); }
double leaf2(const nlohmann::json& r, const char* a, const char* b) { return r.at(a).at(b).at("value").get<double>(); }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_scale: context and batch on a timing-only Llama-2-70B (hbf_gen1)"};
  std::string pnmsim = PNMSIM_BINARY, out = "bench_scale_out";
  int tokens = 2;
  std::vector<std::string> sets;
  app.add_option("--pnmsim", pnmsim, "the pnmsim binary")->capture_default_str();
  app.add_option("--out", out, "directory for the CSV and the per-point stats")->capture_default_str();
  app.add_option("--tokens", tokens, "tokens per sequence (the first from the prefill)")->check(CLI::Range(2, 64));
  app.add_option("--set", sets, "config override for every point (repeatable)");
  CLI11_PARSE(app, argc, argv);
  const std::string model = std::string(PNMSIM_SOURCE_DIR) + "/sim/configs/models/llama2_70b_128k.yaml";
  if (std::system(("mkdir -p " + shell_quote(out)).c_str()) != 0) {
    std::fprintf(stderr, "bench_scale: cannot create %s\n", out.c_str());
    return 2;
  }
  const std::vector<Point> points = {{1024, 1}, {8192, 1}, {32768, 1}, {131072, 1},
                                     {4096, 1}, {4096, 4}, {4096, 16}, {4096, 64}};
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<Row> rows;
  for (Point p : points) {
    // The last generated token must still have a position: at 128k the
    // context is 131072 - (tokens - 1).
    p.context = std::min<int64_t>(p.context, kMaxPositions - (tokens - 1));
    Row r;
    r.p = p;
    const std::string stats = fmt::format("{}/ctx{}_b{}.json", out, p.context, p.batch);
    const std::string err = fmt::format("{}/ctx{}_b{}.err", out, p.context, p.batch);
    std::string cmd = fmt::format("{} run --model {} --context {} --batch {} --tokens {} --quiet --stats {}",
                                  shell_quote(pnmsim), shell_quote(model), p.context, p.batch, tokens,
                                  shell_quote(stats));
    for (const auto& s : sets) cmd += " --set " + shell_quote(s);
    cmd += " 2> " + shell_quote(err);
    std::remove(stats.c_str());
    const auto w0 = std::chrono::steady_clock::now();
    const int status = std::system(cmd.c_str());
    r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
    if (status != 0) {
      std::ifstream e(err);
      std::getline(e, r.error);
      const int rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      if (rc != 2) {
        std::fprintf(stderr, "bench_scale: point context %lld batch %d failed (exit %d): %s\n",
                     static_cast<long long>(p.context), p.batch, rc, r.error.c_str());
        return 1;
      }
      r.binds = r.error.find("KV cache does not fit") != std::string::npos ? "KV capacity" : "config";
      rows.push_back(r);
      continue;
    }
    const nlohmann::json rep = nlohmann::json::parse(std::ifstream(stats)).at("report");
    r.ok = true;
    r.tok_s = leaf(rep, "tokens_per_s");
    r.agg_tok_s = leaf(rep, "aggregate_tokens_per_s");
    r.step_us = leaf(rep, "time_per_token");
    r.ttft_us = leaf2(rep, "prefill", "time_to_first_token");
    r.flash_us = leaf2(rep, "busy_per_token", "flash_transfer");
    r.mve_us = leaf2(rep, "busy_per_token", "mve");
    r.vu_us = leaf2(rep, "busy_per_token", "vector_unit");
    r.vu_mem_us = leaf2(rep, "busy_per_token", "vector_unit_memory_bound");
    r.tsv_us = leaf2(rep, "busy_per_token", "tsv");
    r.cpu_us = leaf2(rep, "busy_per_token", "firmware");
    r.kv_per_token = leaf2(rep, "kv", "bytes_per_token");
    r.kv_in_use = leaf2(rep, "kv", "bytes_in_use");
    r.max_batch = leaf2(rep, "kv", "max_batch");
    r.per_kv_gib = leaf(rep, "tokens_per_s_per_kv_gib");
    r.energy_j = leaf(rep, "energy_per_token");
    const std::array<std::pair<const char*, double>, 5> busy = {
        {{"flash bus", r.flash_us}, {"MVE", r.mve_us}, {"vector unit", r.vu_us}, {"TSV", r.tsv_us},
         {"firmware", r.cpu_us}}};
    double best = -1;
    for (const auto& [name, us] : busy) {
      if (us > best) best = us, r.binds = name;
    }
    // Inside the vector unit: its lanes, or the K/V bytes over the memory.
    if (r.binds == "vector unit" && 2 * r.vu_mem_us > r.vu_us) r.binds = "KV traffic (vector unit memory-bound)";
    r.binds += fmt::format(" ({:.0f}% of the step)", 100 * best / r.step_us);
    rows.push_back(r);
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const std::string csv = out + "/bench_scale.csv";
  std::ofstream f(csv);
  f << "context,batch,fits,tokens_per_s,aggregate_tokens_per_s,step_us,ttft_us,flash_bus_us,mve_us,vu_us,"
       "vu_memory_bound_us,tsv_us,"
       "firmware_us,kv_bytes_per_token,kv_bytes_in_use,max_batch,tokens_per_s_per_kv_gib,energy_j_per_token,binds,"
       "wall_s\n";
  std::printf("bench_scale: Llama-2-70B (positions to 128k), timing only, hbf_gen1, %d tokens per sequence\n", tokens);
  std::printf("%8s %5s %9s %10s %10s %10s %10s %10s %9s %10s %9s %10s  %s\n", "context", "batch", "tok/s", "agg tok/s",
              "step ms", "flash ms", "VU ms", "MVE ms", "TSV us", "KV B/tok", "max batch", "tok/s/GiB", "binds");
  for (const Row& r : rows) {
    f << fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},\"{}\",{:.2f}\n", r.p.context, r.p.batch,
                     r.ok ? 1 : 0, r.tok_s, r.agg_tok_s, r.step_us, r.ttft_us, r.flash_us, r.mve_us, r.vu_us,
                     r.vu_mem_us, r.tsv_us,
                     r.cpu_us, r.kv_per_token, r.kv_in_use, r.max_batch, r.per_kv_gib, r.energy_j,
                     r.ok ? r.binds : r.error, r.wall_s);
    if (!r.ok) {
      std::printf("%8lld %5d  does not fit: %s\n", static_cast<long long>(r.p.context), r.p.batch, r.error.c_str());
      continue;
    }
    std::printf("%8lld %5d %9.2f %10.2f %10.3f %10.3f %10.3f %10.3f %9.2f %10.0f %9.0f %10.3f  %s\n",
                static_cast<long long>(r.p.context), r.p.batch, r.tok_s, r.agg_tok_s, r.step_us / 1e3, r.flash_us / 1e3,
                r.vu_us / 1e3, r.mve_us / 1e3, r.tsv_us, r.kv_per_token, r.max_batch, r.per_kv_gib, r.binds.c_str());
  }
  std::printf("csv: %s\nbench_scale wall time: %.1f s for %zu points\n", csv.c_str(), wall, rows.size());
  return 0;
}
