// ChannelModel (plain C++): timing against closed-form formulas, reliability
// paths, wear accounting, determinism, storage modes. Expected values are
// computed here from the config parameters and the documented formulas.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "tests/flash/flash_test_util.hpp"
#include "tlm/flash/flash_channel_model.hpp"
#include "tlm/flash/flash_reliability.hpp"
#include "tlm/flash/flash_storage.hpp"

namespace {

using namespace pnm::flash;
using flash_test::base_yaml;
using flash_test::cfg_from;
using flash_test::run_window;

struct T {  // the closed-form ingredients, in ps (see flash_channel_model.hpp)
  double c, s, tr, x, dec, copy;
  explicit T(const FlashConfig& f)
      : c(double(f.t_cmd_addr_ps)),
        s(f.cmd_on_data_bus ? c : 0.0),
        tr(double(f.t_read_ps)),
        x(4096.0 * 8 / (f.bus_width_bits * f.io_rate_mts * 1e6) * 1e12),
        dec(double(f.t_ecc_decode_ps)),
        copy(double(f.t_cache_copy_ps)) {}
};

OpRequest rd(const PageAddr& a, uint32_t planes = 1, FlashOp op = FlashOp::Read,
             uint32_t bytes = 4096) {
  OpRequest r;
  r.op = op;
  r.addr = a;
  r.planes = planes;
  r.bytes = bytes;
  return r;
}

PageAddr pa(uint32_t die, uint32_t plane, uint32_t block, uint32_t page) {
  PageAddr a;
  a.die = die;
  a.plane = plane;
  a.block = block;
  a.page = page;
  return a;
}

void report(const char* what, double analytic, double simulated) {
  std::printf("[ analytic ] %-40s analytic %12.3f  simulated %12.3f  (%+.3f%%)\n", what, analytic,
              simulated, 100.0 * (simulated - analytic) / analytic);
}

TEST(FlashTiming, SingleReadFromIdle) {
  const FlashConfig f = cfg_from(base_yaml());
  const T t(f);
  ChannelModel m(f, 0);
  const OpResult r = m.execute(rd(pa(0, 0, 3, 5)));
  const double expect = t.c + t.tr + t.s + t.x + t.dec;
  report("single page read latency [ns]", expect / 1e3, double(r.done_ps) / 1e3);
  EXPECT_EQ(r.status, FlashStatus::Ok);
  EXPECT_NEAR(double(r.done_ps), expect, 1.0);
  EXPECT_NEAR(double(r.array_start_ps), t.c, 1.0);
  EXPECT_NEAR(double(r.array_end_ps), t.c + t.tr, 1.0);
  // Partial read: tR is paid in full, only the bytes asked for cross the bus.
  ChannelModel m2(f, 0);
  PageAddr a = pa(0, 0, 0, 0);
  a.column = 1024;
  const OpResult p = m2.execute(rd(a, 1, FlashOp::Read, 512));
  EXPECT_NEAR(double(p.done_ps), t.c + t.tr + t.s + t.x * 512 / 4096 + t.dec, 1.0);
}

TEST(FlashTiming, SequentialSinglePlaneNormalRead) {
  const FlashConfig f = cfg_from(base_yaml());
  const T t(f);
  ChannelModel m(f, 0);
  const int n = 400;
  const uint64_t last = run_window(m, n, 4, [](int k) { return rd(pa(0, 0, k / 64, k % 64)); });
  const double period = t.c + t.tr + t.s + t.x;  // page register held until data out
  const double expect = n * period + t.dec;
  report("seq read, 1 plane, period [ns]", period / 1e3, (double(last) - t.dec) / n / 1e3);
  EXPECT_NEAR(double(last), expect, expect * 1e-6);
}

TEST(FlashTiming, CacheReadOverlapsArrayAndTransfer) {
  for (const char* tr : {"20", "5"}) {  // array-bound and bus-bound cases
    SCOPED_TRACE(tr);
    std::string y = base_yaml();
    y.replace(y.find("t_read_us: 20"), 13, std::string("t_read_us: ") + tr);
    const FlashConfig f = cfg_from(y);
    const T t(f);
    const int n = 400;
    ChannelModel normal(f, 0), cached(f, 0);
    const auto gen = [](FlashOp op) {
      return [op](int k) { return rd(pa(0, 0, k / 64, k % 64), 1, op); };
    };
    const double tn = double(run_window(normal, n, 4, gen(FlashOp::Read)));
    const double tc = double(run_window(cached, n, 4, gen(FlashOp::CacheRead)));
    const double pn = t.c + t.tr + t.s + t.x;
    const double pc = t.copy + std::max(t.c + t.tr, t.s + t.x);
    report("cache read period [ns]", pc / 1e3, tc / n / 1e3);
    report("cache read gain [x]", pn / pc, tn / tc);
    EXPECT_NEAR(tc / n, pc, pc * 0.01);
    EXPECT_NEAR(tn / tc, pn / pc, 0.02 * pn / pc);
    EXPECT_GT(tn / tc, 1.2);
  }
}

TEST(FlashTiming, MultiPlaneReadGain) {
  const uint32_t planes = 4;
  const FlashConfig f = cfg_from(base_yaml(1, planes));
  const T t(f);
  const int ops = 100;
  ChannelModel single(f, 0), multi(f, 0);
  const double ts = double(run_window(single, ops * planes, 8, [&](int k) {
    return rd(pa(0, k % planes, 0, (k / planes) % 64));
  }));
  const double tm = double(run_window(multi, ops, 8, [&](int k) {
    return rd(pa(0, 0, 0, k % 64), planes);
  }));
  // Single-plane reads on one die: the die array is exclusive, but a plane's
  // data-out overlaps the next plane's tR: per page max(c + tR, c + x) is the
  // array/bus bound; with multi-plane one tR serves all planes.
  const double p_multi = planes * (t.c + t.s + t.x) + t.tr;  // per op of `planes` pages
  report("multi-plane op period [ns]", p_multi / 1e3, tm / ops / 1e3);
  EXPECT_NEAR(tm / ops, p_multi, p_multi * 0.01);
  ASSERT_GT(t.c + t.tr, t.c + t.s + t.x);  // die-bound, not bus-bound, in this config
  const double p_single = t.c + t.tr;        // per page: cmd + tR, data-outs overlap
  report("single-plane page period [ns]", p_single / 1e3, ts / (ops * planes) / 1e3);
  EXPECT_NEAR(ts / (ops * planes), p_single, p_single * 0.02);
  report("multi-plane gain [x]", p_single * planes / p_multi, ts / tm);
  EXPECT_GT(ts / tm, 1.0);
  EXPECT_EQ(multi.counters().multi_plane_ops, uint64_t(ops));
}

TEST(FlashTiming, SequentialThroughputIsMinOfArrayAndBus) {
  for (int dies : {1, 2, 3, 4, 8}) {
    SCOPED_TRACE(dies);
    const FlashConfig f = cfg_from(base_yaml(dies, 1));
    const T t(f);
    ChannelModel m(f, 0);
    const int n = 1000;
    const double last = double(run_window(m, n, 2 * dies, [&](int k) {
      return rd(pa(k % dies, 0, (k / dies) / 64, (k / dies) % 64));
    }));
    const double array_pages_per_ps = dies / (t.c + t.tr + t.s + t.x);
    const double bus_pages_per_ps = 1.0 / (t.c + t.x);
    const double expect = std::min(array_pages_per_ps, bus_pages_per_ps) * 4096 * 1e12 / 1e6;
    const double got = n * 4096.0 / (last * 1e-12) / 1e6;
    char what[64];
    std::snprintf(what, sizeof what, "seq read MB/s, %d dies", dies);
    report(what, expect, got);
    EXPECT_NEAR(got, expect, expect * 0.03);
  }
}

TEST(FlashTiming, TwoDiesContendForOneBus) {
  const FlashConfig f = cfg_from(base_yaml(2, 1));
  const T t(f);
  ASSERT_GT(t.x, t.c);
  ChannelModel m(f, 0);
  const OpResult a = m.execute(rd(pa(0, 0, 0, 0)));
  const OpResult b = m.execute(rd(pa(1, 0, 0, 0)));  // same issue time 0
  // die 1's command follows die 0's on the bus; its data-out waits for die
  // 0's data-out plus the free command slot s that precedes every data-out.
  const double ea = t.c + t.tr + t.s + t.x + t.dec;
  const double eb = std::max(2 * t.c + t.tr + t.s, t.c + t.tr + t.s + t.x + t.s) + t.x + t.dec;
  report("die 0 read latency [ns]", ea / 1e3, double(a.done_ps) / 1e3);
  report("die 1 read latency, contended [ns]", eb / 1e3, double(b.done_ps) / 1e3);
  EXPECT_NEAR(double(a.done_ps), ea, 1.0);
  EXPECT_NEAR(double(b.done_ps), eb, 1.0);
  // Without contention (another channel) both would finish at ea.
  ChannelModel other(f, 1);
  EXPECT_NEAR(double(other.execute(rd(pa(1, 0, 0, 0))).done_ps), ea, 1.0);
  EXPECT_NEAR(double(m.counters().bus_busy_ps), 2 * (t.c + t.x), 2.0);
}

TEST(FlashTiming, ProgramAndEraseTimes) {
  const FlashConfig f = cfg_from(base_yaml() + "  storage: {preprogrammed: false}\n");
  const T t(f);
  ChannelModel m(f, 0);
  OpRequest p = rd(pa(0, 0, 1, 0), 1, FlashOp::Program);
  const OpResult r = m.execute(p);
  EXPECT_EQ(r.status, FlashStatus::Ok);
  EXPECT_NEAR(double(r.done_ps), t.c + t.x + double(f.t_prog_ps), 1.0);
  OpRequest e = rd(pa(0, 0, 1, 0), 1, FlashOp::Erase);
  e.issue_ps = r.done_ps;
  const OpResult er = m.execute(e);
  EXPECT_NEAR(double(er.done_ps - r.done_ps), t.c + double(f.t_erase_ps), 1.0);
}

TEST(FlashWear, EraseBeforeProgramEnforced) {
  const FlashConfig f = cfg_from(base_yaml() + "  storage: {preprogrammed: false}\n");
  ChannelModel m(f, 0);
  const PageAddr a = pa(0, 0, 2, 7);
  EXPECT_FALSE(m.wear(a).page_programmed);
  EXPECT_EQ(m.execute(rd(a, 1, FlashOp::Program)).status, FlashStatus::Ok);
  EXPECT_TRUE(m.wear(a).page_programmed);
  EXPECT_EQ(m.execute(rd(a, 1, FlashOp::Program)).status, FlashStatus::NotErased);
  EXPECT_EQ(m.counters().not_erased_errors, 1u);
  EXPECT_EQ(m.execute(rd(a, 1, FlashOp::Erase)).status, FlashStatus::Ok);
  EXPECT_FALSE(m.wear(a).page_programmed);
  EXPECT_EQ(m.execute(rd(a, 1, FlashOp::Program)).status, FlashStatus::Ok);
  // Preprogrammed device (a weight image): the first program is refused.
  ChannelModel pre(cfg_from(base_yaml()), 0);
  EXPECT_EQ(pre.execute(rd(a, 1, FlashOp::Program)).status, FlashStatus::NotErased);
}

TEST(FlashWear, PeAndReadDisturbAccounting) {
  const FlashConfig f = cfg_from(base_yaml() +
                                 "  reliability: {initial_pe_cycles: 5, endurance_pe_cycles: 7}\n");
  ChannelModel m(f, 0);
  const PageAddr a = pa(0, 0, 4, 0), other = pa(0, 0, 4, 9), elsewhere = pa(0, 0, 5, 0);
  EXPECT_EQ(m.wear(a).pe_cycles, 5u);
  for (int i = 0; i < 10; ++i) m.execute(rd(i % 2 ? a : other));
  EXPECT_EQ(m.wear(a).reads_since_erase, 10u);  // per block: both pages count
  EXPECT_EQ(m.wear(elsewhere).reads_since_erase, 0u);
  for (int i = 0; i < 3; ++i) m.execute(rd(a, 1, FlashOp::Erase));
  EXPECT_EQ(m.wear(a).pe_cycles, 8u);
  EXPECT_EQ(m.wear(a).reads_since_erase, 0u);
  EXPECT_EQ(m.wear(elsewhere).pe_cycles, 5u);
  EXPECT_EQ(m.counters().erases_beyond_endurance, 1u);  // 8 > 7
  EXPECT_EQ(m.counters().max_pe_cycles, 8u);
  EXPECT_EQ(m.counters().erase_blocks, 3u);
}

TEST(FlashReliability, RberFormula) {
  FlashConfig f = cfg_from(base_yaml());
  f.rber_base = 1e-6;
  f.rber_pe_coeff = 2e-10;
  f.rber_pe_exponent = 1.5;
  f.rber_read_disturb_per_read = 3e-9;
  f.rber_retention_per_hour = 4e-8;
  const double expect = 1e-6 + 2e-10 * std::pow(1000.0, 1.5) + 3e-9 * 200 + 4e-8 * 50;
  EXPECT_NEAR(rber(f, 1000, 200, 50), expect, 1e-15);
  f.rber_pe_coeff = 2e-5;  // 2e-5 * 1000^1.5 = 0.63: sum beyond 0.5
  EXPECT_EQ(rber(f, 1000, 200, 50), 0.5);  // clamped
}

TEST(FlashReliability, ReadDisturbAndRetentionRaiseRber) {
  const FlashConfig f = cfg_from(base_yaml() +
                                 "  reliability: {rber_read_disturb_per_read: 1.0e-7,"
                                 " rber_retention_per_hour: 2.0e-6, retention_hours_at_start: 10}\n");
  ChannelModel m(f, 0);
  for (int k = 0; k < 5; ++k) {
    PageStatus st;
    m.execute(rd(pa(0, 0, 0, k)), &st);
    EXPECT_NEAR(st.rber, 1e-7 * k + 2e-6 * 10, 1e-12) << k;  // sim time << 1 h
  }
}

TEST(FlashReliability, CorrectedWithinT) {
  const FlashConfig f = cfg_from(base_yaml());
  const T t(f);
  ChannelModel m(f, 0);
  const uint32_t tbits = f.ecc_correctable_bits;
  m.set_fault_hook([&](const FaultSite&) { return std::optional<uint32_t>(tbits); });
  PageStatus st;
  const OpResult r = m.execute(rd(pa(0, 0, 0, 0)), &st);
  EXPECT_EQ(r.status, FlashStatus::Ok);
  EXPECT_EQ(st.corrected_bits, tbits * f.codewords_per_page());
  EXPECT_EQ(st.retries, 0u);
  EXPECT_NEAR(double(r.done_ps), t.c + t.tr + t.s + t.x + t.dec, 1.0);
  EXPECT_EQ(m.counters().corrected_bits, uint64_t(tbits) * f.codewords_per_page());
}

TEST(FlashReliability, ReadRetryCostsAnotherRead) {
  const FlashConfig f = cfg_from(base_yaml());
  const T t(f);
  for (uint32_t fail_attempts : {1u, 2u, 3u}) {
    SCOPED_TRACE(fail_attempts);
    ChannelModel m(f, 0);
    m.set_fault_hook([&](const FaultSite& s) {
      // one codeword beyond t on the first `fail_attempts` attempts
      return std::optional<uint32_t>(s.attempt < fail_attempts && s.codeword == 2
                                         ? f.ecc_correctable_bits + 1
                                         : 1);
    });
    PageStatus st;
    const OpResult r = m.execute(rd(pa(0, 0, 0, 0)), &st);
    const double one = t.c + t.tr + t.s + t.x + t.dec;
    report("read with retries [ns]", (fail_attempts + 1) * one / 1e3, double(r.done_ps) / 1e3);
    EXPECT_EQ(r.status, FlashStatus::Ok);
    EXPECT_EQ(st.retries, fail_attempts);
    EXPECT_EQ(st.corrected_bits, f.codewords_per_page());
    EXPECT_NEAR(double(r.done_ps), (fail_attempts + 1) * one, 1.0);
    EXPECT_EQ(m.counters().retries, fail_attempts);
    EXPECT_EQ(m.counters().array_reads, fail_attempts + 1);
    EXPECT_EQ(m.wear(pa(0, 0, 0, 0)).reads_since_erase, fail_attempts + 1);
  }
}

TEST(FlashReliability, UncorrectableAfterRetryLimit) {
  const FlashConfig f = cfg_from(base_yaml());
  const T t(f);
  ChannelModel m(f, 0);
  m.set_fault_hook([&](const FaultSite&) { return std::optional<uint32_t>(f.ecc_correctable_bits + 5); });
  PageStatus st;
  const OpResult r = m.execute(rd(pa(0, 0, 0, 0)), &st);
  EXPECT_EQ(r.status, FlashStatus::Uncorrectable);
  EXPECT_TRUE(st.uncorrectable);
  EXPECT_EQ(st.retries, f.max_read_retries);
  EXPECT_EQ(st.max_codeword_errors, f.ecc_correctable_bits + 5);
  EXPECT_NEAR(double(r.done_ps), (f.max_read_retries + 1) * (t.c + t.tr + t.s + t.x + t.dec), 1.0);
  EXPECT_EQ(m.counters().uncorrectable_pages, 1u);
  EXPECT_EQ(m.counters().corrected_bits, 0u);
}

// Fault injection (issue 15): a stuck-busy die delays the completion of reads
// on that die issued from its start time; other dies and earlier reads keep
// their normal timing.
TEST(FlashReliability, StuckDieDelaysOnlyItsReadsFromItsStartTime) {
  const FlashConfig f = cfg_from(base_yaml(/*dies=*/2));
  const uint64_t kDelay = 1'000'000'000'000ull;  // 1 s
  ChannelModel clean(f, 0);
  const uint64_t normal = clean.execute(rd(pa(1, 0, 0, 0))).done_ps;
  {
    ChannelModel m(f, 0);
    m.add_stuck_die(1, 0, kDelay);
    EXPECT_EQ(m.execute(rd(pa(1, 0, 0, 0))).done_ps, normal + kDelay);
    EXPECT_EQ(m.counters().stuck_reads, 1u);
    const uint64_t other = m.execute(rd(pa(0, 0, 1, 0))).done_ps;
    EXPECT_LT(other, kDelay) << "die 0 is not stuck";
    EXPECT_EQ(m.counters().stuck_reads, 1u);
    pnm::Stats s;
    m.report(s, "f");
    EXPECT_EQ(s.value("f.faults.stuck_die_reads"), 1.0);
  }
  {
    ChannelModel m(f, 0);
    m.add_stuck_die(1, /*from_ps=*/5'000'000, kDelay);
    EXPECT_EQ(m.execute(rd(pa(1, 0, 0, 0))).done_ps, normal) << "issued before the fault starts";
    OpRequest late = rd(pa(1, 0, 0, 1));
    late.issue_ps = 5'000'000;
    EXPECT_GE(m.execute(late).done_ps, 5'000'000 + kDelay);
    EXPECT_EQ(m.counters().stuck_reads, 1u);
  }
  pnm::Stats s;
  clean.report(s, "f");
  EXPECT_FALSE(s.has("f.faults.stuck_die_reads")) << "no fault, no stat";
}

TEST(FlashReliability, DrawnErrorsMatchRberStatistically) {
  const uint64_t seed = flash_test::test_seed();
  FlashConfig f = cfg_from(base_yaml());
  f.seed = seed;
  f.rber_base = 2e-4;  // lambda = 2e-4 * 8192 bits = 1.6 per codeword
  f.ecc_correctable_bits = 1000;
  ChannelModel m(f, 0);
  const int n = 2000;
  for (int k = 0; k < n; ++k) m.execute(rd(pa(0, 0, k / 64 % 16, k % 64)));
  const double lambda = f.rber_base * f.ecc_codeword_bytes * 8;
  const double cws = double(m.counters().codewords_decoded);
  const double mean = double(m.counters().corrected_bits) / cws;
  report("mean bit errors per codeword", lambda, mean);
  EXPECT_EQ(cws, double(n) * f.codewords_per_page());
  EXPECT_NEAR(mean, lambda, 5 * std::sqrt(lambda / cws));  // 5 sigma
}

// The exponential-clock draws (lambda <= kSparseErrorsUpTo, every page read
// of a working device) against Poisson(lambda) per codeword, from the
// page counts: their mean (codewords x lambda), the share of pages without
// errors (exp(-mean)) and their variance (= the mean).
TEST(FlashReliability, SparseErrorDrawsArePoisson) {
  const uint64_t seed = flash_test::test_seed();
  int pages_read = 0;
  for (const double lambda : {0.01, 0.3, kSparseErrorsUpTo}) {
    FlashConfig f = cfg_from(base_yaml());
    f.seed = seed;
    f.rber_base = lambda / (f.ecc_codeword_bytes * 8.0);
    f.rber_pe_coeff = 0;
    f.rber_read_disturb_per_read = 0;
    f.rber_retention_per_hour = 0;
    f.ecc_correctable_bits = 1000;
    ChannelModel m(f, 0);
    const int n = 20000;
    double sum = 0, sum2 = 0, clean = 0;
    for (int k = 0; k < n; ++k) {
      PageStatus st;
      ASSERT_EQ(m.execute(rd(pa(0, 0, k / 64 % 16, k % 64)), &st).status, FlashStatus::Ok);
      const double e = st.corrected_bits;
      sum += e;
      sum2 += e * e;
      clean += e == 0;
      ++pages_read;
    }
    const double mu = lambda * f.codewords_per_page();
    const double mean = sum / n, var = sum2 / n - mean * mean, p0 = std::exp(-mu);
    std::printf("[ lambda   ] %.2f per codeword: page mean %.4f (Poisson %.4f), variance %.4f, clean %.4f (%.4f)\n",
                lambda, mean, mu, var, clean / n, p0);
    EXPECT_NEAR(mean, mu, 5 * std::sqrt(mu / n)) << "lambda " << lambda;
    EXPECT_NEAR(clean / n, p0, 5 * std::sqrt(p0 * (1 - p0) / n)) << "lambda " << lambda;
    // A Poisson count's sample variance has variance about (mu + 2 mu^2) / n.
    EXPECT_NEAR(var, mu, 5 * std::sqrt((mu + 2 * mu * mu) / n)) << "lambda " << lambda;
  }
  EXPECT_EQ(pages_read, 3 * 20000);
}

TEST(FlashReliability, RetriesRescueMarginalPages) {
  const uint64_t seed = flash_test::test_seed();
  FlashConfig f = cfg_from(base_yaml());
  f.seed = seed;
  f.rber_base = 1e-3;  // lambda 8.2 per codeword against t = 8: frequent failures
  f.max_read_retries = 6;
  f.retry_rber_factor = 0.3;
  ChannelModel m(f, 0);
  for (int k = 0; k < 500; ++k) m.execute(rd(pa(0, 0, k / 64 % 16, k % 64)));
  EXPECT_GT(m.counters().retried_pages, 100u);
  EXPECT_LT(m.counters().uncorrectable_pages, 5u);
  FlashConfig g = f;
  g.max_read_retries = 0;
  ChannelModel none(g, 0);
  for (int k = 0; k < 500; ++k) none.execute(rd(pa(0, 0, k / 64 % 16, k % 64)));
  EXPECT_GT(none.counters().uncorrectable_pages, 100u);
}

std::string workload_stats(uint64_t seed) {
  FlashConfig f = cfg_from(base_yaml(2, 2) + "  storage: {preprogrammed: false}\n");
  f.seed = seed;
  f.rber_base = 5e-4;
  f.rber_read_disturb_per_read = 1e-6;
  ChannelModel m(f, 0);
  SplitMix64 g(1234);  // the workload is fixed; only the error seed varies
  uint64_t now = 0;
  for (int k = 0; k < 3000; ++k) {
    OpRequest r = rd(pa(uint32_t(g.next() % 2), uint32_t(g.next() % 2), uint32_t(g.next() % 4),
                        uint32_t(g.next() % 64)));
    const uint64_t kind = g.next() % 10;
    r.op = kind < 7 ? FlashOp::Read : kind < 9 ? FlashOp::Program : FlashOp::Erase;
    r.issue_ps = now;
    now = m.execute(r).done_ps;
  }
  pnm::Stats s;
  m.report(s, "flash.ch0");
  return s.dump();
}

TEST(FlashDeterminism, SameSeedGivesByteIdenticalStats) {
  const uint64_t seed = flash_test::test_seed();
  const std::string a = workload_stats(seed), b = workload_stats(seed);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, workload_stats(seed + 1));  // the seed does matter
  EXPECT_NE(a.find("corrected_bits"), std::string::npos);
}

