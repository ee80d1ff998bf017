#pragma once
// Helpers shared by the model tests: seeds, temp files, the tiny shape.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <unistd.h>
#include <vector>

#include "sim/model/error.hpp"
#include "sim/model/shape.hpp"

namespace pnm::model::test {

// The seed of randomized tests: PNMSIM_SEED when set, else `fallback`.
// Printed, so a failing run can be reproduced.
inline uint64_t test_seed(uint64_t fallback) {
  uint64_t seed = fallback;
  if (const char* env = std::getenv("PNMSIM_SEED")) seed = std::strtoull(env, nullptr, 0);
  std::cout << "[ seed     ] PNMSIM_SEED=" << seed << "\n";
  ::testing::Test::RecordProperty("seed", std::to_string(seed));
  return seed;
}

// A per-process, per-test file name in the test temp dir ('/' of
// parameterized test names replaced).
inline std::string temp_path(const std::string& name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string id = std::string(info->test_suite_name()) + "_" + info->name();
  for (char& c : id) {
    if (c == '/') c = '_';
  }
  return ::testing::TempDir() + "pnm_model_" + std::to_string(::getpid()) + "_" + id + "_" + name;
}

inline std::vector<char> read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<char>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline void write_all(const std::string& path, const std::vector<char>& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), std::streamsize(data.size()));
}

using ::pnm::model::tiny_shape;

// Expects `fn` to throw ModelError of `kind` whose message contains every needle.
template <typename Fn>
void expect_error(Fn fn, ErrorKind kind, const std::vector<std::string>& needles) {
  try {
    fn();
    ADD_FAILURE() << "expected ModelError(" << to_string(kind) << "), nothing thrown";
  } catch (const ModelError& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    for (const auto& n : needles) {
      EXPECT_NE(std::string(e.what()).find(n), std::string::npos)
          << "message lacks '" << n << "': " << e.what();
    }
  }
}


}  // namespace pnm::model::test
