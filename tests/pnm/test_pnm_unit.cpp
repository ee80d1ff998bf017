// PNM unit tests (issue 5, items 2, 6, 7): GEMV over C channels against a
// C++ reference, double buffering against the analytic max(flash, MVE),
// channel imbalance, read-ahead across a late ACT_EPOCH, bad input, and
// determinism. One sc_start per test; ctest runs each test in its own process.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "tests/common/test_seed.hpp"
#include "tests/pnm/pnm_harness.hpp"
#include "tlm/common/stats.hpp"
#include "tlm/common/zero_data_extension.hpp"
#include "tlm/pnm/mve_golden.hpp"
#include "tlm/pnm/pnm_config.hpp"

using namespace pnm_test;
using pnm::pnmu::first_row_of_channel;
using pnm::pnmu::rows_of_channel;
using sc_core::sc_time;
using sc_core::SC_US;

namespace {



// ---------------------------------------------------------------------------
// Analytic timing of the tiny flash (see tiny_flash_yaml) and of the MVE.
// ---------------------------------------------------------------------------
struct Analytic {
  pnm::flash::FlashConfig f;
  pnm::pnmu::PnmConfig p;
  // Bus-bound stream of n full pages on one channel: the first page after
  // cmd + tR + transfer + decode, then one page per bus transfer.
  double flash_ns(uint64_t n_pages) const {
    const double x = double(f.xfer_ps(f.page_size_bytes)) * 1e-3;
    const double first = double(f.t_cmd_addr_ps + f.t_read_ps + f.t_ecc_decode_ps) * 1e-3 + x;
    return n_pages == 0 ? 0 : first + double(n_pages - 1) * x;
  }
  double mve_ns(uint32_t rows, uint32_t cols) const {
    return double(pnm::mve::job_cycles(p.mve.params, rows, cols, false)) *
           double(p.mve.clk_period_ps) * 1e-3;
  }
};

uint32_t pages_of(uint32_t rows, uint32_t cols, uint32_t page) {
  return static_cast<uint32_t>((uint64_t{rows} * cols + page - 1) / page);
}

}  // namespace

TEST(PnmGemv, MatchesReferenceC1) { gemv_over_channels(1, "tlm"); }
TEST(PnmGemv, MatchesReferenceC2) { gemv_over_channels(2, "tlm"); }
TEST(PnmGemv, MatchesReferenceC8) { gemv_over_channels(8, "tlm"); }
TEST(PnmGemv, MatchesReferenceC32) { gemv_over_channels(32, "tlm"); }

// ---------------------------------------------------------------------------
// (b) Double buffering: total time within 5 % of max(flash, MVE), far from
// the sum, in both regimes.
// ---------------------------------------------------------------------------
namespace {
void double_buffering(uint64_t clk_ps, bool expect_flash_bound) {
  const unsigned C = 2;
  const uint64_t seed = pnm::test::seed("PnmDoubleBuffering", 7);
  std::mt19937_64 rng(seed);
  Gemv g(2048, 4096, rng);  // 1024 full pages per channel
  const auto fcfg = tiny_flash(C, seed);
  const auto pcfg = pnm_cfg("tlm", 64 * 4096, true, clk_ps);
  const Analytic a{fcfg, pcfg};
  double total = 0;
  int bad = -1;
  std::vector<pnm::pnmu::PnmCounters> n(C);
  Harness h("h", C, fcfg, pcfg, [&](Harness& t) {
    t.program(0, g);
    t.write_act(0, g.act);
    t.push_all({0, g.rows, g.cols, 0, 0, kDst});
    total = ns(t.wait_idle());
    bad = t.check(kDst, g.ref);
    for (unsigned c = 0; c < C; ++c) n[c] = t.units[c]->counters();
  });
  sc_core::sc_start();
  const uint32_t rows_c = rows_of_channel(g.rows, 0, C);
  const double tf = a.flash_ns(pages_of(rows_c, g.cols, fcfg.page_size_bytes));
  const double tm = a.mve_ns(rows_c, g.cols);
  const double mx = std::max(tf, tm), sum = tf + tm;
  std::printf("[ analytic ] per channel: %u pages; flash %.1f ns (first page %.1f ns + %.1f ns/page), "
              "MVE %.1f ns (%llu cycles x %.1f ns)\n",
              pages_of(rows_c, g.cols, fcfg.page_size_bytes), tf, a.flash_ns(1),
              double(fcfg.xfer_ps(fcfg.page_size_bytes)) * 1e-3, tm,
              static_cast<unsigned long long>(pnm::mve::job_cycles(pcfg.mve.params, rows_c, g.cols, false)),
              double(clk_ps) * 1e-3);
  std::printf("[ analytic ] max(flash, MVE) = %.1f ns (%s-bound), sum = %.1f ns\n", mx,
              tf > tm ? "flash" : "MVE", sum);
  std::printf("[ simulated] total %.1f ns = %.4f x max, %.4f x sum; MVE waited for flash %.1f ns, "
              "reads waited for buffer %.1f ns\n",
              total, total / mx, total / sum, double(n[0].mve_wait_flash_ps) * 1e-3,
              double(n[0].stall_buffer_full_ps) * 1e-3);
  EXPECT_EQ(bad, 0);
  EXPECT_EQ(tf > tm, expect_flash_bound);
  EXPECT_LE(std::fabs(total - mx) / mx, 0.05);
  EXPECT_LT(total, 0.8 * sum);
  for (unsigned c = 0; c < C; ++c) {
    EXPECT_EQ(n[c].mve_cycles, pnm::mve::job_cycles(pcfg.mve.params, rows_c, g.cols, false));
    EXPECT_EQ(n[c].late_issues, 0u);
  }
}
}  // namespace

