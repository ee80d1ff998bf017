// ControlCpu: firmware HAL accesses become TLM transactions with the right
// addresses, data and timing; wait_irq returns when irq_i rises; a TLM error
// fails the program with a message naming the address; programs run in
// order. And the decode firmware end to end on the CPU against a TLM-wrapped
// fake chip, token-exact against the reference decoder.
// One sc_start per test; ctest runs each test in its own process.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "firmware/decode/decode.h"
#include "firmware/hal/hal.h"
#include "firmware/hal/pnm_regs.h"
#include "sim/model/checkpoint.hpp"
#include "sim/model/decoder.hpp"
#include "tests/firmware/fake_chip.hpp"
#include "tlm/cpu/control_cpu.hpp"

namespace {

using pnm::cpu::ControlCpu;
using pnm::cpu::CpuConfig;
using sc_core::SC_NS;
using sc_core::sc_time;

constexpr uint64_t kBadBase = 0xDEAD0000;

struct Access {
  bool write;
  uint64_t addr;
  uint32_t data;
  sc_time when;  // sc_time_stamp() + annotated delay on arrival
};

// A register target: plain memory of 32-bit words, IRQ STATUS/ENABLE at the
// regmap offsets driving `irq`, and an error window at kBadBase.
struct TestTarget : sc_core::sc_module {
  tlm_utils::simple_target_socket<TestTarget> tgt_socket;
  sc_core::sc_signal<bool> irq{"irq"};
  sc_time delay{10, SC_NS};
  std::vector<Access> log;
  std::map<uint64_t, uint32_t> words;
  uint32_t irq_status = 0, irq_enable = 0;
  sc_core::sc_event update_ev;

  SC_HAS_PROCESS(TestTarget);
  explicit TestTarget(sc_core::sc_module_name n) : sc_module(n), tgt_socket("tgt_socket") {
    tgt_socket.register_b_transport(this, &TestTarget::b_transport);
    SC_METHOD(drive_irq);
    sensitive << update_ev;
    dont_initialize();
  }
  void set_status(uint32_t s) {
    irq_status = s;
    update_ev.notify(sc_core::SC_ZERO_TIME);
  }
  void drive_irq() { irq.write((irq_status & irq_enable) != 0); }

