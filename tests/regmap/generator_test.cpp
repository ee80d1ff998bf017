// Runs scripts/gen_regmap.py on small YAML files written to a temp dir: broken
// files must fail (non-zero exit) with a message naming the file, the
// block/register/field/enum and the rule; a good file must generate
// deterministic output.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct GenResult {
  int exit_code;
  std::string output;  // stdout + stderr
};

class regmap_generator : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pnmsim_regmap_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }

  GenResult run(const std::string& args) {
    const std::string cmd = std::string(PNMSIM_PYTHON3) + " " PNMSIM_SOURCE_DIR "/scripts/gen_regmap.py " +
                            args + " 2>&1";
    GenResult r{-1, ""};
    FILE* f = popen(cmd.c_str(), "r");
    if (f == nullptr) return r;
    std::array<char, 4096> buf;
    std::size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), f)) > 0) r.output.append(buf.data(), n);
    const int status = pclose(f);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
  }

  // Generates from yaml into dir_/out and returns the run.
  GenResult generate(const std::string& yaml) {
    const std::string src = write("regmap.yaml", yaml);
    return run("--src " + src + " --out-dir " + (dir_ / "out").string());
  }

  fs::path dir_;
};

// A valid one-block map; the broken cases below each change one thing.
const std::string kHead = R"(blocks:
  - name: blk
    description: test block
    addr_width_bits: 4
    data_width_bits: 32
    registers:
)";
const std::string kRegA = R"(      - name: A
        offset: 0x0
        access: rw
        fields:
          - {name: X, lsb: 0, width: 4}
          - {name: Y, lsb: 4, width: 2}
)";
const std::string kEnum = R"(    enums:
      - name: mode
        width_bits: 2
        values: {IDLE: 0, RUN: 1}
)";

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void expect_failure(const GenResult& r, const std::vector<std::string>& needles) {
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("regmap.yaml"), std::string::npos) << "message must name the file:\n" << r.output;
  for (const auto& n : needles) {
    EXPECT_NE(r.output.find(n), std::string::npos) << "expected '" << n << "' in:\n" << r.output;
  }
}

TEST_F(regmap_generator, GoodFileGeneratesAllOutputsWithBanner) {
  const GenResult r = generate(kHead + kRegA + "      - {name: B, offset: 0x4, access: ro}\n" + kEnum);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* rel : {"rtl/regmap/pnm_reg_pkg.sv", "firmware/hal/pnm_regs.h", "tlm/common/pnm_regs.hpp"}) {
    SCOPED_TRACE(rel);
    const std::string text = slurp(dir_ / "out" / rel);
    EXPECT_EQ(text.rfind("// GENERATED FILE - DO NOT EDIT.", 0), 0u);
    EXPECT_NE(text.find("Regenerate: python3 scripts/gen_regmap.py --src "), std::string::npos);
  }
  const std::string hpp = slurp(dir_ / "out/tlm/common/pnm_regs.hpp");
  EXPECT_NE(hpp.find("struct B {"), std::string::npos);
  EXPECT_NE(hpp.find("struct VALUE {"), std::string::npos) << "field-less register gets VALUE";
  EXPECT_NE(hpp.find("static constexpr uint32_t LSB = 4, WIDTH = 2, MASK = 0x30;"), std::string::npos);
  const std::string h = slurp(dir_ / "out/firmware/hal/pnm_regs.h");
  EXPECT_NE(h.find("#define PNM_BLK_A_Y_MASK 0x00000030u"), std::string::npos);
  EXPECT_NE(h.find("#define PNM_BLK_MODE_RUN 1u"), std::string::npos);
  const std::string sv = slurp(dir_ / "out/rtl/regmap/pnm_reg_pkg.sv");
  EXPECT_NE(sv.find("localparam logic [BLK_AW-1:0] BLK_B_OFFSET = 4'h4;"), std::string::npos);
  EXPECT_NE(sv.find("} blk_mode_e;"), std::string::npos);
}