// 6 ns clock: 256 beats x 6 ns = 1.54 us per page < 2.56 us of bus per page.
TEST(PnmDoubleBuffering, FlashBoundWithinFivePercentOfMax) { double_buffering(6000, true); }
// 16 ns clock: 4.10 us per page > 2.56 us.
TEST(PnmDoubleBuffering, MveBoundWithinFivePercentOfMax) { double_buffering(16000, false); }

// ---------------------------------------------------------------------------
// (c) Channel imbalance: rows not divisible by C.
// ---------------------------------------------------------------------------
TEST(PnmImbalance, RowsNotDivisibleByChannels) {
  const unsigned C = 8;
  const uint64_t seed = pnm::test::seed("PnmImbalance", 11);
  std::mt19937_64 rng(seed);
  Gemv g(1003, 600, rng);  // 1003 = 8 * 125 + 3: channels 0..2 hold 126 rows, 3..7 hold 125
  const auto fcfg = tiny_flash(C, seed);
  const auto pcfg = pnm_cfg("tlm");
  const Analytic a{fcfg, pcfg};
  int bad = -1;
  std::vector<pnm::pnmu::PnmCounters> n(C);
  Harness h("h", C, fcfg, pcfg, [&](Harness& t) {
    t.program(0, g);
    t.write_act(0, g.act);
    t.push_all({0, g.rows, g.cols, 0, 0, kDst});
    t.wait_idle();
    bad = t.check(kDst, g.ref);
    for (unsigned c = 0; c < C; ++c) n[c] = t.units[c]->counters();
  });
  sc_core::sc_start();
  EXPECT_EQ(bad, 0);
  uint64_t rows = 0;
  double t_heavy = 0, t_light = 1e30;
  for (unsigned c = 0; c < C; ++c) {
    const uint32_t rc = rows_of_channel(g.rows, c, C);
    const double t = double(n[c].last_done_ps) * 1e-3;
    std::printf("[ channel  ] c=%u rows %llu (formula %u, first row %u) pages %llu, MVE %llu cycles "
                "(formula %.0f ns), done at %.1f ns\n",
                c, static_cast<unsigned long long>(n[c].rows), rc, first_row_of_channel(g.rows, c, C),
                static_cast<unsigned long long>(n[c].pages_read),
                static_cast<unsigned long long>(n[c].mve_cycles), a.mve_ns(rc, g.cols), t);
    EXPECT_EQ(n[c].rows, rc);
    EXPECT_EQ(n[c].pages_read, pages_of(rc, g.cols, fcfg.page_size_bytes));
    EXPECT_EQ(n[c].mve_cycles, pnm::mve::job_cycles(pcfg.mve.params, rc, g.cols, false));
    rows += n[c].rows;
    if (rc == 126) t_heavy = std::max(t_heavy, t);
    else t_light = std::min(t_light, t);
  }
  EXPECT_EQ(rows, g.rows);
  std::printf("[ imbalance] slowest heavy channel %.1f ns, fastest light channel %.1f ns (+%.2f %%)\n",
              t_heavy, t_light, 100 * (t_heavy - t_light) / t_light);
  EXPECT_GE(t_heavy, t_light);
}

// ---------------------------------------------------------------------------
// (d) Read-ahead: pages are read while the MVE waits for a late ACT_EPOCH.
// ---------------------------------------------------------------------------
namespace {
void late_epoch(uint64_t readahead, bool expect_hidden) {
  const uint64_t seed = pnm::test::seed("PnmReadAhead", 13);
  std::mt19937_64 rng(seed);
  Gemv g(256, 4096, rng);  // 256 pages
  const auto fcfg = tiny_flash(1, seed);
  const auto pcfg = pnm_cfg("tlm", readahead, true, 6000);
  const Analytic a{fcfg, pcfg};
  const double tf = a.flash_ns(256), tm = a.mve_ns(256, 4096);
  const double t_epoch = tf + 100000;  // epoch 100 us after the flash could have read everything
  double t_done = 0;
  uint32_t pages_at_epoch = 0;
  int bad = -1;
  pnm::pnmu::PnmCounters n;
  Harness h("h", 1, fcfg, pcfg, [&](Harness& t) {
    t.program(0, g);
    t.push_all({0, g.rows, g.cols, 0, 1, kDst});  // pushed at 0, epoch 1 not there yet
    sc_core::wait(sc_time(t_epoch, sc_core::SC_NS));
    pages_at_epoch = t.rd(0, R::PAGES_READ::OFFSET);
    EXPECT_EQ(t.rd(0, R::JOBS_DONE::OFFSET), 0u);
    t.write_act(0, g.act);
    t.wr_all(R::ACT_EPOCH::OFFSET, 1);
    t_done = ns(t.wait_idle());
    bad = t.check(kDst, g.ref);
    n = t.units[0]->counters();
  });
  sc_core::sc_start();
  const double after = t_done - t_epoch;
  std::printf("[ analytic ] flash %.1f ns, MVE %.1f ns; epoch written at %.1f ns\n", tf, tm, t_epoch);
  std::printf("[ simulated] read-ahead %llu B (%u pages): %u pages read before the epoch; "
              "done %.1f ns after it (%.4f x MVE); MVE waited for activations %.1f ns\n",
              static_cast<unsigned long long>(readahead), h.units[0]->buffer_pages(), pages_at_epoch,
              after, after / tm, double(n.mve_wait_act_ps) * 1e-3);
  EXPECT_EQ(bad, 0);
  // Write-back of 256 rows: 50 ns + 1024 B / 16 B/ns = 114 ns after the MVE.
  const double wb = 50 + 256.0 * 4 / 16;
  if (expect_hidden) {
    EXPECT_EQ(pages_at_epoch, 256u);
    EXPECT_LE(std::fabs(after - (tm + wb)) / tm, 0.05);
  } else {
    EXPECT_EQ(pages_at_epoch, h.units[0]->buffer_pages());
    EXPECT_GT(after, 1.3 * tm);
  }
  EXPECT_NEAR(double(n.mve_wait_act_ps) * 1e-3, t_epoch, 1.0);
}
}  // namespace

