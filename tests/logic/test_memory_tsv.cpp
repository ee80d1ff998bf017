// Logic memory (sparse store, zeros, timing, energy, DMI, errors) and the TSV
// link (transfer time formula in both directions, serialisation, full duplex,
// energy, debug and DMI pass-through).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <vector>

#include "tests/common/test_seed.hpp"
#include "tests/noc/test_targets.hpp"
#include "tlm/logic/memory.hpp"
#include "tlm/logic/tsv_link.hpp"

namespace {

using pnm::logic::Memory;
using pnm::logic::MemoryConfig;
using pnm::logic::TsvConfig;
using pnm::logic::TsvLink;
using pnm::test::RecordingTarget;
using pnm::test::Runner;
using pnm::test::ps;
using sc_core::sc_time;
using sc_core::SC_PS;
using sc_core::SC_ZERO_TIME;

constexpr uint64_t GiB = uint64_t{1} << 30;

MemoryConfig mem_cfg() {
  MemoryConfig c;
  c.size_bytes = 64 * GiB;
  c.t_access_ps = 40'000;
  c.bw_gbps = 100.0;  // 100 B/ns: n bytes take 10 n ps
  c.energy_pj_per_bit = 1.5;
  return c;
}

// Resident set size of this process in bytes (Linux).
uint64_t rss_bytes() {
  std::ifstream f("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  f >> size >> resident;
  return resident * 4096;
}

TEST(LogicMemory, SparseAcross64GiBAndZerosWhereNeverWritten) {
  const MemoryConfig c = mem_cfg();
  Memory mem("mem", c);
  const uint64_t rss0 = rss_bytes();
  Runner r("r", [&](Runner& me) {
    const uint64_t far = 64 * GiB - 8;
    uint64_t a = 0x0123456789ABCDEFULL, b = 0xFEDCBA9876543210ULL;
    sc_time d = SC_ZERO_TIME;
    ASSERT_EQ(me.write(16, &a, 8, d), tlm::TLM_OK_RESPONSE);
    ASSERT_EQ(me.write(far, &b, 8, d), tlm::TLM_OK_RESPONSE);
    uint64_t x = 1;
    ASSERT_EQ(me.read(far, &x, 8, d), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(x, b);
    ASSERT_EQ(me.read(16, &x, 8, d), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(x, a);
    // Never-written bytes read as zero, in a touched block and in an untouched one.
    std::vector<unsigned char> z(4096, 0xEE);
    ASSERT_EQ(me.read(4096, z.data(), 4096, d), tlm::TLM_OK_RESPONSE);
    for (unsigned char v : z) ASSERT_EQ(v, 0);
    std::fill(z.begin(), z.end(), 0xEE);
    ASSERT_EQ(me.read(32 * GiB, z.data(), 4096, d), tlm::TLM_OK_RESPONSE);
    for (unsigned char v : z) ASSERT_EQ(v, 0);
    // An access that straddles a block boundary.
    std::vector<unsigned char> s(64);
    for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<unsigned char>(i + 1);
    const uint64_t edge = 5 * Memory::kBlockBytes - 32;
    ASSERT_EQ(me.write(edge, s.data(), 64, d), tlm::TLM_OK_RESPONSE);
    std::vector<unsigned char> back(64);
    ASSERT_EQ(me.read(edge, back.data(), 64, d), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(back, s);
  });
  r.socket.bind(mem.tgt_socket);
  sc_core::sc_start();
  EXPECT_TRUE(r.done);
  // Blocks 0 and the last one, plus the two around the straddling write; the
  // reads allocated nothing.
  EXPECT_EQ(mem.stats().blocks_allocated, 4u);
  const uint64_t grown = rss_bytes() - std::min(rss0, rss_bytes());
  std::printf("[ rss      ] grew by %.1f MiB for a 64 GiB memory\n", double(grown) / (1 << 20));
  EXPECT_LT(grown, uint64_t{64} << 20);
}

TEST(LogicMemory, TimingIsLatencyPlusBytesOverBandwidthWithBusyUntil) {
  const MemoryConfig c = mem_cfg();
  Memory mem("mem", c);
  Runner r("r", [&](Runner& me) {
    std::vector<unsigned char> buf(4000, 1);
    const double xfer = 4000 * 1000.0 / c.bw_gbps;  // ps
    sc_time d = SC_ZERO_TIME;
    ASSERT_EQ(me.write(0, buf.data(), 4000, d), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(ps(d), c.t_access_ps + xfer);
    // Back to back, issued at the same local time 0: waits for the first transfer.
    sc_time d2 = SC_ZERO_TIME;
    ASSERT_EQ(me.read(8000, buf.data(), 4000, d2), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(ps(d2), xfer + c.t_access_ps + xfer);
    // Issued after the memory went idle: no wait.
    sc_time d3(3 * xfer, SC_PS);
    ASSERT_EQ(me.read(0, buf.data(), 100, d3), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(ps(d3), 3 * xfer + c.t_access_ps + 100 * 1000.0 / c.bw_gbps);
    EXPECT_EQ(mem.access_time(4000), sc_time(c.t_access_ps + xfer, SC_PS));
  });
  r.socket.bind(mem.tgt_socket);
  sc_core::sc_start();
  EXPECT_TRUE(r.done);
  EXPECT_EQ(mem.stats().bytes_written, 4000u);
  EXPECT_EQ(mem.stats().bytes_read, 4100u);
  EXPECT_DOUBLE_EQ(mem.stats().energy_write_pj, 4000 * 8 * c.energy_pj_per_bit);
  EXPECT_DOUBLE_EQ(mem.stats().energy_read_pj, 4100 * 8 * c.energy_pj_per_bit);
  pnm::Stats s;
  mem.report(s, "m");
  EXPECT_EQ(s.at("m.energy.total").unit, "pJ");
  EXPECT_DOUBLE_EQ(s.value("m.energy.total"), 8100 * 8 * c.energy_pj_per_bit);
}

TEST(LogicMemory, ErrorsDebugAndDmi) {
  MemoryConfig c = mem_cfg();
  c.size_bytes = 3 * Memory::kBlockBytes + 100;  // a partial last block
  Memory mem("mem", c);
  Runner r("r", [&](Runner& me) {
    uint32_t v = 7;
    sc_time d = SC_ZERO_TIME;
    EXPECT_EQ(me.write(c.size_bytes - 2, &v, 4, d), tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(me.read(c.size_bytes, &v, 4, d), tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(ps(d), 0.0) << "errors cost no time";
    // Debug: no time, no stats.
    uint32_t w = 0xABCD;
    EXPECT_EQ(me.debug(tlm::TLM_WRITE_COMMAND, 12, &w, 4), 4u);
    uint32_t back = 0;
    EXPECT_EQ(me.debug(tlm::TLM_READ_COMMAND, 12, &back, 4), 4u);
    EXPECT_EQ(back, w);
    EXPECT_EQ(me.debug(tlm::TLM_READ_COMMAND, c.size_bytes - 1, &back, 4), 0u);
    // DMI: one block per grant, the last one clipped to the size.
    tlm::tlm_dmi dmi;
    ASSERT_TRUE(me.dmi(Memory::kBlockBytes + 5, dmi));
    EXPECT_EQ(dmi.get_start_address(), Memory::kBlockBytes);
    EXPECT_EQ(dmi.get_end_address(), 2 * Memory::kBlockBytes - 1);
    EXPECT_TRUE(dmi.is_read_write_allowed());
    EXPECT_EQ(ps(dmi.get_read_latency()), double(c.t_access_ps));
    dmi.get_dmi_ptr()[5] = 0x42;
    unsigned char b = 0;
    d = SC_ZERO_TIME;
    ASSERT_EQ(me.read(Memory::kBlockBytes + 5, &b, 1, d), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(b, 0x42);
    EXPECT_TRUE(me.last_dmi_allowed);
    ASSERT_TRUE(me.dmi(3 * Memory::kBlockBytes, dmi));
    EXPECT_EQ(dmi.get_end_address(), c.size_bytes - 1);
    EXPECT_FALSE(me.dmi(c.size_bytes, dmi));
  });
  r.socket.bind(mem.tgt_socket);
  sc_core::sc_start();
  EXPECT_TRUE(r.done);
  EXPECT_EQ(mem.stats().errors, 2u);
  EXPECT_EQ(mem.stats().bytes_written, 0u);
  EXPECT_EQ(mem.stats().dmi_grants, 2u);
}

// ------------------------------------------------------------------ TSV -----

TsvConfig tsv_cfg() {
  TsvConfig c;
  c.width_bits = 256;
  c.data_rate_mts = 2000;  // 500 ps per beat
  c.latency_ps = 3000;
  c.energy_pj_per_bit = 0.25;
  return c;
}

// The formula of tsv_link.hpp, written out here.
double tsv_transfer_ps(const TsvConfig& c, uint64_t bytes) {
  const double beats = std::ceil(double(bytes) * 8.0 / double(c.width_bits));
  return beats * 1e6 / c.data_rate_mts;
}

struct TsvBench {
  TsvLink link;
  RecordingTarget pnm, mem;
  Runner down, up;
  TsvBench(std::function<void(Runner&)> d, std::function<void(Runner&)> u)
      : link("tsv", tsv_cfg()), pnm("pnm", 100), mem("mem", 200, 1 << 16), down("down", d), up("up", u) {
    down.socket.bind(link.down_tgt);
    link.down_init.bind(pnm.socket);
    up.socket.bind(link.up_tgt);
    link.up_init.bind(mem.socket);
  }
};

TEST(TsvLink, TransferTimeMatchesFormulaBothDirections) {
  const TsvConfig c = tsv_cfg();
  const uint64_t seed = pnm::test::seed("TsvLink.TransferTimeMatchesFormulaBothDirections", 5);
  std::mt19937_64 rng(seed);
  std::vector<unsigned> sizes = {1, 4, 31, 32, 33, 64, 4096};
  for (int i = 0; i < 20; ++i) sizes.push_back(1 + unsigned(rng() % 20000));
  double down_bytes = 0, up_bytes = 0;
  auto body = [&](Runner& me, uint64_t target_ps, double& total) {
    std::vector<unsigned char> buf(20000);
    for (unsigned n : sizes) {
      // Idle link: issue each transfer long after the previous one finished.
      sc_core::wait(sc_time(1, sc_core::SC_US));
      sc_time d = SC_ZERO_TIME;
      ASSERT_EQ(me.write(0x40, buf.data(), n, d), tlm::TLM_OK_RESPONSE);
      EXPECT_EQ(ps(d), double(c.latency_ps) + tsv_transfer_ps(c, n) + double(target_ps)) << n;
      total += n;
    }
  };
  TsvBench b([&](Runner& me) { body(me, 100, down_bytes); },
             [&](Runner& me) { body(me, 200, up_bytes); });
  sc_core::sc_start();
  EXPECT_TRUE(b.down.done && b.up.done);
  EXPECT_EQ(b.link.stats(TsvLink::kDown).bytes, uint64_t(down_bytes));
  EXPECT_DOUBLE_EQ(b.link.stats(TsvLink::kDown).energy_pj, down_bytes * 8 * c.energy_pj_per_bit);
  EXPECT_DOUBLE_EQ(b.link.stats(TsvLink::kUp).energy_pj, up_bytes * 8 * c.energy_pj_per_bit);
  EXPECT_EQ(b.link.stats(TsvLink::kUp).transactions, sizes.size());
  EXPECT_EQ(b.link.idle_delay(33), sc_time(c.latency_ps + tsv_transfer_ps(c, 33), SC_PS));
}

TEST(TsvLink, BackToBackTransfersSerialisePerDirectionOnly) {
  const TsvConfig c = tsv_cfg();
  const double x = tsv_transfer_ps(c, 1000);  // 32 beats, 16 ns
  TsvBench b(
      [&](Runner& me) {
        std::vector<unsigned char> buf(1000);
        sc_time d1 = SC_ZERO_TIME, d2 = SC_ZERO_TIME;
        ASSERT_EQ(me.write(0, buf.data(), 1000, d1), tlm::TLM_OK_RESPONSE);
        ASSERT_EQ(me.write(0, buf.data(), 1000, d2), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(ps(d1), c.latency_ps + x + 100);
        EXPECT_EQ(ps(d2), x + c.latency_ps + x + 100) << "second transfer queues behind the first";
        // Issued half-way through the second transfer: waits for the rest of it.
        sc_time d3(1.5 * x, SC_PS);
        ASSERT_EQ(me.write(0, buf.data(), 1000, d3), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(ps(d3), 2 * x + c.latency_ps + x + 100);
      },
      [&](Runner& me) {
        // The up direction is independent of the down one (full duplex).
        std::vector<unsigned char> buf(1000);
        sc_time d = SC_ZERO_TIME;
        ASSERT_EQ(me.write(0, buf.data(), 1000, d), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(ps(d), c.latency_ps + x + 200);
      });
  sc_core::sc_start();
  EXPECT_TRUE(b.down.done && b.up.done);
  EXPECT_EQ(b.link.stats(TsvLink::kDown).wait_ps, uint64_t(x + 0.5 * x));
  EXPECT_EQ(b.link.stats(TsvLink::kUp).wait_ps, 0u);
  pnm::Stats s;
  b.link.report(s, "tsv");
  EXPECT_EQ(s.value("tsv.down.beats"), 3 * 32.0);
  EXPECT_EQ(s.at("tsv.up.energy").unit, "pJ");
}

TEST(TsvLink, DebugAndDmiPassThrough) {
  const TsvConfig c = tsv_cfg();
  TsvBench b([](Runner&) {},
             [&](Runner& me) {
               uint32_t v = 0x99;
               EXPECT_EQ(me.debug(tlm::TLM_WRITE_COMMAND, 0x10, &v, 4), 4u);
               EXPECT_EQ(sc_core::sc_time_stamp(), SC_ZERO_TIME);
               tlm::tlm_dmi d;
               ASSERT_TRUE(me.dmi(0x10, d));
               EXPECT_EQ(ps(d.get_read_latency()), 200.0 + c.latency_ps);
               EXPECT_EQ(ps(d.get_write_latency()), 200.0 + c.latency_ps);
               EXPECT_EQ(d.get_dmi_ptr()[0x10], 0x99);
               // Invalidations come back through the link.
               b.mem.socket->invalidate_direct_mem_ptr(0, 15);
               ASSERT_EQ(me.invalidations.size(), 1u);
               EXPECT_EQ(me.invalidations[0].second, 15u);
             });
  sc_core::sc_start();
  EXPECT_TRUE(b.up.done);
  EXPECT_EQ(b.link.stats(TsvLink::kUp).transactions, 0u) << "debug/DMI cost no stats";
}

}  // namespace
