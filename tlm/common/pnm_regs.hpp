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
// against VECS int8 activation vectors of COLS bytes each (1 .. VECTORS, the engine holds that
// many); VECS int32 results per row.
namespace mve {

inline constexpr unsigned ADDR_WIDTH_BITS = 8;
inline constexpr unsigned DATA_WIDTH_BITS = 32;

// Job control; bits are pulses and read as zero.
struct CTRL {
  static constexpr uint32_t OFFSET = 0x00, RESET = 0x0;
  static constexpr Access ACCESS = Access::W1P;
  struct START {  // Start a job with the current ROWS, COLS and VECS.
    static constexpr uint32_t LSB = 0, WIDTH = 1, MASK = 0x1;
  };
  struct SKIP_ACT {  // Reuse the activation vectors held from an earlier job instead of loading new ones.
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

// Activation vectors n of the next job; 1 .. VECTORS (PARAMS2).
struct VECS {
  static constexpr uint32_t OFFSET = 0x1C, RESET = 0x1;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Vector count.
    static constexpr uint32_t LSB = 0, WIDTH = 16, MASK = 0xFFFF;
  };
};

// More build parameters of this engine instance.
struct PARAMS2 {
  static constexpr uint32_t OFFSET = 0x20, RESET = 0x0;
  static constexpr Access ACCESS = Access::RO;
  struct VECTORS {  // Activation vectors the engine holds (int32 results per row, at most).
    static constexpr uint32_t LSB = 0, WIDTH = 16, MASK = 0xFFFF;
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
  VECS_RANGE = 7,
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
    {"VECS", 0x1C, Access::RW, 0x1},
    {"PARAMS2", 0x20, Access::RO, 0x0},
};
inline constexpr std::size_t NUM_REGISTERS = 9;

}  // namespace mve

// One PNM unit (per flash channel): a queue of GEMV jobs. A job names a whole matrix (ROWS x
// COLS int8, row scales applied later by the vector unit); the unit takes its own stripe of
// rows (see tlm/chip/CHIP.md): rows_c = ROWS / C + (c < ROWS % C), first row r0_c = c * (ROWS /
// C) + min(c, ROWS % C). Its rows sit row-major at JOB_FLASH in its channel; its int32 results
// for activation vector v go to JOB_DST + v * JOB_DST_STRIDE + 4 * r0_c. The job waits until
// ACT_EPOCH >= JOB_EPOCH before the MVE uses the activation SRAM, but its flash reads start as
// soon as the read-ahead buffer has room.
namespace pnm {

inline constexpr unsigned ADDR_WIDTH_BITS = 8;
inline constexpr unsigned DATA_WIDTH_BITS = 32;

// Queue control; bits are pulses.
struct CTRL {
  static constexpr uint32_t OFFSET = 0x00, RESET = 0x0;
  static constexpr Access ACCESS = Access::W1P;
  struct PUSH {  // Append the staged JOB_* descriptor to the queue.
    static constexpr uint32_t LSB = 0, WIDTH = 1, MASK = 0x1;
  };
  struct CLEAR_ERR {  // Clear STATUS.ERROR and ERR_CODE.
    static constexpr uint32_t LSB = 1, WIDTH = 1, MASK = 0x2;
  };
};

// Queue state.
struct STATUS {
  static constexpr uint32_t OFFSET = 0x04, RESET = 0x0;
  static constexpr Access ACCESS = Access::RO;
  struct BUSY {  // Jobs queued or running.
    static constexpr uint32_t LSB = 0, WIDTH = 1, MASK = 0x1;
  };
  struct FULL {  // The queue cannot take another job.
    static constexpr uint32_t LSB = 1, WIDTH = 1, MASK = 0x2;
  };
  struct ERROR {  // A job failed or a PUSH was refused; see ERR_CODE. Sticky.
    static constexpr uint32_t LSB = 2, WIDTH = 1, MASK = 0x4;
  };
  struct ERR_CODE {  // A pnm_err value (the first error).
    static constexpr uint32_t LSB = 4, WIDTH = 4, MASK = 0xF0;
  };
};

// Flash byte address (in this channel) of this unit's first row, low word; page aligned.
struct JOB_FLASH_LO {
  static constexpr uint32_t OFFSET = 0x08, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Flash byte address, high word.
struct JOB_FLASH_HI {
  static constexpr uint32_t OFFSET = 0x0C, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Rows of the whole matrix, all channels together.
struct JOB_ROWS {
  static constexpr uint32_t OFFSET = 0x10, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Row count.
    static constexpr uint32_t LSB = 0, WIDTH = 24, MASK = 0xFFFFFF;
  };
};

// Columns (bytes per row); 1 .. the MVE's max_cols.
struct JOB_COLS {
  static constexpr uint32_t OFFSET = 0x14, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Column count.
    static constexpr uint32_t LSB = 0, WIDTH = 16, MASK = 0xFFFF;
  };
};

// Byte offset of the int8 activation vector in the activation SRAM.
struct JOB_ACT_OFF {
  static constexpr uint32_t OFFSET = 0x18, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// The job's MVE work waits until ACT_EPOCH >= JOB_EPOCH.
struct JOB_EPOCH {
  static constexpr uint32_t OFFSET = 0x1C, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Chip address of row 0's int32 result, low word.
struct JOB_DST_LO {
  static constexpr uint32_t OFFSET = 0x20, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Chip address of row 0's int32 result, high word.
struct JOB_DST_HI {
  static constexpr uint32_t OFFSET = 0x24, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Bumped by firmware after it broadcasts a new activation vector.
struct ACT_EPOCH {
  static constexpr uint32_t OFFSET = 0x28, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Jobs accepted since reset.
struct JOBS_PUSHED {
  static constexpr uint32_t OFFSET = 0x2C, RESET = 0x0;
  static constexpr Access ACCESS = Access::RO;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Jobs whose results have all been written back.
struct JOBS_DONE {
  static constexpr uint32_t OFFSET = 0x30, RESET = 0x0;
  static constexpr Access ACCESS = Access::RO;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Flash pages read since reset.
struct PAGES_READ {
  static constexpr uint32_t OFFSET = 0x34, RESET = 0x0;
  static constexpr Access ACCESS = Access::RO;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Flash read-retry steps since reset.
struct RETRIES {
  static constexpr uint32_t OFFSET = 0x38, RESET = 0x0;
  static constexpr Access ACCESS = Access::RO;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Pages that stayed uncorrectable after every retry.
struct UNCORRECTABLE {
  static constexpr uint32_t OFFSET = 0x3C, RESET = 0x0;
  static constexpr Access ACCESS = Access::RO;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Build parameters of this unit.
struct PARAMS {
  static constexpr uint32_t OFFSET = 0x40, RESET = 0x0;
  static constexpr Access ACCESS = Access::RO;
  struct CHANNEL {  // This unit's channel index c.
    static constexpr uint32_t LSB = 0, WIDTH = 8, MASK = 0xFF;
  };
  struct CHANNELS {  // Channel count C, minus one (0 means 1).
    static constexpr uint32_t LSB = 8, WIDTH = 8, MASK = 0xFF00;
  };
  struct QUEUE_DEPTH {  // Job queue entries.
    static constexpr uint32_t LSB = 16, WIDTH = 8, MASK = 0xFF0000;
  };
  struct VECTORS {  // Activation vectors one job may carry (the MVE's VECTORS), minus one.
    static constexpr uint32_t LSB = 24, WIDTH = 8, MASK = 0xFF000000;
  };
};

// Activation vectors n of the job (1 .. PARAMS.VECTORS+1). Vector v is JOB_COLS bytes at
// JOB_ACT_OFF + v * JOB_COLS; each weight page is read once and applied to all n vectors.
struct JOB_VECS {
  static constexpr uint32_t OFFSET = 0x44, RESET = 0x1;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Vector count.
    static constexpr uint32_t LSB = 0, WIDTH = 9, MASK = 0x1FF;
  };
};

// Bytes between the result arrays of consecutive vectors: vector v's int32 results go to
// JOB_DST + v * JOB_DST_STRIDE + 4 * r0_c.
struct JOB_DST_STRIDE {
  static constexpr uint32_t OFFSET = 0x48, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Error codes reported in STATUS.ERR_CODE. (4 bits)
enum class err : uint32_t {
  NONE = 0,
  ROWS_ZERO = 1,
  COLS_RANGE = 2,
  ACT_RANGE = 3,
  FLASH_RANGE = 4,
  UNCORRECTABLE = 5,
  QUEUE_FULL = 6,
  WRITEBACK = 7,
  MVE = 8,
  VECS_RANGE = 9,
};

// Every register, ordered by offset.
inline constexpr RegInfo REGISTERS[] = {
    {"CTRL", 0x00, Access::W1P, 0x0},
    {"STATUS", 0x04, Access::RO, 0x0},
    {"JOB_FLASH_LO", 0x08, Access::RW, 0x0},
    {"JOB_FLASH_HI", 0x0C, Access::RW, 0x0},
    {"JOB_ROWS", 0x10, Access::RW, 0x0},
    {"JOB_COLS", 0x14, Access::RW, 0x0},
    {"JOB_ACT_OFF", 0x18, Access::RW, 0x0},
    {"JOB_EPOCH", 0x1C, Access::RW, 0x0},
    {"JOB_DST_LO", 0x20, Access::RW, 0x0},
    {"JOB_DST_HI", 0x24, Access::RW, 0x0},
    {"ACT_EPOCH", 0x28, Access::RW, 0x0},
    {"JOBS_PUSHED", 0x2C, Access::RO, 0x0},
    {"JOBS_DONE", 0x30, Access::RO, 0x0},
    {"PAGES_READ", 0x34, Access::RO, 0x0},
    {"RETRIES", 0x38, Access::RO, 0x0},
    {"UNCORRECTABLE", 0x3C, Access::RO, 0x0},
    {"PARAMS", 0x40, Access::RO, 0x0},
    {"JOB_VECS", 0x44, Access::RW, 0x1},
    {"JOB_DST_STRIDE", 0x48, Access::RW, 0x0},
};
inline constexpr std::size_t NUM_REGISTERS = 19;

}  // namespace pnm

// Vector unit on the logic die: fp32 operations of the decode step over chip memory
// (sim/model/ops.hpp is the arithmetic contract). Addresses are 64-bit chip addresses, split
// into LO/HI words; LEN counts elements.
namespace vu {

inline constexpr unsigned ADDR_WIDTH_BITS = 8;
inline constexpr unsigned DATA_WIDTH_BITS = 32;

// Operation control; bits are pulses.
struct CTRL {
  static constexpr uint32_t OFFSET = 0x00, RESET = 0x0;
  static constexpr Access ACCESS = Access::W1P;
  struct START {  // Run OP with the current operands.
    static constexpr uint32_t LSB = 0, WIDTH = 1, MASK = 0x1;
  };
};

// DONE and ERROR stay set until the next START.
struct STATUS {
  static constexpr uint32_t OFFSET = 0x04, RESET = 0x0;
  static constexpr Access ACCESS = Access::RO;
  struct BUSY {  // An operation is running.
    static constexpr uint32_t LSB = 0, WIDTH = 1, MASK = 0x1;
  };
  struct DONE {  // The last operation finished.
    static constexpr uint32_t LSB = 1, WIDTH = 1, MASK = 0x2;
  };
  struct ERROR {  // The last operation failed; see ERR_CODE.
    static constexpr uint32_t LSB = 2, WIDTH = 1, MASK = 0x4;
  };
  struct ERR_CODE {  // A vu_err value.
    static constexpr uint32_t LSB = 4, WIDTH = 4, MASK = 0xF0;
  };
};

// A vu_op value.
struct OP {
  static constexpr uint32_t OFFSET = 0x08, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Operation.
    static constexpr uint32_t LSB = 0, WIDTH = 8, MASK = 0xFF;
  };
};

// First source address, low word.
struct SRC0_LO {
  static constexpr uint32_t OFFSET = 0x10, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// First source address, high word.
struct SRC0_HI {
  static constexpr uint32_t OFFSET = 0x14, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Second source address, low word.
struct SRC1_LO {
  static constexpr uint32_t OFFSET = 0x18, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Second source address, high word.
struct SRC1_HI {
  static constexpr uint32_t OFFSET = 0x1C, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Third source address, low word.
struct SRC2_LO {
  static constexpr uint32_t OFFSET = 0x20, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Third source address, high word.
struct SRC2_HI {
  static constexpr uint32_t OFFSET = 0x24, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Destination address, low word.
struct DST_LO {
  static constexpr uint32_t OFFSET = 0x28, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Destination address, high word.
struct DST_HI {
  static constexpr uint32_t OFFSET = 0x2C, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Element count.
struct LEN {
  static constexpr uint32_t OFFSET = 0x30, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Integer argument 0 (see vu_op).
struct ARG0 {
  static constexpr uint32_t OFFSET = 0x34, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Integer argument 1.
struct ARG1 {
  static constexpr uint32_t OFFSET = 0x38, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Integer argument 2.
struct ARG2 {
  static constexpr uint32_t OFFSET = 0x3C, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Integer argument 3.
struct ARG3 {
  static constexpr uint32_t OFFSET = 0x40, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// fp32 argument (IEEE-754 bits).
struct FARG {
  static constexpr uint32_t OFFSET = 0x44, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Scalar result: QUANTIZE's scale (fp32 bits), ARGMAX's and SAMPLE's index.
struct RESULT {
  static constexpr uint32_t OFFSET = 0x48, RESET = 0x0;
  static constexpr Access ACCESS = Access::RO;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Cycles of the last operation.
struct CYCLES {
  static constexpr uint32_t OFFSET = 0x4C, RESET = 0x0;
  static constexpr Access ACCESS = Access::RO;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Operations. COPY dst=src0 (LEN 32-bit words). RMSNORM dst=rmsnorm(src0)*src1. QUANTIZE int8 dst=q(src0), RESULT=scale. DEQUANT dst[r]=float(int32 src0[r])*(src1[r]*FARG). ROPE in place on q=DST (LEN=dim) and k=SRC0 (ARG1=kv_dim), ARG0=pos, ARG2=head_dim. ATTENTION dst=attention(q=SRC0, k cache=SRC1, v cache=SRC2), ARG0=pos, ARG1=n_heads, ARG2=n_kv_heads, ARG3=head_dim. ADD dst=src0+src1. SILU_MUL dst=silu(src0)*src1. ARGMAX RESULT=argmax(src0). SAMPLE RESULT=sample_with_coin(logits=src0, LEN, temperature=FARG, top_p=ARG0 as fp32 bits, coin24=ARG1) (sim/model/sampler.hpp). (8 bits)
enum class op : uint32_t {
  COPY = 0,
  RMSNORM = 1,
  QUANTIZE = 2,
  DEQUANT = 3,
  ROPE = 4,
  ATTENTION = 5,
  ADD = 6,
  SILU_MUL = 7,
  ARGMAX = 8,
  SAMPLE = 9,
};

// Error codes reported in STATUS.ERR_CODE. (4 bits)
enum class err : uint32_t {
  NONE = 0,
  BAD_OP = 1,
  BAD_LEN = 2,
  BAD_ARG = 3,
  ADDRESS = 4,
  BUSY = 5,
};

// Every register, ordered by offset.
inline constexpr RegInfo REGISTERS[] = {
    {"CTRL", 0x00, Access::W1P, 0x0},
    {"STATUS", 0x04, Access::RO, 0x0},
    {"OP", 0x08, Access::RW, 0x0},
    {"SRC0_LO", 0x10, Access::RW, 0x0},
    {"SRC0_HI", 0x14, Access::RW, 0x0},
    {"SRC1_LO", 0x18, Access::RW, 0x0},
    {"SRC1_HI", 0x1C, Access::RW, 0x0},
    {"SRC2_LO", 0x20, Access::RW, 0x0},
    {"SRC2_HI", 0x24, Access::RW, 0x0},
    {"DST_LO", 0x28, Access::RW, 0x0},
    {"DST_HI", 0x2C, Access::RW, 0x0},
    {"LEN", 0x30, Access::RW, 0x0},
    {"ARG0", 0x34, Access::RW, 0x0},
    {"ARG1", 0x38, Access::RW, 0x0},
    {"ARG2", 0x3C, Access::RW, 0x0},
    {"ARG3", 0x40, Access::RW, 0x0},
    {"FARG", 0x44, Access::RW, 0x0},
    {"RESULT", 0x48, Access::RO, 0x0},
    {"CYCLES", 0x4C, Access::RO, 0x0},
};
inline constexpr std::size_t NUM_REGISTERS = 19;

}  // namespace vu

// Interrupt lines to the control CPU, as levels. The CPU waits (WFI) until (STATUS & ENABLE) !=
// 0.
namespace irq {

inline constexpr unsigned ADDR_WIDTH_BITS = 8;
inline constexpr unsigned DATA_WIDTH_BITS = 32;

// Current level of each line.
struct STATUS {
  static constexpr uint32_t OFFSET = 0x00, RESET = 0x0;
  static constexpr Access ACCESS = Access::RO;
  struct PNM_IDLE {  // Every PNM unit has an empty queue and no job running.
    static constexpr uint32_t LSB = 0, WIDTH = 1, MASK = 0x1;
  };
  struct VU_IDLE {  // The vector unit is not busy.
    static constexpr uint32_t LSB = 1, WIDTH = 1, MASK = 0x2;
  };
  struct PNM_ERROR {  // Some PNM unit has STATUS.ERROR set.
    static constexpr uint32_t LSB = 2, WIDTH = 1, MASK = 0x4;
  };
};

// Lines that wake the CPU.
struct ENABLE {
  static constexpr uint32_t OFFSET = 0x04, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct PNM_IDLE {  // Wake on PNM_IDLE.
    static constexpr uint32_t LSB = 0, WIDTH = 1, MASK = 0x1;
  };
  struct VU_IDLE {  // Wake on VU_IDLE.
    static constexpr uint32_t LSB = 1, WIDTH = 1, MASK = 0x2;
  };
  struct PNM_ERROR {  // Wake on PNM_ERROR.
    static constexpr uint32_t LSB = 2, WIDTH = 1, MASK = 0x4;
  };
};

// Every register, ordered by offset.
inline constexpr RegInfo REGISTERS[] = {
    {"STATUS", 0x00, Access::RO, 0x0},
    {"ENABLE", 0x04, Access::RW, 0x0},
};
inline constexpr std::size_t NUM_REGISTERS = 2;

}  // namespace irq

// Collective engine: this chip's port on the chip-to-chip fabric (tlm/interchip). A tensor-
// parallel decode splits every GEMV's rows over the chips (rank k holds rows [a_k, a_k + R_k),
// the channel striping rule applied to chips); after each GEMV the firmware gathers the other
// ranks' int32 result rows into its own buffer. PUSH queues one gather; GO runs the queued
// gathers as one group over the fabric and completes (the write returns) when every rank of
// this chip's tensor-parallel group has arrived and the group has been delivered. A pipeline-
// parallel decode (chips = tp x pp; chip r is stage r / tp, TP rank r % tp) forwards the
// residual vectors from stage to stage, and the sampled tokens from the last stage to stage 0,
// with SEND / RECV: a point-to-point transfer of VECS blocks of BYTES bytes (block v at BUF + v
// * STRIDE) between this chip and chip PEER, which starts when both sides have arrived (a
// rendezvous) and completes, on both, when the last byte is delivered.
namespace coll {

inline constexpr unsigned ADDR_WIDTH_BITS = 8;
inline constexpr unsigned DATA_WIDTH_BITS = 32;

// Control pulses; read as zero.
struct CTRL {
  static constexpr uint32_t OFFSET = 0x00, RESET = 0x0;
  static constexpr Access ACCESS = Access::W1P;
  struct PUSH {  // Queue an all-gather of BUF/ROWS/VECS/STRIDE.
    static constexpr uint32_t LSB = 0, WIDTH = 1, MASK = 0x1;
  };
  struct GO {  // Run the queued gathers as one group; the write completes when the group is done on every rank.
    static constexpr uint32_t LSB = 1, WIDTH = 1, MASK = 0x2;
  };
  struct SEND {  // Send VECS blocks of BYTES bytes at BUF + v * STRIDE to chip PEER; the write completes when PEER's matching RECV has them.
    static constexpr uint32_t LSB = 2, WIDTH = 1, MASK = 0x4;
  };
  struct RECV {  // Receive VECS blocks of BYTES bytes from chip PEER into BUF + v * STRIDE; the write completes when they are delivered.
    static constexpr uint32_t LSB = 3, WIDTH = 1, MASK = 0x8;
  };
  struct MBOX {  // With SEND or RECV: the data is the mailbox (the words written to MBOX since the last SEND; BYTES = 4 x words, VECS = 1), not memory: the firmware's path for scalars such as sampled tokens.
    static constexpr uint32_t LSB = 4, WIDTH = 1, MASK = 0x10;
  };
};

// State of the last group.
struct STATUS {
  static constexpr uint32_t OFFSET = 0x04, RESET = 0x0;
  static constexpr Access ACCESS = Access::RO;
  struct DONE {  // The last GO completed.
    static constexpr uint32_t LSB = 0, WIDTH = 1, MASK = 0x1;
  };
  struct ERROR {  // The last PUSH or GO failed (ERR_CODE says why).
    static constexpr uint32_t LSB = 1, WIDTH = 1, MASK = 0x2;
  };
  struct ERR_CODE {  // Error code (enum err).
    static constexpr uint32_t LSB = 4, WIDTH = 4, MASK = 0xF0;
  };
};

// Where this chip sits in the system.
struct PARAMS {
  static constexpr uint32_t OFFSET = 0x08, RESET = 0x0;
  static constexpr Access ACCESS = Access::RO;
  struct RANK {  // This chip's rank r (0 .. N-1): pipeline stage r / TP, tensor-parallel rank r % TP.
    static constexpr uint32_t LSB = 0, WIDTH = 8, MASK = 0xFF;
  };
  struct CHIPS {  // Chips N, minus one (0 means a single chip).
    static constexpr uint32_t LSB = 8, WIDTH = 8, MASK = 0xFF00;
  };
  struct TP {  // Chips in this chip's tensor-parallel group, minus one (N / pipeline stages).
    static constexpr uint32_t LSB = 16, WIDTH = 8, MASK = 0xFF0000;
  };
};

// Chip address of vector 0's int32 result array (all R rows), low word.
struct BUF_LO {
  static constexpr uint32_t OFFSET = 0x0C, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// High word of BUF.
struct BUF_HI {
  static constexpr uint32_t OFFSET = 0x10, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Rows R of the whole matrix; rank j owns rows [a_j, a_j + R_j).
struct ROWS {
  static constexpr uint32_t OFFSET = 0x14, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Row count.
    static constexpr uint32_t LSB = 0, WIDTH = 24, MASK = 0xFFFFFF;
  };
};

// Result vectors n; vector v's array is at BUF + v * STRIDE.
struct VECS {
  static constexpr uint32_t OFFSET = 0x18, RESET = 0x1;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Vector count.
    static constexpr uint32_t LSB = 0, WIDTH = 16, MASK = 0xFFFF;
  };
};

// Bytes between consecutive vectors' result arrays.
struct STRIDE {
  static constexpr uint32_t OFFSET = 0x1C, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Groups completed since reset.
struct GROUPS_DONE {
  static constexpr uint32_t OFFSET = 0x20, RESET = 0x0;
  static constexpr Access ACCESS = Access::RO;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// The other chip of a SEND or RECV.
struct PEER {
  static constexpr uint32_t OFFSET = 0x24, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Chip rank, not this chip's.
    static constexpr uint32_t LSB = 0, WIDTH = 8, MASK = 0xFF;
  };
};

// Bytes per block of a SEND or RECV (VECS blocks, STRIDE apart); the two sides must agree.
struct BYTES {
  static constexpr uint32_t OFFSET = 0x28, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// SENDs and RECVs completed since reset.
struct P2P_DONE {
  static constexpr uint32_t OFFSET = 0x2C, RESET = 0x0;
  static constexpr Access ACCESS = Access::RO;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Mailbox word (up to 1024 each way). A write appends to the outgoing message a SEND with
// CTRL.MBOX sends (and empties); a read returns word MBOX_IDX of the message the last RECV with
// CTRL.MBOX received (0 past its end).
struct MBOX {
  static constexpr uint32_t OFFSET = 0x30, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Whole register.
    static constexpr uint32_t LSB = 0, WIDTH = 32, MASK = 0xFFFFFFFF;
  };
};

// Which received mailbox word MBOX reads (reads have no side effects).
struct MBOX_IDX {
  static constexpr uint32_t OFFSET = 0x34, RESET = 0x0;
  static constexpr Access ACCESS = Access::RW;
  struct VALUE {  // Word index.
    static constexpr uint32_t LSB = 0, WIDTH = 16, MASK = 0xFFFF;
  };
};

// Error codes reported in STATUS.ERR_CODE. (4 bits)
enum class err : uint32_t {
  NONE = 0,
  EMPTY = 1,
  QUEUE_FULL = 2,
  BAD_GATHER = 3,
  MISMATCH = 4,
  NO_FABRIC = 5,
  BAD_P2P = 6,
};

// Every register, ordered by offset.
inline constexpr RegInfo REGISTERS[] = {
    {"CTRL", 0x00, Access::W1P, 0x0},
    {"STATUS", 0x04, Access::RO, 0x0},
    {"PARAMS", 0x08, Access::RO, 0x0},
    {"BUF_LO", 0x0C, Access::RW, 0x0},
    {"BUF_HI", 0x10, Access::RW, 0x0},
    {"ROWS", 0x14, Access::RW, 0x0},
    {"VECS", 0x18, Access::RW, 0x1},
    {"STRIDE", 0x1C, Access::RW, 0x0},
    {"GROUPS_DONE", 0x20, Access::RO, 0x0},
    {"PEER", 0x24, Access::RW, 0x0},
    {"BYTES", 0x28, Access::RW, 0x0},
    {"P2P_DONE", 0x2C, Access::RO, 0x0},
    {"MBOX", 0x30, Access::RW, 0x0},
    {"MBOX_IDX", 0x34, Access::RW, 0x0},
};
inline constexpr std::size_t NUM_REGISTERS = 14;

}  // namespace coll

// The chip as the control CPU (and every other initiator on the on-chip interconnect) sees it.
// tlm/noc decodes this table; the chip top binds its sockets from it.
namespace addr {

struct Region {
  const char* name;
  uint64_t base, size;
  uint32_t count;  // instances at base + i * size
};

// Vector unit registers.
inline constexpr uint64_t VU_BASE = 0x0000000000010000ULL, VU_SIZE = 0x0000000000001000ULL;
inline constexpr uint32_t VU_COUNT = 1;
// Interrupt lines to the control CPU.
inline constexpr uint64_t IRQ_BASE = 0x0000000000020000ULL, IRQ_SIZE = 0x0000000000001000ULL;
inline constexpr uint32_t IRQ_COUNT = 1;
// Broadcast window, writes only: a write at offset o goes to every PNM unit's window at offset
// o (activation vectors, ACT_EPOCH, job descriptors).
inline constexpr uint64_t PNM_BCAST_BASE = 0x000000000F000000ULL, PNM_BCAST_SIZE = 0x0000000000400000ULL;
inline constexpr uint32_t PNM_BCAST_COUNT = 1;
// PNM unit c at BASE + c * SIZE: registers at offset 0, activation SRAM at ACT_SRAM_OFFSET.
// Reached through channel c's TSV link.
inline constexpr uint64_t PNM_BASE = 0x0000000010000000ULL, PNM_SIZE = 0x0000000000400000ULL;
inline constexpr uint32_t PNM_COUNT = 256;
// Logic-die memory (stacked DRAM/SRAM): model descriptor, fp32 embedding, norms and row scales,
// the KV cache, activation and scratch buffers.
inline constexpr uint64_t LOGIC_MEM_BASE = 0x0000001000000000ULL, LOGIC_MEM_SIZE = 0x0000001000000000ULL;
inline constexpr uint32_t LOGIC_MEM_COUNT = 1;
// Collective engine (chip-to-chip fabric port); every chip has one, a single chip never
// addresses it. Last in the table, so the other regions keep their indices.
inline constexpr uint64_t COLL_BASE = 0x0000000000030000ULL, COLL_SIZE = 0x0000000000001000ULL;
inline constexpr uint32_t COLL_COUNT = 1;
// Offset of the activation SRAM inside a PNM unit's window.
inline constexpr uint64_t ACT_SRAM_OFFSET = 0x0000000000080000ULL;
// Largest activation SRAM a PNM unit window can hold (3.5 MiB: a batch of 64 vectors of a
// 28672-wide row, Llama-2-70B's W2, needs 1.75 MiB).
inline constexpr uint64_t ACT_SRAM_MAX_BYTES = 0x0000000000380000ULL;

// Every region, in source order.
inline constexpr Region REGIONS[] = {
    {"VU", 0x0000000000010000ULL, 0x0000000000001000ULL, 1},
    {"IRQ", 0x0000000000020000ULL, 0x0000000000001000ULL, 1},
    {"PNM_BCAST", 0x000000000F000000ULL, 0x0000000000400000ULL, 1},
    {"PNM", 0x0000000010000000ULL, 0x0000000000400000ULL, 256},
    {"LOGIC_MEM", 0x0000001000000000ULL, 0x0000001000000000ULL, 1},
    {"COLL", 0x0000000000030000ULL, 0x0000000000001000ULL, 1},
};

}  // namespace addr

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