TEST(PnmReadAhead, LateEpochHiddenWithEnoughBuffer) { late_epoch(256 * 4096, true); }
TEST(PnmReadAhead, LateEpochNotHiddenWithTinyBuffer) { late_epoch(0, false); }

// ---------------------------------------------------------------------------
// (e) Bad input: every error code, queue full, address errors; the unit keeps
// working afterwards.
// ---------------------------------------------------------------------------
namespace {
uint32_t err_code(uint32_t status) { return pnm::regs::get<R::STATUS::ERR_CODE>(status); }
bool err_bit(uint32_t status) { return pnm::regs::get<R::STATUS::ERROR>(status) != 0; }

// After the errors: a good job still gives the right answer.
void good_job_still_works(Harness& t, std::mt19937_64& rng, uint64_t fw, uint32_t epoch) {
  Gemv g(7, 300, rng);
  t.program(fw, g);
  t.write_act(100, g.act);
  t.push_all({fw, g.rows, g.cols, 100, epoch, kDst + 0x8000});
  t.wr_all(R::ACT_EPOCH::OFFSET, epoch);
  t.wait_idle();
  EXPECT_EQ(t.check(kDst + 0x8000, g.ref), 0);
  EXPECT_FALSE(err_bit(t.rd(0, R::STATUS::OFFSET)));
}
}  // namespace

TEST(PnmBadInput, RejectedJobsSetErrorCodesAndAreDropped) {
  const uint64_t seed = pnm::test::seed("PnmBadInput", 17);
  std::mt19937_64 rng(seed);
  const auto fcfg = tiny_flash(1, seed);
  Harness h("h", 1, fcfg, pnm_cfg(), [&](Harness& t) {
    using E = pnm::regs::pnm::err;
    const uint64_t end = fcfg.bytes_per_channel();
    struct Case {
      const char* what;
      JobDesc j;
      E code;
    };
    const Case cases[] = {
        {"rows 0", {0, 0, 16, 0, 0, kDst}, E::ROWS_ZERO},
        {"cols 0", {0, 4, 0, 0, 0, kDst}, E::COLS_RANGE},
        {"cols > max_cols", {0, 4, 4097, 0, 0, kDst}, E::COLS_RANGE},
        {"act_off + cols > SRAM", {0, 4, 100, 16384 - 99, 0, kDst}, E::ACT_RANGE},
        {"flash not page aligned", {100, 4, 100, 0, 0, kDst}, E::FLASH_RANGE},
        {"flash past the channel", {end - 4096, 2, 4096, 0, 0, kDst}, E::FLASH_RANGE},
        {"flash start past the channel", {end + 4096, 1, 16, 0, 0, kDst}, E::FLASH_RANGE},
    };
    for (const Case& c : cases) {
      t.push(0, c.j);
      sc_core::wait(sc_core::SC_ZERO_TIME);
      sc_core::wait(sc_core::SC_ZERO_TIME);
      const uint32_t s = t.rd(0, R::STATUS::OFFSET);
      std::printf("[ bad job  ] %-28s STATUS 0x%02x ERR_CODE %u\n", c.what, s, err_code(s));
      EXPECT_TRUE(err_bit(s)) << c.what;
      EXPECT_EQ(err_code(s), static_cast<uint32_t>(c.code)) << c.what;
      EXPECT_TRUE(t.err[0]->read()) << c.what;
      EXPECT_TRUE(t.idle[0]->read()) << c.what;
      EXPECT_EQ(t.rd(0, R::JOBS_PUSHED::OFFSET), 0u) << c.what;
      // A second error keeps the first code; CLEAR_ERR clears both.
      t.push(0, {0, 0, 16, 0, 0, kDst});
      EXPECT_EQ(err_code(t.rd(0, R::STATUS::OFFSET)), static_cast<uint32_t>(c.code)) << c.what;
      t.wr(0, R::CTRL::OFFSET, R::CTRL::CLEAR_ERR::MASK);
      sc_core::wait(sc_core::SC_ZERO_TIME);
      sc_core::wait(sc_core::SC_ZERO_TIME);
      EXPECT_EQ(t.rd(0, R::STATUS::OFFSET), 0u) << c.what;
      EXPECT_FALSE(t.err[0]->read()) << c.what;
    }
    EXPECT_EQ(t.units[0]->counters().jobs_rejected, 2u * std::size(cases));
    good_job_still_works(t, rng, 0, 1);
  });
  sc_core::sc_start();
}