TEST(FlashModelBadInput, OutOfRangeAndMalformedRequests) {
  const FlashConfig f = cfg_from(base_yaml(1, 2));
  ChannelModel m(f, 0);
  EXPECT_EQ(m.execute(rd(pa(1, 0, 0, 0))).status, FlashStatus::AddressError);   // die
  EXPECT_EQ(m.execute(rd(pa(0, 2, 0, 0))).status, FlashStatus::AddressError);   // plane
  EXPECT_EQ(m.execute(rd(pa(0, 0, 16, 0))).status, FlashStatus::AddressError);  // block
  EXPECT_EQ(m.execute(rd(pa(0, 0, 0, 64))).status, FlashStatus::AddressError);  // page
  EXPECT_EQ(m.execute(rd(pa(0, 1, 0, 0), 2)).status, FlashStatus::AddressError);  // planes
  EXPECT_EQ(m.execute(rd(pa(0, 0, 0, 0), 0)).status, FlashStatus::AddressError);
  EXPECT_EQ(m.execute(rd(pa(0, 0, 0, 0), 1, FlashOp::Read, 0)).status, FlashStatus::BadRequest);
  EXPECT_EQ(m.execute(rd(pa(0, 0, 0, 0), 1, FlashOp::Read, 5000)).status, FlashStatus::BadRequest);
  EXPECT_EQ(m.execute(rd(pa(0, 0, 0, 0), 1, FlashOp::Program, 100)).status, FlashStatus::BadRequest);
  EXPECT_EQ(m.execute(rd(pa(0, 0, 0, 0), 1, FlashOp::Auto)).status, FlashStatus::BadRequest);
  EXPECT_EQ(m.counters().address_errors, 6u);
  EXPECT_EQ(m.counters().bad_requests, 4u);
  EXPECT_EQ(m.counters().last_done_ps, 0u);  // none took time
}