  void b_transport(tlm::tlm_generic_payload& p, sc_time& d) {
    const uint64_t a = p.get_address();
    uint32_t v = 0;
    std::memcpy(&v, p.get_data_ptr(), 4);
    log.push_back({p.is_write(), a, v, sc_core::sc_time_stamp() + d});
    d += delay;
    if (a >= kBadBase && a < kBadBase + 0x1000) {
      p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    if (a == PNM_ADDR_IRQ_BASE + PNM_IRQ_STATUS_OFFSET) {
      v = irq_status;
    } else if (a == PNM_ADDR_IRQ_BASE + PNM_IRQ_ENABLE_OFFSET) {
      if (p.is_write()) {
        irq_enable = v;
        update_ev.notify(sc_core::SC_ZERO_TIME);
      }
      v = irq_enable;
    } else if (p.is_write()) {
      words[a] = v;
    } else {
      v = words.count(a) ? words[a] : 0;
    }
    if (p.is_read()) std::memcpy(p.get_data_ptr(), &v, 4);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

struct Bench {
  CpuConfig cfg;
  std::unique_ptr<ControlCpu> cpu;
  std::unique_ptr<TestTarget> tgt;
  explicit Bench(uint64_t overhead_ps = 2000, uint64_t quantum_ps = 1'000'000) {
    cfg.mmio_overhead_ps = overhead_ps;
    cfg.quantum_ps = quantum_ps;
    cpu = std::make_unique<ControlCpu>("cpu", cfg);
    tgt = std::make_unique<TestTarget>("tgt");
    cpu->init_socket.bind(tgt->tgt_socket);
    cpu->irq_i.bind(tgt->irq);
  }
};

TEST(ControlCpu, MmioLandsAsTransactionsWithAddressDataAndTime) {
  Bench b(2000);
  uint32_t got = 0;
  b.cpu->run([&] {
    hal_write32(PNM_ADDR_VU_BASE + PNM_VU_LEN_OFFSET, 0x1234);
    got = hal_read32(PNM_ADDR_VU_BASE + PNM_VU_LEN_OFFSET);
    hal_write64(PNM_ADDR_VU_BASE + PNM_VU_SRC0_LO_OFFSET, 0x0000001000000040ull);
  });
  EXPECT_FALSE(b.cpu->idle());
  sc_core::sc_start();
  EXPECT_TRUE(b.cpu->idle());
  EXPECT_FALSE(b.cpu->failed());
  EXPECT_EQ(got, 0x1234u);
  const auto& log = b.tgt->log;
  ASSERT_EQ(log.size(), 4u);
  EXPECT_TRUE(log[0].write);
  EXPECT_EQ(log[0].addr, PNM_ADDR_VU_BASE + PNM_VU_LEN_OFFSET);
  EXPECT_EQ(log[0].data, 0x1234u);
  EXPECT_FALSE(log[1].write);
  EXPECT_EQ(log[1].addr, PNM_ADDR_VU_BASE + PNM_VU_LEN_OFFSET);
  EXPECT_EQ(log[2].addr, PNM_ADDR_VU_BASE + PNM_VU_SRC0_LO_OFFSET);
  EXPECT_EQ(log[2].data, 0x40u);
  EXPECT_EQ(log[3].addr, PNM_ADDR_VU_BASE + PNM_VU_SRC0_HI_OFFSET);
  EXPECT_EQ(log[3].data, 0x10u);
  // Access i arrives after i * (overhead + target delay) + overhead.
  const sc_time per = sc_time(2, SC_NS) + sc_time(10, SC_NS);
  for (size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(log[i].when, per * double(i) + sc_time(2, SC_NS)) << i;
  }
  EXPECT_EQ(sc_core::sc_time_stamp(), per * 4.0) << "the program's end synchronises";
  const ControlCpu::Counters& c = b.cpu->counters();
  EXPECT_EQ(c.mmio_reads, 1u);
  EXPECT_EQ(c.mmio_writes, 3u);
  EXPECT_EQ(c.mmio_time, per * 4.0);
  EXPECT_EQ(c.program_time, per * 4.0);
  EXPECT_EQ(c.busy_time(), per * 4.0);
  pnm::Stats s;
  b.cpu->report(s, "cpu");
  EXPECT_EQ(s.value("cpu.mmio.writes"), 3.0);
  EXPECT_EQ(s.value("cpu.busy_time_ps"), 48000.0);
}

TEST(ControlCpu, QuantumBoundsHowFarTheCpuRunsAhead) {
  Bench b(1000, 50'000);  // 1 ns + 10 ns per access, 50 ns quantum
  std::vector<sc_time> sim_times;
  b.cpu->run([&] {
    for (int i = 0; i < 20; ++i) {
      hal_write32(PNM_ADDR_VU_BASE + PNM_VU_ARG0_OFFSET, uint32_t(i));
      sim_times.push_back(sc_core::sc_time_stamp());
    }
  });
  sc_core::sc_start();
  EXPECT_EQ(sc_core::sc_time_stamp(), sc_time(220, SC_NS));
  for (size_t i = 0; i < sim_times.size(); ++i) {
    const sc_time local_end = sc_time(11, SC_NS) * double(i + 1);
    EXPECT_LT((local_end - sim_times[i]).to_seconds(), 50e-9) << "ran ahead at access " << i;
  }
  EXPECT_GT(sim_times.back(), sc_core::SC_ZERO_TIME) << "never synchronised";
}

TEST(ControlCpu, WaitIrqReturnsWhenTheLineRises) {
  Bench b;
  sc_time woke;
  uint32_t status_seen = 0;
  b.cpu->run([&] {
    hal_write32(PNM_ADDR_VU_BASE + PNM_VU_CTRL_OFFSET, 1);
    status_seen = hal_wait_irq_status(PNM_IRQ_ENABLE_VU_IDLE_MASK);
    woke = sc_core::sc_time_stamp();
  });
  struct Raiser : sc_core::sc_module {
    std::function<void()> f;
    SC_HAS_PROCESS(Raiser);
    Raiser(sc_core::sc_module_name n, std::function<void()> fn) : sc_module(n), f(std::move(fn)) {
      SC_THREAD(run);
    }
    void run() { f(); }
  } raiser("raiser", [&] {
    wait(500, SC_NS);
    b.tgt->set_status(PNM_IRQ_STATUS_VU_IDLE_MASK | PNM_IRQ_STATUS_PNM_IDLE_MASK);
  });
  sc_core::sc_start();
  EXPECT_FALSE(b.cpu->failed());
  EXPECT_TRUE(b.cpu->idle());
  EXPECT_GE(woke, sc_time(500, SC_NS));
  EXPECT_LT(woke, sc_time(501, SC_NS));
  EXPECT_EQ(status_seen, PNM_IRQ_STATUS_VU_IDLE_MASK | PNM_IRQ_STATUS_PNM_IDLE_MASK);
  EXPECT_EQ(b.tgt->irq_enable, PNM_IRQ_ENABLE_VU_IDLE_MASK) << "the HAL writes IRQ.ENABLE";
  const ControlCpu::Counters& c = b.cpu->counters();
  EXPECT_EQ(c.irq_waits, 1u);
  // START + ENABLE (2 x 12 ns) before the wait; the line rises at 500 ns.
  EXPECT_EQ(c.irq_wait_time, sc_time(500 - 24, SC_NS));
  EXPECT_EQ(c.busy_time(), c.program_time - c.irq_wait_time);
}

TEST(ControlCpu, AddressErrorFailsTheProgramWithAMessageNamingTheAddress) {
  Bench b;
  bool after_error = false, second_ran = false;
  b.cpu->run([&] {
    hal_write32(PNM_ADDR_VU_BASE + PNM_VU_LEN_OFFSET, 1);
    (void)hal_read32(kBadBase + 0x10);
    after_error = true;
  });
  b.cpu->run([&] {
    hal_write32(kBadBase + 0x20, 0xABCD);
  });
  b.cpu->run([&] { second_ran = true; });
  sc_core::sc_report_handler::set_actions("pnm/cpu", sc_core::SC_WARNING, sc_core::SC_DISPLAY);
  sc_core::sc_start();
  EXPECT_FALSE(after_error) << "the program must stop at the failed access";
  EXPECT_TRUE(second_ran) << "later programs still run";
  ASSERT_TRUE(b.cpu->failed());
  ASSERT_EQ(b.cpu->errors().size(), 2u);
  EXPECT_NE(b.cpu->errors()[0].find("read of 0xdead0010"), std::string::npos) << b.cpu->errors()[0];
  EXPECT_NE(b.cpu->errors()[0].find("program 0"), std::string::npos) << b.cpu->errors()[0];
  EXPECT_NE(b.cpu->errors()[1].find("write of 0xabcd to 0xdead0020"), std::string::npos)
      << b.cpu->errors()[1];
  EXPECT_NE(b.cpu->errors()[1].find("TLM_ADDRESS_ERROR_RESPONSE"), std::string::npos);
  EXPECT_EQ(b.cpu->programs_run(), 3u);
  EXPECT_EQ(b.cpu->counters().mmio_errors, 2u);
}

TEST(ControlCpu, ProgramsRunInOrderAndSignalDone) {
  Bench b;
  std::vector<int> order;
  int done_seen = 0;
  struct Watcher : sc_core::sc_module {
    std::function<void()> f;
    SC_HAS_PROCESS(Watcher);
    Watcher(sc_core::sc_module_name n, std::function<void()> fn) : sc_module(n), f(std::move(fn)) {
      SC_THREAD(run);
    }
    void run() { f(); }
  } watcher("watcher", [&] {
    // Queue programs from a running thread, wait for each to finish.
    for (int i = 0; i < 3; ++i) {
      b.cpu->run([&order, i] {
        hal_write32(PNM_ADDR_VU_BASE + PNM_VU_ARG1_OFFSET, uint32_t(i));
        order.push_back(i);
      });
      wait(b.cpu->done_event());
      ++done_seen;
      EXPECT_TRUE(b.cpu->idle());
    }
  });
  sc_core::sc_start();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(done_seen, 3);
  EXPECT_EQ(b.cpu->programs_run(), 3u);
}

TEST(ControlCpu, ConfigLoaderReadsUnitsAndRejectsUnknownKeys) {
  const auto load = [](const std::string& y) {
    return pnm::cpu::load_cpu_config(
        pnm::ConfigReader::from_string(y, "test.yaml", "cpu", "control cpu"));
  };
  const CpuConfig c = load("cpu: {mmio_overhead_ns: 5, quantum_us: 2}\n");
  EXPECT_EQ(c.mmio_overhead_ps, 5000u);
  EXPECT_EQ(c.quantum_ps, 2'000'000u);
  const CpuConfig d = load("cpu: {}\n");
  EXPECT_EQ(d.mmio_overhead_ps, CpuConfig::kDefaultMmioOverheadPs);
  EXPECT_EQ(d.quantum_ps, CpuConfig::kDefaultQuantumPs);
  EXPECT_THROW(load("cpu: {mmio_overhead: 5}\n"), pnm::ConfigError);
  EXPECT_THROW(load("cpu: {quantum_ns: 0}\n"), pnm::ConfigError);
}

// ----------------------------------------------- firmware on the CPU, end to end --

// The fake chip behind a TLM socket: every access costs `delay`; the VU op and
// released jobs complete `work` after the access that started them.
struct FakeChipTarget : sc_core::sc_module {
  tlm_utils::simple_target_socket<FakeChipTarget> tgt_socket;
  sc_core::sc_signal<bool> irq{"irq"};
  pnm::test::FakeChip& chip;
  sc_time delay{20, SC_NS}, work{200, SC_NS};
  sc_core::sc_event work_ev, line_ev;
  SC_HAS_PROCESS(FakeChipTarget);
  FakeChipTarget(sc_core::sc_module_name n, pnm::test::FakeChip& c)
      : sc_module(n), tgt_socket("tgt_socket"), chip(c) {
    tgt_socket.register_b_transport(this, &FakeChipTarget::b_transport);
    SC_METHOD(do_work);
    sensitive << work_ev;
    dont_initialize();
    SC_METHOD(drive_line);
    sensitive << line_ev;
  }
  void do_work() {
    chip.settle();
    line_ev.notify(sc_core::SC_ZERO_TIME);
  }
  void drive_line() { irq.write(chip.irq_line()); }
  void b_transport(tlm::tlm_generic_payload& p, sc_time& d) {
    uint32_t v = 0;
    std::memcpy(&v, p.get_data_ptr(), 4);
    try {
      if (p.is_write()) {
        chip.write32_for_tlm(p.get_address(), v);
        work_ev.notify(d + work);
      } else {
        v = chip.read32_for_tlm(p.get_address());
        std::memcpy(p.get_data_ptr(), &v, 4);
      }
      p.set_response_status(tlm::TLM_OK_RESPONSE);
    } catch (const std::exception&) {
      p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    }
    line_ev.notify(sc_core::SC_ZERO_TIME);
    d += delay;
  }
};

TEST(ControlCpuFirmware, DecodeStepsOnTheCpuMatchTheReference) {
  const pnm::model::ModelShape s = pnm::model::tiny_shape();
  const std::string path =
      ::testing::TempDir() + "pnm_cpu_fw_" + std::to_string(::getpid()) + ".bin";
  pnm::model::write_checkpoint(path, s, 5);
  const pnm::model::Checkpoint ckpt = pnm::model::Checkpoint::load(path);
  const pnm::model::QuantizedModel qm = pnm::model::quantize_model(ckpt);
  std::remove(path.c_str());
  pnm::model::ReferenceDecoder ref(qm);
  const std::vector<int32_t> want = pnm::model::generate(ref, 1, 8);

  pnm::test::FakeChipOptions opt;
  opt.channels = 4;
  pnm::test::FakeChip chip(qm, opt);
  CpuConfig cfg;
  ControlCpu cpu("cpu", cfg);
  FakeChipTarget tgt("chip", chip);
  cpu.init_socket.bind(tgt.tgt_socket);
  cpu.irq_i.bind(tgt.irq);

  std::vector<uint32_t> got;
  std::vector<std::string> errs;
  uint32_t tok = 1;
  for (uint32_t pos = 0; pos < want.size(); ++pos) {
    cpu.run([&, pos] {
      tok = fw_decode_step(&chip.desc(), chip.layers().data(), tok, pos);
      if (tok == FW_DECODE_ERROR) errs.push_back(fw_last_error_info()->msg);
      got.push_back(tok);
    });
  }
  sc_core::sc_start();
  ASSERT_FALSE(cpu.failed()) << cpu.errors().front();
  ASSERT_TRUE(errs.empty()) << errs.front();
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(got[i], uint32_t(want[i])) << i;

  const ControlCpu::Counters& c = cpu.counters();
  EXPECT_EQ(c.mmio_reads, chip.counters.reads);
  EXPECT_EQ(c.mmio_writes, chip.counters.writes);
  EXPECT_GT(c.irq_waits, 0u);
  EXPECT_GT(c.irq_wait_time, sc_core::SC_ZERO_TIME);
  EXPECT_EQ(c.program_time, sc_core::sc_time_stamp());
  const double n = double(want.size());
  std::printf("[ cpu      ] per token: %.0f MMIO reads, %.0f writes, %.2f us total, "
              "%.2f us busy (firmware/control), %.2f us waiting on IRQ\n",
              double(c.mmio_reads) / n, double(c.mmio_writes) / n,
              c.program_time.to_seconds() * 1e6 / n, c.busy_time().to_seconds() * 1e6 / n,
              c.irq_wait_time.to_seconds() * 1e6 / n);
}

}  // namespace
