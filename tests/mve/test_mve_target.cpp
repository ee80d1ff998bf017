// The MVE behind its TLM-2.0 socket: address map, job protocol, annotated
// delay = CYCLES x clock period, error responses, debug access and DMI.
#include <gtest/gtest.h>

#include <functional>

#include "testbench/common/tlm_driver.hpp"
#include "testbench/mve/mve_sequence.hpp"
#include "testbench/mve/mve_socket_job.hpp"
#include "tests/common/test_seed.hpp"
#include "tests/mve/mve_reference.hpp"
#include "tlm/pnm/mve_target.hpp"

namespace pnm::mve {
namespace {

namespace R = regs::mve;
using M = TargetMap;
using sc_core::sc_time;
using sc_core::SC_NS;

// Runs `body` in an SC_THREAD against one MveTarget.
struct Bench : sc_core::sc_module {
  tb::TlmDriver drv{"drv"};
  MveTarget mve;
  std::function<void(Bench&)> body;
  bool finished = false;

  Bench(const MveConfig& cfg, std::function<void(Bench&)> b)
      : sc_module("bench"), mve("mve", cfg, make_engine(cfg)), body(std::move(b)) {
    drv.init_socket.bind(mve.tgt_socket);
    SC_HAS_PROCESS(Bench);
    SC_THREAD(run);
  }
  void run() {
    body(*this);
    finished = true;
  }
  // One job through the socket, weights in two writes; returns the annotated
  // delay of the write that completed the weights.
  sc_time job(uint32_t rows, uint32_t cols, const int8_t* act, const int8_t* w, bool skip = false,
              uint32_t vectors = 1) {
    EXPECT_EQ(tb::submit_mve_job(drv, rows, cols, vectors, act, w, skip, 2), tb::SocketJob::Done);
    return drv.last_delay();
  }
};

void simulate(const MveConfig& cfg, std::function<void(Bench&)> body) {
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_time(10, sc_core::SC_US));
  Bench b(cfg, std::move(body));
  sc_core::sc_start();
  EXPECT_TRUE(b.finished);
}

MveConfig tlm_config() {
  MveConfig c;
  c.kind = "tlm";
  c.clk_period_ps = 1250;  // 800 MHz
  c.params.vectors = 4;
  return c;
}

TEST(MveTarget, JobThroughSocketWithAnnotatedCycles) {
  simulate(tlm_config(), [](Bench& b) {
    const uint32_t rows = 5, cols = 37;  // ragged: 37 = 2*16 + 5
    std::vector<int8_t> act(cols), w(rows * cols);
    for (uint32_t c = 0; c < cols; ++c) act[c] = static_cast<int8_t>(c - 18);
    for (uint32_t i = 0; i < rows * cols; ++i) w[i] = static_cast<int8_t>((i * 7) % 255 - 127);
    const sc_time d = b.job(rows, cols, act.data(), w.data());
    const uint64_t beats = (cols + 15) / 16;
    const uint64_t cycles = beats + rows * beats + 1;
    EXPECT_EQ(d, sc_time(1.25 * cycles, SC_NS)) << "delay = CYCLES x period";
    EXPECT_EQ(b.drv.read32(M::REG_BASE + R::CYCLES::OFFSET), cycles);
    const uint32_t st = b.drv.read32(M::REG_BASE + R::STATUS::OFFSET);
    EXPECT_EQ(regs::get<R::STATUS::DONE>(st), 1u);
    EXPECT_EQ(regs::get<R::STATUS::ERROR>(st), 0u);
    EXPECT_EQ(b.drv.read32(M::REG_BASE + R::ROWS_DONE::OFFSET), rows);
    std::vector<int32_t> y(rows);
    ASSERT_EQ(b.drv.read(M::RES_BASE, y.data(), rows * 4), tlm::TLM_OK_RESPONSE);
    for (uint32_t r = 0; r < rows; ++r) {
      int32_t e = 0;
      for (uint32_t c = 0; c < cols; ++c) e += w[r * cols + c] * act[c];
      EXPECT_EQ(y[r], e) << "row " << r;
    }
    // A register access costs one clock.
    b.drv.read32(M::REG_BASE + R::STATUS::OFFSET);
    EXPECT_EQ(b.drv.last_delay(), sc_time(1.25, SC_NS));
  });
}

TEST(MveTarget, ErrorsAreResponsesNotCrashes) {
  simulate(tlm_config(), [](Bench& b) {
    uint32_t v = 0;
    std::vector<int8_t> buf(64, 1);
    EXPECT_EQ(b.drv.read(0x0800000, &v, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE) << "hole in the map";
    EXPECT_EQ(b.drv.read(0x7000000, &v, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE) << "past the map";
    EXPECT_EQ(b.drv.read(M::REG_BASE + 0x80, &v, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(b.drv.write(M::ACT_BASE + 4 * 4096 - 6, buf.data(), 16), tlm::TLM_ADDRESS_ERROR_RESPONSE)
        << "ACT write running past vectors x max_cols";
    EXPECT_EQ(b.drv.write(M::W_BASE, buf.data(), 8), tlm::TLM_COMMAND_ERROR_RESPONSE) << "no job";
    EXPECT_EQ(b.drv.read(M::W_BASE, buf.data(), 8), tlm::TLM_COMMAND_ERROR_RESPONSE) << "write-only";
    EXPECT_EQ(b.drv.read(M::RES_BASE, &v, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE) << "no results yet";
    EXPECT_EQ(b.drv.write(M::RES_BASE, &v, 4), tlm::TLM_COMMAND_ERROR_RESPONSE) << "read-only";
    EXPECT_EQ(b.drv.write32(M::REG_BASE + R::STATUS::OFFSET, 1), tlm::TLM_COMMAND_ERROR_RESPONSE);

    // Bad jobs: error status at START, no weights taken, next job fine.
    for (auto [rows, cols, vecs, err] :
         {std::tuple{0u, 8u, 1u, Err::ROWS_ZERO}, {2u, 0u, 1u, Err::COLS_ZERO}, {2u, 4097u, 1u, Err::COLS_RANGE},
          {2u, 8u, 0u, Err::VECS_RANGE}, {2u, 8u, 5u, Err::VECS_RANGE}}) {
      b.drv.write32(M::REG_BASE + R::ROWS::OFFSET, rows);
      b.drv.write32(M::REG_BASE + R::COLS::OFFSET, cols);
      b.drv.write32(M::REG_BASE + R::VECS::OFFSET, vecs);
      EXPECT_EQ(b.drv.write32(M::REG_BASE + R::CTRL::OFFSET, R::CTRL::START::MASK), tlm::TLM_OK_RESPONSE);
      const uint32_t st = b.drv.read32(M::REG_BASE + R::STATUS::OFFSET);
      EXPECT_EQ(regs::get<R::STATUS::DONE>(st), 1u);
      EXPECT_EQ(regs::get<R::STATUS::ERROR>(st), 1u);
      EXPECT_EQ(regs::get<R::STATUS::ERR_CODE>(st), static_cast<uint32_t>(err));
      EXPECT_EQ(b.drv.write(M::W_BASE, buf.data(), 8), tlm::TLM_COMMAND_ERROR_RESPONSE);
    }
    // START while a job waits for weights is refused and changes nothing.
    b.drv.write32(M::REG_BASE + R::VECS::OFFSET, 1);
    b.drv.write32(M::REG_BASE + R::ROWS::OFFSET, 2);
    b.drv.write32(M::REG_BASE + R::COLS::OFFSET, 8);
    b.drv.write(M::ACT_BASE, buf.data(), 8);
    EXPECT_EQ(b.drv.write32(M::REG_BASE + R::CTRL::OFFSET, 1), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(regs::get<R::STATUS::BUSY>(b.drv.read32(M::REG_BASE + R::STATUS::OFFSET)), 1u);
    EXPECT_EQ(b.drv.write32(M::REG_BASE + R::CTRL::OFFSET, 1), tlm::TLM_GENERIC_ERROR_RESPONSE);
    // ROWS written while the job waits: ignored, as in the RTL.
    EXPECT_EQ(b.drv.write32(M::REG_BASE + R::ROWS::OFFSET, 0xFFFFFFFF), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(b.drv.read32(M::REG_BASE + R::ROWS::OFFSET), 2u);
    EXPECT_EQ(b.drv.write32(M::REG_BASE + R::VECS::OFFSET, 3), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(b.drv.read32(M::REG_BASE + R::VECS::OFFSET), 1u);
    EXPECT_EQ(b.drv.write(M::W_BASE, buf.data(), 17), tlm::TLM_GENERIC_ERROR_RESPONSE) << "too many";
    EXPECT_EQ(b.drv.write(M::W_BASE, buf.data(), 16), tlm::TLM_OK_RESPONSE);
    std::vector<int32_t> y(2);
    EXPECT_EQ(b.drv.read(M::RES_BASE, y.data(), 8), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(y, std::vector<int32_t>(2, 8));
    EXPECT_EQ(b.drv.read(M::RES_BASE + 4, y.data(), 8), tlm::TLM_ADDRESS_ERROR_RESPONSE) << "past rows";
    EXPECT_EQ(b.mve.stats().jobs, 6u);
    EXPECT_EQ(b.mve.stats().rejected, 5u);
  });
}

// Issue 15: a 0-byte read of RESULTS before any job passed a null pointer
// (the empty results vector's data()) to memcpy: undefined behaviour, seen by
// UBSan (nonnull-attribute), harmless-looking without it. Now no copy runs.
TEST(MveTarget, ZeroLengthAccessCopiesNothing) {
  simulate(tlm_config(), [](Bench& b) {
    EXPECT_EQ(b.drv.read(M::RES_BASE, nullptr, 0), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(b.drv.read(M::ACT_BASE, nullptr, 0), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(b.drv.write(M::ACT_BASE, nullptr, 0), tlm::TLM_OK_RESPONSE);
  });
}

TEST(MveTarget, DebugAccessHasNoSideEffectsAndActIsDmi) {
  simulate(tlm_config(), [](Bench& b) {
    std::vector<int8_t> act(16, 3);
    EXPECT_EQ(b.drv.debug(tlm::TLM_WRITE_COMMAND, M::ACT_BASE, act.data(), 16), 16u);
    std::vector<int8_t> back(16, 0);
    EXPECT_EQ(b.drv.debug(tlm::TLM_READ_COMMAND, M::ACT_BASE, back.data(), 16), 16u);
    EXPECT_EQ(back, act);
    uint32_t start = R::CTRL::START::MASK;
    EXPECT_EQ(b.drv.debug(tlm::TLM_WRITE_COMMAND, M::REG_BASE + R::CTRL::OFFSET, &start, 4), 0u)
        << "a debug write must not start a job";
    EXPECT_EQ(regs::get<R::STATUS::BUSY>(b.drv.read32(M::REG_BASE + R::STATUS::OFFSET)), 0u);
    EXPECT_EQ(b.drv.local_time(), sc_time(1.25, SC_NS)) << "debug access takes no time";

    tlm::tlm_generic_payload p;
    p.set_address(M::ACT_BASE + 4);
    tlm::tlm_dmi dmi;
    ASSERT_TRUE(b.drv.init_socket->get_direct_mem_ptr(p, dmi));
    EXPECT_EQ(dmi.get_start_address(), M::ACT_BASE);
    EXPECT_EQ(dmi.get_end_address(), M::ACT_BASE + 4 * 4096 - 1) << "vectors x max_cols";
    EXPECT_EQ(dmi.get_dmi_ptr()[0], 3);
    p.set_address(M::W_BASE);
    EXPECT_FALSE(b.drv.init_socket->get_direct_mem_ptr(p, dmi)) << "the weight port is no memory";
  });
}

TEST(MveTarget, BatchJobResultsInRowMajorOrder) {
  simulate(tlm_config(), [](Bench& b) {
    EXPECT_EQ(regs::get<R::PARAMS2::VECTORS>(b.drv.read32(M::REG_BASE + R::PARAMS2::OFFSET)), 4u);
    EXPECT_EQ(b.drv.read32(M::REG_BASE + R::VECS::OFFSET), 1u) << "VECS resets to 1";
    const uint32_t rows = 3, cols = 21, n = 4;
    std::vector<int8_t> act(n * cols), w(rows * cols);
    for (uint32_t i = 0; i < n * cols; ++i) act[i] = static_cast<int8_t>((i * 5) % 251 - 125);
    for (uint32_t i = 0; i < rows * cols; ++i) w[i] = static_cast<int8_t>((i * 11) % 253 - 126);
    const sc_time d = b.job(rows, cols, act.data(), w.data(), false, n);
    const uint64_t beats = (cols + 15) / 16;
    EXPECT_EQ(d, sc_time(1.25 * static_cast<double>(n * beats + rows * beats + 1), SC_NS));
    EXPECT_EQ(b.drv.read32(M::REG_BASE + R::ROWS_DONE::OFFSET), rows) << "one result beat per row";
    const std::vector<int32_t> y = tb::read_mve_results(b.drv, rows, n);
    for (uint32_t r = 0; r < rows; ++r) {
      for (uint32_t v = 0; v < n; ++v) {
        int32_t e = 0;
        for (uint32_t c = 0; c < cols; ++c) e += w[r * cols + c] * act[v * cols + c];
        EXPECT_EQ(y[r * n + v], e) << "row " << r << " vector " << v;
      }
    }
    uint32_t v = 0;
    EXPECT_EQ(b.drv.read(M::RES_BASE + 4 * rows * n, &v, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE) << "past rows x n";
    EXPECT_EQ(b.mve.stats().macs, uint64_t{rows} * cols * n);
    // Two of the four held vectors again, without loading; more columns than
    // held is NO_ACT.
    b.job(rows, cols, nullptr, w.data(), true, 2);
    EXPECT_EQ(tb::read_mve_results(b.drv, rows, 2)[5], y[2 * n + 1]);
    b.drv.write32(M::REG_BASE + R::VECS::OFFSET, 4);
    b.drv.write32(M::REG_BASE + R::COLS::OFFSET, 22);
    b.drv.write32(M::REG_BASE + R::CTRL::OFFSET, R::CTRL::START::MASK | R::CTRL::SKIP_ACT::MASK);
    EXPECT_EQ(regs::get<R::STATUS::ERR_CODE>(b.drv.read32(M::REG_BASE + R::STATUS::OFFSET)),
              static_cast<uint32_t>(Err::NO_ACT));
  });
}

TEST(MveTarget, RefusesEngineLargerThanActWindow) {
  MveConfig cfg = tlm_config();
  cfg.params.vectors = 256;
  cfg.params.max_cols = 4096;  // 1 MiB > the 960 KiB ACT window
  EXPECT_THROW(MveTarget("mve", cfg, make_engine(cfg)), std::invalid_argument);
}

TEST(MveTarget, RandomJobsThroughSocketMatchReference) {
  const uint64_t seed = test::seed("MveTarget.RandomJobsThroughSocketMatchReference", 21);
  MveConfig cfg = tlm_config();
  cfg.kind = rtl_available() ? "shadow" : "tlm";
  if (rtl_available()) cfg.params = rtl_params();
  simulate(cfg, [seed](Bench& b) {
    const Params p = b.mve.engine().params();
    tb::MveSequence seq(p, {}, seed);
    test::HeldActivations held;
    for (int i = 0; i < 40; ++i) {
      auto d = seq.next();
      held.accept(d);
      const sc_time delay = b.job(d.job.rows, d.job.cols, d.act.data(), d.weights.data(), d.job.skip_act,
                                  d.job.vectors);
      const uint64_t cycles = test::reference_cycles(p.lanes, d.job);
      EXPECT_EQ(delay, sc_time(1.25 * static_cast<double>(cycles), SC_NS)) << "job " << i;
      const std::vector<int32_t> y = tb::read_mve_results(b.drv, d.job.rows, d.job.vectors);
      ASSERT_EQ(y, test::reference_gemv(d, held)) << "job " << i << " seed " << seed;
    }
    std::printf("[ socket   ] 40 jobs through the %s engine, %llu cycles\n",
                std::string(b.mve.engine().kind()).c_str(), (unsigned long long)b.mve.stats().cycles);
  });
}

TEST(MveConfig, VectorsKeyIsReadAndRanged) {
  auto load = [](const std::string& yaml) {
    return load_mve_config(ConfigReader::from_string(yaml, "test.yaml", "mve", "mve"));
  };
  EXPECT_EQ(load("mve: {}").params.vectors, 1u) << "default";
  EXPECT_EQ(load("mve: {vectors: 256}").params.vectors, 256u);
  for (const char* bad : {"mve: {vectors: 0}", "mve: {vectors: 257}", "mve: {vectors: 1.5}"}) {
    try {
      load(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("vectors"), std::string::npos) << e.what();
    }
  }
}

TEST(MveConfig, RtlKindsNeedTheRtlBuildsVectors) {
  if (!rtl_available()) GTEST_SKIP() << "built without PNMSIM_WITH_RTL";
  MveConfig c;
  c.params = rtl_params();
  for (const char* kind : {"rtl", "shadow"}) {
    c.kind = kind;
    c.params.vectors = rtl_params().vectors;
    EXPECT_EQ(make_engine(c)->params().vectors, c.params.vectors) << kind;
    c.params.vectors = rtl_params().vectors == 1 ? 2 : 1;
    try {
      make_engine(c);
      ADD_FAILURE() << kind << " accepted vectors " << c.params.vectors;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("mve.vectors"), std::string::npos) << e.what();
    }
  }
  c.kind = "tlm";  // the golden model takes any vector count
  EXPECT_EQ(make_engine(c)->params().vectors, c.params.vectors);
}

}  // namespace
}  // namespace pnm::mve
