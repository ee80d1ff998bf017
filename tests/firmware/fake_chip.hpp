// A fake chip for firmware unit tests: plain C++, no SystemC, no timing. It
// answers the firmware's HAL host ops with the register map of
// firmware/hal/pnm_regs.h (the generated header) and the address map of
// tlm/chip/CHIP.md, and lays a QuantizedModel out per model_desc.h:
//
//  * logic memory: one byte vector at PNM_ADDR_LOGIC_MEM_BASE holding the
//    descriptor, layer table, fp32 embedding / norms / row scales, the KV
//    cache, the work vectors and partials;
//  * flash: one byte vector per channel; each matrix striped by rows across
//    channels (rows_c / r0_c of CHIP.md) at the same page-aligned F_W in every
//    channel, ceil(R/C)*K bytes reserved, rounded up to whole pages;
//  * vector unit: the regmap `vu` ops executed with sim/model functions;
//  * PNM units: job queues, ACT_EPOCH gating, int8 GEMV of the unit's own
//    stripe written to JOB_DST + 4*r0_c; results only land when the firmware
//    waits (so a firmware that reads results too early sees stale data).
//
// Work happens lazily in wait_irq: first the pending VU op, then every PNM
// job whose epoch has been released. A wait that could never end throws
// (the firmware would hang on real hardware). Any access outside the map, a
// read of PNM_BCAST, or a register write to the VU while it is busy throws
// std::runtime_error naming the address.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "firmware/decode/model_desc.h"
#include "firmware/hal/hal.h"
#include "sim/model/quant.hpp"

namespace pnm::test {

struct FakeChipOptions {
  unsigned channels = 3;
  unsigned queue_depth = 8;
  uint64_t page_bytes = 4096;
  uint64_t act_sram_bytes = 64 * 1024;
  unsigned vectors = 1;  // PARAMS.VECTORS + 1: activation vectors per job
};

class FakeChip {
 public:
  FakeChip(const model::QuantizedModel& qm, const FakeChipOptions& opt);
  FakeChip(const FakeChip&) = delete;
  FakeChip& operator=(const FakeChip&) = delete;

  // The descriptor and layer table as the loader wrote them (host copies).
  pnm_model_desc_t& desc() { return desc_; }
  std::vector<pnm_layer_desc_t>& layers() { return layers_; }

  // HAL host ops bound to this chip.
  pnm_hal_host_ops_t ops();

  // For a timed (TLM) wrapper: runs the pending VU op and every released PNM
  // job now, as wait_irq does; irq_line() is (IRQ.STATUS & IRQ.ENABLE) != 0.
  void settle() {
    run_vu();
    run_jobs();
  }
  bool irq_line() const { return (irq_status() & irq_enable_) != 0; }
  uint32_t read32_for_tlm(uint64_t addr) { return read32(addr); }
  void write32_for_tlm(uint64_t addr, uint32_t v) { write32(addr, v); }

  // Logic-memory views for checks.
  std::vector<float> read_f32(uint64_t addr, size_t n) const;

  // Fault injection: the VU op with this 0-based index (counting STARTs)
  // finishes with STATUS.ERROR and err_code; the PNM job with this 0-based
  // index (counting PUSHes) fails on unit fail_unit with err_code.
  struct Faults {
    int64_t vu_op_index = -1;
    uint32_t vu_err_code = 3;  // BAD_ARG
    int64_t pnm_job_index = -1;
    unsigned pnm_fail_unit = 0;
    uint32_t pnm_err_code = 5;  // UNCORRECTABLE
  } faults;

  struct Counters {
    uint64_t reads = 0, writes = 0, vu_ops = 0, jobs = 0, waits = 0;
  } counters;

 private:
  struct Job {
    uint64_t flash = 0;
    uint32_t rows = 0, cols = 0, act_off = 0, epoch = 0, vecs = 1;
    uint64_t dst = 0, dst_stride = 0;
    bool fail = false;
  };
  struct Unit {
    uint32_t job_regs[32] = {};  // staged JOB_* by offset / 4
    uint32_t act_epoch = 0, jobs_pushed = 0, jobs_done = 0;
    uint32_t status_err = 0;  // sticky error code, 0 = none
    std::deque<Job> queue;
    std::vector<uint8_t> act;
    std::vector<uint8_t> flash;
  };

  static bool is_job_reg(uint32_t off);  // the staged JOB_* registers
  uint64_t alloc(uint64_t bytes, uint64_t align = 64);
  uint64_t place_f32(const std::vector<float>& v);
  pnm_matrix_desc_t place_matrix(const model::QMatrix& m);

  uint32_t read32(uint64_t addr);
  void write32(uint64_t addr, uint32_t v);
  void wait_irq(uint32_t mask);
  uint32_t irq_status() const;

  void pnm_reg_write(unsigned u, uint32_t off, uint32_t v);
  uint32_t pnm_reg_read(unsigned u, uint32_t off) const;
  void run_vu();
  void run_jobs();

  // Chip-address memory as the VU and PNM write-back see it (no registers).
  bool mem_read(uint64_t addr, void* dst, uint64_t n) const;
  bool mem_write(uint64_t addr, const void* src, uint64_t n);
  uint8_t* logic_ptr(uint64_t addr, uint64_t n);
  const uint8_t* logic_ptr(uint64_t addr, uint64_t n) const;

  FakeChipOptions opt_;
  pnm_model_desc_t desc_{};
  std::vector<pnm_layer_desc_t> layers_;
  std::vector<uint8_t> logic_;
  uint64_t logic_top_ = 0;
  uint64_t flash_top_ = 0;
  std::vector<Unit> units_;
  uint32_t vu_regs_[32] = {};
  bool vu_busy_ = false, vu_done_ = false;
  uint32_t vu_err_ = 0, vu_result_ = 0;
  uint32_t irq_enable_ = 0;
  uint64_t job_index_ = 0;
};

}  // namespace pnm::test
