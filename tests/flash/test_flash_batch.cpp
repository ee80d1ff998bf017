// ChannelModel::read_batch (the stream mode's fluid batch read) against page
// reads of the same pages and against the closed form, its refusals, bulk
// wear, the prefix it books at a readiness break or a bus gap; and TimeRuns, the runs of
// evenly spaced times it and the PNM unit use. Expected values are computed
// here, from the config and from the page-level model.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "tests/flash/flash_test_util.hpp"
#include "tlm/common/fast_div.hpp"
#include "tlm/common/min_queue.hpp"
#include "tlm/common/time_runs.hpp"
#include "tlm/flash/flash_channel_model.hpp"

namespace {

using namespace pnm::flash;
using flash_test::base_yaml;
using flash_test::cfg_from;

FlashConfig indep_cfg(int planes, const std::string& reliability = "") {
  std::string y = base_yaml(1, planes, reliability);
  const std::string key = "    t_cache_copy_ns: 1000\n";
  y.replace(y.find(key), key.size(), key + "    independent_plane_reads: true\n");
  return cfg_from(y);
}

PageAddr at_plane(uint32_t plane, uint32_t page = 0) {
  PageAddr a;
  a.plane = plane;
  a.page = page;
  return a;
}

TEST(FlashBatch, IdleBatchEqualsPageReadsAndTheClosedForm) {
  const FlashConfig f = indep_cfg(4);
  ChannelModel batch(f, 0), pages(f, 0);
  ChannelModel::Batch b;
  b.issue_first = b.issue_last = 1000;
  ASSERT_TRUE(batch.read_batch(at_plane(0), 4, 4096, b));
  EXPECT_EQ(b.booked, 4u);
  uint64_t first = 0, last = 0;
  for (uint32_t p = 0; p < 4; ++p) {
    OpRequest r;
    r.addr = at_plane(p);
    r.bytes = 4096;
    r.issue_ps = 1000;
    const uint64_t d = pages.execute(r).done_ps;
    (p == 0 ? first : last) = d;
  }
  // Closed form (cmd on the data bus, so each data-out is preceded by a
  // command slot c): the first data-out starts at issue + c + tR + c, then
  // one page every x + c.
  const uint64_t c = f.t_cmd_addr_ps, tr = f.t_read_ps, x = f.xfer_ps(4096), dec = f.t_ecc_decode_ps;
  const uint64_t want_first = 1000 + c + tr + c + x + dec;
  const uint64_t want_last = want_first + 3 * (x + c);
  std::printf("batch first %llu last %llu; page reads %llu %llu; formula %llu %llu ps\n",
              (unsigned long long)b.done_first, (unsigned long long)b.done_last,
              (unsigned long long)first, (unsigned long long)last, (unsigned long long)want_first,
              (unsigned long long)want_last);
  EXPECT_EQ(b.done_first, want_first);
  EXPECT_EQ(b.done_last, want_last);
  EXPECT_EQ(first, want_first);
  EXPECT_EQ(last, want_last);
  // The same counters as the page reads, ECC decode counted by codeword.
  const auto& nb = batch.counters();
  const auto& np = pages.counters();
  EXPECT_EQ(nb.read_pages, np.read_pages);
  EXPECT_EQ(nb.read_bytes, np.read_bytes);
  EXPECT_EQ(nb.array_reads, np.array_reads);
  EXPECT_EQ(nb.array_busy_ps, np.array_busy_ps);
  EXPECT_EQ(nb.bus_busy_ps, np.bus_busy_ps);
  EXPECT_EQ(nb.codewords_decoded, 4u * 4096 / f.ecc_codeword_bytes);
  EXPECT_DOUBLE_EQ(nb.energy_read_pj + nb.energy_transfer_pj, np.energy_read_pj + np.energy_transfer_pj);
}

TEST(FlashBatch, WearIsBookedPerBlock) {
  const FlashConfig f = indep_cfg(4);
  ChannelModel m(f, 0);
  uint64_t t = 0;
  for (uint32_t page = 0; page < 5; ++page) {  // 5 batches over planes 1..3 of block 0
    ChannelModel::Batch b;
    b.issue_first = b.issue_last = t;
    ASSERT_TRUE(m.read_batch(at_plane(1, page), 3, 4096, b));
    t = b.done_last;
  }
  EXPECT_EQ(m.wear(at_plane(0)).reads_since_erase, 0u);
  for (uint32_t p = 1; p < 4; ++p) EXPECT_EQ(m.wear(at_plane(p)).reads_since_erase, 5u) << "plane " << p;
  EXPECT_EQ(m.counters().max_reads_since_erase, 5u);
  EXPECT_EQ(m.counters().read_pages, 15u);
}

TEST(FlashBatch, RefusedWhenPagesNeedPerPageModelling) {
  // Fault hook set.
  {
    ChannelModel m(indep_cfg(4), 0);
    m.set_fault_hook([](const FaultSite&) { return std::optional<uint32_t>{}; });
    ChannelModel::Batch b;
    EXPECT_FALSE(m.read_batch(at_plane(0), 4, 4096, b));
    EXPECT_EQ(m.counters().read_pages, 0u);
  }
  // A stuck die.
  {
    ChannelModel m(indep_cfg(4), 0);
    m.add_stuck_die(0, 0, 1000);
    ChannelModel::Batch b;
    EXPECT_FALSE(m.read_batch(at_plane(0), 4, 4096, b));
  }
  // RBER high enough that a retry is likely: 1e-3 x 8192 bits = 8.2 errors
  // per codeword against t = 8.
  {
    ChannelModel m(indep_cfg(4, "  reliability:\n    rber_base: 1.0e-3\n"), 0);
    ChannelModel::Batch b;
    EXPECT_FALSE(m.read_batch(at_plane(0), 4, 4096, b));
    EXPECT_EQ(m.counters().read_pages, 0u);
  }
  // But a low one is booked: 1e-6 x 8192 = 0.008 errors per codeword.
  {
    ChannelModel m(indep_cfg(4, "  reliability:\n    rber_base: 1.0e-6\n"), 0);
    ChannelModel::Batch b;
    EXPECT_TRUE(m.read_batch(at_plane(0), 4, 4096, b));
  }
  // After an erase a page may be unprogrammed.
  {
    ChannelModel m(indep_cfg(4), 0);
    OpRequest e;
    e.op = FlashOp::Erase;
    e.addr = at_plane(0);
    ASSERT_EQ(m.execute(e).status, FlashStatus::Ok);
    ChannelModel::Batch b;
    EXPECT_FALSE(m.read_batch(at_plane(1), 2, 4096, b));
  }
}

TEST(FlashBatch, BooksOnlyThePrefixBeforeAReadinessBreak) {
  const FlashConfig f = indep_cfg(4);
  ChannelModel m(f, 0);
  // Planes 0 and 1 read at time 0: busy until their data-outs end. Planes 2
  // and 3 idle. A batch over all four issued at 0 books planes 0..1 only;
  // the idle planes, off the line, are left for the next call.
  uint64_t plane0_done = 0;
  for (uint32_t p = 0; p < 2; ++p) {
    OpRequest r;
    r.addr = at_plane(p);
    r.bytes = 4096;
    const OpResult res = m.execute(r);
    ASSERT_EQ(res.status, FlashStatus::Ok);
    if (p == 0) plane0_done = res.done_ps;
  }
  ChannelModel::Batch b;
  ASSERT_TRUE(m.read_batch(at_plane(0, 1), 4, 4096, b));
  EXPECT_EQ(b.booked, 2u);
  ChannelModel::Batch rest;
  ASSERT_TRUE(m.read_batch(at_plane(2, 1), 2, 4096, rest));
  EXPECT_EQ(rest.booked, 2u);
  // Plane 0's second read starts after its first data-out (done - decode);
  // the idle planes' reads start at once.
  const uint64_t c = f.t_cmd_addr_ps, tr = f.t_read_ps, x = f.xfer_ps(4096), dec = f.t_ecc_decode_ps;
  EXPECT_GE(b.done_first, plane0_done - dec + c + tr + c + x + dec);
  EXPECT_GE(rest.done_first, c + tr + c + x + dec);
  EXPECT_GT(rest.done_last, rest.done_first);
}

TEST(FlashBatch, LongerThanARoundWhileTheBusBinds) {
  // 8 planes: a plane reads a page every c + tR + c + x = 30.64 us, the bus
  // moves one every x + c = 10.44 us, so 8 planes outrun the bus.
  const FlashConfig f = indep_cfg(8);
  const uint64_t c = f.t_cmd_addr_ps, x = f.xfer_ps(4096);
  ChannelModel m(f, 0);
  ChannelModel::Batch b;
  ASSERT_TRUE(m.read_batch(at_plane(0), 20, 4096, b));
  EXPECT_EQ(b.booked, 20u);
  EXPECT_EQ(b.done_last - b.done_first, 19 * (x + c));  // back to back on the bus
  // 20 pages over 8 planes of block 0: rounds of 8, 8 and 4.
  for (uint32_t p = 0; p < 8; ++p)
    EXPECT_EQ(m.wear(at_plane(p)).reads_since_erase, p < 4 ? 3u : 2u) << "plane " << p;
  EXPECT_EQ(m.counters().read_pages, 20u);
}

TEST(FlashBatch, StopsAtTheRoundEndWhenThePlanesBind) {
  // 2 planes: a round of 2 pages takes a plane cycle (30.64 us) but only
  // 2 x 10.44 us of bus, so pages come a round at a time: book one round.
  ChannelModel m(indep_cfg(2), 0);
  ChannelModel::Batch b;
  ASSERT_TRUE(m.read_batch(at_plane(0), 6, 4096, b));
  EXPECT_EQ(b.booked, 2u);
}

TEST(FlashBatch, BooksThePagesThatFitABusGapAsPageReadsWould) {
  // A fast bus (x = 1.28 us, c = 0.2 us, tR = 20 us), 8 planes. Plane 7's
  // read, issued first, puts its data-out at D0 = tR + 2.5x + 5c: the gap
  // before it holds the data-outs of two pages of a batch issued at 0 (from
  // A = tR + 2c, one every x + c), not four. Page reads fill the gap with
  // pages 0 and 1 and put 2 and 3 after D0; the batch must do the same: book
  // pages 0..1 (the prefix that fits), then 2..3 on the next call, each with
  // the page reads' completions.
  std::string y = base_yaml(1, 8);
  const std::string rate = "io_rate_mts: 400";
  y.replace(y.find(rate), rate.size(), "io_rate_mts: 3200");
  const std::string key = "    t_cache_copy_ns: 1000\n";
  y.replace(y.find(key), key.size(), key + "    independent_plane_reads: true\n");
  const FlashConfig f = cfg_from(y);
  const uint64_t c = f.t_cmd_addr_ps, x = f.xfer_ps(4096);
  ASSERT_EQ(x, 1'280'000u);
  ChannelModel batch(f, 0), pages(f, 0);
  const auto read = [&](ChannelModel& m, uint32_t plane, uint64_t issue) {
    OpRequest r;
    r.addr = at_plane(plane);
    r.bytes = 4096;
    r.issue_ps = issue;
    const OpResult res = m.execute(r);
    EXPECT_EQ(res.status, FlashStatus::Ok);
    return res.done_ps;
  };
  const uint64_t blocker = 2 * x + x / 2 + 3 * c;
  const uint64_t d0 = read(batch, 7, blocker);
  EXPECT_EQ(read(pages, 7, blocker), d0);
  EXPECT_EQ(d0, f.t_read_ps + 2 * x + x / 2 + 5 * c + x + f.t_ecc_decode_ps);  // its data-out at D0
  std::vector<uint64_t> want;
  for (uint32_t p = 0; p < 4; ++p) want.push_back(read(pages, p, 0));
  ASSERT_LT(want[1], d0);  // pages 0 and 1 in the gap, 2 and 3 after plane 7's
  ASSERT_GT(want[2], d0);

  ChannelModel::Batch b;
  ASSERT_TRUE(batch.read_batch(at_plane(0), 4, 4096, b));
  EXPECT_EQ(b.booked, 2u);
  EXPECT_EQ(b.done_first, want[0]);
  EXPECT_EQ(b.done_last, want[1]);
  ChannelModel::Batch rest;
  ASSERT_TRUE(batch.read_batch(at_plane(2), 2, 4096, rest));
  EXPECT_EQ(rest.booked, 2u);
  EXPECT_EQ(rest.done_first, want[2]);
  EXPECT_EQ(rest.done_last, want[3]);
  EXPECT_EQ(batch.counters().bus_busy_ps, pages.counters().bus_busy_ps);
}

TEST(TimeRuns, ValuesOnTheLineAndPops) {
  pnm::TimeRuns q;
  q.push(5, 100, 140);  // 100 110 120 130 140
  q.push(1, 7, 7);      // 7 (a run may go back in time)
  q.push(3, 200, 180);  // 200 190 180
  ASSERT_EQ(q.size(), 9u);
  const uint64_t want[] = {100, 110, 120, 130, 140, 7, 200, 190, 180};
  for (uint64_t i = 0; i < 9; ++i) EXPECT_EQ(q.at(i), want[i]) << i;
  q.pop(3);
  EXPECT_EQ(q.size(), 6u);
  EXPECT_EQ(q.front().n, 2u);
  EXPECT_EQ(q.at(0), 130u);
  EXPECT_EQ(q.at(1), 140u);
  q.pop(4);
  EXPECT_EQ(q.at(0), 190u);
  EXPECT_EQ(q.at(1), 180u);
  q.pop(2);
  EXPECT_TRUE(q.empty());
}

// The stream mode's divisions without a divide instruction must be exact:
// every simulated time depends on them. Compared with `/` around the points
// where their fast paths end (2^52, 2^53) and on a random spread.
TEST(FastDiv, EqualsIntegerDivision) {
  pnm::flash::SplitMix64 rng(42);
  std::vector<uint64_t> nums = {0, 1, 2, 3, 999, (1ull << 52) - 1, 1ull << 52, (1ull << 53) - 1,
                                1ull << 53, (1ull << 53) + 1, ~0ull};
  std::vector<uint64_t> dens = {1, 2, 3, 7, 63, 64, 127, 4096, 1000003, (1ull << 31) + 11, (1ull << 52) - 3};
  for (int i = 0; i < 20000; ++i) {
    const uint64_t r = rng.next();
    nums.push_back(r >> (r % 64));
    dens.push_back((rng.next() >> (rng.next() % 64)) | 1);
  }
  for (size_t i = 0; i < nums.size(); ++i) {
    const uint64_t n = nums[i], d = dens[i % dens.size()];
    ASSERT_EQ(pnm::div_floor(n, d), n / d) << n << " / " << d;
    ASSERT_EQ(pnm::Divisor(d).div(n), n / d) << n << " / " << d;
    ASSERT_EQ(pnm::mod_floor(n, d), n % d) << n << " % " << d;
    // Multiples and their neighbours, where a rounded quotient would tip over.
    const uint64_t q = (n >> 12) / d, k = q * d;
    for (uint64_t x : {k - (k > 0), k, k + 1}) {
      ASSERT_EQ(pnm::div_floor(x, d), x / d) << x << " / " << d;
      ASSERT_EQ(pnm::Divisor(d).div(x), x / d) << x << " / " << d;
    }
  }
}

// MinQueue against std::priority_queue<greater>: pushes mostly in order (a
// random walk upwards) with some out of order and ties, pops interleaved.
TEST(MinQueue, PopsWhatAPriorityQueuePops) {
  const uint64_t seed = flash_test::test_seed(20261201);
  pnm::flash::SplitMix64 rng(seed);
  pnm::MinQueue q;
  std::priority_queue<uint64_t, std::vector<uint64_t>, std::greater<uint64_t>> ref;
  uint64_t t = 1000, pops = 0, out_of_order = 0;
  for (int k = 0; k < 20000; ++k) {
    const uint64_t r = rng.next() % 100;
    if (r < 55 || ref.empty()) {
      uint64_t v = t + rng.next() % 50;
      if (r < 10) v = t > 400 ? t - rng.next() % 400 : t;  // out of order
      if (!ref.empty() && v < t) ++out_of_order;
      t = std::max(t, v);
      q.push(v);
      ref.push(v);
    } else {
      ASSERT_EQ(q.top(), ref.top()) << "step " << k;
      q.pop();
      ref.pop();
      ++pops;
    }
    ASSERT_EQ(q.size(), ref.size());
  }
  for (; !ref.empty(); ref.pop(), q.pop()) ASSERT_EQ(q.top(), ref.top());
  EXPECT_TRUE(q.empty());
  EXPECT_GT(pops, 5000u);
  EXPECT_GT(out_of_order, 500u);
}

TEST(TimeRuns, AtEquals128BitLine) {
  pnm::flash::SplitMix64 rng(7);
  for (int i = 0; i < 20000; ++i) {
    pnm::TimeRun r;
    r.n = 2 + rng.next() % 2000;
    r.first = rng.next() >> (rng.next() % 64);
    r.last = rng.next() >> (rng.next() % 64);
    const uint64_t k = rng.next() % r.n;
    const __int128 d = static_cast<__int128>(r.last) - static_cast<__int128>(r.first);
    const uint64_t want = static_cast<uint64_t>(static_cast<__int128>(r.first) +
                                                d * static_cast<__int128>(k) / static_cast<__int128>(r.n - 1));
    ASSERT_EQ(r.at(k), want) << r.n << " " << r.first << " " << r.last << " " << k;
  }
}

// poisson() decides most zero draws without exp(-lambda): the draws must be
// those of plain inversion with exp(-lambda) known.
TEST(Poisson, LazyExpGivesInversionDraws) {
  for (double lambda : {1e-12, 1e-6, 0.0082, 0.3, 1.0, 5.0, 40.0}) {
    pnm::flash::SplitMix64 a(3), b(3);
    double e = -1.0;
    for (int i = 0; i < 20000; ++i) {
      const uint32_t got = pnm::flash::poisson(a, lambda, e);
      const double u = b.uniform();
      double p = std::exp(-lambda), cdf = p;
      uint32_t k = 0;
      while (u > cdf && k < 1000) {
        ++k;
        p *= lambda / k;
        cdf += p;
      }
      ASSERT_EQ(got, k) << "lambda " << lambda << " draw " << i;
    }
  }
}

}  // namespace
