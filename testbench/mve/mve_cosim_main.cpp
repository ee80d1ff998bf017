// mve_cosim_tb: constrained-random jobs through the pin-level MVE
// co-simulation (TLM socket -> bridge -> SystemC signals -> Verilated RTL),
// each checked by the golden model and a protocol checker.
//
//   mve_cosim_tb --jobs 50 --seed 7 --stall 0.2 --fst mve.fst [--vectors n] [--figures]
//   gtkwave mve.fst testbench/mve/mve.gtkw
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

#include <CLI/CLI.hpp>

#include "testbench/mve/mve_cosim_top.hpp"
#include "testbench/mve/mve_sequence.hpp"
#include "testbench/mve/mve_socket_job.hpp"

namespace {
// Wall time and this process's CPU time; on a shared machine the CPU time is
// the steadier measure of the simulator's own cost.
struct Clocks {
  double wall = 0, cpu = 0;
  static Clocks now() {
    return {std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(),
            static_cast<double>(std::clock()) / CLOCKS_PER_SEC};
  }
  Clocks operator-(const Clocks& o) const { return {wall - o.wall, cpu - o.cpu}; }
  Clocks& operator+=(const Clocks& o) {
    wall += o.wall, cpu += o.cpu;
    return *this;
  }
};
}  // namespace

int sc_main(int argc, char* argv[]) {
  CLI::App app{"Pin-level MVE co-simulation: random jobs, RTL vs golden model, optional FST waveform"};
  unsigned jobs = 20;
  uint64_t seed = 1;
  double stall = 0.0;
  std::string fst;
  uint32_t max_rows = 64;
  uint32_t vectors = 0;
  app.add_option("--jobs", jobs, "number of random jobs")->check(CLI::Range(1u, 1000000u));
  app.add_option("--seed", seed, "sequence and stall seed");
  app.add_option("--stall", stall, "per-cycle stall probability on every stream")->check(CLI::Range(0.0, 0.95));
  app.add_option("--max-rows", max_rows, "rows per job, at most")->check(CLI::Range(1u, 16777215u));
  app.add_option("--vectors", vectors,
                 "activation vectors per job (0: random in 1 .. the RTL's VECTORS = " +
                     std::to_string(pnm::tb::kPinVectors) + ")")
      ->check(CLI::Range(0u, pnm::tb::kPinVectors));
  app.add_option("--fst", fst, "write an FST waveform of the RTL to this file");
  bool figures = false;
  app.add_flag("--figures", figures, "also print one `figures key=value ...` line (read by bench_cosim)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  pnm::tb::MveCosimConfig cfg;
  cfg.stalls = {stall, stall, stall, seed ^ 0x5eed};
  uint64_t cycles = 0;
  Clocks gen;  // time spent making the random jobs (not simulation)
  auto stimulus = [&](pnm::tb::MveCosimTop& top) {
    pnm::tb::MveSequenceConfig q;
    q.max_rows = max_rows;
    q.vectors = vectors;
    pnm::tb::MveSequence seq(top.bridge->params(), q, seed);
    for (unsigned i = 0; i < jobs; ++i) {
      const Clocks g0 = Clocks::now();
      auto d = seq.next();
      gen += Clocks::now() - g0;
      pnm::tb::submit_mve_job(top.drv, d);
      cycles += top.drv.read32(pnm::mve::TargetMap::REG_BASE + pnm::regs::mve::CYCLES::OFFSET);
    }
  };

  pnm::tb::MveCosimTop top("top", cfg, stimulus);
  const Clocks t0 = Clocks::now();
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  if (!fst.empty()) top.open_fst(fst);
  sc_core::sc_start();
  const Clocks run = Clocks::now() - t0;
  const Clocks sim = run - gen;

  const auto& sb = top.shadow->scoreboard();
  const auto& v = top.checker->violations();
  std::printf("%s\n", sb.report().c_str());
  for (const auto& x : v) {
    std::printf("protocol: %s at %s: %s\n", x.stream.c_str(), x.time.to_string().c_str(), x.rule.c_str());
  }
  const double sim_cycles = sc_core::sc_time_stamp() / top.clk.period();
  std::printf("jobs %u, job cycles %llu, simulated %.0f clock cycles in %.3f s (%.2f M cycles/s)%s%s\n", jobs,
              static_cast<unsigned long long>(cycles), sim_cycles, run.wall, sim_cycles / run.wall / 1e6,
              fst.empty() ? "" : ", waveform ", fst.c_str());
  std::printf("simulation alone (without making the random jobs, %.3f s): %.2f M cycles/s wall, %.2f M cycles/s "
              "of CPU time\n",
              gen.wall, sim_cycles / sim.wall / 1e6, sim_cycles / sim.cpu / 1e6);
  const bool ok = top.finished && sb.ok() && v.empty();
  if (figures) {
    std::printf("figures jobs=%u job_cycles=%llu sim_cycles=%.0f wall_s=%.6f cpu_s=%.6f ok=%d\n", jobs,
                static_cast<unsigned long long>(cycles), sim_cycles, sim.wall, sim.cpu, ok ? 1 : 0);
  }
  return ok ? 0 : 1;
}
