// bench_flash: speed of the flash channel model and achieved vs theoretical
// read bandwidth of every preset. A benchmark, not a test: it prints figures.
//
//   bench_flash [pages=1000000] [preset_dir=<source>/sim/configs/flash]
//
// Part 1: a 1,000,000-page sequential read spread over all channels of
// hbf_gen1 (timing_only storage), one single-page b_transport per page, one
// initiator thread per channel with a command queue and a quantum keeper.
// Prints simulated page reads per wall-clock second.
// Part 2: per preset, a sequential read of every channel (multi-plane reads
// when planes share the die array), achieved bandwidth against the nominal
// bus bandwidth and the array limit.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "tlm/flash/flash_channel.hpp"

namespace {

using namespace pnm::flash;
using sc_core::sc_time;

/// One initiator thread per channel: issues `pages` sequential reads of
/// `pages_per_op` pages each, at most `depth` outstanding (a command queue:
/// the next command issues when the oldest outstanding one completes).
struct Reader : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Reader> socket;
  uint64_t pages, pages_per_op, page_bytes;
  int depth;
  bool cache;
  sc_core::sc_event* start;
  double last_done_s = 0;
  uint64_t errors = 0;
  SC_HAS_PROCESS(Reader);
  Reader(sc_core::sc_module_name n, uint64_t pages_, uint64_t per_op, uint64_t page, int depth_,
         sc_core::sc_event* start_)
      : sc_module(n), socket("socket"), pages(pages_), pages_per_op(per_op), page_bytes(page),
        depth(depth_), cache(false), start(start_) {
    SC_THREAD(run);
  }
  void run() {
    if (start) sc_core::wait(*start);
    const sc_time t0 = sc_core::sc_time_stamp();
    tlm_utils::tlm_quantumkeeper qk;
    qk.reset();
    std::vector<uint8_t> buf(pages_per_op * page_bytes);
    tlm::tlm_generic_payload gp;
    FlashExtension ext;
    std::priority_queue<sc_time, std::vector<sc_time>, std::greater<sc_time>> out;
    sc_time last = t0;
    for (uint64_t p = 0; p < pages; p += pages_per_op) {
      if (int(out.size()) >= depth) {
        const sc_time t = out.top();
        out.pop();
        const sc_time now = qk.get_current_time();
        if (t > now) qk.inc(t - now);
      }
      prepare_read(gp, ext, p * page_bytes, buf.data(), uint32_t(pages_per_op * page_bytes), cache);
      sc_time d = qk.get_local_time();
      socket->b_transport(gp, d);
      if (!gp.is_response_ok()) ++errors;
      const sc_time done = sc_core::sc_time_stamp() + d;
      out.push(done);
      if (done > last) last = done;
      if (qk.need_sync()) qk.sync();
    }
    gp.clear_extension(&ext);
    last_done_s = (last - t0).to_seconds();
  }
};

struct Run {
  std::string name;
  FlashConfig cfg;
  std::unique_ptr<FlashDevice> dev;
  std::vector<std::unique_ptr<Reader>> readers;
  uint64_t pages_per_channel = 0;
};

std::unique_ptr<Run> make_run(const std::string& tag, FlashConfig cfg, uint64_t pages_per_channel,
                              bool single_page, sc_core::sc_event* start) {
  auto r = std::make_unique<Run>();
  r->name = cfg.name;
  cfg.storage_mode = StorageMode::TimingOnly;  // measure the model, not memcpy/hashing
  r->cfg = cfg;
  r->dev = std::make_unique<FlashDevice>((tag + "_dev").c_str(), cfg);
  // Multi-plane reads when the planes share the die's array; otherwise
  // single pages with enough outstanding to keep every plane busy.
  const bool multi = !single_page && !cfg.independent_plane_reads && cfg.planes_per_die > 1;
  const uint64_t per_op = multi ? cfg.planes_per_die : 1;
  const int depth = int(2 * cfg.dies_per_channel() *
                        (cfg.independent_plane_reads ? cfg.planes_per_die : 1));
  r->pages_per_channel = pages_per_channel / per_op * per_op;
  for (uint32_t c = 0; c < cfg.channels; ++c) {
    r->readers.push_back(std::make_unique<Reader>((tag + "_rd" + std::to_string(c)).c_str(),
                                                  r->pages_per_channel, per_op,
                                                  cfg.page_size_bytes, depth, start));
    r->readers.back()->socket.bind(r->dev->channel(c).tgt_socket);
  }
  return r;
}

