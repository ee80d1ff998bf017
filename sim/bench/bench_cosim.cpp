// bench_cosim: the cost of wrapping the Verilated MVE in SystemC/TLM.
//
// The same job list runs (a) through the bare Verilator C++ harness (the
// RtlEngine's clock loop, called directly, no SystemC) and (b) through the
// TLM target around the same engine, driven by an SC_THREAD initiator over
// the socket with temporal decoupling. Both are measured in this process,
// side by side; (c) is the golden model through the same socket, for scale.
// (d) is the pin-level co-simulation, testbench/mve/mve_cosim_tb: the
// Verilated RTL on sc_signals (MvePinModel) behind the TLM-to-pin bridge,
// with the protocol checker and the golden model in shadow. It elaborates a
// SystemC top of its own, so it runs as a child process on the same job list (same sequence, seed and shape limits,
// checked by equal MVE cycles), between the runs of a and b; its time leaves
// out making the random jobs, which (a) to (c) do before timing too.
// Two job lists run: one activation vector per job (n = 1) and n = VECTORS,
// the RTL build's batch size (rtl/CMakeLists.txt).
//
//   bench_cosim [--jobs N] [--seed S] [--max-rows R] [--pin-tb PATH ("": skip d)]
#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "testbench/common/tlm_driver.hpp"
#include "testbench/mve/mve_sequence.hpp"
#include "testbench/mve/mve_socket_job.hpp"
#include "tlm/pnm/mve_golden.hpp"
#include "tlm/pnm/mve_rtl.hpp"
#include "tlm/pnm/mve_target.hpp"

namespace {

using namespace pnm;
using Clock = std::chrono::steady_clock;

struct Figures {
  double wall_s = 0;
  double cpu_s = 0;  // this process's CPU time: steadier than wall time on a shared machine
  uint64_t cycles = 0;
  uint64_t macs = 0;  // useful int8 MACs: rows * cols * n per job
  uint64_t checksum = 0;
};

uint64_t job_macs(const mve::Job& j) { return uint64_t{j.rows} * j.cols * j.vectors; }

uint64_t fold(uint64_t h, int32_t v) { return (h ^ static_cast<uint32_t>(v)) * 0x100000001b3ULL; }

Figures run_bare(const std::vector<tb::MveJobData>& jobs) {
  mve::RtlEngine eng;
  Figures f;
  const auto t0 = Clock::now();
  const std::clock_t c0 = std::clock();
  for (const auto& d : jobs) {
    const mve::Result r = eng.run(d.job);
    f.cycles += r.cycles;
    f.macs += job_macs(d.job);
    for (int32_t v : r.out) f.checksum = fold(f.checksum, v);
  }
  f.wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
  f.cpu_s = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  return f;
}

// (d): mve_cosim_tb on the job list that `seed`, `max_rows` and n give. Empty
// if it did not run or did not print its figures line.
struct PinFigures {
  Figures f;
  double sim_cycles = 0;  // clock cycles simulated, idle ones between jobs included
  bool ok = false;        // golden model and protocol checker found nothing
};

std::optional<PinFigures> run_pins(const std::string& tb, unsigned jobs, uint64_t seed, uint32_t max_rows,
                                   uint32_t vectors, uint64_t macs) {
  if (tb.empty()) return std::nullopt;
  const std::string cmd = "'" + tb + "' --figures --jobs " + std::to_string(jobs) + " --seed " +
                          std::to_string(seed) + " --max-rows " + std::to_string(max_rows) + " --vectors " +
                          std::to_string(vectors) + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return std::nullopt;
  std::optional<PinFigures> out;
  char line[512];
  while (std::fgets(line, sizeof line, p)) {
    unsigned n = 0;
    unsigned long long job_cycles = 0;
    double sim = 0, wall = 0, cpu = 0;
    int ok = 0;
    if (std::sscanf(line, "figures jobs=%u job_cycles=%llu sim_cycles=%lf wall_s=%lf cpu_s=%lf ok=%d", &n,
                    &job_cycles, &sim, &wall, &cpu, &ok) == 6) {
      PinFigures f;
      f.f.wall_s = wall;
      f.f.cpu_s = cpu;
      f.f.cycles = job_cycles;
      f.f.macs = macs;
      f.sim_cycles = sim;
      f.ok = ok == 1;
      out = f;
    }
  }
  pclose(p);
  if (!out) std::fprintf(stderr, "bench_cosim: no figures from: %s\n", cmd.c_str());
  return out;
}

// One initiator per target; a single SC_THREAD runs the socket measurements
// one after the other, so each is timed alone, for each job list in turn.
struct SocketBench : sc_core::sc_module {
  struct Set {
    Figures rtl_fig[2], tlm_fig;
  };
  tb::TlmDriver rtl_drv{"rtl_drv"}, tlm_drv{"tlm_drv"};
  mve::MveTarget rtl_target, tlm_target;
  const std::vector<std::vector<tb::MveJobData>>& lists;
  std::function<void(size_t list)> after;
  std::vector<Set> sets;