TEST(FlashAddress, EncodeDecodeRoundTrip) {
  const FlashConfig f = cfg_from(base_yaml(4, 2));
  const AddressMap map(f);
  SplitMix64 g(flash_test::test_seed());
  for (int i = 0; i < 10000; ++i) {
    const uint64_t addr = g.next() % map.bytes();
    EXPECT_EQ(map.encode(map.decode(addr)), addr);
  }
  // Consecutive pages: planes first, then dies.
  EXPECT_EQ(map.decode(4096).plane, 1u);
  EXPECT_EQ(map.decode(2 * 4096).die, 1u);
  EXPECT_EQ(map.decode(uint64_t(8) * 4096).page, 1u);
  EXPECT_EQ(map.decode(uint64_t(8) * 4096 * 64).block, 1u);
}

TEST(FlashStorage, ModesBehaveAsDocumented) {
  std::vector<uint8_t> buf(4096, 0xAB), data(4096);
  for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i * 7);

  auto t = make_page_store(StorageMode::TimingOnly, 4096, 1, 0, 64);
  EXPECT_FALSE(t->read(5, 0, buf.data(), 4096));
  EXPECT_EQ(buf[0], 0xAB);  // untouched
  t->write(5, 0, data.data(), 4096);
  EXPECT_EQ(t->bytes_held(), 0u);

  auto s = make_page_store(StorageMode::Sparse, 4096, 1, 0, 64);
  s->read(5, 0, buf.data(), 4096);
  EXPECT_EQ(buf[100], 0xFF);  // erased
  s->write(5, 0, data.data(), 4096);
  s->read(5, 16, buf.data(), 100);
  EXPECT_TRUE(std::equal(buf.begin(), buf.begin() + 100, data.begin() + 16));
  EXPECT_EQ(s->bytes_held(), 4096u);
  s->erase(0, 64);
  EXPECT_EQ(s->bytes_held(), 0u);

  auto y = make_page_store(StorageMode::Synthetic, 4096, 77, 3, 64);
  y->read(1234567, 0, buf.data(), 4096);
  for (uint32_t i = 0; i < 4096; i += 97) EXPECT_EQ(buf[i], synthetic_byte(77, 3, 1234567, i));
  std::vector<uint8_t> part(10);
  y->read(1234567, 1001, part.data(), 10);  // unaligned slice agrees
  EXPECT_TRUE(std::equal(part.begin(), part.end(), buf.begin() + 1001));
  auto y2 = make_page_store(StorageMode::Synthetic, 4096, 78, 3, 64);
  y2->read(1234567, 0, part.data(), 10);
  EXPECT_FALSE(std::equal(part.begin(), part.end(), buf.begin()));  // seed matters
  EXPECT_EQ(y->bytes_held(), 0u);
  y->erase(1234560 / 64 * 64, 64);
  y->read(1234567, 0, buf.data(), 16);
  EXPECT_EQ(buf[3], 0xFF);
  y->write(1234567, 0, data.data(), 4096);
  y->read(1234567, 0, buf.data(), 4096);
  EXPECT_EQ(buf, data);
}

TEST(FlashStorage, SeventyGigabyteImageNeedsNoHostMemory) {
  // hbf_gen1 holds 512 GiB; read one page in every 2^20 across all of it.
  const FlashConfig f = load_config(preset_path("hbf_gen1"));
  ASSERT_GE(f.bytes_total(), uint64_t(70) << 30);
  auto y = make_page_store(StorageMode::Synthetic, f.page_size_bytes, f.seed, 0, f.pages_per_block);
  ChannelModel m(f, 0);
  std::vector<uint8_t> buf(f.page_size_bytes);
  const AddressMap map(f);
  for (uint64_t addr = 0; addr < f.bytes_per_channel(); addr += uint64_t(f.page_size_bytes) << 10) {
    const PageAddr a = map.decode(addr);
    y->read(map.ppn(a), 0, buf.data(), f.page_size_bytes);
    m.execute(rd(a));
  }
  EXPECT_EQ(y->bytes_held(), 0u);
  EXPECT_GT(m.counters().read_pages, 1000u);
}

}  // namespace
