// GENERATED FILE - DO NOT EDIT.
// Source:     rtl/regmap/regmap.yaml
// Generator:  scripts/gen_regmap.py
// Regenerate: python3 scripts/gen_regmap.py
//             (run from the repository root; tests/regmap fails if this file is stale)

// Register map for the TLM models. Per block: one struct per register
// (OFFSET, RESET, ACCESS, one nested struct per field with LSB, WIDTH and
// MASK shifted into place), enums, and REGISTERS (ordered by offset) for
// pnm::RegisterBank. Use regs::get<F>(reg) / regs::set<F>(reg, v).
#pragma once

#include <cstddef>
#include <cstdint>

namespace pnm::regs {

enum class Access : uint8_t { RW, RO, WO, W1P };

struct RegInfo {
  const char* name;
  uint32_t offset;
  Access access;
  uint32_t reset;
};

// Matrix-vector engine job registers. A job is ROWS x COLS int8 weights streamed row-major
// against one int8 activation vector of COLS bytes; one int32 result per row.
namespace mve {

inline constexpr unsigned ADDR_WIDTH_BITS = 8;
inline constexpr unsigned DATA_WIDTH_BITS = 32;

// Job control; bits are pulses and read as zero.
struct CTRL {
  static constexpr uint32_t OFFSET = 0x00, RESET = 0x0;
  static constexpr Access ACCESS = Access::W1P;
  struct START {  // Start a job with the current ROWS and COLS.
    static constexpr uint32_t LSB = 0, WIDTH = 1, MASK = 0x1;
  };
  struct SKIP_ACT {  // Reuse the activation vector of the previous job instead of loading a new one.
    static constexpr uint32_t LSB = 1, WIDTH = 1, MASK = 0x2;
  };
};

// Job state. DONE and ERROR stay set until the next START.
struct STATUS {
  static constexpr uint32_t OFFSET = 0x04, RESET = 0x0;
  static constexpr Access ACCESS = Access::RO;
  struct BUSY {  // A job is loading activations or streaming weights.
    static constexpr uint32_t LSB = 0, WIDTH = 1, MASK = 0x1;
  };
  struct DONE {  // The last job finished and every result left the result stream.
    static constexpr uint32_t LSB = 1, WIDTH = 1, MASK = 0x2;
  };
  struct ERROR {  // The last job (or START) was rejected or saw a protocol error; see ERR_CODE.
    static constexpr uint32_t LSB = 2, WIDTH = 1, MASK = 0x4;
  };
  struct ERR_CODE {  // An mve_err value.
    static constexpr uint32_t LSB = 4, WIDTH = 4, MASK = 0xF0;
  };
};

// Rows (results) of the next job; 1 .. 2^24-1.
struct ROWS {
  static constexpr uint32_t OFFSET = 0x08, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Row count.
    static constexpr uint32_t LSB = 0, WIDTH = 24, MASK = 0xFFFFFF;
  };
};

// Columns (bytes per row) of the next job; 1 .. MAX_COLS.
struct COLS {
  static constexpr uint32_t OFFSET = 0x0C, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Column count.
    static constexpr uint32_t LSB = 0, WIDTH = 16, MASK = 0xFFFF;
  };
};

// Clock cycles of the last job, from the cycle START is written to the cycle DONE is set.
struct CYCLES {
  static constexpr uint32_t OFFSET = 0x10, RESET = 0x0;
  static constexpr Access ACCESS = Access::RO;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Results handed over on the result stream in the current (or last) job.
struct ROWS_DONE {
  static constexpr uint32_t OFFSET = 0x14, RESET = 0x0;
  static constexpr Access ACCESS = Access::RO;
  struct VALUE {  // Row count.
    static constexpr uint32_t LSB = 0, WIDTH = 24, MASK = 0xFFFFFF;
  };
};

// Build parameters of this engine instance.
struct PARAMS {
  static constexpr uint32_t OFFSET = 0x18, RESET = 0x0;
  static constexpr Access ACCESS = Access::RO;
  struct LANES {  // int8 MACs per cycle (bytes per stream beat).
    static constexpr uint32_t LSB = 0, WIDTH = 8, MASK = 0xFF;
  };
  struct MAX_COLS {  // Activation buffer depth in bytes.
    static constexpr uint32_t LSB = 8, WIDTH = 24, MASK = 0xFFFFFF00;
  };
};

// Error codes reported in STATUS.ERR_CODE. (4 bits)
enum class err : uint32_t {
  NONE = 0,
  ROWS_ZERO = 1,
  COLS_ZERO = 2,
  COLS_RANGE = 3,
  BUSY = 4,
  STRB = 5,
  NO_ACT = 6,
};

// Every register, ordered by offset.
inline constexpr RegInfo REGISTERS[] = {
    {"CTRL", 0x00, Access::W1P, 0x0},
    {"STATUS", 0x04, Access::RO, 0x0},
    {"ROWS", 0x08, Access::RW, 0x0},
    {"COLS", 0x0C, Access::RW, 0x0},
    {"CYCLES", 0x10, Access::RO, 0x0},
    {"ROWS_DONE", 0x14, Access::RO, 0x0},
    {"PARAMS", 0x18, Access::RO, 0x0},
};
inline constexpr std::size_t NUM_REGISTERS = 7;

}  // namespace mve

// Field F of register value reg, shifted down to bit 0.
template <class F>
constexpr uint32_t get(uint32_t reg) {
  return (reg & F::MASK) >> F::LSB;
}

// reg with field F replaced by v (bits of v beyond the field width are dropped).
template <class F>
constexpr uint32_t set(uint32_t reg, uint32_t v) {
  return (reg & ~F::MASK) | ((v << F::LSB) & F::MASK);
}

}  // namespace pnm::regs
