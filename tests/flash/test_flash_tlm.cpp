// FlashChannel as a TLM-2.0 target: timing annotation, the socket protocol
// (extension ops, multi-plane, cache read, erase), response statuses for bad
// input, debug transport, temporal decoupling and stats determinism.
// One sc_start per test; ctest runs each test in its own process.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <queue>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "tests/flash/flash_test_util.hpp"
#include "tlm/flash/flash_channel.hpp"

namespace {

using namespace pnm::flash;
using sc_core::sc_time;
using sc_core::SC_NS;
using sc_core::SC_PS;
using sc_core::SC_US;

/// Runs `body` in an SC_THREAD with `sockets` initiator sockets.
struct Initiator : sc_core::sc_module {
  std::vector<std::unique_ptr<tlm_utils::simple_initiator_socket<Initiator>>> sockets;
  std::function<void(Initiator&)> body;
  SC_HAS_PROCESS(Initiator);
  Initiator(sc_core::sc_module_name n, std::function<void(Initiator&)> b, int count = 1)
      : sc_module(n), body(std::move(b)) {
    for (int i = 0; i < count; ++i)
      sockets.push_back(std::make_unique<tlm_utils::simple_initiator_socket<Initiator>>(
          ("socket" + std::to_string(i)).c_str()));
    SC_THREAD(run);
  }
  tlm_utils::simple_initiator_socket<Initiator>& socket(int i = 0) { return *sockets[size_t(i)]; }
  void run() { body(*this); }
};

double ps(const sc_time& t) { return t.to_seconds() * 1e12; }

// Single read latency from idle (flash_channel_model.hpp).
double read_latency_ps(const FlashConfig& f, uint32_t bytes) {
  const double c = double(f.t_cmd_addr_ps), s = f.cmd_on_data_bus ? c : 0.0;
  return c + double(f.t_read_ps) + s +
         bytes * 8.0 / (f.bus_width_bits * f.io_rate_mts * 1e6) * 1e12 + double(f.t_ecc_decode_ps);
}

std::string sparse_yaml(int dies = 1, int planes = 2) {
  return flash_test::base_yaml(dies, planes) + "  storage: {mode: sparse, preprogrammed: false}\n";
}

TEST(FlashTlm, SingleReadAnnotatedDelay) {
  const FlashConfig f = flash_test::cfg_from(flash_test::base_yaml());
  FlashChannel ch("ch", f);
  Initiator ini("ini", [&](Initiator& me) {
    std::vector<uint8_t> buf(4096);
    tlm::tlm_generic_payload gp;
    FlashExtension ext;
    prepare_read(gp, ext, 0, buf.data(), 4096);
    sc_time d = sc_core::SC_ZERO_TIME;
    me.socket()->b_transport(gp, d);
    const double expect = read_latency_ps(f, 4096);
    std::printf("[ analytic ] TLM single read: analytic %.3f ns, annotated %.3f ns\n", expect / 1e3,
                ps(d) / 1e3);
    EXPECT_EQ(gp.get_response_status(), tlm::TLM_OK_RESPONSE);
    EXPECT_NEAR(ps(d), expect, 1.0);
    EXPECT_EQ(ext.status, FlashStatus::Ok);
    EXPECT_EQ(ext.pages, 1u);
    // Issue 1 ms later (input delay) on an idle channel: same latency on top.
    sc_core::wait(sc_time(10, SC_US));
    prepare_read(gp, ext, 4096, buf.data(), 4096);
    d = sc_time(1000, SC_US);
    me.socket()->b_transport(gp, d);
    EXPECT_NEAR(ps(d), 1e9 + expect, 1.0);
    EXPECT_NEAR(double(ext.done_ps), 10e6 + 1e9 + expect, 1.0);
    gp.clear_extension(&ext);
    // Without an extension a plain READ is a page read too.
    prepare_read(gp, ext, 8192, buf.data(), 4096);
    gp.clear_extension(&ext);
    d = sc_core::SC_ZERO_TIME;
    me.socket()->b_transport(gp, d);
    EXPECT_EQ(gp.get_response_status(), tlm::TLM_OK_RESPONSE);
    EXPECT_GT(ps(d), 0.0);
  });
  ini.socket().bind(ch.tgt_socket);
  sc_core::sc_start();
  EXPECT_EQ(ch.model().counters().read_pages, 3u);
}

TEST(FlashTlm, AddressOutsideDeviceGetsAddressError) {
  const FlashConfig f = flash_test::cfg_from(flash_test::base_yaml());
  FlashChannel ch("ch", f);
  Initiator ini("ini", [&](Initiator& me) {
    std::vector<uint8_t> buf(8192);
    tlm::tlm_generic_payload gp;
    FlashExtension ext;
    const uint64_t end = f.bytes_per_channel();
    for (uint64_t addr : {end, end + 4096, ~uint64_t(0) - 10, end - 100}) {
      prepare_read(gp, ext, addr, buf.data(), 4096);
      sc_time d = sc_core::SC_ZERO_TIME;
      me.socket()->b_transport(gp, d);
      EXPECT_EQ(gp.get_response_status(), tlm::TLM_ADDRESS_ERROR_RESPONSE) << addr;
      EXPECT_EQ(ext.status, FlashStatus::AddressError);
      EXPECT_EQ(d, sc_core::SC_ZERO_TIME);
    }
    prepare_program(gp, ext, end, buf.data(), 4096);
    sc_time d;
    me.socket()->b_transport(gp, d);
    EXPECT_EQ(gp.get_response_status(), tlm::TLM_ADDRESS_ERROR_RESPONSE);
    prepare_erase(gp, ext, end);
    me.socket()->b_transport(gp, d);
    EXPECT_EQ(gp.get_response_status(), tlm::TLM_ADDRESS_ERROR_RESPONSE);
    gp.clear_extension(&ext);
    prepare_read(gp, ext, end, buf.data(), 16);
    gp.clear_extension(&ext);
    EXPECT_EQ(me.socket()->transport_dbg(gp), 0u);
    EXPECT_EQ(gp.get_response_status(), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  });
  ini.socket().bind(ch.tgt_socket);
  sc_core::sc_start();
  EXPECT_EQ(ch.model().counters().address_errors, 6u);
  EXPECT_EQ(ch.model().counters().read_ops, 0u);
}

TEST(FlashTlm, MalformedRequestsGetErrorResponses) {
  const FlashConfig f = flash_test::cfg_from(flash_test::base_yaml(1, 2));
  FlashChannel ch("ch", f);
  Initiator ini("ini", [&](Initiator& me) {
    std::vector<uint8_t> buf(3 * 4096);
    uint8_t be[4] = {0xFF, 0, 0xFF, 0};
    tlm::tlm_generic_payload gp;
    FlashExtension ext;
    auto send = [&]() {
      sc_time d = sc_core::SC_ZERO_TIME;
      me.socket()->b_transport(gp, d);
      return gp.get_response_status();
    };
    prepare_read(gp, ext, 0, buf.data(), 0);
    EXPECT_EQ(send(), tlm::TLM_GENERIC_ERROR_RESPONSE);  // zero length
    EXPECT_EQ(ext.status, FlashStatus::BadRequest);
    prepare_read(gp, ext, 0, nullptr, 4096);
    EXPECT_EQ(send(), tlm::TLM_GENERIC_ERROR_RESPONSE);  // no data buffer
    prepare_read(gp, ext, 0, buf.data(), 4096);
    gp.set_byte_enable_ptr(be);
    gp.set_byte_enable_length(4);
    EXPECT_EQ(send(), tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    prepare_read(gp, ext, 0, buf.data(), 4096);
    gp.set_streaming_width(4);
    EXPECT_EQ(send(), tlm::TLM_BURST_ERROR_RESPONSE);
    prepare_read(gp, ext, 0, buf.data(), 4096 + 100);
    EXPECT_EQ(send(), tlm::TLM_BURST_ERROR_RESPONSE);  // not whole pages
    prepare_read(gp, ext, 4096, buf.data(), 2 * 4096);
    EXPECT_EQ(send(), tlm::TLM_BURST_ERROR_RESPONSE);  // plane 1 + 2 planes > 2
    prepare_read(gp, ext, 0, buf.data(), 3 * 4096);
    EXPECT_EQ(send(), tlm::TLM_BURST_ERROR_RESPONSE);  // 3 planes on a 2-plane die
    prepare_program(gp, ext, 100, buf.data(), 4096);
    EXPECT_EQ(send(), tlm::TLM_BURST_ERROR_RESPONSE);  // program not page aligned
    prepare_erase(gp, ext, 0);
    gp.set_command(tlm::TLM_READ_COMMAND);
    EXPECT_EQ(send(), tlm::TLM_COMMAND_ERROR_RESPONSE);
    prepare_read(gp, ext, 0, buf.data(), 4096, true);
    gp.set_command(tlm::TLM_WRITE_COMMAND);
    EXPECT_EQ(send(), tlm::TLM_COMMAND_ERROR_RESPONSE);
    prepare_erase(gp, ext, 4096, 2);
    EXPECT_EQ(send(), tlm::TLM_BURST_ERROR_RESPONSE);  // erase planes 1..2 of 2
    gp.clear_extension(&ext);
    gp.set_command(tlm::TLM_IGNORE_COMMAND);
    EXPECT_EQ(send(), tlm::TLM_OK_RESPONSE);  // no-op
  });
  ini.socket().bind(ch.tgt_socket);
  sc_core::sc_start();
  EXPECT_EQ(ch.model().counters().read_ops, 0u);
  EXPECT_EQ(ch.model().counters().program_ops, 0u);
  EXPECT_EQ(ch.model().counters().erase_ops, 0u);
}

TEST(FlashTlm, ProgramReadEraseRoundTripAndEraseBeforeProgram) {
  const FlashConfig f = flash_test::cfg_from(sparse_yaml());
  FlashChannel ch("ch", f);
  Initiator ini("ini", [&](Initiator& me) {
    std::vector<uint8_t> data(2 * 4096), back(4096);
    for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i * 31 + 7);
    tlm::tlm_generic_payload gp;
    FlashExtension ext;
    sc_time d;
    prepare_program(gp, ext, 0, data.data(), 2 * 4096);  // two-plane program
    d = sc_core::SC_ZERO_TIME;
    me.socket()->b_transport(gp, d);
    ASSERT_EQ(gp.get_response_status(), tlm::TLM_OK_RESPONSE);
    const double c = double(f.t_cmd_addr_ps), x = 4096.0 * 8 / (8 * 400e6) * 1e12;
    EXPECT_NEAR(ps(d), 2 * c + 2 * x + double(f.t_prog_ps), 1.0);
    for (int p = 0; p < 2; ++p) {
      prepare_read(gp, ext, uint64_t(p) * 4096, back.data(), 4096);
      me.socket()->b_transport(gp, d);
      EXPECT_EQ(gp.get_response_status(), tlm::TLM_OK_RESPONSE);
      EXPECT_TRUE(std::equal(back.begin(), back.end(), data.begin() + p * 4096)) << p;
    }
    prepare_program(gp, ext, 4096, data.data(), 4096);
    me.socket()->b_transport(gp, d);
    EXPECT_EQ(gp.get_response_status(), tlm::TLM_GENERIC_ERROR_RESPONSE);
    EXPECT_EQ(ext.status, FlashStatus::NotErased);
    prepare_erase(gp, ext, 0, 2);
    const sc_time before = d;
    me.socket()->b_transport(gp, d);
    EXPECT_EQ(gp.get_response_status(), tlm::TLM_OK_RESPONSE);
    EXPECT_GE(ps(d - before), double(f.t_erase_ps));
    prepare_read(gp, ext, 4096, back.data(), 4096);
    me.socket()->b_transport(gp, d);
    EXPECT_EQ(back[0], 0xFF);
    EXPECT_EQ(back[4095], 0xFF);
    prepare_program(gp, ext, 4096, data.data(), 4096);
    me.socket()->b_transport(gp, d);
    EXPECT_EQ(gp.get_response_status(), tlm::TLM_OK_RESPONSE);
    gp.clear_extension(&ext);
  });
  ini.socket().bind(ch.tgt_socket);
  sc_core::sc_start();
  EXPECT_EQ(ch.model().wear(PageAddr{}).pe_cycles, 1u);
  EXPECT_EQ(ch.model().counters().not_erased_errors, 1u);
  EXPECT_EQ(ch.store().bytes_held(), 4096u);
}

TEST(FlashTlm, UncorrectableReadReturnsGenericErrorWithStatus) {
  const FlashConfig f = flash_test::cfg_from(flash_test::base_yaml());
  FlashChannel ch("ch", f);
  ch.set_fault_hook([&](const FaultSite& s) {
    return std::optional<uint32_t>(s.addr.page == 1 ? f.ecc_correctable_bits + 1 : 2);
  });
  Initiator ini("ini", [&](Initiator& me) {
    std::vector<uint8_t> buf(4096);
    tlm::tlm_generic_payload gp;
    FlashExtension ext;
    sc_time d = sc_core::SC_ZERO_TIME;
    prepare_read(gp, ext, 0, buf.data(), 4096);
    me.socket()->b_transport(gp, d);
    EXPECT_EQ(gp.get_response_status(), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(ext.corrected_bits, 2u * f.codewords_per_page());
    const uint64_t page1 = ch.address_map().encode(PageAddr{0, 0, 0, 1, 0});
    prepare_read(gp, ext, page1, buf.data(), 4096);
    d = sc_core::SC_ZERO_TIME;
    me.socket()->b_transport(gp, d);
    EXPECT_EQ(gp.get_response_status(), tlm::TLM_GENERIC_ERROR_RESPONSE);
    EXPECT_EQ(ext.status, FlashStatus::Uncorrectable);
    ASSERT_EQ(ext.page_status.size(), 1u);
    EXPECT_TRUE(ext.page_status[0].uncorrectable);
    EXPECT_EQ(ext.page_status[0].retries, f.max_read_retries);
    EXPECT_EQ(ext.retries, f.max_read_retries);
    EXPECT_EQ(ext.uncorrectable_pages, 1u);
    gp.clear_extension(&ext);
  });
  ini.socket().bind(ch.tgt_socket);
  sc_core::sc_start();
  pnm::Stats s;
  ch.report(s, "flash.ch0");
  EXPECT_EQ(s.value("flash.ch0.ecc.uncorrectable_pages"), 1.0);
  EXPECT_EQ(s.value("flash.ch0.ecc.retries"), double(f.max_read_retries));
}

TEST(FlashTlm, MultiPlaneAndCacheReadThroughExtension) {
  const FlashConfig f = flash_test::cfg_from(flash_test::base_yaml(1, 2));
  FlashChannel ch("ch", f);
  Initiator ini("ini", [&](Initiator& me) {
    std::vector<uint8_t> buf(2 * 4096);
    tlm::tlm_generic_payload gp;
    FlashExtension ext;
    sc_time d = sc_core::SC_ZERO_TIME;
    prepare_read(gp, ext, 0, buf.data(), 2 * 4096);
    me.socket()->b_transport(gp, d);
    EXPECT_EQ(gp.get_response_status(), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(ext.pages, 2u);
    EXPECT_EQ(ext.page_status.size(), 2u);
    const double c = double(f.t_cmd_addr_ps), x = 4096.0 * 8 / (8 * 400e6) * 1e12;
    // 2-plane read from idle: 2c + tR + 2c (slot) + 2x + decode
    EXPECT_NEAR(ps(d), 4 * c + double(f.t_read_ps) + 2 * x + double(f.t_ecc_decode_ps), 1.0);
    prepare_read(gp, ext, 2 * 4096, buf.data(), 4096, /*cache=*/true);
    me.socket()->b_transport(gp, d);
    EXPECT_EQ(gp.get_response_status(), tlm::TLM_OK_RESPONSE);
    gp.clear_extension(&ext);
  });
  ini.socket().bind(ch.tgt_socket);
  sc_core::sc_start();
  EXPECT_EQ(ch.model().counters().multi_plane_ops, 1u);
  EXPECT_EQ(ch.model().counters().cache_read_ops, 1u);
  EXPECT_EQ(ch.model().counters().read_pages, 3u);
}

TEST(FlashTlm, DebugTransportHasNoSideEffects) {
  const FlashConfig f =
      flash_test::cfg_from(flash_test::base_yaml() + "  storage: {mode: synthetic}\n");
  FlashChannel ch("ch", f);
  std::string before, after;
  Initiator ini("ini", [&](Initiator& me) {
    pnm::Stats s0;
    ch.report(s0, "c");
    before = s0.dump();
    std::vector<uint8_t> buf(6000);
    tlm::tlm_generic_payload gp;
    gp.set_command(tlm::TLM_READ_COMMAND);
    gp.set_address(4096 - 1000);  // crosses into the next page
    gp.set_data_ptr(buf.data());
    gp.set_data_length(6000);
    EXPECT_EQ(me.socket()->transport_dbg(gp), 6000u);
    EXPECT_EQ(gp.get_response_status(), tlm::TLM_OK_RESPONSE);
    const AddressMap& map = ch.address_map();
    for (uint32_t i = 0; i < 6000; i += 111) {
      const PageAddr a = map.decode(4096 - 1000 + i);
      EXPECT_EQ(buf[i], synthetic_byte(f.seed, 0, map.ppn(a), a.column)) << i;
    }
    // Backdoor write then read back.
    std::vector<uint8_t> w(64, 0x5A);
    gp.set_command(tlm::TLM_WRITE_COMMAND);
    gp.set_address(12345);
    gp.set_data_ptr(w.data());
    gp.set_data_length(64);
    EXPECT_EQ(me.socket()->transport_dbg(gp), 64u);
    gp.set_command(tlm::TLM_READ_COMMAND);
    gp.set_data_ptr(buf.data());
    EXPECT_EQ(me.socket()->transport_dbg(gp), 64u);
    EXPECT_EQ(buf[0], 0x5A);
    EXPECT_EQ(sc_core::sc_time_stamp(), sc_core::SC_ZERO_TIME);
    pnm::Stats s1;
    ch.report(s1, "c");
    after = s1.dump();
  });
  ini.socket().bind(ch.tgt_socket);
  sc_core::sc_start();
  // Only the backing store's host memory changed (the backdoor page).
  pnm::Stats s;
  ch.report(s, "c");
  EXPECT_EQ(s.value("c.read.ops"), 0.0);
  EXPECT_EQ(s.value("c.time.last_done"), 0.0);
  EXPECT_EQ(s.value("c.wear.blocks_touched"), 0.0);
  const auto strip = [](std::string j) {  // drop storage.bytes_held
    const size_t p = j.find("\"storage\"");
    return p == std::string::npos ? j : j.substr(0, p);
  };
  EXPECT_EQ(strip(before), strip(after));
}

TEST(FlashTlm, QuantumKeeperSequentialThroughputMatchesAnalytic) {
  const int dies = 4;
  const FlashConfig f = flash_test::cfg_from(flash_test::base_yaml(dies, 1));
  FlashChannel ch("ch", f);
  const int n = 2000, depth = 2 * dies;
  double last_done_ps = 0;
  Initiator ini("ini", [&](Initiator& me) {
    tlm_utils::tlm_quantumkeeper qk;
    qk.set_global_quantum(sc_time(100, SC_US));
    qk.reset();
    std::vector<uint8_t> buf(4096);
    tlm::tlm_generic_payload gp;
    FlashExtension ext;
    std::priority_queue<double, std::vector<double>, std::greater<double>> out;  // completions
    for (int k = 0; k < n; ++k) {
      if (int(out.size()) >= depth) {  // command queue full: wait for the oldest completion
        const double t = out.top();
        out.pop();
        const double now = ps(qk.get_current_time());
        if (t > now) qk.inc(sc_time(t - now, SC_PS));
      }
      prepare_read(gp, ext, uint64_t(k) * 4096, buf.data(), 4096);  // stripes dies
      sc_time d = qk.get_local_time();
      me.socket()->b_transport(gp, d);
      ASSERT_EQ(gp.get_response_status(), tlm::TLM_OK_RESPONSE);
      const double done = ps(sc_core::sc_time_stamp() + d);
      out.push(done);
      last_done_ps = std::max(last_done_ps, done);
      if (qk.need_sync()) qk.sync();
    }
    gp.clear_extension(&ext);
  });
  ini.socket().bind(ch.tgt_socket);
  sc_core::sc_start();
  const double c = double(f.t_cmd_addr_ps), x = 4096.0 * 8 / (8 * 400e6) * 1e12;
  const double array = dies / (c + double(f.t_read_ps) + c + x), bus = 1 / (c + x);
  const double expect = std::min(array, bus) * 4096 * 1e6;  // MB/s (pages/ps * B * 1e12 / 1e6)
  const double got = n * 4096.0 / (last_done_ps * 1e-12) / 1e6;
  std::printf("[ analytic ] TLM seq read, %d dies, qk: analytic %.2f MB/s, simulated %.2f MB/s\n",
              dies, expect, got);
  EXPECT_NEAR(got, expect, 0.03 * expect);
}

std::string drive_and_report(FlashChannel& a, FlashChannel& b, uint64_t seed) {
  std::string ja, jb;
  Initiator ini("ini", [&](Initiator& me) {
    for (int which = 0; which < 2; ++which) {
      pnm::flash::SplitMix64 g(seed);
      std::vector<uint8_t> buf(4096);
      tlm::tlm_generic_payload gp;
      FlashExtension ext;
      sc_time local = sc_core::SC_ZERO_TIME;
      for (int k = 0; k < 2000; ++k) {
        const uint64_t page = g.next() % (a.config().pages_per_channel());
        const uint64_t kind = g.next() % 20;
        if (kind == 0) prepare_erase(gp, ext, page * 4096);
        else if (kind < 4) prepare_program(gp, ext, page * 4096, buf.data(), 4096);
        else prepare_read(gp, ext, page * 4096, buf.data(), 4096, kind % 2);
        sc_time d = local;
        me.socket(which)->b_transport(gp, d);
        local += sc_time(1, SC_US);
      }
      gp.clear_extension(&ext);
    }
  }, 2);
  ini.socket(0).bind(a.tgt_socket);
  ini.socket(1).bind(b.tgt_socket);
  sc_core::sc_start();
  pnm::Stats sa, sb;
  a.report(sa, "flash.ch0");
  b.report(sb, "flash.ch0");
  ja = sa.dump();
  jb = sb.dump();
  EXPECT_EQ(ja, jb);
  return ja;
}

TEST(FlashTlm, SameConfigAndSeedGiveByteIdenticalStats) {
  const uint64_t seed = flash_test::test_seed();
  FlashConfig f = flash_test::cfg_from(flash_test::base_yaml(2, 2));
  f.seed = seed;
  f.rber_base = 6e-4;
  f.rber_read_disturb_per_read = 1e-6;
  FlashChannel a("a", f, 0), b("b", f, 0);
  const std::string j = drive_and_report(a, b, seed ^ 0xABCDEF);
  EXPECT_NE(j.find("\"corrected_bits\""), std::string::npos);
  EXPECT_GT(a.model().counters().corrected_bits, 0u);
  EXPECT_GT(a.model().counters().retries, 0u);
  EXPECT_GT(a.model().counters().not_erased_errors, 0u);
}

TEST(FlashTlm, DeviceChannelsDoNotContend) {
  YAML::Node y = YAML::Load("preset: hbf_gen1\nstorage: {mode: timing_only}\n");
  const FlashConfig f = load_config(y, "test");
  FlashDevice dev("hbf", f);
  const int n = int(f.channels);
  Initiator ini("ini", [&](Initiator& me) {
    std::vector<uint8_t> buf(4096);
    for (int i = 0; i < n; ++i) {
      tlm::tlm_generic_payload gp;
      FlashExtension ext;
      prepare_read(gp, ext, 0, buf.data(), 4096);
      sc_time d = sc_core::SC_ZERO_TIME;
      me.socket(i)->b_transport(gp, d);
      EXPECT_NEAR(ps(d), read_latency_ps(f, 4096), 1.0) << i;
      gp.clear_extension(&ext);
    }
  }, n);
  for (int i = 0; i < n; ++i) ini.socket(i).bind(dev.channel(uint32_t(i)).tgt_socket);
  sc_core::sc_start();
  pnm::Stats s;
  dev.report(s, "flash");
  EXPECT_EQ(s.value("flash.total.read.pages"), double(n));
  EXPECT_NEAR(s.value("flash.total.energy.total"),
              n * (f.energy_read_pj_per_page + 4096 * 8 * f.energy_transfer_pj_per_bit +
                   f.codewords_per_page() * f.energy_ecc_decode_pj_per_codeword),
              1e-3);
}

}  // namespace
