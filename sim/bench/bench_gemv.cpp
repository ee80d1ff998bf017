// bench_gemv: latency hiding by read-ahead (issue 5, items 7 and 8). A
// benchmark, not a test: it prints figures.
//
//   bench_gemv [layers=8] [vu_gap_us=2] [quantum_us=1]
//
// One hbf_gen1 stack (sim/configs/flash/hbf_gen1.yaml, all 16 channels,
// storage timing_only) with one PNM unit per channel (sim/configs/pnm/
// default.yaml, functional = false: timing only; MVE kind tlm, 128 lanes at
// 1 GHz, max_cols 16384). The GEMVs of `layers` Llama-2-7B-shaped layers,
// int8, rows striped over the channels (tlm/chip/CHIP.md):
//   q, k, v, o: 4096 x 4096;  w1, w3: 11008 x 4096;  w2: 4096 x 11008.
// All jobs of all layers are pushed up front. Their activations come in four
// dependency groups per layer, as in the decode step: {q, k, v} {o} {w1, w3}
// {w2}. Group g's ACT_EPOCH is written `vu_gap_us` after group g-1 finished
// on every channel (the vector unit's RMSNorm/quantize, RoPE/attention,
// SiLU; 2 us by default, an ASSUMPTION), the first group vu_gap_us after the
// push.
//
// For read-ahead buffers of 0 (= 2 pages per channel), 1, 2, 4, 8, 16, 32
// and 64 MB over the stack, it prints the achieved weight bandwidth (weight
// bytes / time from push to the last result) as a fraction of the flash read
// roofline (channels x min(bus, array) bandwidth = 1,638.4 GB/s), the stall
// figures, and the wall time. Each buffer size is its own chip instance; they
// run one after another in one simulation.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "tlm/common/config.hpp"
#include "tlm/common/pnm_regs.hpp"
#include "tlm/flash/flash_channel.hpp"
#include "tlm/pnm/pnm_config.hpp"
#include "tlm/pnm/pnm_unit.hpp"

