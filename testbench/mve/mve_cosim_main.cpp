// mve_cosim_tb: constrained-random jobs through the pin-level MVE
// co-simulation (TLM socket -> bridge -> SystemC signals -> Verilated RTL),
// each checked by the golden model and a protocol checker.
//
//   mve_cosim_tb --jobs 50 --seed 7 --stall 0.2 --fst mve.fst [--vectors n]
//   gtkwave mve.fst testbench/mve/mve.gtkw
#include <chrono>
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "testbench/mve/mve_cosim_top.hpp"
#include "testbench/mve/mve_sequence.hpp"
#include "testbench/mve/mve_socket_job.hpp"

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
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  pnm::tb::MveCosimConfig cfg;
  cfg.stalls = {stall, stall, stall, seed ^ 0x5eed};
  uint64_t cycles = 0;
  auto stimulus = [&](pnm::tb::MveCosimTop& top) {
    pnm::tb::MveSequenceConfig q;
    q.max_rows = max_rows;
    q.vectors = vectors;
    pnm::tb::MveSequence seq(top.bridge->params(), q, seed);
    for (unsigned i = 0; i < jobs; ++i) {
      auto d = seq.next();
      pnm::tb::submit_mve_job(top.drv, d);
      cycles += top.drv.read32(pnm::mve::TargetMap::REG_BASE + pnm::regs::mve::CYCLES::OFFSET);
    }
  };

  pnm::tb::MveCosimTop top("top", cfg, stimulus);
  const auto t0 = std::chrono::steady_clock::now();
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  if (!fst.empty()) top.open_fst(fst);
  sc_core::sc_start();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const auto& sb = top.shadow->scoreboard();
  const auto& v = top.checker->violations();
  std::printf("%s\n", sb.report().c_str());
  for (const auto& x : v) {
    std::printf("protocol: %s at %s: %s\n", x.stream.c_str(), x.time.to_string().c_str(), x.rule.c_str());
  }
  const double sim_cycles = sc_core::sc_time_stamp() / top.clk.period();
  std::printf("jobs %u, job cycles %llu, simulated %.0f clock cycles in %.3f s (%.2f M cycles/s)%s%s\n", jobs,
              static_cast<unsigned long long>(cycles), sim_cycles, wall, sim_cycles / wall / 1e6,
              fst.empty() ? "" : ", waveform ", fst.c_str());
  return (top.finished && sb.ok() && v.empty()) ? 0 : 1;
}
