// The Perfetto/Chrome trace writer produces JSON that parses, with named
// tracks, microsecond timestamps from picoseconds, and a cap on events.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tlm/common/trace.hpp"

namespace pnm::trace {
namespace {

nlohmann::json read(const std::filesystem::path& p) {
  std::ifstream f(p);
  return nlohmann::json::parse(f);
}

TEST(Trace, WritesParsableEventsOnNamedTracks) {
  const auto path = std::filesystem::temp_directory_path() / "pnmsim_test_trace.json";
  EXPECT_EQ(active(), nullptr);
  open(path.string());
  ASSERT_NE(active(), nullptr);
  Writer& w = *active();
  const uint32_t f3 = w.track("flash", 3), p0 = w.track("pnm", 0);
  EXPECT_EQ(w.track("flash", 3), f3) << "a track is created once";
  const uint32_t up = w.track("tsv", std::string("chip.tsv2 up"));
  EXPECT_EQ(w.track("tsv", std::string("chip.tsv2 up")), up);
  EXPECT_NE(up, f3);
  EXPECT_NE(up, p0);
  w.complete("flash", "read", f3, 1'500'000, 2'000'000, "{\"page\": 7}");
  w.complete("mve", "job \"q\"", p0, 0, 1000);
  close();
  EXPECT_EQ(active(), nullptr);

  const auto j = read(path);
  const auto& ev = j.at("traceEvents");
  int complete = 0;
  for (const auto& e : ev) {
    if (e.at("ph") != "X") continue;
    ++complete;
    if (e.at("name") == "read") {
      EXPECT_DOUBLE_EQ(e.at("ts").get<double>(), 1.5);  // us
      EXPECT_DOUBLE_EQ(e.at("dur").get<double>(), 2.0);
      EXPECT_EQ(e.at("args").at("page"), 7);
      EXPECT_EQ(e.at("tid"), f3);
    } else {
      EXPECT_EQ(e.at("name"), "job \"q\"");
    }
  }
  EXPECT_EQ(complete, 2);
  bool named = false;
  for (const auto& e : ev) {
    if (e.at("ph") == "M" && e.at("name") == "thread_name" && e.at("args").at("name") == "flash 3") named = true;
  }
  EXPECT_TRUE(named);
  bool named_up = false;
  for (const auto& e : ev) {
    if (e.at("ph") == "M" && e.at("name") == "thread_name" && e.at("args").at("name") == "chip.tsv2 up") named_up = true;
  }
  EXPECT_TRUE(named_up);
  std::filesystem::remove(path);
}

TEST(Trace, DropsPastTheCapAndSaysSo) {
  const auto path = std::filesystem::temp_directory_path() / "pnmsim_test_trace_cap.json";
  open(path.string(), 3);
  const uint32_t t = active()->track("vu", 0);
  for (int i = 0; i < 10; ++i) active()->complete("vu", "op", t, uint64_t(i) * 10, 5);
  EXPECT_EQ(active()->events(), 3u);
  EXPECT_EQ(active()->dropped(), 7u);
  close();
  const auto j = read(path);
  EXPECT_EQ(j.at("traceEvents").back().at("args").at("dropped"), 7);
  std::filesystem::remove(path);
}

// Issue 15: a trace that could not be written (a full disk) was lost with
// exit 0: fprintf and fclose were unchecked. close() now throws naming it.
TEST(Trace, FullDiskIsAnErrorNamingTheFile) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  open("/dev/full");
  const uint32_t t = active()->track("vu", 0);
  for (int i = 0; i < 10; ++i) active()->complete("vu", "op", t, uint64_t(i) * 10, 5);
  try {
    close();
    ADD_FAILURE() << "writing to /dev/full did not fail";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot write /dev/full"), std::string::npos) << e.what();
  }
  EXPECT_EQ(active(), nullptr);
}

}  // namespace
}  // namespace pnm::trace