namespace {

namespace R = pnm::regs::pnm;
using sc_core::sc_time;

struct Gemv {
  const char* name;
  uint32_t rows, cols;
  uint32_t group;  // dependency group within the layer
};
// Llama-2-7B (REFERENCES.md "Model shapes"): dim 4096, ffn hidden 11008.
const Gemv kLayer[] = {{"wq", 4096, 4096, 0},  {"wk", 4096, 4096, 0},   {"wv", 4096, 4096, 0},
                       {"wo", 4096, 4096, 1},  {"w1", 11008, 4096, 2}, {"w3", 11008, 4096, 2},
                       {"w2", 4096, 11008, 3}};
constexpr uint32_t kGroups = 4;

// Result write-back sink (timing-only units write nothing; bound for form).
struct Sink : sc_core::sc_module {
  tlm_utils::multi_passthrough_target_socket<Sink> socket;
  explicit Sink(sc_core::sc_module_name n) : sc_module(n), socket("socket") {
    socket.register_b_transport(this, &Sink::b_transport);
  }
  void b_transport(int, tlm::tlm_generic_payload& p, sc_time&) {
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

struct Result {
  double buffer_mb = 0;
  uint32_t pages_per_unit = 0;
  double sim_ns = 0, wall_s = 0, bytes = 0, pages = 0;
  double wait_act_ns = 0, stall_buf_ns = 0, mve_wait_flash_ns = 0, mve_busy_ns = 0;
};

// One chip: flash device, units, firmware thread.
struct Chip : sc_core::sc_module {
  pnm::flash::FlashConfig fcfg;
  pnm::pnmu::PnmConfig pcfg;
  std::unique_ptr<pnm::flash::FlashDevice> dev;
  std::vector<std::unique_ptr<pnm::pnmu::PnmUnit>> units;
  std::vector<std::unique_ptr<tlm_utils::simple_initiator_socket<Chip>>> fw;
  std::vector<std::unique_ptr<sc_core::sc_signal<bool>>> sig;
  Sink sink;
  unsigned layers;
  sc_time gap;
  sc_core::sc_event* start;
  sc_core::sc_event finished;
  Result res;

  SC_HAS_PROCESS(Chip);
  Chip(sc_core::sc_module_name n, const pnm::flash::FlashConfig& f, const pnm::pnmu::PnmConfig& p,
       unsigned layers_, sc_time gap_, sc_core::sc_event* start_)
      : sc_module(n), fcfg(f), pcfg(p), sink("sink"), layers(layers_), gap(gap_), start(start_) {
    dev = std::make_unique<pnm::flash::FlashDevice>("flash", fcfg);
    for (unsigned c = 0; c < fcfg.channels; ++c) {
      const std::string s = std::to_string(c);
      units.push_back(std::make_unique<pnm::pnmu::PnmUnit>(
          ("pnm" + s).c_str(), pcfg, c, fcfg.channels, fcfg, pnm::mve::make_engine(pcfg.mve)));
      fw.push_back(std::make_unique<tlm_utils::simple_initiator_socket<Chip>>(("fw" + s).c_str()));
      for (int k = 0; k < 2; ++k)
        sig.push_back(std::make_unique<sc_core::sc_signal<bool>>(("sig" + s + "_" + std::to_string(k)).c_str()));
      units[c]->flash_socket.bind(dev->channel(c).tgt_socket);
      units[c]->init_socket.bind(sink.socket);
      fw[c]->bind(units[c]->tgt_socket);
      units[c]->idle_o.bind(*sig[2 * c]);
      units[c]->error_o.bind(*sig[2 * c + 1]);
    }
    SC_THREAD(firmware);
  }

  void wr_all(uint32_t off, uint32_t v) {
    for (auto& s : fw) {
      tlm::tlm_generic_payload p;
      p.set_command(tlm::TLM_WRITE_COMMAND);
      p.set_address(off);
      p.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
      p.set_data_length(4);
      p.set_streaming_width(4);
      sc_time d = sc_core::SC_ZERO_TIME;
      (*s)->b_transport(p, d);
      if (!p.is_response_ok()) {
        std::fprintf(stderr, "bench_gemv: register write 0x%x failed\n", off);
        std::exit(1);
      }
    }
  }
  uint64_t min_done() const {
    uint64_t m = UINT64_MAX;
    for (const auto& u : units) m = std::min(m, u->counters().jobs_done);
    return m;
  }
  void wait_done(uint64_t jobs) {
    while (min_done() < jobs) {
      sc_core::sc_event_or_list l;
      for (const auto& u : units) l |= u->job_done_event();
      sc_core::wait(l);
    }
  }

  void firmware() {
    if (start) sc_core::wait(*start);
    const auto w0 = std::chrono::steady_clock::now();
    const sc_time t0 = sc_core::sc_time_stamp();
    // Push every job of every layer.
    uint64_t flash = 0;
    std::vector<uint64_t> jobs_through_group;  // cumulative job count per (layer, group)
    uint64_t jobs = 0;
    for (unsigned l = 0; l < layers; ++l) {
      for (uint32_t g = 0; g < kGroups; ++g) {
        for (const Gemv& m : kLayer) {
          if (m.group != g) continue;
          wr_all(R::JOB_FLASH_LO::OFFSET, static_cast<uint32_t>(flash));
          wr_all(R::JOB_FLASH_HI::OFFSET, static_cast<uint32_t>(flash >> 32));
          wr_all(R::JOB_ROWS::OFFSET, m.rows);
          wr_all(R::JOB_COLS::OFFSET, m.cols);
          wr_all(R::JOB_ACT_OFF::OFFSET, 0);
          wr_all(R::JOB_EPOCH::OFFSET, l * kGroups + g + 1);
          wr_all(R::JOB_DST_LO::OFFSET, 0);
          wr_all(R::JOB_DST_HI::OFFSET, 0x10);
          wr_all(R::CTRL::OFFSET, R::CTRL::PUSH::MASK);
          flash += pnm::pnmu::reserved_bytes(m.rows, m.cols, fcfg.channels, fcfg.page_size_bytes);
          res.bytes += double(m.rows) * m.cols;
          ++jobs;
        }
        jobs_through_group.push_back(jobs);
      }
    }
    for (const auto& u : units) {
      if (u->counters().jobs_rejected != 0) {
        std::fprintf(stderr, "bench_gemv: %s rejected a job (STATUS 0x%x)\n", u->name(), u->status());
        std::exit(1);
      }
    }
    // Activations: each group vu_gap after the previous group finished.
    for (size_t e = 0; e < jobs_through_group.size(); ++e) {
      if (e > 0) wait_done(jobs_through_group[e - 1]);
      sc_core::wait(gap);
      wr_all(R::ACT_EPOCH::OFFSET, static_cast<uint32_t>(e + 1));
    }
    wait_done(jobs);
    res.sim_ns = (sc_core::sc_time_stamp() - t0).to_seconds() * 1e9;
    res.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
    for (const auto& u : units) {
      const auto& n = u->counters();
      res.pages += double(n.pages_read);
      res.wait_act_ns += double(n.mve_wait_act_ps) * 1e-3 / double(units.size());
      res.stall_buf_ns += double(n.stall_buffer_full_ps) * 1e-3 / double(units.size());
      res.mve_wait_flash_ns += double(n.mve_wait_flash_ps) * 1e-3 / double(units.size());
      res.mve_busy_ns += double(n.mve_busy_ps) * 1e-3 / double(units.size());
    }
    for (const auto& u : units) {
      if (u->counters().late_issues != 0 || u->status() != 0) {
        std::fprintf(stderr, "bench_gemv: %s: %llu late issues, STATUS 0x%x\n", u->name(),
                     static_cast<unsigned long long>(u->counters().late_issues), u->status());
        std::exit(1);
      }
    }
    res.pages_per_unit = units[0]->buffer_pages();
    finished.notify(sc_core::SC_ZERO_TIME);
  }
};

}  // namespace

int sc_main(int argc, char* argv[]) {
  const unsigned layers = argc > 1 ? unsigned(std::strtoul(argv[1], nullptr, 0)) : 8;
  const double gap_us = argc > 2 ? std::strtod(argv[2], nullptr) : 2.0;
  const double quantum_us = argc > 3 ? std::strtod(argv[3], nullptr) : 1.0;
  pnm::flash::FlashConfig fcfg;
  pnm::pnmu::PnmConfig base;
  try {
    fcfg = pnm::flash::load_config(pnm::flash::preset_path("hbf_gen1"));
    base = pnm::pnmu::load_pnm_config(pnm::ConfigReader::from_file(
        std::string(PNMSIM_SOURCE_DIR) + "/sim/configs/pnm/default.yaml", "pnm", "pnm unit"));
  } catch (const pnm::ConfigError& e) {
    std::fprintf(stderr, "bench_gemv: %s\n", e.what());
    return 1;
  }
  if (layers == 0 || layers * 7 > base.queue_depth) {
    std::fprintf(stderr, "bench_gemv: layers must be 1..%u (7 jobs each, queue_depth %u)\n",
                 base.queue_depth / 7, base.queue_depth);
    return 1;
  }
  fcfg.storage_mode = pnm::flash::StorageMode::TimingOnly;
  base.functional = false;
  base.mve.kind = "tlm";
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_time(quantum_us, sc_core::SC_US));