TEST(PnmBadInput, QueueFullDropsTheJobAndNothingHangs) {
  const uint64_t seed = pnm::test::seed("PnmQueueFull", 19);
  std::mt19937_64 rng(seed);
  const auto fcfg = tiny_flash(1, seed);
  const auto pcfg = pnm_cfg();
  Gemv g(3, 64, rng);
  Harness h("h", 1, fcfg, pcfg, [&](Harness& t) {
    t.program(0, g);
    t.write_act(0, g.act);
    for (unsigned i = 0; i < pcfg.queue_depth; ++i)
      t.push(0, {0, g.rows, g.cols, 0, 5, kDst + 0x100 * i});  // epoch 5: all wait
    uint32_t s = t.rd(0, R::STATUS::OFFSET);
    EXPECT_TRUE(pnm::regs::get<R::STATUS::FULL>(s));
    EXPECT_TRUE(pnm::regs::get<R::STATUS::BUSY>(s));
    EXPECT_FALSE(err_bit(s));
    t.push(0, {0, g.rows, g.cols, 0, 5, kDst + 0x100 * pcfg.queue_depth});
    s = t.rd(0, R::STATUS::OFFSET);
    std::printf("[ queue    ] after %u + 1 pushes: STATUS 0x%02x, JOBS_PUSHED %u\n", pcfg.queue_depth,
                s, t.rd(0, R::JOBS_PUSHED::OFFSET));
    EXPECT_EQ(err_code(s), static_cast<uint32_t>(pnm::regs::pnm::err::QUEUE_FULL));
    EXPECT_EQ(t.rd(0, R::JOBS_PUSHED::OFFSET), pcfg.queue_depth);
    t.wr(0, R::ACT_EPOCH::OFFSET, 5);
    t.wait_idle(sc_time(10, sc_core::SC_MS));
    EXPECT_TRUE(t.all_idle());
    EXPECT_EQ(t.rd(0, R::JOBS_DONE::OFFSET), pcfg.queue_depth);
    for (unsigned i = 0; i < pcfg.queue_depth; ++i) EXPECT_EQ(t.check(kDst + 0x100 * i, g.ref), 0);
    EXPECT_FALSE(t.mem.has(kDst + 0x100 * pcfg.queue_depth));  // the dropped job wrote nothing
    t.wr(0, R::CTRL::OFFSET, R::CTRL::CLEAR_ERR::MASK);
    good_job_still_works(t, rng, 0x10000, 6);
  });
  sc_core::sc_start();
}

TEST(PnmBadInput, UncorrectablePageCompletesTheJobFlagged) {
  const uint64_t seed = pnm::test::seed("PnmUncorrectable", 23);
  std::mt19937_64 rng(seed);
  const auto fcfg = tiny_flash(1, seed);
  Gemv g(8, 1024, rng);  // 2 pages; the second is unreadable
  Harness h("h", 1, fcfg, pnm_cfg(), [&](Harness& t) {
    t.flash[0]->set_fault_hook([](const pnm::flash::FaultSite& s) -> std::optional<uint32_t> {
      if (s.addr.plane == 1 && s.addr.die == 0 && s.addr.block == 0 && s.addr.page == 0)
        return 1000u;  // every attempt of flash page 1 fails
      return std::nullopt;
    });
    t.program(0, g);
    t.write_act(0, g.act);
    t.push_all({0, g.rows, g.cols, 0, 0, kDst});
    t.wait_idle();
    const uint32_t s = t.rd(0, R::STATUS::OFFSET);
    std::printf("[ ecc      ] STATUS 0x%02x, UNCORRECTABLE %u, RETRIES %u, JOBS_DONE %u\n", s,
                t.rd(0, R::UNCORRECTABLE::OFFSET), t.rd(0, R::RETRIES::OFFSET),
                t.rd(0, R::JOBS_DONE::OFFSET));
    EXPECT_EQ(err_code(s), static_cast<uint32_t>(pnm::regs::pnm::err::UNCORRECTABLE));
    EXPECT_TRUE(t.err[0]->read());
    EXPECT_EQ(t.rd(0, R::UNCORRECTABLE::OFFSET), 1u);
    EXPECT_EQ(t.rd(0, R::RETRIES::OFFSET), fcfg.max_read_retries);
    EXPECT_EQ(t.rd(0, R::JOBS_DONE::OFFSET), 1u);
    // Results written; the rows of page 0 (rows 0..3) are right, as the data
    // comes back as stored (sparse storage has no bit flips).
    EXPECT_EQ(t.check(kDst, g.ref), 0);
    t.flash[0]->set_fault_hook(nullptr);
    t.wr(0, R::CTRL::OFFSET, R::CTRL::CLEAR_ERR::MASK);
    good_job_still_works(t, rng, 0x10000, 1);
  });
  sc_core::sc_start();
}

// An engine that fails its second job, the way a shadow pair stops on a
// mismatch or an RTL model that never finishes.
class FailingEngine final : public pnm::mve::Engine {
 public:
  explicit FailingEngine(const pnm::mve::Params& p) : g_(p) {}
  pnm::mve::Result run(const pnm::mve::Job& j) override {
    if (++jobs_ == 2) throw std::runtime_error("engine gave up");
    return g_.run(j);
  }
  const pnm::mve::Params& params() const override { return g_.params(); }
  std::string_view kind() const override { return "failing"; }

 private:
  pnm::mve::GoldenEngine g_;
  int jobs_ = 0;
};

