// Interconnect: routing by the address map with local offsets, address errors,
// PNM_BCAST fan-out, debug transport, DMI with address translation and
// invalidation, stats, bind() checks and the config loader.
// One sc_start per test; ctest runs each test in its own process.
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "tests/common/test_seed.hpp"
#include "tests/noc/test_targets.hpp"
#include "tlm/common/pnm_regs.hpp"
#include "tlm/noc/interconnect.hpp"

namespace {

// PNM window size as CHIP.md states it (written out, not taken from the
// generated map this test checks).
constexpr uint64_t kPnmWindow = 0x400000ULL;

using pnm::noc::Interconnect;
using pnm::noc::NocConfig;
using pnm::test::RecordingTarget;
using pnm::test::Runner;
using pnm::test::ps;
namespace A = pnm::regs::addr;
using sc_core::sc_time;
using sc_core::SC_PS;
using sc_core::SC_ZERO_TIME;

constexpr uint64_t kHopPs = 1500;
constexpr uint64_t kTargetPs = 700;

// A chip-like fabric: one target per window (channels PNM windows).
struct Fabric {
  std::unique_ptr<Interconnect> noc;
  std::unique_ptr<RecordingTarget> vu, irq, mem;
  std::vector<std::unique_ptr<RecordingTarget>> pnm;
  explicit Fabric(unsigned channels, bool bind_irq = true) {
    noc = std::make_unique<Interconnect>("noc", NocConfig{kHopPs}, channels);
    vu = std::make_unique<RecordingTarget>("vu_t", kTargetPs);
    if (bind_irq) irq = std::make_unique<RecordingTarget>("irq_t", kTargetPs);
    mem = std::make_unique<RecordingTarget>("mem_t", kTargetPs, 4096);
    noc->bind("VU", 0, vu->socket);
    if (bind_irq) noc->bind("IRQ", 0, irq->socket);
    noc->bind("LOGIC_MEM", 0, mem->socket);
    for (unsigned c = 0; c < channels; ++c) {
      pnm.push_back(std::make_unique<RecordingTarget>(("pnm_t" + std::to_string(c)).c_str(),
                                                      kTargetPs + 100 * c, 4096));
      noc->bind("PNM", c, pnm.back()->socket);
    }
  }
  std::vector<RecordingTarget*> all() {
    std::vector<RecordingTarget*> v{vu.get(), mem.get()};
    if (irq) v.push_back(irq.get());
    for (auto& p : pnm) v.push_back(p.get());
    return v;
  }
  size_t total_accesses() {
    size_t n = 0;
    for (auto* t : all()) n += t->log.size();
    return n;
  }
};

TEST(Interconnect, RoutesEveryWindowWithLocalOffsets) {
  const uint64_t seed = pnm::test::seed("Interconnect.RoutesEveryWindowWithLocalOffsets", 11);
  std::mt19937_64 rng(seed);
  const unsigned C = 4;
  Fabric f(C);
  struct Case {
    uint64_t addr, local;
    RecordingTarget* target;
    uint64_t target_delay_ps;
  };
  std::vector<Case> cases;
  auto add = [&](uint64_t base, uint64_t size, RecordingTarget* t, uint64_t tps) {
    const uint64_t off = (rng() % (size / 4)) * 4;
    cases.push_back({base + off, off, t, tps});
    cases.push_back({base, 0, t, tps});                   // first word
    cases.push_back({base + size - 4, size - 4, t, tps});  // last word
  };
  add(0x00010000, 0x1000, f.vu.get(), kTargetPs);
  add(0x00020000, 0x1000, f.irq.get(), kTargetPs);
  add(0x1000000000ULL, 0x1000000000ULL, f.mem.get(), kTargetPs);
  for (unsigned c = 0; c < C; ++c) {
    add(0x10000000ULL + c * kPnmWindow, kPnmWindow, f.pnm[c].get(), kTargetPs + 100 * c);
  }
  Runner r("r", [&](Runner& me) {
    for (const Case& k : cases) {
      const size_t before = f.total_accesses();
      const size_t tbefore = k.target->log.size();
      uint32_t v = uint32_t(rng());
      sc_time d = sc_time(10, SC_PS);
      ASSERT_EQ(me.write(k.addr, &v, 4, d), tlm::TLM_OK_RESPONSE) << std::hex << k.addr;
      EXPECT_EQ(ps(d), 10.0 + kHopPs + k.target_delay_ps) << std::hex << k.addr;
      EXPECT_EQ(me.last_address, k.addr) << "address restored after forwarding";
      ASSERT_EQ(k.target->log.size(), tbefore + 1);
      EXPECT_EQ(f.total_accesses(), before + 1) << "exactly one target sees the access";
      EXPECT_EQ(k.target->log.back().addr, k.local) << std::hex << k.addr;
      uint32_t back = 0;
      d = SC_ZERO_TIME;
      ASSERT_EQ(me.read(k.addr, &back, 4, d), tlm::TLM_OK_RESPONSE);
      EXPECT_EQ(back, v);
    }
  });
  r.socket.bind(f.noc->tgt_socket);
  sc_core::sc_start();
  EXPECT_TRUE(r.done);
  EXPECT_EQ(f.noc->region_stats(0).transactions, 6u);  // VU: 3 writes + 3 reads
  EXPECT_EQ(f.noc->region_stats(0).bytes_written, 12u);
  EXPECT_EQ(f.noc->region_stats(0).bytes_read, 12u);
}

TEST(Interconnect, UnmappedBeyondChannelsUnboundAndBroadcastReadsAreAddressErrors) {
  const unsigned C = 3;
  Fabric f(C, /*bind_irq=*/false);
  const std::vector<std::pair<uint64_t, unsigned>> bad = {
      {0x0, 4},                                        // below every region
      {0x00011000, 4},                                 // between VU and IRQ
      {0x00010FFE, 4},                                 // crosses the end of VU
      {0x00020000, 4},                                 // IRQ: not bound
      {0x10000000ULL + C * kPnmWindow, 4},            // PNM window C: beyond channels
      {0x10000000ULL + 255 * kPnmWindow + 8, 4},      // last PNM window
      {0x10000000ULL + (C - 1) * kPnmWindow + kPnmWindow - 4, 8},  // crosses into window C
      {0x1000000000ULL + 0x1000000000ULL, 4},          // just past LOGIC_MEM
      {0x1000000000ULL - 4, 4},                        // just below LOGIC_MEM
      {0xFFFFFFFFFFFFFFF0ULL, 4},
  };
  Runner r("r", [&](Runner& me) {
    for (auto [addr, len] : bad) {
      for (auto cmd : {tlm::TLM_READ_COMMAND, tlm::TLM_WRITE_COMMAND}) {
        std::vector<unsigned char> buf(len, 0xAB);
        sc_time d = SC_ZERO_TIME;
        EXPECT_EQ(me.access(cmd, addr, buf.data(), len, d), tlm::TLM_ADDRESS_ERROR_RESPONSE)
            << std::hex << addr;
        tlm::tlm_response_status st = tlm::TLM_OK_RESPONSE;
        EXPECT_EQ(me.debug(cmd, addr, buf.data(), len, &st), 0u);
        EXPECT_EQ(st, tlm::TLM_ADDRESS_ERROR_RESPONSE);
      }
    }
    // Reads of the broadcast window.
    uint32_t v = 0;
    sc_time d = SC_ZERO_TIME;
    EXPECT_EQ(me.read(0x0F000000, &v, 4, d), tlm::TLM_ADDRESS_ERROR_RESPONSE);
    tlm::tlm_dmi dmi;
    EXPECT_FALSE(me.dmi(0x0F000000, dmi));
    EXPECT_FALSE(me.dmi(0x10000000ULL + C * kPnmWindow, dmi));
  });
  r.socket.bind(f.noc->tgt_socket);
  sc_core::sc_start();
  EXPECT_TRUE(r.done);
  EXPECT_EQ(f.total_accesses(), 0u) << "no target may see a rejected access";
}

TEST(Interconnect, BroadcastWritesFanOutToEveryChannel) {
  const unsigned C = 8;
  Fabric f(C);
  Runner r("r", [&](Runner& me) {
    const uint64_t o = 0x80000 + 0x40;  // activation SRAM offset + 0x40
    std::vector<unsigned char> data(64);
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<unsigned char>(3 * i + 1);
    sc_time d(100, SC_PS);
    ASSERT_EQ(me.write(0x0F000000 + o, data.data(), 64, d), tlm::TLM_OK_RESPONSE);
    // Max over channels of (100 + target delay) + hop; target c adds kTargetPs + 100 c.
    EXPECT_EQ(ps(d), 100.0 + kTargetPs + 100.0 * (C - 1) + kHopPs);
    EXPECT_FALSE(me.last_dmi_allowed);
    for (unsigned c = 0; c < C; ++c) {
      ASSERT_EQ(f.pnm[c]->log.size(), 1u) << c;
      EXPECT_EQ(f.pnm[c]->log[0].addr, o);
      EXPECT_EQ(f.pnm[c]->log[0].len, 64u);
      for (size_t i = 0; i < 64; ++i) EXPECT_EQ(f.pnm[c]->mem[o + i], data[i]);
    }
    // One failing channel: the write reaches every channel, the response is its error.
    f.pnm[5]->status = tlm::TLM_GENERIC_ERROR_RESPONSE;
    d = SC_ZERO_TIME;
    uint32_t w = 0x1234;
    EXPECT_EQ(me.write(0x0F000000 + 0x28, &w, 4, d), tlm::TLM_GENERIC_ERROR_RESPONSE);
    for (unsigned c = 0; c < C; ++c) {
      EXPECT_EQ(f.pnm[c]->log.size(), 2u);
      if (c != 5) {
        EXPECT_EQ(f.pnm[c]->word(0x28), 0x1234u);
      }
    }
    // Debug writes fan out too.
    uint32_t dw = 0xCAFE;
    EXPECT_EQ(me.debug(tlm::TLM_WRITE_COMMAND, 0x0F000000 + 0x100, &dw, 4), 4u);
    for (unsigned c = 0; c < C; ++c) EXPECT_EQ(f.pnm[c]->word(0x100), 0xCAFEu);
  });
  r.socket.bind(f.noc->tgt_socket);
  sc_core::sc_start();
  EXPECT_TRUE(r.done);
  EXPECT_EQ(f.noc->region_stats(2).transactions, 2u);  // PNM_BCAST
  EXPECT_EQ(f.noc->region_stats(2).bytes_written, 64u);
}

TEST(Interconnect, BroadcastWithNoBoundChannelIsAnAddressError) {
  Interconnect noc("noc", NocConfig{}, 2);
  Runner r("r", [&](Runner& me) {
    uint32_t v = 1;
    sc_time d = SC_ZERO_TIME;
    EXPECT_EQ(me.write(0x0F000000, &v, 4, d), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  });
  r.socket.bind(noc.tgt_socket);
  sc_core::sc_start();
  EXPECT_TRUE(r.done);
}

TEST(Interconnect, DebugTransportTranslates) {
  Fabric f(2);
  Runner r("r", [&](Runner& me) {
    uint32_t v = 0x55AA;
    EXPECT_EQ(me.debug(tlm::TLM_WRITE_COMMAND, 0x10000000ULL + kPnmWindow + 0x10, &v, 4), 4u);
    ASSERT_EQ(f.pnm[1]->log.size(), 1u);
    EXPECT_TRUE(f.pnm[1]->log[0].debug);
    EXPECT_EQ(f.pnm[1]->log[0].addr, 0x10u);
    uint32_t back = 0;
    EXPECT_EQ(me.debug(tlm::TLM_READ_COMMAND, 0x10000000ULL + kPnmWindow + 0x10, &back, 4), 4u);
    EXPECT_EQ(back, v);
    EXPECT_EQ(sc_core::sc_time_stamp(), SC_ZERO_TIME);
  });
  r.socket.bind(f.noc->tgt_socket);
  sc_core::sc_start();
  EXPECT_TRUE(r.done);
}

TEST(Interconnect, DmiRangesAreTranslatedAndInvalidationsPropagate) {
  Fabric f(2);
  Runner r("r", [&](Runner& me) {
    tlm::tlm_dmi d;
    ASSERT_TRUE(me.dmi(0x1000000000ULL + 100, d));
    EXPECT_EQ(d.get_start_address(), 0x1000000000ULL);
    EXPECT_EQ(d.get_end_address(), 0x1000000000ULL + 4096 - 1);
    EXPECT_EQ(ps(d.get_read_latency()), double(kTargetPs + kHopPs));
    EXPECT_EQ(ps(d.get_write_latency()), double(kTargetPs + kHopPs));
    // The pointer aliases the target's storage.
    d.get_dmi_ptr()[100] = 0x77;
    unsigned char b = 0;
    sc_time t = SC_ZERO_TIME;
    ASSERT_EQ(me.read(0x1000000000ULL + 100, &b, 1, t), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(b, 0x77);
    // No DMI past the target's DMI range.
    EXPECT_FALSE(me.dmi(0x1000000000ULL + 8192, d));
    // No DMI into a PNM window, even from a target that would grant it:
    // PNM traffic must cross its TSV link by b_transport.
    EXPECT_FALSE(me.dmi(0x10000000ULL + kPnmWindow, d));
    EXPECT_EQ(f.pnm[1]->dmi_buf.size(), 4096u);
    // An invalidation of local [16, 31] arrives as chip addresses.
    f.mem->socket->invalidate_direct_mem_ptr(16, 31);
    ASSERT_EQ(me.invalidations.size(), 1u);
    EXPECT_EQ(me.invalidations[0].first, 0x1000000000ULL + 16);
    EXPECT_EQ(me.invalidations[0].second, 0x1000000000ULL + 31);
    // From PNM 1, the whole window: clipped to the window.
    f.pnm[1]->socket->invalidate_direct_mem_ptr(0, ~0ULL);
    ASSERT_EQ(me.invalidations.size(), 2u);
    EXPECT_EQ(me.invalidations[1].first, 0x10000000ULL + kPnmWindow);
    EXPECT_EQ(me.invalidations[1].second, 0x10000000ULL + 2 * kPnmWindow - 1);
  });
  r.socket.bind(f.noc->tgt_socket);
  sc_core::sc_start();
  EXPECT_TRUE(r.done);
}

TEST(Interconnect, StatsReportPerRegion) {
  Fabric f(1);
  Runner r("r", [&](Runner& me) {
    me.write32(0x1000000000ULL, 1);
    me.write32(0x1000000004ULL, 2);
    me.read32(0x1000000000ULL);
    me.read32(0x5);  // unmapped
  });
  r.socket.bind(f.noc->tgt_socket);
  sc_core::sc_start();
  pnm::Stats s;
  f.noc->report(s, "noc");
  EXPECT_EQ(s.value("noc.LOGIC_MEM.transactions"), 3.0);
  EXPECT_EQ(s.value("noc.LOGIC_MEM.bytes_written"), 8.0);
  EXPECT_EQ(s.value("noc.LOGIC_MEM.bytes_read"), 4.0);
  EXPECT_EQ(s.value("noc.unmapped.errors"), 1.0);
  EXPECT_EQ(s.at("noc.LOGIC_MEM.bytes_read").unit, "B");
}

TEST(Interconnect, BindRejectsBadRegionsAndInstances) {
  Interconnect noc("noc", NocConfig{}, 4);
  RecordingTarget t0("t0"), t1("t1"), t2("t2"), t3("t3"), t4("t4");
  EXPECT_THROW(noc.bind("NOPE", 0, t0.socket), std::invalid_argument);
  EXPECT_THROW(noc.bind("PNM_BCAST", 0, t0.socket), std::invalid_argument);
  EXPECT_THROW(noc.bind("PNM", 4, t0.socket), std::invalid_argument);
  EXPECT_THROW(noc.bind("VU", 1, t0.socket), std::invalid_argument);
  noc.bind("PNM", 3, t1.socket);
  EXPECT_TRUE(noc.is_bound("PNM", 3));
  EXPECT_FALSE(noc.is_bound("PNM", 2));
  EXPECT_THROW(noc.bind("PNM", 3, t2.socket), std::invalid_argument);
  EXPECT_THROW(Interconnect("noc0", NocConfig{}, 0), std::invalid_argument);
  EXPECT_THROW(Interconnect("noc257", NocConfig{}, 257), std::invalid_argument);
  noc.bind("VU", 0, t3.socket);
  noc.bind("LOGIC_MEM", 0, t4.socket);
  noc.bind("IRQ", 0, t0.socket);
  noc.bind("PNM", 0, t2.socket);
  Runner r("r", [](Runner&) {});
  r.socket.bind(noc.tgt_socket);
  sc_core::sc_start();  // no complaint about the unbound PNM 1 and 2
  EXPECT_TRUE(r.done);
  // The lazily created initiator sockets are children of the interconnect.
  EXPECT_NE(sc_core::sc_find_object("noc.init_PNM_3"), nullptr);
  EXPECT_NE(sc_core::sc_find_object("noc.init_LOGIC_MEM_0"), nullptr);
}

TEST(Interconnect, ConfigLoaderUnitsDefaultsAndUnknownKeys) {
  using pnm::ConfigReader;
  auto load = [](const std::string& y) {
    return pnm::noc::load_noc_config(ConfigReader::from_string(y, "t.yaml", "noc", "noc"));
  };
  EXPECT_EQ(load("noc: {}\n").hop_latency_ps, 1000u);
  EXPECT_EQ(load("noc: {hop_latency_ns: 3}\n").hop_latency_ps, 3000u);
  EXPECT_EQ(load("noc: {hop_latency_ps: 250}\n").hop_latency_ps, 250u);
  EXPECT_THROW(load("noc: {hop_latency: 3}\n"), pnm::ConfigError);
  EXPECT_THROW(load("noc: {hops: 3}\n"), pnm::ConfigError);
  EXPECT_THROW(load("noc: {hop_latency_ns: -1}\n"), pnm::ConfigError);
}

}  // namespace
