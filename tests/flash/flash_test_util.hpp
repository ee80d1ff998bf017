// Shared helpers of the flash tests: a small test config, the seed rule, and
// a queue-depth-limited issuer driving a ChannelModel directly.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <queue>
#include <string>
#include <vector>

#include "tlm/flash/flash_channel_model.hpp"
#include "tlm/flash/flash_config.hpp"

namespace flash_test {

/// Randomised tests take their seed from PNMSIM_SEED when set, and print it.
inline uint64_t test_seed(uint64_t fallback = 12345) {
  const char* s = std::getenv("PNMSIM_SEED");
  const uint64_t seed = s ? std::strtoull(s, nullptr, 0) : fallback;
  std::printf("[ seed     ] PNMSIM_SEED=%llu\n", static_cast<unsigned long long>(seed));
  return seed;
}

/// A small ONFI-like channel with round numbers. `extra` is appended inside
/// `flash:` (YAML, two-space indented) to override sections.
inline std::string base_yaml(int dies = 1, int planes = 1, const std::string& extra = "") {
  return "flash:\n"
         "  name: test\n"
         "  geometry:\n"
         "    channels: 1\n"
         "    chips_per_channel: " + std::to_string(dies) + "\n"
         "    dies_per_chip: 1\n"
         "    planes_per_die: " + std::to_string(planes) + "\n"
         "    blocks_per_plane: 16\n"
         "    pages_per_block: 64\n"
         "    page_size_bytes: 4096\n"
         "  interface:\n"
         "    io_rate_mts: 400\n"
         "    bus_width_bits: 8\n"
         "    t_cmd_addr_ns: 200\n"
         "    cmd_on_data_bus: true\n"
         "  timing:\n"
         "    t_read_us: 20\n"
         "    t_prog_us: 300\n"
         "    t_erase_ms: 2\n"
         "    t_cache_copy_ns: 1000\n"
         "  ecc:\n"
         "    codeword_bytes: 1024\n"
         "    correctable_bits_per_codeword: 8\n"
         "    t_decode_ns: 2000\n"
         "    max_read_retries: 3\n" +
         extra;
}

inline pnm::flash::FlashConfig cfg_from(const std::string& yaml) {
  return pnm::flash::load_config(
      pnm::ConfigReader::from_string(yaml, "test.yaml", "flash", "flash channel"));
}

/// Issues `count` requests from `gen(k)`, at most `depth` outstanding: request
/// k is issued when the earliest outstanding one completes (a controller with
/// a command queue). Returns the last completion time in ps.
inline uint64_t run_window(pnm::flash::ChannelModel& m, int count, int depth,
                           const std::function<pnm::flash::OpRequest(int)>& gen) {
  std::priority_queue<uint64_t, std::vector<uint64_t>, std::greater<uint64_t>> out;
  uint64_t now = 0, last = 0;
  for (int k = 0; k < count; ++k) {
    if (static_cast<int>(out.size()) >= depth) {
      now = out.top();
      out.pop();
    }
    pnm::flash::OpRequest r = gen(k);
    r.issue_ps = now;
    const pnm::flash::OpResult res = m.execute(r);
    out.push(res.done_ps);
    last = std::max(last, res.done_ps);
  }
  return last;
}

}  // namespace flash_test