TEST(PnmBadInput, EngineFailureSetsMveErrorAndNothingEscapes) {
  const uint64_t seed = pnm::test::seed("PnmEngineFailure", 29);
  std::mt19937_64 rng(seed);
  const auto fcfg = tiny_flash(1, seed);
  const auto pcfg = pnm_cfg();
  Gemv g(8, 100, rng);
  Harness h(
      "h", 1, fcfg, pcfg,
      [&](Harness& t) {
        t.program(0, g);
        t.write_act(0, g.act);
        t.push_all({0, g.rows, g.cols, 0, 0, kDst});
        t.wait_idle();
        EXPECT_EQ(t.check(kDst, g.ref), 0) << "the first job runs normally";
        t.push_all({0, g.rows, g.cols, 0, 0, kDst});
        t.wait_idle();
        const uint32_t s = t.rd(0, R::STATUS::OFFSET);
        EXPECT_EQ(err_code(s), static_cast<uint32_t>(pnm::regs::pnm::err::MVE));
        EXPECT_EQ(t.rd(0, R::JOBS_DONE::OFFSET), 2u) << "the failed job still completes";
        EXPECT_NE(t.units[0]->engine_error().find("engine gave up"), std::string::npos)
            << t.units[0]->engine_error();
      },
      [&](unsigned) { return std::make_unique<FailingEngine>(pcfg.mve.params); });
  sc_core::sc_start();
}

TEST(PnmBadInput, WriteBackErrorSetsWritebackCode) {
  const uint64_t seed = pnm::test::seed("PnmWriteback", 29);
  std::mt19937_64 rng(seed);
  const auto fcfg = tiny_flash(2, seed);
  Gemv g(6, 128, rng);
  Harness h("h", 2, fcfg, pnm_cfg(), [&](Harness& t) {
    t.mem.bad_from = kDst + 4 * 3;  // unit 1's rows (3..5) land in the bad range
    t.program(0, g);
    t.write_act(0, g.act);
    t.push_all({0, g.rows, g.cols, 0, 0, kDst});
    t.wait_idle();
    EXPECT_EQ(t.rd(0, R::STATUS::OFFSET), 0u);
    EXPECT_EQ(err_code(t.rd(1, R::STATUS::OFFSET)), static_cast<uint32_t>(pnm::regs::pnm::err::WRITEBACK));
    EXPECT_FALSE(t.err[0]->read());
    EXPECT_TRUE(t.err[1]->read());
    EXPECT_EQ(t.rd(1, R::JOBS_DONE::OFFSET), 1u);
    EXPECT_EQ(t.units[1]->counters().writeback_errors, 1u);
    t.mem.bad_from = uint64_t{1} << 62;
    t.wr_all(R::CTRL::OFFSET, R::CTRL::CLEAR_ERR::MASK);
    good_job_still_works(t, rng, 0x10000, 1);
  });
  sc_core::sc_start();
}

