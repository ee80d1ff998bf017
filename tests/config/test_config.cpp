// pnm::ConfigReader: required/optional keys, ranges, units, unknown keys, and
// error messages that name file, key path, component and allowed range.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>

#include "tlm/common/config.hpp"

namespace {

using pnm::ConfigError;
using pnm::ConfigReader;

ConfigReader reader(const std::string& yaml) {
  return ConfigReader::from_string(yaml, "cfg.yaml", "blk", "test block");
}

// Runs f, expects a ConfigError, returns its message.
template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ConfigError thrown";
  return "";
}

TEST(Config, ReadsValuesAndDefaults) {
  const ConfigReader r = reader("blk:\n  n: 7\n  x: 2.5\n  flag: true\n  mode: fast\n");
  EXPECT_EQ(r.integer("n", {1, 10}), 7);
  EXPECT_DOUBLE_EQ(r.real("x", {0, 10}), 2.5);
  EXPECT_TRUE(r.boolean("flag"));
  EXPECT_EQ(r.choice("mode", {"slow", "fast"}), "fast");
  EXPECT_EQ(r.integer_or("absent", 42, {0, 100}), 42);
  EXPECT_DOUBLE_EQ(r.real_or("absent2", 1.5, {0, 2}), 1.5);
  EXPECT_NO_THROW(r.finish());
}

