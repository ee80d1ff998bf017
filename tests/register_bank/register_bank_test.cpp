// RegisterBank: every response-status path, callback values, W1P semantics,
// bursts, and side-effect-free debug access. Payloads are built by hand; no
// simulation kernel runs.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "tlm/common/register_bank.hpp"

namespace {

using pnm::RegisterBank;
namespace regs = pnm::regs;

// A table with every access kind, at a non-zero reset where it matters.
constexpr regs::RegInfo kTable[] = {
    {"CMD", 0x00, regs::Access::W1P, 0},
    {"STAT", 0x04, regs::Access::RO, 0x11},
    {"CFG", 0x08, regs::Access::RW, 0xA5},
    {"KEY", 0x0C, regs::Access::WO, 0x7},
    // 0x10 is a hole.
    {"AUX", 0x14, regs::Access::RW, 0},
};

struct Payload {
  tlm::tlm_generic_payload p;
  std::vector<unsigned char> data;

  Payload(tlm::tlm_command cmd, uint64_t addr, std::vector<uint32_t> words) : data(words.size() * 4) {
    std::memcpy(data.data(), words.data(), data.size());
    init(cmd, addr, static_cast<unsigned>(data.size()));
  }
  Payload(tlm::tlm_command cmd, uint64_t addr, unsigned len) : data(len ? len : 4, 0xEE) {
    init(cmd, addr, len);
  }
  void init(tlm::tlm_command cmd, uint64_t addr, unsigned len) {
    p.set_command(cmd);
    p.set_address(addr);
    p.set_data_ptr(data.data());
    p.set_data_length(len);
    p.set_streaming_width(len);
    p.set_byte_enable_ptr(nullptr);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  }
  uint32_t word(std::size_t i) const {
    uint32_t v;
    std::memcpy(&v, data.data() + 4 * i, 4);
    return v;
  }
  tlm::tlm_response_status status() const { return p.get_response_status(); }
};

Payload rd(uint64_t addr, unsigned len = 4) { return Payload(tlm::TLM_READ_COMMAND, addr, len); }
Payload wr(uint64_t addr, std::vector<uint32_t> words) { return Payload(tlm::TLM_WRITE_COMMAND, addr, words); }

class register_bank : public ::testing::Test {
 protected:
  RegisterBank bank{"test_bank", kTable};
};

TEST_F(register_bank, ResetValuesAndName) {
  EXPECT_EQ(bank.name(), "test_bank");
  EXPECT_EQ(bank.value(0x04), 0x11u);
  EXPECT_EQ(bank.value(0x08), 0xA5u);
  EXPECT_EQ(bank.value(0x0C), 0x7u);
  EXPECT_EQ(bank.value(0x00), 0u);
  EXPECT_TRUE(bank.contains(0x14));
  EXPECT_FALSE(bank.contains(0x10));
}

TEST_F(register_bank, ValueAndSetThrowOutOfRangeForUnknownOffset) {
  EXPECT_THROW(bank.value(0x10), std::out_of_range);
  EXPECT_THROW(bank.set(0x40, 1), std::out_of_range);
  EXPECT_THROW(bank.on_read(0x10, [] { return 0u; }), std::out_of_range);
  EXPECT_THROW(bank.on_write(0x10, [](uint32_t) {}), std::out_of_range);
}

TEST_F(register_bank, CallbacksThatCouldNeverRunAreRejected) {
  EXPECT_THROW(bank.on_read(0x0C, [] { return 0u; }), std::invalid_argument);  // WO
  EXPECT_THROW(bank.on_read(0x00, [] { return 0u; }), std::invalid_argument);  // W1P
  EXPECT_THROW(bank.on_write(0x04, [](uint32_t) {}), std::invalid_argument);   // RO
}

TEST(register_bank_ctor, RejectsMisalignedAndDuplicateOffsets) {
  const regs::RegInfo misaligned[] = {{"A", 0x2, regs::Access::RW, 0}};
  EXPECT_THROW(RegisterBank("b", misaligned), std::invalid_argument);
  const regs::RegInfo dup[] = {{"A", 0x4, regs::Access::RW, 0}, {"B", 0x4, regs::Access::RO, 0}};
  EXPECT_THROW(RegisterBank("b", dup), std::invalid_argument);
  EXPECT_THROW(RegisterBank("b", nullptr, 0), std::invalid_argument);
}

// Registers are found by a slot per word up to 64 KiB, by a search past it:
// both find exactly the registers there are.
TEST(register_bank_ctor, DenseAndSparseTablesFindExactlyTheirRegisters) {
  const regs::RegInfo dense[] = {{"A", 0x0, regs::Access::RW, 1}, {"B", 0xFFFC, regs::Access::RW, 2}};
  const regs::RegInfo sparse[] = {{"A", 0x0, regs::Access::RW, 1}, {"B", 0x10000, regs::Access::RW, 2}};
  for (const auto* table : {dense, sparse}) {
    RegisterBank b("b", table, 2);
    const uint32_t last = table[1].offset;
    EXPECT_TRUE(b.contains(0x0));
    EXPECT_TRUE(b.contains(last));
    EXPECT_EQ(b.value(last), 2u);
    for (uint32_t off : {0x4u, 0x2u, last - 4, last + 4, last + 1}) EXPECT_FALSE(b.contains(off)) << off;
  }
}

TEST(register_bank_ctor, GeneratedMveTableWorks) {
  RegisterBank mve("mve", regs::mve::REGISTERS);
  EXPECT_EQ(mve.value(regs::mve::ROWS::OFFSET), regs::mve::ROWS::RESET);
  auto p = wr(regs::mve::STATUS::OFFSET, {1});
  mve.transport(p.p);
  EXPECT_EQ(p.status(), tlm::TLM_COMMAND_ERROR_RESPONSE);
}

TEST_F(register_bank, ReadRoAndRwReturnStoredValue) {
  auto p = rd(0x04);
  bank.transport(p.p);
  EXPECT_EQ(p.status(), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(p.word(0), 0x11u);
  bank.set(0x04, 0xBEEF);
  auto q = rd(0x08);
  bank.transport(q.p);
  EXPECT_EQ(q.status(), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(q.word(0), 0xA5u);
  auto r = rd(0x04);
  bank.transport(r.p);
  EXPECT_EQ(r.word(0), 0xBEEFu);
}

TEST_F(register_bank, ReadCallbackOverridesStoredValue) {
  int calls = 0;
  bank.on_read(0x04, [&] {
    ++calls;
    return 0xCAFEu;
  });
  auto p = rd(0x04);
  bank.transport(p.p);
  EXPECT_EQ(p.status(), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(p.word(0), 0xCAFEu);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(bank.value(0x04), 0x11u) << "a read callback does not change the stored value";
}

TEST_F(register_bank, WriteRwStoresThenCallsWithValue) {
  std::vector<uint32_t> seen;
  bank.on_write(0x08, [&](uint32_t v) {
    EXPECT_EQ(bank.value(0x08), v) << "stored before the callback runs";
    seen.push_back(v);
  });
  auto p = wr(0x08, {0x12345678});
  bank.transport(p.p);
  EXPECT_EQ(p.status(), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(bank.value(0x08), 0x12345678u);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], 0x12345678u);
}

TEST_F(register_bank, W1pCallsOnlyAndReadsZero) {
  std::vector<uint32_t> seen;
  bank.on_write(0x00, [&](uint32_t v) { seen.push_back(v); });
  auto p = wr(0x00, {0x3});
  bank.transport(p.p);
  EXPECT_EQ(p.status(), tlm::TLM_OK_RESPONSE);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], 0x3u);
  EXPECT_EQ(bank.value(0x00), 0u) << "W1P stores nothing";
  auto r = rd(0x00);
  bank.transport(r.p);
  EXPECT_EQ(r.status(), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(r.word(0), 0u);
  // Even after a model-side set(), the bus reads zero.
  bank.set(0x00, 0xFF);
  auto r2 = rd(0x00);
  bank.transport(r2.p);
  EXPECT_EQ(r2.word(0), 0u);
}

TEST_F(register_bank, WoWriteStoresAndCalls) {
  uint32_t seen = 0;
  bank.on_write(0x0C, [&](uint32_t v) { seen = v; });
  auto p = wr(0x0C, {0x99});
  bank.transport(p.p);
  EXPECT_EQ(p.status(), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(seen, 0x99u);
  EXPECT_EQ(bank.value(0x0C), 0x99u);
}

TEST_F(register_bank, WriteToRoIsCommandErrorWithoutEffect) {
  auto p = wr(0x04, {0xDEAD});
  bank.transport(p.p);
  EXPECT_EQ(p.status(), tlm::TLM_COMMAND_ERROR_RESPONSE);
  EXPECT_EQ(bank.value(0x04), 0x11u);
}

TEST_F(register_bank, ReadOfWoIsCommandError) {
  auto p = rd(0x0C);
  bank.transport(p.p);
  EXPECT_EQ(p.status(), tlm::TLM_COMMAND_ERROR_RESPONSE);
  EXPECT_EQ(p.word(0), 0xEEEEEEEEu) << "data left untouched";
}

TEST_F(register_bank, UnmappedOffsetIsAddressError) {
  for (uint64_t addr : {uint64_t{0x10}, uint64_t{0x18}, uint64_t{0x1000}, uint64_t{0x100000000}}) {
    SCOPED_TRACE(addr);
    auto p = rd(addr);
    bank.transport(p.p);
    EXPECT_EQ(p.status(), tlm::TLM_ADDRESS_ERROR_RESPONSE);
    auto w = wr(addr, {1});
    bank.transport(w.p);
    EXPECT_EQ(w.status(), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  }
}

TEST_F(register_bank, BadLengthOrAlignmentIsBurstError) {
  for (unsigned len : {0u, 1u, 2u, 3u, 6u}) {
    SCOPED_TRACE(len);
    auto p = rd(0x08, len);
    bank.transport(p.p);
    EXPECT_EQ(p.status(), tlm::TLM_BURST_ERROR_RESPONSE);
  }
  auto u = rd(0x09);
  bank.transport(u.p);
  EXPECT_EQ(u.status(), tlm::TLM_BURST_ERROR_RESPONSE);
  auto s = rd(0x04, 8);
  s.p.set_streaming_width(4);
  bank.transport(s.p);
  EXPECT_EQ(s.status(), tlm::TLM_BURST_ERROR_RESPONSE);
}

TEST_F(register_bank, ByteEnablesAreByteEnableError) {
  unsigned char be[4] = {0xFF, 0xFF, 0, 0};
  auto p = wr(0x08, {0x1234});
  p.p.set_byte_enable_ptr(be);
  p.p.set_byte_enable_length(4);
  bank.transport(p.p);
  EXPECT_EQ(p.status(), tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
  EXPECT_EQ(bank.value(0x08), 0xA5u);
}

TEST_F(register_bank, NullDataPointerIsGenericError) {
  auto p = rd(0x08);
  p.p.set_data_ptr(nullptr);
  bank.transport(p.p);
  EXPECT_EQ(p.status(), tlm::TLM_GENERIC_ERROR_RESPONSE);
}

TEST_F(register_bank, ThrowingCallbackIsGenericErrorNotException) {
  bank.on_write(0x08, [](uint32_t) { throw std::runtime_error("model failure"); });
  auto p = wr(0x08, {1});
  EXPECT_NO_THROW(bank.transport(p.p));
  EXPECT_EQ(p.status(), tlm::TLM_GENERIC_ERROR_RESPONSE);
}

TEST_F(register_bank, IgnoreCommandIsOkWithoutAccess) {
  int calls = 0;
  bank.on_read(0x08, [&] { return static_cast<uint32_t>(++calls); });
  auto p = Payload(tlm::TLM_IGNORE_COMMAND, 0x08, 4u);
  bank.transport(p.p);
  EXPECT_EQ(p.status(), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(calls, 0);
  auto bad = Payload(tlm::TLM_IGNORE_COMMAND, 0x10, 4u);
  bank.transport(bad.p);
  EXPECT_EQ(bad.status(), tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

TEST_F(register_bank, BurstAccessesConsecutiveRegisters) {
  std::vector<uint32_t> cmd;
  bank.on_write(0x00, [&](uint32_t v) { cmd.push_back(v); });
  // Read STAT, CFG (0x04..0x0B).
  auto r = rd(0x04, 8);
  bank.transport(r.p);
  EXPECT_EQ(r.status(), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(r.word(0), 0x11u);
  EXPECT_EQ(r.word(1), 0xA5u);
  // Write CMD, then CFG would hit RO STAT: the whole burst fails, nothing happens.
  auto bad = wr(0x00, {1, 2, 3});
  bank.transport(bad.p);
  EXPECT_EQ(bad.status(), tlm::TLM_COMMAND_ERROR_RESPONSE);
  EXPECT_TRUE(cmd.empty());
  EXPECT_EQ(bank.value(0x08), 0xA5u);
  // A burst that runs into the hole at 0x10 is an address error, no side effects.
  auto hole = wr(0x08, {5, 6, 7});
  bank.transport(hole.p);
  EXPECT_EQ(hole.status(), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(bank.value(0x08), 0xA5u);
  EXPECT_EQ(bank.value(0x0C), 0x7u);
  // CFG + KEY write together.
  auto ok = wr(0x08, {0x100, 0x200});
  bank.transport(ok.p);
  EXPECT_EQ(ok.status(), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(bank.value(0x08), 0x100u);
  EXPECT_EQ(bank.value(0x0C), 0x200u);
}

TEST_F(register_bank, DebugReadHasNoSideEffectsAndReturnsBytes) {
  int writes = 0;
  bank.on_write(0x08, [&](uint32_t) { ++writes; });
  bank.on_write(0x00, [&](uint32_t) { ++writes; });
  bank.on_read(0x04, [] { return 0x4242u; });
  auto p = rd(0x00, 16);  // CMD, STAT, CFG, KEY
  EXPECT_EQ(bank.debug(p.p), 16u);
  EXPECT_EQ(p.status(), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(p.word(0), 0u);
  EXPECT_EQ(p.word(1), 0x4242u);
  EXPECT_EQ(p.word(2), 0xA5u);
  EXPECT_EQ(p.word(3), 0x7u) << "debug may peek at a WO register";
  EXPECT_EQ(writes, 0);
}

TEST_F(register_bank, DebugWriteStoresWithoutCallbacks) {
  int writes = 0;
  bank.on_write(0x08, [&](uint32_t) { ++writes; });
  auto p = wr(0x04, {0x55, 0x66});  // RO STAT and RW CFG: backdoor
  EXPECT_EQ(bank.debug(p.p), 8u);
  EXPECT_EQ(bank.value(0x04), 0x55u);
  EXPECT_EQ(bank.value(0x08), 0x66u);
  EXPECT_EQ(writes, 0);
  auto w1p = wr(0x00, {1});
  EXPECT_EQ(bank.debug(w1p.p), 0u);
  EXPECT_EQ(w1p.status(), tlm::TLM_COMMAND_ERROR_RESPONSE);
}

TEST_F(register_bank, DebugErrorsReturnZero) {
  auto hole = rd(0x10);
  EXPECT_EQ(bank.debug(hole.p), 0u);
  EXPECT_EQ(hole.status(), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  auto odd = rd(0x08, 3);
  EXPECT_EQ(bank.debug(odd.p), 0u);
  EXPECT_EQ(odd.status(), tlm::TLM_BURST_ERROR_RESPONSE);
  unsigned char be[4] = {0xFF, 0xFF, 0xFF, 0xFF};
  auto b = rd(0x08);
  b.p.set_byte_enable_ptr(be);
  EXPECT_EQ(bank.debug(b.p), 0u);
  EXPECT_EQ(b.status(), tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
}

TEST_F(register_bank, ResetRestoresResetValuesWithoutCallbacks) {
  int writes = 0;
  bank.on_write(0x08, [&](uint32_t) { ++writes; });
  bank.set(0x08, 1);
  bank.set(0x04, 2);
  bank.reset();
  EXPECT_EQ(bank.value(0x08), 0xA5u);
  EXPECT_EQ(bank.value(0x04), 0x11u);
  EXPECT_EQ(writes, 0);
}

}  // namespace