TEST(PnmBadInput, TargetSocketAddressErrors) {
  const uint64_t seed = pnm::test::seed("PnmAddressErrors", 31);
  const auto fcfg = tiny_flash(1, seed);
  std::mt19937_64 rng(seed);
  Harness h("h", 1, fcfg, pnm_cfg(), [&](Harness& t) {
    constexpr uint64_t sram = pnm::regs::addr::ACT_SRAM_OFFSET;
    uint8_t buf[16] = {};
    struct Case {
      const char* what;
      tlm::tlm_command cmd;
      uint64_t addr;
      unsigned len;
      tlm::tlm_response_status want;
    };
    const Case cases[] = {
        {"unmapped register 0x4C", tlm::TLM_READ_COMMAND, 0x4C, 4, tlm::TLM_ADDRESS_ERROR_RESPONSE},
        {"past the registers 0x100", tlm::TLM_WRITE_COMMAND, 0x100, 4, tlm::TLM_ADDRESS_ERROR_RESPONSE},
        {"gap below the SRAM", tlm::TLM_READ_COMMAND, sram - 4, 4, tlm::TLM_ADDRESS_ERROR_RESPONSE},
        {"SRAM end straddled", tlm::TLM_WRITE_COMMAND, sram + 16384 - 2, 4, tlm::TLM_ADDRESS_ERROR_RESPONSE},
        {"past the SRAM", tlm::TLM_READ_COMMAND, sram + 16384, 4, tlm::TLM_ADDRESS_ERROR_RESPONSE},
        {"end of the window", tlm::TLM_READ_COMMAND, 0xFFFFC, 4, tlm::TLM_ADDRESS_ERROR_RESPONSE},
        {"far away", tlm::TLM_WRITE_COMMAND, uint64_t{1} << 40, 4, tlm::TLM_ADDRESS_ERROR_RESPONSE},
        {"write to RO JOBS_DONE", tlm::TLM_WRITE_COMMAND, R::JOBS_DONE::OFFSET, 4,
         tlm::TLM_COMMAND_ERROR_RESPONSE},
        {"misaligned register", tlm::TLM_READ_COMMAND, 0x2, 4, tlm::TLM_BURST_ERROR_RESPONSE},
        {"SRAM last byte", tlm::TLM_WRITE_COMMAND, sram + 16383, 1, tlm::TLM_OK_RESPONSE},
    };
    for (const Case& c : cases) {
      const auto st = t.access(0, c.cmd, c.addr, buf, c.len);
      EXPECT_EQ(st, c.want) << c.what;
    }
    const unsigned char be[4] = {0xFF, 0, 0xFF, 0};
    EXPECT_EQ(t.access(0, tlm::TLM_WRITE_COMMAND, sram, buf, 4, be), tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    // transport_dbg: bad addresses move 0 bytes; SRAM and registers work.
    tlm::tlm_generic_payload p;
    p.set_command(tlm::TLM_READ_COMMAND);
    p.set_data_ptr(buf);
    p.set_data_length(4);
    p.set_address(sram + 16384);
    EXPECT_EQ((*t.drv[0])->transport_dbg(p), 0u);
    EXPECT_EQ(p.get_response_status(), tlm::TLM_ADDRESS_ERROR_RESPONSE);
    p.set_address(0x200);
    EXPECT_EQ((*t.drv[0])->transport_dbg(p), 0u);
    p.set_address(R::PARAMS::OFFSET);
    EXPECT_EQ((*t.drv[0])->transport_dbg(p), 4u);
    uint32_t params = 0;
    std::memcpy(&params, buf, 4);
    EXPECT_EQ(pnm::regs::get<R::PARAMS::QUEUE_DEPTH>(params), 8u);
    EXPECT_EQ(pnm::regs::get<R::PARAMS::CHANNELS>(params), 0u);
    // DMI: granted for the SRAM only.
    tlm::tlm_dmi dmi;
    p.set_address(sram + 10);
    EXPECT_TRUE((*t.drv[0])->get_direct_mem_ptr(p, dmi));
    EXPECT_EQ(dmi.get_start_address(), sram);
    EXPECT_EQ(dmi.get_end_address(), sram + 16384 - 1);
    dmi.get_dmi_ptr()[5] = 0x5A;  // SRAM offset 5, seen through the socket
    uint8_t b = 0;
    EXPECT_EQ(t.access(0, tlm::TLM_READ_COMMAND, sram + 5, &b, 1), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(b, 0x5A);
    tlm::tlm_dmi no;
    p.set_address(0x10);
    EXPECT_FALSE((*t.drv[0])->get_direct_mem_ptr(p, no));
    EXPECT_EQ(t.rd(0, R::STATUS::OFFSET), 0u);  // address errors are not job errors
    good_job_still_works(t, rng, 0, 1);
  });
  sc_core::sc_start();
}

// Writes marked as zeros (pnm::ZeroDataExtension, a timing-only vector
// unit's broadcasts) may skip the copy only while the SRAM holds zeros: after
// a data write, and after a DMI grant (its writes bypass the socket), a
// marked write still clears the bytes.
TEST(PnmSram, ZeroDataWritesLeaveWhatAPlainWriteWould) {
  const uint64_t seed = pnm::test::seed("PnmZeroData", 37);
  int checked = 0;
  Harness h("h", 2, tiny_flash(2, seed), pnm_cfg(), [&](Harness& t) {
    constexpr uint64_t sram = pnm::regs::addr::ACT_SRAM_OFFSET;
    uint8_t zeros[64] = {};
    const auto zero_write = [&](unsigned c, uint64_t off) {
      tlm::tlm_generic_payload p;
      pnm::ZeroDataExtension z;
      p.set_command(tlm::TLM_WRITE_COMMAND);
      p.set_address(sram + off);
      p.set_data_ptr(zeros);
      p.set_data_length(sizeof zeros);
      p.set_streaming_width(sizeof zeros);
      p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      p.set_extension(&z);
      sc_core::sc_time d = sc_core::SC_ZERO_TIME;
      (*t.drv[c])->b_transport(p, d);
      p.clear_extension(&z);
      return p.get_response_status();
    };
    const auto expect_zeros = [&](unsigned c, uint64_t off, const char* what) {
      uint8_t back[64];
      std::memset(back, 0xEE, sizeof back);
      ASSERT_EQ(t.access(c, tlm::TLM_READ_COMMAND, sram + off, back, sizeof back), tlm::TLM_OK_RESPONSE);
      for (unsigned i = 0; i < sizeof back; ++i) ASSERT_EQ(back[i], 0) << what << ", byte " << i;
      ++checked;
    };
    // Unit 0: zeros on zeros, then over data written through the socket.
    EXPECT_EQ(zero_write(0, 0), tlm::TLM_OK_RESPONSE);
    expect_zeros(0, 0, "zeros on a fresh SRAM");
    uint8_t data[64];
    for (unsigned i = 0; i < sizeof data; ++i) data[i] = static_cast<uint8_t>(i + 1);
    ASSERT_EQ(t.access(0, tlm::TLM_WRITE_COMMAND, sram + 128, data, sizeof data), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(zero_write(0, 128), tlm::TLM_OK_RESPONSE);
    expect_zeros(0, 128, "zeros over data written through the socket");
    // Unit 1: over data written through a DMI pointer.
    tlm::tlm_generic_payload q;
    q.set_command(tlm::TLM_WRITE_COMMAND);
    q.set_address(sram);
    tlm::tlm_dmi dmi;
    ASSERT_TRUE((*t.drv[1])->get_direct_mem_ptr(q, dmi));
    std::memset(dmi.get_dmi_ptr() + 256, 0x5A, 64);
    EXPECT_EQ(zero_write(1, 256), tlm::TLM_OK_RESPONSE);
    expect_zeros(1, 256, "zeros over data written through DMI");
  });
  sc_core::sc_start();
  EXPECT_EQ(checked, 3);
}

// ---------------------------------------------------------------------------
// (f) Same config and seed: byte-identical stats. Three harnesses in one
// simulation: two with the same seed must match, one with another seed must
// not (so the comparison can fail).
// ---------------------------------------------------------------------------
TEST(PnmDeterminism, SameSeedSameStats) {
  const uint64_t seed = pnm::test::seed("PnmDeterminism", 37);
  const unsigned C = 4;
  std::vector<std::unique_ptr<Harness>> hs;
  std::vector<std::string> dumps;
  uint64_t retries = 0;
  for (int i = 0; i < 3; ++i) {
    const uint64_t s = i < 2 ? seed : seed + 1;
    // RBER 1e-3: about 8 bit errors per 1 KiB codeword against t = 8, so
    // reads retry at random (and some pages end uncorrectable).
    const auto fcfg = tiny_flash(C, s, 1e-3);
    hs.push_back(std::make_unique<Harness>(("h" + std::to_string(i)).c_str(), C, fcfg, pnm_cfg(),
                                           [s, C](Harness& t) {
                                             std::mt19937_64 rng(s);
                                             Gemv g(300, 2000, rng);
                                             t.program(0, g);
                                             t.write_act(0, g.act);
                                             t.push_all({0, g.rows, g.cols, 0, 0, kDst});
                                             t.wait_idle();
                                           }));
    hs.back()->stop_at_end = false;
  }
  sc_core::sc_start();
  for (auto& h : hs) {
    pnm::Stats st;
    for (unsigned c = 0; c < C; ++c) {
      h->units[c]->report(st, "pnm.ch" + std::to_string(c));
      h->flash[c]->report(st, "flash.ch" + std::to_string(c));
    }
    retries += static_cast<uint64_t>(st.value("pnm.ch0.ecc.retries"));
    dumps.push_back(st.dump());
  }
  std::printf("[ stats    ] %zu bytes of JSON per run, ch0 retries %.0f\n", dumps[0].size(),
              0.0 + double(retries) / 3);
  EXPECT_GT(retries, 0u);
  EXPECT_EQ(dumps[0], dumps[1]);
  EXPECT_NE(dumps[0], dumps[2]);
}

// ---------------------------------------------------------------------------
// Config: the documented default file loads; bad keys name themselves.
// ---------------------------------------------------------------------------
TEST(PnmConfig, DefaultYamlLoadsAndBadKeysFail) {
  const auto r = pnm::ConfigReader::from_file(std::string(PNMSIM_SOURCE_DIR) +
                                                  "/sim/configs/pnm/default.yaml",
                                              "pnm", "pnm unit");
  const pnm::pnmu::PnmConfig c = pnm::pnmu::load_pnm_config(r);
  EXPECT_EQ(c.queue_depth, 64u);
  EXPECT_GE(c.act_sram_bytes, c.mve.params.max_cols);
  EXPECT_GE(c.mve.params.max_cols, 11008u);
  EXPECT_GE(c.readahead_bytes, 2u * 4096);
  EXPECT_EQ(c.mve.kind, "tlm");
  const auto bad = [](const std::string& y) {
    try {
      pnm::pnmu::load_pnm_config(pnm::ConfigReader::from_string(y, "bad.yaml", "pnm", "pnm unit"));
    } catch (const pnm::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(bad("pnm: {queue_depth: 0}").find("pnm.queue_depth"), std::string::npos);
  EXPECT_NE(bad("pnm: {readahead: 5}").find("readahead"), std::string::npos);
  // 2^40 bytes of read-ahead would allocate a slot record per page: capped at 1 GiB.
  EXPECT_NE(bad("pnm: {readahead_bytes: 1099511627776}").find("readahead_bytes"), std::string::npos);
  EXPECT_NE(bad("pnm: {act_sram_bytes: 4194304}").find("act_sram_bytes"), std::string::npos);
  EXPECT_NE(bad("pnm: {act_sram_bytes: 1024, mve: {max_cols: 4096}}").find("act_sram_bytes"),
            std::string::npos);
  EXPECT_NE(bad("pnm: {mve: {kind: gpu}}").find("pnm.mve.kind"), std::string::npos);
}

// ---------------------------------------------------------------------------
// Many GEMVs, one epoch each (old ACT_EPOCH records are pruned): each job
// starts at its epoch write, takes exactly its MVE time after its pages are
// in, and gives the right answer.
// ---------------------------------------------------------------------------
TEST(PnmEpochs, HundredGemvsEachGatedByItsEpoch) {
  const uint64_t seed = pnm::test::seed("PnmEpochs", 41);
  std::mt19937_64 rng(seed);
  const auto fcfg = tiny_flash(2, seed);
  const auto pcfg = pnm_cfg();
  const Analytic a{fcfg, pcfg};
  Gemv g(16, 512, rng);  // 8 rows x 512 B = 1 page per channel
  int bad = 0;
  double worst = 0;
  Harness h("h", 2, fcfg, pcfg, [&](Harness& t) {
    t.program(0, g);
    t.write_act(0, g.act);
    for (uint32_t e = 1; e <= 100; ++e) {
      const uint64_t dst = kDst + 0x1000 * e;
      t.push_all({0, g.rows, g.cols, 0, e, dst});
      sc_core::wait(sc_time(20, SC_US));  // the page is in long before the epoch
      const double t_epoch = ns(sc_core::sc_time_stamp());
      t.wr_all(R::ACT_EPOCH::OFFSET, e);
      const double after = ns(t.wait_idle()) - t_epoch;
      // MVE time plus the write-back (50 ns + 32 B / 16 B/ns).
      const double want = a.mve_ns(8, g.cols) + 50 + 2;
      worst = std::max(worst, std::fabs(after - want));
      bad += t.check(dst, g.ref);
    }
  });
  sc_core::sc_start();
  std::printf("[ epochs   ] 100 GEMVs: worst |done - epoch - (MVE + write-back)| = %.3f ns\n", worst);
  EXPECT_EQ(bad, 0);
  EXPECT_LT(worst, 1.0);
}

namespace pnm_test {
namespace {

// A 3-vector job on 3 channels: each unit reads its stripe once, applies it to
// all three activation vectors (packed at JOB_ACT_OFF + v * cols) and writes
// vector v's results to JOB_DST + v * JOB_DST_STRIDE + 4 * r0_c. The reference
// is a plain loop here; the MVE time is one weight pass plus 3 x B activation
// beats, not three passes. A job with JOB_VECS 0 or above the engine's 4 is
// refused (VECS_RANGE), and one whose vectors overrun the SRAM (ACT_RANGE).
TEST(PnmBatch, ThreeVectorJobEqualsThreeReferenceGemvsWithOneWeightPass) {
  const uint64_t seed = pnm::test::seed("PnmBatch.ThreeVectors", 21);
  std::mt19937_64 rng(seed);
  const unsigned C = 3;
  const uint32_t rows = 70, cols = 1000, n = 3, stride = 4096;
  Gemv g(rows, cols, rng);
  std::vector<int8_t> acts(uint64_t{n} * cols);
  std::uniform_int_distribution<int> d(-128, 127);
  for (auto& v : acts) v = static_cast<int8_t>(d(rng));
  std::vector<std::vector<int32_t>> ref(n, std::vector<int32_t>(rows, 0));
  for (uint32_t v = 0; v < n; ++v) {
    for (uint32_t r = 0; r < rows; ++r) {
      int32_t acc = 0;
      for (uint32_t k = 0; k < cols; ++k) acc += int32_t{g.w[uint64_t{r} * cols + k]} * int32_t{acts[v * cols + k]};
      ref[v][r] = acc;
    }
  }
  const auto fcfg = tiny_flash(C, seed);
  const auto pcfg = pnm_cfg("tlm");
  int bad = 0;
  uint64_t pages = 0, cycles = 0;
  std::vector<uint32_t> status(C);
  Harness h("h", C, fcfg, pcfg, [&](Harness& t) {
    t.program(0, g);
    t.write_act(0, acts);
    JobDesc j{0, rows, cols, 0, 1, kDst, n, stride};
    t.push_all(j);
    t.wr_all(R::ACT_EPOCH::OFFSET, 1);
    t.wait_idle();
    for (uint32_t v = 0; v < n; ++v) bad += t.check(kDst + v * stride, ref[v]);
    for (unsigned c = 0; c < C; ++c) {
      pages += t.units[c]->counters().pages_read;
      cycles += t.units[c]->counters().mve_cycles;
    }
    // Refused pushes: 0 vectors, more than the engine holds, past the SRAM.
    JobDesc z = j, big = j, over = j;
    z.vecs = 0;
    big.vecs = 5;
    over.vecs = 4;
    over.act_off = static_cast<uint32_t>(pcfg.act_sram_bytes) - 3 * cols;
    t.push(0, z);
    t.push(1, big);
    t.push(2, over);
    for (unsigned c = 0; c < C; ++c) status[c] = t.rd(c, R::STATUS::OFFSET);
  });
  sc_core::sc_start();
  EXPECT_EQ(bad, 0);
  // One weight pass: each unit reads ceil(rows_c * cols / page) pages once.
  uint64_t want_pages = 0, want_cycles = 0;
  const uint64_t B = (cols + 15) / 16;
  for (unsigned c = 0; c < C; ++c) {
    const uint64_t rc = pnm::pnmu::rows_of_channel(rows, c, C);
    want_pages += (rc * cols + fcfg.page_size_bytes - 1) / fcfg.page_size_bytes;
    want_cycles += n * B + rc * B + 1;
  }
  EXPECT_EQ(pages, want_pages);
  EXPECT_EQ(cycles, want_cycles);
  const auto code = [](uint32_t st) { return pnm::regs::get<R::STATUS::ERR_CODE>(st); };
  EXPECT_EQ(code(status[0]), static_cast<uint32_t>(pnm::regs::pnm::err::VECS_RANGE));
  EXPECT_EQ(code(status[1]), static_cast<uint32_t>(pnm::regs::pnm::err::VECS_RANGE));
  EXPECT_EQ(code(status[2]), static_cast<uint32_t>(pnm::regs::pnm::err::ACT_RANGE));
}

}  // namespace
}  // namespace pnm_test

// ---------------------------------------------------------------------------
// The harness itself: a body that never finishes (here: it waits for an event
// nobody notifies, like a unit that never goes idle) fails the test, so no
// harness test can pass with its checks unrun.
// ---------------------------------------------------------------------------
namespace {
void run_a_harness_whose_body_hangs() {
  const auto fcfg = tiny_flash(1, 1);
  sc_core::sc_event never;
  Harness h("h", 1, fcfg, pnm_cfg(), [&never](Harness&) { sc_core::wait(never); });
  sc_core::sc_start();  // returns: nothing is scheduled, the body still waits
}
}  // namespace

TEST(PnmHarness, ABodyThatDoesNotRunToCompletionFailsTheTest) {
  EXPECT_NONFATAL_FAILURE(run_a_harness_whose_body_hangs(), "did not run to completion");
}