  SocketBench(sc_core::sc_module_name n, const mve::Params& p,
              const std::vector<std::vector<tb::MveJobData>>& l)
      : sc_module(n),
        rtl_target("rtl_mve", mve::MveConfig{}, std::make_unique<mve::RtlEngine>()),
        tlm_target("tlm_mve", mve::MveConfig{}, std::make_unique<mve::GoldenEngine>(p)),
        lists(l),
        sets(l.size()) {
    rtl_drv.init_socket.bind(rtl_target.tgt_socket);
    tlm_drv.init_socket.bind(tlm_target.tgt_socket);
    SC_HAS_PROCESS(SocketBench);
    SC_THREAD(run);
  }
  void run() {
    for (size_t i = 0; i < lists.size(); ++i) {
      sets[i].rtl_fig[0] = through(rtl_drv, lists[i]);
      sets[i].tlm_fig = through(tlm_drv, lists[i]);
      if (after) after(i);
      sets[i].rtl_fig[1] = through(rtl_drv, lists[i]);
    }
  }
  Figures through(tb::TlmDriver& drv, const std::vector<tb::MveJobData>& jobs) {
    Figures f;
    const auto t0 = Clock::now();
    const std::clock_t c0 = std::clock();
    for (const auto& d : jobs) {
      tb::submit_mve_job(drv, d);
      const std::vector<int32_t> y = tb::read_mve_results(drv, d.job.rows, d.job.vectors);
      f.cycles += drv.read32(mve::TargetMap::REG_BASE + regs::mve::CYCLES::OFFSET);
      f.macs += job_macs(d.job);
      for (int32_t v : y) f.checksum = fold(f.checksum, v);
    }
    drv.sync();
    f.wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
    f.cpu_s = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
    return f;
  }
};

void print(const char* what, const Figures& f, size_t jobs) {
  std::printf("  %-44s %8.3f s  %9.0f jobs/s  %7.2f M cycles/s  %8.1f M MACs/s  (CPU: %6.3f s, %6.2f M cycles/s)\n",
              what, f.wall_s, jobs / f.wall_s, f.cycles / f.wall_s / 1e6, f.macs / f.wall_s / 1e6, f.cpu_s,
              f.cycles / f.cpu_s / 1e6);
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  CLI::App app{"bench_cosim: bare Verilator harness vs the same RTL behind a TLM-2.0 socket"};
  unsigned n = 300;
  uint64_t seed = 1;
  uint32_t max_rows = 256;
  std::string pin_tb = PNMSIM_COSIM_TB;
  app.add_option("--jobs", n, "jobs per run")->check(CLI::Range(1u, 100000u));
  app.add_option("--pin-tb", pin_tb, "the pin-level testbench (mve_cosim_tb) for (d); empty: skip (d)");
  app.add_option("--seed", seed, "job sequence seed");
  app.add_option("--max-rows", max_rows, "rows per job, at most")->check(CLI::Range(1u, 65536u));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  // The RTL build's parameters, so the golden model matches it.
  const mve::Params params = mve::RtlEngine().params();
  std::vector<uint32_t> batch{1};
  if (params.vectors > 1) batch.push_back(params.vectors);
  std::vector<std::vector<tb::MveJobData>> lists;
  for (uint32_t nv : batch) {
    tb::MveSequenceConfig q;
    q.max_rows = max_rows;
    q.vectors = nv;
    tb::MveSequence seq(params, q, seed);
    auto& jobs = lists.emplace_back();
    for (unsigned i = 0; i < n; ++i) jobs.push_back(seq.next());
    for (auto& d : jobs) {  // the vectors no longer move: point the jobs at them
      d.job.act = d.act.data();
      d.job.weights = d.weights.data();
    }
  }

  // Runs alternate (a, d, b, c, a, d, b) so drift on a busy machine hits every side.
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(1, sc_core::SC_MS));
  std::vector<std::array<Figures, 2>> a(lists.size());
  std::vector<std::array<std::optional<PinFigures>, 2>> d(lists.size());
  std::vector<uint64_t> macs(lists.size(), 0);
  for (size_t i = 0; i < lists.size(); ++i) {
    for (const auto& j : lists[i]) macs[i] += job_macs(j.job);
  }
  const auto pins = [&](size_t i) { return run_pins(pin_tb, n, seed, max_rows, batch[i], macs[i]); };
  SocketBench top("bench", params, lists);
  top.after = [&](size_t i) {
    a[i][1] = run_bare(lists[i]);
    d[i][1] = pins(i);
  };
  for (size_t i = 0; i < lists.size(); ++i) {
    a[i][0] = run_bare(lists[i]);
    d[i][0] = pins(i);
  }
  sc_core::sc_start();

