// Checks the generated C++ header tlm/common/pnm_regs.hpp against the YAML
// source (read here with yaml-cpp, independently of the Python generator) and
// against the semantics the models rely on: masks, no field overlap, reset
// values inside fields, REGISTERS order/size, get/set.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tlm/common/pnm_regs.hpp"

namespace {

namespace regs = pnm::regs;
namespace mve = pnm::regs::mve;

const char* kYaml = PNMSIM_SOURCE_DIR "/rtl/regmap/regmap.yaml";

YAML::Node mve_block() {
  YAML::Node root = YAML::LoadFile(kYaml);
  for (const auto& b : root["blocks"]) {
    if (b["name"].as<std::string>() == "mve") return b;
  }
  ADD_FAILURE() << "no block 'mve' in " << kYaml;
  return YAML::Node();
}

regs::Access access_of(const std::string& s) {
  if (s == "rw") return regs::Access::RW;
  if (s == "ro") return regs::Access::RO;
  if (s == "wo") return regs::Access::WO;
  if (s == "w1p") return regs::Access::W1P;
  ADD_FAILURE() << "unknown access " << s;
  return regs::Access::RW;
}

uint32_t mask_of(uint32_t lsb, uint32_t width) {
  return static_cast<uint32_t>(((uint64_t{1} << width) - 1) << lsb);
}

struct RegRow {
  const char* name;
  uint32_t offset;
  uint32_t reset;
  regs::Access access;
};
#define REG(R) RegRow{#R, mve::R::OFFSET, mve::R::RESET, mve::R::ACCESS}
const RegRow kRegs[] = {REG(CTRL),   REG(STATUS),    REG(ROWS), REG(COLS),   REG(CYCLES),
                        REG(ROWS_DONE), REG(PARAMS), REG(VECS), REG(PARAMS2)};
#undef REG

struct FieldRow {
  const char* reg;
  const char* field;
  uint32_t lsb;
  uint32_t width;
  uint32_t mask;
};
#define FIELD(R, F) FieldRow{#R, #F, mve::R::F::LSB, mve::R::F::WIDTH, mve::R::F::MASK}
// Every field of the mve block. A field added to the YAML must be added here.
const FieldRow kFields[] = {
    FIELD(CTRL, START),      FIELD(CTRL, SKIP_ACT),       FIELD(STATUS, BUSY),   FIELD(STATUS, DONE),
    FIELD(STATUS, ERROR),    FIELD(STATUS, ERR_CODE),     FIELD(ROWS, VALUE),    FIELD(COLS, VALUE),
    FIELD(CYCLES, VALUE),    FIELD(ROWS_DONE, VALUE),     FIELD(PARAMS, LANES),  FIELD(PARAMS, MAX_COLS),
    FIELD(VECS, VALUE),      FIELD(PARAMS2, VECTORS),
};
#undef FIELD

TEST(regmap_header, BlockWidthsMatchYaml) {
  YAML::Node b = mve_block();
  EXPECT_EQ(mve::ADDR_WIDTH_BITS, b["addr_width_bits"].as<unsigned>());
  EXPECT_EQ(mve::DATA_WIDTH_BITS, b["data_width_bits"].as<unsigned>());
}

TEST(regmap_header, RegistersTableMatchesYamlInOffsetOrder) {
  YAML::Node b = mve_block();
  std::map<uint32_t, YAML::Node> by_offset;
  for (const auto& r : b["registers"]) {
    const YAML::Node& node = r;  // copy-construct: Node::operator= would alias
    by_offset.emplace(node["offset"].as<uint32_t>(), node);
  }
  ASSERT_EQ(std::size(mve::REGISTERS), by_offset.size());
  ASSERT_EQ(mve::NUM_REGISTERS, by_offset.size());
  std::size_t i = 0;
  for (const auto& [offset, r] : by_offset) {
    const regs::RegInfo& info = mve::REGISTERS[i++];
    SCOPED_TRACE(info.name);
    EXPECT_EQ(info.name, r["name"].as<std::string>());
    EXPECT_EQ(info.offset, offset);
    EXPECT_EQ(info.access, access_of(r["access"].as<std::string>()));
    EXPECT_EQ(info.reset, r["reset"] ? r["reset"].as<uint32_t>() : 0u);
  }
}

TEST(regmap_header, RegistersAreAlignedAndAscending) {
  for (std::size_t i = 0; i < std::size(mve::REGISTERS); ++i) {
    EXPECT_EQ(mve::REGISTERS[i].offset % (mve::DATA_WIDTH_BITS / 8), 0u) << mve::REGISTERS[i].name;
    EXPECT_LT(mve::REGISTERS[i].offset, 1u << mve::ADDR_WIDTH_BITS) << mve::REGISTERS[i].name;
    if (i > 0) {
      EXPECT_GT(mve::REGISTERS[i].offset, mve::REGISTERS[i - 1].offset) << mve::REGISTERS[i].name;
    }
  }
}

TEST(regmap_header, RegisterStructsMatchTable) {
  ASSERT_EQ(std::size(kRegs), std::size(mve::REGISTERS));
  for (const RegRow& row : kRegs) {
    SCOPED_TRACE(row.name);
    bool found = false;
    for (const regs::RegInfo& info : mve::REGISTERS) {
      if (std::string(info.name) != row.name) continue;
      found = true;
      EXPECT_EQ(row.offset, info.offset);
      EXPECT_EQ(row.reset, info.reset);
      EXPECT_EQ(row.access, info.access);
    }
    EXPECT_TRUE(found);
  }
}

TEST(regmap_header, FieldsMatchYaml) {
  YAML::Node b = mve_block();
  std::size_t yaml_fields = 0;
  for (const auto& r : b["registers"]) {
    const std::string rname = r["name"].as<std::string>();
    std::vector<std::pair<std::string, std::pair<uint32_t, uint32_t>>> fields;
    if (r["fields"]) {
      for (const auto& f : r["fields"]) {
        fields.push_back({f["name"].as<std::string>(), {f["lsb"].as<uint32_t>(), f["width"].as<uint32_t>()}});
      }
    } else {
      fields.push_back({"VALUE", {0u, b["data_width_bits"].as<uint32_t>()}});
    }
    for (const auto& [fname, pos] : fields) {
      ++yaml_fields;
      SCOPED_TRACE(rname + "." + fname);
      const FieldRow* row = nullptr;
      for (const FieldRow& fr : kFields) {
        if (rname == fr.reg && fname == fr.field) row = &fr;
      }
      ASSERT_NE(row, nullptr) << "field missing from kFields in this test";
      EXPECT_EQ(row->lsb, pos.first);
      EXPECT_EQ(row->width, pos.second);
    }
  }
  EXPECT_EQ(yaml_fields, std::size(kFields));
}

TEST(regmap_header, MasksAreShiftedAndFieldsDoNotOverlap) {
  std::map<std::string, uint32_t> used;
  for (const FieldRow& f : kFields) {
    SCOPED_TRACE(std::string(f.reg) + "." + f.field);
    ASSERT_GE(f.width, 1u);
    ASSERT_LE(f.lsb + f.width, mve::DATA_WIDTH_BITS);
    EXPECT_EQ(f.mask, mask_of(f.lsb, f.width));
    EXPECT_EQ(used[f.reg] & f.mask, 0u) << "overlaps another field";
    used[f.reg] |= f.mask;
  }
  for (const RegRow& r : kRegs) {
    EXPECT_EQ(r.reset & ~used[r.name], 0u) << r.name << " reset sets bits outside its fields";
  }
}

TEST(regmap_header, EnumMatchesYaml) {
  YAML::Node b = mve_block();
  std::map<std::string, uint32_t> values;
  unsigned width = 0;
  for (const auto& e : b["enums"]) {
    if (e["name"].as<std::string>() != "err") continue;
    width = e["width_bits"].as<unsigned>();
    for (const auto& kv : e["values"]) values[kv.first.as<std::string>()] = kv.second.as<uint32_t>();
  }
  ASSERT_EQ(values.size(), 8u);
  EXPECT_EQ(values["NONE"], static_cast<uint32_t>(mve::err::NONE));
  EXPECT_EQ(values["ROWS_ZERO"], static_cast<uint32_t>(mve::err::ROWS_ZERO));
  EXPECT_EQ(values["COLS_ZERO"], static_cast<uint32_t>(mve::err::COLS_ZERO));
  EXPECT_EQ(values["COLS_RANGE"], static_cast<uint32_t>(mve::err::COLS_RANGE));
  EXPECT_EQ(values["BUSY"], static_cast<uint32_t>(mve::err::BUSY));
  EXPECT_EQ(values["STRB"], static_cast<uint32_t>(mve::err::STRB));
  EXPECT_EQ(values["NO_ACT"], static_cast<uint32_t>(mve::err::NO_ACT));
  EXPECT_EQ(values["VECS_RANGE"], static_cast<uint32_t>(mve::err::VECS_RANGE));
  // The enum is carried in STATUS.ERR_CODE: same width.
  EXPECT_EQ(width, mve::STATUS::ERR_CODE::WIDTH);
}

TEST(regmap_header, GetAndSetFields) {
  static_assert(regs::get<mve::STATUS::ERR_CODE>(0x5Au) == 0x5u);
  static_assert(regs::set<mve::STATUS::ERR_CODE>(0xFFu, 0x3u) == 0x3Fu);
  uint32_t status = 0;
  status = regs::set<mve::STATUS::DONE>(status, 1);
  status = regs::set<mve::STATUS::ERR_CODE>(status, static_cast<uint32_t>(mve::err::STRB));
  EXPECT_EQ(status, 0x52u);
  EXPECT_EQ(regs::get<mve::STATUS::DONE>(status), 1u);
  EXPECT_EQ(regs::get<mve::STATUS::BUSY>(status), 0u);
  EXPECT_EQ(regs::get<mve::STATUS::ERR_CODE>(status), 5u);
  // Bits of v beyond the field are dropped, neighbours are kept.
  EXPECT_EQ(regs::set<mve::STATUS::ERR_CODE>(status, 0x1Fu), 0xF2u);
  EXPECT_EQ(regs::get<mve::PARAMS::MAX_COLS>(0xABCDEF12u), 0xABCDEFu);
  EXPECT_EQ(regs::set<mve::CYCLES::VALUE>(0u, 0xFFFFFFFFu), 0xFFFFFFFFu);
}

}  // namespace