TEST_F(regmap_generator, OutputIsDeterministicAndCheckModeSeesNoChange) {
  const GenResult first = run("--out-dir " + (dir_ / "a").string());
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const GenResult again = run("--out-dir " + (dir_ / "b").string());
  ASSERT_EQ(again.exit_code, 0) << again.output;
  for (const char* rel : {"rtl/regmap/pnm_reg_pkg.sv", "firmware/hal/pnm_regs.h", "tlm/common/pnm_regs.hpp"}) {
    EXPECT_EQ(slurp(dir_ / "a" / rel), slurp(dir_ / "b" / rel)) << rel;
  }
  const GenResult check = run("--check --out-dir " + (dir_ / "a").string());
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

TEST_F(regmap_generator, CheckModeListsStaleFilesAndWritesNothing) {
  const GenResult first = run("--out-dir " + (dir_ / "a").string());
  ASSERT_EQ(first.exit_code, 0) << first.output;
  std::ofstream(dir_ / "a/firmware/hal/pnm_regs.h", std::ios::app) << "// hand edit\n";
  fs::remove(dir_ / "a/rtl/regmap/pnm_reg_pkg.sv");
  const GenResult check = run("--check --out-dir " + (dir_ / "a").string());
  EXPECT_EQ(check.exit_code, 1) << check.output;
  EXPECT_NE(check.output.find("firmware/hal/pnm_regs.h"), std::string::npos) << check.output;
  EXPECT_NE(check.output.find("rtl/regmap/pnm_reg_pkg.sv"), std::string::npos) << check.output;
  EXPECT_EQ(check.output.find("tlm/common/pnm_regs.hpp"), std::string::npos) << check.output;
  EXPECT_FALSE(fs::exists(dir_ / "a/rtl/regmap/pnm_reg_pkg.sv"));
}

TEST_F(regmap_generator, RejectsMisalignedOffset) {
  expect_failure(generate(kHead + "      - {name: A, offset: 0x2, access: rw}\n"),
                 {"block 'blk'", "register 'A'", "not aligned"});
}

TEST_F(regmap_generator, RejectsOverlappingOffsets) {
  expect_failure(generate(kHead + kRegA + "      - {name: B, offset: 0x0, access: ro}\n"),
                 {"register 'B'", "overlaps register 'A'"});
}

TEST_F(regmap_generator, RejectsOffsetBeyondAddressWidth) {
  expect_failure(generate(kHead + "      - {name: A, offset: 0x10, access: rw}\n"),
                 {"register 'A'", "addr_width_bits"});
}

TEST_F(regmap_generator, RejectsOverlappingFields) {
  expect_failure(generate(kHead + R"(      - name: A
        offset: 0x0
        access: rw
        fields:
          - {name: X, lsb: 0, width: 4}
          - {name: Y, lsb: 2, width: 2}
)"),
                 {"register 'A'", "field 'Y'", "overlap field 'X'"});
}

TEST_F(regmap_generator, RejectsFieldBeyondDataWidth) {
  expect_failure(generate(kHead + R"(      - name: A
        offset: 0x0
        access: rw
        fields:
          - {name: TOP, lsb: 30, width: 4}
)"),
                 {"register 'A'", "field 'TOP'", "beyond data_width_bits 32"});
}

TEST_F(regmap_generator, RejectsEnumValueWiderThanEnum) {
  expect_failure(generate(kHead + kRegA + R"(    enums:
      - name: mode
        width_bits: 2
        values: {IDLE: 0, BIG: 4}
)"),
                 {"enum 'mode'", "value 'BIG'", "does not fit width_bits 2"});
}

TEST_F(regmap_generator, RejectsYamlBooleanAsName) {
  // YAML 1.1 reads an unquoted ON/OFF as a boolean, not a name.
  expect_failure(generate(kHead + kRegA + R"(    enums:
      - name: mode
        width_bits: 2
        values: {OFF: 0, ON: 1}
)"),
                 {"enum 'mode'", "must be a string", "quote the name"});
}

TEST_F(regmap_generator, RejectsUnknownKey) {
  expect_failure(generate(kHead + "      - {name: A, offset: 0x0, acces: rw}\n"),
                 {"register 'A'", "unknown key 'acces'"});
}

TEST_F(regmap_generator, RejectsMissingKey) {
  expect_failure(generate(kHead + "      - {name: A, access: rw}\n"), {"register 'A'", "missing key 'offset'"});
}

TEST_F(regmap_generator, RejectsMissingBlockKey) {
  expect_failure(generate("blocks:\n  - name: blk\n    addr_width_bits: 4\n    registers: []\n"),
                 {"block 'blk'", "missing key 'data_width_bits'"});
}

TEST_F(regmap_generator, RejectsUnknownAccess) {
  expect_failure(generate(kHead + "      - {name: A, offset: 0x0, access: rx}\n"), {"register 'A'", "access 'rx'"});
}

TEST_F(regmap_generator, RejectsResetOutsideFields) {
  expect_failure(generate(kHead + R"(      - name: A
        offset: 0x0
        access: rw
        reset: 0x100
        fields:
          - {name: X, lsb: 0, width: 4}
)"),
                 {"register 'A'", "reset 0x100"});
}

TEST_F(regmap_generator, RejectsDuplicateYamlKey) {
  expect_failure(generate(kHead + "      - {name: A, offset: 0x0, offset: 0x4, access: rw}\n"),
                 {"duplicate key 'offset'"});
}

TEST_F(regmap_generator, RejectsGeneratedNameCollision) {
  // Register A_B field C and register A field B_C both give BLK_A_B_C_*.
  expect_failure(generate(kHead + R"(      - name: A_B
        offset: 0x0
        access: rw
        fields: [{name: C, lsb: 0, width: 1}]
      - name: A
        offset: 0x4
        access: rw
        fields: [{name: B_C, lsb: 0, width: 1}]
)"),
                 {"register 'A', field 'B_C'", "collides"});
}

TEST_F(regmap_generator, WritesNothingOnError) {
  generate(kHead + "      - {name: A, offset: 0x2, access: rw}\n");
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

}  // namespace