  bool all_same = true;
  for (size_t i = 0; i < lists.size(); ++i) {
    const auto& set = top.sets[i];
    const Figures& best_a = a[i][0].wall_s < a[i][1].wall_s ? a[i][0] : a[i][1];
    const Figures& best_b = set.rtl_fig[0].wall_s < set.rtl_fig[1].wall_s ? set.rtl_fig[0] : set.rtl_fig[1];
    std::printf("bench_cosim: %u jobs, n = %u vector%s of VECTORS = %u (seed %llu, rows <= %u, cols <= %u, "
                "lanes %u), %llu MVE cycles, %.2f MACs/cycle per run\n",
                n, batch[i], batch[i] == 1 ? "" : "s", params.vectors, static_cast<unsigned long long>(seed),
                max_rows, params.max_cols, params.lanes, static_cast<unsigned long long>(best_a.cycles),
                double(best_a.macs) / double(best_a.cycles));
    print("(a) bare Verilator C++ harness", best_a, lists[i].size());
    print("(b) same RTL behind the TLM socket (SystemC)", best_b, lists[i].size());
    print("(c) golden model behind the TLM socket", set.tlm_fig, lists[i].size());
    const double ratio = best_b.wall_s / best_a.wall_s;
    const PinFigures* best_d = nullptr;
    for (const auto& x : d[i]) {
      if (x && (!best_d || x->f.wall_s < best_d->f.wall_s)) best_d = &*x;
    }
    if (best_d) {
      print("(d) pin-level cosim (sc_signals, checker)", best_d->f, lists[i].size());
      std::printf("      %.0f clock cycles simulated (idle ones included): %.2f M cycles/s\n",
                  best_d->sim_cycles, best_d->sim_cycles / best_d->f.wall_s / 1e6);
    }
    std::printf("  ratio b/a = %.3f (target <= 1.5): %s\n", ratio, ratio <= 1.5 ? "met" : "MISSED");
    if (best_d) {
      // Single-threaded: on an idle machine CPU time is wall time; on a shared
      // one the CPU figure is the one that says what the simulator costs.
      const double cpu_mcps = best_d->f.cycles / best_d->f.cpu_s / 1e6;
      std::printf("  ratio d/a = %.3f wall, %.3f CPU; d at %.2f M cycles/s of CPU time (target >= 2): %s\n",
                  best_d->f.wall_s / best_a.wall_s, best_d->f.cpu_s / best_a.cpu_s, cpu_mcps,
                  cpu_mcps >= 2.0 ? "met" : "MISSED");
    }
    std::printf("  golden model is %.0fx faster than the RTL\n", best_b.wall_s / set.tlm_fig.wall_s);
    bool same = best_a.checksum == best_b.checksum && best_a.checksum == set.tlm_fig.checksum &&
                best_a.cycles == best_b.cycles && best_a.cycles == set.tlm_fig.cycles;
    if (!pin_tb.empty()) {
      // d checks its results itself (golden model in shadow, protocol checker).
      const bool d_same = best_d && best_d->ok && best_d->f.cycles == best_a.cycles;
      std::printf("  results and cycles identical across a, b, c: %s; d clean, same cycles: %s\n",
                  same ? "yes" : "NO", d_same ? "yes" : "NO");
      same = same && d_same;
    } else {
      std::printf("  results and cycles identical across a, b, c: %s\n", same ? "yes" : "NO");
    }
    all_same = all_same && same;
  }
  return all_same ? 0 : 1;
}
