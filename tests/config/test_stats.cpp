// pnm::Stats: hierarchy, units, deterministic JSON.
#include <gtest/gtest.h>

#include <stdexcept>

#include "tlm/common/stats.hpp"

namespace {

TEST(Stats, NestsByPathWithUnits) {
  pnm::Stats s;
  s.set("a.b.reads", uint64_t(3), "pages");
  s.set("a.b.energy", 1.5, "pJ", "sense energy");
  const nlohmann::json j = s.to_json();
  EXPECT_EQ(j["a"]["b"]["reads"]["value"].get<uint64_t>(), 3u);
  EXPECT_EQ(j["a"]["b"]["reads"]["unit"], "pages");
  EXPECT_FALSE(j["a"]["b"]["reads"].contains("desc"));
  EXPECT_DOUBLE_EQ(j["a"]["b"]["energy"]["value"].get<double>(), 1.5);
  EXPECT_EQ(j["a"]["b"]["energy"]["desc"], "sense energy");
}

TEST(Stats, AddAccumulatesKeepingIntegers) {
  pnm::Stats s;
  s.add("x.n", uint64_t(2), "ops");
  s.add("x.n", uint64_t(5), "ops");
  EXPECT_TRUE(s.to_json()["x"]["n"]["value"].is_number_unsigned());
  EXPECT_EQ(s.value("x.n"), 7.0);
  s.add("x.e", 1.25, "pJ");
  s.add("x.e", uint64_t(2), "pJ");
  EXPECT_DOUBLE_EQ(s.value("x.e"), 3.25);
}

TEST(Stats, OrderIsDeterministicRegardlessOfInsertion) {
  pnm::Stats a, b;
  a.set("z.q", uint64_t(1), "u");
  a.set("a.q", uint64_t(2), "u");
  a.set("m.r.s", 0.5, "u");
  b.set("m.r.s", 0.5, "u");
  b.set("a.q", uint64_t(2), "u");
  b.set("z.q", uint64_t(1), "u");
  EXPECT_EQ(a.dump(), b.dump());
  EXPECT_LT(a.dump().find("\"a\""), a.dump().find("\"z\""));
}

TEST(Stats, RejectsBadNamesAndLeafGroupClash) {
  pnm::Stats s;
  EXPECT_THROW(s.set("", uint64_t(1), "u"), std::logic_error);
  EXPECT_THROW(s.set("a..b", uint64_t(1), "u"), std::logic_error);
  s.set("a.b", uint64_t(1), "u");
  s.set("a.b.c", uint64_t(1), "u");
  EXPECT_THROW(s.to_json(), std::logic_error);
}

}  // namespace