  const double bus = fcfg.channels * fcfg.bus_bytes_per_s();
  const double array = double(fcfg.channels) * fcfg.dies_per_channel() * fcfg.planes_per_die *
                       fcfg.page_size_bytes / (double(fcfg.t_read_ps + fcfg.t_cmd_addr_ps) * 1e-12);
  const double roofline = std::min(bus, array);
  const double mve_bw = double(fcfg.channels) * base.mve.params.lanes / (double(base.mve.clk_period_ps) * 1e-12);

  const std::vector<double> mbs = {0, 1, 2, 4, 8, 16, 32, 64};
  std::vector<std::unique_ptr<Chip>> chips;
  sc_core::sc_event* prev = nullptr;
  for (double mb : mbs) {
    pnm::pnmu::PnmConfig p = base;
    p.readahead_bytes = static_cast<uint64_t>(mb * 1024 * 1024) / fcfg.channels;
    chips.push_back(std::make_unique<Chip>(("chip_" + std::to_string(int(mb)) + "MB").c_str(), fcfg, p,
                                           layers, sc_time(gap_us, sc_core::SC_US), prev));
    prev = &chips.back()->finished;
  }

  const auto w0 = std::chrono::steady_clock::now();
  sc_core::sc_start();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();

  std::printf("bench_gemv: %u Llama-2-7B layers (wq wk wv wo 4096x4096, w1 w3 11008x4096, w2 4096x11008; "
              "%.1f MB int8), %s, %u channels, timing only\n",
              layers, chips[0]->res.bytes / 1e6, fcfg.name.c_str(), fcfg.channels);
  std::printf("  flash read roofline %.1f GB/s (bus %.1f, array %.1f); MVE %u lanes @ %.2f GHz = %.1f GB/s; "
              "flash_queue_depth %u; vector-unit gap %.2f us per dependency group (%u groups/layer); "
              "quantum %.2f us\n",
              roofline / 1e9, bus / 1e9, array / 1e9, base.mve.params.lanes,
              1e3 / double(base.mve.clk_period_ps), mve_bw / 1e9, base.flash_queue_depth, gap_us, kGroups,
              quantum_us);
  std::printf("%10s %10s %12s %11s %9s %12s %12s %12s %10s %12s\n", "buffer_MB", "pages/ch", "sim_us",
              "achvd_GB/s", "of_roof", "wait_act_us", "stall_buf_us", "mve_wait_us", "wall_s",
              "pages/wall_s");
  for (size_t i = 0; i < chips.size(); ++i) {
    const Result& r = chips[i]->res;
    const double gbps = r.bytes / (r.sim_ns * 1e-9) / 1e9;
    std::printf("%10.0f %10u %12.1f %11.1f %9.3f %12.1f %12.1f %12.1f %10.3f %12.0f\n", mbs[i],
                r.pages_per_unit, r.sim_ns * 1e-3, gbps, gbps * 1e9 / roofline, r.wait_act_ns * 1e-3,
                r.stall_buf_ns * 1e-3, r.mve_wait_flash_ns * 1e-3, r.wall_s, r.pages / r.wall_s);
  }
  std::printf("  (per-channel means: wait_act = MVE idle waiting for ACT_EPOCH, stall_buf = reads held "
              "back by a full buffer, mve_wait = MVE waiting for a page)\n");
  // Two lower bounds on the stream: the flash roofline, and the dependency
  // chain (every group's activations wait for the previous group's results:
  // per channel, the MVE's busy time plus all vector-unit gaps).
  const double chain_us = chips[0]->res.mve_busy_ns * 1e-3 + double(layers * kGroups) * gap_us;
  std::printf("  bounds: weights / roofline = %.1f us; dependency chain (MVE busy %.1f us + %u gaps x "
              "%.2f us) = %.1f us -> best fraction %.3f\n",
              chips[0]->res.bytes / roofline * 1e6, chips[0]->res.mve_busy_ns * 1e-3, layers * kGroups,
              gap_us, chain_us,
              std::min(1.0, chips[0]->res.bytes / roofline * 1e6 / chain_us));
  std::printf("  total wall time %.3f s\n", wall);
  return 0;
}