TEST(Config, OutOfRangeNamesFileKeyComponentAndRange) {
  const ConfigReader r = reader("blk:\n  timing:\n    n: -3\n");
  const std::string msg = error_of([&] { r.child("timing").integer("n", {1, 64}); });
  EXPECT_NE(msg.find("cfg.yaml"), std::string::npos) << msg;
  EXPECT_NE(msg.find("blk.timing.n"), std::string::npos) << msg;
  EXPECT_NE(msg.find("test block"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[1, 64]"), std::string::npos) << msg;
}

TEST(Config, MissingRequiredKey) {
  const std::string msg = error_of([] { reader("blk:\n  a: 1\n").integer("b", {0, 5}); });
  EXPECT_NE(msg.find("blk.b"), std::string::npos) << msg;
  EXPECT_NE(msg.find("missing"), std::string::npos) << msg;
}

TEST(Config, WrongTypes) {
  EXPECT_THROW(reader("blk:\n  n: 1.5\n").integer("n", {0, 5}), ConfigError);
  EXPECT_THROW(reader("blk:\n  n: abc\n").real("n", {0, 5}), ConfigError);
  EXPECT_THROW(reader("blk:\n  n: maybe\n").boolean("n"), ConfigError);
  EXPECT_THROW(reader("blk:\n  m: medium\n").choice("m", {"slow", "fast"}), ConfigError);
  EXPECT_THROW(reader("blk:\n  n: .nan\n").real("n", {0, 5}), ConfigError);
}

TEST(Config, UnknownKeyRejected) {
  const ConfigReader r = reader("blk:\n  n: 1\n  typo: 2\n");
  r.integer("n", {0, 5});
  const std::string msg = error_of([&] { r.finish(); });
  EXPECT_NE(msg.find("blk.typo"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unknown key"), std::string::npos) << msg;
  EXPECT_NE(msg.find("n"), std::string::npos) << msg;
}

TEST(Config, DurationUnitsConvert) {
  const ConfigReader r = reader("blk:\n  a_ns: 250\n  b_us: 2.5\n  c_ms: 3\n  d_ps: 7\n  e_s: 1\n");
  EXPECT_EQ(r.duration_ps("a", {0, 1e15}), 250'000u);
  EXPECT_EQ(r.duration_ps("b", {0, 1e15}), 2'500'000u);
  EXPECT_EQ(r.duration_ps("c", {0, 1e15}), 3'000'000'000u);
  EXPECT_EQ(r.duration_ps("d", {0, 1e15}), 7u);
  EXPECT_EQ(r.duration_ps("e", {0, 1e15}), 1'000'000'000'000u);
  EXPECT_EQ(r.duration_ps_or("f", 99, {0, 1e15}), 99u);
  EXPECT_NO_THROW(r.finish());
}

TEST(Config, DurationWithoutUnitIsRejectedWithHint) {
  const std::string msg = error_of([] { reader("blk:\n  t_read: 3\n").duration_ps("t_read", {1, 1e12}); });
  EXPECT_NE(msg.find("without a unit"), std::string::npos) << msg;
  EXPECT_NE(msg.find("t_read_"), std::string::npos) << msg;
  // Optional duration given without unit: finish() flags the bare key.
  const ConfigReader r = reader("blk:\n  t_x: 3\n");
  EXPECT_EQ(r.duration_ps_or("t_x", 5, {0, 1e12}), 5u);
  const std::string m2 = error_of([&] { r.finish(); });
  EXPECT_NE(m2.find("missing unit"), std::string::npos) << m2;
  EXPECT_NE(m2.find("t_x_ns"), std::string::npos) << m2;
}

TEST(Config, DurationRangeReportedInUsersUnit) {
  const std::string msg = error_of([] { reader("blk:\n  t_us: 50\n").duration_ps("t", {1e3, 10e6}); });
  EXPECT_NE(msg.find("blk.t_us"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[0.001, 10]"), std::string::npos) << msg;
}

TEST(Config, DurationGivenTwice) {
  EXPECT_THROW(reader("blk:\n  t_us: 1\n  t_ns: 1000\n").duration_ps("t", {0, 1e12}), ConfigError);
}

TEST(Config, ChildMustBeMapAndOptionalChildIsEmpty) {
  EXPECT_THROW(reader("blk:\n  sub: 3\n").child("sub"), ConfigError);
  EXPECT_THROW(reader("blk:\n  a: 1\n").child("sub"), ConfigError);
  const ConfigReader c = reader("blk:\n  a: 1\n").child("sub", false);
  EXPECT_EQ(c.integer_or("x", 4, {0, 9}), 4);
  EXPECT_NO_THROW(c.finish());
}

TEST(Config, FileErrors) {
  EXPECT_THROW(ConfigReader::from_file("/nonexistent/x.yaml", "blk", "c"), ConfigError);
  EXPECT_THROW(ConfigReader::from_string("blk: [1, 2", "bad.yaml", "blk", "c"), ConfigError);
}

// Issue 15: a key beside the root section (a mis-indented `cpu:`, a top-level
// `include:`) was silently ignored.
TEST(Config, KeyOutsideTheRootSectionIsAnError) {
  for (const char* extra : {"cpu:\n  clk_period_ns: 2\n", "include: other.yaml\n", "noc: {}\n"}) {
    const std::string msg = error_of([&] { reader(std::string("blk:\n  n: 1\n") + extra); });
    EXPECT_NE(msg.find("cfg.yaml"), std::string::npos) << msg;
    EXPECT_NE(msg.find("outside the 'blk' section"), std::string::npos) << msg;
    const std::string key = std::string(extra).substr(0, std::string(extra).find(':'));
    EXPECT_NE(msg.find(": " + key + ":"), std::string::npos) << msg;
  }
  // A document without the root key is read whole (its keys checked by finish()).
  EXPECT_NO_THROW(reader("n: 1\n").integer("n", {0, 2}));
}

// Issue 15: yaml-cpp keeps both copies of a repeated key; nothing noticed.
TEST(Config, DuplicateKeyIsAnErrorAtAnyDepth) {
  std::string msg = error_of([] { reader("blk:\n  n: 1\n  n: 2\n"); });
  EXPECT_NE(msg.find("cfg.yaml: blk.n: duplicate key"), std::string::npos) << msg;
  msg = error_of([] { reader("blk:\n  timing:\n    a: 1\n    b: 2\n    a: 3\n"); });
  EXPECT_NE(msg.find("cfg.yaml: blk.timing.a: duplicate key"), std::string::npos) << msg;
  msg = error_of([] { reader("blk:\n  n: 1\nblk:\n  n: 2\n"); });
  EXPECT_NE(msg.find("cfg.yaml: blk: duplicate key"), std::string::npos) << msg;
  msg = error_of([] { reader("blk:\n  list:\n    - {x: 1, x: 2}\n"); });
  EXPECT_NE(msg.find("blk.list[0].x: duplicate key"), std::string::npos) << msg;
}

// Issue 15: a YAML merge key is refused with a message that says so (it
// was either an "unknown key <<" or, outside the root, ignored).
TEST(Config, MergeKeyIsRefused) {
  std::string msg = error_of([] { reader("blk:\n  <<: {n: 1}\n"); });
  EXPECT_NE(msg.find("cfg.yaml: blk.<<: YAML merge keys (<<) are not supported"), std::string::npos) << msg;
  msg = error_of([] { reader("<<: {x: 1}\nblk: {n: 1}\n"); });
  EXPECT_NE(msg.find("merge keys"), std::string::npos) << msg;
}

// The same checks apply to files, and an override whose first component is
// not the root section (`chp.pnm.queue_depth`) names itself.
TEST(Config, FileChecksAndOverrideOutsideTheRoot) {
  const std::string path = ::testing::TempDir() + "pnm_cfg_" + std::to_string(::getpid()) + ".yaml";
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("chip:\n  n: 1\n", f);
    std::fclose(f);
  }
  EXPECT_NO_THROW(ConfigReader::from_file(path, "chip", "c", {"chip.n=2"}));
  std::string msg = error_of([&] { ConfigReader::from_file(path, "chip", "c", {"chp.pnm.queue_depth=1"}); });
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("chp.pnm.queue_depth"), std::string::npos) << msg;
  EXPECT_NE(msg.find("starts with 'chip.'"), std::string::npos) << msg;
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("chip:\n  n: 1\ncpu: {}\n", f);
    std::fclose(f);
  }
  msg = error_of([&] { ConfigReader::from_file(path, "chip", "c"); });
  EXPECT_NE(msg.find(path + ": cpu: key outside the 'chip' section"), std::string::npos) << msg;
  // A file that documents several sections reads one of them on request.
  EXPECT_EQ(ConfigReader::section_from_file(path, "chip", "c").integer("n", {0, 9}), 1);
  std::remove(path.c_str());
}

}  // namespace

namespace {

TEST(ConfigOverrides, SetNestedValuesParsedAsYaml) {
  YAML::Node doc = YAML::Load("chip:\n  flash:\n    preset: hbf_gen1\n  name: x\n");
  pnm::apply_overrides(doc, {"chip.flash.timing.t_read_us=5", "chip.name=y", "chip.pnm.readahead_bytes=1024"},
                       "f.yaml");
  EXPECT_EQ(doc["chip"]["flash"]["preset"].as<std::string>(), "hbf_gen1") << "siblings kept";
  EXPECT_EQ(doc["chip"]["flash"]["timing"]["t_read_us"].as<int>(), 5);
  EXPECT_EQ(doc["chip"]["name"].as<std::string>(), "y");
  EXPECT_EQ(doc["chip"]["pnm"]["readahead_bytes"].as<int>(), 1024);
}

TEST(ConfigOverrides, MalformedOverridesNameThemselves) {
  YAML::Node doc = YAML::Load("chip:\n  name: x\n");
  for (const char* bad : {"chip.name", "=5", "chip..name=1", "chip.name.deeper=1"}) {
    try {
      pnm::apply_overrides(doc, {bad}, "f.yaml");
      ADD_FAILURE() << "no error for " << bad;
    } catch (const pnm::ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("f.yaml"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
