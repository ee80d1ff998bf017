// Collective timings and energy against closed forms written out here (not
// through the model's own step loop), routes of each topology, and the
// config's bad inputs.
#include <gtest/gtest.h>

#include <cmath>

#include "tlm/common/config.hpp"
#include "tlm/interchip/collective.hpp"

namespace pnm::interchip {
namespace {

constexpr uint64_t kAlpha = 700'000;  // ps
constexpr uint64_t kSigma = 250'000;  // ps
constexpr double kBw = 50.0;          // GB/s
constexpr double kPj = 2.0;

InterchipConfig cfg(unsigned n, TopologyKind t, unsigned tx = 0, unsigned ty = 0) {
  InterchipConfig c;
  c.chips = c.tp = n;
  c.topology = t;
  c.torus_x = tx;
  c.torus_y = ty;
  c.link.latency_ps = kAlpha;
  c.link.bw_gbps = kBw;
  c.link.switch_latency_ps = kSigma;
  c.link.energy_pj_per_bit = kPj;
  return c;
}

// bytes at 50 GB/s = 50 bytes per ns: ps = bytes * 20, exactly.
uint64_t ser(uint64_t bytes) { return bytes * 20; }

TEST(Collective, RingAllReduceOnRingIs2NMinus1StepsOfOneNth) {
  for (unsigned n : {2u, 3u, 4u, 8u, 16u}) {
    const InterchipConfig c = cfg(n, TopologyKind::Ring);
    const uint64_t S = 65536;
    const uint64_t seg = (S + n - 1) / n;
    const CollectiveCost got = all_reduce(Topology(c), c.link, Algorithm::Ring, S);
    EXPECT_EQ(got.time_ps, 2 * (n - 1) * (kAlpha + ser(seg))) << n;
    EXPECT_EQ(got.steps, 2 * (n - 1));
    EXPECT_EQ(got.latency_ps, 2 * (n - 1) * kAlpha);
    EXPECT_EQ(got.link_bytes, 2ull * (n - 1) * n * seg);
    EXPECT_DOUBLE_EQ(got.energy_pj, double(2ull * (n - 1) * n * seg) * 8 * kPj);
  }
}

TEST(Collective, RingAllReduceThroughASwitchPaysTwoLinksAndTheSwitchPerStep) {
  const unsigned n = 8;
  const InterchipConfig c = cfg(n, TopologyKind::Switch);
  const CollectiveCost got = all_reduce(Topology(c), c.link, Algorithm::Ring, 8000);
  EXPECT_EQ(got.time_ps, 2 * (n - 1) * (2 * kAlpha + kSigma + ser(1000)));
}

TEST(Collective, RingAllGatherIsNMinus1Steps) {
  for (unsigned n : {2u, 4u, 5u}) {
    const InterchipConfig c = cfg(n, TopologyKind::Ring);
    const CollectiveCost got = all_gather(Topology(c), c.link, Algorithm::Ring, 1234);
    EXPECT_EQ(got.time_ps, (n - 1) * (kAlpha + ser(1234))) << n;
    EXPECT_EQ(got.link_bytes, uint64_t{n} * (n - 1) * 1234);
  }
}

TEST(Collective, TreeAllReduceOnSwitchIs2Log2NStepsOfTheWholeVector) {
  for (unsigned n : {2u, 4u, 8u, 5u}) {
    const InterchipConfig c = cfg(n, TopologyKind::Switch);
    const unsigned levels = unsigned(std::ceil(std::log2(double(n))));
    const CollectiveCost got = all_reduce(Topology(c), c.link, Algorithm::Tree, 4096);
    EXPECT_EQ(got.time_ps, 2 * levels * (2 * kAlpha + kSigma + ser(4096))) << n;
  }
}

TEST(Collective, TreeAllReduceOnARingWalksDistance2ToTheK) {
  // N = 8: reduce over distances 1, 2, 4 (hops), then broadcast back; the
  // messages of one step use disjoint links.
  const InterchipConfig c = cfg(8, TopologyKind::Ring);
  const CollectiveCost got = all_reduce(Topology(c), c.link, Algorithm::Tree, 1000);
  uint64_t want = 0;
  for (uint64_t d : {1, 2, 4}) want += 2 * (d * kAlpha + ser(1000));
  EXPECT_EQ(got.time_ps, want);
}

TEST(Collective, BruckAllGatherOnSwitchDoublesTheSegmentsEachStep) {
  const unsigned n = 6;  // steps send 1, 2, then min(4, 2) = 2 segments
  const InterchipConfig c = cfg(n, TopologyKind::Switch);
  const CollectiveCost got = all_gather(Topology(c), c.link, Algorithm::Tree, 100);
  const uint64_t step = 2 * kAlpha + kSigma;
  EXPECT_EQ(got.time_ps, 3 * step + ser(100) + ser(200) + ser(200));
}

TEST(Collective, InNetworkReductionIsOnePassThroughTheSwitch) {
  const unsigned n = 16;
  const InterchipConfig c = cfg(n, TopologyKind::Switch);
  const Topology t(c);
  EXPECT_EQ(all_reduce(t, c.link, Algorithm::InNetwork, 32768).time_ps, 2 * kAlpha + kSigma + ser(32768));
  EXPECT_EQ(all_reduce(t, c.link, Algorithm::InNetwork, 32768).latency_ps, 2 * kAlpha + kSigma);
  // all-gather: the down link carries the other 15 segments
  EXPECT_EQ(all_gather(t, c.link, Algorithm::InNetwork, 512).time_ps, 2 * kAlpha + kSigma + ser(15 * 512));
  // every link of the ring algorithm's 2(N-1) steps vs one pass: the latency term is what it saves
  EXPECT_LT(all_reduce(t, c.link, Algorithm::InNetwork, 32768).time_ps,
            all_reduce(t, c.link, Algorithm::Ring, 32768).time_ps);
}

TEST(Collective, OneChipCostsNothing) {
  const InterchipConfig c = cfg(1, TopologyKind::Ring);
  EXPECT_EQ(all_reduce(Topology(c), c.link, Algorithm::Ring, 1 << 20).time_ps, 0u);
  EXPECT_EQ(all_gather(Topology(c), c.link, Algorithm::Tree, 1 << 20).time_ps, 0u);
}

TEST(Collective, MessagesSharingALinkSplitItsBandwidth) {
  const InterchipConfig c = cfg(4, TopologyKind::Ring);
  const Topology t(c);
  CollectiveCost cost;
  // 0 -> 2 and 1 -> 2 both cross link 1 -> 2 (+ direction)
  add_step(t, c.link, {{0, 2, 1000}, {1, 2, 1000}}, cost);
  EXPECT_EQ(cost.time_ps, 2 * kAlpha + ser(2000));
}

TEST(Topology, RoutesTakeTheShorterWayAndDimensionOrder) {
  const InterchipConfig r = cfg(8, TopologyKind::Ring);
  EXPECT_EQ(Topology(r).route(0, 3).links.size(), 3u);
  EXPECT_EQ(Topology(r).route(0, 6).links.size(), 2u);  // backwards
  EXPECT_EQ(Topology(r).route(5, 5).links.size(), 0u);
  const InterchipConfig t = cfg(16, TopologyKind::Torus2D, 4, 4);
  EXPECT_EQ(Topology(t).route(0, 10).links.size(), 4u);  // (0,0) -> (2,2)
  EXPECT_EQ(Topology(t).route(0, 3).links.size(), 1u);   // x wraps
  EXPECT_EQ(Topology(t).route(0, 15).links.size(), 2u);  // both wrap
  const InterchipConfig s = cfg(8, TopologyKind::Switch);
  const Route sw = Topology(s).route(2, 7);
  EXPECT_EQ(sw.links.size(), 2u);
  EXPECT_EQ(sw.switches, 1u);
}

std::string load_error(const std::string& yaml) {
  try {
    load_interchip_config(ConfigReader::from_string("interchip: {" + yaml + "}", "test.yaml", "interchip", "interchip"));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(InterchipConfig, BadInputNamesTheKey) {
  EXPECT_EQ(load_error("chips: 4, topology: switch, algorithm: in_network, link: {latency_ns: 100, bw_gbps: 10}"), "");
  EXPECT_NE(load_error("chips: 4, tp: 2").find("tp"), std::string::npos);
  EXPECT_NE(load_error("chips: 65").find("chips"), std::string::npos);
  EXPECT_NE(load_error("chips: 17, topology: torus2d, torus_x: 4, torus_y: 4").find("chips"), std::string::npos);
  EXPECT_NE(load_error("chips: 9, topology: switch, switch_ports: 8").find("chips"), std::string::npos);
  EXPECT_NE(load_error("chips: 4, algorithm: in_network").find("algorithm"), std::string::npos);
  EXPECT_NE(load_error("link: {latency_ns: 0}").find("latency"), std::string::npos);
  EXPECT_NE(load_error("link: {bw_gbps: 0}").find("bw_gbps"), std::string::npos);
  EXPECT_NE(load_error("link: {bandwidth: 3}").find("bandwidth"), std::string::npos);
  EXPECT_NE(load_error("pp: 2").find("pp"), std::string::npos);
}

TEST(InterchipConfig, PipelineStagesTimesTensorRanksAreTheChips) {
  EXPECT_EQ(load_error("chips: 8, pp: 2"), "");
  EXPECT_EQ(load_error("chips: 16, tp: 8, pp: 2"), "");
  EXPECT_EQ(load_error("chips: 4, pp: 4"), "");
  const auto c = load_interchip_config(
      ConfigReader::from_string("interchip: {chips: 8, pp: 2}", "test.yaml", "interchip", "interchip"));
  EXPECT_EQ(c.tp, 4u);  // default chips / pp
  EXPECT_EQ(c.stage_of(5), 1u);
  EXPECT_EQ(c.tp_rank_of(5), 1u);
  EXPECT_EQ(c.chip_of(1, 3), 7u);
  const std::string zero = load_error("chips: 2, pp: 0");
  EXPECT_NE(zero.find("pp"), std::string::npos) << zero;
  EXPECT_NE(zero.find("test.yaml"), std::string::npos) << zero;
  const std::string above = load_error("chips: 2, pp: 4");
  EXPECT_NE(above.find("pp: = 4 is above chips = 2"), std::string::npos) << above;
  const std::string product = load_error("chips: 8, tp: 2, pp: 2");
  EXPECT_NE(product.find("tp: = 2 with pp = 2 gives 4 chips, but chips = 8"), std::string::npos) << product;
  const std::string divide = load_error("chips: 6, pp: 4");
  EXPECT_NE(divide.find("pp: = 4 does not divide chips = 6"), std::string::npos) << divide;
}

TEST(InterchipConfig, PipelineSplitMustDivideTheLayers) {
  EXPECT_NO_THROW(check_pipeline_split("x.yaml", 4, 80));
  EXPECT_NO_THROW(check_pipeline_split("x.yaml", 1, 7));
  try {
    check_pipeline_split("x.yaml", 3, 80);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("x.yaml: chip.interchip.pp = 3: split does not divide layers"),
              std::string::npos)
        << e.what();
  }
}

TEST(Collective, SendRecvIsLatencyTimesHopsPlusBytesOverBandwidth) {
  const InterchipConfig r = cfg(8, TopologyKind::Ring);
  const CollectiveCost c = send_recv(Topology(r), r.link, 1, 4, 4096);  // 3 hops forward
  EXPECT_EQ(c.time_ps, 3 * kAlpha + ser(4096));
  EXPECT_EQ(c.latency_ps, 3 * kAlpha);
  EXPECT_EQ(c.steps, 1u);
  EXPECT_EQ(c.link_bytes, 3u * 4096);
  EXPECT_DOUBLE_EQ(c.energy_pj, 3.0 * 4096 * 8 * kPj);
  const InterchipConfig s = cfg(8, TopologyKind::Switch);
  EXPECT_EQ(send_recv(Topology(s), s.link, 6, 2, 1000).time_ps, 2 * kAlpha + kSigma + ser(1000));
}

TEST(Collective, AllGatherWithinASubgroupRoutesBetweenItsChips) {
  // Chips {2, 3} of a ring of 8: one step, each message one hop on its own link.
  const InterchipConfig r = cfg(8, TopologyKind::Ring);
  const CollectiveCost pair = all_gather(Topology(r), r.link, Algorithm::Ring, 500, {2, 3});
  EXPECT_EQ(pair.time_ps, kAlpha + ser(500));
  EXPECT_EQ(pair.link_bytes, 2u * 500);
  // Chips {0, 4} of the ring: 4 hops each way.
  const CollectiveCost far = all_gather(Topology(r), r.link, Algorithm::Ring, 500, {0, 4});
  EXPECT_EQ(far.time_ps, 4 * kAlpha + ser(500));
  // Every chip as the group is the whole-system all-gather.
  const std::vector<unsigned> all = {0, 1, 2, 3, 4, 5, 6, 7};
  EXPECT_EQ(all_gather(Topology(r), r.link, Algorithm::Tree, 300, all).time_ps,
            all_gather(Topology(r), r.link, Algorithm::Tree, 300).time_ps);
  // In-network through the switch, 4 of 8 chips: the down link carries 3 segments.
  const InterchipConfig s = cfg(8, TopologyKind::Switch);
  EXPECT_EQ(all_gather(Topology(s), s.link, Algorithm::InNetwork, 100, {4, 5, 6, 7}).time_ps,
            2 * kAlpha + kSigma + ser(300));
}

TEST(InterchipConfig, SplitMustDivideHeadsAndLeaveEveryRankRows) {
  EXPECT_NO_THROW(check_tensor_split("x.yaml", 4, 4, 32, 172, 256));
  EXPECT_THROW(check_tensor_split("x.yaml", 3, 4, 32, 172, 256), ConfigError);
  EXPECT_THROW(check_tensor_split("x.yaml", 8, 8, 4, 172, 256), ConfigError);
}

}  // namespace
}  // namespace pnm::interchip
