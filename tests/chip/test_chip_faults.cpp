// Issue 15, items 3 and 4: the watchdog and fault injection from the chip
// YAML's `faults:` section. Every injected fault must be reported (an error
// naming the block, or for corrected bit flips a counter), never silently
// wrong; a hang must end with an error naming the blocks still busy.
//
// Each test runs the tiny functional model on sim/configs/tiny.yaml (4
// channels) with overrides; one sc_start per test (ctest runs each test in its
// own process).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "sim/model/checkpoint.hpp"
#include "sim/model/decoder.hpp"
#include "tests/common/test_seed.hpp"
#include "tests/common/tiny_model.hpp"
#include "tlm/chip/decode_session.hpp"
#include "tlm/common/sim_time.hpp"

namespace pnm::chip {
namespace {

const std::string kRoot = PNMSIM_SOURCE_DIR;

ChipConfig tiny_chip(const std::vector<std::string>& overrides) {
  return load_chip_config(kRoot + "/sim/configs/tiny.yaml", overrides);
}

model::QuantizedModel tiny_qm(uint64_t seed) { return test::tiny_quantized_model(seed, "faults"); }

struct Outcome {
  std::vector<int32_t> tokens;
  std::string error;
  bool hung = false;
  uint64_t end_ps = 0;
  uint64_t corrected_bits = 0;    // flash channel `probe`'s ECC counter
  uint64_t uncorrectable = 0;     // over all channels
};

// Decodes `steps` tokens greedily from BOS; `limit_ps` > 0 stops sc_start there.
Outcome run(const ChipConfig& cfg, const model::QuantizedModel& qm, int steps, unsigned probe = 0, uint64_t limit_ps = 0) {
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(1, sc_core::SC_US));
  Chip chip("chip", cfg);
  DecodeSession session(chip, load_model(chip, qm));
  const uint64_t load_ps = now_ps();
  session.queue(1, steps);
  if (limit_ps) {
    sc_core::sc_start(sc_core::sc_time(double(limit_ps - load_ps), sc_core::SC_PS));
  } else {
    sc_core::sc_start();
  }
  session.finish();
  Outcome r;
  for (const auto& t : session.tokens()) r.tokens.push_back(t.output);
  r.error = session.error();
  r.hung = session.hung();
  r.end_ps = now_ps();
  r.corrected_bits = chip.flash(probe).model().counters().corrected_bits;
  for (unsigned c = 0; c < chip.channels(); ++c) r.uncorrectable += chip.flash(c).model().counters().uncorrectable_pages;
  return r;
}

std::vector<int32_t> reference(const model::QuantizedModel& qm, int steps) {
  model::ReferenceDecoder dec(qm);
  return model::generate(dec, 1, steps);
}

void expect_has(const std::string& text, const std::string& what) {
  EXPECT_NE(text.find(what), std::string::npos) << "'" << what << "' not in: " << text;
}

// ---- watchdog ----

// A stuck-busy die: channel 2's reads on die 0 never come back in time, so
// unit 2 keeps its jobs, the firmware waits for the PNM-idle IRQ forever, and
// the watchdog (50 ms here) stops the run naming the unit, its job counters,
// the CPU and the fault.
TEST(ChipWatchdog, StuckDieStopsTheRunNamingTheBusyUnitAndTheCpu) {
  const auto qm = tiny_qm(test::seed("ChipWatchdog.StuckDie", 3));
  const Outcome r = run(tiny_chip({"chip.watchdog_ms=50", "chip.faults.die_hang.kind=stuck_die",
                               "chip.faults.die_hang.channel=2", "chip.faults.die_hang.die=0"}),
                    qm, 4);
  EXPECT_TRUE(r.hung);
  expect_has(r.error, "watchdog");
  expect_has(r.error, "pnm2 (channel 2)");
  expect_has(r.error, "JOBS_PUSHED");
  expect_has(r.error, "JOBS_DONE");
  expect_has(r.error, "cpu: running program");
  expect_has(r.error, "'die_hang' (stuck_die, channel 2 die 0)");
  EXPECT_EQ(r.error.find("pnm0 ("), std::string::npos) << "only the stuck unit is busy: " << r.error;
  EXPECT_LT(r.tokens.size(), 4u);
  // Stopped at the bound (50 ms after the last step began), not at the stuck
  // die's 24 h delay.
  EXPECT_GE(r.end_ps, 50'000'000'000ull);
  EXPECT_LT(r.end_ps, 60'000'000'000ull);
}

// The same hang with the default bound (100 s): still caught, in bounded
// simulated time.
TEST(ChipWatchdog, DefaultBoundCatchesAStuckDie) {
  const auto qm = tiny_qm(test::seed("ChipWatchdog.Default", 4));
  const Outcome r = run(tiny_chip({"chip.faults.s.kind=stuck_die", "chip.faults.s.channel=0", "chip.faults.s.die=0"}), qm, 2);
  EXPECT_TRUE(r.hung);
  expect_has(r.error, "watchdog");
  expect_has(r.error, "pnm0 (channel 0)");
  EXPECT_GE(r.end_ps, ChipConfig::kDefaultWatchdogPs);
  EXPECT_LT(r.end_ps, 2 * ChipConfig::kDefaultWatchdogPs);
}

// sc_start returning before the requested tokens exist (here: a time limit)
// is an error naming what is still busy, not a short but "successful" run.
TEST(ChipWatchdog, SimulationEndingBeforeTheTokensExistIsAnError) {
  const auto qm = tiny_qm(test::seed("ChipWatchdog.Short", 5));
  // Load takes some time; stop 20 us into decode (a tiny token takes ~70 us).
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(1, sc_core::SC_US));
  Chip chip("chip", tiny_chip({}));
  DecodeSession session(chip, load_model(chip, qm));
  session.queue(1, 4);
  sc_core::sc_start(sc_core::sc_time(20, sc_core::SC_US));
  session.finish();
  EXPECT_TRUE(session.hung());
  expect_has(session.error(), "of 4 tokens");
  expect_has(session.error(), "cpu: running program");
}

// A normal run: the watchdog is disarmed at the end, so sc_start returns when
// the work is done (not at the bound), and the run matches the reference.
TEST(ChipWatchdog, NormalRunIsNotDelayedByTheWatchdog) {
  const auto qm = tiny_qm(test::seed("ChipWatchdog.Normal", 6));
  const Outcome r = run(tiny_chip({"chip.watchdog_ms=1"}), qm, 4);
  EXPECT_FALSE(r.hung);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.tokens, reference(qm, 4));
  EXPECT_LT(r.end_ps, 1'000'000'000ull) << "ended long before 1 ms";
}

// ---- faults ----

// An uncorrectable page in the first weight matrix (layer 0's, at flash
// address 0 of every channel): exit-1-class error saying uncorrectable and
// naming channel 1 and the fault.
TEST(ChipFaults, UncorrectablePageInAWeightFailsNamingTheChannel) {
  const auto qm = tiny_qm(test::seed("ChipFaults.Uncorrectable", 7));
  const Outcome r = run(tiny_chip({"chip.faults.bad_weight.kind=uncorrectable_page", "chip.faults.bad_weight.channel=1",
                               "chip.faults.bad_weight.flash_address=0"}),
                    qm, 2);
  EXPECT_FALSE(r.hung);
  expect_has(r.error, "uncorrectable");
  expect_has(r.error, "channel 1");
  expect_has(r.error, "'bad_weight' (uncorrectable_page, channel 1 die 0 plane 0 block 0 page 0)");
  EXPECT_GE(r.uncorrectable, 1u);
}

// The error names the failing page itself, not only the fault: channel, die,
// plane, block and page of the first read that stayed uncorrectable. The
// geometry is shrunk (1 plane, 2 dies, 4 pages per block) so a page that
// channel 1 holds (every reserved page holds weights, read every token) has
// a nonzero die, block and page; those are computed here from the address by
// hand, in the decode order column | plane | die | page | block (flash_types.hpp).
TEST(ChipFaults, UncorrectablePageErrorNamesDieBlockAndPage) {
  const auto qm = tiny_qm(test::seed("ChipFaults.UncorrectableWhere", 12));
  const std::vector<std::string> geometry = {"chip.flash.geometry.planes_per_die=1", "chip.flash.geometry.dies_per_chip=2",
                                             "chip.flash.geometry.pages_per_block=4"};
  const uint64_t page_bytes = 4096, planes = 1, dies = 2, pages_per_block = 4;
  const uint64_t reserved = plan(tiny_chip(geometry), qm.shape).flash_bytes_per_channel;
  ASSERT_EQ(reserved % page_bytes, 0u);
  // The last page written whose die, page and block are all nonzero.
  uint64_t pi = reserved / page_bytes;
  while (pi-- > 0 && !((pi / planes) % dies && (pi / planes / dies) % pages_per_block && pi / planes / dies / pages_per_block)) {
  }
  ASSERT_LT(pi, reserved / page_bytes) << "no such page: the tiny model's layout changed";
  const uint64_t addr = pi * page_bytes;
  const uint64_t plane = pi % planes, die = (pi / planes) % dies, page = (pi / planes / dies) % pages_per_block,
                 block = pi / planes / dies / pages_per_block;
  ASSERT_GT(die, 0u) << "pick an address that exercises every field";
  ASSERT_GT(page, 0u);
  ASSERT_GT(block, 0u);
  std::vector<std::string> o = geometry;
  for (const char* kv : {"kind=uncorrectable_page", "channel=1"}) o.push_back(std::string("chip.faults.late.") + kv);
  o.push_back("chip.faults.late.flash_address=" + std::to_string(addr));
  const Outcome r = run(tiny_chip(o), qm, 2);
  EXPECT_FALSE(r.hung);
  char want[160];
  std::snprintf(want, sizeof want, "first uncorrectable page: channel 1 die %llu plane %llu block %llu page %llu (flash address 0x%llx)",
                (unsigned long long)die, (unsigned long long)plane, (unsigned long long)block,
                (unsigned long long)page, (unsigned long long)addr);
  expect_has(r.error, want);
  EXPECT_GE(r.uncorrectable, 1u);
}

// The same page given as die/plane/block/page.
TEST(ChipFaults, UncorrectablePageByPhysicalAddress) {
  const auto qm = tiny_qm(test::seed("ChipFaults.UncorrectablePhys", 8));
  const Outcome r = run(tiny_chip({"chip.faults.p.kind=uncorrectable_page", "chip.faults.p.channel=3",
                               "chip.faults.p.die=0", "chip.faults.p.block=0", "chip.faults.p.page=0"}),
                    qm, 2);
  expect_has(r.error, "uncorrectable");
  expect_has(r.error, "channel 3");
}

// Bit flips within ECC strength (hbf_gen1: t = 40 bits per 1 KiB codeword):
// this flash model returns the stored bytes and models raw bit errors as
// counts seen by ECC, so 3 flipped bits per codeword are corrected: the
// tokens equal the reference and the corrected-bits counter shows them.
TEST(ChipFaults, BitFlipsWithinEccAreCorrectedAndCounted) {
  const auto qm = tiny_qm(test::seed("ChipFaults.BitFlipsOk", 9));
  const Outcome r = run(tiny_chip({"chip.faults.flips.kind=bit_flips", "chip.faults.flips.channel=0",
                               "chip.faults.flips.flash_address=0", "chip.faults.flips.bits=3"}),
                    qm, 4, /*probe=*/0);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.tokens, reference(qm, 4));
  // The page holds channel 0's stripe of layer 0's wq (16 rows x 64 = 1 KiB,
  // one codeword), read once per token: at least 4 reads x 1 codeword x 3 bits
  // (plus any the RBER model draws elsewhere).
  EXPECT_GE(r.corrected_bits, 4u * 1u * 3u);
}

// Bit flips beyond ECC strength (41 > t = 40): uncorrectable, reported.
TEST(ChipFaults, BitFlipsBeyondEccAreUncorrectable) {
  const auto qm = tiny_qm(test::seed("ChipFaults.BitFlipsBad", 10));
  const Outcome r = run(tiny_chip({"chip.faults.flips.kind=bit_flips", "chip.faults.flips.channel=2",
                               "chip.faults.flips.flash_address=0", "chip.faults.flips.bits=41"}),
                    qm, 2);
  expect_has(r.error, "uncorrectable");
  expect_has(r.error, "channel 2");
  expect_has(r.error, "41 bits per codeword");
}

// A TSV link that fails after 100 transfers (both directions): the firmware's
// access through it gets an error response; the run fails naming the link.
TEST(ChipFaults, TsvLinkErrorFailsNamingTheLink) {
  const auto qm = tiny_qm(test::seed("ChipFaults.Tsv", 11));
  const Outcome r = run(tiny_chip({"chip.faults.link.kind=tsv_error", "chip.faults.link.channel=3",
                               "chip.faults.link.after_transfers=100"}),
                    qm, 2);
  EXPECT_FALSE(r.hung) << r.error;
  expect_has(r.error, "TLM_GENERIC_ERROR_RESPONSE");
  expect_has(r.error, "'link' (tsv_error, TSV link 3 both directions)");
  expect_has(r.error, "answered with an error");
}

// The up direction only (result write-back), from a time: the PNM unit
// reports a write-back error and the firmware names the channel.
TEST(ChipFaults, TsvUpLinkErrorIsAWriteBackErrorOfThatChannel) {
  const auto qm = tiny_qm(test::seed("ChipFaults.TsvUp", 12));
  const Outcome r = run(tiny_chip({"chip.faults.up.kind=tsv_error", "chip.faults.up.channel=1",
                               "chip.faults.up.direction=up", "chip.faults.up.from_us=0"}),
                    qm, 2);
  EXPECT_FALSE(r.hung) << r.error;
  EXPECT_NE(r.error, "");
  expect_has(r.error, "channel 1");
  expect_has(r.error, "TSV link 1 up");
}

// Determinism with faults (same config and seed, byte-identical stats) is
// checked on whole runs: cli.fault_runs_same_stats (two chip instances in one
// kernel may order same-instant write-backs differently, see test_chip.cpp).

// ---- config ----

TEST(ChipFaults, BadFaultEntriesNameFileKeyAndRange) {
  auto expect_error = [](const std::vector<std::string>& set, const std::vector<std::string>& wants) {
    try {
      tiny_chip(set);
      ADD_FAILURE() << "no error for " << set.back();
    } catch (const ConfigError& e) {
      for (const auto& w : wants) EXPECT_NE(std::string(e.what()).find(w), std::string::npos) << e.what();
    }
  };
  const std::string k = "chip.faults.x.";
  expect_error({k + "kind=cosmic_ray", k + "channel=0"}, {"tiny.yaml", "chip.faults.x.kind", "uncorrectable_page"});
  expect_error({k + "kind=stuck_die", k + "channel=4", k + "die=0"}, {"chip.faults.x.channel", "3"});
  expect_error({k + "kind=stuck_die", k + "channel=0", k + "die=99"}, {"chip.faults.x.die"});
  expect_error({k + "kind=stuck_die", k + "channel=0"}, {"chip.faults.x.die"});
  expect_error({k + "kind=stuck_die", k + "channel=0", k + "die=0", k + "page=1"}, {"chip.faults.x.page", "unknown"});
  expect_error({k + "kind=bit_flips", k + "channel=0", k + "flash_address=0"}, {"chip.faults.x.bits"});
  expect_error({k + "kind=bit_flips", k + "channel=0", k + "flash_address=0", k + "bits=0"}, {"chip.faults.x.bits"});
  expect_error({k + "kind=uncorrectable_page", k + "channel=0", k + "flash_address=0", k + "die=0"},
               {"chip.faults.x.die", "flash_address"});
  expect_error({k + "kind=uncorrectable_page", k + "channel=0", k + "flash_address=-1"}, {"chip.faults.x.flash_address"});
  expect_error({k + "kind=tsv_error", k + "channel=0", k + "direction=sideways"}, {"chip.faults.x.direction"});
  expect_error({k + "kind=tsv_error", k + "channel=0", k + "after=3"}, {"chip.faults.x.after", "after_transfers"});
  expect_error({"chip.faults=3"}, {"chip.faults", "map"});
  expect_error({"chip.watchdog_ms=0"}, {"chip.watchdog_ms"});
  expect_error({"chip.watchdog=5"}, {"watchdog", "unit"});
  // A good entry loads with its values.
  const ChipConfig c = tiny_chip({k + "kind=stuck_die", k + "channel=1", k + "die=0", k + "from_us=3", k + "delay_ms=2"});
  ASSERT_EQ(c.faults.size(), 1u);
  EXPECT_EQ(c.faults[0].kind, FaultSpec::Kind::StuckDie);
  EXPECT_EQ(c.faults[0].channel, 1u);
  EXPECT_EQ(c.faults[0].from_ps, 3'000'000u);
  EXPECT_EQ(c.faults[0].delay_ps, 2'000'000'000u);
  EXPECT_EQ(tiny_chip({}).watchdog_ps, ChipConfig::kDefaultWatchdogPs);
}

}  // namespace
}  // namespace pnm::chip