double achieved_gbps(const Run& r) {
  double last = 0;
  for (const auto& rd : r.readers) last = std::max(last, rd->last_done_s);
  return double(r.pages_per_channel) * r.cfg.page_size_bytes * r.cfg.channels / last / 1e9;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  const uint64_t total_pages = argc > 1 ? std::strtoull(argv[1], nullptr, 0) : 1000000;
  const std::string dir =
      argc > 2 ? argv[2] : std::string(PNMSIM_SOURCE_DIR) + "/sim/configs/flash";
  const std::vector<std::string> presets = {"hbf_gen1", "cambricon_llm_l", "mqsim_default",
                                            "onfi5_tlc"};
  std::vector<FlashConfig> cfgs;
  try {
    for (const auto& p : presets) cfgs.push_back(load_config(dir + "/" + p + ".yaml"));
  } catch (const pnm::ConfigError& e) {
    std::fprintf(stderr, "bench_flash: %s\n", e.what());
    return 1;
  }

  // Part 1 runs in the first sc_start; part 2 waits for this event.
  sc_core::sc_event go_presets;
  const FlashConfig& hbf = cfgs[0];
  auto speed = make_run("speed", hbf, total_pages / hbf.channels, /*single_page=*/true, nullptr);
  std::vector<std::unique_ptr<Run>> runs;
  for (const auto& c : cfgs) {
    // Enough pages per channel for steady state: 64 rounds over every plane.
    const uint64_t ppc = std::max<uint64_t>(4096, 64ull * c.dies_per_channel() * c.planes_per_die);
    runs.push_back(make_run(c.name, c, ppc, false, &go_presets));
  }

  const auto w0 = std::chrono::steady_clock::now();
  sc_core::sc_start();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
  const uint64_t done_pages = speed->pages_per_channel * hbf.channels;
  uint64_t errors = 0;
  for (const auto& r : speed->readers) errors += r->errors;
  std::printf("bench_flash: %llu-page sequential read over all %u channels of %s\n",
              static_cast<unsigned long long>(done_pages), hbf.channels, hbf.name.c_str());
  std::printf("  (timing_only storage, one single-page b_transport per page, queue depth %u per "
              "channel, quantum keeper)\n",
              2 * hbf.dies_per_channel() * (hbf.independent_plane_reads ? hbf.planes_per_die : 1));
  std::printf("  wall time            %.3f s\n", wall);
  std::printf("  page reads per wall-second  %.0f  (targets: issue 7 >= 1 M, issue 14 >= 5 M)\n", done_pages / wall);
  std::printf("  simulated time       %.3f ms, %.1f GB/s of %.1f GB/s nominal, errors %llu\n",
              speed->readers[0]->last_done_s * 1e3, achieved_gbps(*speed),
              hbf.channels * hbf.bus_bytes_per_s() / 1e9, static_cast<unsigned long long>(errors));

  go_presets.notify(sc_core::SC_ZERO_TIME);
  const auto w1 = std::chrono::steady_clock::now();
  sc_core::sc_start();
  const double wall2 = std::chrono::duration<double>(std::chrono::steady_clock::now() - w1).count();

  std::printf("\nachieved vs theoretical sequential read bandwidth per preset\n");
  std::printf("%-16s %4s %9s %11s %11s %11s %11s %9s %9s %10s\n", "preset", "ch", "pages/ch",
              "bus_GB/s", "array_GB/s", "theory_GB/s", "achvd_GB/s", "of_theory", "of_bus",
              "pJ/bit");
  for (const auto& r : runs) {
    const FlashConfig& c = r->cfg;
    const double bus = c.channels * c.bus_bytes_per_s() / 1e9;
    // Array limit: every plane of every die reads one page per tR (+cmd).
    const double array = double(c.channels) * c.dies_per_channel() * c.planes_per_die *
                         c.page_size_bytes / (double(c.t_read_ps + c.t_cmd_addr_ps) * 1e-12) / 1e9;
    const double theory = std::min(bus, array);
    const double got = achieved_gbps(*r);
    pnm::Stats s;
    r->dev->report(s, "flash");
    const double pj_per_bit = s.value("flash.total.energy.total") / (s.value("flash.total.read.bytes") * 8);
    std::printf("%-16s %4u %9llu %11.1f %11.1f %11.1f %11.1f %8.1f%% %8.1f%% %10.2f\n",
                r->name.c_str(), c.channels, static_cast<unsigned long long>(r->pages_per_channel),
                bus, array, theory, got, 100 * got / theory, 100 * got / bus, pj_per_bit);
  }
  std::printf("(part 2 wall time %.3f s)\n", wall2);
  return 0;
}
