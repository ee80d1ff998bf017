// IRQ controller levels and irq_o; the logic config loader and default.yaml.
#include <gtest/gtest.h>

#include <string>

#include "tests/noc/test_targets.hpp"
#include "tlm/common/pnm_regs.hpp"
#include "tlm/logic/irq_controller.hpp"
#include "tlm/logic/logic_config.hpp"
#include "tlm/noc/interconnect.hpp"

namespace {

using pnm::logic::IrqController;
using pnm::test::Runner;
using sc_core::sc_time;
using sc_core::SC_NS;
namespace I = pnm::regs::irq;

TEST(IrqController, StatusFollowsInputsAndIrqIsStatusAndEnable) {
  IrqController irq("irq");
  sc_core::sc_signal<bool> pnm_idle("pnm_idle"), vu_idle("vu_idle"), pnm_err("pnm_err"), line("line");
  irq.pnm_idle_i(pnm_idle);
  irq.vu_idle_i(vu_idle);
  irq.pnm_error_i(pnm_err);
  irq.irq_o(line);
  Runner r("r", [&](Runner& me) {
    auto settle = [] { sc_core::wait(sc_time(1, SC_NS)); };
    // All eight input combinations x all eight enable masks.
    for (uint32_t en = 0; en < 8; ++en) {
      ASSERT_EQ(me.write32(I::ENABLE::OFFSET, en | 0xF0), tlm::TLM_OK_RESPONSE);
      for (uint32_t in = 0; in < 8; ++in) {
        pnm_idle.write((in & 1) != 0);
        vu_idle.write((in & 2) != 0);
        pnm_err.write((in & 4) != 0);
        settle();
        const uint32_t status = me.read32(I::STATUS::OFFSET);
        const uint32_t expect_status = (in & 1 ? I::STATUS::PNM_IDLE::MASK : 0) |
                                       (in & 2 ? I::STATUS::VU_IDLE::MASK : 0) |
                                       (in & 4 ? I::STATUS::PNM_ERROR::MASK : 0);
        EXPECT_EQ(status, expect_status);
        EXPECT_EQ(me.read32(I::ENABLE::OFFSET), en) << "bits beyond the lines are dropped";
        EXPECT_EQ(line.read(), (expect_status & en) != 0) << "en=" << en << " in=" << in;
      }
    }
    // Changing only ENABLE moves irq_o.
    pnm_idle.write(true);
    vu_idle.write(false);
    pnm_err.write(false);
    me.write32(I::ENABLE::OFFSET, 0);
    settle();
    EXPECT_FALSE(line.read());
    me.write32(I::ENABLE::OFFSET, I::ENABLE::PNM_IDLE::MASK);
    settle();
    EXPECT_TRUE(line.read());
    // Bad accesses.
    EXPECT_EQ(me.write32(I::STATUS::OFFSET, 1), tlm::TLM_COMMAND_ERROR_RESPONSE);
    tlm::tlm_response_status st;
    me.read32(0x80, &st);
    EXPECT_EQ(st, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    uint32_t v = 0;
    EXPECT_EQ(me.debug(tlm::TLM_READ_COMMAND, I::STATUS::OFFSET, &v, 4), 4u);
    EXPECT_EQ(v, I::STATUS::PNM_IDLE::MASK);
  });
  r.socket.bind(irq.tgt_socket);
  sc_core::sc_start();
  EXPECT_TRUE(r.done);
}

// ------------------------------------------------------------- config -----

TEST(LogicConfig, DefaultYamlEqualsBuiltInDefaults) {
  const std::string path = std::string(PNMSIM_SOURCE_DIR) + "/sim/configs/logic/default.yaml";
  const auto r = pnm::ConfigReader::section_from_file(path, "logic", "logic die");
  const pnm::logic::LogicConfig c = pnm::logic::load_logic_config(r);
  const pnm::logic::LogicConfig d{};
  EXPECT_EQ(c.memory.size_bytes, d.memory.size_bytes);
  EXPECT_EQ(c.memory.t_access_ps, d.memory.t_access_ps);
  EXPECT_EQ(c.memory.bw_gbps, d.memory.bw_gbps);
  EXPECT_EQ(c.memory.energy_pj_per_bit, d.memory.energy_pj_per_bit);
  EXPECT_EQ(c.tsv.width_bits, d.tsv.width_bits);
  EXPECT_EQ(c.tsv.data_rate_mts, d.tsv.data_rate_mts);
  EXPECT_EQ(c.tsv.latency_ps, d.tsv.latency_ps);
  EXPECT_EQ(c.tsv.energy_pj_per_bit, d.tsv.energy_pj_per_bit);
  EXPECT_EQ(c.vu.clk_period_ps, d.vu.clk_period_ps);
  EXPECT_EQ(c.vu.lanes, d.vu.lanes);
  EXPECT_EQ(c.vu.op_overhead_cycles, d.vu.op_overhead_cycles);
  EXPECT_EQ(c.vu.cycles_per_beat, d.vu.cycles_per_beat);
  EXPECT_EQ(c.vu.exp_cycles_per_beat, d.vu.exp_cycles_per_beat);
  EXPECT_EQ(c.vu.div_cycles_per_beat, d.vu.div_cycles_per_beat);
  EXPECT_EQ(c.vu.sincos_cycles_per_beat, d.vu.sincos_cycles_per_beat);
  EXPECT_EQ(c.vu.sqrt_cycles, d.vu.sqrt_cycles);
  EXPECT_EQ(c.vu.max_elements, d.vu.max_elements);
  EXPECT_EQ(c.vu.energy_pj_per_lane_cycle, d.vu.energy_pj_per_lane_cycle);
  EXPECT_EQ(c.vu.use_dmi, d.vu.use_dmi);
  const auto rn = pnm::ConfigReader::section_from_file(path, "noc", "interconnect");
  EXPECT_EQ(pnm::noc::load_noc_config(rn).hop_latency_ps, pnm::noc::NocConfig{}.hop_latency_ps);
}

TEST(LogicConfig, UnitsAreConvertedAndBadKeysNameTheKey) {
  auto load = [](const std::string& y) {
    return pnm::logic::load_logic_config(
        pnm::ConfigReader::from_string(y, "t.yaml", "logic", "logic die"));
  };
  const auto c = load(
      "logic:\n"
      "  memory: {t_access_us: 0.1, bw_gbps: 12.5}\n"
      "  tsv: {latency_ps: 750, width_bits: 64, data_rate_mts: 3200}\n"
      "  vector_unit: {clk_period_ps: 500, lanes: 8}\n");
  EXPECT_EQ(c.memory.t_access_ps, 100000u);
  EXPECT_EQ(c.memory.bw_gbps, 12.5);
  EXPECT_EQ(c.tsv.latency_ps, 750u);
  EXPECT_EQ(c.tsv.width_bits, 64u);
  EXPECT_EQ(c.vu.clk_period_ps, 500u);
  EXPECT_EQ(c.vu.lanes, 8u);
  EXPECT_EQ(load("logic: {}\n").tsv.width_bits, pnm::logic::TsvConfig{}.width_bits);
  auto expect_error = [&](const std::string& y, const std::string& key) {
    try {
      load(y);
      ADD_FAILURE() << "accepted: " << y;
    } catch (const pnm::ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("t.yaml"), std::string::npos) << e.what();
    }
  };
  expect_error("logic: {tsv: {latency: 3}}\n", "logic.tsv.latency");
  expect_error("logic: {tsv: {width_bits: 0}}\n", "logic.tsv.width_bits");
  expect_error("logic: {memory: {bw_gbps: -1}}\n", "logic.memory.bw_gbps");
  expect_error("logic: {vector_unit: {lanes: 0}}\n", "logic.vector_unit.lanes");
  expect_error("logic: {vector_unit: {clk_period: 1}}\n", "logic.vector_unit.clk_period");
  expect_error("logic: {cache: {}}\n", "logic.cache");
}

}  // namespace
